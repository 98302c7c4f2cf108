import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapVocabulary, poolFrames, toUnitLogProbs, VocabularyError, zeroMeanUnitVariance } from '../../src/acoustic/unitMap.js';
import { BLANK, VOCAB } from '../../src/quran/units.js';

const V = VOCAB.length;
const id = (unit: string): number => VOCAB.indexOf(unit);
/** A wav2vec2-style vocabulary: specials, every letter, hamza seats, a vowel mark. */
const TOKENS = ['<pad>', '<unk>', '|', ...VOCAB.slice(1), 'أ', 'إ', 'آ', 'ٱ', 'َ', 'x'];
const col = (token: string): number => TOKENS.indexOf(token);

describe('mapVocabulary', () => {
  it('reads each token as letters: letters to their unit, hamza seats to ء, آ to its first unit, the rest to the blank', () => {
    const map = mapVocabulary(TOKENS, 0);
    assert.equal(map.unitOf[col('<pad>')], BLANK);
    for (const unit of VOCAB.slice(1)) assert.equal(map.unitOf[col(unit)], id(unit), unit);
    assert.equal(map.unitOf[col('أ')], id('ء'));
    assert.equal(map.unitOf[col('إ')], id('ء'));
    assert.equal(map.unitOf[col('آ')], id('ء'));
    assert.deepEqual(map.truncated, ['آ']);
    assert.deepEqual(map.folded, ['<unk>', '|', 'ٱ', 'َ', 'x']);
    for (const t of map.folded) assert.equal(map.unitOf[col(t)], BLANK, t);
    assert.deepEqual(map.missing, []);
  });

  it('lists the units no token feeds', () => {
    const map = mapVocabulary(TOKENS.filter((t) => t !== 'ظ' && t !== 'ى'), 0);
    assert.deepEqual([...map.missing].sort(), ['ظ', 'ى'].sort());
  });

  it('reads a Buckwalter vocabulary as the letters it transliterates; | stays the word separator', () => {
    const buckwalter = ['<pad>', '|', "'", '>', '<', 'A', 'b', 'p', 't', 'v', 'j', 'H', 'x', 'd', '*', 'r', 'z', 's', '$', 'S', 'D', 'T', 'Z', 'E', 'g', 'f', 'q', 'k', 'l', 'm', 'n', 'h', 'w', 'Y', 'y', 'a', '~', '{'];
    const map = mapVocabulary(buckwalter, 0, 'buckwalter');
    assert.equal(map.script, 'buckwalter');
    const unitOf = (token: string): string => VOCAB[map.unitOf[buckwalter.indexOf(token)]!]!;
    assert.deepEqual(['$', '*', 'E', 'p', 'Y', '>', "'"].map(unitOf), ['ش', 'ذ', 'ع', 'ة', 'ى', 'ء', 'ء']);
    assert.deepEqual(map.folded, ['|', 'a', '~', '{']);
    assert.deepEqual(map.missing, []);
    assert.throws(() => mapVocabulary(buckwalter, 0), /spell only 0 of ayat's 31 letter units/, 'not Arabic script');
    const english = ['<pad>', '|', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "'"];
    assert.throws(() => mapVocabulary(english, 0, 'buckwalter'), /spell only \d+ of ayat's 31 letter units \(read as Buckwalter\)/);
  });

  it('refuses a vocabulary that is not Arabic letters, and a blank outside it', () => {
    const latin = ['<pad>', '|', ...'abcdefghijklmnopqrstuvwxyz'];
    assert.throws(() => mapVocabulary(latin, 0), (e: unknown) => e instanceof VocabularyError && /spell only 0 of ayat's 31 letter units/.test(e.message));
    assert.throws(() => mapVocabulary(TOKENS, TOKENS.length), /blank index .* outside the vocabulary/);
  });
});

describe('toUnitLogProbs', () => {
  it("sums each unit's tokens after log-softmax over the model's columns", () => {
    const map = mapVocabulary(TOKENS, 0);
    const C = TOKENS.length;
    // Frame 0: <pad> and | share the mass; frame 1: ء and أ. Logits, not normalised.
    const logits = new Float32Array(2 * C).fill(-100);
    logits[col('<pad>')] = 3;
    logits[col('|')] = 3;
    logits[C + col('ء')] = 1;
    logits[C + col('أ')] = 1 + Math.log(3);
    const out = toUnitLogProbs(logits, 2, C, map, 'logits');
    assert.equal(out.length, 2 * V);
    assert.ok(Math.abs(out[BLANK]!) < 1e-6, `blank takes all of frame 0: ${out[BLANK]}`);
    assert.ok(Math.abs(out[V + id('ء')]!) < 1e-6, `ء takes all of frame 1: ${out[V + id('ء')]}`);
    assert.ok(out[V + id('ب')]! < -90);
    for (let t = 0; t < 2; t++) {
      const sum = Array.from(out.subarray(t * V, (t + 1) * V)).reduce((a, x) => a + Math.exp(x), 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `frame ${t} sums to ${sum}`);
    }
  });

  it('leaves log-probabilities as they are and floors units no token feeds', () => {
    const tokens = TOKENS.filter((t) => t !== 'ظ');
    const map = mapVocabulary(tokens, 0);
    const frame = new Float32Array(tokens.length).fill(Math.log(1e-9));
    frame[0] = Math.log(1 - 1e-9 * (tokens.length - 1));
    const out = toUnitLogProbs(frame, 1, tokens.length, map, 'log_probs');
    assert.ok(Math.abs(out[BLANK]!) < 1e-6);
    assert.equal(out[id('ظ')], -50);
    assert.throws(() => toUnitLogProbs(frame, 1, tokens.length - 1, map, 'log_probs'), /emits \d+ columns per frame, its vocabulary has/);
  });
});

describe('poolFrames', () => {
  /** One frame: `unit` at probability p, the rest spread over the others. */
  const frame = (unit: number, p: number): number[] => {
    const row = new Array<number>(V).fill(Math.log((1 - p) / (V - 1)));
    row[unit] = Math.log(p);
    return row;
  };
  const argmax = (lp: Float32Array, t: number): number => {
    const row = Array.from(lp.subarray(t * V, (t + 1) * V));
    return row.indexOf(Math.max(...row));
  };

  it('keeps a letter spoken anywhere in the group, and a group of blanks blank', () => {
    const b = id('ب');
    const frames = [frame(BLANK, 0.99), frame(b, 0.95), frame(BLANK, 0.99), frame(BLANK, 0.99), frame(BLANK, 0.98), frame(BLANK, 0.99), frame(id('م'), 0.9)];
    const pooled = poolFrames(Float32Array.from(frames.flat()), frames.length, 3);
    assert.equal(pooled.frames, 3);
    assert.deepEqual([0, 1, 2].map((t) => argmax(pooled.logProbs, t)), [b, BLANK, id('م')]);
    for (let t = 0; t < pooled.frames; t++) {
      const sum = Array.from(pooled.logProbs.subarray(t * V, (t + 1) * V)).reduce((a, x) => a + Math.exp(x), 0);
      assert.ok(Math.abs(sum - 1) < 1e-5);
    }
  });

  it('gives back the original when every frame is repeated factor times, and is the identity for factor 1', () => {
    const frames = [frame(BLANK, 0.7), frame(id('ل'), 0.6), frame(id('ه'), 0.8)];
    const original = Float32Array.from(frames.flat());
    const repeated = Float32Array.from(frames.flatMap((f) => [...f, ...f, ...f]));
    const pooled = poolFrames(repeated, 9, 3);
    assert.equal(pooled.frames, 3);
    for (let i = 0; i < original.length; i++) assert.ok(Math.abs(pooled.logProbs[i]! - original[i]!) < 1e-5);
    assert.equal(poolFrames(original, 3, 1).logProbs, original);
  });
});

describe('zeroMeanUnitVariance', () => {
  it('centres and scales the segment', () => {
    const x = Float32Array.from({ length: 1000 }, (_, i) => 0.2 + 0.05 * Math.sin(i / 7));
    const y = zeroMeanUnitVariance(x);
    const mean = y.reduce((a, v) => a + v, 0) / y.length;
    const variance = y.reduce((a, v) => a + (v - mean) ** 2, 0) / y.length;
    assert.ok(Math.abs(mean) < 1e-4);
    assert.ok(Math.abs(variance - 1) < 1e-3);
  });
});
