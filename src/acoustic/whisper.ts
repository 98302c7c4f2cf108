import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { VOCAB } from '../quran/units.js';
import { MODEL_SAMPLE_RATE, WHISPER_FORMAT, type ModelCard } from './card.js';
import { ModelError } from './errors.js';
import { sha256File } from './hash.js';
import { firstLine, INTRA_OP_THREADS } from './session.js';

/**
 * Whisper, a sequence-to-sequence model, writes text rather than CTC posteriors. A Whisper folder
 * as transformers.js reads one (config.json with model_type "whisper", the tokenizer and
 * preprocessor files, onnx/encoder_model.onnx and onnx/decoder_model_merged.onnx: the layout of
 * the ONNX Whisper repositories on the Hugging Face hub) runs through transformers.js, an
 * optional dependency, and its transcript goes to the matcher through transcript.ts.
 */

export const WHISPER_PACKAGE = '@huggingface/transformers';
/** The graphs per precision, as transformers.js names them. */
const GRAPHS = {
  fp32: ['onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx'],
  q8: ['onnx/encoder_model_quantized.onnx', 'onnx/decoder_model_merged_quantized.onnx'],
} as const;
/** Tokens written per segment at most: a 30-s segment of recitation is well under 200. */
const MAX_NEW_TOKENS = 224;

export interface Transcriber {
  transcribe(samples: Float32Array): Promise<string>;
  dispose(): Promise<void>;
}

export interface WhisperFolder {
  readonly card: ModelCard;
  readonly sizeBytes: number;
  readonly transcriber: Transcriber;
}

/** Whether `dir` holds a Whisper model (its config.json says so). */
export function isWhisperFolder(dir: string): boolean {
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { model_type?: unknown };
    return config.model_type === 'whisper';
  } catch {
    return false;
  }
}

type TransformersJs = typeof import('@huggingface/transformers');

async function transformersJs(): Promise<TransformersJs> {
  try {
    return await import('@huggingface/transformers');
  } catch {
    throw new ModelError('load_failed', `Whisper models run through transformers.js, which is not installed: npm install ${WHISPER_PACKAGE}`);
  }
}

/** Loads the Whisper model in `dir` (offline: transformers.js may read only that folder). */
export async function openWhisper(dir: string): Promise<WhisperFolder> {
  const full = resolve(dir);
  const dtype = (Object.keys(GRAPHS) as (keyof typeof GRAPHS)[]).find((d) => GRAPHS[d].every((f) => existsSync(join(full, f))));
  if (dtype === undefined) {
    const wanted = Object.values(GRAPHS).map((g) => g.join(' + ')).join(', or ');
    throw new ModelError('not_found', `no Whisper graphs in ${dir} (looked for ${wanted})`);
  }
  const files = GRAPHS[dtype].map((f) => join(full, f));
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  const hashes = await Promise.all(files.map((f) => sha256File(f)));

  const tf = await transformersJs();
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = dirname(full) + '/';
  const name = basename(full);
  let transcriber: Transcriber;
  try {
    const processor = await tf.AutoProcessor.from_pretrained(name);
    const tokenizer = await tf.AutoTokenizer.from_pretrained(name);
    const model = await tf.WhisperForConditionalGeneration.from_pretrained(name, {
      dtype,
      device: 'cpu',
      session_options: { intraOpNumThreads: INTRA_OP_THREADS, interOpNumThreads: 1, logSeverityLevel: 3 },
    });
    transcriber = {
      async transcribe(samples) {
        try {
          const { input_features } = (await processor(samples)) as { input_features: unknown };
          const ids = await model.generate({ inputs: input_features, language: 'ar', task: 'transcribe', max_new_tokens: MAX_NEW_TOKENS } as never);
          return tokenizer.batch_decode(ids as never, { skip_special_tokens: true })[0] ?? '';
        } catch (err) {
          throw new ModelError('inference_failed', `Whisper failed: ${firstLine(err)}`);
        }
      },
      async dispose() {
        await model.dispose();
      },
    };
  } catch (err) {
    throw new ModelError('load_failed', `transformers.js cannot load the Whisper model in ${dir}: ${firstLine(err)}`);
  }

  const card: ModelCard = {
    name,
    version: dtype,
    format: WHISPER_FORMAT,
    file: GRAPHS[dtype][1],
    sha256: createHash('sha256').update(hashes.join('')).digest('hex'),
    sample_rate: MODEL_SAMPLE_RATE,
    frame_shift_s: 0.06,
    units: VOCAB,
    input: 'input_features',
    output: 'logits',
  };
  return { card, sizeBytes: sizes.reduce((a, b) => a + b, 0), transcriber };
}
