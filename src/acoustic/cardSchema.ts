import { VOCAB } from '../quran/units.js';
import { ModelError } from './errors.js';

/** What a model card must say, checked the same way wherever the card is read (Node or the browser). */

export const CARD_FILE = 'card.json';
export const MODEL_FORMAT = 'ctc-onnx';
/** A Whisper folder run through transformers.js (whisper.ts): never written in a card.json, made when it loads. */
export const WHISPER_FORMAT = 'whisper-transformers-js';
export const MODEL_SAMPLE_RATE = 16000;
/** How a model's own tokens are read as letters: Arabic script, or Buckwalter transliteration. */
export const UNIT_MAPPINGS = ['letters', 'buckwalter'] as const;
export type UnitMapping = (typeof UNIT_MAPPINGS)[number];
export const LETTER_MAPPING: UnitMapping = 'letters';
const INPUT_NORMALISATIONS = ['none', 'zero_mean_unit_var'] as const;
const OUTPUT_KINDS = ['log_probs', 'logits'] as const;
export type InputNormalisation = (typeof INPUT_NORMALISATIONS)[number];
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** card.json of an acoustic model folder; keys are spelled as in the file. */
export interface ModelCard {
  readonly name: string;
  readonly version: string;
  readonly format: typeof MODEL_FORMAT | typeof WHISPER_FORMAT;
  /** The ONNX file, relative to the model folder. */
  readonly file: string;
  /** Lower-case hex SHA-256 of `file`. */
  readonly sha256: string;
  readonly sample_rate: typeof MODEL_SAMPLE_RATE;
  /** Seconds per output frame. */
  readonly frame_shift_s: number;
  /** CTC output columns: VOCAB (blank first), or with `unit_mapping` the model's own tokens. */
  readonly units: readonly string[];
  /** `units` is the model's own vocabulary, each token read as letters ("letters": Arabic script; "buckwalter": its transliteration; src/acoustic/unitMap.ts). */
  readonly unit_mapping?: UnitMapping;
  /** Column of the CTC blank in `units` (default 0). */
  readonly blank?: number;
  /** Name of the graph input: float32 [1, N] raw samples. */
  readonly input: string;
  /** Scaling of the input the model was trained on (default "none": raw samples in [-1, 1]). */
  readonly input_normalisation?: InputNormalisation;
  /** Name of the graph output: float32 [1, T, V] natural-log posteriors (or logits, see output_kind). */
  readonly output: string;
  /** "log_probs" (default) or "logits" (log-softmax is applied). */
  readonly output_kind?: OutputKind;
  /** Frames pooled into one before matching (default 1): see poolFrames. */
  readonly pool_frames?: number;
  /** Name of a second output, float32 [1, T, d]: the encoder's states after its first blocks (the trunk; QuranCLAP's head takes them). */
  readonly hidden_output?: string;
  /** SHA-256 over the weights behind `hidden_output` (train/ayat_train/model.py encoder_fingerprint): a QuranCLAP head with the same value was trained on these states. */
  readonly encoder_sha256?: string;
  readonly params?: number;
  readonly size_bytes?: number;
  readonly training?: unknown;
  readonly metrics?: unknown;
}

/** Checks the shape of a parsed card; `where` names the card in error messages. */
export function parseModelCard(json: unknown, where: string): ModelCard {
  const bad = (what: string): ModelError => new ModelError('bad_card', `${where}: ${what}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('expected a JSON object');
  const card = json as Record<string, unknown>;

  for (const key of ['name', 'version', 'file', 'sha256', 'input', 'output'] as const) {
    if (typeof card[key] !== 'string' || card[key] === '') throw bad(`"${key}" must be a non-empty string`);
  }
  if (card.format !== MODEL_FORMAT) {
    throw bad(`"format" is ${JSON.stringify(card.format)}, expected "${MODEL_FORMAT}"`);
  }
  const file = card.file as string;
  if (!isPathInsideFolder(file)) throw bad(`"file" must be a path inside the model folder`);
  if (!isSha256Hex((card.sha256 as string).toLowerCase())) throw bad(`"sha256" must be 64 hex digits`);
  if (card.sample_rate !== MODEL_SAMPLE_RATE) {
    throw bad(`"sample_rate" is ${JSON.stringify(card.sample_rate)}, expected ${MODEL_SAMPLE_RATE}`);
  }
  const shift = card.frame_shift_s;
  if (typeof shift !== 'number' || !Number.isFinite(shift) || shift <= 0 || shift > 1) {
    throw bad(`"frame_shift_s" must be a positive number of seconds`);
  }
  for (const key of ['params', 'size_bytes'] as const) {
    const v = card[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
      throw bad(`"${key}" must be a non-negative integer`);
    }
  }
  if (card.hidden_output !== undefined && (typeof card.hidden_output !== 'string' || card.hidden_output === '')) {
    throw bad(`"hidden_output" must be a non-empty string`);
  }
  if (card.encoder_sha256 !== undefined && !isSha256Hex(card.encoder_sha256)) {
    throw bad(`"encoder_sha256" must be 64 lower-case hex digits`);
  }
  checkEnum(card, 'input_normalisation', INPUT_NORMALISATIONS, bad);
  checkEnum(card, 'output_kind', OUTPUT_KINDS, bad);
  const pool = card.pool_frames;
  if (pool !== undefined && (typeof pool !== 'number' || !Number.isInteger(pool) || pool < 1 || pool > 10)) {
    throw bad(`"pool_frames" must be an integer from 1 to 10`);
  }
  if (card.unit_mapping === undefined) {
    if (card.blank !== undefined && card.blank !== 0) throw bad(`"blank" other than 0 needs "unit_mapping": "${LETTER_MAPPING}"`);
    checkUnits(card.units, where);
  } else {
    if (!UNIT_MAPPINGS.includes(card.unit_mapping as UnitMapping)) {
      throw bad(`"unit_mapping" is ${JSON.stringify(card.unit_mapping)}, expected ${UNIT_MAPPINGS.map((m) => `"${m}"`).join(' or ')}`);
    }
    if (!Array.isArray(card.units) || card.units.length < 2 || !card.units.every((u) => typeof u === 'string')) {
      throw bad(`"units" must be the model's tokens, an array of strings`);
    }
    const blank = card.blank ?? 0;
    if (typeof blank !== 'number' || !Number.isInteger(blank) || blank < 0 || blank >= card.units.length) {
      throw bad(`"blank" must be the index of the blank token in "units"`);
    }
  }

  return { ...(card as unknown as ModelCard), sha256: (card.sha256 as string).toLowerCase() };
}

function checkEnum(
  card: Record<string, unknown>,
  key: string,
  allowed: readonly string[],
  bad: (what: string) => ModelError,
): void {
  const v = card[key];
  if (v !== undefined && !allowed.includes(v as string)) {
    throw bad(`"${key}" is ${JSON.stringify(v)}, expected one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
}

function checkUnits(units: unknown, where: string): void {
  if (!Array.isArray(units) || !units.every((u) => typeof u === 'string')) {
    throw new ModelError('bad_card', `${where}: "units" must be an array of strings`);
  }
  if (units.length !== VOCAB.length) {
    throw new ModelError(
      'units_mismatch',
      `${where}: model has ${units.length} units, this version of ayat expects ${VOCAB.length} (src/quran/units.json; a model with its own vocabulary needs "unit_mapping": "${LETTER_MAPPING}" in its card)`,
    );
  }
  const i = units.findIndex((u, k) => u !== VOCAB[k]);
  if (i >= 0) {
    throw new ModelError(
      'units_mismatch',
      `${where}: unit ${i} is ${JSON.stringify(units[i])}, expected ${JSON.stringify(VOCAB[i])}; the model was trained on a different unit table (a model with its own vocabulary needs "unit_mapping": "${LETTER_MAPPING}" in its card)`,
    );
  }
}

/** A relative path that stays inside the folder it is relative to (a card's file names). */
export function isPathInsideFolder(file: string): boolean {
  if (file.startsWith('/') || file.startsWith('\\')) return false;
  let depth = 0;
  for (const part of file.split(/[\\/]/)) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return false;
  }
  return true;
}

/** A SHA-256 as cards write it: 64 lower-case hex digits. */
export function isSha256Hex(x: unknown): x is string {
  return typeof x === 'string' && /^[0-9a-f]{64}$/.test(x);
}
