import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Posteriors } from '../match/types.js';
import { CARD_FILE, readModelCard, type ModelCard } from './card.js';
import { ModelError } from './errors.js';
import { graphFeeds, isAudioInput, outputPosteriors, posteriorFrameShiftS } from './graphIo.js';
import { sha256File } from './hash.js';
import { cardFromHuggingFace, isHuggingFaceFolder } from './huggingFace.js';
import { OpenOncePerKey } from './openOnce.js';
import { createCpuSession, firstLine, openCpuSession, type Ort } from './session.js';
import { transcriptPosteriors } from './transcript.js';
import { isWhisperFolder, openWhisper, type Transcriber } from './whisper.js';
import { mapVocabulary, VocabularyError, type UnitMap } from './unitMap.js';

export { INTRA_OP_THREADS } from './session.js';
export { MIN_INPUT_S } from './graphIo.js';

/** The encoder states of one segment the card's `hidden_output` names: `frames` × `dim`, row-major. */
export interface HiddenStates {
  readonly data: Float32Array;
  readonly frames: number;
  readonly dim: number;
}

/** One pass of a model whose card names a hidden output: the posteriors and the states under them. */
export interface EncoderOutput {
  readonly posteriors: Posteriors;
  readonly hidden: HiddenStates;
}

/** What the folder held: an ayat card.json, a transformers CTC export, or a Whisper folder. */
export type ModelSource = 'card' | 'transformers-ctc' | 'whisper';

/**
 * How a model hears: an ONNX CTC graph (with the map of its own vocabulary onto ayat's units,
 * where it has one), or a transcriber whose text becomes posteriors (transcript.ts).
 */
type Backend =
  | { readonly kind: 'ctc'; readonly session: InferenceSession; readonly ort: Ort; readonly unitMap: UnitMap | undefined }
  | { readonly kind: 'transcriber'; readonly transcriber: Transcriber };

/**
 * An acoustic model: an ayat model folder (card.json + ONNX CTC graph); a transformers CTC
 * export (huggingFace.ts), whose own vocabulary is mapped onto ayat's units (unitMap.ts); or a
 * Whisper folder run through transformers.js (whisper.ts). Each gives the matcher posteriors
 * over ayat's units.
 */
export class AcousticModel {
  private static readonly loaded = new OpenOncePerKey<AcousticModel>((dir) => AcousticModel.open(dir));

  private constructor(
    readonly dir: string,
    readonly card: ModelCard,
    /** Size of the ONNX file(s) on disk. */
    readonly sizeBytes: number,
    readonly source: ModelSource,
    private readonly backend: Backend,
  ) {}

  /**
   * Validates the folder (card, units, SHA-256 of the model file) and opens an
   * ONNX Runtime session. One session per folder per process: later calls share it.
   */
  static load(dir: string): Promise<AcousticModel> {
    return AcousticModel.loaded.get(resolve(dir));
  }

  private static async open(dir: string): Promise<AcousticModel> {
    const hasCard = existsSync(join(dir, CARD_FILE));
    if (!hasCard && isWhisperFolder(dir)) {
      const whisper = await openWhisper(dir);
      return new AcousticModel(dir, whisper.card, whisper.sizeBytes, 'whisper', { kind: 'transcriber', transcriber: whisper.transcriber });
    }
    return AcousticModel.openCtc(dir, !hasCard && isHuggingFaceFolder(dir));
  }

  /** A CTC graph with its card: card.json, or the one a transformers export implies (`exported`). */
  private static async openCtc(dir: string, exported: boolean): Promise<AcousticModel> {
    let card = exported ? await cardFromHuggingFace(dir) : await readModelCard(dir);
    const unitMap = unitMapOf(card, dir);
    const modelPath = join(dir, card.file);
    let sizeBytes: number;
    try {
      sizeBytes = (await stat(modelPath)).size;
    } catch {
      throw new ModelError('not_found', `model file ${modelPath} (named in card.json) is missing`);
    }
    const actual = exported ? card.sha256 : await sha256File(modelPath);
    if (actual !== card.sha256) {
      throw new ModelError(
        'hash_mismatch',
        `${modelPath} does not match card.json (sha256 ${actual.slice(0, 12)}…, card says ${card.sha256.slice(0, 12)}…); the file is corrupt or the card is stale`,
      );
    }

    const fail = (m: string): ModelError => new ModelError('load_failed', m);
    const { ort, session } = exported ? await createCpuSession(modelPath, fail) : await openCpuSession(modelPath, card.input, card.output, fail);
    if (exported) {
      try {
        card = { ...card, ...graphNames(session, card, modelPath) };
      } catch (err) {
        await session.release();
        throw err;
      }
    }
    if (card.hidden_output !== undefined && !session.outputNames.includes(card.hidden_output)) {
      await session.release();
      throw new ModelError('load_failed', `${modelPath} has no output "${card.hidden_output}" (card.json's hidden_output; it has: ${session.outputNames.join(', ')})`);
    }
    return new AcousticModel(dir, card, sizeBytes, exported ? 'transformers-ctc' : 'card', { kind: 'ctc', session, ort, unitMap });
  }

  get name(): string {
    return this.card.name;
  }

  get sampleRate(): number {
    return this.card.sample_rate;
  }

  /** Seconds per frame of the posteriors the matcher sees (after pooling). */
  get frameShiftS(): number {
    return posteriorFrameShiftS(this.card);
  }

  /**
   * CTC log-posteriors of one segment of 16 kHz mono audio. `offsetS` is where the
   * segment starts in the whole recording; it is carried into the result unchanged.
   */
  async posteriors(samples: Float32Array, offsetS = 0): Promise<Posteriors> {
    if (this.backend.kind === 'transcriber') {
      const text = await this.backend.transcriber.transcribe(samples);
      return transcriptPosteriors(text, samples.length / this.sampleRate, offsetS);
    }
    const outputs = await this.run(samples, [this.card.output]);
    return this.toPosteriors(outputs[this.card.output], offsetS);
  }

  /** Posteriors and hidden states from one pass; only for models whose card names a `hidden_output`. */
  async encode(samples: Float32Array, offsetS = 0): Promise<EncoderOutput> {
    const name = this.card.hidden_output;
    if (name === undefined) throw new ModelError('inference_failed', `model ${this.name} has no hidden-state output (its card names no hidden_output)`);
    const outputs = await this.run(samples, [this.card.output, name]);
    const posteriors = this.toPosteriors(outputs[this.card.output], offsetS);
    const out = outputs[name];
    if (!out || out.type !== 'float32' || out.dims.length !== 3 || out.dims[0] !== 1 || Number(out.dims[1]) !== posteriors.frames) {
      throw new ModelError('inference_failed', `model output "${name}" is not float32 [1, T, d] with T = ${posteriors.frames}`);
    }
    return { posteriors, hidden: { data: out.data as Float32Array, frames: posteriors.frames, dim: Number(out.dims[2]) } };
  }

  /** How the model's own vocabulary lands on ayat's units; undefined when it emits them already (or writes text). */
  get vocabulary(): UnitMap | undefined {
    return this.backend.kind === 'ctc' ? this.backend.unitMap : undefined;
  }

  /** Whether the model writes text (Whisper) rather than hearing frame by frame. */
  get transcribes(): boolean {
    return this.backend.kind === 'transcriber';
  }

  private async run(samples: Float32Array, fetches: string[]): Promise<Record<string, Tensor | undefined>> {
    if (this.backend.kind !== 'ctc') throw new ModelError('inference_failed', `model ${this.name} writes text; it has no CTC graph to run`);
    const { session, ort } = this.backend;
    try {
      const feeds = graphFeeds(samples, this.card, session.inputNames, (type, data, dims) => new ort.Tensor(type, data, dims));
      return await session.run(feeds, fetches);
    } catch (err) {
      throw new ModelError('inference_failed', `acoustic model failed: ${firstLine(err)}`);
    }
  }

  private toPosteriors(out: Tensor | undefined, offsetS: number): Posteriors {
    return outputPosteriors(out, this.card, this.backend.kind === 'ctc' ? this.backend.unitMap : undefined, offsetS);
  }

  /** Releases the native session(s) (tests; the CLI lets process exit do it). */
  async dispose(): Promise<void> {
    AcousticModel.loaded.delete(this.dir);
    if (this.backend.kind === 'ctc') await this.backend.session.release();
    else await this.backend.transcriber.dispose();
  }
}

/**
 * An export's input and output: transformers' names where the graph has them (optimum writes
 * `input_values` and `logits`), else its one audio input and its first output (a hand-made
 * torch.onnx.export names them as it likes).
 */
function graphNames(session: InferenceSession, card: ModelCard, path: string): { input: string; output: string } {
  const inputs = session.inputNames.filter(isAudioInput);
  const input = inputs.includes(card.input) ? card.input : inputs.length === 1 ? inputs[0]! : undefined;
  if (input === undefined) throw new ModelError('load_failed', `${path} has no input "${card.input}" and more than one other (${inputs.join(', ')}): cannot tell which takes the audio`);
  const output = session.outputNames.includes(card.output) ? card.output : session.outputNames[0]!;
  return { input, output };
}

/** The card's vocabulary mapped onto ayat's units, or undefined when it emits them already. */
function unitMapOf(card: ModelCard, dir: string): UnitMap | undefined {
  if (card.unit_mapping === undefined) return undefined;
  try {
    return mapVocabulary(card.units, card.blank ?? 0, card.unit_mapping);
  } catch (err) {
    if (err instanceof VocabularyError) throw new ModelError('units_mismatch', `${dir}: ${err.message}`);
    throw err;
  }
}
