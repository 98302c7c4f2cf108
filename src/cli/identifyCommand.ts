import { parseArgs } from 'node:util';
import type { Identifier } from '../engine/identify.js';
import type { ModeModelOptions } from '../engine/modes.js';
import { errorResult, type IdentifyResult } from '../engine/result.js';
import { formatResult } from './formatResult.js';
import type { CliIO } from './io.js';
import { commandIdentifier, MODEL_ARGS, modelOptionsOf, modeOf, parsePositiveInt } from './options.js';
import { IDENTIFY_HELP, UsageError } from './usage.js';

export const DEFAULT_TOP = 5;

/** The file argument that stands for a recording piped to stdin. */
const STDIN_ARG = '-';
/** What messages call it. */
const STDIN_NAME = 'stdin';
/** More than this on stdin is refused: a file that big is better given by path (it is then streamed through ffmpeg). */
export const MAX_STDIN_BYTES = 1024 * 1024 * 1024;

/** What identify reads `-` from; process.stdin, or a stand-in in tests. */
export type StdinSource = AsyncIterable<Uint8Array> & { readonly isTTY?: boolean };

/** `ayat identify <files...>`: returns the exit code. */
export async function identifyCommand(argv: readonly string[], io: CliIO, stdin: StdinSource = process.stdin): Promise<number> {
  const { values, positionals: files } = parseArgs({
    args: [...argv],
    options: {
      top: { type: 'string' },
      json: { type: 'boolean', default: false },
      words: { type: 'boolean', default: false },
      ...MODEL_ARGS,
      mode: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(IDENTIFY_HELP);
    return 0;
  }
  const models: ModeModelOptions = modelOptionsOf(values);
  const mode = modeOf(values.mode, models);
  const top = parsePositiveInt(values.top, '--top', DEFAULT_TOP);
  if (values.words && (mode === 'clap' || mode === 'lightweight')) {
    throw new UsageError(`--words needs a mode that hears words (hybrid or full), not ${mode}`);
  }
  if (files.length === 0) throw new UsageError('identify needs at least one audio file');
  const fromStdin = files.filter((f) => f === STDIN_ARG).length;
  if (fromStdin > 1) throw new UsageError('- (stdin) can be given once');
  if (fromStdin === 1 && stdin.isTTY) throw new UsageError('- reads a recording piped to stdin (e.g. cat clip.mp3 | ayat identify -), and nothing is piped');

  const identifier: Identifier = await commandIdentifier(values.mode, models, { maxCandidates: top, words: values.words });
  const showProgress = files.length > 1;
  let failed = 0;
  for (const [i, file] of files.entries()) {
    if (showProgress) io.err(`[${i + 1}/${files.length}] ${file}\n`);
    const result = file === STDIN_ARG ? await identifyStdin(identifier, stdin) : (await identifier.identifyFile(file)).result;
    if (result.status === 'error') failed++;
    if (values.json) io.out(JSON.stringify(result) + '\n');
    else if (result.status === 'error') io.err(`ayat: ${errorLine(file === STDIN_ARG ? STDIN_NAME : file, result.error)}\n`);
    else io.out(formatResult(result));
  }
  return failed > 0 ? 1 : 0;
}

/** Decode errors already name the file; others (e.g. a missing model) get it prefixed. */
function errorLine(file: string, message = 'unknown error'): string {
  return message.includes(file) ? message : `${file}: ${message}`;
}

/** The recording on stdin, read whole (any format a file may have), identified as file "-". */
async function identifyStdin(identifier: Identifier, stdin: StdinSource): Promise<IdentifyResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readAll(stdin, MAX_STDIN_BYTES);
  } catch (err) {
    return errorResult(STDIN_ARG, err);
  }
  return (await identifier.identifyBytes(bytes, STDIN_ARG, STDIN_NAME)).result;
}

async function readAll(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > maxBytes) throw new Error(`cannot read ${STDIN_NAME}: more than ${maxBytes / 2 ** 20} MiB; give the file's path instead`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
