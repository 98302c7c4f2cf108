import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatResult, formatVerseRuns } from '../../src/cli/formatResult.js';
import { loadQuran } from '../../src/quran/corpus.js';

const refs = (surah: number, ...ayahs: number[]) => ayahs.map((ayah) => ({ surah, ayah }));

describe('human output', () => {
  it('writes verse runs as ranges', () => {
    assert.equal(formatVerseRuns(refs(112, 1, 2, 3, 4)), '112:1-4');
    assert.equal(formatVerseRuns(refs(2, 255)), '2:255');
    assert.equal(formatVerseRuns([...refs(2, 285, 286), ...refs(3, 1)]), '2:285-286, 3:1');
    assert.equal(formatVerseRuns(refs(55, 13, 16)), '55:13, 55:16');
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

  it('says so when nothing was recognised', () => {
    const text = formatResult({ file: 'x.wav', status: 'no_match', verses: [], confidence: 0, start_s: 0, end_s: 0, candidates: [] });
    assert.equal(text, 'x.wav\n  no verse recognised\n');
  });
});
