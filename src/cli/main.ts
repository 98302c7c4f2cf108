import { processIO } from './io.js';
import { run } from './run.js';

// Last-resort guards: whatever escapes, the user sees one line, not a stack trace.
process.on('uncaughtException', (err) => {
  process.stderr.write(`ayat: ${err instanceof Error ? err.message.split('\n', 1)[0] : String(err)}\n`);
  process.exit(1);
});

process.exitCode = await run(process.argv.slice(2), processIO);
