import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AcousticModel } from '../acoustic/model.js';
import { ModelError } from '../acoustic/errors.js';
import { OpenOnce } from '../acoustic/openOnce.js';
import { holdsAcousticModel, resolveModel, type ModelLocation } from '../acoustic/registry.js';
import { EMBED_CARD_FILE } from '../embed/card.js';
import { EmbedModelError } from '../embed/errors.js';
import { BridgeModel, ClapModel } from '../embed/models.js';
import { EMBED_DEFAULTS, resolveEmbedModel, type EmbedKind } from '../embed/registry.js';
import { EmbeddingRecogniser } from '../embed/retrieval.js';
import { defaultAudioStage } from './defaultAudioStage.js';
import type { HybridOptions } from './hybrid.js';
import { Identifier, type IdentifyOptions } from './identify.js';
import { loadModel } from './loadModel.js';
import { modelCalibration } from './modelCalibration.js';
import { fullRecogniser, hybridRecogniser } from './modeRecognisers.js';
import type { ChunkRecogniser } from './ports.js';
import { sharedEncoderStages, sharesEncoder } from './sharedEncoder.js';
import type { TempoRetryOptions } from './tempoRetry.js';

/**
 * Recognition modes:
 * - full: acoustic model (CTC) → n-gram retrieval over the Quran → CTC rescoring of up to 300 regions
 * - clap: QuranCLAP audio embedding → cosine top-k over the 6,236 verse embeddings
 * - lightweight: MFCC/spectral clip features → bridge MLP → cosine top-k in a 384-d verse space
 * - hybrid: full's posteriors + QuranCLAP's shortlist, CTC-rescored with fused scores
 */
export const MODES = ['full', 'clap', 'lightweight', 'hybrid'] as const;
export type Mode = (typeof MODES)[number];

/** One line per mode, for the CLI's help and the web app's mode list. */
export const MODE_DESCRIPTIONS: Record<Mode, string> = {
  hybrid: 'QuranCLAP shortlist + n-gram regions rescored by the acoustic model',
  full: 'acoustic model + matching over the whole Quran',
  clap: 'QuranCLAP: audio embedding, cosine search over the 6,236 verses',
  lightweight: 'clip features + bridge network (no acoustic model; fastest)',
};

/** The kinds of model a mode can need. */
export type ModelRole = 'acoustic' | EmbedKind;

/** The models each mode loads. */
export const MODE_MODELS: Record<Mode, readonly ModelRole[]> = {
  full: ['acoustic'],
  clap: ['clap'],
  lightweight: ['lightweight'],
  hybrid: ['acoustic', 'clap'],
};

/** A mode that cannot run because a model it needs is not installed: one line, exit code 2. */
export class ModeUnavailableError extends Error {
  override readonly name = 'ModeUnavailableError';
}

export interface ModeModelOptions {
  /** Acoustic model folder or name (full, hybrid). */
  readonly model?: string | undefined;
  /** An already loaded acoustic model, or one loading (shared so it loads once). */
  readonly acousticModel?: AcousticModel | Promise<AcousticModel> | undefined;
  readonly clapModel?: string | undefined;
  readonly lightweightModel?: string | undefined;
}

export interface ModeModels {
  readonly acoustic?: AcousticModel;
  readonly clap?: ClapModel;
  readonly lightweight?: BridgeModel;
}

/** Name, version and size of a loaded model, for reports. */
export interface ModelInfo {
  readonly role: ModelRole;
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly sha256: string;
  readonly sizeBytes: number;
}

/** Where a model is looked for: its option, else its environment variable, else models/<default>. */
export function modelLocation(role: ModelRole, options: ModeModelOptions = {}, env: NodeJS.ProcessEnv = process.env): ModelLocation {
  switch (role) {
    case 'acoustic':
      return resolveModel(options.model, env);
    case 'clap':
      return resolveEmbedModel(role, options.clapModel, env);
    case 'lightweight':
      return resolveEmbedModel(role, options.lightweightModel, env);
  }
}

/**
 * Whether every model the mode needs is installed, judged cheaply (its folder holds a card)
 * without loading anything; loading still validates the folder.
 */
export function modeInstalled(mode: Mode, options: ModeModelOptions = {}, env: NodeJS.ProcessEnv = process.env): boolean {
  return MODE_MODELS[mode].every((role) => {
    if (role === 'acoustic' && options.acousticModel) return true;
    const dir = modelLocation(role, options, env).dir;
    return role === 'acoustic' ? holdsAcousticModel(dir) : existsSync(join(dir, EMBED_CARD_FILE));
  });
}

/**
 * The mode used when none is asked for, where its models are installed (else full): hybrid, which
 * the mode benchmark (docs/modes.md) measures at least as accurate as full (2026-11-23, with the
 * matcher's blank penalty and calibrations that refuse speech reciting no verse: 94.1 against
 * 93.6 % sequence accuracy on dev; ahead on crowd clips) at about the same speed. Switch to full
 * if a re-measurement says otherwise.
 */
export const PREFERRED_MODE: Mode = 'hybrid';

export function defaultMode(options: ModeModelOptions = {}, env: NodeJS.ProcessEnv = process.env): Mode {
  return modeInstalled(PREFERRED_MODE, options, env) ? PREFERRED_MODE : 'full';
}

/** Loads every model the mode needs, now; a missing one is a ModeUnavailableError naming the mode. */
export async function loadModeModels(mode: Mode, options: ModeModelOptions = {}): Promise<ModeModels> {
  const out: { acoustic?: AcousticModel; clap?: ClapModel; lightweight?: BridgeModel } = {};
  for (const role of MODE_MODELS[mode]) {
    if (role === 'acoustic') {
      try {
        out.acoustic = await (options.acousticModel ?? loadModel(options.model));
      } catch (err) {
        if (mode !== 'full' && err instanceof ModelError && err.code === 'not_found') {
          throw new ModeUnavailableError(`mode ${mode} needs the acoustic model: ${err.message}`);
        }
        throw err;
      }
    } else {
      const location = modelLocation(role, options);
      try {
        if (role === 'clap') out.clap = await ClapModel.load(location.dir);
        else out.lightweight = await BridgeModel.load(location.dir);
      } catch (err) {
        if (err instanceof EmbedModelError && err.code === 'not_found') {
          const d = EMBED_DEFAULTS[role];
          const from = location.source === 'env' ? ` (from ${d.env})` : '';
          throw new ModeUnavailableError(
            `mode ${mode} needs a trained ${d.what}: ${err.message}${from}; train and export one (docs/clap.md) or pass ${d.option} DIR`,
          );
        }
        throw err;
      }
    }
  }
  return out;
}

export function modelInfos(models: ModeModels): ModelInfo[] {
  const out: ModelInfo[] = [];
  if (models.acoustic) {
    const m = models.acoustic;
    out.push({ role: 'acoustic', name: m.card.name, version: m.card.version, dir: m.dir, sha256: m.card.sha256, sizeBytes: m.sizeBytes });
  }
  for (const [role, m] of [['clap', models.clap], ['lightweight', models.lightweight]] as const) {
    if (!m) continue;
    const sha = m.card.format === 'clap-onnx' ? m.card.audio.sha256 : m.card.bridge.sha256;
    out.push({ role, name: m.card.name, version: m.card.version, dir: m.dir, sha256: sha, sizeBytes: m.sizeBytes });
  }
  return out;
}

/** How a mode's recogniser is tuned; the defaults are the shipped behaviour. */
export interface RecogniserOptions {
  readonly hybrid?: Partial<HybridOptions>;
  /** Modes with the acoustic model (full, hybrid) retry unsure answers at other tempos; false turns that off. */
  readonly tempoRetry?: TempoRetryOptions | false;
}

/** The recogniser of a mode over already-loaded models. */
export function modeRecogniser(mode: Mode, models: ModeModels, options: RecogniserOptions = {}): ChunkRecogniser {
  const need = <T>(m: T | undefined, what: string): T => {
    if (!m) throw new ModeUnavailableError(`mode ${mode} needs the ${what}, which is not loaded`);
    return m;
  };
  switch (mode) {
    case 'full': {
      const acoustic = need(models.acoustic, 'acoustic model');
      return fullRecogniser(acoustic, modelCalibration(acoustic.dir, 'full'), tempoRetryFor(acoustic, options));
    }
    case 'clap':
      return new EmbeddingRecogniser(need(models.clap, 'QuranCLAP model'));
    case 'lightweight':
      return new EmbeddingRecogniser(need(models.lightweight, 'lightweight bridge model'));
    case 'hybrid': {
      const acoustic = need(models.acoustic, 'acoustic model');
      const clapModel = need(models.clap, 'QuranCLAP model');
      // One encoder pass per chunk where QuranCLAP's head was trained on the acoustic model's encoder.
      const stages = sharesEncoder(acoustic, clapModel) ? sharedEncoderStages(acoustic, clapModel) : { acoustic, embedder: clapModel };
      const calibration = modelCalibration(acoustic.dir, 'hybrid');
      const hybridOptions = { ...(calibration ? { calibration } : {}), ...options.hybrid };
      return hybridRecogniser(stages.acoustic, stages.embedder, hybridOptions, tempoRetryFor(acoustic, options));
    }
  }
}

/**
 * The tempo retry helps a CTC model that mishears a reciter's pace; a transcriber (Whisper)
 * would write much the same text again, at four times the cost, so it gets none.
 */
function tempoRetryFor(acoustic: AcousticModel, options: RecogniserOptions): TempoRetryOptions | false | undefined {
  return acoustic.transcribes ? false : options.tempoRetry;
}

/** An Identifier running `mode` over loaded models (decode, silence check and chunking as in full mode). */
export function modeIdentifier(mode: Mode, models: ModeModels, options: Partial<IdentifyOptions> = {}, recogniserOptions: RecogniserOptions = {}): Identifier {
  const recogniser = modeRecogniser(mode, models, recogniserOptions);
  return new Identifier({ audio: defaultAudioStage, recogniser: async () => recogniser }, options);
}

/**
 * An Identifier running `mode` whose models load when the first recording with speech needs
 * them, once; a failed load (e.g. a missing model) is retried on the next recording.
 */
export function lazyModeIdentifier(
  mode: Mode,
  models: ModeModelOptions = {},
  options: Partial<IdentifyOptions> = {},
  recogniserOptions: RecogniserOptions = {},
): Identifier {
  const recogniser = new OpenOnce(() => loadModeModels(mode, models).then((loaded) => modeRecogniser(mode, loaded, recogniserOptions)));
  return new Identifier({ audio: defaultAudioStage, recogniser: () => recogniser.get() }, options);
}
