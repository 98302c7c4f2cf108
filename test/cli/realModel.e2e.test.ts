import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { splice } from '../../bench/audioEdit.js';
import type { BenchReport } from '../../bench/report.js';
import { decodeAudioFile } from '../../src/audio/decode.js';
import type { IdentifyResult } from '../../src/engine/result.js';
import { loadQuran } from '../../src/quran/corpus.js';
import { devClip, devDataDir, realModelDir } from '../engine/realModel.js';
import { runCli } from './cliRunner.js';
import { writeWav } from './wav.js';

describe('ayat CLI with the trained model (models/ayat-ctc)', () => {
  it('identify --json: one line per file, right verses, exit 0', () => {
    realModelDir();
    const files = [devClip('reciters/husary/082019.opus'), devClip('crowd/multi_114_001_006.opus')];
    const r = runCli(['identify', '--json', ...files]);
    assert.equal(r.code, 0, r.stderr);
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as IdentifyResult);
    assert.deepEqual(results.map((x) => x.status), ['ok', 'ok']);
    assert.deepEqual(results[0]!.verses, [{ surah: 82, ayah: 19 }]);
    assert.deepEqual(results[1]!.verses, [1, 2, 3, 4, 5, 6].map((ayah) => ({ surah: 114, ayah })));
  });

  it('identify -: a recording piped to stdin is identified as file "-", beside files', () => {
    realModelDir();
    const piped = readFileSync(devClip('reciters/husary/082019.opus'));
    const r = runCli(['identify', '--json', devClip('reciters/alafasy/001005.opus'), '-'], {}, piped);
    assert.equal(r.code, 0, r.stderr);
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as IdentifyResult);
    assert.deepEqual(results.map((x) => [x.file, x.status, x.verses]), [
      [devClip('reciters/alafasy/001005.opus'), 'ok', [{ surah: 1, ayah: 5 }]],
      ['-', 'ok', [{ surah: 82, ayah: 19 }]],
    ]);
  });

  it('identify (human): reference, surah name and Arabic text', () => {
    realModelDir();
    const r = runCli(['identify', devClip('reciters/alafasy/001005.opus')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1:5 {2}الفاتحة \(Al-Fatihah\) {2}confidence \d\.\d\d/);
  });

  it('identify --words: every word of a correct recitation heard; a word cut out of it flagged', async () => {
    realModelDir();
    const clip = devClip('reciters/alafasy/082019.opus');
    const r = runCli(['identify', '--words', '--json', clip]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as IdentifyResult;
    const words = result.words ?? [];
    assert.deepEqual(
      words.map((w) => w.text),
      loadQuran().get({ surah: 82, ayah: 19 }).text.split(' '),
    );
    assert.deepEqual(
      words.map((w) => w.word),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(words.filter((w) => w.flagged), []);
    assert.ok(words.every((w, i) => w.end_s > w.start_s && (i === 0 || w.start_s >= words[i - 1]!.end_s)));

    // Word 6 (شَيۡـٔٗاۖ) cut out: from its start to the next word's start.
    const audio = await decodeAudioFile(clip);
    const edited = splice(audio.samples, words[5]!.start_s, words[6]!.start_s);
    const dir = mkdtempSync(join(tmpdir(), 'ayat-words-e2e-'));
    try {
      const wav = join(dir, 'skipped-word.wav');
      writeWav(wav, edited, audio.sampleRate);
      const json = JSON.parse(runCli(['identify', '--words', '--json', wav]).stdout) as IdentifyResult;
      assert.deepEqual(json.verses, [{ surah: 82, ayah: 19 }]);
      assert.deepEqual(
        json.words?.filter((w) => w.flagged).map((w) => w.word),
        [6],
      );
      const human = runCli(['identify', '--words', wav]);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /words to check \(1 of 9\): شَيۡـٔٗاۖ \(82:19 word 6, \d+\.\ds–\d+\.\ds\)/);

      // A word of 82:10 said before word 6, which stays: word 5 or 6 is marked, no other.
      const donorClip = await decodeAudioFile(devClip('reciters/alafasy/082010.opus'));
      const donorWords = (JSON.parse(runCli(['identify', '--words', '--json', devClip('reciters/alafasy/082010.opus')]).stdout) as IdentifyResult).words ?? [];
      const donor = donorClip.samples.slice(Math.round(donorWords[1]!.start_s * 16000), Math.round(donorWords[2]!.start_s * 16000));
      const addedWav = join(dir, 'added-word.wav');
      writeWav(addedWav, splice(audio.samples, words[5]!.start_s, words[5]!.start_s, donor), audio.sampleRate);
      const added = JSON.parse(runCli(['identify', '--words', '--json', addedWav]).stdout) as IdentifyResult;
      assert.deepEqual(added.verses, [{ surah: 82, ayah: 19 }]);
      const marked = (added.words ?? []).filter((w) => w.added).map((w) => w.word);
      assert.ok(marked.length > 0 && marked.every((w) => w === 5 || w === 6), `words marked added: ${marked.join(',')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('identify --words with a mode that does not hear words: one line, exit 2', () => {
    const r = runCli(['identify', '--words', '--mode', 'lightweight', devClip('reciters/alafasy/082019.opus')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--words needs a mode that hears words \(hybrid or full\), not lightweight/);
  });

  it('bench on a few dev clips writes a complete report', () => {
    realModelDir();
    const dir = mkdtempSync(join(tmpdir(), 'ayat-bench-e2e-'));
    try {
      const out = join(dir, 'report.json');
      const r = runCli(['bench', '--manifest', join(devDataDir(), 'manifest.json'), '--filter', 'category=multi', '--limit', '4', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
      assert.equal(report.summary.total, 4);
      assert.equal(report.mode, 'hybrid', 'the default mode when the shipped QuranCLAP model is installed');
      assert.deepEqual(report.models?.map((m) => m.role), ['acoustic', 'clap']);
      assert.ok(report.summary.sequence_accuracy >= 0.5, `sequence accuracy ${report.summary.sequence_accuracy}`);
      assert.ok(report.latency_ms.total.p50 > 0);
      assert.ok(report.samples.every((s) => s.features !== undefined || s.status === 'no_match'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
