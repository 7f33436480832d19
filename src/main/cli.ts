import { runCli } from './cli/run'

// The command-line entry (bin/kling-studio.js): the same services as the app, no window.
const stop = new AbortController()
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort())

process.exitCode = await runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
    env: process.env,
    now: Date.now,
  },
  stop.signal,
)
