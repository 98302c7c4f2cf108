import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { devClip, realModelDir } from '../engine/realModel.js';
import { runCli, STACK_FRAME } from './cliRunner.js';

const base = mkdtempSync(join(tmpdir(), 'ayat-library-cli-'));
after(() => rmSync(base, { recursive: true, force: true }));

interface SearchJson {
  readonly understood_as: string[];
  readonly results: { recording: { path: string; name: string }; verse: { surah: number; ayah: number }; start_s: number; end_s: number; confidence: number }[];
}

interface ListJson {
  readonly stats: { recordings: number; indexed: number; failed: number };
  readonly recordings: { name: string; status: string; error: string | null; segments: number }[];
}

describe('ayat library: index a folder, search it, list it, remove it (trained model, dev clips)', () => {
  const folder = join(base, 'recordings');
  const data = join(base, 'data');
  const lib = (...args: string[]) => runCli(['library', ...args, '--data', data]);

  it('add: indexes real recitations; a damaged file is named, exit 1; non-audio files are not taken', () => {
    realModelDir();
    mkdirSync(join(folder, 'fatiha'), { recursive: true });
    copyFileSync(devClip('reciters/husary/112001.opus'), join(folder, '112001.opus'));
    copyFileSync(devClip('reciters/alafasy/001005.opus'), join(folder, 'fatiha', '001005.opus'));
    writeFileSync(join(folder, 'broken.mp3'), randomBytes(3000));
    writeFileSync(join(folder, 'notes.txt'), 'not audio');
    const r = lib('add', folder);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /3 audio files, 3 to index/);
    assert.match(r.stdout, /^failed: .*broken\.mp3: .*damaged/m);
    assert.match(r.stdout, /indexed 2 of 3 recordings, 1 failed/);
    assert.doesNotMatch(r.stdout + r.stderr, STACK_FRAME);
  });

  it('search: Arabic words, a reference and a surah name find where they are recited', () => {
    const arabic = lib('search', 'قل', 'هو', 'الله', 'أحد', '--json');
    assert.equal(arabic.code, 0, arabic.stderr);
    const found = JSON.parse(arabic.stdout) as SearchJson;
    assert.deepEqual(found.understood_as, ['Arabic text']);
    assert.equal(found.results[0]?.recording.name, '112001.opus');
    assert.deepEqual(found.results[0]?.verse.surah, 112);
    assert.equal(found.results[0]?.verse.ayah, 1);
    assert.ok(!('audio_url' in (found.results[0] ?? {})), 'no server URL in the CLI output');

    const byRef = JSON.parse(lib('search', '1:5', '--json').stdout) as SearchJson;
    assert.deepEqual(byRef.results.map((h) => h.recording.name), ['fatiha/001005.opus']);
    assert.ok(byRef.results[0]!.end_s > byRef.results[0]!.start_s);

    const human = lib('search', 'Al-Fatihah');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /fatiha\/001005\.opus {2}0:\d\d\.\d–0:\d\d\.\d {2}1:5 Al-Fatihah {2}confidence \d\.\d\d/);
  });

  it('search: a verse no recording recites is answered as such, with the verse itself', () => {
    const r = lib('search', '2:255');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /none of the 2 indexed recordings recites it/);
    assert.match(r.stdout, /verses that answer it: 2:255 Al-Baqarah/);
  });

  it('list: every recording with its state; add again skips what is indexed', () => {
    const listed = JSON.parse(lib('list', '--json').stdout) as ListJson;
    assert.deepEqual(
      listed.recordings.map((r) => [r.name, r.status]).sort(),
      [['001005.opus', 'indexed'], ['112001.opus', 'indexed'], ['broken.mp3', 'failed']],
    );
    assert.deepEqual([listed.stats.recordings, listed.stats.indexed, listed.stats.failed], [3, 2, 1]);

    rmSync(join(folder, 'broken.mp3'));
    assert.match(lib('list').stdout, /broken\.mp3 {2}failed: .* \(file no longer on disk: library add drops it\)$/m);
    const again = lib('add', folder, '--json');
    assert.equal(again.code, 0, again.stderr);
    const summary = JSON.parse(again.stdout) as { folders: { found: number; queued: number; removed: number }[]; failed: unknown[]; library: { recordings: number } };
    assert.deepEqual(summary.folders.map((f) => [f.found, f.queued, f.removed]), [[2, 0, 1]], 'the deleted file is dropped');
    assert.deepEqual(summary.failed, []);
    assert.equal(summary.library.recordings, 2);
  });

  it('remove: the folder leaves the library and its search; the files stay', () => {
    const r = lib('remove', folder);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^removed .*recordings: 2 recordings out of the library \(the files stay on disk\)\n$/);
    assert.match(lib('search', '1:5').stdout, /the library has no indexed recordings yet/);
    const again = lib('remove', folder);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^ayat: .*recordings is not a library folder \(it has none\)\n$/);
    assert.equal(lib('remove').code, 2);
    assert.doesNotMatch(again.stderr, STACK_FRAME);
  });

  it('bad input: one line and an exit code', () => {
    const missing = lib('add', join(base, 'no-such-folder'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^ayat: no such folder: .*no-such-folder\n$/);
    const file = lib('add', devClip('reciters/husary/112001.opus'));
    assert.equal(file.code, 1);
    assert.match(file.stderr, /is not a folder/);
    const noLibrary = runCli(['library', 'search', '1:1', '--data', join(base, 'empty')]);
    assert.equal(noLibrary.code, 1);
    assert.match(noLibrary.stderr, /no library in .*empty yet/);
    assert.equal(lib('search', '115:1').code, 2);
    assert.equal(lib('search').code, 2);
    assert.equal(lib('frobnicate').code, 2);
    assert.equal(runCli(['library']).code, 2);
    for (const r of [missing, file, noLibrary]) assert.doesNotMatch(r.stderr, STACK_FRAME);
  });

  it('add --mode: a mode whose model is missing stops before any indexing (exit 2); an unknown mode is bad usage', () => {
    const other = join(base, 'data-modes');
    const noClap = runCli(['library', 'add', folder, '--data', other, '--mode', 'hybrid', '--clap-model', join(base, 'no-such-clap')]);
    assert.equal(noClap.code, 2, noClap.stderr);
    assert.match(noClap.stderr, /^ayat: mode hybrid needs a trained QuranCLAP model: .*no-such-clap/);
    assert.doesNotMatch(noClap.stderr, STACK_FRAME);
    assert.match(runCli(['library', 'list', '--data', other]).stderr, /no library in .*data-modes yet/, 'nothing was created');
    const unknown = runCli(['library', 'add', folder, '--data', other, '--mode', 'fast']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown mode "fast"/);
  });
});
