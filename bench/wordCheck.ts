/**
 * How well `ayat identify --words` flags mistaken words, measured on real recitations edited
 * into mistaken ones:
 *   node dist/bench/wordCheck.js --manifest ../shared/data/dev/manifest.json [--filter source=tajweedai]
 *     [--mode hybrid|full] [--model DIR] [--seed N] [--out report.json] [--table report.md]
 *
 * Every single-verse clip is identified with its words. Clips answered right, with every word of
 * the verse heard, are the correct recitations: any word flagged there is a false alarm. Each of
 * them is then edited twice around one inner word w (chosen at random, never the first or last):
 * - skipped: the audio from w's start to the next word's start is cut out;
 * - swapped: that audio is replaced by a word of another verse from the same reciter (a different
 *   word, of a similar length);
 * - inserted: such a word is put in before w, which stays.
 * Each edited clip is identified again; where the answer is still the verse, w should be flagged
 * (for an insertion, w or the word before it: the word check reports only the verse's words)
 * and the other words should not. Rates are given for a range of flag thresholds, so the
 * default (DEFAULT_FLAG_BELOW in src/match/words.ts) can be chosen from the trade-off.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeAudioFile, SAMPLE_RATE } from '../src/audio/index.js';
import type { Identifier } from '../src/engine/identify.js';
import { lazyModeIdentifier, type Mode } from '../src/engine/modes.js';
import type { IdentifyResult, WordJson } from '../src/engine/result.js';
import { DEFAULT_ADDED_FROM, DEFAULT_FLAG_BELOW, verseWords } from '../src/match/words.js';
import { loadQuran } from '../src/quran/corpus.js';
import { answerText, pct } from './formatReport.js';
import { scriptSamples, type BenchSample } from './manifest.js';
import { sampleAt, splice } from './audioEdit.js';
import { seededRandom } from './random.js';
import { CLIP_SCRIPT_OPTIONS, runScript } from './runScript.js';

const THRESHOLDS = [-2, -3, -4, -5, -6, -8];
type EditKind = 'skipped' | 'swapped' | 'inserted';

interface CleanClip {
  readonly sample: BenchSample;
  readonly samples: Float32Array;
  readonly words: readonly WordJson[];
}

interface EditOutcome {
  readonly id: string;
  readonly kind: EditKind;
  /** 1-based word that was edited. */
  readonly word: number;
  /** The answer was still the clip's verse. */
  readonly kept: boolean;
  /** What the edited clip was answered: verses like "82:19", or no_match. */
  readonly answer: string;
  /** Score of the edited word, for an insertion the lower of its two neighbours' (absent when the answer changed). */
  readonly editedScore?: number;
  /** Scores of the verse's other words. */
  readonly otherScores: readonly number[];
  /** For an insertion: the more extra letters of the two words around it (absent when the answer changed). */
  readonly insertedLetters?: number;
  /** The extra letters of every other word. */
  readonly otherLetters: readonly number[];
}

const isVerse = (r: IdentifyResult, s: BenchSample): boolean =>
  r.status === 'ok' && r.verses.length === 1 && r.verses[0]!.surah === s.surah && r.verses[0]!.ayah === s.ayah;

function wordCount(s: BenchSample): number {
  return verseWords(loadQuran().get({ surah: s.surah, ayah: s.ayah })).length;
}

/** The clip's words, when it is a correct, whole recitation of its verse as ayat hears it. */
async function cleanClip(identifier: Identifier, sample: BenchSample): Promise<CleanClip | undefined> {
  const audio = await decodeAudioFile(sample.path);
  const { result } = await identifier.identifySamples(audio.samples, audio.sampleRate, sample.id);
  const words = (result.words ?? []).filter((w) => w.surah === sample.surah && w.ayah === sample.ayah);
  if (!isVerse(result, sample) || words.length !== wordCount(sample)) return undefined;
  return { sample, samples: audio.samples, words };
}

/** A word of another verse by the same reciter, spelled differently, about as long as `lengthS`. */
function donorWord(clean: readonly CleanClip[], clip: CleanClip, text: string, lengthS: number, random: () => number): Float32Array | undefined {
  const options: Float32Array[] = [];
  for (const other of clean) {
    if (other === clip || other.sample.reciter !== clip.sample.reciter || other.sample.ayah === clip.sample.ayah && other.sample.surah === clip.sample.surah) continue;
    other.words.forEach((w, i) => {
      const next = other.words[i + 1];
      if (!next || w.text === text) return;
      const length = next.start_s - w.start_s;
      if (length < 0.5 * lengthS || length > 2 * lengthS) return;
      options.push(other.samples.slice(sampleAt(w.start_s), sampleAt(next.start_s)));
    });
  }
  return options.length > 0 ? options[Math.floor(random() * options.length)] : undefined;
}

async function edit(identifier: Identifier, clip: CleanClip, kind: EditKind, w: number, samples: Float32Array): Promise<EditOutcome> {
  const { result } = await identifier.identifySamples(samples, SAMPLE_RATE, clip.sample.id);
  const kept = isVerse(result, clip.sample);
  const words = kept ? (result.words ?? []) : [];
  // 1-based words the edit touches: w itself, and for an insertion also the word before it.
  const touched = kind === 'inserted' ? [w, w + 1] : [w + 1];
  const edited = words.filter((x) => touched.includes(x.word));
  const around = kind === 'inserted' ? edited : [];
  return {
    id: clip.sample.id,
    kind,
    word: w + 1,
    kept,
    answer: answerText(result),
    ...(edited.length > 0 ? { editedScore: Math.min(...edited.map((x) => x.score)) } : {}),
    otherScores: words.filter((x) => !touched.includes(x.word)).map((x) => x.score),
    ...(around.length > 0 ? { insertedLetters: Math.max(...around.map((x) => x.extra_letters)) } : {}),
    otherLetters: words.filter((x) => !around.includes(x)).map((x) => x.extra_letters),
  };
}

interface ThresholdRow {
  readonly flagBelow: number;
  /** Share of words flagged in the correct recitations. */
  readonly cleanWordsFlagged: number;
  /** Share of correct recitations with at least one word flagged. */
  readonly cleanClipsFlagged: number;
  readonly skippedFlagged: number;
  readonly swappedFlagged: number;
  /** An inserted word: either word around it flagged. */
  readonly insertedFlagged: number;
  /** Share of the other words flagged in edited clips. */
  readonly editedOthersFlagged: number;
}

const share = (k: number, n: number): number => (n === 0 ? 0 : Math.round((1000 * k) / n) / 1000);

function thresholdRow(flagBelow: number, clean: readonly CleanClip[], edits: readonly EditOutcome[]): ThresholdRow {
  const flagged = (score: number): boolean => score < flagBelow;
  const cleanScores = clean.flatMap((c) => c.words.map((w) => w.score));
  const detected = (kind: EditKind): number => {
    const kept = edits.filter((e) => e.kind === kind && e.kept);
    return share(kept.filter((e) => e.editedScore !== undefined && flagged(e.editedScore)).length, kept.length);
  };
  const others = edits.filter((e) => e.kept).flatMap((e) => e.otherScores);
  return {
    flagBelow,
    cleanWordsFlagged: share(cleanScores.filter(flagged).length, cleanScores.length),
    cleanClipsFlagged: share(clean.filter((c) => c.words.some((w) => flagged(w.score))).length, clean.length),
    skippedFlagged: detected('skipped'),
    swappedFlagged: detected('swapped'),
    insertedFlagged: detected('inserted'),
    editedOthersFlagged: share(others.filter(flagged).length, others.length),
  };
}

/** Words added: from how many unassigned letters between two words an addition is reported. */
const LETTER_THRESHOLDS = [1, 2, 3, 4, 5, 6];

interface AddedRow {
  readonly addedFrom: number;
  /** Share of the words of correct recitations reported with something added after them. */
  readonly cleanWords: number;
  readonly cleanClips: number;
  /** Share of insertions (answer kept) reported after the word before them. */
  readonly inserted: number;
  /** Share of the other words in edited clips reported with something added after them. */
  readonly editedOthers: number;
}

function addedRow(addedFrom: number, clean: readonly CleanClip[], edits: readonly EditOutcome[]): AddedRow {
  const added = (n: number): boolean => n >= addedFrom;
  const cleanLetters = clean.flatMap((c) => c.words.map((w) => w.extra_letters));
  const inserted = edits.filter((e) => e.kind === 'inserted' && e.kept);
  const others = edits.filter((e) => e.kept).flatMap((e) => e.otherLetters);
  return {
    addedFrom,
    cleanWords: share(cleanLetters.filter(added).length, cleanLetters.length),
    cleanClips: share(clean.filter((c) => c.words.some((w) => added(w.extra_letters))).length, clean.length),
    inserted: share(inserted.filter((e) => e.insertedLetters !== undefined && added(e.insertedLetters)).length, inserted.length),
    editedOthers: share(others.filter(added).length, others.length),
  };
}

function addedMarkdown(rows: readonly AddedRow[]): string {
  return [
    '',
    'Words added (`added`): letters heard in or right after a word that the verse does not have there.',
    '',
    '| added from (letters) | correct words marked added | correct clips with one | inserted word: a word beside it marked | other words in edited clips marked |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.addedFrom}${r.addedFrom === DEFAULT_ADDED_FROM ? ' (default)' : ''} | ${pct(r.cleanWords)} | ${pct(r.cleanClips)} | ${pct(r.inserted)} | ${pct(r.editedOthers)} |`,
    ),
  ].join('\n') + '\n';
}

function markdown(rows: readonly ThresholdRow[], counts: Record<string, number>, command: string): string {
  const lines = [
    `Generated by \`${command}\`.`,
    '',
    `Correct recitations: ${counts.clean} clips, ${counts.cleanWords} words. Edited clips still answered with their verse: skipped ${counts.skippedKept}/${counts.skipped} (no match ${counts.skippedNoMatch}), swapped ${counts.swappedKept}/${counts.swapped} (no match ${counts.swappedNoMatch}), inserted ${counts.insertedKept}/${counts.inserted} (no match ${counts.insertedNoMatch}).`,
    '',
    '| flag below | correct words flagged | correct clips with a flag | skipped word flagged | swapped word flagged | inserted word: a word beside it flagged | other words flagged in edited clips |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.flagBelow}${r.flagBelow === DEFAULT_FLAG_BELOW ? ' (default)' : ''} | ${pct(r.cleanWordsFlagged)} | ${pct(r.cleanClipsFlagged)} | ${pct(r.skippedFlagged)} | ${pct(r.swappedFlagged)} | ${pct(r.insertedFlagged)} | ${pct(r.editedOthersFlagged)} |`,
    ),
  ];
  return lines.join('\n') + '\n';
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: CLIP_SCRIPT_OPTIONS });
  if (values.mode !== 'hybrid' && values.mode !== 'full') throw new Error('--mode must be hybrid or full (the modes that hear words)');
  const mode: Mode = values.mode;
  const samples = (await scriptSamples(values)).filter((s) => s.ayahEnd === null || s.ayahEnd === s.ayah);
  const identifier = lazyModeIdentifier(mode, { model: values.model }, { words: true });
  const random = seededRandom(Number(values.seed));

  const clean: CleanClip[] = [];
  for (const [i, sample] of samples.entries()) {
    process.stderr.write(`\rclean ${i + 1}/${samples.length}`);
    const clip = await cleanClip(identifier, sample);
    if (clip) clean.push(clip);
  }
  const edits: EditOutcome[] = [];
  const editable = clean.filter((c) => c.words.length >= 3);
  for (const [i, clip] of editable.entries()) {
    process.stderr.write(`\redits ${i + 1}/${editable.length}   `);
    const w = 1 + Math.floor(random() * (clip.words.length - 2));
    const from = clip.words[w]!.start_s;
    const to = clip.words[w + 1]!.start_s;
    edits.push(await edit(identifier, clip, 'skipped', w, splice(clip.samples, from, to)));
    const donor = donorWord(clean, clip, clip.words[w]!.text, to - from, random);
    if (donor) {
      edits.push(await edit(identifier, clip, 'swapped', w, splice(clip.samples, from, to, donor)));
      edits.push(await edit(identifier, clip, 'inserted', w, splice(clip.samples, from, from, donor)));
    }
  }
  process.stderr.write('\n');

  const rows = THRESHOLDS.map((t) => thresholdRow(t, clean, edits));
  const counts = {
    clean: clean.length,
    cleanWords: clean.reduce((n, c) => n + c.words.length, 0),
    skipped: edits.filter((e) => e.kind === 'skipped').length,
    skippedKept: edits.filter((e) => e.kind === 'skipped' && e.kept).length,
    skippedNoMatch: edits.filter((e) => e.kind === 'skipped' && e.answer === 'no_match').length,
    swapped: edits.filter((e) => e.kind === 'swapped').length,
    swappedKept: edits.filter((e) => e.kind === 'swapped' && e.kept).length,
    swappedNoMatch: edits.filter((e) => e.kind === 'swapped' && e.answer === 'no_match').length,
    inserted: edits.filter((e) => e.kind === 'inserted').length,
    insertedKept: edits.filter((e) => e.kind === 'inserted' && e.kept).length,
    insertedNoMatch: edits.filter((e) => e.kind === 'inserted' && e.answer === 'no_match').length,
  };
  const command = `node dist/bench/wordCheck.js ${process.argv.slice(2).join(' ')}`;
  const addedRows = LETTER_THRESHOLDS.map((n) => addedRow(n, clean, edits));
  const table = markdown(rows, counts, command) + addedMarkdown(addedRows);
  process.stdout.write(table);
  if (values.out) await writeFile(values.out, JSON.stringify({ command, counts, rows, addedRows, edits }, null, 1) + '\n');
  if (values.table) await writeFile(values.table, table);
  return 0;
}

runScript('wordCheck', main);
