import { parseArgs } from 'node:util';
import type { AcousticModel } from '../acoustic/model.js';
import { loadModel } from '../engine/loadModel.js';
import { MODEL_CALIBRATION_FILES, modelCalibration, type CalibratedMode } from '../engine/modelCalibration.js';
import { VOCAB } from '../quran/units.js';
import type { CliIO } from './io.js';
import { UsageError } from './usage.js';

export const MODEL_HELP = `Usage: ayat model [DIR] [--json]

Loads an acoustic model folder and says what ayat makes of it: its kind, frame rate,
input scaling, size, how its vocabulary lands on ayat's letter units (tokens folded
into the blank, units no token spells) and which confidence calibrations it uses.
Without DIR: the model identify would use (--model, $AYAT_MODEL, models/ayat-ctc).
Folders: an ayat model (card.json), a transformers CTC export (config.json,
vocab.json, model.onnx), a Whisper folder for transformers.js (docs/models.md).

Options:
  --json       one JSON object instead of the text
  -h, --help   show this help
`;

const KINDS: Record<AcousticModel['source'], string> = {
  card: 'model folder with card.json',
  'transformers-ctc': 'transformers CTC export',
  whisper: 'Whisper, run through transformers.js',
};

/** What `ayat model` reports (its --json, keys as printed). */
export interface ModelDescription {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly kind: string;
  readonly size_bytes: number;
  readonly sha256: string;
  /** Seconds per frame the model emits, and per frame the matcher sees; null for a transcriber. */
  readonly frame_s: number | null;
  readonly matcher_frame_s: number | null;
  readonly input: string;
  /** Null when the model emits ayat's own units (or writes text). */
  readonly vocabulary: {
    /** "letters" (Arabic script) or "buckwalter" (its transliteration). */
    readonly read_as: string;
    readonly tokens: number;
    readonly letter_units: number;
    readonly folded_into_blank: readonly string[];
    readonly first_unit_only: readonly string[];
    readonly units_without_token: readonly string[];
  } | null;
  /** Per mode, the calibration file in the model's folder, or "built-in". */
  readonly calibration: Record<CalibratedMode, string>;
}

export function describeModel(model: AcousticModel): ModelDescription {
  const { card } = model;
  const transcribes = model.transcribes;
  const map = model.vocabulary;
  // modelCalibration reads (and checks) the file each mode would use, so a broken one is reported here too.
  const calibration = Object.fromEntries(
    (Object.keys(MODEL_CALIBRATION_FILES) as CalibratedMode[]).map((mode) => [
      mode,
      modelCalibration(model.dir, mode) ? MODEL_CALIBRATION_FILES[mode] : 'built-in',
    ]),
  ) as Record<CalibratedMode, string>;
  return {
    dir: model.dir,
    name: card.name,
    version: card.version,
    kind: card.unit_mapping !== undefined && model.source === 'card' ? 'CTC model with its own vocabulary (card.json)' : KINDS[model.source],
    size_bytes: model.sizeBytes,
    sha256: card.sha256,
    frame_s: transcribes ? null : card.frame_shift_s,
    matcher_frame_s: transcribes ? null : model.frameShiftS,
    input: transcribes
      ? 'Whisper log-mel (transformers.js), Arabic transcript'
      : card.input_normalisation === 'zero_mean_unit_var'
        ? 'zero mean, unit variance per segment'
        : 'raw 16-kHz samples',
    vocabulary: map
      ? {
          read_as: map.script,
          tokens: card.units.length,
          letter_units: map.letters,
          folded_into_blank: map.folded,
          first_unit_only: map.truncated,
          units_without_token: map.missing,
        }
      : null,
    calibration,
  };
}

const ms = (s: number): string => `${Math.round(s * 1000)} ms`;
const list = (items: readonly string[]): string => (items.length === 0 ? 'none' : items.join(' '));

export function formatDescription(d: ModelDescription): string {
  const frames =
    d.frame_s === null || d.matcher_frame_s === null
      ? 'none: each segment is transcribed, its text matched as letters'
      : d.matcher_frame_s === d.frame_s
        ? ms(d.frame_s)
        : `${ms(d.frame_s)}, pooled ${Math.round(d.matcher_frame_s / d.frame_s)} into one: ${ms(d.matcher_frame_s)} for the matcher`;
  const units = d.vocabulary
    ? [
        `${d.vocabulary.tokens} tokens${d.vocabulary.read_as === 'buckwalter' ? ' (Buckwalter transliteration)' : ''} onto ${d.vocabulary.letter_units} of ayat's ${VOCAB.length - 1} letter units`,
        `folded into the blank: ${list(d.vocabulary.folded_into_blank)}`,
        `spelling two units (the first kept): ${list(d.vocabulary.first_unit_only)}`,
        `units no token spells: ${list(d.vocabulary.units_without_token)}`,
      ]
    : [d.frame_s === null ? "the transcript's letters, by ayat's unit rules" : `ayat's ${VOCAB.length - 1} letter units + blank`];
  const rows: [string, string][] = [
    ['model', `${d.name} ${d.version} (${d.kind})`],
    ['frames', frames],
    ['input', d.input],
    ['size', `${(d.size_bytes / 2 ** 20).toFixed(1)} MiB, sha256 ${d.sha256.slice(0, 16)}…`],
    ['units', units.join('\n' + ' '.repeat(15))],
    ['calibration', Object.entries(d.calibration).map(([mode, file]) => `${mode}: ${file}`).join(', ')],
  ];
  return `${d.dir}\n${rows.map(([k, v]) => `  ${k.padEnd(12)} ${v}`).join('\n')}\n`;
}

/** `ayat model [DIR] [--json]`. */
export async function modelCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean', default: false }, model: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(MODEL_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`model takes one folder, got ${positionals.length}`);
  const model = await loadModel(positionals[0] ?? values.model);
  const description = describeModel(model);
  io.out(values.json ? JSON.stringify(description) + '\n' : formatDescription(description));
  return 0;
}
