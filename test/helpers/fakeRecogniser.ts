/**
 * A stand-in for the engine in unit tests of indexing (segmenting, jobs, the
 * library): it answers from a table, so those tests need no model. Never used
 * outside test/search.
 */
import type { IdentifyResult } from '../../src/engine/result.js';
import type { SegmentRecogniser } from '../../src/search/segmentRecording.js';

export interface FakeCall {
  readonly label: string;
  readonly durationS: number;
}

export class TableRecogniser implements SegmentRecogniser {
  readonly calls: FakeCall[] = [];

  /** `answer(label, callIndexForLabel)` gives the verses (or an Error to throw) for each piece. */
  constructor(private readonly answer: (label: string, nth: number) => { surah: number; ayah: number }[] | Error) {}

  async identifySamples(samples: Float32Array, sampleRate: number, label: string): Promise<{ result: IdentifyResult }> {
    const nth = this.calls.filter((c) => c.label === label).length;
    const durationS = samples.length / sampleRate;
    this.calls.push({ label, durationS });
    const verses = this.answer(label, nth);
    if (verses instanceof Error) throw verses;
    const ok = verses.length > 0;
    return {
      result: {
        file: label,
        status: ok ? 'ok' : 'no_match',
        verses,
        confidence: ok ? 0.8 : 0,
        start_s: ok ? 0.25 : 0,
        end_s: ok ? Math.max(0.5, durationS - 0.25) : 0,
        candidates: ok ? [{ verses, score: 1 }] : [],
      },
    };
  }
}
