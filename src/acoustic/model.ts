import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Posteriors } from '../match/types.js';
import { VOCAB } from '../quran/units.js';
import { readModelCard, type ModelCard } from './card.js';
import { ModelError } from './errors.js';
import { sha256File } from './hash.js';
import { OpenOncePerKey } from './openOnce.js';
import { firstLine, openCpuSession, type Ort } from './session.js';

export { INTRA_OP_THREADS } from './session.js';

/** Two cores are the target machine's budget; more threads only add contention. */

/**
 * Inputs shorter than this are zero-padded: convolutional front-ends need a few
 * windows of context and fail on a handful of samples.
 */
export const MIN_INPUT_S = 0.25;

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

/** A CTC acoustic model (card.json + ONNX graph) with its inference session. */
export class AcousticModel {
  private static readonly loaded = new OpenOncePerKey<AcousticModel>((dir) => AcousticModel.open(dir));

  private constructor(
    readonly dir: string,
    readonly card: ModelCard,
    /** Size of the ONNX file on disk. */
    readonly sizeBytes: number,
    private readonly session: InferenceSession,
    private readonly ort: Ort,
  ) {}

  /**
   * Validates the folder (card, units, SHA-256 of the model file) and opens an
   * ONNX Runtime session. One session per folder per process: later calls share it.
   */
  static load(dir: string): Promise<AcousticModel> {
    return AcousticModel.loaded.get(resolve(dir));
  }

  private static async open(dir: string): Promise<AcousticModel> {
    const card = await readModelCard(dir);
    const modelPath = join(dir, card.file);
    let sizeBytes: number;
    try {
      sizeBytes = (await stat(modelPath)).size;
    } catch {
      throw new ModelError('not_found', `model file ${modelPath} (named in card.json) is missing`);
    }
    const actual = await sha256File(modelPath);
    if (actual !== card.sha256) {
      throw new ModelError(
        'hash_mismatch',
        `${modelPath} does not match card.json (sha256 ${actual.slice(0, 12)}…, card says ${card.sha256.slice(0, 12)}…); the file is corrupt or the card is stale`,
      );
    }

    const { ort, session } = await openCpuSession(modelPath, card.input, card.output, (m) => new ModelError('load_failed', m));
    if (card.hidden_output !== undefined && !session.outputNames.includes(card.hidden_output)) {
      await session.release();
      throw new ModelError('load_failed', `${modelPath} has no output "${card.hidden_output}" (card.json's hidden_output; it has: ${session.outputNames.join(', ')})`);
    }
    return new AcousticModel(dir, card, sizeBytes, session, ort);
  }

  get name(): string {
    return this.card.name;
  }

  get sampleRate(): number {
    return this.card.sample_rate;
  }

  get frameShiftS(): number {
    return this.card.frame_shift_s;
  }

  /**
   * CTC log-posteriors of one segment of 16 kHz mono audio. `offsetS` is where the
   * segment starts in the whole recording; it is carried into the result unchanged.
   */
  async posteriors(samples: Float32Array, offsetS = 0): Promise<Posteriors> {
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

  private async run(samples: Float32Array, fetches: string[]): Promise<Record<string, Tensor | undefined>> {
    const input = asModelInput(samples, Math.ceil(MIN_INPUT_S * this.sampleRate));
    try {
      const tensor = new this.ort.Tensor('float32', input, [1, input.length]);
      return await this.session.run({ [this.card.input]: tensor }, fetches);
    } catch (err) {
      throw new ModelError('inference_failed', `acoustic model failed: ${firstLine(err)}`);
    }
  }

  private toPosteriors(out: Tensor | undefined, offsetS: number): Posteriors {
    if (!out || out.type !== 'float32' || out.dims.length !== 3 || out.dims[0] !== 1) {
      throw new ModelError('inference_failed', `model output "${this.card.output}" is not float32 [1, T, V]`);
    }
    const frames = Number(out.dims[1]);
    const vocabSize = Number(out.dims[2]);
    if (vocabSize !== VOCAB.length) {
      throw new ModelError('inference_failed', `model emits ${vocabSize} units per frame, expected ${VOCAB.length}`);
    }
    return { logProbs: out.data as Float32Array, frames, vocabSize, frameShiftS: this.frameShiftS, offsetS };
  }

  /** Releases the native session (tests; the CLI lets process exit do it). */
  async dispose(): Promise<void> {
    AcousticModel.loaded.delete(this.dir);
    await this.session.release();
  }
}

/** A contiguous, zero-padded copy when needed: the native binding reads the whole underlying buffer. */
function asModelInput(samples: Float32Array, minLength: number): Float32Array {
  const isWholeBuffer = samples.byteOffset === 0 && samples.byteLength === samples.buffer.byteLength;
  if (samples.length >= minLength && isWholeBuffer) return samples;
  const copy = new Float32Array(Math.max(minLength, samples.length));
  copy.set(samples);
  return copy;
}
