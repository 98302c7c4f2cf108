import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LETTER_MAPPING, MODEL_FORMAT, MODEL_SAMPLE_RATE, parseModelCard, readModelJson, type ModelCard, type UnitMapping } from './card.js';
import { ModelError } from './errors.js';
import { sha256File } from './hash.js';
import { mapVocabulary, VocabularyError } from './unitMap.js';

/**
 * A CTC model exported from Hugging Face transformers to ONNX (`optimum-cli export onnx`: a
 * wav2vec2, HuBERT or WavLM `…ForCTC` fine-tune) is a folder of config.json, vocab.json,
 * preprocessor_config.json and the graph. ayat reads that folder as it is, no card.json needed:
 * this module writes the card it would have.
 */

export const HF_CONFIG_FILE = 'config.json';
export const HF_VOCAB_FILE = 'vocab.json';
export const HF_PREPROCESSOR_FILE = 'preprocessor_config.json';
/** Where optimum and transformers.js put the graph, in order of preference. */
export const HF_GRAPH_FILES = ['model.onnx', 'onnx/model.onnx', 'model_quantized.onnx', 'onnx/model_quantized.onnx'] as const;
/** The frame length the matcher's costs and calibration were tuned on (ayat's own model). */
export const MATCHER_FRAME_S = 0.06;

/** A folder that looks like a transformers export (and has no card.json of its own). */
export function isHuggingFaceFolder(dir: string): boolean {
  return existsSync(join(dir, HF_CONFIG_FILE)) && existsSync(join(dir, HF_VOCAB_FILE));
}

async function readJsonObject(path: string, required: boolean): Promise<Record<string, unknown> | undefined> {
  const json = await readModelJson(path);
  if (json === undefined) {
    if (required) throw new ModelError('not_found', `${path} is missing`);
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelError('bad_card', `${path}: expected a JSON object`);
  return json as Record<string, unknown>;
}

/** vocab.json (token → column) as the tokens in column order. */
function tokensOf(vocab: Record<string, unknown>, path: string): string[] {
  const entries = Object.entries(vocab);
  if (entries.some(([, id]) => typeof id === 'object')) {
    throw new ModelError('bad_card', `${path} holds one vocabulary per language (a multilingual adapter model); ayat needs a single Arabic vocabulary`);
  }
  const tokens: string[] = new Array<string>(entries.length);
  for (const [token, id] of entries) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= entries.length || tokens[id] !== undefined) {
      throw new ModelError('bad_card', `${path}: token ids must be 0…${entries.length - 1}, each once (${JSON.stringify(token)} has ${JSON.stringify(id)})`);
    }
    tokens[id] = token;
  }
  return tokens;
}

/**
 * Letter units a vocabulary must spell, read as Buckwalter, to be taken for Buckwalter: more than
 * English letters can (lower-case a–z spell 20: b t v j x d r z s g f q k l m n h w y p).
 */
const BUCKWALTER_MIN_UNITS = 26;

/**
 * How an export's tokens are spelt: Arabic script, or, where that spells too few of ayat's
 * letters and Buckwalter transliteration spells nearly all, Buckwalter. Neither: Arabic script,
 * and loading says how few letters it spells.
 */
function scriptOf(tokens: readonly string[], blank: number): UnitMapping {
  const spelt = (script: UnitMapping): number => {
    try {
      return mapVocabulary(tokens, blank, script).letters;
    } catch (err) {
      if (err instanceof VocabularyError) return 0;
      throw err;
    }
  };
  return spelt(LETTER_MAPPING) === 0 && spelt('buckwalter') >= BUCKWALTER_MIN_UNITS ? 'buckwalter' : LETTER_MAPPING;
}

/** The card of a transformers CTC export; the graph's SHA-256 is computed, there being none to check against. */
export async function cardFromHuggingFace(dir: string): Promise<ModelCard> {
  const configPath = join(dir, HF_CONFIG_FILE);
  const config = (await readJsonObject(configPath, true))!;
  const architectures = Array.isArray(config.architectures) ? config.architectures.map(String) : [];
  if (!architectures.some((a) => a.endsWith('ForCTC'))) {
    const what = architectures.join(', ') || String(config.model_type ?? 'unknown');
    throw new ModelError(
      'bad_card',
      `${dir} holds a ${what} model; ayat runs CTC models (a transformers …ForCTC export, or an ayat model folder with card.json) and Whisper (model_type "whisper")`,
    );
  }
  const vocabPath = join(dir, HF_VOCAB_FILE);
  const tokens = tokensOf((await readJsonObject(vocabPath, true))!, vocabPath);

  const strides = config.conv_stride;
  if (!Array.isArray(strides) || strides.length === 0 || !strides.every((s) => typeof s === 'number' && s > 0)) {
    throw new ModelError('bad_card', `${configPath} has no "conv_stride": cannot tell the model's frame rate`);
  }
  const frameShiftS = (strides as number[]).reduce((a, b) => a * b, 1) / MODEL_SAMPLE_RATE;

  const preprocessor = (await readJsonObject(join(dir, HF_PREPROCESSOR_FILE), false)) ?? {};
  const rate = preprocessor.sampling_rate;
  if (rate !== undefined && rate !== MODEL_SAMPLE_RATE) {
    throw new ModelError('bad_card', `${join(dir, HF_PREPROCESSOR_FILE)}: the model takes ${String(rate)} Hz audio; ayat feeds ${MODEL_SAMPLE_RATE} Hz`);
  }

  const file = HF_GRAPH_FILES.find((f) => existsSync(join(dir, f)));
  if (file === undefined) {
    throw new ModelError('not_found', `no ONNX graph in ${dir} (looked for ${HF_GRAPH_FILES.join(', ')}); export one with optimum-cli export onnx`);
  }
  const padId = config.pad_token_id;
  const blank = typeof padId === 'number' && padId >= 0 && padId < tokens.length ? padId : Math.max(0, tokens.indexOf('<pad>'));
  const script = scriptOf(tokens, blank);
  return parseModelCard(
    {
      name: basename(dir),
      version: typeof config.transformers_version === 'string' ? `transformers ${config.transformers_version}` : 'transformers',
      format: MODEL_FORMAT,
      file,
      sha256: await sha256File(join(dir, file)),
      sample_rate: MODEL_SAMPLE_RATE,
      frame_shift_s: frameShiftS,
      units: tokens,
      unit_mapping: script,
      blank,
      input: 'input_values',
      // Wav2Vec2FeatureExtractor normalises unless told not to.
      input_normalisation: preprocessor.do_normalize === false ? 'none' : 'zero_mean_unit_var',
      output: 'logits',
      output_kind: 'logits',
      pool_frames: Math.min(10, Math.max(1, Math.round(MATCHER_FRAME_S / frameShiftS))),
    },
    configPath,
  );
}
