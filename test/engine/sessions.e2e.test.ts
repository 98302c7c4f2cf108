import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { joinClips } from '../../bench/audioEdit.js';
import { prependSpeech } from '../../bench/degrade.js';
import { decodeAudioFile } from '../../src/audio/decode.js';
import { lazyModeIdentifier } from '../../src/engine/modes.js';
import { BASMALA_TEXT, ISTIADHA_TEXT } from '../../src/match/target.js';
import { loadQuran } from '../../src/quran/corpus.js';
import { speakArabic } from '../helpers/espeak.js';
import { devClip, realModelDir } from './realModel.js';

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
  let shared: ReturnType<typeof lazyModeIdentifier> | undefined;
  const identifier = (): ReturnType<typeof lazyModeIdentifier> => (shared ??= lazyModeIdentifier('full', { model: realModelDir() }));

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

describe('a recitation after a few seconds of ordinary speech (dev reciters, trained model)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ayat-intro-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is found: the chunk is heard again either side of its longest pause', async () => {
    const intro = join(dir, 'intro.wav');
    execFileSync('espeak-ng', ['-v', 'ar', '-s', '150', '-w', intro, 'ذَهَبْتُ صَبَاحَ الْيَوْمِ إِلَى السُّوقِ لِأَشْتَرِيَ الْخُبْزَ وَالْحَلِيبَ، ثُمَّ رَجَعْتُ إِلَى الْبَيْتِ']);
    const talk = (await decodeAudioFile(intro)).samples;
    const identifier = lazyModeIdentifier('full', { model: realModelDir() });
    // Heard as one chunk, each of these was "no verse found" (confidence 0.06–0.46) before the pause split.
    for (const [clip, verse] of [['reciters/husary/112001.opus', '112:1'], ['reciters/alafasy/082001.opus', '82:1'], ['reciters/minshawi/001002.opus', '1:2']] as const) {
      const recitation = (await decodeAudioFile(devClip(clip))).samples;
      const samples = prependSpeech(recitation, talk);
      const { result } = await identifier.identifySamples(samples, RATE, clip);
      assert.equal(result.status, 'ok', `${clip}: ${result.status} at ${result.confidence}`);
      assert.equal(names(result.verses), verse);
      assert.ok(result.start_s > talk.length / RATE, `the answer starts at ${result.start_s} s, inside the talk`);
    }
  });
});
