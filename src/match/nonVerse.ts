import { textToUnits } from '../quran/units.js';
import { wholeTarget, type AlignTarget } from '../decode/align.js';

/**
 * What is said around a recitation that is no verse: آمين after Al-Fatiha, صدق الله العظيم after
 * a recitation, and the prayer's takbir and تسميع. Heard alone, such a phrase was answered with a
 * verse that ends like it (espeak-ng: صدق الله العظيم as 69:33 …بِٱللَّهِ ٱلۡعَظِيمِ at 0.78, الله أكبر
 * as 88:24 …ٱلۡعَذَابَ ٱلۡأَكۡبَرَ at 0.82); the matcher weighs each as one more reading of the clip
 * that is no verse, like garbage (VerseMatcher.match, margin).
 */
export const NON_VERSE_TEXTS: readonly string[] = ['آمِين', 'صَدَقَ ٱللَّهُ ٱلۡعَظِيمُ', 'ٱللَّهُ أَكۡبَرُ', 'سَمِعَ ٱللَّهُ لِمَنۡ حَمِدَهُ'];

/** The phrases as alignment targets, each aligned whole. */
export function nonVerseTargets(texts: readonly string[] = NON_VERSE_TEXTS): AlignTarget[] {
  return texts.map((text) => wholeTarget(textToUnits(text).ids));
}
