import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPython, trainPythonJson } from '../helpers/python.js';

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

test('readings: a Latin transliteration and plain Arabic script for voices that cannot read the Uthmani text', () => {
  const out = trainPythonJson<{ latin: Record<string, string>; plain: Record<string, string>; badLatin: string[]; markedPlain: string[] }>(`
import re, unicodedata
from ayat_train import readings, units
texts = units.verse_texts()
spelled = set(units.rules()["muqattaat"]["verses"])
def latin(s, a): return readings.latin_reading(texts[(s, a)], f"{s}:{a}" in spelled)
def plain(s, a): return readings.plain_arabic(texts[(s, a)], f"{s}:{a}" in spelled)
print(json.dumps({
  "latin": {k: latin(*map(int, k.split(":"))) for k in ("1:1", "1:2", "1:4", "2:26", "2:255", "36:1", "112:4")},
  "plain": {k: plain(*map(int, k.split(":"))) for k in ("1:1", "2:4", "36:1")},
  "badLatin": [f"{s}:{a}" for (s, a) in texts if not re.fullmatch(r"[a-z' ]+", latin(s, a))],
  "markedPlain": [f"{s}:{a}" for (s, a) in texts if any(unicodedata.category(c) == "Mn" for c in plain(s, a))],
}))
`);
  assert.equal(out.latin['1:1'], 'bismi llahi rrahmaani rrahiimi');
  assert.equal(out.latin['1:2'], "alhamdu lillahi rabbi l'aalamiina", 'a verse opening on a wasla starts with its vowel');
  assert.equal(out.latin['1:4'], 'maaliki yawmi ddiini', 'dagger alef: a long a; the l of al- goes before a sun letter');
  assert.match(out.latin['2:26']!, /\bmatsalan\b.*\bba'uudhatan\b/, 'the open fathatan of this text');
  assert.match(out.latin['2:255']!, /\bsinatun walaa nawmun\b/, 'the open dammatan');
  assert.match(out.latin['2:255']!, /\bya'uuduhuu\b/, 'hamza above a seat; small waw, a long u');
  assert.equal(out.latin['36:1'], 'yaa siin', 'disjoint letters are read by their names');
  assert.equal(out.latin['112:4'], "walam yakun llahuu kufuwan 'ahadu", 'small waw: a long u');
  assert.equal(out.plain['1:1'], 'بسم الله الرحمان الرحيم');
  assert.equal(out.plain['2:4'], 'والذين يؤمنون بما أنزل إليك وما أنزل من قبلك وبالأخرة هم يوقنون');
  assert.equal(out.plain['36:1'], 'يا سين');
  assert.deepEqual(out.badLatin, [], 'every verse transliterates to lower-case Latin letters, apostrophes and spaces');
  assert.deepEqual(out.markedPlain, [], 'no verse keeps a combining mark in plain script');
});

test('--reading latin speaks a transliteration with another language\'s voice; --exclude takes a benchmark manifest', () => {
  const manifest = path.join(dir, 'manifest.json');
  writeFileSync(manifest, JSON.stringify({ samples: [{ id: 'x', file: 'x.opus', expected_verses: [{ surah: 112, ayah: 1 }] }] }));
  const folder = path.join(dir, 'accent-id');
  const r = synthesize([folder, '--voice', 'id', '--reading', 'latin', '--verse', '1:1']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(readFileSync(path.join(folder, '001001.wav')).length > 16_000);
  const held = path.join(dir, 'held-112');
  const all112 = ['112:1', '112:2', '112:3', '112:4'];
  assert.equal(synthesize([held, ...all112.flatMap((v) => ['--verse', v]), '--exclude', manifest]).status, 0);
  assert.deepEqual(readdirSync(held).sort(), ['112002.wav', '112003.wav', '112004.wav']);
});

test('the arabic reading leaves espeak-ng nothing to spell out code point by code point, as the raw Uthmani text does', () => {
  const out = trainPythonJson<{ raw: number; fixed: number; fixedIsRawLessMadda: boolean; named: string }>(`
import subprocess
from ayat_train import readings, units
texts = units.verse_texts()
verses = [(1, 7), (2, 255), (4, 1), (55, 13), (114, 1)]
def spelled(text):  # espeak-ng's Arabic voice says "letter 0653" (Arabic "harf ...") for a sign it does not know
    return subprocess.run(["espeak-ng", "-v", "ar", "-q", "-x", text], capture_output=True, text=True, check=True).stdout.count("l'et@")
print(json.dumps({"raw": sum(spelled(texts[v]) for v in verses), "fixed": sum(spelled(readings.espeak_arabic(texts[v])) for v in verses),
                  "fixedIsRawLessMadda": readings.espeak_arabic(texts[(1, 7)]) == texts[(1, 7)].replace("\u0653", ""),
                  "named": readings.espeak_arabic(texts[(2, 1)], True)}))
`);
  assert.ok(out.raw > 0, 'the raw Uthmani text makes espeak-ng spell signs out (the check can see it)');
  assert.equal(out.fixed, 0);
  assert.ok(out.fixedIsRawLessMadda, '1:7 loses only the madda of ٱلضَّآلِّينَ, whose alef is still read long');
  assert.equal(out.named, 'أَلِفْ لَامْ مِيمْ', 'disjoint letters are written as the names they are recited by');
});
