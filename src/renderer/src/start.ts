import { sendFirstCalls } from './first-calls'

// The page's first script, next to nothing: the frame index.html holds is painted while the rest
// is on its way. It sends the calls the first view waits for at once (first-calls.ts), so main
// answers them while the shell loads. The shell's code and the stylesheet come by this one
// import, which the build makes load them side by side and run the code once the styles are in;
// a stylesheet the page linked directly would hold back even that first paint. Should the
// shell's code not load, an inert picture of the Create view (shared/first-look.ts) must not stay
// up looking usable: the plain frame comes back, as index.html draws it.
sendFirstCalls()
void import('./main').catch((error: unknown) => {
  const picture = document.querySelector('[data-first-picture]')
  if (picture)
    picture.outerHTML =
      '<div class="shell start-frame"><div class="rail" aria-hidden="true"><div class="brand">' +
      '<span class="logo">K</span></div></div><main class="content"><h1>Kling Studio</h1></main></div>'
  throw error
})
