import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPython } from '../helpers/python.js';

// train/synthesize.py: espeak-ng recitations in EveryAyah layout, the synthetic voices of training.
let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ayat-synth-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function synthesize(args: string[]) {
  return runPython(['train/synthesize.py', ...args]);
}

test('named verses become SSSAAA.wav files of speech', () => {
  const folder = path.join(dir, 'espeak-ar');
  const r = synthesize([folder, '--verse', '112:1', '--verse', '1:2']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(folder).sort(), ['001002.wav', '112001.wav']);
  const wav = readFileSync(path.join(folder, '112001.wav'));
  assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
  assert.ok(wav.length > 16_000, `a spoken verse is more than half a second: ${wav.length} bytes`);
});

test('--random draws the same verses for the same seed, and --exclude keeps another folder\'s verses out', () => {
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  const held = path.join(dir, 'held');
  for (const folder of [a, b]) assert.equal(synthesize([folder, '--random', '3', '--seed', '7']).status, 0);
  assert.deepEqual(readdirSync(a).sort(), readdirSync(b).sort());
  assert.equal(readdirSync(a).length, 3);
  assert.equal(synthesize([held, '--random', '3', '--seed', '7', '--exclude', a]).status, 0);
  const overlap = readdirSync(held).filter((f) => readdirSync(a).includes(f));
  assert.deepEqual(overlap, []);
  assert.equal(readdirSync(held).length, 3);
});

test('a verse that does not exist, a malformed one, or a missing voice: a one-line error and a non-zero exit', () => {
  const folder = path.join(dir, 'bad');
  const noVerse = synthesize([folder, '--verse', '115:1']);
  assert.equal(noVerse.status, 1);
  assert.match(noVerse.stderr, /^synthesize: no such verse: 115:1\n$/);
  const malformed = synthesize([folder, '--verse', '1-1']);
  assert.equal(malformed.status, 2);
  assert.match(malformed.stderr, /expected SURAH:AYAH, got '1-1'/);
  const noVoice = synthesize([folder, '--voice', 'mb-zz9', '--verse', '1:1']);
  assert.equal(noVoice.status, 1);
  assert.match(noVoice.stderr, /could not speak with voice 'mb-zz9' \(MBROLA voices: apt install mbrola/);
  assert.doesNotMatch(noVoice.stderr, /Traceback/);
});
