// The page's first script, next to nothing: the frame index.html holds is painted while the rest
// is on its way. The shell's code and the stylesheet come by this one import, which the build
// makes load them side by side and run the code once the styles are in; a stylesheet the page
// linked directly would hold back even that first paint.
void import('./main')
