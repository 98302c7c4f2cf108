/**
 * How much the confidence owes to being fitted on the clips it is measured on. The calibration
 * is fitted on dev (`ayat bench --fit-calibration`), so dev's figures are in-sample. Here each
 * group of clips (a professional reciter, the crowd clips, EveryAyah's) is held out in turn, the
 * logistic refitted on the others and on the recordings that recite no verse, and the held-out
 * clips scored with it; each of those recordings is scored by a fit that saw neither it nor its
 * sentence in another voice. Reads a report of `ayat bench --out R.json --negatives DIR`.
 * `npm run bench:calibration -- --report R.json` (bench/calibrationCheck.ts).
 *
 * What it leaves in-sample: the tempo retry and the hybrid shortlist pick the surest hearing by
 * the shipped calibration, and the matcher's settings were tuned on dev too.
 */
import { HYBRID_CALIBRATION } from '../src/engine/hybrid.js';
import { confidenceOf, DEFAULT_CALIBRATION, type Calibration, type ConfidenceFeatures } from '../src/match/confidence.js';
import { reliability } from './calibration.js';
import { fitCalibrationOnRecords } from './fitCalibration.js';
import type { NotRecitationRecord } from './notRecitation.js';
import type { SampleRecord } from './report.js';

/** The calibration each mode's report was made with (the shipped model's, built in). */
export const SHIPPED_CALIBRATIONS: Readonly<Record<string, Calibration>> = { full: DEFAULT_CALIBRATION, hybrid: HYBRID_CALIBRATION };

export interface GroupRow {
  readonly group: string;
  readonly clips: number;
  /** Answered and right, as the report has it (the calibration fitted on every clip). */
  readonly inSampleRight: number;
  /** Answered and right, scored by a fit that did not see this group. */
  readonly heldOutRight: number;
  readonly inSampleWrong: number;
  readonly heldOutWrong: number;
}

export interface CvResult {
  readonly rows: readonly GroupRow[];
  readonly clips: number;
  readonly inSampleRight: number;
  readonly heldOutRight: number;
  readonly inSampleWrong: number;
  readonly heldOutWrong: number;
  readonly inSampleEce: number;
  readonly heldOutEce: number;
  readonly negatives: number;
  readonly negativesAnsweredInSample: number;
  readonly negativesAnsweredHeldOut: number;
  readonly negativesMaxHeldOut: number;
}

/** The group a clip is held out with: its reciter, whatever set it comes from, else its source (the crowd clips name none). */
export function groupOf(r: Pick<SampleRecord, 'source' | 'reciter'>): string {
  return r.reciter ?? r.source;
}

/** The sentence a recording that recites no verse speaks (bench/negatives.ts names them `not-quran-NN-voice`). */
export function sentenceOf(file: string): string {
  return /not-quran-(\d+)/.exec(file)?.[1] ?? file;
}

interface Scored {
  readonly answered: boolean;
  readonly right: boolean;
}

export function crossValidate(records: readonly SampleRecord[], negatives: readonly NotRecitationRecord[], base: Calibration): CvResult {
  const clips = records.filter((r) => r.status !== 'error');
  const negativeFeatures = (rs: readonly NotRecitationRecord[]): ConfidenceFeatures[] => rs.flatMap((r) => (r.features ? [r.features] : []));
  const heldOutConfidence = new Map<SampleRecord, number>();
  const groups = [...new Set(clips.map(groupOf))].sort();
  for (const group of groups) {
    const fit = fitCalibrationOnRecords(clips.filter((r) => groupOf(r) !== group), base, negativeFeatures(negatives)).calibration;
    for (const r of clips.filter((c) => groupOf(c) === group)) heldOutConfidence.set(r, r.features ? confidenceOf(r.features, fit) : r.confidence);
  }
  const negativeConfidence = new Map<NotRecitationRecord, number>();
  for (const sentence of new Set(negatives.map((n) => sentenceOf(n.file)))) {
    const fit = fitCalibrationOnRecords(clips, base, negativeFeatures(negatives.filter((n) => sentenceOf(n.file) !== sentence))).calibration;
    for (const n of negatives.filter((m) => sentenceOf(m.file) === sentence)) negativeConfidence.set(n, n.features ? confidenceOf(n.features, fit) : n.confidence);
  }

  // Without features a clip's answer came from a rule (too little speech), not the logistic: it stays as it was.
  const inSample = (r: SampleRecord): Scored => ({ answered: r.status === 'ok', right: r.status === 'ok' && r.top1_correct });
  const heldOut = (r: SampleRecord): Scored => {
    const answered = r.features ? heldOutConfidence.get(r)! >= base.threshold : r.status === 'ok';
    return { answered, right: answered && r.top1_correct };
  };
  const count = (rs: readonly SampleRecord[], score: (r: SampleRecord) => Scored, what: 'right' | 'wrong'): number =>
    rs.filter((r) => {
      const s = score(r);
      return what === 'right' ? s.right : s.answered && !s.right;
    }).length;
  const rows = groups.map((group) => {
    const rs = clips.filter((r) => groupOf(r) === group);
    return {
      group,
      clips: rs.length,
      inSampleRight: count(rs, inSample, 'right'),
      heldOutRight: count(rs, heldOut, 'right'),
      inSampleWrong: count(rs, inSample, 'wrong'),
      heldOutWrong: count(rs, heldOut, 'wrong'),
    };
  });
  const sum = (k: keyof Omit<GroupRow, 'group'>): number => rows.reduce((a, r) => a + r[k], 0);
  const negativeHeld = [...negativeConfidence.values()];
  return {
    rows,
    clips: clips.length,
    inSampleRight: sum('inSampleRight'),
    heldOutRight: sum('heldOutRight'),
    inSampleWrong: sum('inSampleWrong'),
    heldOutWrong: sum('heldOutWrong'),
    inSampleEce: reliability(clips.map((r) => ({ confidence: r.confidence, correct: r.top1_correct }))).ece,
    heldOutEce: reliability(clips.map((r) => ({ confidence: heldOutConfidence.get(r)!, correct: r.top1_correct }))).ece,
    negatives: negatives.length,
    negativesAnsweredInSample: negatives.filter((n) => n.status === 'ok').length,
    negativesAnsweredHeldOut: negativeHeld.filter((c) => c >= base.threshold).length,
    negativesMaxHeldOut: Math.max(0, ...negativeHeld),
  };
}

const pct = (n: number, d: number): string => `${((100 * n) / Math.max(1, d)).toFixed(1)} %`;

export function formatCv(cv: CvResult, mode: string): string {
  const lines = [
    `Confidence held out by group (${mode} mode): sequence accuracy (answered and right) and wrong answers, fitted on all of dev (as shipped) / on the other groups only`,
    '',
    '| held out | clips | right, fitted on all | right, held out | wrong, fitted on all | wrong, held out |',
    '|---|---|---|---|---|---|',
    ...cv.rows.map((r) => `| ${r.group} | ${r.clips} | ${r.inSampleRight} | ${r.heldOutRight} | ${r.inSampleWrong} | ${r.heldOutWrong} |`),
    `| **all** | ${cv.clips} | ${cv.inSampleRight} (${pct(cv.inSampleRight, cv.clips)}) | ${cv.heldOutRight} (${pct(cv.heldOutRight, cv.clips)}) | ${cv.inSampleWrong} | ${cv.heldOutWrong} |`,
    '',
    `ECE ${cv.inSampleEce.toFixed(3)} fitted on all, ${cv.heldOutEce.toFixed(3)} held out.`,
    `Recordings that recite no verse: ${cv.negativesAnsweredInSample} of ${cv.negatives} answered fitted on all, ${cv.negativesAnsweredHeldOut} held out (highest held-out confidence ${cv.negativesMaxHeldOut.toFixed(2)}).`,
  ];
  return lines.join('\n') + '\n';
}
