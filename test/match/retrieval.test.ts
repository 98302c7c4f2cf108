import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadQuran } from '../../src/quran/corpus.js';
import { verseUnits } from '../../src/quran/units.js';
import { buildUnitStream } from '../../src/match/stream.js';
import { buildNgramIndex, DEFAULT_RETRIEVAL, retrieveRegions } from '../../src/match/ngram-index.js';
import { corruptUnits, rng } from '../decode/synth.js';

const quran = loadQuran();
const stream = buildUnitStream(quran.verses);
const index = buildNgramIndex(stream);

test('the stream holds every verse in order', () => {
  assert.equal(stream.verseStart.length, quran.verses.length + 1);
  const v = quran.get({ surah: 112, ayah: 3 });
  const ids = verseUnits(v).ids;
  const at = stream.verseStart[v.index]!;
  assert.deepEqual(Array.from(stream.ids.slice(at, at + ids.length)), Array.from(ids));
  assert.equal(stream.verseOfPos[at], v.index);
  assert.equal(stream.verseOfPos[at - 1], v.index - 1);
});

test('diagonal voting finds the recited stretch among the top regions, even with errors', () => {
  const r = rng(4);
  let top1 = 0;
  let trials = 0;
  for (let k = 0; k < 40; k++) {
    const v = quran.verses[Math.floor(r() * quran.verses.length)]!;
    const ids = verseUnits(v).ids;
    if (ids.length < 25) continue;
    trials++;
    const query = corruptUnits(ids, 0.2, r);
    const regions = retrieveRegions(index, query);
    assert.ok(regions.length <= DEFAULT_RETRIEVAL.topK);
    const lo = stream.verseStart[v.index]!;
    const hi = stream.verseStart[v.index + 1]!;
    const rank = regions.findIndex((g) => g.lo <= lo + 2 && g.hi >= hi - 2);
    assert.ok(rank >= 0, `${v.surah}:${v.ayah} not retrieved`);
    if (rank === 0) top1++;
    for (let i = 1; i < regions.length; i++) assert.ok(regions[i - 1]!.votes >= regions[i]!.votes);
  }
  assert.ok(trials >= 20);
  assert.ok(top1 >= trials * 0.8, `top-1 ${top1}/${trials}`);
});

test('a transcript opening with the isti\'adha and basmala still retrieves the verse region', () => {
  const v = quran.get({ surah: 67, ayah: 2 });
  const open = verseUnits(quran.get({ surah: 1, ayah: 1 })).ids;
  const query = [...open, ...verseUnits(v).ids];
  const regions = retrieveRegions(index, query);
  const lo = stream.verseStart[v.index]!;
  const hi = stream.verseStart[v.index + 1]!;
  assert.ok(regions.some((g) => g.lo <= lo && g.hi >= hi));
});

test('regions are disjoint and inside the stream', () => {
  const regions = retrieveRegions(index, verseUnits(quran.get({ surah: 55, ayah: 13 })).ids);
  const sorted = [...regions].sort((a, b) => a.lo - b.lo);
  for (let i = 0; i < sorted.length; i++) {
    assert.ok(sorted[i]!.lo >= 0 && sorted[i]!.hi <= stream.ids.length && sorted[i]!.lo < sorted[i]!.hi);
    if (i > 0) assert.ok(sorted[i]!.lo > sorted[i - 1]!.hi);
  }
  assert.deepEqual(retrieveRegions(index, []), []);
});

test('bigrams keep very noisy transcripts retrievable (the crowd-recording case)', () => {
  const withoutBigrams = buildNgramIndex(stream, [3, 4]);
  const found = { default: 0, noBigrams: 0 };
  let trials = 0;
  const r = rng(9);
  for (let k = 0; k < 150; k++) {
    const v = quran.verses[Math.floor(r() * quran.verses.length)]!;
    const ids = verseUnits(v).ids;
    if (ids.length < 20 || ids.length > 80) continue;
    trials++;
    const query = corruptUnits(ids, 0.6, r);
    const lo = stream.verseStart[v.index]!;
    const hi = stream.verseStart[v.index + 1]!;
    const hit = (regions: ReturnType<typeof retrieveRegions>): boolean => regions.slice(0, 10).some((g) => g.lo <= lo + 2 && g.hi >= hi - 2);
    if (hit(retrieveRegions(index, query))) found.default++;
    if (hit(retrieveRegions(withoutBigrams, query))) found.noBigrams++;
  }
  assert.ok(trials >= 60, `${trials} trials`);
  // 60 % of the units substituted or dropped: few 3-grams survive, bigrams still line up.
  assert.ok(found.default >= trials * 0.4, `with bigrams ${found.default}/${trials} in the top 10`);
  assert.ok(found.default >= found.noBigrams * 1.2, `with bigrams ${found.default}, without ${found.noBigrams} of ${trials}`);
});
