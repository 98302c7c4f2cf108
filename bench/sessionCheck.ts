/**
 * How `ayat identify` (and, with --follow, `ayat follow`) does on recordings longer than one
 * surah's worth of ayat: for each reciter of the manifest with the clips a script needs
 * (bench/sessions.ts), the clips are joined into one recording, identified whole, and the answer
 * compared with the verses recited (exact sequence, verses found, verses reported that were not
 * recited). The manifest's clips of unseen reciters become prayers, jumps and whole surahs.
 *   node dist/bench/sessionCheck.js --manifest ../shared/data/dev/manifest.json [--filter source=tajweedai]
 *     [--mode hybrid] [--model DIR] [--follow] [--table report.md]
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeAudioFile, SAMPLE_RATE } from '../src/audio/index.js';
import { parseMode } from '../src/cli/options.js';
import { Follower } from '../src/engine/follow.js';
import { lazyModeIdentifier } from '../src/engine/modes.js';
import { formatRef } from '../src/quran/corpus.js';
import { joinClips } from './audioEdit.js';
import { pct } from './formatReport.js';
import { scriptSamples, type BenchSample } from './manifest.js';
import { CLIP_SCRIPT_OPTIONS, runScript } from './runScript.js';
import { scoreSequence, type VerseKey } from './scoring.js';
import { clipVerse, SESSION_SCRIPTS, sessionVerses, type SessionScript } from './sessions.js';

const FOLLOW_PIECE_S = 0.5;

interface Outcome {
  readonly script: string;
  readonly reciter: string;
  readonly audioS: number;
  readonly expected: string;
  readonly got: string;
  readonly exact: boolean;
  readonly found: number;
  readonly expectedCount: number;
  /** Verses reported that the recording does not recite. */
  readonly extra: number;
}

const key = (v: VerseKey): string => `${v.surah}:${v.ayah}`;

/** Single-ayah clips per reciter, by verse. */
function clipsByReciter(samples: readonly BenchSample[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const s of samples) {
    if (!s.reciter || s.expected.length !== 1) continue;
    const clips = out.get(s.reciter) ?? new Map<string, string>();
    clips.set(key(s.expected[0]!), s.path);
    out.set(s.reciter, clips);
  }
  return out;
}

/** A script's clips decoded (each once per run) and joined into one recording. */
async function recording(paths: readonly string[], cache: Map<string, Float32Array>): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (const path of paths) {
    let samples = cache.get(path);
    if (!samples) {
      samples = (await decodeAudioFile(path)).samples;
      cache.set(path, samples);
    }
    parts.push(samples);
  }
  return joinClips(parts);
}

function outcomeOf(script: SessionScript, reciter: string, audioS: number, got: readonly VerseKey[]): Outcome {
  const expected = sessionVerses(script.parts);
  const wanted = new Set(expected.map(key));
  const score = scoreSequence(expected, got);
  return {
    script: script.name,
    reciter,
    audioS,
    expected: expected.map(formatRef).join(' '),
    got: got.map(formatRef).join(' '),
    exact: score.sequenceAccuracy === 1,
    found: Math.round(score.recall * expected.length),
    expectedCount: expected.length,
    extra: got.filter((v) => !wanted.has(key(v))).length,
  };
}

function markdown(how: string, outcomes: readonly Outcome[]): string[] {
  const rows = [...SESSION_SCRIPTS.map((s) => s.name), 'all'].map((name) => {
    const mine = name === 'all' ? outcomes : outcomes.filter((o) => o.script === name);
    const found = mine.reduce((n, o) => n + o.found, 0);
    const expected = mine.reduce((n, o) => n + o.expectedCount, 0);
    const extra = mine.reduce((n, o) => n + o.extra, 0);
    const exact = mine.filter((o) => o.exact).length;
    return `| ${name} | ${mine.length} | ${exact} (${pct(mine.length ? exact / mine.length : 0)}) | ${found}/${expected} | ${extra} |`;
  });
  return [`**${how}**`, '', '| recording | n | exact | verses found | verses not recited |', '| --- | --- | --- | --- | --- |', ...rows, ''];
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { ...CLIP_SCRIPT_OPTIONS, follow: { type: 'boolean', default: false } } });
  const samples = await scriptSamples(values);
  const identifier = lazyModeIdentifier(parseMode(values.mode), { model: values.model });
  const byReciter = clipsByReciter(samples);
  const cache = new Map<string, Float32Array>();
  const identified: Outcome[] = [];
  const followed: Outcome[] = [];

  for (const [reciter, clips] of [...byReciter].sort(([a], [b]) => a.localeCompare(b))) {
    for (const script of SESSION_SCRIPTS) {
      const paths = script.parts.map((p) => clips.get(key(clipVerse(p))));
      if (paths.some((p) => p === undefined)) continue;
      const audio = await recording(paths as string[], cache);
      const audioS = audio.length / SAMPLE_RATE;
      const label = `${reciter}: ${script.name}`;
      const { result } = await identifier.identifySamples(audio, SAMPLE_RATE, label);
      const outcome = outcomeOf(script, reciter, audioS, result.verses);
      identified.push(outcome);
      process.stdout.write(`${label} (${audioS.toFixed(0)} s): ${outcome.exact ? 'exact' : `got ${outcome.got || result.status}`}\n`);
      if (values.follow) {
        const follower = new Follower(identifier, SAMPLE_RATE);
        const piece = Math.round(FOLLOW_PIECE_S * SAMPLE_RATE);
        for (let at = 0; at < audio.length; at += piece) await follower.push(audio.subarray(at, at + piece));
        await follower.end();
        const f = outcomeOf(script, reciter, audioS, follower.verses);
        followed.push(f);
        process.stdout.write(`  followed: ${f.exact ? 'exact' : f.got}\n`);
      }
    }
  }
  if (identified.length === 0) throw new Error('no reciter of the manifest has the clips any session needs (bench/sessions.ts)');

  const command = `node dist/bench/sessionCheck.js ${process.argv.slice(2).join(' ')}`;
  const audioS = identified.reduce((s, o) => s + o.audioS, 0);
  const table = [
    `Generated by \`${command}\`: ${identified.length} recordings, ${(audioS / 60).toFixed(0)} min of audio.`,
    '',
    ...markdown('ayat identify', identified),
    ...(values.follow ? markdown('ayat follow', followed) : []),
  ].join('\n');
  process.stdout.write(`\n${table}`);
  if (values.out) await writeFile(values.out, JSON.stringify({ command, identified, followed }, null, 1) + '\n');
  if (values.table) await writeFile(values.table, table);
  return 0;
}

runScript('sessionCheck', main);
