/**
 * Bad input that decodes fine but is not recitation: the trained model must answer
 * "no verse found" with exit 0, never a made-up verse.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import type { IdentifyResult } from '../../src/engine/result.js';
import { ffmpeg, makeTempDir } from '../audio/fixtures.js';
import { realModelDir } from '../engine/realModel.js';
import { runCli } from './cliRunner.js';

function speak(voice: string, text: string, path: string): void {
  execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', path, text]);
}

/** Speech that is no verse, by kind: [espeak-ng voice, text]. */
const SPOKEN: Record<string, readonly [string, string]> = {
  english: ['en', 'The weather today is sunny with a light breeze, and in the afternoon we will walk to the market to buy bread and apples.'],
  arabicProse: ['ar', 'ذَهَبْتُ صَبَاحَ الْيَوْمِ إِلَى السُّوقِ لِأَشْتَرِيَ الْخُبْزَ وَالْحَلِيبَ، ثُمَّ رَجَعْتُ إِلَى الْبَيْتِ بِالسَّيَّارَةِ'],
  // Said around a recitation, no verse: each was answered with a verse like it (src/match/nonVerse.ts).
  sadaqa: ['ar', 'صَدَقَ ٱللَّهُ ٱلۡعَظِيمُ'],
  takbir: ['ar', 'اللَّهُ أَكْبَر'],
  tasmi: ['ar', 'سَمِعَ اللَّهُ لِمَنْ حَمِدَه'],
  tasbih: ['ar', 'سُبْحَانَ رَبِّيَ الْأَعْلَى'],
};

describe('not Quran recitation, with the trained model (models/ayat-ctc)', () => {
  const tmp = makeTempDir();
  const files: Record<string, string> = {};

  before(() => {
    realModelDir();
    for (const [kind, [voice, text]] of Object.entries(SPOKEN)) {
      files[kind] = join(tmp.dir, `${kind}.wav`);
      speak(voice, text, files[kind]);
    }
    // A minor chord with tremolo and echo: tonal, loud, nothing like speech.
    files.music = join(tmp.dir, 'music.mp3');
    ffmpeg(
      '-f', 'lavfi', '-i', 'sine=frequency=220:duration=12',
      '-f', 'lavfi', '-i', 'sine=frequency=262:duration=12',
      '-f', 'lavfi', '-i', 'sine=frequency=330:duration=12',
      '-filter_complex', '[0][1][2]amix=inputs=3,tremolo=f=2:d=0.7,aecho=0.8:0.8:60:0.4',
      files.music,
    );
  });
  after(() => tmp.remove());

  for (const kind of [...Object.keys(SPOKEN), 'music']) {
    it(`${kind}: no verse found, exit 0`, () => {
      const r = runCli(['identify', '--json', files[kind]!]);
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout.trim()) as IdentifyResult;
      assert.equal(result.status, 'no_match', `${kind} came out as ${JSON.stringify(result.verses)} with confidence ${result.confidence}`);
      assert.deepEqual(result.verses, []);
    });
  }
});
