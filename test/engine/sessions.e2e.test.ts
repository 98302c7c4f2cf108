import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { joinClips } from '../../bench/audioEdit.js';
import { decodeAudioFile } from '../../src/audio/decode.js';
import { createIdentifier } from '../../src/engine/createIdentifier.js';
import { BASMALA_TEXT, ISTIADHA_TEXT } from '../../src/match/target.js';
import { loadQuran } from '../../src/quran/corpus.js';
import { speakArabic } from '../helpers/espeak.js';
import { realModelDir } from './realModel.js';

const RATE = 16000;
const names = (verses: readonly { surah: number; ayah: number }[]): string => verses.map((v) => `${v.surah}:${v.ayah}`).join(' ');

describe('a recording of two surahs out of order, with their openings (espeak-ng, trained model)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ayat-session-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function recite(texts: readonly string[]): Promise<Float32Array> {
    const pause = new Float32Array(Math.round(0.4 * RATE));
    const parts: Float32Array[] = [];
    for (const [i, text] of texts.entries()) {
      const wav = join(dir, `part${i}.wav`);
      speakArabic(text, wav, '', 180);
      parts.push((await decodeAudioFile(wav)).samples, pause);
    }
    return joinClips(parts);
  }

  const quran = loadQuran();
  const surah = (n: number): string[] => quran.verses.filter((v) => v.surah === n).map((v) => v.text);
  let shared: ReturnType<typeof createIdentifier> | undefined;
  const identifier = (): ReturnType<typeof createIdentifier> => (shared ??= createIdentifier({ model: realModelDir() }));

  it('finds both surahs of one chunk (112, then 108) and reports no basmala as 1:1', async () => {
    const samples = await recite([BASMALA_TEXT, ...surah(112), BASMALA_TEXT, ...surah(108)]);
    assert.ok(samples.length / RATE < 29, `${(samples.length / RATE).toFixed(1)} s: short enough for one chunk, so only leftovers find the second surah`);
    const { result } = await identifier().identifySamples(samples, RATE, 'session');
    assert.equal(result.status, 'ok');
    assert.equal(names(result.verses), '112:1 112:2 112:3 112:4 108:1 108:2 108:3');

    const oneRun = await identifier().identifySamples(samples, RATE, 'session', { matchLeftovers: false });
    assert.ok(oneRun.result.verses.length < result.verses.length, `one run per chunk: ${names(oneRun.result.verses)}`);
  });

  it('the isti’adha before the basmala is part of the answer’s openings, not a leftover to match', async () => {
    const samples = await recite([ISTIADHA_TEXT, BASMALA_TEXT, ...surah(108)]);
    const { result } = await identifier().identifySamples(samples, RATE, 'istiadha');
    assert.equal(names(result.verses), '108:1 108:2 108:3', 'left over, the isti’adha was heard as 16:98');
  });
});
