import { parseArgs } from 'node:util';
import type { Identifier } from '../engine/identify.js';
import { lazyModeIdentifier, loadModeModels, modeIdentifier, type ModeModelOptions } from '../engine/modes.js';
import { formatResult } from './formatResult.js';
import type { CliIO } from './io.js';
import { MODEL_ARGS, modelOptionsOf, modeOf, parsePositiveInt } from './options.js';
import { IDENTIFY_HELP, UsageError } from './usage.js';

export const DEFAULT_TOP = 5;

/** `ayat identify <files...>`: returns the exit code. */
export async function identifyCommand(argv: readonly string[], io: CliIO): Promise<number> {
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

  // One identifier for the whole run. Its models load on first need (a bad file never waits for
  // them; a broken model is a per-file error), except for a mode other than full asked for by
  // name: its models load now, so a missing one is one line and exit 2.
  const explicit = values.mode !== undefined && mode !== 'full';
  const identifier: Identifier = explicit
    ? modeIdentifier(mode, await loadModeModels(mode, models), { maxCandidates: top, words: values.words })
    : lazyModeIdentifier(mode, models, { maxCandidates: top, words: values.words });
  const showProgress = files.length > 1;
  let failed = 0;
  for (const [i, file] of files.entries()) {
    if (showProgress) io.err(`[${i + 1}/${files.length}] ${file}\n`);
    const { result } = await identifier.identifyFile(file);
    if (result.status === 'error') failed++;
    if (values.json) io.out(JSON.stringify(result) + '\n');
    else if (result.status === 'error') io.err(`ayat: ${errorLine(result.file, result.error)}\n`);
    else io.out(formatResult(result));
  }
  return failed > 0 ? 1 : 0;
}

/** Decode errors already name the file; others (e.g. a missing model) get it prefixed. */
function errorLine(file: string, message = 'unknown error'): string {
  return message.includes(file) ? message : `${file}: ${message}`;
}
