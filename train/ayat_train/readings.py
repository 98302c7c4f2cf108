"""A verse's Uthmani text rewritten for espeak-ng voices that cannot read it as it is.

espeak-ng's Arabic voice reads most of the Uthmani text but spells out, code point by code point
("letter 0653"), the signs it does not know: the madda, this text's open tanween, the small waw,
ya and meem, the waqf signs. `espeak_arabic` writes those as the letters and marks it knows, or
drops them. A Persian voice reads Arabic script but spells harakat and Quranic marks out by name,
so it gets the bare letters (`plain_arabic`). Voices of other
languages (Indonesian, Malay, Turkish, Swahili, English, French) read a Latin transliteration in
Indonesian-style spelling (`latin_reading`), each with its own accent: the way a non-Arab reader
recites. The training labels stay the verse's units; only what the voice is given changes.
"""
from __future__ import annotations

import re
import unicodedata

FATHA, DAMMA, KASRA, SHADDA, ROUND_SUKUN = "\u064e", "\u064f", "\u0650", "\u0651", "\u0652"
DAGGER_ALEF, SMALL_WAW, SMALL_YA, SMALL_YA_2 = "\u0670", "\u06e5", "\u06e6", "\u06e7"
SHORT_VOWELS = {FATHA: "a", DAMMA: "u", KASRA: "i"}
# the open (successive) tanween of this text's encoding too: U+0657 fathatan, U+065E dammatan, U+0656 kasratan
TANWEEN = {"\u064b": "an", "\u064c": "un", "\u064d": "in", "\u0657": "an", "\u065e": "un", "\u0656": "in"}
MADDA = "\u0653"
HAMZA_MARKS = "\u0654\u0655"
LATIN = {
    "ب": "b", "ت": "t", "ث": "ts", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dz", "ر": "r", "ز": "z",
    "س": "s", "ش": "sy", "ص": "sh", "ض": "dh", "ط": "th", "ظ": "zh", "ع": "'", "غ": "gh", "ف": "f", "ق": "q",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y", "ء": "'", "أ": "'", "إ": "'",
    "ؤ": "'", "ئ": "'", "آ": "'aa", SMALL_WAW: "u", SMALL_YA: "i",
}
# disjoint letters opening 30 verses (units.json "muqattaat") are recited by their names
LETTER_NAMES = {"ا": "alif", "ل": "laam", "م": "miim", "ص": "shaad", "ر": "raa", "ك": "kaaf", "ه": "haa",
                "ي": "yaa", "ع": "'ayn", "ط": "thaa", "س": "siin", "ح": "haa", "ق": "qaaf", "ن": "nuun"}
ARABIC_LETTER_NAMES = {"ا": "أَلِفْ", "ل": "لَامْ", "م": "مِيمْ", "ص": "صَادْ", "ر": "رَا", "ك": "كَافْ", "ه": "هَا",
                       "ي": "يَا", "ع": "عَيْنْ", "ط": "طَا", "س": "سِينْ", "ح": "حَا", "ق": "قَافْ", "ن": "نُونْ"}
QURANIC_SIGNS = re.compile("[\u06d6-\u06ed\u0640]")
ESPEAK_ARABIC = str.maketrans({
    "\u0657": "\u064b", "\u065e": "\u064c", "\u0656": "\u064d",  # open tanween -> tanween
    SMALL_WAW: "و", SMALL_YA: "ي", SMALL_YA_2: "ي", "\u06e8": "ن",  # pronounced small letters
    **{c: None for c in "\u0653\u065c\u06d6\u06d7\u06d8\u06d9\u06da\u06db\u06dc\u06de\u06e0\u06e2\u06e4\u06e9\u06ec\u06ed"},
})


def espeak_arabic(text: str, muqattaat: bool = False) -> str:
    """The Uthmani text with every sign espeak-ng's Arabic voice would spell out rewritten or dropped."""
    if muqattaat:
        text = _spelled(text, ARABIC_LETTER_NAMES)
    return re.sub(r"\s+", " ", text.translate(ESPEAK_ARABIC)).strip()


def _spelled(text: str, names: dict[str, str]) -> str:
    """The verse with its first word (disjoint letters) spelled out by the letters' names."""
    first, _, rest = text.partition(" ")
    spelled = " ".join(names[c] for c in first if c in names)
    return f"{spelled} {rest}".strip()


def plain_arabic(text: str, muqattaat: bool = False) -> str:
    """The letters alone: pronounced small letters written full size, every mark and sign dropped."""
    if muqattaat:
        text = _spelled(text, ARABIC_LETTER_NAMES)
    text = text.replace(DAGGER_ALEF, "ا").replace("ٱ", "ا").replace(SMALL_WAW, "و").replace(SMALL_YA, "ي")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", QURANIC_SIGNS.sub("", text)).strip()


def _letters(word: str) -> list[tuple[str, str]]:
    """A word as (letter, its combining marks) pairs."""
    out: list[tuple[str, str]] = []
    for c in word:
        if unicodedata.category(c) == "Mn" and out:
            out[-1] = (out[-1][0], out[-1][1] + c)
        else:
            out.append((c, ""))
    return out


def _latin_word(word: str) -> str:
    out, vowel = "", ""
    for letter, marks in _letters(word):
        voweled = any(m in marks for m in (FATHA, DAMMA, KASRA, SHADDA)) or any(m in TANWEEN for m in marks)
        if letter == "ٱ" or (letter in "اوي" and ROUND_SUKUN in marks):
            continue  # wasla, and letters written but never pronounced
        if letter in "اى" and not voweled:
            out += "a" if vowel == "a" or not out else ""
            vowel = ""
            continue
        if (letter, vowel) in (("و", "u"), ("ي", "i")) and not voweled:
            out += vowel  # a long vowel
            vowel = ""
            continue
        if letter == "ة":
            sound = "t" if voweled else "h"
        elif letter == "أ" and MADDA in marks:
            sound = "'aa"
        elif any(m in HAMZA_MARKS for m in marks):
            sound = "'"
        else:
            sound = LATIN.get(letter, "")
        if SHADDA in marks and sound:
            sound = sound[0] + sound
        out += sound
        vowel = ""
        for m in marks:
            if m in SHORT_VOWELS:
                out += SHORT_VOWELS[m]
                vowel = SHORT_VOWELS[m]
            elif m in TANWEEN:
                out += TANWEEN[m]
            elif m == DAGGER_ALEF:
                out += "a"
            elif m == SMALL_YA_2:
                out += "i"
    return out


def latin_reading(text: str, muqattaat: bool = False) -> str:
    """A Latin transliteration, Indonesian-style: 'bismi llahi rrahmaani rrahiimi'."""
    words = text.split()
    # disjoint letters: the first word spelled by name, in Latin already
    head, rest = ([_spelled(words[0], LETTER_NAMES)], words[1:]) if muqattaat and words else ([], words)
    latin = " ".join(w for w in head + [_latin_word(w) for w in rest] if w)
    latin = re.sub(r"\bl(([^aiu' ])\2)", r"\1", latin)  # the l of al- before a sun letter is not said
    latin = re.sub(r"([a-z])\1\1+", r"\1\1", latin)
    if words and words[0].startswith("ٱ"):
        latin = "a" + latin  # a verse that opens on a wasla starts with its vowel
    return latin


READINGS = {"arabic": espeak_arabic, "uthmani": lambda text, muqattaat=False: text, "plain": plain_arabic,
            "latin": latin_reading}
