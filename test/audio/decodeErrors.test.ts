import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeAudioBytes, decodeAudioFile } from '../../src/audio/decode.js';
import { AudioError, type AudioErrorCode } from '../../src/audio/errors.js';
import { ffmpeg, makeTempDir, randomBytes, writeTone } from './fixtures.js';

async function assertAudioError(promise: Promise<unknown>, code: AudioErrorCode, mentions: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof AudioError, `expected AudioError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.name, 'AudioError');
    assert.ok(!e.message.includes('\n'), `one line: ${JSON.stringify(e.message)}`);
    assert.ok(e.message.includes(mentions), `"${e.message}" names ${mentions}`);
    return true;
  });
}

describe('decode errors', () => {
  const tmp = makeTempDir();
  const at = (name: string): string => join(tmp.dir, name);
  after(tmp.remove);
  before(() => {
    writeTone(at('tone.mp3'), { durationS: 3 }, '-c:a', 'libmp3lame');
    writeTone(at('tone.flac'), { durationS: 3 }, '-c:a', 'flac');
    writeTone(at('tone.ogg'), { durationS: 3 }, '-c:a', 'libopus');
    writeTone(at('tone.wav'), { durationS: 3 }, '-c:a', 'pcm_s16le');
    ffmpeg('-f', 'lavfi', '-i', 'color=c=red:s=32x32:d=1', '-c:v', 'libvpx', at('video-only.webm'));
    mkdirSync(at('recordings'));
    writeFileSync(at('zero.wav'), new Uint8Array(0));
    writeFileSync(at('garbage.mp3'), randomBytes(4000));
    writeFileSync(at('truncated.mp3'), readFileSync(at('tone.mp3')).subarray(0, 300));
  });

  it('a missing file is not_found', async () => {
    await assertAudioError(decodeAudioFile(at('nowhere.mp3')), 'not_found', 'nowhere.mp3');
    await assertAudioError(decodeAudioFile(at('zero.wav/inside.wav')), 'not_found', 'inside.wav');
  });

  it('a directory is unreadable', async () => {
    await assertAudioError(decodeAudioFile(at('recordings')), 'unreadable', 'directory');
  });

  it('a zero-length file or buffer is empty', async () => {
    await assertAudioError(decodeAudioFile(at('zero.wav')), 'empty', 'zero.wav');
    await assertAudioError(decodeAudioBytes(new Uint8Array(0), { name: 'upload.ogg' }), 'empty', 'upload.ogg');
  });

  it('garbage bytes are unreadable', async () => {
    await assertAudioError(decodeAudioFile(at('garbage.mp3')), 'unreadable', 'not an audio file or the file is damaged');
    await assertAudioError(decodeAudioBytes(readFileSync(at('garbage.mp3'))), 'unreadable', 'audio data');
  });

  it('an mp3 cut off inside its first frame is unreadable', async () => {
    await assertAudioError(decodeAudioFile(at('truncated.mp3')), 'unreadable', 'truncated.mp3');
  });

  it('a file with no audio track is empty', async () => {
    await assertAudioError(decodeAudioFile(at('video-only.webm')), 'empty', 'no audio track');
  });

  it('audio longer than maxDurationS is too_long, from a file and from bytes', async () => {
    await assertAudioError(decodeAudioFile(at('tone.mp3'), { maxDurationS: 1 }), 'too_long', '1-second limit');
    await assertAudioError(decodeAudioBytes(readFileSync(at('tone.flac')), { maxDurationS: 2.5 }), 'too_long', '2.5-second limit');
    // Just under the limit still decodes.
    const ok = await decodeAudioFile(at('tone.flac'), { maxDurationS: 3.1 });
    assert.ok(Math.abs(ok.durationS - 3) < 0.01);
  });

  it('Ogg Opus, MP3 and WAVE longer than maxDurationS are too_long, decoded in-process', async () => {
    const ffmpegPath = at('no-such-ffmpeg');
    for (const name of ['tone.ogg', 'tone.mp3', 'tone.wav']) {
      await assertAudioError(decodeAudioFile(at(name), { maxDurationS: 1, ffmpegPath }), 'too_long', '1-second limit');
      await assertAudioError(decodeAudioBytes(readFileSync(at(name)), { maxDurationS: 2.5, ffmpegPath }), 'too_long', '2.5-second limit');
    }
  });

  it('an MP3 whose Xing/Info header declares more than maxDurationS is too_long before decoding', async () => {
    // MPEG-1 stereo and MPEG-2 mono put the header at different offsets.
    for (const [name, encode] of [
      ['declared-44k.mp3', ['-ac', '2', '-ar', '44100']],
      ['declared-16k.mp3', ['-ac', '1', '-ar', '16000']],
    ] as const) {
      writeTone(at(name), { durationS: 3 }, ...encode, '-c:a', 'libmp3lame');
      const bytes = Uint8Array.from(readFileSync(at(name)));
      assert.ok((await decodeAudioBytes(bytes, { maxDurationS: 60 })).durationS < 3.1);
      // Claim a million frames (hours): refused at once, though the audio is 3 s.
      const tag = Buffer.from(bytes).indexOf('Info');
      assert.ok(tag > 0, `${name} has an Info header`);
      new DataView(bytes.buffer).setUint32(tag + 8, 1_000_000);
      await assertAudioError(decodeAudioBytes(bytes, { maxDurationS: 60, ffmpegPath: at('no-such-ffmpeg') }), 'too_long', '1-minute limit');
    }
  });

  it('an Ogg Opus file whose last page declares more than maxDurationS is too_long before decoding', async () => {
    const name = 'declared.opus';
    writeTone(at(name), { durationS: 3 }, '-c:a', 'libopus');
    const bytes = Uint8Array.from(readFileSync(at(name)));
    assert.ok((await decodeAudioBytes(bytes, { maxDurationS: 60, ffmpegPath: at('no-such-ffmpeg') })).durationS < 3.1);
    // The last page's granule position claims two hours at 48 kHz: refused at once, though the audio is 3 s.
    const last = Buffer.from(bytes).lastIndexOf('OggS');
    new DataView(bytes.buffer).setBigInt64(last + 6, BigInt(2 * 3600 * 48000), true);
    await assertAudioError(decodeAudioBytes(bytes, { maxDurationS: 60, ffmpegPath: at('no-such-ffmpeg') }), 'too_long', '1-minute limit');
  });

  it('a FLAC file whose STREAMINFO declares more than maxDurationS is too_long before ffmpeg decodes it', async () => {
    writeTone(at('declared.flac'), { durationS: 3 }, '-c:a', 'flac');
    const bytes = Uint8Array.from(readFileSync(at('declared.flac')));
    // Total samples (the low 32 of 36 bits, bytes 22–25) set to 2^32 - 1: many hours, though the audio is 3 s.
    new DataView(bytes.buffer).setUint32(22, 0xffff_ffff);
    writeFileSync(at('declared-long.flac'), bytes);
    const ffmpegPath = at('no-such-ffmpeg');
    await assertAudioError(decodeAudioBytes(bytes, { maxDurationS: 60, ffmpegPath }), 'too_long', '1-minute limit');
    await assertAudioError(decodeAudioFile(at('declared-long.flac'), { maxDurationS: 60, ffmpegPath }), 'too_long', '1-minute limit');
  });

  it('an Ogg Opus stream cut from a longer one (granule positions far from zero) is judged by what it holds', async () => {
    const bytes = Uint8Array.from(readFileSync(at('declared.opus')));
    shiftGranules(bytes, BigInt(3 * 3600 * 48000));
    const audio = await decodeAudioBytes(bytes, { maxDurationS: 60, ffmpegPath: at('no-such-ffmpeg') });
    assert.ok(audio.durationS > 2.9 && audio.durationS < 3.1, `${audio.durationS} s`);
  });

  it('MPEG audio that mpg123 cannot decode is left to ffmpeg to judge', async () => {
    // A valid frame header, then noise: mpg123 reports errors, and ffmpeg says what is wrong.
    const junk = randomBytes(4000, 1);
    junk.set([0xff, 0xfb, 0x90, 0x64]);
    writeFileSync(at('junk.mp3'), junk);
    await assertAudioError(decodeAudioFile(at('junk.mp3')), 'unreadable', 'junk.mp3');
    await assertAudioError(decodeAudioFile(at('junk.mp3'), { ffmpegPath: at('no-such-ffmpeg') }), 'decoder_missing', 'ffmpeg');
  });

  it('damaged Ogg Opus is left to ffmpeg to judge', async () => {
    // The Ogg and Opus headers survive, the audio pages are noise.
    const tone = readFileSync(at('tone.ogg'));
    const damaged = Uint8Array.from(tone);
    damaged.set(randomBytes(damaged.length - 200), 200);
    writeFileSync(at('damaged.ogg'), damaged);
    await assertAudioError(decodeAudioFile(at('damaged.ogg')), 'unreadable', 'damaged.ogg');
    await assertAudioError(decodeAudioFile(at('damaged.ogg'), { ffmpegPath: at('no-such-ffmpeg') }), 'decoder_missing', 'ffmpeg');
  });

  it('rejects a maxDurationS that is not a positive number', async () => {
    await assert.rejects(decodeAudioFile(at('tone.mp3'), { maxDurationS: 0 }), RangeError);
    await assert.rejects(decodeAudioFile(at('tone.mp3'), { maxDurationS: Number.NaN }), RangeError);
  });

  it('a missing ffmpeg is decoder_missing', async () => {
    const ffmpegPath = at('no-such-ffmpeg');
    await assertAudioError(decodeAudioFile(at('tone.flac'), { ffmpegPath }), 'decoder_missing', 'ffmpeg');
    await assertAudioError(decodeAudioBytes(readFileSync(at('tone.flac')), { ffmpegPath }), 'decoder_missing', 'install');
  });
});

/** Adds `offset` to every audio page's granule position (the header pages keep 0) and mends each page's CRC. */
function shiftGranules(bytes: Uint8Array, offset: bigint): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let page = 0; page + 27 <= bytes.length; ) {
    const segments = bytes[page + 26]!;
    let end = page + 27 + segments;
    for (let i = 0; i < segments; i++) end += bytes[page + 27 + i]!;
    const granule = view.getBigInt64(page + 6, true);
    if (granule > 0n) view.setBigInt64(page + 6, granule + offset, true);
    view.setUint32(page + 22, 0, true);
    view.setUint32(page + 22, oggCrc(bytes.subarray(page, end)), true);
    page = end;
  }
}

/** Ogg's page checksum: CRC-32, polynomial 0x04c11db7, not reflected, initial value 0. */
function oggCrc(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 24;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}
