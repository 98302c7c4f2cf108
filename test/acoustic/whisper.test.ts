import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AcousticModel } from '../../src/acoustic/model.js';
import { ModelError } from '../../src/acoustic/errors.js';
import { transcriptPosteriors, transcriptText } from '../../src/acoustic/transcript.js';
import { greedyDecode } from '../../src/decode/ctc.js';
import type { IdentifyResult } from '../../src/engine/result.js';
import { defaultMatcher } from '../../src/match/matcher.js';
import { textToUnits } from '../../src/quran/units.js';
import { runCli } from '../cli/cliRunner.js';
import { devClip } from '../engine/realModel.js';
import { mustRunPython } from '../helpers/python.js';

const root = mkdtempSync(join(tmpdir(), 'ayat-whisper-'));
after(() => rmSync(root, { recursive: true, force: true }));

const verses = (r: { verses: readonly { surah: number; ayah: number }[] }): string[] => r.verses.map((v) => `${v.surah}:${v.ayah}`);

describe('a transcript as posteriors', () => {
  it("drops the definite article's alef, as the verses' alef wasla has no unit", () => {
    assert.equal(transcriptText('  قل هو الله احد  والعصر بالحق كالعهن لا الا '), 'قل هو لله احد ولعصر بلحق كلعهن لا لا');
    assert.equal(transcriptText('وَالْعَصْرِ بِاللَّهِ الرَّحْمَٰنِ'), 'وَلْعَصْرِ بِللَّهِ لرَّحْمَٰنِ', 'with vowel marks');
    assert.equal(transcriptText('ال الم'), 'ال لم', 'the article needs a letter after it');
  });

  it("gives each unit a sure frame, then a blank one, spread over the segment", () => {
    const post = transcriptPosteriors('الله الصمد', 3, 10);
    const units = textToUnits('لله لصمد').ids;
    assert.equal(post.frames, 2 * units.length);
    assert.equal(post.offsetS, 10);
    assert.ok(Math.abs(post.frameShiftS * post.frames - 3) < 1e-9);
    assert.deepEqual([...greedyDecode(post).ids], [...units], 'the doubled lam survives: a blank frame between');
  });

  it('the matcher names the verses of a plain-spelling transcript: one verse, a span, a verse heard with a wrong letter', () => {
    const matcher = defaultMatcher();
    const match = (text: string): string[] => {
      const r = matcher.match(transcriptPosteriors(text, 6, 0), { maxCandidates: 5 });
      assert.equal(r.status, 'ok', text);
      return verses(r);
    };
    assert.deepEqual(match('قل اعوذ برب الناس'), ['114:1']);
    assert.deepEqual(match('قل هو الله احد الله الصمد لم يلد ولم يولد'), ['112:1', '112:2', '112:3']);
    assert.deepEqual(match('الحمد لله رب العالمين'), ['1:2']);
    assert.deepEqual(match('مالك يوم الدين اياك نعبد واياك نستعين'), ['1:4', '1:5']);
    assert.deepEqual(match('من شر ما خلق ومن شر غاسق اذا وقب'), ['113:2', '113:3']);
    assert.deepEqual(match('اذا السماء انفطرت واذا الكواكب انتثرت'), ['82:1', '82:2']);
    assert.deepEqual(match('قل يا ايها الكافرون'), ['109:1']);
    assert.deepEqual(match('تبت يدا ابي لهب وتب'), ['111:1'], 'a plain ة/ه and hamza seats: the alignment forgives a letter');
  });
});

describe('a Whisper folder as the acoustic model (transformers.js)', () => {
  /** A Whisper-shaped stand-in (whisper_fixture.py) that writes `words` whatever it hears. */
  const standIn = (name: string, words: string[]): string => {
    const dir = join(root, name);
    mustRunPython(['test/acoustic/whisper_fixture.py', dir, ...words]);
    return dir;
  };

  it('transcribes through transformers.js and the matcher names the verse, in full and hybrid mode, with words', () => {
    const dir = standIn('says-112-1', ['قل', 'هو', 'الله', 'احد']);
    const clip = devClip('reciters/husary/112001.opus');
    for (const mode of ['full', 'hybrid']) {
      const r = runCli(['identify', '--mode', mode, '--json', '--words', '--model', dir, clip]);
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout) as IdentifyResult;
      assert.equal(result.status, 'ok', mode);
      assert.deepEqual(verses(result), ['112:1'], mode);
      assert.equal(result.words?.length, 4);
      assert.ok(result.end_s > result.start_s);
    }
  });

  it('loads as an acoustic model: posteriors of its transcript, a card, no tempo retry needed', async () => {
    const model = await AcousticModel.load(standIn('says-114-1', ['قل', 'اعوذ', 'برب', 'الناس']));
    assert.equal(model.transcribes, true);
    assert.equal(model.card.format, 'whisper-transformers-js');
    assert.equal(model.card.version, 'fp32');
    assert.match(model.card.sha256, /^[0-9a-f]{64}$/);
    const post = await model.posteriors(new Float32Array(16000 * 2).map((_, i) => Math.sin(i / 9) * 0.2), 4);
    assert.deepEqual([...greedyDecode(post).ids], [...textToUnits('قل اعوذ برب لناس').ids]);
    assert.equal(post.offsetS, 4);
    await model.dispose();
  });

  it('ayat model describes it', () => {
    const r = runCli(['model', standIn('described', ['قل', 'اعوذ', 'برب', 'الناس'])]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /model {8}described fp32 \(Whisper, run through transformers\.js\)/);
    assert.match(r.stdout, /frames {7}none: each segment is transcribed/);
  });

  it('says in one line what is missing from a Whisper folder', async () => {
    const dir = join(root, 'no-graphs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'whisper' }));
    await assert.rejects(AcousticModel.load(dir), (err: unknown) => {
      assert.ok(err instanceof ModelError);
      assert.equal(err.code, 'not_found');
      assert.match(err.message, /no Whisper graphs in .*onnx\/encoder_model\.onnx \+ onnx\/decoder_model_merged\.onnx/);
      return true;
    });
    const r = runCli(['identify', '--model', dir, devClip('reciters/husary/112001.opus')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no Whisper graphs/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });
});
