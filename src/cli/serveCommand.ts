import { parseArgs } from 'node:util';
import { oneLineMessage } from '../engine/result.js';
import { DATA_ENV_VAR, defaultDataDir, libraryDatabasePath } from '../search/openLibrary.js';
import { DEFAULT_PORT, startServer } from '../server/start.js';
import type { CliIO } from './io.js';
import { MODEL_ARGS, modelOptionsOf } from './options.js';
import { UsageError } from './usage.js';

export const SERVE_HELP = `Usage: ayat serve [options]

Starts the web app and HTTP API: identify uploads or microphone recordings,
index folders of recordings into a searchable library, search it by verse
reference, surah name, or Arabic or English words. Open the printed URL.

Modes: full always (the default); clap, lightweight and hybrid too when their
trained models are installed (a folder with a card.json, found at start-up).
GET /modes lists them; POST /identify takes mode=<mode>.

Options:
  --port N        port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR     address to listen on (default 127.0.0.1, this machine only)
  --data DIR      library database and uploads (default $${DATA_ENV_VAR}, else
                  ~/.local/share/ayat)
  --model DIR     acoustic model folder or bundled model name (default models/ayat-ctc,
                  or $AYAT_MODEL); full and hybrid modes
  --clap-model DIR          QuranCLAP model folder (default models/ayat-clap, or
                            $AYAT_CLAP_MODEL); clap and hybrid modes
  --lightweight-model DIR   bridge model folder (default models/ayat-bridge, or
                            $AYAT_LIGHTWEIGHT_MODEL); lightweight mode
  --allow DIR     let the library add folders only inside DIR (repeatable;
                  default: any folder this user can read)
  --no-watch      do not follow the library's folders: by default recordings
                  copied into, changed in or deleted from them are indexed or
                  dropped while the server runs (and at start-up)
  -h, --help      show this help

Endpoints: POST /identify, GET /modes, POST|GET /library, GET /jobs/:id,
GET /search?q=…, GET /recordings/:id/audio, GET /health.
Stop with Ctrl-C.
`;

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port needs a port number from 0 to 65535, got "${value}"`);
  return Number(value);
}

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM). */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => () => resolve(signal);
    process.once('SIGINT', stop('SIGINT'));
    process.once('SIGTERM', stop('SIGTERM'));
  });
}

/** `ayat serve`: runs until stopped; returns the exit code. */
export async function serveCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      ...MODEL_ARGS,
      allow: { type: 'string', multiple: true },
      'no-watch': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(SERVE_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`serve takes no file arguments (got "${positionals[0]}")`);
  const port = parsePort(values.port);
  const dataDir = values.data ?? defaultDataDir();

  const server = await startServer({
    port,
    host: values.host,
    dataDir,
    ...modelOptionsOf(values),
    allowedFolders: values.allow,
    watchFolders: !values['no-watch'],
    log: (line) => io.err(`ayat serve: ${line}\n`),
    logError: (err) => io.err(`ayat serve: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`),
  });
  io.out(`ayat: serving on ${server.url}\n`);
  io.err(`ayat serve: library ${libraryDatabasePath(dataDir)}; modes ${server.modes.map((m) => m.id).join(', ')}; loading the model…\n`);
  void server.modelReady.then((status) =>
    io.err(
      status.state === 'ready'
        ? `ayat serve: model ${status.name} ${status.version} ready\n`
        : `ayat serve: no model: ${status.state === 'unavailable' ? status.error : 'still loading'} (identification answers 503 until one is installed)\n`,
    ),
  );
  const signal = await untilStopped();
  io.err(`ayat serve: ${signal}, stopping…\n`);
  try {
    await server.close();
  } catch (err) {
    io.err(`ayat serve: ${oneLineMessage(err)}\n`);
    return 1;
  }
  return 0;
}
