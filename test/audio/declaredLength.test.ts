import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { declaredDurationS } from '../../src/audio/declaredLength.js';
import { makeTempDir, writeTone } from './fixtures.js';

describe('the length a file declares, before decoding', () => {
  const tmp = makeTempDir();
  after(tmp.remove);

  it('a WAVE file: the samples it holds, whatever its header claims beyond them; first bytes alone say little', () => {
    const path = join(tmp.dir, 'tone.wav');
    writeTone(path, { durationS: 3, sampleRate: 16000 }, '-c:a', 'pcm_s16le');
    const bytes = Uint8Array.from(readFileSync(path));
    const near3 = (s: number | undefined, what: string): void => assert.ok(s !== undefined && Math.abs(s - 3) < 0.01, `${what}: ${s}`);
    near3(declaredDurationS(bytes), 'whole');
    const data = Buffer.from(bytes).indexOf('data');
    const view = new DataView(bytes.buffer);
    view.setUint32(data + 4, 2 * 3600 * 32000, true); // claims 2 hours: a file cut from a long recording
    near3(declaredDurationS(bytes), 'a 2-hour claim over 3 s of samples');
    view.setUint32(data + 4, 0xffff_ffff, true); // a streaming recorder's placeholder
    near3(declaredDurationS(bytes), 'placeholder size');
    assert.ok(declaredDurationS(bytes.subarray(0, 4096))! < 0.2, 'the first 4 KiB hold 0.13 s');
  });

  it('a WAVE file of G.711 samples is read too; ADPCM, whose header ffmpeg writes wrong, is not', () => {
    writeTone(join(tmp.dir, 'mulaw.wav'), { durationS: 3, sampleRate: 8000 }, '-c:a', 'pcm_mulaw');
    writeTone(join(tmp.dir, 'adpcm.wav'), { durationS: 3 }, '-c:a', 'adpcm_ima_wav');
    const mulaw = declaredDurationS(readFileSync(join(tmp.dir, 'mulaw.wav')));
    assert.ok(mulaw !== undefined && Math.abs(mulaw - 3) < 0.01, `µ-law: ${mulaw}`);
    assert.equal(declaredDurationS(readFileSync(join(tmp.dir, 'adpcm.wav'))), undefined);
  });
});
