import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadQuran } from '../../src/quran/corpus.js';
import { VerseSearch } from '../../src/search/verseSearch.js';
import { boundedEditDistance, wordSimilarity } from '../../src/search/fuzzy.js';
import { arabicStem } from '../../src/search/arabicSearch.js';
import { englishTerms } from '../../src/search/englishSearch.js';

const quran = loadQuran();
const ref = (index: number): string => {
  const v = quran.verses[index]!;
  return `${v.surah}:${v.ayah}`;
};

describe('fuzzy matching helpers', () => {
  it('bounded edit distance', () => {
    assert.equal(boundedEditDistance('kitten', 'sitting', 5), 3);
    assert.equal(boundedEditDistance('kitten', 'sitting', 2), 3, 'gives up past the bound');
    assert.equal(boundedEditDistance('same', 'same', 0), 0);
    assert.equal(boundedEditDistance('', 'abc', 3), 3);
  });
  it('similarity allows more edits for longer words, none for short ones', () => {
    assert.equal(wordSimilarity('abc', 'abd'), 0);
    assert.ok(wordSimilarity('merciful', 'mercyful') > 0.8);
  });
  it('Arabic clitics and English plurals are folded', () => {
    assert.equal(arabicStem('والكتاب'), 'كتاب');
    assert.equal(arabicStem('بسم'), 'سم');
    assert.deepEqual(englishTerms("The Lord's worlds [All] praise"), ['the', 'lord', 'world', 'all', 'praise']);
  });
});

describe('verse search over the Quran text', () => {
  const search = new VerseSearch();
  before(() => search.warm());
  const top = (q: string, n = 3): string[] => search.search(q, 50).verses.slice(0, n).map((v) => ref(v.verseIndex));

  it('Arabic with and without diacritics finds the same verse first', () => {
    assert.equal(top('قُلْ هُوَ ٱللَّهُ أَحَدٌ')[0], '112:1');
    assert.equal(top('قل هو الله احد')[0], '112:1');
    assert.equal(top('الله الصمد')[0], '112:2');
  });

  it('Arabic tolerates spelling variants and typos', () => {
    assert.equal(top('اللة الصمد')[0], '112:2', 'ta marbuta for ha');
    assert.equal(top('لم يلد ولم يولد')[0], '112:3');
    assert.equal(top('لم يلد ولم يولذ')[0], '112:3', 'one wrong letter');
    assert.ok(top('الحمد لله رب العالمين', 5).includes('1:2'));
    assert.ok(top('الرحمن الرحيم', 5).includes('1:3'), 'everyday spelling of the Uthmani ٱلرَّحۡمَٰن');
  });

  it('an unfinished last word matches as a prefix (instant search)', () => {
    assert.equal(top('قل اعوذ برب الفل')[0], '113:1');
  });

  it('English words match the translation, rare words weigh more', () => {
    assert.equal(top('Say He is Allah One')[0], '112:1');
    assert.ok(top('lord of the worlds', 10).includes('1:2'));
    assert.ok(top('daybreak', 5).includes('113:1'));
    assert.ok(top('mercifull', 20).includes('1:3'), 'a typo still matches');
  });

  it('references score 1 and come before text matches of the same query', () => {
    const r = search.search('الناس', 50);
    assert.deepEqual(r.verses.slice(0, 6).map((v) => ref(v.verseIndex)), ['114:1', '114:2', '114:3', '114:4', '114:5', '114:6']);
    assert.ok(r.verses.length > 6, 'the word also matches other verses');
    assert.ok(r.verses[6]!.score < 1);
  });

  it('nothing sensible gives nothing', () => {
    assert.deepEqual(search.search('the of and', 10).verses, []);
    assert.deepEqual(search.search('zzzzqqqq', 10).verses, []);
  });
});
