import { basmalaOpens } from '../quran/basmala.js';
import { textToUnits } from '../quran/units.js';
import type { AlignTarget } from '../decode/align.js';
import type { UnitStream } from './stream.js';

export const ISTIADHA_TEXT = 'أَعُوذُ بِٱللَّهِ مِنَ ٱلشَّيۡطَٰنِ ٱلرَّجِيمِ';
export const BASMALA_TEXT = 'بِسۡمِ ٱللَّهِ ٱلرَّحۡمَٰنِ ٱلرَّحِيمِ';

/** The optional openings, as units. */
export interface Openings {
  readonly istiadha: Int32Array;
  readonly basmala: Int32Array;
}

export function openingUnits(): Openings {
  return { istiadha: textToUnits(ISTIADHA_TEXT).ids, basmala: textToUnits(BASMALA_TEXT).ids };
}

/** What a target unit stands for. */
export const UnitRole = { Verse: 0, Istiadha: 1, Basmala: 2 } as const;
export type UnitRole = (typeof UnitRole)[keyof typeof UnitRole];

/** An alignment target for a stretch of the stream, with the map back to it. */
export interface RegionTarget {
  readonly target: AlignTarget;
  /** Stream position of each target unit; -1 for opening units. */
  readonly streamPos: Int32Array;
  readonly role: Uint8Array;
}

/**
 * Target for stream region [lo, hi): [isti'adha][basmala][region units], where
 * the two openings are optional (entered from garbage, left through the hub),
 * and a basmala is optionally inserted before each ayah 1 inside the region.
 * Entering or leaving the region mid-verse costs `boundaryCost`; at a verse
 * boundary it is free.
 */
export function buildRegionTarget(
  stream: UnitStream,
  lo: number,
  hi: number,
  openings: Openings,
  boundaryCost: number,
): RegionTarget {
  const ids: number[] = [];
  const entry: number[] = [];
  const exit: number[] = [];
  const linked: number[] = [];
  const skip: number[] = [];
  const feeds: number[] = [];
  const hubEntry: number[] = [];
  const pos: number[] = [];
  const role: number[] = [];
  const push = (id: number, r: UnitRole, p: number, en: number, ex: number, link: boolean, hubEn: number): void => {
    ids.push(id);
    role.push(r);
    pos.push(p);
    entry.push(en);
    exit.push(ex);
    linked.push(link ? 1 : 0);
    skip.push(-1);
    feeds.push(0);
    hubEntry.push(hubEn);
  };
  const pushOpening = (units: Int32Array, r: UnitRole, hubEn: number): void => {
    units.forEach((u, i) => push(u, r, -1, i === 0 ? 0 : Infinity, Infinity, i > 0, i === 0 ? hubEn : Infinity));
    feeds[feeds.length - 1] = 1;
  };
  pushOpening(openings.istiadha, UnitRole.Istiadha, Infinity);
  pushOpening(openings.basmala, UnitRole.Basmala, 0);

  const { verseStart, verseOfPos, verses } = stream;
  for (let p = lo; p < hi; p++) {
    let skipTo = -1;
    const v = verseOfPos[p]!;
    const verse = verses[v]!;
    const isStart = verseStart[v] === p;
    const isEnd = verseStart[v + 1] === p + 1;
    if (isStart && p > lo && basmalaOpens(verse)) {
      const before = ids.length - 1;
      const b = openings.basmala;
      b.forEach((u, i) => push(u, UnitRole.Basmala, -1, i === 0 ? 0 : Infinity, i === b.length - 1 ? 0 : Infinity, true, Infinity));
      skipTo = before;
    }
    // Al-Fatiha's basmala is its ayah 1: an opening basmala may not stand in for it.
    const hubCost = verse.surah === 1 && !(verse.ayah === 1 && isStart) ? Infinity : isStart ? 0 : boundaryCost;
    push(stream.ids[p]!, UnitRole.Verse, p, isStart ? 0 : boundaryCost, isEnd ? 0 : boundaryCost, p > lo, hubCost);
    skip[skip.length - 1] = skipTo;
  }

  return {
    target: {
      ids: Int32Array.from(ids),
      entryCost: Float64Array.from(entry),
      exitCost: Float64Array.from(exit),
      linked: Uint8Array.from(linked),
      skipFrom: Int32Array.from(skip),
      feedsHub: Uint8Array.from(feeds),
      hubEntryCost: Float64Array.from(hubEntry),
    },
    streamPos: Int32Array.from(pos),
    role: Uint8Array.from(role),
  };
}
