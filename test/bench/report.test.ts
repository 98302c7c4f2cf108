import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AcousticModel } from '../../src/acoustic/model.js';
import type { Identification } from '../../src/engine/identify.js';
import type { IdentifyResult } from '../../src/engine/result.js';
import type { MatchResult } from '../../src/match/types.js';
import { comparisonRow, formatComparison } from '../../bench/compare.js';
import { fitCalibrationOnRecords } from '../../bench/fitCalibration.js';
import { confidenceOf, DEFAULT_CALIBRATION, type Calibration } from '../../src/match/confidence.js';
import { formatReport } from '../../bench/formatReport.js';
import type { BenchSample } from '../../bench/manifest.js';
import { toSampleRecord } from '../../bench/record.js';
import { buildReport } from '../../bench/runBench.js';

const refs = (surah: number, ...ayahs: number[]) => ayahs.map((ayah) => ({ surah, ayah }));

function sample(id: string, category: string, source: string, reciter: string | null, expected = refs(1, 1), alsoAccept = [] as ReturnType<typeof refs>[]): BenchSample {
  return { id, file: `${id}.opus`, path: `/data/${id}.opus`, surah: expected[0]!.surah, ayah: expected[0]!.ayah, ayahEnd: null, category, source, reciter, expected, alsoAccept };
}

function identification(result: Partial<IdentifyResult>, totalMs: number, features?: Record<string, number>, audioS = 4): Identification {
  const full: IdentifyResult = { file: 'f', status: 'ok', verses: [], confidence: 0.5, start_s: 0, end_s: 1, candidates: [], ...result };
  const chunk: MatchResult = {
    status: full.status === 'ok' ? 'ok' : 'no_match',
    verses: full.verses,
    confidence: full.confidence,
    startS: 0,
    endS: 1,
    candidates: full.candidates,
    ...(features ? { detail: { features, units: [], istiadha: false, basmala: false } } : {}),
  };
  return {
    result: full,
    timings: { decodeMs: totalMs * 0.1, acousticMs: totalMs * 0.6, matchMs: totalMs * 0.3, totalMs },
    audioS,
    chunkMatches: full.status === 'error' ? [] : [chunk],
  };
}

const fakeModel = { card: { name: 'tiny', version: '0.1', sha256: 'ab'.repeat(32) }, dir: '/models/tiny', sizeBytes: 2 ** 20 } as unknown as AcousticModel;

describe('bench records and report', () => {
  const records = [
    toSampleRecord(sample('a', 'short', 'tajweedai', 'husary'), identification({ verses: refs(1, 1), confidence: 0.9, candidates: [{ verses: refs(1, 1), score: -1 }] }, 100)),
    toSampleRecord(
      sample('b', 'multi', 'everyayah', 'alafasy', refs(113, 1, 2, 3)),
      identification({ verses: refs(113, 1, 2), confidence: 0.6, candidates: [{ verses: refs(113, 1, 2), score: -1 }, { verses: refs(113, 1, 2, 3), score: -2 }] }, 300),
    ),
    toSampleRecord(
      sample('c', 'medium', 'retasy', null, refs(3, 23), [refs(4, 44)]),
      identification({ status: 'no_match', confidence: 0.3, candidates: [{ verses: refs(4, 44), score: -3 }] }, 200),
    ),
    toSampleRecord(sample('d', 'short', 'retasy', null), identification({ status: 'error', error: 'cannot read d.opus: no such file' }, 1)),
  ];

  it('scores each clip', () => {
    const [a, b, c, d] = records;
    assert.deepEqual([a!.recall, a!.precision, a!.sequence_accuracy, a!.top5_hit, a!.top1_correct], [1, 1, 1, true, true]);
    assert.deepEqual([b!.recall, b!.precision, b!.sequence_accuracy, b!.top5_hit, b!.top1_correct], [2 / 3, 1, 0, true, false]);
    assert.deepEqual([c!.status, c!.sequence_accuracy, c!.top5_hit, c!.top1_correct], ['no_match', 0, true, true], 'also_accept counts for top-5 and top-1');
    assert.deepEqual(c!.predicted, []);
    assert.equal(d!.status, 'error');
    assert.equal(d!.error, 'cannot read d.opus: no such file');
    assert.equal(a!.chunks, 1);
  });

  it('summarises like offline-tarteel (errors count as 0) with breakdowns, latency and calibration', () => {
    const report = buildReport({ manifest: '/data/manifest.json', mode: 'full', filters: [], limit: null, model: fakeModel, modelLoadMs: 42 }, records);
    assert.equal(report.summary.total, 4);
    assert.equal(report.summary.sequence_accuracy, 0.25);
    assert.ok(Math.abs(report.summary.recall - (1 + 2 / 3) / 4) < 1e-12);
    assert.equal(report.summary.precision, 0.5);
    assert.equal(report.summary.top5_hit_rate, 0.75);
    assert.equal(report.summary.top1_rate, 0.5, 'a and c (via also_accept) have the right best hypothesis');
    assert.equal(report.summary.top10_hit_rate, 0.75);
    assert.equal(report.summary.no_match_rate, 0.25);
    assert.equal(report.summary.error_count, 1);
    assert.equal(report.summary.model_size, 2 ** 20);
    assert.deepEqual(Object.keys(report.by_category), ['medium', 'multi', 'short']);
    assert.equal(report.by_category.short!.total, 2);
    assert.deepEqual(Object.keys(report.by_source), ['everyayah', 'retasy', 'tajweedai']);
    assert.deepEqual(Object.keys(report.by_reciter), ['alafasy', 'husary', 'unknown']);
    assert.equal(report.latency_ms.total.p50, 200, 'errors left out of latency');
    assert.equal(report.latency_ms.acoustic.max, 180);
    assert.ok(Math.abs(report.real_time_factor - 0.6 / 12) < 1e-9);
    assert.equal(report.calibration.points, 3);
    assert.ok(Math.abs(report.calibration.at_engine_threshold.answered_rate - 2 / 3) < 1e-12);
    assert.equal(report.calibration.at_engine_threshold.accuracy_when_answered, 0.5);
    assert.ok(Math.abs(report.calibration.at_engine_threshold.right_but_rejected_rate - 1 / 3) < 1e-12);
    assert.ok(report.peak_rss_mb > 0);

    const table = formatReport(report);
    // n, recall, precision, seq acc, top-1, top-5, top-10, no match, errors
    assert.match(table, /all\s+4\s+41\.7%\s+50\.0%\s+25\.0%\s+50\.0%\s+75\.0%\s+75\.0%\s+25\.0%\s+1/);
    assert.match(table, /By reciter/);
    assert.match(table, /p95/);
    assert.match(table, /ECE/);
  });

  it('reports latency on the clips about 10 s long apart, for the per-clip targets and the mode table', () => {
    const clip = (id: string, audioS: number, totalMs: number) =>
      toSampleRecord(sample(id, 'short', 'x', null), identification({ verses: refs(1, 1), confidence: 0.9 }, totalMs, undefined, audioS));
    const mixed = [clip('short', 3, 50), clip('ten-a', 9.5, 400), clip('ten-b', 11, 600), clip('long', 30, 2000)];
    const report = buildReport({ manifest: 'm.json', mode: 'full', filters: [], limit: null, model: fakeModel, modelLoadMs: 1 }, mixed);
    const ten = report.latency_10s_clips_ms;
    assert.equal(ten.clips, 2, 'only the 9.5-s and 11-s clips');
    assert.equal(ten.total.p50, 500);
    assert.equal(ten.recognition.p50, 450, 'acoustic + match (0.9 of total in these records)');
    assert.match(formatReport(report), /Clips of 8–12 s \(2\): total p50 500 ms/);

    const row = comparisonRow({ mode: 'full', status: 'ok', report });
    assert.equal(row.recognition_10s_clip_p50_ms, 450);
    assert.equal(row.clips_10s, 2);
    assert.match(formatComparison('m.json', [row]), /450 \(n=2\)/);

    const none = buildReport({ manifest: 'm.json', mode: 'full', filters: [], limit: null, model: fakeModel, modelLoadMs: 1 }, [clip('short', 3, 50)]);
    assert.equal(none.latency_10s_clips_ms.clips, 0);
    assert.match(formatReport(none), /Clips of 8–12 s: none in this run/);
    assert.equal(comparisonRow({ mode: 'full', status: 'ok', report: none }).recognition_10s_clip_p50_ms, undefined);
  });

  it('refits calibration only with enough clips that carry features', () => {
    assert.throws(() => fitCalibrationOnRecords(records), /at least 20 clips with confidence features, got 0 \(the matcher attached no confidence features/);
    const many = Array.from({ length: 40 }, (_, i) => {
      const right = i % 3 !== 0;
      const features = { frameScore: right ? -0.2 - (i % 5) * 0.01 : -1.5 + (i % 4) * 0.1, margin: right ? 8 : 1, coverage: right ? 0.9 : 0.5, transcriptUnits: 20 };
      const verses = right ? refs(1, 1) : refs(2, 2);
      return toSampleRecord(sample(`s${i}`, 'short', 'x', null), identification({ verses, confidence: 0.5, candidates: [{ verses, score: -1 }] }, 10, features));
    });
    const fit = fitCalibrationOnRecords(many);
    assert.equal(fit.clips, 40);
    assert.equal(fit.correct, 26);
    assert.equal(fit.calibration.weights.length, 4);
    assert.deepEqual(fit.calibration.featureNames, ['frameScore', 'logMargin', 'coverage', 'logUnits']);
    assert.ok(fit.loss < 0.3, `separable data fits well (loss ${fit.loss})`);

    // Answers to speech that recites no verse join the fit as wrong ones: a right-looking answer
    // that such recordings also produce ends less sure.
    const madeUp = Array.from({ length: 20 }, () => ({ frameScore: -0.2, margin: 8, coverage: 0.9, transcriptUnits: 20 }));
    const withNegatives = fitCalibrationOnRecords(many, DEFAULT_CALIBRATION, madeUp);
    assert.equal(withNegatives.clips, 40);
    assert.equal(withNegatives.correct, 26);
    assert.match(withNegatives.calibration._doc, /and 20 recordings that recite no verse/);
    const sure = (cal: Calibration): number => confidenceOf({ frameScore: -0.2, margin: 8, coverage: 0.9, transcriptUnits: 20 }, cal);
    assert.ok(sure(withNegatives.calibration) < sure(fit.calibration) - 0.2, `${sure(withNegatives.calibration)} vs ${sure(fit.calibration)}`);
  });
});
