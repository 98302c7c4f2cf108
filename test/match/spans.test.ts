import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Verse } from '../../src/quran/corpus.js';
import { loadQuran } from '../../src/quran/corpus.js';
import { textToUnits } from '../../src/quran/units.js';
import { coveredVerses, streamSpanOf } from '../../src/match/spans.js';
import { buildUnitStream, type UnitStream } from '../../src/match/stream.js';
import { BASMALA_TEXT, buildRegionTarget, openingUnits, UnitRole } from '../../src/match/target.js';

/** A stream of verses with the given unit counts (content irrelevant to span logic). */
function fakeStream(lengths: number[]): UnitStream {
  const verses: Verse[] = lengths.map((_, i) => ({ index: i, surah: 1, ayah: i + 1, text: '', translation: '' }));
  const verseStart = new Int32Array(lengths.length + 1);
  lengths.forEach((n, i) => (verseStart[i + 1] = verseStart[i]! + n));
  const total = verseStart[lengths.length]!;
  const verseOfPos = new Int32Array(total);
  lengths.forEach((_, i) => verseOfPos.fill(i, verseStart[i]!, verseStart[i + 1]!));
  return { ids: new Int32Array(total).fill(1), verseStart, verseOfPos, verses };
}

const RULE = { minShare: 0.5, minUnits: 20 };

test('coveredVerses: whole verses in order, edge verses only when substantially covered', () => {
  const s = fakeStream([30, 10, 40, 100, 12]);
  // Verses start at 0, 30, 40, 80, 180.
  assert.deepEqual(coveredVerses(s, { first: 30, last: 79 }, RULE), [1, 2]);
  assert.deepEqual(coveredVerses(s, { first: 0, last: 191 }, RULE), [0, 1, 2, 3, 4]);
  // 5 of verse 0's 30 units: too little; 30 of verse 3's 100: enough by count.
  assert.deepEqual(coveredVerses(s, { first: 25, last: 109 }, RULE), [1, 2, 3]);
  // 16 of verse 0's 30 units: more than half.
  assert.deepEqual(coveredVerses(s, { first: 14, last: 39 }, RULE), [0, 1]);
  // 4 of verse 1's 10 units: not enough.
  assert.deepEqual(coveredVerses(s, { first: 14, last: 33 }, RULE), [0]);
});

test('coveredVerses: a clip inside one long verse still names it', () => {
  const s = fakeStream([10, 500, 10]);
  assert.deepEqual(coveredVerses(s, { first: 200, last: 210 }, RULE), [1]);
  // 5 units of the long verse do not count, 6 of the 10-unit verse do.
  assert.deepEqual(coveredVerses(s, { first: 505, last: 515 }, RULE), [2]);
  // Two slivers, neither enough: the larger one is named.
  assert.deepEqual(coveredVerses(s, { first: 503, last: 511 }, RULE), [1]);
});

test('streamSpanOf skips openings and inserted basmalas at the ends', () => {
  const quran = loadQuran();
  const stream = buildUnitStream(quran.verses);
  const v111last = quran.get({ surah: 111, ayah: 5 }).index;
  const v112first = quran.get({ surah: 112, ayah: 1 }).index;
  const lo = stream.verseStart[v111last]!;
  const hi = stream.verseStart[v112first + 1]!;
  const rt = buildRegionTarget(stream, lo, hi, openingUnits(), 6);
  const basmala = textToUnits(BASMALA_TEXT).ids.length;
  const firstVerse = rt.role.indexOf(UnitRole.Verse);
  assert.ok(firstVerse > 0);
  // Only openings: no span.
  assert.equal(streamSpanOf(rt, 0, firstVerse - 1), null);
  // From the isti'adha into the verses: the span starts at the first verse unit.
  assert.deepEqual(streamSpanOf(rt, 0, firstVerse + 2), { first: lo, last: lo + 2 });
  // Ending inside the inserted basmala before 112:1: the span ends at 111:5's last unit.
  const inserted = rt.role.findIndex((r, j) => r === UnitRole.Basmala && j > firstVerse);
  assert.ok(inserted > firstVerse);
  assert.deepEqual(streamSpanOf(rt, firstVerse, inserted + basmala - 1), { first: lo, last: stream.verseStart[v112first]! - 1 });
});
