import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatResult, formatWords } from '../../src/cli/formatResult.js';
import { formatVerseRuns } from '../../src/quran/verseKey.js';
import type { WordJson } from '../../src/engine/result.js';
import { loadQuran } from '../../src/quran/corpus.js';

const refs = (surah: number, ...ayahs: number[]) => ayahs.map((ayah) => ({ surah, ayah }));

describe('human output', () => {
  it('writes verse runs as ranges', () => {
    assert.equal(formatVerseRuns(refs(112, 1, 2, 3, 4)), '112:1-4');
    assert.equal(formatVerseRuns(refs(2, 255)), '2:255');
    assert.equal(formatVerseRuns([...refs(2, 285, 286), ...refs(3, 1)]), '2:285-286, 3:1');
    assert.equal(formatVerseRuns(refs(55, 13, 16)), '55:13, 55:16');
    assert.equal(formatVerseRuns(refs(112, 1, 2, 3, 4), '–'), '112:1–4', 'the web page joins a run with an en dash');
  });

  it('shows reference, surah names, text, confidence, time range and runners-up', () => {
    const text = formatResult({
      file: 'ikhlas.opus',
      status: 'ok',
      verses: refs(112, 1, 2),
      confidence: 0.934,
      start_s: 0.52,
      end_s: 6.1,
      candidates: [
        { verses: refs(112, 1, 2), score: -1.5 },
        { verses: refs(112, 1), score: -9.25 },
      ],
    });
    assert.match(text, /^ikhlas\.opus\n/);
    assert.match(text, /112:1-2 {2}الإخلاص \(Al-Ikhlas\) {2}confidence 0\.93 {2}at 0\.5s–6\.1s/);
    assert.ok(text.includes(`  1. ${loadQuran().get({ surah: 112, ayah: 1 }).text}\n`));
    assert.match(text, /runners-up: 112:1 \(-9\.25\)/);
  });

  it('folds verses of identical text into one place: the answer\'s twins said once, runners-up joined by =', () => {
    const result = {
      file: 'kafirun.opus',
      status: 'ok' as const,
      verses: refs(109, 3),
      confidence: 0.8,
      start_s: 0,
      end_s: 4,
      candidates: [
        { verses: refs(109, 3), score: -1 },
        { verses: refs(109, 5), score: -1 },
        { verses: refs(40, 1), score: -9.5 },
        { verses: refs(41, 1), score: -9.5 },
        { verses: refs(109, 4), score: -9.5 },
        { verses: refs(42, 1), score: -11 },
      ],
    };
    const text = formatResult(result);
    assert.match(text, /\n {2}the same words are also 109:5: a recording cannot tell them apart\n/);
    // 40:1's twins are 41:1-46:1, listed or not; 42:1 is one of them.
    assert.match(text, /runners-up: 40:1 = 41:1 = 42:1 = 43:1 and 3 more \(-9\.50\), 109:4 \(-9\.50\)\n$/);
    const closest = formatResult({ ...result, status: 'no_match', verses: [] });
    assert.match(closest, /closest: 109:3 = 109:5 \(-1\.00\), 40:1 = 41:1 = 42:1 = 43:1 and 3 more \(-9\.50\)/);
    assert.ok(!closest.includes('same words'));
  });

  it('names a verse\'s twins from the whole Quran, where a mode lists one verse per text or the list stops short', () => {
    const clapLike = formatResult({
      file: 'kafirun.opus', status: 'ok', verses: refs(109, 3), confidence: 0.9, start_s: 0, end_s: 4,
      candidates: [{ verses: refs(109, 3), score: 0.74 }, { verses: refs(109, 4), score: 0.63 }],
    });
    assert.match(clapLike, /the same words are also 109:5: a recording cannot tell them apart/);
    assert.match(clapLike, /runners-up: 109:4 \(0\.63\)\n$/);
    const rahman = formatResult({
      file: 'rahman.opus', status: 'ok', verses: refs(55, 13), confidence: 0.9, start_s: 0, end_s: 3,
      candidates: [{ verses: refs(55, 13), score: -1 }, { verses: refs(55, 16), score: -1 }],
    });
    assert.match(rahman, /the same words are also 55:16, 55:18, 55:21 and 27 more: a recording cannot tell them apart/);
    const single = formatResult({
      file: 'ikhlas.opus', status: 'ok', verses: refs(112, 1), confidence: 0.9, start_s: 0, end_s: 3,
      candidates: [{ verses: refs(112, 1), score: -1 }],
    });
    assert.ok(!single.includes('same words'), 'a verse with no twin');
  });

  it('says so when nothing was recognised', () => {
    const text = formatResult({ file: 'x.wav', status: 'no_match', verses: [], confidence: 0, start_s: 0, end_s: 0, candidates: [] });
    assert.equal(text, 'x.wav\n  no verse recognised\n');
  });

  it('lists the flagged words with verse, position and time, or says every word was heard', () => {
    const word = (n: number, text: string, flagged: boolean): WordJson => ({
      surah: 112, ayah: 1, word: n, text, start_s: n - 0.96, end_s: n - 0.48, score: flagged ? -7.5 : 0, flagged, extra_letters: 0, added: false,
    });
    const words = [word(1, 'قُلۡ', false), word(2, 'هُوَ', true), word(3, 'ٱللَّهُ', false), word(4, 'أَحَدٌ', true)];
    assert.equal(formatWords(words.map((w) => ({ ...w, flagged: false }))), 'words: all 4 heard as written');
    assert.equal(formatWords(words), 'words to check (2 of 4): هُوَ (112:1 word 2, 1.0s–1.5s); أَحَدٌ (112:1 word 4, 3.0s–3.5s)');
    const added = words.map((w) => (w.word === 3 ? { ...w, added: true, extra_letters: 4 } : w.word === 4 ? { ...w, added: true } : w));
    assert.equal(
      formatWords(added),
      'words to check (3 of 4): هُوَ (112:1 word 2, 1.0s–1.5s); ٱللَّهُ (112:1 word 3, 2.0s–2.5s, something added in or after it); ' +
        'أَحَدٌ (112:1 word 4, 3.0s–3.5s, not as written, something added)',
    );
    const result = { file: 'a.wav', status: 'ok' as const, verses: refs(112, 1), confidence: 0.9, start_s: 0, end_s: 4, candidates: [], words };
    assert.ok(formatResult(result).includes('\n  words to check (2 of 4): '));
    assert.ok(!formatResult({ ...result, words: undefined }).includes('words'), 'nothing about words unless asked');
  });
});
