import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trainPythonJson as python } from '../helpers/python.js';

// Posteriors with one frame per unit (the rest blank), the way a trained CTC model emits them.
const SPIKES = `
import numpy as np
from ayat_train.crops import viterbi_align
def spikes(n_frames, at, vocab=10, sure=0.97):
    lp = np.full((n_frames, vocab), np.log((1 - sure) / (vocab - 1)))
    lp[:, 0] = np.log(sure)
    for frame, unit in at:
        lp[frame] = np.log((1 - sure) / (vocab - 1))
        lp[frame, unit] = np.log(sure)
    return lp
`;

describe('training crops: forced alignment, then short stretches with their own units', () => {
  it('viterbi_align finds the frame each unit starts at, a repeated unit included; None when frames are too few', () => {
    const out = python<{ starts: number[]; late: number[]; short: null; empty: number[] }>(`${SPIKES}
at = [(2, 3), (6, 5), (9, 5), (14, 7)]
starts = viterbi_align(spikes(18, at), [3, 5, 5, 7])
# the model is unsure of the 2nd unit: it still lands between its neighbours
lp = spikes(18, at); lp[6] = np.log(np.full(10, 0.1))
late = viterbi_align(lp, [3, 5, 5, 7])
print(json.dumps({"starts": starts, "late": late, "short": viterbi_align(spikes(2, []), [5, 5]), "empty": viterbi_align(spikes(3, []), [])}))
`);
    assert.deepEqual(out.starts, [2, 6, 9, 14]);
    assert.ok(out.late[0] === 2 && out.late[1]! > 2 && out.late[1]! < 9 && out.late[2] === 9, `${out.late}`);
    assert.equal(out.short, null, 'two of the same unit need a blank between: 3 frames');
    assert.deepEqual(out.empty, []);
  });

  it('plan_epoch keeps every clip whole and adds crops cut halfway between units, each with exactly the units inside', () => {
    const out = python<{ items: { row: number; start: number; end: number; targets: number[] }[]; none: number; sparse: number[][] }>(`
import random
from ayat_train.crops import plan_epoch
# 20 units a quarter of a second apart in a 5-s clip; a second clip without an alignment
rows = [{"length": 80000, "targets": list(range(1, 21))}, {"length": 80000, "targets": [1, 2, 3]}]
aligned = [[2000 + 4000 * k for k in range(20)], None]
items = [vars(c) | {"targets": list(c.targets)} for seed in range(10) for c in plan_epoch(rows, aligned, random.Random(seed), 3, (1.5, 2.5))]
none = len(plan_epoch(rows, aligned, random.Random(1), 0, (1.5, 2.5)))
# a 10-s clip whose 7 units sit in two bunches 8 s apart: every stretch of 3 or more units spans the gap
sparse_row = {"length": 160000, "targets": list(range(1, 8))}
bunched = [int(s * 16000) for s in (0.1, 0.2, 0.3, 8.0, 8.1, 8.2, 8.3)]
sparse = [list(c.targets) for seed in range(20) for c in plan_epoch([sparse_row], [bunched], random.Random(seed), 3, (1.5, 2.5))]
print(json.dumps({"items": items, "none": none, "sparse": sparse}))
`);
    const whole = out.items.filter((c) => c.start === 0 && c.end === 80000);
    assert.equal(whole.filter((c) => c.row === 0).length, 10, 'each epoch keeps the aligned clip whole');
    assert.equal(whole.filter((c) => c.row === 1 && c.targets.length === 3).length, 10, 'and the unaligned one');
    const crops = out.items.filter((c) => c.start !== 0 || c.end !== 80000);
    assert.ok(crops.length >= 25 && crops.every((c) => c.row === 0), `3 crops per epoch of the aligned clip: ${crops.length} in 10`);
    for (const c of crops) {
      const units = c.targets;
      const firstUnit = units[0]! - 1;
      const lastUnit = units[units.length - 1]! - 1;
      assert.deepEqual(units, Array.from({ length: lastUnit - firstUnit + 1 }, (_, k) => firstUnit + 1 + k), 'consecutive units');
      assert.equal(c.start, firstUnit === 0 ? 0 : 2000 + 4000 * firstUnit - 2000, 'cut halfway before the first unit');
      assert.equal(c.end, lastUnit === 19 ? 80000 : 2000 + 4000 * lastUnit + 2000, 'cut halfway after the last unit');
      const seconds = (c.end - c.start) / 16000;
      assert.ok(units.length >= 3 && seconds <= 2.5 + 0.25 + 0.01, `${units.length} units in ${seconds} s`);
    }
    assert.equal(out.none, 2, 'no crops asked: the clips alone');
    assert.ok(out.sparse.every((t) => t.length === 7), 'a stretch with fewer units than seconds (the alignment is off there) is not taken');
  });
});
