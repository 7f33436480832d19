import { EXIT } from './cli/output'
import { processIo } from './cli/process-io'
import { runCli } from './cli/run'

// The command-line entry (bin/kling-studio.js): the same services as the app, no window.
const stop = new AbortController()
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort())

const io = processIo()
const code = await runCli(process.argv.slice(2), io, stop.signal)
process.exitCode = code === EXIT.done && io.failed() ? EXIT.api : code
