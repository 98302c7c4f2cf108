import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadQuran, VERSE_COUNT } from '../../src/quran/corpus.js';
import { textToUnits, unitsToString, verseUnits, VOCAB, BLANK } from '../../src/quran/units.js';
import { normaliseArabic } from '../../src/quran/normalise.js';

const quran = loadQuran();

test('corpus has 6,236 verses in 114 surahs with translations', () => {
  assert.equal(quran.verses.length, VERSE_COUNT);
  assert.equal(quran.surahs.length, 114);
  assert.equal(quran.surah(2).verseCount, 286);
  assert.equal(quran.get({ surah: 114, ayah: 6 }).index, VERSE_COUNT - 1);
  assert.match(quran.get({ surah: 1, ayah: 1 }).translation, /Merciful/);
  assert.equal(quran.find({ surah: 1, ayah: 8 }), undefined);
  assert.equal(quran.find({ surah: 115, ayah: 1 }), undefined);
});

test('every verse maps to a non-empty unit sequence inside the inventory, never the blank', () => {
  for (const v of quran.verses) {
    const u = verseUnits(v);
    assert.ok(u.ids.length > 0, `${v.surah}:${v.ayah} has no units`);
    for (const id of u.ids) assert.ok(id > BLANK && id < VOCAB.length, `${v.surah}:${v.ayah} unit ${id}`);
    assert.equal(u.wordOf[u.wordOf.length - 1], u.wordCount - 1 - lastWordsWithoutUnits(v.text));
  }
});

function lastWordsWithoutUnits(text: string): number {
  const words = text.split(/\s+/).filter(Boolean);
  let n = 0;
  for (let i = words.length - 1; i >= 0 && textToUnits(words[i]!).ids.length === 0; i--) n++;
  return n;
}

test('units follow pronunciation: wasla and marked-silent letters dropped, small letters read', () => {
  assert.equal(unitsToString(verseUnits(quran.get({ surah: 1, ayah: 1 })).ids), 'بسمللهلرحمانلرحيم');
  // قَالُوٓاْ: the alef after the plural waw carries the silence mark
  assert.equal(unitsToString(textToUnits('قَالُوٓاْ').ids), 'قالو');
  // هَـٰٓؤُلَآءِ (2:31, maddah as a combining mark): dagger alef read as alef, hamza on waw as hamza
  const haaulai = quran.get({ surah: 2, ayah: 31 }).text.split(' ').find((w) => w.startsWith('هَ'))!;
  assert.equal(unitsToString(textToUnits(haaulai).ids), 'هاءلاء');
});

test('disjoint letters (muqatta\'at) are spelled by their names', () => {
  assert.equal(unitsToString(verseUnits(quran.get({ surah: 2, ayah: 1 })).ids), 'ءلفلامميم');
  const yaSin = unitsToString(verseUnits(quran.get({ surah: 36, ayah: 1 })).ids);
  assert.equal(yaSin, 'ياسين');
  // only the first word of 38:1 is spelled out
  assert.ok(unitsToString(verseUnits(quran.get({ surah: 38, ayah: 1 })).ids).startsWith('صادولقرءان'));
});

test('word index of each unit follows the text', () => {
  const u = textToUnits('قُلۡ هُوَ ٱللَّهُ أَحَدٌ');
  assert.equal(u.wordCount, 4);
  assert.deepEqual(Array.from(u.wordOf), [0, 0, 1, 1, 2, 2, 2, 3, 3, 3]);
});

test('search normalisation folds diacritics and letter variants', () => {
  assert.equal(normaliseArabic('ٱلرَّحۡمَٰنِ'), 'الرحمان');
  assert.equal(normaliseArabic('الرحمن'), 'الرحمن');
  assert.equal(normaliseArabic('إِنَّ  ٱللَّهَ عَلَىٰ'), 'ان الله عليا');
  assert.equal(normaliseArabic('رَحْمَةً'), 'رحمه');
  assert.equal(normaliseArabic('مُوسَىٰ ـ'), 'موسيا');
});
