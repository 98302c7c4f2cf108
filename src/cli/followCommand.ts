import { parseArgs } from 'node:util';
import { cutOffWarning, decodeAudioFile, SAMPLE_RATE } from '../audio/index.js';
import { Follower, type FollowEvent } from '../engine/follow.js';
import { lazyModeIdentifier, type ModeModelOptions } from '../engine/modes.js';
import { loadQuran } from '../quran/corpus.js';
import type { CliIO } from './io.js';
import { MODEL_ARGS, modelOptionsOf, modeOf } from './options.js';
import { FOLLOW_HELP, UsageError } from './usage.js';

/** A file is fed to the follower in pieces of this length, as if it were being recorded. */
const FILE_PIECE_S = 0.5;

/** `ayat follow <file | ->`: prints each verse as the recitation reaches it; returns the exit code. */
export async function followCommand(argv: readonly string[], io: CliIO, stdin: AsyncIterable<Buffer> = process.stdin): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      json: { type: 'boolean', default: false },
      ...MODEL_ARGS,
      mode: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(FOLLOW_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('follow needs one input: an audio file, or - for raw 16-kHz 16-bit mono PCM on stdin');
  const models: ModeModelOptions = modelOptionsOf(values);
  const mode = modeOf(values.mode, models);
  const follower = new Follower(lazyModeIdentifier(mode, models), SAMPLE_RATE);
  const print = (events: readonly FollowEvent[]): void => {
    for (const e of events) io.out(values.json ? `${JSON.stringify(eventJson(e))}\n` : formatEvent(e));
  };

  const input = positionals[0]!;
  if (input === '-') {
    for await (const samples of pcmFrom(stdin)) print(await follower.push(samples));
  } else {
    const audio = await decodeAudioFile(input);
    const warning = cutOffWarning(audio);
    if (warning) io.err(`ayat: ${input}: ${warning}\n`);
    const piece = Math.round(FILE_PIECE_S * SAMPLE_RATE);
    for (let at = 0; at < audio.samples.length; at += piece) print(await follower.push(audio.samples.subarray(at, at + piece)));
  }
  print(await follower.end());
  return 0;
}

/** Audio files people may pipe in by mistake, by their first bytes. */
const CONTAINERS: readonly [string, string][] = [
  ['RIFF', 'a WAV file'],
  ['OggS', 'an Ogg file'],
  ['ID3', 'an MP3 file'],
  ['fLaC', 'a FLAC file'],
];

/**
 * Raw little-endian 16-bit samples as floats, carrying an odd byte over to the next chunk.
 * Throws when the stream starts like an audio file: its header would be heard as noise.
 */
export async function* pcmFrom(chunks: AsyncIterable<Buffer>): AsyncGenerator<Float32Array> {
  let carry: Buffer = Buffer.alloc(0);
  let first = true;
  for await (const chunk of chunks) {
    if (first) {
      first = false;
      const container = CONTAINERS.find(([magic]) => chunk.subarray(0, magic.length).toString('latin1') === magic);
      if (container) throw new Error(`stdin holds ${container[1]}, not raw PCM: give its path instead (ayat follow <file>)`);
    }
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const whole = bytes.length - (bytes.length % 2);
    carry = bytes.subarray(whole);
    const samples = new Float32Array(whole / 2);
    for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2) / 32768;
    if (samples.length > 0) yield samples;
  }
}

const eventJson = (e: FollowEvent) => ({ at_s: Math.round(e.atS * 10) / 10, surah: e.verse.surah, ayah: e.verse.ayah, confidence: Math.round(e.confidence * 100) / 100 });

function formatEvent(e: FollowEvent): string {
  const quran = loadQuran();
  const minutes = Math.floor(e.atS / 60);
  const seconds = String(Math.floor(e.atS % 60)).padStart(2, '0');
  const surah = quran.surah(e.verse.surah);
  return `${minutes}:${seconds}  ${e.verse.surah}:${e.verse.ayah}  ${surah.transliteration}  ${quran.get(e.verse).text}\n`;
}
