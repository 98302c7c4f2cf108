import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadQuran } from '../../src/quran/corpus.js';
import { buildUnitStream } from '../../src/match/stream.js';
import { buildRegionTarget, openingUnits, UnitRole } from '../../src/match/target.js';

const quran = loadQuran();
const stream = buildUnitStream(quran.verses);
const openings = openingUnits();
const B = 6;
const startOf = (surah: number, ayah: number): number => stream.verseStart[quran.get({ surah, ayah }).index]!;
const endOf = (surah: number, ayah: number): number => stream.verseStart[quran.get({ surah, ayah }).index + 1]!;

test('region target: openings first, then the region with a basmala before each inner ayah 1', () => {
  const lo = startOf(111, 4);
  const hi = endOf(112, 2);
  const rt = buildRegionTarget(stream, lo, hi, openings, B);
  const nOpen = openings.istiadha.length + openings.basmala.length;
  const roles = Array.from(rt.role);
  assert.ok(roles.slice(0, openings.istiadha.length).every((r) => r === UnitRole.Istiadha));
  assert.ok(roles.slice(openings.istiadha.length, nOpen).every((r) => r === UnitRole.Basmala));
  const verseUnits = roles.filter((r) => r === UnitRole.Verse).length;
  assert.equal(verseUnits, hi - lo);
  assert.equal(roles.length, nOpen + verseUnits + openings.basmala.length);
  // The inserted basmala sits right before 112:1 and can be skipped.
  const at112 = Array.from(rt.streamPos).indexOf(startOf(112, 1));
  assert.equal(rt.role[at112 - 1], UnitRole.Basmala);
  assert.equal(rt.target.skipFrom[at112], at112 - openings.basmala.length - 1);
  assert.equal(rt.streamPos[at112 - openings.basmala.length - 1], startOf(112, 1) - 1);
  // Verse starts/ends are free to enter/leave, the middle of a verse is not.
  assert.equal(rt.target.entryCost[at112], 0);
  assert.equal(rt.target.entryCost[at112 + 1], B);
  assert.equal(rt.target.exitCost[at112 - openings.basmala.length - 1], 0);
  assert.equal(rt.target.exitCost[at112], B);
  // Openings feed the hub and are never left for trailing garbage.
  assert.equal(rt.target.feedsHub[openings.istiadha.length - 1], 1);
  assert.equal(rt.target.feedsHub[nOpen - 1], 1);
  assert.ok(Array.from(rt.target.exitCost.slice(0, nOpen)).every((c) => c === Infinity));
  assert.equal(rt.target.linked[nOpen], 0);
});

test('no basmala is inserted before surah 9', () => {
  const rt = buildRegionTarget(stream, startOf(8, 75), endOf(9, 1), openings, B);
  const nOpen = openings.istiadha.length + openings.basmala.length;
  assert.equal(rt.role.length, nOpen + endOf(9, 1) - startOf(8, 75));
});

test('an opening basmala cannot stand in for al-Fatiha ayah 1', () => {
  const rt = buildRegionTarget(stream, startOf(1, 1), endOf(1, 3), openings, B);
  const pos = Array.from(rt.streamPos);
  assert.equal(rt.target.hubEntryCost[pos.indexOf(startOf(1, 1))], 0);
  assert.equal(rt.target.hubEntryCost[pos.indexOf(startOf(1, 2))], Infinity);
  assert.equal(rt.target.entryCost[pos.indexOf(startOf(1, 2))], 0);
  // Elsewhere the hub may enter any verse start.
  const rt2 = buildRegionTarget(stream, startOf(2, 1), endOf(2, 3), openings, B);
  assert.equal(rt2.target.hubEntryCost[Array.from(rt2.streamPos).indexOf(startOf(2, 2))], 0);
});
