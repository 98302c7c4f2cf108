import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { continuesTrail, newVerses, Trail } from '../../src/engine/trail.js';

const v = (ref: string) => {
  const [surah, ayah] = ref.split(':').map(Number);
  return { surah: surah!, ayah: ayah! };
};
const refs = (...r: string[]) => r.map(v);
const names = (verses: readonly { surah: number; ayah: number }[]) => verses.map((x) => `${x.surah}:${x.ayah}`);

describe('the trail of verses followed', () => {
  it('an answer carries the trail on when it starts on one of its last three verses or on the next ayah', () => {
    const trail = refs('2:1', '2:2', '2:3', '2:4');
    assert.ok(continuesTrail(trail, refs('2:4', '2:5')));
    assert.ok(continuesTrail(trail, refs('2:5')));
    assert.ok(continuesTrail(trail, refs('2:2', '2:3')));
    assert.ok(!continuesTrail(trail, refs('2:1')), 'four verses back is too far for an 8-s window');
    assert.ok(!continuesTrail(trail, refs('2:6')));
    assert.ok(!continuesTrail(refs('113:5'), refs('114:1')), 'a new surah is a jump');
    assert.ok(!continuesTrail([], refs('1:1')));
  });

  it('a jump, a new surah included, is taken once the next answer carries it on, and reported then', () => {
    const trail = new Trail();
    assert.deepEqual(trail.take(refs('113:1')), [], 'the first answer waits');
    assert.deepEqual(names(trail.take(refs('113:1', '113:2'))), ['113:1', '113:2']);
    assert.deepEqual(trail.take(refs('40:1')), [], 'a jump waits');
    assert.deepEqual(names(trail.take(refs('113:3'))), ['113:3'], 'the trail went on: the jump is dropped');
    assert.deepEqual(trail.take(refs('114:1')), []);
    assert.deepEqual(trail.take([]), [], 'nothing heard: the jump still waits');
    assert.deepEqual(names(trail.take(refs('114:1', '114:2'))), ['114:1', '114:2']);
    assert.deepEqual(names(trail.verses), ['113:1', '113:2', '113:3', '114:1', '114:2']);
  });

  it('the last answer of an input that never had a trail is kept', () => {
    const trail = new Trail();
    assert.deepEqual(trail.take(refs('1:1')), []);
    assert.deepEqual(names(trail.take(refs('112:1'), true)), ['112:1']);
    const going = new Trail();
    going.take(refs('1:1'));
    going.take(refs('1:2'));
    assert.deepEqual(going.take(refs('55:1'), true), [], 'with a trail, an unconfirmed jump at the end is dropped');
  });
});

describe('the trail: what an answer adds', () => {
  it('only the verses past the trail’s end; none when the answer lies inside its last verses', () => {
    const trail = refs('109:1', '109:2', '109:3', '109:4', '109:5');
    assert.deepEqual(names(newVerses(trail, refs('109:3'))!), [], '109:5 heard again, answered as its twin 109:3');
    assert.deepEqual(names(newVerses(trail, refs('109:4', '109:5', '109:6'))!), ['109:6']);
    assert.deepEqual(names(newVerses(trail, refs('109:6'))!), ['109:6']);
    assert.equal(newVerses(trail, refs('109:4', '109:2')), undefined, 'disagrees with the trail: a jump');
    assert.equal(newVerses(trail, refs('110:1')), undefined);
  });

  it('a window that hears a verse again adds nothing (it used to repeat it: 111:4 111:5 111:4 111:5)', () => {
    const trail = new Trail();
    trail.take(refs('111:3', '111:4'));
    trail.take(refs('111:4', '111:5'));
    assert.deepEqual(trail.take(refs('111:4')), []);
    assert.deepEqual(trail.take(refs('111:5')), []);
    assert.deepEqual(names(trail.verses), ['111:3', '111:4', '111:5']);
  });

  it('the basmala before a surah is not taken as 1:1; before 1:2 it is', () => {
    const prayer = new Trail();
    prayer.take(refs('1:6', '1:7'));
    prayer.take(refs('1:7'));
    assert.deepEqual(prayer.take(refs('1:1')), []);
    assert.deepEqual(prayer.take(refs('1:1')), [], 'heard again by the next window, it still waits');
    assert.deepEqual(prayer.take(refs('112:1')), []);
    assert.deepEqual(names(prayer.take(refs('112:1', '112:2'))), ['112:1', '112:2']);
    assert.deepEqual(names(prayer.verses), ['1:6', '1:7', '112:1', '112:2']);

    const fatiha = new Trail();
    assert.deepEqual(fatiha.take(refs('1:1')), []);
    assert.deepEqual(fatiha.take(refs('1:1')), []);
    assert.deepEqual(names(fatiha.take(refs('1:2'))), ['1:1', '1:2']);

    const once = new Trail();
    assert.deepEqual(names(once.take(refs('1:1'), true)), ['1:1'], 'a recording of the basmala alone still says 1:1');
  });
});

describe('the trail: unconfirmed answers', () => {
  it('a stray window between an answer and its confirmation does not lose it', () => {
    const trail = new Trail();
    trail.take(refs('1:1'));
    trail.take(refs('37:182'));
    assert.deepEqual(names(trail.take(refs('1:1', '1:2'))), ['1:1', '1:2']);
  });

  it('only the last two unconfirmed answers wait', () => {
    const trail = new Trail();
    trail.take(refs('1:1'));
    trail.take(refs('37:182'));
    trail.take(refs('55:1'));
    assert.deepEqual(names(trail.take(refs('1:2'))), [], '1:1 was pushed out: 1:2 waits in turn');
    assert.deepEqual(names(trail.take(refs('1:2', '1:3'))), ['1:2', '1:3']);
  });
});
