import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadQuran } from '../../src/quran/corpus.js';
import { realModelDir } from '../engine/realModel.js';
import { reciteToWav, type VerseSpan } from '../server/espeakLibrary.js';
import { runCli, STACK_FRAME } from './cliRunner.js';

interface FollowLine {
  at_s: number;
  surah: number;
  ayah: number;
  confidence: number;
}

const work = mkdtempSync(join(tmpdir(), 'ayat-follow-e2e-'));
let wav: string;
let spans: VerseSpan[];

before(async () => {
  realModelDir();
  ({ path: wav, spans } = await reciteToWav(work, 'ikhlas', [1, 2, 3, 4].map((ayah) => ({ surah: 112, ayah }))));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Each verse once, in order, and never before its recitation began. */
function assertFollowed(stdout: string): void {
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as FollowLine);
  assert.deepEqual(
    lines.map((l) => `${l.surah}:${l.ayah}`),
    ['112:1', '112:2', '112:3', '112:4'],
  );
  lines.forEach((l, i) => {
    assert.ok(l.at_s > spans[i]!.startS, `${l.surah}:${l.ayah} reported at ${l.at_s} s, before it began at ${spans[i]!.startS} s`);
    assert.ok(l.at_s <= spans[i]!.endS + 4.5, `${l.surah}:${l.ayah} reported at ${l.at_s} s, long after it ended at ${spans[i]!.endS} s`);
  });
}

describe('ayat follow with the trained model', () => {
  it('follows an espeak-ng recitation of 112:1-4 in a file, verse by verse', () => {
    const r = runCli(['follow', '--json', wav]);
    assert.equal(r.code, 0, r.stderr);
    assertFollowed(r.stdout);
  });

  it('follows the same recitation as raw PCM on stdin (as from a microphone)', () => {
    const pcm = readFileSync(wav).subarray(44); // 16-kHz 16-bit mono: the WAV's samples
    const r = runCli(['follow', '--json', '-'], {}, pcm);
    assert.equal(r.code, 0, r.stderr);
    assertFollowed(r.stdout);
    const human = runCli(['follow', '-'], {}, pcm);
    assert.match(human.stdout.split('\n')[0] ?? '', /^0:0\d {2}112:1 {2}Al-Ikhlas {2}/);
    assert.ok(human.stdout.split('\n')[0]!.endsWith(loadQuran().get({ surah: 112, ayah: 1 }).text));
  });

  it('a file cut off is followed as far as it goes, with a warning on stderr', () => {
    const whole = readFileSync(wav);
    const cut = join(work, 'cut.wav');
    // To the middle of 112:2: 112:1 is followed, and the warning says how much there was.
    const end = 44 + 2 * Math.round(((spans[1]!.startS + spans[1]!.endS) / 2) * 16000);
    writeFileSync(cut, whole.subarray(0, end));
    const r = runCli(['follow', '--json', cut]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.split('\n')[0]!).ayah, 1);
    assert.match(r.stderr, /^ayat: .*cut\.wav: the file is cut off: only the \d+\.\d s it holds were heard\n$/);
  });

  it('bad input: one line and an exit code, no stack trace', () => {
    const none = runCli(['follow']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /follow needs one input/);
    const missing = runCli(['follow', join(work, 'nope.wav')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^ayat: cannot read .*nope\.wav: no such file\n$/);
    for (const r of [none, missing]) assert.doesNotMatch(r.stderr, STACK_FRAME);
  });
});
