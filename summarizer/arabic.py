"""Arabic text helpers shared by every stage: normalisation for matching, digits, sentence splitting.

Normalisation here is for *matching* only (ids, duplicates, grouping, checks); text shown to users
is never passed through it.
"""

from __future__ import annotations

import re
import unicodedata

# Harakat, Quranic annotation marks, superscript alef, the combining hamza/madda marks, and tatweel.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# A word as written: \w alone stops at a diacritic (a combining mark), cutting تتقدّم into تتقد and م.
WORD = re.compile(f"(?:\\w|{_DIACRITICS.pattern})+")

# Letter folding for matching. Applied with chained str.replace: several times faster than
# str.translate with a dict table on long Arabic text, and normalisation is on every hot path.
_LETTER_FOLDS = (
    ("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ٲ", "ا"), ("ٳ", "ا"),
    ("ؤ", "و"),
    ("ئ", "ي"),
    ("ى", "ي"),
    ("ة", "ه"),
    # Persian and Urdu forms that turn up in Arabic pages ("کوریا الشمالیة").
    ("ی", "ي"), ("ې", "ي"), ("ۍ", "ي"),
    ("ک", "ك"), ("ڪ", "ك"),
    ("ۀ", "ه"), ("ہ", "ه"), ("ھ", "ه"), ("ە", "ه"),
)
# Eastern Arabic-Indic (U+0660) and Persian (U+06F0) digits, and the Arabic decimal/thousands marks.
_DIGIT_FOLDS = (
    *((chr(0x0660 + i), str(i)) for i in range(10)),
    *((chr(0x06F0 + i), str(i)) for i in range(10)),
    ("٫", "."), ("٬", ","),
)


def _fold(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
_WS = re.compile(r"\s+")


def to_western_digits(text: str) -> str:
    """Replace Eastern Arabic-Indic and Persian digits (and ٫ ٬) with ASCII ones."""
    return _fold(text, _DIGIT_FOLDS)


def strip_marks(text: str) -> str:
    """Text without diacritics and tatweel, its letters as written (wordfreq looks words up so)."""
    return _DIACRITICS.sub("", text)


def fold_letters(text: str) -> str:
    """The letter folding of `normalize` alone (no case or space changes): for writing regex patterns."""
    return _fold(strip_marks(text), _LETTER_FOLDS)


def normalize(text: str) -> str:
    """Normalise Arabic text for matching: no diacritics or tatweel, one form per letter, ASCII digits."""
    text = unicodedata.normalize("NFKC", text)  # presentation forms (ﻻ) and compatibility digits
    text = _fold(_fold(strip_marks(text), _LETTER_FOLDS), _DIGIT_FOLDS)
    return _WS.sub(" ", text).strip().casefold()


def count_letters(text: str) -> tuple[int, int]:
    """Return (Arabic-script letters, Latin letters) in text."""
    return len(_ARABIC_LETTER.findall(text)), len(_LATIN_LETTER.findall(text))


_PERSIAN_ONLY = re.compile("[پچژگ]")
_PERSIAN_WORDS = {"است", "این", "که", "را", "می", "های", "برای", "شده"}
_ENGLISH_WORDS = {"the", "and", "of", "to", "in", "is", "that", "for", "was", "on", "with", "said"}


def detect_language(text: str) -> str:
    """Guess the language: 'ar', 'fa', 'en', or 'und' when the script or words do not say."""
    arabic, latin = count_letters(text)
    if arabic == 0 and latin == 0:
        return "und"
    words = normalize(text).split()
    if arabic >= 0.6 * (arabic + latin):
        persian_letters = len(_PERSIAN_ONLY.findall(text))
        persian_words = sum(w in _PERSIAN_WORDS for w in words)
        if persian_letters > 0.01 * arabic and persian_words >= max(2, 0.03 * len(words)):
            return "fa"
        return "ar"
    if latin >= 0.6 * (arabic + latin):
        english = sum(w in _ENGLISH_WORDS for w in words)
        return "en" if english >= max(1, 0.05 * len(words)) else "und"
    return "und"


# Light10 (Larkey et al., 2007): the standard light stemmer for Arabic retrieval, on normalised words.
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


def light_stem(word: str) -> str:
    """Strip the common Arabic prefixes and suffixes of a normalised word (Light10)."""
    if len(word) > 3 and word.startswith("و"):
        word = word[1:]
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix):]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word


# --- sentence splitting ---------------------------------------------------------------------------

_TERMINATORS = ".!?؟"
_OPEN_QUOTES = {"«": "»", "“": "”", "(": ")", "[": "]"}
_CLOSERS = "»”\"')]"
_MAX_QUOTE_SPAN = 300  # an unbalanced quote mark must not swallow the rest of an article


def _is_abbreviation_dot(text: str, i: int) -> bool:
    """True for the dots of 'أ.ف.ب', 'د.' or 'U.S.': a dot after a single letter."""
    before = text[i - 1] if i > 0 else ""
    before2 = text[i - 2] if i > 1 else " "
    return before.isalpha() and not before2.isalnum()


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at . ! ? ؟ and line breaks, not inside numbers, quotes or abbreviations."""
    sentences: list[str] = []
    for paragraph in text.splitlines():
        sentences.extend(_split_line(paragraph))
    return sentences


def _split_line(line: str) -> list[str]:
    out: list[str] = []
    start = 0
    closing: list[str] = []  # expected closing marks of the quotes/brackets we are inside
    opened_at = 0
    n = len(line)
    i = 0
    while i < n:
        ch = line[i]
        if closing and i - opened_at > _MAX_QUOTE_SPAN:
            closing.clear()
        if ch in _OPEN_QUOTES:
            if not closing:
                opened_at = i
            closing.append(_OPEN_QUOTES[ch])
        elif closing and ch == closing[-1]:
            closing.pop()
        elif ch == '"':
            # Straight quotes open and close with the same mark.
            if closing and closing[-1] == '"':
                closing.pop()
            else:
                if not closing:
                    opened_at = i
                closing.append('"')
        elif ch in _TERMINATORS and not closing:
            j = i + 1
            while j < n and line[j] in _TERMINATORS:
                j += 1
            if _is_boundary(line, i, j):
                while j < n and line[j] in _CLOSERS:
                    j += 1
                piece = line[start:j].strip()
                if piece:
                    out.append(piece)
                start = j
            i = j
            continue
        i += 1
    rest = line[start:].strip()
    if rest:
        out.append(rest)
    return out


def _is_boundary(line: str, i: int, j: int) -> bool:
    """Decide whether the terminator run line[i:j] ends a sentence."""
    ch = line[i]
    nxt = line[j] if j < len(line) else ""
    if ch == "." and j - i >= 2:
        return False  # ".." and "..." join headline parts in Arabic news; not an end
    if ch == "." and i > 0:
        if line[i - 1].isdigit() and nxt.isdigit():
            return False  # 1.3
        if _is_abbreviation_dot(line, i):
            after = line[j:].lstrip()
            if not after or after[0].isalpha() or after[0] == ")":
                return False  # أ.ف.ب, د. محمد, U.S. officials
    if nxt == "" or nxt.isspace() or nxt in _CLOSERS:
        return True
    # "روسيا.وقال": a missing space between two Arabic sentences.
    return bool(_ARABIC_LETTER.match(nxt))


_CLAUSE_MARKS = re.compile(r"(?<=[،؛;:,])\s+")


def split_clauses(sentence: str) -> list[str]:
    """Split one sentence at clause marks (، ؛ : ,) for models that cannot take it whole."""
    parts = [p.strip() for p in _CLAUSE_MARKS.split(sentence)]
    return [p for p in parts if p]


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())
