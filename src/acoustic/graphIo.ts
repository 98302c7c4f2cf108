import type { Posteriors } from '../match/types.js';
import { VOCAB } from '../quran/units.js';
import type { ModelCard } from './cardSchema.js';
import { ModelError } from './errors.js';
import { poolFrames, toUnitLogProbs, zeroMeanUnitVariance, type UnitMap } from './unitMap.js';

/**
 * What goes into a CTC graph and what comes out of it, the same for onnxruntime-node and
 * onnxruntime-web (both hand back tensors of this shape).
 */

/**
 * Inputs shorter than this are zero-padded: convolutional front-ends need a few
 * windows of context and fail on a handful of samples.
 */
export const MIN_INPUT_S = 0.25;

/** The part of an onnxruntime tensor read here. */
export interface GraphOutput {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** Fed with ones where a graph takes it (wav2vec2 exports of models trained with padding masks). */
const ATTENTION_MASK = 'attention_mask';

/** Makes a tensor of the runtime at hand (onnxruntime-node's or onnxruntime-web's `new ort.Tensor`). */
export type MakeTensor<T> = (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: number[]) => T;

/** The graph's inputs for one segment: the samples as the card says, and an attention mask where the graph takes one. */
export function graphFeeds<T>(samples: Float32Array, card: ModelCard, inputNames: readonly string[], makeTensor: MakeTensor<T>): Record<string, T> {
  const input = modelInput(samples, card);
  const feeds: Record<string, T> = { [card.input]: makeTensor('float32', input, [1, input.length]) };
  if (inputNames.includes(ATTENTION_MASK)) feeds[ATTENTION_MASK] = makeTensor('int64', new BigInt64Array(input.length).fill(1n), [1, input.length]);
  return feeds;
}

/** Whether a graph input may take the audio: any but the attention mask, which graphFeeds fills in itself. */
export const isAudioInput = (name: string): boolean => name !== ATTENTION_MASK;

/** The samples as the graph takes them: padded to MIN_INPUT_S, scaled as the card says, in a buffer of their own. */
function modelInput(samples: Float32Array, card: ModelCard): Float32Array {
  const padded = paddedInput(samples, card.sample_rate);
  return card.input_normalisation === 'zero_mean_unit_var' ? zeroMeanUnitVariance(padded) : padded;
}

/** Raw samples for any graph with an audio front-end (the acoustic model, QuranCLAP's audio tower): at least MIN_INPUT_S, in a buffer of their own. */
export function paddedInput(samples: Float32Array, sampleRate: number): Float32Array {
  return asWholeBuffer(samples, Math.ceil(MIN_INPUT_S * sampleRate));
}

/** Seconds per frame of the posteriors the matcher sees (after pooling). */
export function posteriorFrameShiftS(card: ModelCard): number {
  return card.frame_shift_s * (card.pool_frames ?? 1);
}

/** The graph's CTC output as posteriors over ayat's units (mapped from the model's own vocabulary where it has one, then pooled). */
export function outputPosteriors(out: GraphOutput | undefined, card: ModelCard, unitMap: UnitMap | undefined, offsetS: number): Posteriors {
  if (!out || out.type !== 'float32' || out.dims.length !== 3 || out.dims[0] !== 1) {
    throw new ModelError('inference_failed', `model output "${card.output}" is not float32 [1, T, V]`);
  }
  const frames = Number(out.dims[1]);
  const columns = Number(out.dims[2]);
  const expected = unitMap?.unitOf.length ?? VOCAB.length;
  if (columns !== expected) {
    throw new ModelError('inference_failed', `model emits ${columns} units per frame, expected ${expected}`);
  }
  const data = out.data as Float32Array;
  const unitLogProbs = unitMap ? toUnitLogProbs(data, frames, columns, unitMap, card.output_kind ?? 'log_probs') : data;
  const pooled = poolFrames(unitLogProbs, frames, card.pool_frames ?? 1);
  return { logProbs: pooled.logProbs, frames: pooled.frames, vocabSize: VOCAB.length, frameShiftS: posteriorFrameShiftS(card), offsetS };
}

/** A contiguous, zero-padded copy when needed: the native binding reads the whole underlying buffer. */
function asWholeBuffer(samples: Float32Array, minLength: number): Float32Array {
  const isWholeBuffer = samples.byteOffset === 0 && samples.byteLength === samples.buffer.byteLength;
  if (samples.length >= minLength && isWholeBuffer) return samples;
  const copy = new Float32Array(Math.max(minLength, samples.length));
  copy.set(samples);
  return copy;
}
