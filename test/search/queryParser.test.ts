import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuery, QueryError, type QueryPart } from '../../src/search/queryParser.js';
import { findSurahByName, foldLatinName } from '../../src/search/surahNames.js';

const verses = (surah: number, fromAyah: number, toAyah: number, via: string): QueryPart => ({ kind: 'verses', surah, fromAyah, toAyah, via } as QueryPart);

describe('query parser: verse references', () => {
  const cases: [string, QueryPart[]][] = [
    ['2:255', [verses(2, 255, 255, 'number')]],
    [' 2 : 255 ', [verses(2, 255, 255, 'number')]],
    ['2.255', [verses(2, 255, 255, 'number')]],
    ['2 255', [verses(2, 255, 255, 'number')]],
    ['112:1-4', [verses(112, 1, 4, 'number')]],
    ['112:1–4', [verses(112, 1, 4, 'number')]],
    ['112', [verses(112, 1, 4, 'number')]],
    ['surah 36', [verses(36, 1, 83, 'number')]],
    ['٢:٢٥٥', [verses(2, 255, 255, 'number')]],
    ['al-baqarah 255', [verses(2, 255, 255, 'transliteration')]],
    ['Al Baqara 255', [verses(2, 255, 255, 'transliteration')]],
    ['baqarah:255', [verses(2, 255, 255, 'transliteration')]],
    ['albaqarah 255-257', [verses(2, 255, 257, 'transliteration')]],
    ['البقرة ٢٥٥', [verses(2, 255, 255, 'arabic')]],
    ['سورة البقرة 255', [verses(2, 255, 255, 'arabic')]],
    ['the cow 255', [verses(2, 255, 255, 'english')]],
    ['Yasin 1', [verses(36, 1, 1, 'transliteration')]],
    ['ikhlaas 2', [verses(112, 2, 2, 'transliteration')]],
  ];
  for (const [query, expected] of cases) {
    it(`reads ${JSON.stringify(query)}`, () => assert.deepEqual(parseQuery(query), expected));
  }

  it('refuses verses and surahs that do not exist, saying why', () => {
    assert.throws(() => parseQuery('2:300'), (e: unknown) => e instanceof QueryError && /286 verses/.test(e.message));
    assert.throws(() => parseQuery('115:1'), (e: unknown) => e instanceof QueryError && /no surah 115/.test(e.message));
    assert.throws(() => parseQuery('1:0'), QueryError);
    assert.throws(() => parseQuery('112:4-2'), QueryError);
    assert.throws(() => parseQuery('x'.repeat(500)), QueryError);
  });
});

describe('query parser: names and text', () => {
  it('a surah name alone gives the surah and a text search', () => {
    assert.deepEqual(parseQuery('الناس'), [verses(114, 1, 6, 'arabic'), { kind: 'arabic', text: 'الناس' }]);
    assert.deepEqual(parseQuery('Al-Fatihah'), [verses(1, 1, 7, 'transliteration'), { kind: 'english', text: 'Al-Fatihah' }]);
  });

  it('"surah <name>" is only the surah', () => {
    assert.deepEqual(parseQuery('سورة الإخلاص'), [verses(112, 1, 4, 'arabic')]);
    assert.deepEqual(parseQuery('surah yaseen'), [verses(36, 1, 83, 'transliteration')]);
  });

  it('words are a text search in their script; quotes force one', () => {
    assert.deepEqual(parseQuery('قل هو الله احد'), [{ kind: 'arabic', text: 'قل هو الله احد' }]);
    assert.deepEqual(parseQuery('lord of the worlds'), [{ kind: 'english', text: 'lord of the worlds' }]);
    assert.deepEqual(parseQuery('"the cow"'), [{ kind: 'english', text: 'the cow' }]);
    assert.deepEqual(parseQuery('light'), [{ kind: 'english', text: 'light' }]);
    assert.deepEqual(parseQuery('   '), []);
  });
});

describe('surah names', () => {
  it('folds transliteration variants together', () => {
    assert.equal(foldLatinName('Al-Baqarah'), foldLatinName('baqara'));
    assert.equal(foldLatinName('Al-Ikhlas'), foldLatinName('ikhlaas'));
    assert.equal(foldLatinName("Ali 'Imran"), foldLatinName('ali imran'));
  });

  it('finds surahs by Arabic, transliterated and English names, and one typo', () => {
    assert.equal(findSurahByName('الفاتحة')?.surah.number, 1);
    assert.equal(findSurahByName('فاتحه')?.surah.number, 1);
    assert.equal(findSurahByName('An-Nas')?.surah.number, 114);
    assert.equal(findSurahByName('The Sincerity')?.surah.number, 112);
    assert.equal(findSurahByName('Mankind')?.surah.number, 114);
    const typo = findSurahByName('baqqarrah');
    assert.equal(typo?.surah.number, 2);
    const oneEdit = findSurahByName('kawthat');
    assert.equal(oneEdit?.surah.number, 108);
    assert.equal(oneEdit?.fuzzy, true);
    assert.equal(findSurahByName('light'), undefined, 'an English word that is only part of a name stays a word');
    assert.equal(findSurahByName('hello world'), undefined);
  });
});
