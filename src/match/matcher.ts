import { loadQuran, type Verse, type VerseRef } from '../quran/corpus.js';
import { VOCAB } from '../quran/units.js';
import { sameVerse } from '../quran/verseKey.js';
import { greedyDecode, withBlankPenalty, type GreedyPath } from '../decode/ctc.js';
import { alignLocal, frameStats, withRawOnset, type AlignOptions, type AlignTarget, type FrameStats, type LocalAlignment } from '../decode/align.js';
import type { AlignedUnit, Candidate, MatchDetail, MatchResult, Posteriors } from './types.js';
import { buildUnitStream, identicalVerses, refOf, sameUnits, type UnitStream } from './stream.js';
import { buildNgramIndex, DEFAULT_RETRIEVAL, retrieveRegions, type NgramIndex, type RetrievalOptions } from './ngram-index.js';
import { buildRegionTarget, openingUnits, UnitRole, type Openings, type RegionTarget } from './target.js';
import { coveredVerses, DEFAULT_SPAN_RULE, streamSpanOf, type SpanRule } from './spans.js';
import { trimUnheardEdges } from './edges.js';
import { nonVerseTargets } from './nonVerse.js';
import { confidenceOf, DEFAULT_CALIBRATION, type Calibration, type ConfidenceFeatures } from './confidence.js';

export interface MatcherOptions {
  readonly retrieval: RetrievalOptions;
  readonly align: AlignOptions;
  /** Cost (nats) of starting or ending the alignment mid-verse. */
  readonly boundaryPenalty: number;
  /**
   * Nats taken off the blank's log-probability in every frame before the clip is aligned (the
   * n-gram retrieval's transcript is read from the posteriors as they are). A model trained on
   * clear recitation gives unclear letters to the blank; this lets the verses claim them.
   * Tuned on dev (docs/crowd.md): 2.5 found 7 more of the 54 crowd clips in full mode and none
   * fewer of the professional ones; past 3 the professional clips start to slip.
   */
  readonly blankPenalty: number;
  /**
   * Seconds at the clip's start where a frame whose own best label is the blank stays free as
   * garbage, as before the blank penalty. There the model's runner-up to the blank is often its
   * guess at how a verse begins, not a letter heard: on dev's clips, cut at the voice's onset, the
   * penalty turned the first frame into و, ف or ء 46 times where the verse starts otherwise, and
   * into its real first letter 19 times, and 1:2 (الحمد لله رب العالمين) was answered 37:182
   * (والحمد لله رب العالمين). The first frame (0.06 s) found that clip in both modes and lost
   * none; two frames lost a crowd clip in full mode.
   */
  readonly onsetS: number;
  /**
   * Verses at either end of the answer's run whose units fit worse than this on average (nats
   * per frame below the best label, read without the blank penalty) are left out of it; see
   * trimUnheardEdges.
   */
  readonly edgeFit: number;
  readonly spanRule: SpanRule;
  readonly calibration: Calibration;
  /** Candidates listed in the result. */
  readonly maxCandidates: number;
  /**
   * Regions that cannot end within this many nats of the best so far are abandoned
   * mid-alignment, and margins are therefore capped: at pruneMargin, or at pruneMarginPerUnit
   * nats per unit heard where that is more. Scores grow with the clip, so a fixed cap made a long
   * verse heard perfectly no surer than a short one heard well: 2:255 (184 units, its runner-up
   * 529 nats behind) came out at confidence 0.80, and every long chunk went through the tempo
   * retry.
   */
  readonly pruneMargin: number;
  readonly pruneMarginPerUnit: number;
  /** Verses proposed by another model (hybrid mode): aligned too, whatever the n-gram retrieval finds. */
  readonly shortlist?: Shortlist;
}

/**
 * A shortlist from an embedding model: its verses (with `neighbours` verses either side) are
 * aligned in addition to the n-gram regions, and every candidate's score gets `prior[v]`
 * (nats, averaged over the candidate's verses) added: score fusion of the two models.
 */
export interface Shortlist {
  /** Verse indices (0..6235). */
  readonly verses: readonly number[];
  readonly neighbours: number;
  /** Per verse index, nats added to candidates covering it; absent = no fusion. */
  readonly prior?: ArrayLike<number>;
}

export const DEFAULT_MATCHER_OPTIONS: MatcherOptions = {
  retrieval: DEFAULT_RETRIEVAL,
  align: { garbagePenalty: 3, floorPenalty: 3 },
  boundaryPenalty: 6,
  blankPenalty: 2.5,
  onsetS: 0.06,
  edgeFit: -2,
  spanRule: DEFAULT_SPAN_RULE,
  calibration: DEFAULT_CALIBRATION,
  maxCandidates: 5,
  pruneMargin: 40,
  pruneMarginPerUnit: 0.5,
};

/** Stream positions [lo, hi). */
interface StreamRegion {
  readonly lo: number;
  readonly hi: number;
}

/** One rescored region: its alignment and the verses that alignment covers. */
interface Scored {
  readonly verses: number[];
  readonly score: number;
  readonly region: StreamRegion;
  readonly rt: RegionTarget;
  readonly alignment: LocalAlignment;
}

function keyOf(verses: readonly number[]): string {
  return verses.join(',');
}

/** Speech frames (non-blank argmax) inside [from, to]. */
function speechFramesIn(greedy: GreedyPath, from: number, to: number): number {
  let n = 0;
  for (let i = 0; i < greedy.ids.length; i++) {
    const a = Math.max(from, greedy.startFrames[i]!);
    const b = Math.min(to, greedy.endFrames[i]!);
    if (b >= a) n += b - a + 1;
  }
  return n;
}

/** Candidates best first, one per verse sequence; ties go to the earlier verse. */
function rankCandidates(scored: readonly Scored[]): Scored[] {
  const sorted = [...scored].sort((a, b) => b.score - a.score || a.verses[0]! - b.verses[0]!);
  const seen = new Set<string>();
  return sorted.filter((s) => {
    const k = keyOf(s.verses);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Identifies recited verses from CTC posteriors. Construct once per process
 * (it indexes the whole Quran), then call `match` per clip.
 */
export class VerseMatcher {
  readonly stream: UnitStream;
  readonly index: NgramIndex;
  readonly options: MatcherOptions;
  private readonly openings: Openings;
  private readonly twins: Map<number, readonly number[]>;
  private readonly nonVerse: readonly AlignTarget[];

  constructor(verses: readonly Verse[] = loadQuran().verses, options: Partial<MatcherOptions> = {}) {
    this.options = { ...DEFAULT_MATCHER_OPTIONS, ...options };
    this.stream = buildUnitStream(verses);
    this.index = buildNgramIndex(this.stream);
    this.openings = openingUnits();
    this.twins = identicalVerses(this.stream);
    this.nonVerse = nonVerseTargets();
  }

  match(heard: Posteriors, overrides: Partial<MatcherOptions> = {}): MatchResult {
    if (heard.vocabSize !== VOCAB.length) {
      throw new RangeError(`posteriors have ${heard.vocabSize} columns, the unit inventory ${VOCAB.length}`);
    }
    const o: MatcherOptions = { ...this.options, ...overrides };
    const cal = o.calibration;
    const greedy = greedyDecode(heard);
    const post = withBlankPenalty(heard, o.blankPenalty);
    const clipEnd = post.offsetS + post.frames * post.frameShiftS;
    const noMatch = (confidence: number, candidates: Candidate[] = [], detail?: MatchDetail): MatchResult => ({
      status: 'no_match',
      verses: [],
      confidence,
      startS: post.offsetS,
      endS: clipEnd,
      candidates,
      ...(detail ? { detail } : {}),
    });
    if (greedy.speechFrames < cal.minSpeechFrames || greedy.ids.length < cal.minTranscriptUnits) return noMatch(0);

    const stats = withRawOnset(frameStats(post, o.align), heard, Math.round(o.onsetS / post.frameShiftS));
    const pruneMargin = Math.max(o.pruneMargin, o.pruneMarginPerUnit * greedy.ids.length);
    const byRegion = rankCandidates(this.rescore(post, stats, greedy, o, pruneMargin));
    const ranked = byRegion[0] ? rankCandidates([...byRegion, ...this.besideBest(post, stats, byRegion[0], o)]) : byRegion;
    const best = ranked[0];
    if (!best) return noMatch(0);

    const runnerUp = ranked.find((c) => !this.sameUnitsAs(best.verses, c.verses));
    const notVerse = Math.max(stats.nullScore, this.nonVerseScore(post, stats));
    const margin = Math.min(pruneMargin, best.score - Math.max(runnerUp?.score ?? -Infinity, notVerse));
    const full = alignLocal(post, stats, best.rt.target, { backtrace: true })!;
    const speech = Math.max(1, greedy.speechFrames);
    const covered = this.heardRange(full);
    const features: ConfidenceFeatures = {
      frameScore: (best.score - stats.bestPathScore) / speech,
      margin,
      coverage: speechFramesIn(greedy, covered.from, covered.to) / speech,
      transcriptUnits: greedy.ids.length,
    };
    const confidence = confidenceOf(features, cal);
    const candidates: Candidate[] = this.withTwins(ranked, o.maxCandidates).map((c) => ({
      verses: c.verses.map((v) => refOf(this.stream, v)),
      score: c.score - stats.bestPathScore,
    }));
    // Word scores say how clearly each letter was heard: read from the posteriors as they came.
    const { verses: kept, detail } = this.detail(heard, best, full, features, greedy, o.edgeFit);
    if (kept.length > 0) candidates[0] = { ...candidates[0]!, verses: kept };
    if (confidence < cal.threshold) return noMatch(confidence, candidates, detail);
    return {
      status: 'ok',
      verses: candidates[0]!.verses,
      confidence,
      startS: post.offsetS + full.startFrame * post.frameShiftS,
      endS: post.offsetS + (full.endFrame + 1) * post.frameShiftS,
      candidates,
      detail,
    };
  }

  /** How well the clip reads as a phrase that is no verse (nonVerse.ts): the best of their alignments. */
  private nonVerseScore(post: Posteriors, stats: FrameStats): number {
    return Math.max(-Infinity, ...this.nonVerse.map((target) => alignLocal(post, stats, target)?.score ?? -Infinity));
  }

  /** Retrieve regions from the transcript and align each against the posteriors. */
  private rescore(post: Posteriors, stats: FrameStats, greedy: GreedyPath, o: MatcherOptions, pruneMargin: number): Scored[] {
    const out: Scored[] = [];
    let bestScore = stats.nullScore;
    for (const region of this.regions(greedy, o)) {
      const aligned = this.alignRegion(post, stats, region, o, bestScore - pruneMargin);
      if (!aligned) continue;
      bestScore = Math.max(bestScore, aligned.alignment.score);
      if (aligned.scored) out.push(aligned.scored);
    }
    return out;
  }

  /**
   * The best candidate's region aligned again without the best's verses, on either side of them
   * within their surah. A region yields one alignment, so a neighbour that differs by a word
   * (82:18 is ثم and then 82:17) never competed: the margin was taken over some other region's
   * verse and a near tie read as sure. On dev this listed the neighbour second for 82:17/18 and
   * 113:3/5 and lowered their confidence, and changed no answer. Verses of the next or previous
   * surah are no such rival: recited with the answer (113:5, the basmala, 112:1), they are the
   * next answer, heard as the chunk's leftover (see leftoverSpans).
   */
  private besideBest(post: Posteriors, stats: FrameStats, best: Scored, o: MatcherOptions): Scored[] {
    if (best.verses.length === 0) return [];
    const { verseStart } = this.stream;
    const { region } = best;
    const first = best.verses[0]!;
    const last = best.verses[best.verses.length - 1]!;
    const sides = [
      { lo: Math.max(region.lo, verseStart[this.surahBounds(first).first]!), hi: verseStart[first]! },
      { lo: verseStart[last + 1]!, hi: Math.min(region.hi, verseStart[this.surahBounds(last).last + 1]!) },
    ];
    return sides.flatMap((side) => (side.hi > side.lo ? (this.alignRegion(post, stats, side, o, -Infinity)?.scored ?? []) : []));
  }

  /** The first and last verse indices of verse `v`'s surah. */
  private surahBounds(v: number): { first: number; last: number } {
    const { verses } = this.stream;
    const surah = verses[v]!.surah;
    let first = v;
    let last = v;
    while (first > 0 && verses[first - 1]!.surah === surah) first--;
    while (last + 1 < verses.length && verses[last + 1]!.surah === surah) last++;
    return { first, last };
  }

  /**
   * Stream region [lo, hi) aligned against the clip (undefined when abandoned below `abortBelow`),
   * scored as a candidate when the alignment covers verse units: plus the shortlist's prior.
   */
  private alignRegion(
    post: Posteriors,
    stats: FrameStats,
    region: StreamRegion,
    o: MatcherOptions,
    abortBelow: number,
  ): { alignment: LocalAlignment; scored: Scored | undefined } | undefined {
    const rt = buildRegionTarget(this.stream, region.lo, region.hi, this.openings, o.boundaryPenalty);
    const alignment = alignLocal(post, stats, rt.target, { abortBelow });
    if (!alignment) return undefined;
    const span = streamSpanOf(rt, alignment.firstUnit, alignment.lastUnit);
    if (!span) return { alignment, scored: undefined };
    const verses = coveredVerses(this.stream, span, o.spanRule);
    const prior = o.shortlist?.prior;
    const bonus = prior && verses.length > 0 ? verses.reduce((acc, v) => acc + (prior[v] ?? 0), 0) / verses.length : 0;
    return { alignment, scored: { verses, score: alignment.score + bonus, region, rt, alignment } };
  }

  /** The n-gram regions, plus the shortlisted verses' regions that those do not already contain. */
  private regions(greedy: GreedyPath, o: MatcherOptions): StreamRegion[] {
    const found: StreamRegion[] = retrieveRegions(this.index, greedy.ids, o.retrieval);
    const list = o.shortlist;
    if (!list || list.verses.length === 0) return found;
    const last = this.stream.verseStart.length - 2;
    const extra = list.verses
      .map((v) => ({
        lo: this.stream.verseStart[Math.max(0, v - list.neighbours)]!,
        hi: this.stream.verseStart[Math.min(last, v + list.neighbours) + 1]!,
      }))
      .filter((r) => !found.some((f) => f.lo <= r.lo && r.hi <= f.hi))
      .sort((a, b) => a.lo - b.lo);
    const merged: { lo: number; hi: number }[] = [];
    for (const r of extra) {
      const prev = merged[merged.length - 1];
      if (prev && r.lo <= prev.hi) prev.hi = Math.max(prev.hi, r.hi);
      else merged.push({ ...r });
    }
    return [...found, ...merged];
  }

  /**
   * The first `max` candidates, each followed by the verse runs elsewhere that spell exactly the
   * same units (same score): audio cannot tell 109:3 from 109:5, so both are listed.
   */
  private withTwins(ranked: readonly Scored[], max: number): { verses: number[]; score: number }[] {
    const out: { verses: number[]; score: number }[] = [];
    const listed = new Set<string>();
    const add = (verses: number[], score: number): void => {
      const k = keyOf(verses);
      if (out.length < max && !listed.has(k)) {
        listed.add(k);
        out.push({ verses, score });
      }
    };
    for (const c of ranked) {
      if (out.length >= max) break;
      add(c.verses, c.score);
      const first = c.verses[0];
      const n = c.verses.length;
      for (const t of first === undefined ? [] : (this.twins.get(first) ?? [])) {
        const run = Array.from({ length: n }, (_, i) => t + i);
        if (t !== first && t + n <= this.stream.verses.length && this.sameUnitsAs(c.verses, run)) add(run, c.score);
      }
    }
    return out;
  }

  private sameUnitsAs(a: readonly number[], b: readonly number[]): boolean {
    return sameUnits(this.stream, a[0]!, a[a.length - 1]!, b[0]!, b[b.length - 1]!);
  }

  /** Frames from the first to the last emitted unit, openings included. */
  private heardRange(al: LocalAlignment): { from: number; to: number } {
    let from = al.startFrame;
    let to = al.endFrame;
    al.unitStart!.forEach((f, j) => {
      if (f >= 0) {
        from = Math.min(from, f);
        to = Math.max(to, al.unitEnd![j]!);
      }
    });
    return { from, to };
  }

  /**
   * The answer's units with how clearly each was heard, without the unheard verses at the run's
   * ends (trimUnheardEdges), and the openings heard before or inside what is kept.
   */
  private detail(
    post: Posteriors,
    best: Scored,
    al: LocalAlignment,
    f: ConfidenceFeatures,
    greedy: GreedyPath,
    edgeFit: number,
  ): { verses: readonly VerseRef[]; detail: MatchDetail } {
    const { rt } = best;
    const units: AlignedUnit[] = [];
    const openings: { role: UnitRole; after: number; startFrame: number }[] = [];
    const V = post.vocabSize;
    for (let j = 0; j < rt.role.length; j++) {
      const s = al.unitStart![j]!;
      if (s < 0) continue;
      const e = al.unitEnd![j]!;
      const role = rt.role[j] as UnitRole;
      if (role !== UnitRole.Verse) {
        openings.push({ role, after: units.length, startFrame: s });
        continue;
      }
      const pos = rt.streamPos[j]!;
      const v = this.stream.verseOfPos[pos]!;
      if (!best.verses.includes(v)) continue;
      let rel = 0;
      for (let t = s; t <= e; t++) {
        let m = -Infinity;
        for (let k = 0; k < V; k++) m = Math.max(m, post.logProbs[t * V + k]!);
        rel += post.logProbs[t * V + rt.target.ids[j]!]! - m;
      }
      units.push({
        verse: refOf(this.stream, v),
        unit: pos - this.stream.verseStart[v]!,
        startFrame: s,
        endFrame: e,
        startS: post.offsetS + s * post.frameShiftS,
        endS: post.offsetS + (e + 1) * post.frameShiftS,
        relLogProb: rel / (e - s + 1),
        extraAfter: 0,
      });
    }
    if (units.length === 0) return { verses: [], detail: { features: { ...f }, units, istiadha: false, basmala: false } };
    const kept = trimUnheardEdges(verseRun(units), units, edgeFit);
    const first = units.findIndex((u) => sameVerse(u.verse, kept[0]!));
    let last = units.length - 1;
    while (!sameVerse(units[last]!.verse, kept[kept.length - 1]!)) last--;
    // An opening stands before units[after]: it belongs to what is kept when that unit does. Those
    // right before the first kept verse count only when recited at a speaking rate (see
    // MAX_OPENING_S_PER_UNIT); else the alignment spread them over other speech.
    const leading = openings.filter((o) => o.after === first);
    const leadStart = leading.length > 0 ? Math.min(...leading.map((o) => o.startFrame)) : undefined;
    const spokenLead =
      leadStart !== undefined && ((units[first]!.startFrame - leadStart) * post.frameShiftS) / leading.length <= MAX_OPENING_S_PER_UNIT;
    const heardOpening = (role: UnitRole): boolean =>
      openings.some((o) => o.role === role && o.after <= last && (o.after > first || (o.after === first && spokenLead)));
    return {
      verses: kept,
      detail: {
        features: { ...f },
        units: withExtraSpeech(units.slice(first, last + 1), greedy),
        istiadha: heardOpening(UnitRole.Istiadha),
        basmala: heardOpening(UnitRole.Basmala),
        ...(spokenLead ? { openingStartS: post.offsetS + leadStart! * post.frameShiftS } : {}),
      },
    };
  }
}

/**
 * Seconds per unit above which openings aligned before the verses are taken as spread over other
 * speech, not recited. In dev's sessions (docs/sessions.md) the 7 reciters' openings ran at
 * 0.15–0.38 s per unit, and alignments that spread one over other speech at 0.61–0.95 (0.43 over
 * 109:5–6 before 111:1). A slow opening taken for a spread one is matched as a leftover, where a
 * basmala alone is dropped (withoutOpeningBasmalas).
 */
const MAX_OPENING_S_PER_UNIT = 0.4;

/** The verses of aligned units, in order, each once. */
function verseRun(units: readonly AlignedUnit[]): VerseRef[] {
  const out: VerseRef[] = [];
  for (const u of units) if (!out.some((v) => sameVerse(v, u.verse))) out.push(u.verse);
  return out;
}

/**
 * Each unit with the greedy letters that start from its first frame up to the next unit's first
 * frame, less its own one (AlignedUnit.extraAfter): letters the alignment passed as blank, or
 * that it folded into this unit by stretching it over them.
 */
function withExtraSpeech(units: readonly AlignedUnit[], greedy: GreedyPath): AlignedUnit[] {
  let g = 0;
  return units.map((u, i) => {
    const next = units[i + 1];
    if (!next) return u;
    while (g < greedy.ids.length && greedy.startFrames[g]! < u.startFrame) g++;
    let heard = 0;
    for (let k = g; k < greedy.ids.length && greedy.startFrames[k]! < next.startFrame; k++) heard++;
    return heard <= 1 ? u : { ...u, extraAfter: heard - 1 };
  });
}

let shared: VerseMatcher | undefined;

/** The process-wide matcher over the whole Quran (built on first use). */
export function defaultMatcher(): VerseMatcher {
  shared ??= new VerseMatcher();
  return shared;
}

export function matchPosteriors(post: Posteriors, opts: Partial<MatcherOptions> = {}): MatchResult {
  return defaultMatcher().match(post, opts);
}
