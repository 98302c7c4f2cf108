import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { sha256File } from '../acoustic/hash.js';
import { paddedInput } from '../acoustic/graphIo.js';
import type { HiddenStates } from '../acoustic/model.js';
import { OpenOnce, OpenOncePerKey } from '../acoustic/openOnce.js';
import { BRIDGE_FORMAT, CLAP_FORMAT, readEmbedCard, type BridgeCard, type ClapCard, type FileSpec, type GraphSpec } from './card.js';
import { EmbedModelError } from './errors.js';
import type { ClipEmbedder } from './embedder.js';
import { clipFeatures, FEATURE_DIM } from './features.js';
import { onnxRuntime, openSession, runVector, type Ort } from './onnx.js';
import type { VerseBank } from './verseBank.js';
import { loadVerseBank } from './verseBankFile.js';

async function checkedFile(dir: string, spec: FileSpec, what: string): Promise<{ path: string; size: number }> {
  const path = join(dir, spec.file);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new EmbedModelError('not_found', `${what} ${path} (named in card.json) is missing`);
  }
  const actual = await sha256File(path);
  if (actual !== spec.sha256) {
    throw new EmbedModelError('hash_mismatch', `${path} does not match card.json (sha256 ${actual.slice(0, 12)}…, card says ${spec.sha256.slice(0, 12)}…); the file is corrupt or the card is stale`);
  }
  return { path, size };
}

async function graph(dir: string, spec: GraphSpec, what: string): Promise<{ ort: Ort; session: InferenceSession; size: number }> {
  const { path, size } = await checkedFile(dir, spec, what);
  return { ...(await openSession(path, spec.input, spec.output)), size };
}

/**
 * QuranCLAP: audio tower (raw 16 kHz samples → 256-d), text tower (units → 256-d), verse bank,
 * and (cards since 2026-11-22) the audio tower's head alone, which takes an acoustic model's
 * hidden states when both share the encoder's trunk (since 2026-11-23 the head carries the
 * blocks after the trunk, as phase 2 tuned them; before, it only pooled the last block's
 * states). The audio tower opens on first use: hybrid mode with a shared encoder never needs it.
 * So does the text tower: recognition reads the verse bank, and only new unit sequences need it.
 */
export class ClapModel implements ClipEmbedder {
  private static readonly loaded = new OpenOncePerKey<ClapModel>((dir) => ClapModel.open(dir));
  private readonly audioTower = new OpenOnce(() => openSession(this.audioPath, this.card.audio.input, this.card.audio.output).then((o) => o.session));
  private readonly textTower = new OpenOnce(() => openSession(this.textPath, this.card.text.input, this.card.text.output).then((o) => o.session));

  private constructor(
    readonly dir: string,
    readonly card: ClapCard,
    readonly verses: VerseBank,
    readonly sizeBytes: number,
    private readonly ort: Ort,
    private readonly audioPath: string,
    private readonly textPath: string,
    private readonly head: { readonly session: InferenceSession; readonly spec: GraphSpec } | undefined,
  ) {}

  /** Validates the folder (card, checksums) and opens the head; one instance per folder per process. */
  static load(dir: string): Promise<ClapModel> {
    return ClapModel.loaded.get(resolve(dir));
  }

  private static async open(dir: string): Promise<ClapModel> {
    const card = await readEmbedCard(dir, CLAP_FORMAT);
    const verses = await loadVerseBank(dir, card.verses);
    const audio = await checkedFile(dir, card.audio, 'audio tower');
    const text = await checkedFile(dir, card.text, 'text tower');
    const head = card.head ? { spec: card.head, ...(await graph(dir, card.head, 'audio head')) } : undefined;
    const size = audio.size + text.size + (head?.size ?? 0) + verses.sizeBytes;
    return new ClapModel(dir, card, verses, size, await onnxRuntime(), audio.path, text.path, head);
  }

  /** Whether the head was trained on the states an acoustic card fingerprints (its `encoder_sha256`). */
  sharesEncoderWith(encoderSha256: string | undefined): boolean {
    return this.head !== undefined && encoderSha256 !== undefined && this.card.head?.encoder_sha256 === encoderSha256;
  }

  /** The clip's embedding (L2-normalised by the graph). */
  async embedClip(samples: Float32Array): Promise<Float32Array> {
    const input = paddedInput(samples, this.card.sample_rate);
    const tensor = new this.ort.Tensor('float32', input, [1, input.length]);
    return runVector(await this.audioTower.get(), { [this.card.audio.input]: tensor }, this.card.audio.output, 'QuranCLAP audio tower');
  }

  /** The embedding of a clip from its encoder states (an acoustic model's hidden output; see sharesEncoderWith). */
  embedHidden(hidden: HiddenStates): Promise<Float32Array> {
    if (!this.head) throw new EmbedModelError('inference_failed', `QuranCLAP model ${this.card.name} has no head graph (re-export it with train/clap.py export)`);
    const tensor = new this.ort.Tensor('float32', hidden.data, [1, hidden.frames, hidden.dim]);
    return runVector(this.head.session, { [this.head.spec.input]: tensor }, this.head.spec.output, 'QuranCLAP head');
  }

  /** Embedding of a unit sequence (src/quran/units.ts ids), as the verse bank was made. */
  async embedUnits(ids: ArrayLike<number>): Promise<Float32Array> {
    if (ids.length === 0) throw new EmbedModelError('inference_failed', 'cannot embed an empty unit sequence');
    const data = BigInt64Array.from(Array.from(ids, (x) => BigInt(x)));
    const tensor = new this.ort.Tensor('int64', data, [1, ids.length]);
    return runVector(await this.textTower.get(), { [this.card.text.input]: tensor }, this.card.text.output, 'QuranCLAP text tower');
  }

  async dispose(): Promise<void> {
    ClapModel.loaded.delete(this.dir);
    for (const tower of [this.audioTower, this.textTower]) {
      const session = await tower.take()?.catch(() => undefined); // a failed opening has nothing to release
      await session?.release();
    }
    await this.head?.session.release();
  }
}

/** The lightweight bridge: clip features (computed here) → 384-d text space, and that space's verse bank. */
export class BridgeModel implements ClipEmbedder {
  private static readonly loaded = new OpenOncePerKey<BridgeModel>((dir) => BridgeModel.open(dir));

  private constructor(
    readonly dir: string,
    readonly card: BridgeCard,
    readonly verses: VerseBank,
    readonly sizeBytes: number,
    /** Size of the bridge graph alone. */
    readonly graphBytes: number,
    private readonly ort: Ort,
    private readonly session: InferenceSession,
  ) {}

  static load(dir: string): Promise<BridgeModel> {
    return BridgeModel.loaded.get(resolve(dir));
  }

  private static async open(dir: string): Promise<BridgeModel> {
    const card = await readEmbedCard(dir, BRIDGE_FORMAT);
    const verses = await loadVerseBank(dir, card.verses);
    const g = await graph(dir, card.bridge, 'bridge');
    return new BridgeModel(dir, card, verses, g.size + verses.sizeBytes, g.size, g.ort, g.session);
  }

  embedClip(samples: Float32Array): Promise<Float32Array> {
    return this.embedFeatures(clipFeatures(samples));
  }

  embedFeatures(features: Float32Array): Promise<Float32Array> {
    if (features.length !== FEATURE_DIM) throw new EmbedModelError('inference_failed', `expected ${FEATURE_DIM} features, got ${features.length}`);
    const tensor = new this.ort.Tensor('float32', features, [1, FEATURE_DIM]);
    return runVector(this.session, { [this.card.bridge.input]: tensor }, this.card.bridge.output, 'bridge');
  }

  async dispose(): Promise<void> {
    BridgeModel.loaded.delete(this.dir);
    await this.session.release();
  }
}
