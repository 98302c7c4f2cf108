/**
 * Buckwalter transliteration (ASCII for Arabic script), as some Arabic speech models spell their
 * vocabulary. `|` (alef madda in the scheme) is left alone: CTC models use it as the word
 * separator.
 */
const TO_ARABIC: Readonly<Record<string, string>> = {
  "'": 'ء', '>': 'أ', '&': 'ؤ', '<': 'إ', '}': 'ئ', A: 'ا', b: 'ب', p: 'ة', t: 'ت', v: 'ث', j: 'ج',
  H: 'ح', x: 'خ', d: 'د', '*': 'ذ', r: 'ر', z: 'ز', s: 'س', $: 'ش', S: 'ص', D: 'ض', T: 'ط', Z: 'ظ',
  E: 'ع', g: 'غ', _: 'ـ', f: 'ف', q: 'ق', k: 'ك', l: 'ل', m: 'م', n: 'ن', h: 'ه', w: 'و', Y: 'ى',
  y: 'ي', F: 'ً', N: 'ٌ', K: 'ٍ', a: 'َ', u: 'ُ', i: 'ِ', '~': 'ّ', o: 'ْ', '`': 'ٰ', '{': 'ٱ',
};

/** Buckwalter text in Arabic script; characters outside the scheme are kept. */
export function fromBuckwalter(text: string): string {
  return Array.from(text, (ch) => TO_ARABIC[ch] ?? ch).join('');
}
