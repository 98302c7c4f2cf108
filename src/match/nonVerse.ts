import { textToUnits } from '../quran/units.js';
import { wholeTarget, type AlignTarget } from '../decode/align.js';

/**
 * What is said around a recitation that is no verse: آمين after Al-Fatiha, صدق الله العظيم after
 * a recitation, and what is said in prayer between the recited parts. Heard alone, such a phrase
 * was answered with a verse like it: in espeak-ng's three Arabic voices (2026-11-24) 15 of 18
 * recordings of the last six phrases got a verse, سبحان ربي الأعلى as 87:1 (سَبِّحِ ٱسۡمَ رَبِّكَ
 * ٱلۡأَعۡلَى) at 0.86–0.91, سبحان ربي العظيم as 56:74 at 0.83–0.87; صدق الله العظيم was 69:33
 * (…بِٱللَّهِ ٱلۡعَظِيمِ) at 0.78. The matcher weighs each phrase as one more reading of the clip
 * that is no verse, like garbage (VerseMatcher.match, margin): now none of those gets a verse,
 * while those verses recited whole are still found (dev unchanged; 28 training-reciter clips of
 * 87:1, 56:74, 37:181, 47:19, 44:8 and the like kept their answers).
 */
export const NON_VERSE_TEXTS: readonly string[] = [
  'آمِين',
  'صَدَقَ ٱللَّهُ ٱلۡعَظِيمُ',
  'ٱللَّهُ أَكۡبَرُ',
  'سَمِعَ ٱللَّهُ لِمَنۡ حَمِدَهُ',
  'رَبَّنَا وَلَكَ ٱلۡحَمۡدُ',
  'سُبۡحَانَ رَبِّيَ ٱلۡعَظِيمِ',
  'سُبۡحَانَ رَبِّيَ ٱلۡأَعۡلَىٰ',
  'ٱلسَّلَامُ عَلَيۡكُمۡ وَرَحۡمَةُ ٱللَّهِ',
  'لَآ إِلَٰهَ إِلَّا ٱللَّهُ',
  'أَسۡتَغۡفِرُ ٱللَّهَ',
];

/** The phrases as alignment targets, each aligned whole. */
export function nonVerseTargets(texts: readonly string[] = NON_VERSE_TEXTS): AlignTarget[] {
  return texts.map((text) => wholeTarget(textToUnits(text).ids));
}
