import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeAudioFile } from '../../src/audio/index.js';
import { clipFeatures64, FEATURE_DIM } from '../../src/embed/features.js';
import { loadQuran } from '../../src/quran/corpus.js';
import { speechLike, writeWav } from '../cli/wav.js';
import { rng } from '../decode/synth.js';
import { speakArabic } from '../helpers/espeak.js';
import { mustRunPython } from '../helpers/python.js';

// The bridge is trained on train/ayat_train/clap/features.py's numbers and run on src/embed/features.ts's.
const dir = mkdtempSync(join(tmpdir(), 'ayat-features-'));
const files: Record<string, string> = {};

before(() => {
  const r = rng(9);
  // espeak-ng writes 22.05 kHz: resample once to 16 kHz 16-bit, so both sides read the same samples
  speakArabic(loadQuran().get({ surah: 112, ayah: 1 }).text, join(dir, 'speech22k.wav'));
  files.speech = join(dir, 'speech.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-i', join(dir, 'speech22k.wav'), '-ar', '16000', '-ac', '1', '-c:a', 'pcm_s16le', files.speech]);
  files.noise = join(dir, 'noise.wav');
  writeWav(files.noise, Float32Array.from({ length: 16000 * 2 }, () => (r() - 0.5) * 0.4));
  files.tone = join(dir, 'tone.wav');
  writeWav(files.tone, speechLike(3));
  files.short = join(dir, 'short.wav');
  writeWav(files.short, speechLike(300 / 16000));
  files.silence = join(dir, 'silence.wav');
  writeWav(files.silence, new Float32Array(16000));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('clip features: TypeScript = Python', () => {
  it('on speech, noise, a tone, a clip shorter than one frame, and silence', async () => {
    const names = Object.keys(files);
    const python = JSON.parse(mustRunPython(['train/bridge.py', 'reference-features', ...names.map((n) => files[n]!)])) as Record<string, number[]>;
    for (const name of names) {
      const { samples } = await decodeAudioFile(files[name]!);
      const ts = clipFeatures64(samples);
      const py = python[files[name]!]!;
      assert.equal(py.length, FEATURE_DIM);
      let worst = 0;
      let at = -1;
      for (let i = 0; i < FEATURE_DIM; i++) {
        const err = Math.abs(ts[i]! - py[i]!) / (1 + Math.abs(py[i]!));
        if (err > worst) [worst, at] = [err, i];
      }
      assert.ok(worst < 1e-9, `${name}: feature ${at} differs: ts ${ts[at]} vs python ${py[at]}`);
      console.log(`${name}: largest relative difference ${worst.toExponential(1)}`);
    }
  });
});
