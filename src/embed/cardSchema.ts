import { isPathInsideFolder, isSha256Hex } from '../acoustic/cardSchema.js';
import { VERSE_COUNT } from '../quran/corpus.js';
import { VOCAB } from '../quran/units.js';
import { EmbedModelError } from './errors.js';
import { FEATURE_DIM, FEATURE_VERSION } from './features.js';

/** What an embedding model's card must say, checked the same way wherever it is read (Node or the browser). */

export const EMBED_CARD_FILE = 'card.json';
export const CLAP_FORMAT = 'clap-onnx';
export const BRIDGE_FORMAT = 'bridge-onnx';
export const VERSE_ENCODING = 'int8-rowscale';

/** One file of a model folder with its checksum. */
export interface FileSpec {
  readonly file: string;
  readonly sha256: string;
}

/** An ONNX graph with one input and one output. */
export interface GraphSpec extends FileSpec {
  readonly input: string;
  readonly output: string;
}

/** The 6,236 verse embeddings: int8 rows (Quran order), then one float32 scale per row. */
export interface VerseMatrixSpec extends FileSpec {
  readonly count: number;
  readonly dim: number;
  readonly encoding: typeof VERSE_ENCODING;
}

/**
 * P(right) = sigmoid(bias + weights · [top1, margin]); below `threshold` the answer is
 * "no verse found". Fitted by the exporters on dev clips and non-Quran negatives.
 */
export interface RetrievalCalibration {
  readonly bias: number;
  readonly weights: readonly [number, number];
  readonly threshold: number;
}

interface CommonCard {
  readonly name: string;
  readonly version: string;
  readonly sample_rate: 16000;
  readonly embed_dim: number;
  readonly verses: VerseMatrixSpec;
  /** Absent (null) when the exporter was not given dev clips to fit it on. */
  readonly calibration: RetrievalCalibration | null;
  readonly size_bytes?: number;
  readonly training?: unknown;
  readonly metrics?: unknown;
}

/** The audio tower after the encoder's trunk (its remaining blocks, pooling, projection), fed the trunk's states [1, T, d]. */
export interface HeadSpec extends GraphSpec {
  /** Fingerprint of the trunk the head was trained on; an acoustic card with the same value can feed it. */
  readonly encoder_sha256: string;
}

export interface ClapCard extends CommonCard {
  readonly format: typeof CLAP_FORMAT;
  readonly audio: GraphSpec;
  readonly text: GraphSpec;
  /** Absent in cards exported before the head was written separately. */
  readonly head?: HeadSpec;
  /** Input units of the text tower; must equal VOCAB. */
  readonly units: readonly string[];
  /** ln(1 / temperature) learned in training. */
  readonly logit_scale: number;
}

export interface BridgeCard extends CommonCard {
  readonly format: typeof BRIDGE_FORMAT;
  readonly features: { readonly version: number; readonly dim: number };
  readonly bridge: GraphSpec;
  readonly text_space?: unknown;
}

export type EmbedCard = ClapCard | BridgeCard;

export function parseEmbedCard(json: unknown, where: string, format: EmbedCard['format']): EmbedCard {
  const bad = (what: string): EmbedModelError => new EmbedModelError('bad_card', `${where}: ${what}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('expected a JSON object');
  const card = json as Record<string, unknown>;
  if (card.format !== format) throw bad(`"format" is ${JSON.stringify(card.format)}, expected "${format}"`);
  for (const key of ['name', 'version'] as const) {
    if (typeof card[key] !== 'string' || card[key] === '') throw bad(`"${key}" must be a non-empty string`);
  }
  if (card.sample_rate !== 16000) throw bad(`"sample_rate" is ${JSON.stringify(card.sample_rate)}, expected 16000`);
  const dim = card.embed_dim;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) throw bad('"embed_dim" must be a positive integer');
  const verses = card.verses as Record<string, unknown> | undefined;
  checkFile(verses, 'verses', bad);
  if (verses!.count !== VERSE_COUNT) throw bad(`"verses.count" is ${JSON.stringify(verses!.count)}, expected ${VERSE_COUNT}`);
  if (verses!.dim !== dim) throw bad(`"verses.dim" must equal "embed_dim" (${dim})`);
  if (verses!.encoding !== VERSE_ENCODING) throw bad(`"verses.encoding" must be "${VERSE_ENCODING}"`);
  checkCalibration(card.calibration, bad);

  if (format === CLAP_FORMAT) {
    checkGraph(card.audio, 'audio', bad);
    checkGraph(card.text, 'text', bad);
    if (card.head !== undefined) {
      checkGraph(card.head, 'head', bad);
      if (!isSha256Hex((card.head as Record<string, unknown>).encoder_sha256)) throw bad('"head.encoder_sha256" must be 64 lower-case hex digits');
    }
    if (typeof card.logit_scale !== 'number' || !Number.isFinite(card.logit_scale)) throw bad('"logit_scale" must be a number');
    const units = card.units;
    if (!Array.isArray(units) || units.length !== VOCAB.length || units.some((u, i) => u !== VOCAB[i])) {
      throw new EmbedModelError('units_mismatch', `${where}: the text tower was trained on a different unit table than src/quran/units.json`);
    }
  } else {
    checkGraph(card.bridge, 'bridge', bad);
    const f = card.features as Record<string, unknown> | undefined;
    if (!f || f.dim !== FEATURE_DIM) throw bad(`"features.dim" must be ${FEATURE_DIM}`);
    if (f.version !== FEATURE_VERSION) {
      throw new EmbedModelError(
        'features_mismatch',
        `${where}: the bridge was trained on clip features version ${JSON.stringify(f.version)}, this version of ayat computes version ${FEATURE_VERSION}`,
      );
    }
  }
  return card as unknown as EmbedCard;
}

function checkFile(spec: unknown, key: string, bad: (what: string) => EmbedModelError): void {
  const s = spec as Record<string, unknown> | undefined;
  if (typeof s !== 'object' || s === null) throw bad(`"${key}" must be an object`);
  if (typeof s.file !== 'string' || s.file === '' || !isPathInsideFolder(s.file)) {
    throw bad(`"${key}.file" must be a path inside the model folder`);
  }
  if (!isSha256Hex(s.sha256)) throw bad(`"${key}.sha256" must be 64 lower-case hex digits`);
}

function checkGraph(spec: unknown, key: string, bad: (what: string) => EmbedModelError): void {
  checkFile(spec, key, bad);
  const s = spec as Record<string, unknown>;
  for (const k of ['input', 'output']) {
    if (typeof s[k] !== 'string' || s[k] === '') throw bad(`"${key}.${k}" must be a non-empty string`);
  }
}

function checkCalibration(cal: unknown, bad: (what: string) => EmbedModelError): void {
  if (cal === null || cal === undefined) return;
  const c = cal as Record<string, unknown>;
  const w = c.weights;
  const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  if (!finite(c.bias) || !Array.isArray(w) || w.length !== 2 || !w.every(finite) || !finite(c.threshold)) {
    throw bad('"calibration" must be null or {bias, weights: [top1, margin], threshold}');
  }
}
