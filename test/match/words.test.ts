import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { loadQuran } from '../../src/quran/corpus.js';
import { textToUnits, verseUnits } from '../../src/quran/units.js';
import { validateCalibration, type Calibration } from '../../src/match/confidence.js';
import { VerseMatcher } from '../../src/match/matcher.js';
import type { AlignedUnit } from '../../src/match/types.js';
import { DEFAULT_ADDED_FROM, DEFAULT_FLAG_BELOW, heardWords } from '../../src/match/words.js';
import { rng, synthPosteriors } from '../decode/synth.js';

const quran = loadQuran();
const SYNTHETIC_CALIBRATION: unknown = createRequire(import.meta.url)('./synthetic-calibration.json');

function unit(surah: number, ayah: number, index: number, startS: number, relLogProb: number, extraAfter = 0): AlignedUnit {
  return { verse: { surah, ayah }, unit: index, startFrame: 0, endFrame: 0, startS, endS: startS + 0.1, relLogProb, extraAfter };
}

test('units are grouped into the words of the verse, scored by their mean, flagged below the threshold', () => {
  const v = quran.get({ surah: 112, ayah: 1 }); // قُلۡ هُوَ ٱللَّهُ أَحَدٌ
  const { wordOf } = verseUnits(v);
  const words = v.text.split(' ');
  const units = Array.from(wordOf, (w, i) => unit(112, 1, i, i * 0.1, w === 2 ? -9 : -0.5));
  units[0] = { ...units[0]!, relLogProb: -1.5 }; // word 0: mean of -1.5 and -0.5
  const heard = heardWords(units);
  assert.deepEqual(
    heard.map((h) => h.text),
    words,
  );
  assert.deepEqual(
    heard.map((h) => h.flagged),
    [false, false, true, false],
  );
  assert.equal(heard[0]!.score, -1);
  assert.equal(heard[2]!.score, -9);
  const lastOfFirst = wordOf.lastIndexOf(0);
  assert.equal(heard[0]!.startS, 0);
  assert.ok(Math.abs(heard[0]!.endS - (lastOfFirst * 0.1 + 0.1)) < 1e-9);
  assert.deepEqual(
    heardWords(units, { flagBelow: -0.4 }).map((h) => h.flagged),
    [true, true, true, true],
    'the threshold is a parameter',
  );
});

test('a word cut by a chunk boundary is one word; verses follow one another', () => {
  const a = verseUnits(quran.get({ surah: 112, ayah: 1 })).wordOf;
  const b = verseUnits(quran.get({ surah: 112, ayah: 2 })).wordOf;
  const first = Array.from(a, (_, i) => unit(112, 1, i, i * 0.1, 0));
  const second = Array.from(b, (_, i) => unit(112, 2, i, 5 + i * 0.1, 0));
  // Chunk 1 ends inside the last word of 112:1; chunk 2 repeats its last unit.
  const heard = heardWords([...first, first[first.length - 1]!, ...second]);
  assert.deepEqual(
    heard.map((h) => `${h.verse.ayah}.${h.word}`),
    ['1.0', '1.1', '1.2', '1.3', '2.0', '2.1'],
  );
  assert.ok(heard.every((h) => !h.flagged));
});

test("a word's extra letters are its units' extraAfter summed; from the threshold on, the word is marked added", () => {
  const { wordOf } = verseUnits(quran.get({ surah: 112, ayah: 1 }));
  // One extra letter inside word 1, then two after word 2's last unit.
  const lastOf2 = wordOf.lastIndexOf(2);
  const units = Array.from(wordOf, (_, i) => unit(112, 1, i, i * 0.1, 0, i === wordOf.indexOf(1) || i === lastOf2 ? (i === lastOf2 ? 2 : 1) : 0));
  const heard = heardWords(units);
  assert.deepEqual(
    heard.map((h) => h.extraLetters),
    [0, 1, 2, 0],
  );
  assert.equal(DEFAULT_ADDED_FROM, 2);
  assert.deepEqual(
    heard.map((h) => h.added),
    [false, false, true, false],
  );
  assert.deepEqual(
    heardWords(units, { addedFrom: 1 }).map((h) => h.added),
    [false, true, true, false],
    'the threshold is a parameter',
  );
});

test('a unit past the end of its verse is an error, not a silent wrong word', () => {
  assert.throws(() => heardWords([unit(112, 1, 999, 0, 0)]), /past the end of 112:1/);
});

/** The verse's units with word k replaced by `replacement` (none: skipped). */
function editedUnits(surah: number, ayah: number, k: number, replacement: ArrayLike<number> = []): number[] {
  const { ids, wordOf } = verseUnits(quran.get({ surah, ayah }));
  const out: number[] = [];
  let done = false;
  ids.forEach((id, i) => {
    if (wordOf[i] !== k) out.push(id);
    else if (!done) {
      out.push(...Array.from(replacement));
      done = true;
    }
  });
  return out;
}

test('the matcher hears every word of a clean recitation, flags a swapped or skipped word, marks an added one', () => {
  const matcher = new VerseMatcher(quran.verses, { calibration: validateCalibration(SYNTHETIC_CALIBRATION as Calibration) });
  const r = rng(7);
  const verse = quran.get({ surah: 2, ayah: 255 });
  const count = verseUnits(verse).wordCount;

  const clean = matcher.match(synthPosteriors(verseUnits(verse).ids, r));
  const cleanWords = heardWords(clean.detail!.units);
  assert.equal(cleanWords.length, count);
  assert.deepEqual(
    cleanWords.map((w) => w.word),
    Array.from({ length: count }, (_, i) => i),
  );
  assert.deepEqual(cleanWords.filter((w) => w.flagged), []);
  for (let i = 1; i < count; i++) assert.ok(cleanWords[i]!.startS >= cleanWords[i - 1]!.endS - 1e-9, 'words in time order');

  const k = 10;
  const swapped = matcher.match(synthPosteriors(editedUnits(2, 255, k, textToUnits('فَسَوۡفَ').ids), r));
  assert.equal(swapped.status, 'ok');
  assert.deepEqual(swapped.verses, [{ surah: 2, ayah: 255 }]);
  const swappedFlags = heardWords(swapped.detail!.units).filter((w) => w.flagged);
  assert.deepEqual(
    swappedFlags.map((w) => w.word),
    [k],
  );
  assert.ok(swappedFlags[0]!.score < DEFAULT_FLAG_BELOW);

  assert.deepEqual(cleanWords.filter((w) => w.added), [], 'nothing added to a clean recitation');

  // Another verse's word said before word k, which stays: the word before it or word k is marked added.
  const added = verseUnits(verse).ids.slice();
  const at = verseUnits(verse).wordOf.indexOf(k);
  const inserted = matcher.match(synthPosteriors([...added.slice(0, at), ...textToUnits('فَسَوۡفَ').ids, ...added.slice(at)], r));
  assert.deepEqual(inserted.verses, [{ surah: 2, ayah: 255 }]);
  const marked = heardWords(inserted.detail!.units).filter((w) => w.added).map((w) => w.word);
  assert.ok(marked.length > 0 && marked.every((w) => w === k - 1 || w === k), `marked ${marked.join(',')}: only the words beside the insertion`);

  const skipped = matcher.match(synthPosteriors(editedUnits(2, 255, k), r));
  assert.deepEqual(skipped.verses, [{ surah: 2, ayah: 255 }]);
  assert.deepEqual(
    heardWords(skipped.detail!.units)
      .filter((w) => w.flagged)
      .map((w) => w.word),
    [k],
  );
});
