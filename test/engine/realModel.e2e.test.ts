import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AcousticModel } from '../../src/acoustic/model.js';
import { decodeAudioFile } from '../../src/audio/decode.js';
import { lazyModeIdentifier } from '../../src/engine/modes.js';
import type { Identifier } from '../../src/engine/identify.js';
import { VOCAB } from '../../src/quran/units.js';
import { devClip, realModelDir } from './realModel.js';

const refs = (surah: number, from: number, to = from) => Array.from({ length: to - from + 1 }, (_, i) => ({ surah, ayah: from + i }));

describe('end to end with the trained model (models/ayat-ctc)', () => {
  it('loads and gives one frame per frame_shift_s of audio', async () => {
    const model = await AcousticModel.load(realModelDir());
    assert.deepEqual(model.card.units, VOCAB);
    const audio = await decodeAudioFile(devClip('reciters/husary/112001.opus'));
    const post = await model.posteriors(audio.samples, 0);
    assert.equal(post.vocabSize, VOCAB.length);
    const expected = audio.samples.length / (16000 * model.frameShiftS);
    assert.ok(Math.abs(post.frames - expected) <= 3, `${post.frames} frames for ${audio.samples.length} samples`);
  });

  let shared: Identifier | undefined;
  const identifier = (): Identifier => (shared ??= lazyModeIdentifier('full', { model: realModelDir() }));
  const cases: [string, ReturnType<typeof refs>][] = [
    ['reciters/husary/082019.opus', refs(82, 19)],
    ['reciters/alafasy/001005.opus', refs(1, 5)],
    ['reciters/minshawi/113005.opus', refs(113, 5)],
    ['crowd/multi_113_001_005.opus', refs(113, 1, 5)],
  ];
  for (const [clip, expected] of cases) {
    it(`identifies ${clip}`, async () => {
      const { result } = await identifier().identifyFile(devClip(clip));
      assert.equal(result.status, 'ok', `status ${result.status}: ${result.error ?? ''} candidates ${JSON.stringify(result.candidates.slice(0, 3))}`);
      assert.deepEqual(result.verses, expected);
      assert.ok(result.confidence > 0 && result.confidence <= 1);
      assert.ok(result.end_s > result.start_s);
    });
  }
});
