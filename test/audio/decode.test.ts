import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeAudioBytes, decodeAudioFile, type DecodedAudio } from '../../src/audio/decode.js';
import { runFfmpeg } from '../../src/audio/ffmpeg.js';
import { ffmpeg, makeTempDir, measureAmplitude, measureFrequency, writeTone } from './fixtures.js';

const FORMATS: { ext: string; codec: string[] }[] = [
  { ext: 'wav', codec: ['-c:a', 'pcm_s16le'] },
  { ext: 'mp3', codec: ['-c:a', 'libmp3lame'] },
  { ext: 'opus.ogg', codec: ['-c:a', 'libopus'] },
  { ext: 'vorbis.ogg', codec: ['-c:a', 'libvorbis'] },
  { ext: 'flac', codec: ['-c:a', 'flac'] },
  { ext: 'm4a', codec: ['-c:a', 'aac'] },
  { ext: 'webm', codec: ['-c:a', 'libopus'] },
];

/** A 2 s 440 Hz tone at amplitude 1/8 (lavfi's sine), decoded: checks rate, length, pitch and level. */
function assertTwoSecondTone(audio: DecodedAudio, what: string): void {
  assert.equal(audio.sampleRate, 16000);
  assert.ok(Math.abs(audio.durationS - 2) < 0.05, `${what}: ${audio.durationS} s`);
  assert.equal(audio.durationS, audio.samples.length / 16000);
  assert.ok(Math.abs(measureFrequency(audio.samples, 16000) - 440) < 1, `${what}: pitch ${measureFrequency(audio.samples, 16000)}`);
  assert.ok(Math.abs(measureAmplitude(audio.samples, 16000) - 0.125) < 0.01, `${what}: level ${measureAmplitude(audio.samples, 16000)}`);
}

describe('decodeAudioFile / decodeAudioBytes', () => {
  const tmp = makeTempDir();
  after(tmp.remove);
  before(() => {
    for (const f of FORMATS) writeTone(join(tmp.dir, `tone.${f.ext}`), { durationS: 2 }, ...f.codec);
  });

  for (const f of FORMATS) {
    it(`decodes ${f.ext} from a file and from bytes to 16 kHz mono`, async () => {
      const path = join(tmp.dir, `tone.${f.ext}`);
      assertTwoSecondTone(await decodeAudioFile(path), `${f.ext} file`);
      assertTwoSecondTone(await decodeAudioBytes(readFileSync(path)), `${f.ext} bytes`);
    });
  }

  it('decodes an m4a whose index (moov) comes after the audio, from bytes', async () => {
    // 60 s is far more than ffmpeg's read buffer, so it cannot just seek back within it.
    const path = join(tmp.dir, 'long.m4a');
    writeTone(path, { durationS: 60 }, '-c:a', 'aac', '-b:a', '32k');
    const audio = await decodeAudioBytes(readFileSync(path), { name: 'long.m4a' });
    assert.ok(Math.abs(audio.durationS - 60) < 0.1, `${audio.durationS} s`);
  });

  it('decodes Ogg Opus, WAVE and MP3 in-process, without ffmpeg', async () => {
    const ffmpegPath = join(tmp.dir, 'no-such-ffmpeg');
    for (const ext of ['opus.ogg', 'wav', 'mp3']) {
      const path = join(tmp.dir, `tone.${ext}`);
      assertTwoSecondTone(await decodeAudioFile(path, { ffmpegPath }), `${ext} file, no ffmpeg`);
      assertTwoSecondTone(await decodeAudioBytes(readFileSync(path), { ffmpegPath }), `${ext} bytes, no ffmpeg`);
    }
    // Opus in WebM is not Ogg, and FLAC and AAC have no in-process decoder: they still need ffmpeg.
    for (const ext of ['webm', 'flac', 'm4a']) {
      await assert.rejects(decodeAudioFile(join(tmp.dir, `tone.${ext}`), { ffmpegPath }), /ffmpeg not found/);
    }
  });

  // Speech, encoded the way recordings arrive: each in-process decoder against ffmpeg on the same file.
  const SPEECH_ENCODINGS: { name: string; encode: string[] }[] = [
    { name: 'Ogg Opus 16 kHz', encode: ['-ac', '1', '-ar', '16000', '-c:a', 'libopus', '-b:a', '24k', 'speech.ogg'] },
    { name: 'MP3 44.1 kHz stereo', encode: ['-ac', '2', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '128k', 'speech.mp3'] },
    { name: 'MP3 22.05 kHz VBR with ID3 tags', encode: ['-ar', '22050', '-c:a', 'libmp3lame', '-q:a', '5', '-write_id3v1', '1', '-metadata', 'title=x', 'speech-vbr.mp3'] },
    { name: 'WAVE 8-bit 8 kHz', encode: ['-ar', '8000', '-c:a', 'pcm_u8', 'speech-u8.wav'] },
    { name: 'WAVE 24-bit 48 kHz', encode: ['-ar', '48000', '-c:a', 'pcm_s24le', 'speech-s24.wav'] },
    { name: 'WAVE 32-bit integer', encode: ['-c:a', 'pcm_s32le', 'speech-s32.wav'] },
    { name: 'WAVE 64-bit float 44.1 kHz', encode: ['-ar', '44100', '-c:a', 'pcm_f64le', 'speech-f64.wav'] },
    { name: 'WAVE 6 channels (WAVE_FORMAT_EXTENSIBLE)', encode: ['-ac', '6', '-c:a', 'pcm_s16le', 'speech-6ch.wav'] },
  ];
  for (const { name, encode } of SPEECH_ENCODINGS) {
    it(`decodes speech in ${name} to the same samples as ffmpeg`, async () => {
      const wav = join(tmp.dir, 'speech-source.wav');
      execFileSync('espeak-ng', ['-v', 'ar', '-w', wav, 'بسم الله الرحمن الرحيم الحمد لله رب العالمين']);
      const path = join(tmp.dir, encode.at(-1)!);
      ffmpeg('-i', wav, ...encode.slice(0, -1), path);
      const inProcess = await decodeAudioFile(path, { ffmpegPath: join(tmp.dir, 'no-such-ffmpeg') });
      const viaFfmpeg = await runFfmpeg({ input: `file:${path}`, protocols: 'file', label: path, maxDurationS: 60, ffmpegPath: 'ffmpeg' });
      assert.ok(Math.abs(inProcess.samples.length - viaFfmpeg.samples.length) <= 1, `${inProcess.samples.length} vs ${viaFfmpeg.samples.length} samples`);
      const correlation = correlate(inProcess.samples, viaFfmpeg.samples);
      assert.ok(correlation > 0.999, `correlation ${correlation}`);
    });
  }

  it('mixes stereo Ogg Opus down by averaging the channels', async () => {
    const path = join(tmp.dir, 'stereo.opus.ogg');
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=2:sample_rate=48000', '-af', 'pan=stereo|c0=c0|c1=0*c0', '-c:a', 'libopus', '-b:a', '96k', path);
    const audio = await decodeAudioFile(path, { ffmpegPath: join(tmp.dir, 'no-such-ffmpeg') });
    assert.ok(Math.abs(audio.durationS - 2) < 0.01, `${audio.durationS} s`);
    assert.ok(Math.abs(measureFrequency(audio.samples, 16000) - 440) < 1);
    assert.ok(Math.abs(measureAmplitude(audio.samples, 16000) - 0.0625) < 0.005, `level ${measureAmplitude(audio.samples, 16000)}`);
  });

  it('upsamples 8 kHz mono to 16 kHz', async () => {
    const path = join(tmp.dir, 'narrow.wav');
    writeTone(path, { durationS: 2, sampleRate: 8000 }, '-c:a', 'pcm_s16le');
    assertTwoSecondTone(await decodeAudioFile(path), '8 kHz wav');
  });

  it('mixes 48 kHz stereo down to 16 kHz mono by averaging the channels', async () => {
    // Left: the tone; right: silence. The mix is the tone at half its level.
    const path = join(tmp.dir, 'stereo.wav');
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=2:sample_rate=48000', '-af', 'pan=stereo|c0=c0|c1=0*c0', '-c:a', 'pcm_s16le', path);
    const audio = await decodeAudioFile(path);
    assert.equal(audio.sampleRate, 16000);
    assert.ok(Math.abs(audio.durationS - 2) < 0.01, `${audio.durationS} s`);
    assert.ok(Math.abs(measureFrequency(audio.samples, 16000) - 440) < 1);
    assert.ok(Math.abs(measureAmplitude(audio.samples, 16000) - 0.0625) < 0.005, `level ${measureAmplitude(audio.samples, 16000)}`);
  });

  it('keeps full-scale stereo within [-1, 1]', async () => {
    const path = join(tmp.dir, 'loud.wav');
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1:sample_rate=48000', '-af', 'pan=stereo|c0=7.9*c0|c1=7.9*c0', '-c:a', 'pcm_f32le', path);
    const { samples } = await decodeAudioFile(path);
    let peak = 0;
    for (const v of samples) peak = Math.max(peak, Math.abs(v));
    assert.ok(peak <= 1 && peak > 0.95, `peak ${peak}`);
  });

  it('decodes what is there of an mp3 cut off half way, in-process', async () => {
    const path = join(tmp.dir, 'tone.mp3');
    const bytes = readFileSync(path);
    const audio = await decodeAudioBytes(bytes.subarray(0, bytes.length >> 1), { ffmpegPath: join(tmp.dir, 'no-such-ffmpeg') });
    assert.ok(audio.durationS > 0.7 && audio.durationS < 1.3, `${audio.durationS} s`);
  });

  it('reads a WAVE file whose sizes say more than is there, as streaming recorders leave them', async () => {
    const bytes = Uint8Array.from(readFileSync(join(tmp.dir, 'tone.wav')));
    const view = new DataView(bytes.buffer);
    const data = Buffer.from(bytes).indexOf('data');
    view.setUint32(4, 0xffffffff, true);
    view.setUint32(data + 4, 0xffffffff, true);
    assertTwoSecondTone(await decodeAudioBytes(bytes, { ffmpegPath: join(tmp.dir, 'no-such-ffmpeg') }), 'WAVE with unknown sizes');
  });

  it('leaves WAVE files with compressed samples (µ-law) to ffmpeg', async () => {
    const path = join(tmp.dir, 'tone-mulaw.wav');
    writeTone(path, { durationS: 2 }, '-c:a', 'pcm_mulaw');
    const audio = await decodeAudioFile(path);
    assert.ok(Math.abs(audio.durationS - 2) < 0.05, `${audio.durationS} s`);
    await assert.rejects(decodeAudioFile(path, { ffmpegPath: join(tmp.dir, 'no-such-ffmpeg') }), /ffmpeg not found/);
  });

  it('marks a file cut off where its format declares more (Ogg, WAVE, MP3 with a LAME header); whole files and streaming WAVE sizes are not', async () => {
    for (const ext of ['opus.ogg', 'wav', 'mp3']) {
      const path = join(tmp.dir, `tone.${ext}`);
      const bytes = readFileSync(path);
      assert.equal((await decodeAudioFile(path)).cutOff, undefined, `whole ${ext} file`);
      assert.equal((await decodeAudioBytes(bytes)).cutOff, undefined, `whole ${ext} bytes`);
      const half = join(tmp.dir, `half.${ext}`);
      writeFileSync(half, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const cut = await decodeAudioFile(half);
      assert.equal(cut.cutOff, true, `${ext} cut off: ${cut.durationS} s`);
      assert.ok(cut.durationS > 0.9 && cut.durationS < 1.5, `${ext}: what is there is decoded, ${cut.durationS} s`);
      assert.equal((await decodeAudioBytes(readFileSync(half))).cutOff, true, `${ext} bytes cut off`);
    }
    // A streaming recorder's placeholder sizes, and no sizes at all: the file is taken as whole.
    const wav = Uint8Array.from(readFileSync(join(tmp.dir, 'tone.wav')));
    const data = Buffer.from(wav).indexOf('data');
    for (const size of [0xffffffff, 0x7fffffff, 0]) {
      const view = new DataView(wav.buffer);
      view.setUint32(4, size, true);
      view.setUint32(data + 4, size, true);
      const audio = await decodeAudioBytes(wav.subarray(0, wav.length >> 1));
      assert.equal(audio.cutOff, undefined, `data size ${size.toString(16)}`);
    }
  });

  it('marks a WAVE file too big to decode in-process (streamed through ffmpeg) cut off, from its header', async () => {
    // 48 kHz stereo 16-bit silence, 65 MiB: over the 64 MiB read into memory, 5.9 minutes.
    const dataBytes = 65 * 1024 * 1024;
    const header = (declared: number): Buffer => {
      const h = Buffer.alloc(44);
      h.write('RIFF', 0);
      h.writeUInt32LE(36 + declared, 4);
      h.write('WAVEfmt ', 8);
      h.writeUInt32LE(16, 16);
      h.writeUInt16LE(1, 20); // PCM
      h.writeUInt16LE(2, 22);
      h.writeUInt32LE(48000, 24);
      h.writeUInt32LE(48000 * 4, 28);
      h.writeUInt16LE(4, 32);
      h.writeUInt16LE(16, 34);
      h.write('data', 36);
      h.writeUInt32LE(declared, 40);
      return h;
    };
    const path = join(tmp.dir, 'big.wav');
    const samples = Buffer.alloc(dataBytes);
    writeFileSync(path, Buffer.concat([header(dataBytes), samples]));
    const whole = await decodeAudioFile(path);
    assert.ok(Math.abs(whole.durationS - dataBytes / (48000 * 4)) < 0.05, `${whole.durationS} s`);
    assert.equal(whole.cutOff, undefined, 'whole');
    writeFileSync(path, Buffer.concat([header(dataBytes * 2), samples]));
    const cut = await decodeAudioFile(path);
    assert.equal(cut.cutOff, true, `declared twice what it holds: ${cut.durationS} s`);
  });

  it('marks MPEG audio without a LAME header cut off by its torn last frame (MPEG-1, 2 and 2.5, layers III and II); whole files are not', async () => {
    const variants: { name: string; args: string[] }[] = [
      { name: 'mpeg1.mp3', args: ['-c:a', 'libmp3lame', '-ar', '44100', '-write_xing', '0'] },
      { name: 'mpeg2.mp3', args: ['-c:a', 'libmp3lame', '-ar', '22050', '-b:a', '32k', '-write_xing', '0'] },
      { name: 'mpeg25.mp3', args: ['-c:a', 'libmp3lame', '-ar', '8000', '-b:a', '16k', '-write_xing', '0', '-write_id3v1', '1'] },
      { name: 'layer2.mp2', args: ['-c:a', 'mp2', '-ar', '48000', '-f', 'mp2'] },
    ];
    for (const { name, args } of variants) {
      const path = join(tmp.dir, name);
      writeTone(path, { durationS: 2 }, ...args);
      const bytes = readFileSync(path);
      assert.equal((await decodeAudioFile(path)).cutOff, undefined, `whole ${name}`);
      const cut = await decodeAudioBytes(bytes.subarray(0, Math.floor(bytes.length * 0.6)), { name });
      assert.equal(cut.cutOff, true, `${name} cut off: ${cut.durationS} s`);
      assert.ok(cut.durationS > 0.9 && cut.durationS < 1.5, `${name}: what is there is decoded, ${cut.durationS} s`);
    }
  });

  it('marks an M4A (index first), WebM, FLAC, Ogg Vorbis, raw AAC or ADPCM WAVE file cut off, decoded by ffmpeg; whole ones are not', async () => {
    writeTone(join(tmp.dir, 'tone-faststart.m4a'), { durationS: 2 }, '-c:a', 'aac', '-movflags', '+faststart');
    writeTone(join(tmp.dir, 'tone.aac'), { durationS: 2 }, '-c:a', 'aac', '-f', 'adts');
    // Vorbis's headers take half of a 2-s tone's bytes, and ffmpeg drops a torn page: short pages, cut later.
    writeTone(join(tmp.dir, 'tone-pages.vorbis.ogg'), { durationS: 2 }, '-c:a', 'libvorbis', '-page_duration', '200000');
    writeTone(join(tmp.dir, 'tone-adpcm.wav'), { durationS: 2 }, '-c:a', 'adpcm_ima_wav');
    const files = [['tone-faststart.m4a', 0.6], ['tone.webm', 0.6], ['tone.flac', 0.6], ['tone.aac', 0.6], ['tone-pages.vorbis.ogg', 0.8], ['tone-adpcm.wav', 0.6]] as const;
    for (const [name, kept] of files) {
      const path = join(tmp.dir, name);
      const bytes = readFileSync(path);
      const cutBytes = bytes.subarray(0, Math.floor(bytes.length * kept));
      assert.equal((await decodeAudioBytes(bytes)).cutOff, undefined, `whole ${name}`);
      assert.equal((await decodeAudioFile(path)).cutOff, undefined, `whole ${name} file`);
      const cut = await decodeAudioBytes(cutBytes, { name });
      assert.equal(cut.cutOff, true, `${name} cut off: ${cut.durationS} s`);
      assert.ok(cut.durationS > 0.5 && cut.durationS < 1.6, `${name}: what is there is decoded, ${cut.durationS} s`);
      const cutPath = join(tmp.dir, `cut-${name}`);
      writeFileSync(cutPath, cutBytes);
      assert.equal((await decodeAudioFile(cutPath)).cutOff, true, `${name} file cut off`);
    }
  });

  it('decodes what is there of an Ogg Opus file cut off half way (through ffmpeg)', async () => {
    const bytes = readFileSync(join(tmp.dir, 'tone.opus.ogg'));
    const half = bytes.subarray(0, bytes.length >> 1);
    const audio = await decodeAudioBytes(half);
    assert.ok(audio.durationS > 0.7 && audio.durationS < 1.3, `${audio.durationS} s`);
    await assert.rejects(decodeAudioBytes(half, { ffmpegPath: join(tmp.dir, 'no-such-ffmpeg') }), /ffmpeg not found/);
  });
});

function correlate(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let a2 = 0;
  let b2 = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    a2 += a[i]! * a[i]!;
    b2 += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(a2 * b2);
}
