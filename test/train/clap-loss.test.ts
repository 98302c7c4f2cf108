import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trainPythonJson as python } from '../helpers/python.js';

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);
/** -log(e^a / (e^a + e^b)) = ln(1 + e^(b - a)) */
const ce2 = (target: number, other: number): number => Math.log1p(Math.exp(other - target));

describe('QuranCLAP loss (symmetric InfoNCE)', () => {
  const out = python<{ plain: number; keyed_distinct: number; shared: number; against: number; grad_scale: number }>(`
import torch
from ayat_train.clap.loss import info_nce, info_nce_against
a = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
t = torch.tensor([[1.0, 0.0], [0.6, 0.8]])
scale = torch.tensor(2.0, requires_grad=True)
plain = info_nce(a, t, scale)
plain.backward()
keyed = info_nce(a, t, 2.0, torch.tensor([3, 8]))
a3 = torch.tensor([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
t3 = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
shared = info_nce(a3, t3, 1.0, torch.tensor([5, 5, 9]))
bank = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
against = info_nce_against(a, bank, torch.tensor([0, 2]), 2.0)
print(json.dumps({"plain": plain.item(), "keyed_distinct": keyed.item(), "shared": shared.item(), "against": against.item(), "grad_scale": scale.grad.item()}))
`);

  it('two pairs, logit scale 2: the hand-computed value (and a gradient for the temperature)', () => {
    // logits = 2 · A Tᵀ = [[2, 1.2], [0, 1.6]]
    // audio→text rows: clip 0 wants 2 over 1.2, clip 1 wants 1.6 over 0
    // text→audio columns: text 0 wants 2 over 0, text 1 wants 1.6 over 1.2
    const audioToText = (ce2(2, 1.2) + ce2(1.6, 0)) / 2;
    const textToAudio = (ce2(2, 0) + ce2(1.6, 1.2)) / 2;
    close(out.plain, (audioToText + textToAudio) / 2, 'loss');
    close(out.plain, 0.2987362, 'loss (decimal): ln(1+e^-0.8)/4 + ln(1+e^-1.6)/4 + ln(1+e^-2)/4 + ln(1+e^-0.4)/4');
    assert.ok(out.grad_scale < 0, 'a higher logit scale lowers the loss when the pairs are already right');
  });

  it('distinct keys give exactly the plain loss', () => {
    close(out.keyed_distinct, out.plain, 'keyed');
  });

  it('two clips of one verse are positives of each other, not negatives', () => {
    // logits (scale 1) = A Tᵀ: [[1, 1, 0], [0.8, 0.8, 0.6], [0, 0, 1]]; clips 0 and 1 share a key
    const e = Math.E;
    const rows = [Math.log((2 * e + 1) / (2 * e)), Math.log((2 * e ** 0.8 + e ** 0.6) / (2 * e ** 0.8)), Math.log((2 + e) / e)];
    const cols = [Math.log((e + e ** 0.8 + 1) / (e + e ** 0.8)), Math.log((e + e ** 0.8 + 1) / (e + e ** 0.8)), Math.log((1 + e ** 0.6 + e) / e)];
    const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
    close(out.shared, (mean(rows) + mean(cols)) / 2, 'shared-key loss');
  });

  it('one-directional InfoNCE against a whole verse bank', () => {
    // clip 0 · bank = [1, 0, 0.6] target 0; clip 1 · bank = [0, 1, 0.8] target 2; scale 2
    const lse = (xs: number[]): number => Math.log(xs.reduce((s, x) => s + Math.exp(x), 0));
    const want = ((lse([2, 0, 1.2]) - 2) + (lse([0, 2, 1.6]) - 1.6)) / 2;
    close(out.against, want, 'bank loss');
  });
});

describe('hard-negative batches', () => {
  it('every clip once per epoch; neighbouring ayat grouped; batches within size', () => {
    const r = python<{ sizes: number[]; seen: number; unique: number; n: number; groupedRuns: number }>(`
import random
from ayat_train.clap.batches import hard_negative_batches
rng = random.Random(0)
verses = [rng.randrange(6236) for _ in range(1000)]
batches = hard_negative_batches(verses, 64, random.Random(1), group=8, hard_share=0.5)
flat = [i for b in batches for i in b]
runs = 0
for b in batches:
    vs = [verses[i] for i in b]
    runs += sum(1 for k in range(0, len(vs) - 7) if sorted(vs[k:k + 8]) == vs[k:k + 8] and vs[k + 7] - vs[k] < 400)
print(json.dumps({"sizes": [len(b) for b in batches], "seen": len(flat), "unique": len(set(flat)), "n": len(verses), "groupedRuns": runs}))
`);
    assert.equal(r.seen, r.n);
    assert.equal(r.unique, r.n);
    assert.ok(r.sizes.every((s) => s <= 64 && s > 0));
    assert.ok(r.groupedRuns >= 30, `runs of 8 neighbouring verses found: ${r.groupedRuns}`);
  });
});
