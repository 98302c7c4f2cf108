import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AudioError } from '../../src/audio/errors.js';
import { Identifier, type IdentifierStages } from '../../src/engine/identify.js';
import type { AcousticStage, AudioStage, DecodedAudio, MatchStage, TimeSpan } from '../../src/engine/ports.js';
import type { MatchResult, Posteriors } from '../../src/match/types.js';

const SR = 16000;

function audioStage(options: { samples?: Float32Array; silent?: boolean; chunks?: TimeSpan[]; pause?: { before: TimeSpan; after: TimeSpan; pauseS: number }; fail?: Error }): AudioStage {
  const samples = options.samples ?? new Float32Array(SR * 10).fill(0.1);
  const decode = async (): Promise<DecodedAudio> => {
    if (options.fail) throw options.fail;
    return { samples, sampleRate: SR, durationS: samples.length / SR };
  };
  return {
    decode,
    decodeBytes: decode,
    isSilent: () => options.silent ?? false,
    planChunks: () => options.chunks ?? [{ startS: 0, endS: samples.length / SR }],
    splitAtLongestPause: () => options.pause,
  };
}

/** Posteriors whose offset tells the fake matcher which chunk it is looking at. */
const fakeAcoustic: AcousticStage = {
  posteriors: async (samples, offsetS): Promise<Posteriors> => ({
    logProbs: new Float32Array(Math.ceil(samples.length / 640) * 32),
    frames: Math.ceil(samples.length / 640),
    vocabSize: 32,
    frameShiftS: 0.04,
    offsetS,
  }),
};

function matcherBy(answers: (offsetS: number, post: Posteriors) => MatchResult): MatchStage {
  return { matchPosteriors: (post) => answers(post.offsetS, post) };
}

const okResult = (surah: number, ayahs: number[], startS: number, endS: number, confidence = 0.9): MatchResult => {
  const verses = ayahs.map((ayah) => ({ surah, ayah }));
  return { status: 'ok', verses, confidence, startS, endS, candidates: [{ verses, score: -1 }, { verses: [{ surah: 2, ayah: 1 }], score: -7 }] };
};

/** Tempo retries (the default) off unless asked for: most tests here are about chunks and errors. */
function stages(audio: AudioStage, matcher: MatchStage, loads: { model: number } = { model: 0 }, retryTempos = false): IdentifierStages {
  return {
    audio,
    ...(retryTempos ? {} : { tempoRetry: false }),
    acoustic: async () => {
      loads.model++;
      return fakeAcoustic;
    },
    matcher: async () => matcher,
  };
}

describe('Identifier', () => {
  it('silent audio is no_match without loading the model', async () => {
    const loads = { model: 0 };
    const id = new Identifier(stages(audioStage({ silent: true }), matcherBy(() => assert.fail('matcher called')), loads));
    const { result, chunkMatches } = await id.identifyFile('quiet.wav');
    assert.deepEqual(result, { file: 'quiet.wav', status: 'no_match', verses: [], confidence: 0, start_s: 0, end_s: 0, candidates: [] });
    assert.equal(loads.model, 0);
    assert.equal(chunkMatches.length, 0);
  });

  it('decode failures become status error with the one-line message', async () => {
    const id = new Identifier(stages(audioStage({ fail: new AudioError('empty', 'cannot read x.opus: the file is empty') }), matcherBy(() => assert.fail())));
    const { result, audioS } = await id.identifyFile('x.opus');
    assert.equal(result.status, 'error');
    assert.equal(result.error, 'cannot read x.opus: the file is empty');
    assert.equal(audioS, 0);
  });

  it('identifyBytes decodes the bytes it is given, and reports failures like identifyFile', async () => {
    const seen: { bytes?: Uint8Array; name?: string } = {};
    const audio: AudioStage = {
      ...audioStage({}),
      decodeBytes: async (bytes, options) => {
        Object.assign(seen, { bytes, name: options.name });
        throw new AudioError('unreadable', `cannot read ${options.name}: not an audio file or the file is damaged`);
      },
    };
    const id = new Identifier(stages(audio, matcherBy(() => assert.fail())));
    const { result } = await id.identifyBytes(new Uint8Array([1, 2, 3]), '-', 'stdin');
    assert.deepEqual(seen, { bytes: new Uint8Array([1, 2, 3]), name: 'stdin' });
    assert.equal(result.file, '-');
    assert.equal(result.status, 'error');
    assert.equal(result.error, 'cannot read stdin: not an audio file or the file is damaged');
  });

  it('multi-line errors from a stage are cut to their first line', async () => {
    const id = new Identifier(stages(audioStage({}), matcherBy(() => {
      throw new Error('matcher broke\n    at somewhere (file.js:1:1)');
    })));
    const { result } = await id.identifyFile('a.wav');
    assert.equal(result.error, 'matcher broke');
  });

  it('matches each chunk with its offset and merges the verses in order', async () => {
    const seen: number[] = [];
    const matcher = matcherBy((offsetS) => {
      seen.push(offsetS);
      return offsetS < 4 ? okResult(114, [1, 2, 3], offsetS, 4.5) : okResult(114, [3, 4], offsetS, 9.5, 0.7);
    });
    const id = new Identifier(stages(audioStage({ chunks: [{ startS: 0.5, endS: 4.4 }, { startS: 5, endS: 9.4 }] }), matcher), { maxCandidates: 2 });
    const { result, timings, chunkMatches } = await id.identifyFile('nas.opus');
    assert.deepEqual(seen, [0.3, 4.8], 'chunks padded by 0.2 s, offsets in seconds of the recording');
    assert.equal(chunkMatches.length, 2);
    assert.equal(result.status, 'ok');
    assert.deepEqual(result.verses, [1, 2, 3, 4].map((ayah) => ({ surah: 114, ayah })));
    assert.equal(result.confidence, 0.7);
    assert.equal(result.start_s, 0.3);
    assert.equal(result.end_s, 9.5);
    assert.equal(result.candidates.length, 2);
    assert.ok(timings.totalMs >= timings.decodeMs + timings.acousticMs + timings.matchMs - 1e-6);
  });

  it('by default hears an unsure chunk again at other tempos and keeps the surest answer', async () => {
    const frames: number[] = [];
    const matcher = matcherBy((offsetS, post) => {
      frames.push(post.frames);
      return okResult(114, [frames.length], offsetS, 9, frames.length === 3 ? 0.75 : 0.4);
    });
    const { result } = await new Identifier(stages(audioStage({}), matcher, { model: 0 }, true)).identifyFile('unsure.opus');
    assert.equal(frames.length, 4, 'normal speed, then 1.1, 0.9 and 1.2 times');
    assert.ok(frames[1]! < frames[0]! && frames[2]! > frames[0]! && frames[3]! < frames[1]!, `frames ${frames.join(', ')}`);
    assert.deepEqual(result.verses, [{ surah: 114, ayah: 3 }]);
    assert.equal(result.confidence, 0.75);
  });

  it('the JSON keys and their order are the CLI contract', async () => {
    const id = new Identifier(stages(audioStage({}), matcherBy((o) => okResult(112, [1], o, 2))));
    const { result } = await id.identifyFile('a.wav');
    assert.deepEqual(Object.keys(result), ['file', 'status', 'verses', 'confidence', 'start_s', 'end_s', 'candidates']);
    assert.deepEqual(Object.keys(result.candidates[0]!), ['verses', 'score']);
  });

  it('identifySamples runs on decoded audio', async () => {
    const id = new Identifier(stages(audioStage({}), matcherBy((o) => okResult(1, [1], o, 1))));
    const { result, audioS } = await id.identifySamples(new Float32Array(SR).fill(0.2), SR, 'upload');
    assert.equal(result.file, 'upload');
    assert.equal(result.status, 'ok');
    assert.equal(audioS, 1);
  });
});

/** A result whose verses the alignment put at [heardFrom, heardTo] seconds (one unit at each end). */
function heardResult(status: 'ok' | 'no_match', surah: number, ayahs: number[], heardFrom: number, heardTo: number, confidence: number): MatchResult {
  const verses = ayahs.map((ayah) => ({ surah, ayah }));
  const unit = (verse: { surah: number; ayah: number }, s: number) => ({
    verse,
    unit: 0,
    startFrame: 0,
    endFrame: 0,
    startS: s,
    endS: s + 0.1,
    relLogProb: -0.2,
    extraAfter: 0,
  });
  return {
    status,
    verses: status === 'ok' ? verses : [],
    confidence,
    startS: 0,
    endS: 20,
    candidates: [{ verses, score: -3 }],
    detail: { features: {}, units: [unit(verses[0]!, heardFrom), unit(verses[verses.length - 1]!, heardTo - 0.1)], istiadha: false, basmala: false },
  };
}

/** Seconds of audio the posteriors stand for. */
const lengthS = (post: Posteriors): number => post.frames * post.frameShiftS;

describe('Identifier: speech a chunk’s answer leaves over', () => {
  const twentySeconds = (): AudioStage => audioStage({ samples: new Float32Array(SR * 20).fill(0.1) });

  it('is matched on its own, and the answers join in time order (a jump from 109 to 111 in one chunk)', async () => {
    const seen: string[] = [];
    const matcher = matcherBy((offsetS, post) => {
      seen.push(`${offsetS.toFixed(1)}+${lengthS(post).toFixed(0)}`);
      return lengthS(post) > 15 ? heardResult('ok', 111, [1, 2], 10, 20, 0.9) : heardResult('ok', 109, [5, 6], 0.5, 9.8, 0.95);
    });
    const { result, chunkMatches } = await new Identifier(stages(twentySeconds(), matcher)).identifyFile('prayer.wav');
    assert.deepEqual(seen, ['0.0+20', '0.0+10']);
    assert.deepEqual(result.verses.map((v) => `${v.surah}:${v.ayah}`), ['109:5', '109:6', '111:1', '111:2']);
    assert.equal(result.confidence, 0.9);
    assert.equal(chunkMatches.length, 2);
  });

  it('is not looked at when a call asks for one run per chunk (the windows of ayat follow)', async () => {
    const matcher = matcherBy((_, post) => (lengthS(post) > 15 ? heardResult('ok', 111, [1, 2], 10, 20, 0.9) : assert.fail('leftover matched')));
    const id = new Identifier(stages(twentySeconds(), matcher));
    const { result } = await id.identifySamples(new Float32Array(SR * 20).fill(0.1), SR, 'window', { matchLeftovers: false });
    assert.deepEqual(result.verses.map((v) => `${v.surah}:${v.ayah}`), ['111:1', '111:2']);
  });

  it('needs a surer answer than a chunk does: a leftover at 0.6 adds nothing', async () => {
    const matcher = matcherBy((_, post) => (lengthS(post) > 15 ? heardResult('ok', 111, [1, 2], 10, 20, 0.9) : heardResult('ok', 55, [3], 1, 9, 0.6)));
    const { result, chunkMatches } = await new Identifier(stages(twentySeconds(), matcher)).identifyFile('a.wav');
    assert.deepEqual(result.verses.map((v) => `${v.surah}:${v.ayah}`), ['111:1', '111:2']);
    assert.equal(chunkMatches[0]!.status, 'no_match');
  });

  it('a long chunk answered "no verse" is heard again in parts: the aligned part, then the rest', async () => {
    const seen: string[] = [];
    const matcher = matcherBy((offsetS, post) => {
      seen.push(`${offsetS.toFixed(1)}+${lengthS(post).toFixed(0)}`);
      if (lengthS(post) > 15) return heardResult('no_match', 111, [1, 2], 10, 20, 0.4);
      return offsetS > 5 ? heardResult('ok', 111, [1, 2], 10, 20, 0.9) : heardResult('ok', 109, [5, 6], 0.5, 9.8, 0.95);
    });
    const { result } = await new Identifier(stages(twentySeconds(), matcher)).identifyFile('b.wav');
    assert.deepEqual(seen, ['0.0+20', '9.8+10', '0.0+10']);
    assert.deepEqual(result.verses.map((v) => `${v.surah}:${v.ayah}`), ['109:5', '109:6', '111:1', '111:2']);
  });

  it('a short chunk answered "no verse" is left as it is (cutting ordinary speech finds made-up verses)', async () => {
    let calls = 0;
    const matcher = matcherBy(() => {
      calls++;
      return heardResult('no_match', 111, [1], 5, 8, 0.3);
    });
    const eight = audioStage({ samples: new Float32Array(SR * 8).fill(0.1) });
    const { result } = await new Identifier(stages(eight, matcher)).identifyFile('c.wav');
    assert.equal(result.status, 'no_match');
    assert.equal(calls, 1);
  });
});

describe('Identifier: an unanswered chunk with a pause in it', () => {
  // Speech 0.2–3.0 s (a word of introduction, say), a pause, then a recitation 3.6–7.8 s.
  const talkThenRecitation = (pauseS = 0.6): AudioStage =>
    audioStage({ samples: new Float32Array(SR * 8).fill(0.1), pause: { before: { startS: 0.2, endS: 3 }, after: { startS: 3 + pauseS, endS: 7.8 }, pauseS } });
  const byPart = (recitation: MatchResult, seen: string[] = []): MatchStage =>
    matcherBy((offsetS, post) => {
      seen.push(`${offsetS.toFixed(1)}+${lengthS(post).toFixed(1)}`);
      if (lengthS(post) > 7.9) return heardResult('no_match', 41, [2], 1, 7.8, 0.2);
      return offsetS > 3 ? recitation : heardResult('no_match', 55, [1], 0.5, 2.5, 0.3);
    });

  it('is heard again as the parts either side of its longest pause, and the answered part is the answer', async () => {
    const seen: string[] = [];
    const { result } = await new Identifier(stages(talkThenRecitation(), byPart(heardResult('ok', 112, [1], 3.7, 7.7, 0.9), seen))).identifyFile('intro.wav');
    assert.deepEqual(seen, ['0.0+8.0', '0.2+2.8', '3.6+4.2']);
    assert.equal(result.status, 'ok');
    assert.deepEqual(result.verses, [{ surah: 112, ayah: 1 }]);
    assert.equal(result.confidence, 0.9);
  });

  it('a part needs a leftover’s confidence: answered at 0.6, the chunk stays "no verse"', async () => {
    const { result } = await new Identifier(stages(talkThenRecitation(), byPart(heardResult('ok', 112, [1], 3.7, 7.7, 0.6)))).identifyFile('intro.wav');
    assert.equal(result.status, 'no_match');
  });

  it('parts that are not answered end it: the chunk is not heard again around its alignment as well', async () => {
    const seen: string[] = [];
    const matcher = matcherBy((offsetS, post) => {
      seen.push(`${offsetS.toFixed(1)}+${lengthS(post).toFixed(1)}`);
      return heardResult('no_match', 111, [1, 2], 10, 20, 0.4);
    });
    // 20 s, a pause at 9–9.6 s: long enough, and the alignment (10–20 s) leaves speech over.
    const audio = audioStage({ samples: new Float32Array(SR * 20).fill(0.1), pause: { before: { startS: 0.2, endS: 9 }, after: { startS: 9.6, endS: 19.8 }, pauseS: 0.6 } });
    const { result } = await new Identifier(stages(audio, matcher)).identifyFile('long.wav');
    assert.equal(result.status, 'no_match');
    assert.deepEqual(seen, ['0.0+20.0', '0.2+8.8', '9.6+10.2']);
  });

  it('a pause under 0.3 s is not cut, nor the windows of ayat follow', async () => {
    const seen: string[] = [];
    const answer = heardResult('ok', 112, [1], 3.7, 7.7, 0.9);
    const short = await new Identifier(stages(talkThenRecitation(0.2), byPart(answer, seen))).identifyFile('intro.wav');
    assert.equal(short.result.status, 'no_match');
    assert.deepEqual(seen, ['0.0+8.0']);
    const id = new Identifier(stages(talkThenRecitation(), byPart(answer, seen)));
    const window = await id.identifySamples(new Float32Array(SR * 8).fill(0.1), SR, 'window', { matchLeftovers: false });
    assert.equal(window.result.status, 'no_match');
    assert.deepEqual(seen, ['0.0+8.0', '0.0+8.0']);
  });
});
