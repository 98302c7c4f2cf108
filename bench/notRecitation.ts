/**
 * Recordings that recite no verse (`ayat bench --negatives DIR`): how many get a made-up verse,
 * and their confidence features, which --fit-calibration adds to the fit as wrong answers (the
 * benchmark manifests hold recitations only, so without them nothing teaches confidence to refuse
 * speech that is not Quran). `npm run bench:make-negatives -- DIR` speaks such a folder.
 */
import { resolve } from 'node:path';
import type { Identifier } from '../src/engine/identify.js';
import type { ConfidenceFeatures } from '../src/match/confidence.js';
import { formatRef } from '../src/quran/corpus.js';
import { scanAudioFiles } from '../src/search/scanFolder.js';
import { clipFeatures } from './features.js';

export interface NotRecitationRecord {
  readonly file: string;
  readonly status: string;
  /** The verses made up, as "surah:ayah", when it was answered. */
  readonly answered: readonly string[];
  readonly confidence: number;
  readonly features?: ConfidenceFeatures;
}

export interface NotRecitationSummary {
  readonly folder: string;
  readonly clips: number;
  /** Share of clips answered with a verse (each one made up). */
  readonly answered_rate: number;
  readonly max_confidence: number;
  readonly records: readonly NotRecitationRecord[];
}

export async function runNotRecitation(folder: string, identifier: Identifier): Promise<NotRecitationSummary> {
  const { files } = await scanAudioFiles(resolve(folder));
  if (files.length === 0) throw new Error(`--negatives: no audio files in ${folder}`);
  const records: NotRecitationRecord[] = [];
  for (const { path } of files) {
    const identification = await identifier.identifyFile(path);
    const { result } = identification;
    if (result.status === 'error') throw new Error(`--negatives: ${result.error}`);
    const features = clipFeatures(identification.chunkMatches);
    records.push({
      file: path,
      status: result.status,
      answered: result.status === 'ok' ? result.verses.map(formatRef) : [],
      confidence: result.confidence,
      ...(features ? { features } : {}),
    });
  }
  return {
    folder,
    clips: records.length,
    answered_rate: records.filter((r) => r.status === 'ok').length / records.length,
    max_confidence: Math.max(...records.map((r) => r.confidence)),
    records,
  };
}

export function formatNotRecitation(s: NotRecitationSummary): string {
  const answered = s.records.filter((r) => r.status === 'ok');
  return (
    `Not recitation (${s.clips} clips in ${s.folder}): ${answered.length} answered with a made-up verse, ` +
    `highest confidence ${s.max_confidence.toFixed(2)}` +
    (answered.length > 0 ? ` (${answered.map((r) => `${r.answered.join(',')} ${r.confidence.toFixed(2)}`).join('; ')})` : '') +
    '\n'
  );
}
