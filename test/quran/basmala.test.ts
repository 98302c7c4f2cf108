import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basmalaOpens, isBasmalaAlone } from '../../src/quran/basmala.js';

test('a basmala opens ayah 1 of every surah but Al-Fatiha (where it is ayah 1) and At-Tawba', () => {
  assert.ok(basmalaOpens({ surah: 2, ayah: 1 }));
  assert.ok(basmalaOpens({ surah: 114, ayah: 1 }));
  assert.ok(!basmalaOpens({ surah: 1, ayah: 1 }));
  assert.ok(!basmalaOpens({ surah: 9, ayah: 1 }));
  assert.ok(!basmalaOpens({ surah: 2, ayah: 2 }));
  assert.ok(isBasmalaAlone([{ surah: 1, ayah: 1 }]));
  assert.ok(!isBasmalaAlone([{ surah: 1, ayah: 1 }, { surah: 1, ayah: 2 }]));
  assert.ok(!isBasmalaAlone([{ surah: 27, ayah: 30 }]));
  assert.ok(!isBasmalaAlone([]));
});
