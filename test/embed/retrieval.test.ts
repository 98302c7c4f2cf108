import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sha256File } from '../../src/acoustic/hash.js';
import { parseEmbedCard, type ClapCard } from '../../src/embed/card.js';
import { EmbedModelError } from '../../src/embed/errors.js';
import { retrievalResult, softmaxTop } from '../../src/embed/retrieval.js';
import { sameTextKeys } from '../../src/quran/sameText.js';
import { topVerses } from '../../src/embed/verseBank.js';
import { loadVerseBank } from '../../src/embed/verseBankFile.js';
import { VerseMatcher } from '../../src/match/matcher.js';
import { loadQuran } from '../../src/quran/corpus.js';
import { verseUnits, VOCAB } from '../../src/quran/units.js';
import { rng, synthPosteriors } from '../decode/synth.js';
import { BRIDGE_DIM, CLAP_DIM, verseMatrix, writeTinyClap } from './tinyEmbedModels.js';

const quran = loadQuran();
const index = (surah: number, ayah: number): number => quran.get({ surah, ayah }).index;
const dir = mkdtempSync(join(tmpdir(), 'ayat-retrieval-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function peaked(peaks: Record<number, number>, base = 0.1): Float32Array {
  const s = new Float32Array(quran.verses.length).fill(base);
  for (const [v, x] of Object.entries(peaks)) s[Number(v)] = x;
  return s;
}

const clapCard = (threshold: number | null) => ({
  card: { format: 'clap-onnx' as const, logit_scale: Math.log(1 / 0.07), calibration: threshold === null ? null : { bias: 0, weights: [1, 10] as [number, number], threshold } },
});

describe('verse retrieval', () => {
  it('verses with identical units share one key (2:47 = 2:122)', () => {
    const keys = sameTextKeys();
    assert.equal(keys[index(2, 122)], index(2, 47));
    assert.equal(keys[index(112, 1)], index(112, 1));
  });

  it('top verses: best first, twins listed once (as the earlier verse)', () => {
    const top = topVerses(peaked({ [index(2, 122)]: 0.9, [index(2, 47)]: 0.9, [index(112, 1)]: 0.8 }), 3);
    assert.deepEqual(top.map((t) => t.verse), [index(2, 47), index(112, 1), top[2]!.verse]);
    assert.equal(top[2]!.score, Math.fround(0.1));
  });

  it('a clear best verse is the answer, with runners-up; a calibrated threshold turns it into no_match', () => {
    const scores = peaked({ [index(112, 1)]: 0.9, [index(113, 1)]: 0.5 });
    const r = retrievalResult(scores, clapCard(0.5), { startS: 1, endS: 4 }, 3);
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.verses, [{ surah: 112, ayah: 1 }]);
    assert.deepEqual(r.candidates.map((c) => c.verses[0]), [{ surah: 112, ayah: 1 }, { surah: 113, ayah: 1 }, r.candidates[2]!.verses[0]]);
    assert.equal(r.candidates.length, 3);
    assert.ok(Math.abs(r.confidence - 1 / (1 + Math.exp(-(0.9 + 10 * 0.4)))) < 1e-6);
    assert.deepEqual([r.startS, r.endS], [1, 4]);
    assert.deepEqual(r.detail?.features, { top1: r.candidates[0]!.score, margin: r.candidates[0]!.score - r.candidates[1]!.score });
    const refused = retrievalResult(scores, clapCard(0.999), { startS: 1, endS: 4 }, 3);
    assert.equal(refused.status, 'no_match');
    assert.deepEqual(refused.verses, []);
    assert.equal(refused.candidates.length, 3, 'closest verses are still listed');
  });

  it('uncalibrated: the softmax probability of the best verse at the learned temperature', () => {
    const flat = peaked({}, 0.3);
    const r = retrievalResult(flat, clapCard(null), { startS: 0, endS: 1 }, 5);
    assert.equal(r.status, 'no_match', 'all verses alike: nothing stands out');
    assert.ok(r.confidence < 0.01);
    const sharp = peaked({ [index(1, 1)]: 1 }, 0);
    assert.ok(softmaxTop(sharp, 1 / 0.07) > 0.99);
    assert.equal(retrievalResult(sharp, clapCard(null), { startS: 0, endS: 1 }, 5).status, 'ok');
  });

  it('verse banks: int8 rows decode to unit vectors; a wrong checksum or size is a clear error', async () => {
    const clap = writeTinyClap(join(dir, 'clap'));
    const bank = await loadVerseBank(clap, { file: 'verses.bin', sha256: await sha256File(join(clap, 'verses.bin')), count: 6236, dim: CLAP_DIM, encoding: 'int8-rowscale' });
    let norm = 0;
    for (let j = 0; j < CLAP_DIM; j++) norm += bank.rows[j]! ** 2;
    assert.ok(Math.abs(norm - 1) < 1e-5);
    const q = bank.rows.slice(5 * CLAP_DIM, 6 * CLAP_DIM);
    assert.equal(topVerses(bank.scores(q), 1)[0]!.verse, sameTextKeys()[5]);
    await assert.rejects(loadVerseBank(clap, { file: 'verses.bin', sha256: '0'.repeat(64), count: 6236, dim: CLAP_DIM, encoding: 'int8-rowscale' }), (e: unknown) => e instanceof EmbedModelError && e.code === 'hash_mismatch');
    writeFileSync(join(dir, 'short.bin'), verseMatrix(BRIDGE_DIM, 1).subarray(0, 1000));
    await assert.rejects(
      loadVerseBank(dir, { file: 'short.bin', sha256: await sha256File(join(dir, 'short.bin')), count: 6236, dim: BRIDGE_DIM, encoding: 'int8-rowscale' }),
      /holds 1000 bytes/,
    );
  });

  it('cards: wrong format, unit table or feature version are refused with a reason', () => {
    const where = 'x/card.json';
    const base = { name: 'n', version: 'v', sample_rate: 16000, embed_dim: 384, calibration: null, verses: { file: 'verses.bin', sha256: 'a'.repeat(64), count: 6236, dim: 384, encoding: 'int8-rowscale' } };
    const bridge = { ...base, format: 'bridge-onnx', features: { version: 1, dim: 128 }, bridge: { file: 'b.onnx', sha256: 'b'.repeat(64), input: 'features', output: 'embedding' } };
    assert.equal(parseEmbedCard(bridge, where, 'bridge-onnx').name, 'n');
    assert.throws(() => parseEmbedCard(bridge, where, 'clap-onnx'), /"format" is "bridge-onnx", expected "clap-onnx"/);
    assert.throws(() => parseEmbedCard({ ...bridge, features: { version: 99, dim: 128 } }, where, 'bridge-onnx'), (e: unknown) => e instanceof EmbedModelError && e.code === 'features_mismatch');
    const clap = { ...base, embed_dim: 384, format: 'clap-onnx', logit_scale: 2.6, units: ['x'], audio: bridge.bridge, text: bridge.bridge };
    assert.throws(() => parseEmbedCard(clap, where, 'clap-onnx'), (e: unknown) => e instanceof EmbedModelError && e.code === 'units_mismatch');
    assert.throws(() => parseEmbedCard({ ...bridge, verses: { ...base.verses, count: 100 } }, where, 'bridge-onnx'), /expected 6236/);
    const goodClap = { ...clap, units: [...VOCAB] };
    const head = { file: 'head.onnx', sha256: 'c'.repeat(64), input: 'hidden', output: 'embedding', encoder_sha256: 'd'.repeat(64) };
    assert.equal((parseEmbedCard({ ...goodClap, head }, where, 'clap-onnx') as ClapCard).head?.encoder_sha256, 'd'.repeat(64));
    assert.equal((parseEmbedCard(goodClap, where, 'clap-onnx') as ClapCard).head, undefined, 'cards without a head still load');
    assert.throws(() => parseEmbedCard({ ...goodClap, head: { ...head, encoder_sha256: undefined } }, where, 'clap-onnx'), /"head\.encoder_sha256" must be 64/);
    assert.throws(() => parseEmbedCard({ ...goodClap, head: { ...head, input: '' } }, where, 'clap-onnx'), /"head\.input"/);
  });
});

describe('matcher shortlist (hybrid mode)', () => {
  const matcher = new VerseMatcher(quran.verses);
  const noNgrams = { ...matcher.options.retrieval, topK: 0 };
  const post = synthPosteriors(verseUnits(quran.get({ surah: 67, ayah: 2 })).ids, rng(3));

  it('aligns the shortlisted verses even with no n-gram regions', () => {
    const r = matcher.match(post, { retrieval: noNgrams, shortlist: { verses: [index(36, 1), index(67, 2)], neighbours: 1 } });
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.verses, [{ surah: 67, ayah: 2 }]);
  });

  it('a shortlist without the recited verse cannot find it', () => {
    const r = matcher.match(post, { retrieval: noNgrams, shortlist: { verses: [index(36, 1)], neighbours: 1 } });
    assert.notDeepEqual(r.verses, [{ surah: 67, ayah: 2 }]);
  });

  it('the prior is added to candidate scores (score fusion)', () => {
    const plain = matcher.match(post);
    const prior = new Float32Array(quran.verses.length);
    prior[index(67, 2)] = -3;
    const fused = matcher.match(post, { shortlist: { verses: [], neighbours: 0, prior } });
    assert.deepEqual(fused.verses, plain.verses);
    assert.ok(Math.abs(fused.candidates[0]!.score - (plain.candidates[0]!.score - 3)) < 1e-6);
  });
});
