import * as ort from 'onnxruntime-web/wasm';
import { paddedInput } from '../../../src/acoustic/graphIo';
import { CLAP_FORMAT, parseEmbedCard, type ClapCard } from '../../../src/embed/cardSchema';
import { embeddingOf, type ClipEmbedder } from '../../../src/embed/embedder';
import { EmbedModelError } from '../../../src/embed/errors';
import { VerseBank } from '../../../src/embed/verseBank';
import { fetchBytes, type LentClap } from './fetchModel';
import { openWasmSession } from './session';

/** QuranCLAP's audio tower in onnxruntime-web, and its verse bank: hybrid mode's embedder, in the worker. */
export class BrowserClapEmbedder implements ClipEmbedder {
  readonly dir = 'the ayat server';

  private constructor(
    readonly card: ClapCard,
    readonly verses: VerseBank,
    readonly sizeBytes: number,
    private readonly session: ort.InferenceSession,
  ) {}

  static async load(lent: LentClap): Promise<BrowserClapEmbedder> {
    const card = parseEmbedCard(lent.card, 'the server QuranCLAP card', CLAP_FORMAT) as ClapCard;
    const [graph, verseBytes] = await Promise.all([fetchBytes(lent.audio_file), fetchBytes(lent.verses_file)]);
    const verses = VerseBank.fromBytes(verseBytes, card.verses, 'the server QuranCLAP verse bank');
    const session = await openWasmSession(graph, card.name, (m) => new EmbedModelError('load_failed', m));
    return new BrowserClapEmbedder(card, verses, graph.length + verseBytes.length, session);
  }

  async embedClip(samples: Float32Array): Promise<Float32Array> {
    const input = paddedInput(samples, this.card.sample_rate);
    const { input: name, output } = this.card.audio;
    const outputs = await this.session.run({ [name]: new ort.Tensor('float32', input, [1, input.length]) }, [output]);
    return embeddingOf(outputs[output], output, 'QuranCLAP audio tower');
  }
}
