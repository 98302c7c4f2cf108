import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addNoise, cutWindow, INTRO_PAUSE_S, meanPower, parseDegradations, phoneBand, pinkNoise, reverberate, speechPower, whiteNoise } from '../../bench/degrade.js';
import { seededRandom } from '../../bench/random.js';

const SR = 16000;
const tone = (hz: number, seconds: number, amplitude = 0.5): Float32Array =>
  Float32Array.from({ length: Math.round(SR * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / SR));
const db = (ratio: number): number => 10 * Math.log10(ratio);

/** Power of the first difference over power: 2 for white noise, small for noise whose power sits low. */
function diffRatio(x: Float32Array): number {
  let diff = 0;
  for (let i = 1; i < x.length; i++) diff += (x[i]! - x[i - 1]!) ** 2;
  return diff / (x.length - 1) / meanPower(x);
}

describe('bench degradations', () => {
  it('speechPower is the level of the speech, not diluted by silence around it', () => {
    const speech = tone(440, 1);
    const padded = new Float32Array(SR * 3);
    padded.set(speech, SR);
    assert.ok(Math.abs(db(speechPower(padded) / meanPower(speech))) < 0.1);
    assert.equal(speechPower(new Float32Array(100)), 0);
  });

  it('addNoise puts the noise the asked number of dB below the speech level', () => {
    const speech = new Float32Array(SR * 3);
    speech.set(tone(300, 2), SR / 2);
    for (const snr of [20, 5, 0, -5]) {
      const noisy = addNoise(speech, pinkNoise(speech.length, seededRandom(3)), snr);
      const added = noisy.map((v, i) => v - speech[i]!);
      assert.ok(Math.abs(db(speechPower(speech) / meanPower(added)) - snr) < 0.01, `SNR ${snr} dB`);
    }
    assert.throws(() => addNoise(speech, new Float32Array(10), 10), /noise has 10 samples/);
  });

  it('white noise is flat, pink noise has its power low; both repeat with their seed', () => {
    const n = SR * 4;
    assert.ok(Math.abs(diffRatio(whiteNoise(n, seededRandom(1))) - 2) < 0.05);
    assert.ok(diffRatio(pinkNoise(n, seededRandom(1))) < 0.5);
    assert.deepEqual(pinkNoise(1000, seededRandom(9)), pinkNoise(1000, seededRandom(9)));
    assert.notDeepEqual(pinkNoise(1000, seededRandom(9)), pinkNoise(1000, seededRandom(10)));
  });

  it('phoneBand keeps the voice band and cuts what a telephone line cannot carry', () => {
    const gain = (hz: number): number => {
      const x = tone(hz, 1);
      const y = phoneBand(x);
      assert.equal(y.length, x.length);
      // Skip the filters' settling at the edges.
      return db(meanPower(y.subarray(SR / 4, (3 * SR) / 4)) / meanPower(x.subarray(SR / 4, (3 * SR) / 4)));
    };
    assert.ok(Math.abs(gain(1000)) < 1, `1 kHz: ${gain(1000).toFixed(1)} dB`);
    assert.ok(gain(80) < -15, `80 Hz: ${gain(80).toFixed(1)} dB`);
    assert.ok(gain(6000) < -30, `6 kHz: ${gain(6000).toFixed(1)} dB`);
  });

  it('reverberate: a click comes back with an echo as loud as itself, dying away 60 dB in the asked time; the level is kept', () => {
    const click = new Float32Array(SR * 2);
    click[SR / 10] = 1;
    const heard = reverberate(click, 0.5, seededRandom(4));
    assert.equal(heard.length, click.length);
    assert.ok(Math.abs(db(meanPower(heard) / meanPower(click))) < 0.01, 'level kept');
    const echo = heard.subarray(SR / 10 + 1);
    const energy = (from: number, to: number): number => echo.subarray(Math.round(from * SR), Math.round(to * SR)).reduce((a, v) => a + v * v, 0);
    const ratio = db(heard[SR / 10]! ** 2 / energy(0, 1));
    assert.ok(Math.abs(ratio) < 0.5, `direct to reverberant ${ratio.toFixed(2)} dB`);
    // 60 dB over 0.5 s: 36 dB between the echo's first tenth of a second and the one 0.3 s later.
    const decay = db(energy(0.01, 0.11) / energy(0.31, 0.41));
    assert.ok(Math.abs(decay - 36) < 3, `decay ${decay.toFixed(1)} dB over 0.3 s`);
    assert.deepEqual(reverberate(click, 0.5, seededRandom(4)), heard, 'seeded');
  });

  it('parseDegradations reads a list of conditions, chained with +, and refuses unknown ones', () => {
    const conditions = parseDegradations('clean, pink10,phone+white0');
    assert.deepEqual(conditions.map((c) => c.name), ['clean', 'pink10', 'phone+white0']);
    const x = tone(500, 0.5);
    assert.equal(conditions[0]!.apply(x, seededRandom(1)), x, 'clean is the clip itself');
    const noisy = conditions[1]!.apply(x, seededRandom(1));
    assert.ok(Math.abs(db(speechPower(x) / meanPower(noisy.map((v, i) => v - x[i]!))) - 10) < 0.01);
    assert.equal(conditions[2]!.apply(x, seededRandom(1)).length, x.length);
    assert.throws(() => parseDegradations('clean,babble10'), /unknown condition "babble10"/);
    assert.throws(() => parseDegradations('cut0'), /unknown condition "cut0"/);
    assert.equal(parseDegradations('reverb1.5')[0]!.apply(x, seededRandom(1)).length, x.length);
    assert.throws(() => parseDegradations('reverb0'), /unknown condition "reverb0"/);
  });

  it('cut<seconds> keeps a window of the clip at a seeded place, the whole clip when it is shorter', () => {
    const x = Float32Array.from({ length: 5 * SR }, (_, i) => i);
    const [cut] = parseDegradations('cut1.5');
    const a = cut!.apply(x, seededRandom(3));
    assert.equal(a.length, 1.5 * SR);
    const start = a[0]!;
    assert.deepEqual(Array.from(a.subarray(0, 3)), [start, start + 1, start + 2], 'a contiguous window');
    assert.ok(start >= 0 && start + a.length <= x.length);
    assert.deepEqual(cut!.apply(x, seededRandom(3)), a, 'the same seed, the same window');
    const starts = new Set(Array.from({ length: 20 }, (_, k) => cutWindow(x, 1.5, seededRandom(100 + k))[0]));
    assert.ok(starts.size > 10, `windows spread over the clip: ${starts.size} distinct starts`);
    const short = x.subarray(0, SR);
    assert.equal(cutWindow(short, 1.5, seededRandom(1)), short);
  });

  it('intro puts a seeded one of the given recordings and a pause before the clip, and needs recordings', () => {
    const clip = Float32Array.from({ length: SR }, () => 0.5);
    const intros = [new Float32Array(SR / 2).fill(-0.25), new Float32Array(SR).fill(0.75)];
    const [intro] = parseDegradations('intro', { intros });
    const out = intro!.apply(clip, seededRandom(4));
    const first = out[0] === -0.25 ? intros[0]! : intros[1]!;
    assert.equal(out.length, first.length + INTRO_PAUSE_S * SR + clip.length);
    assert.deepEqual(Array.from(out.subarray(first.length, first.length + INTRO_PAUSE_S * SR)), new Array(INTRO_PAUSE_S * SR).fill(0));
    assert.deepEqual(out.subarray(out.length - clip.length), clip);
    const picks = new Set(Array.from({ length: 20 }, (_, k) => intro!.apply(clip, seededRandom(50 + k))[0]));
    assert.equal(picks.size, 2, 'either recording may come first');
    assert.throws(() => parseDegradations('intro'), /needs recordings/);
  });
});
