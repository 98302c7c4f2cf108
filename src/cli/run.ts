import { packageVersion } from '../acoustic/packageRoot.js';
import { ModeUnavailableError } from '../engine/modes.js';
import { oneLineMessage } from '../engine/result.js';
import { benchCommand } from './benchCommand.js';
import { followCommand } from './followCommand.js';
import { identifyCommand } from './identifyCommand.js';
import { libraryCommand } from './libraryCommand.js';
import { modelCommand } from './modelCommand.js';
import { serveCommand } from './serveCommand.js';
import type { CliIO } from './io.js';
import { MAIN_HELP, UsageError } from './usage.js';

type Command = (argv: readonly string[], io: CliIO) => Promise<number>;

const COMMANDS = new Map<string, Command>([
  ['identify', identifyCommand],
  ['follow', followCommand],
  ['bench', benchCommand],
  ['serve', serveCommand],
  ['library', libraryCommand],
  ['model', modelCommand],
]);

/** Runs one command line and returns the exit code; never throws. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      const command = argv[0] !== undefined && COMMANDS.has(argv[0]) ? `${argv[0]} ` : '';
      io.err(`ayat: ${usageMessage(err as Error)}\nTry 'ayat ${command}--help'.\n`);
      return 2;
    }
    if (err instanceof ModeUnavailableError) {
      io.err(`ayat: ${oneLineMessage(err)}\n`);
      return 2;
    }
    io.err(`ayat: ${oneLineMessage(err)}\n`);
    return 1;
  }
}

async function dispatch(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(MAIN_HELP);
    return 2;
  }
  if (first === '--help' || first === '-h') {
    io.out(MAIN_HELP);
    return 0;
  }
  if (first === '--version' || first === '-v' || first === '-V') {
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      io.out(MAIN_HELP);
      return 0;
    }
    return dispatch([topic, '--help'], io);
  }
  const command = COMMANDS.get(first);
  if (!command) {
    throw new UsageError(first.startsWith('-') ? `unknown option "${first}"` : `unknown command "${first}"`);
  }
  return command(rest, io);
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** node's parseArgs messages carry a long second sentence on `--`; the first one is enough. */
function usageMessage(err: Error): string {
  const line = oneLineMessage(err);
  const cut = line.indexOf('. To specify a positional argument');
  return cut > 0 ? line.slice(0, cut) : line;
}
