"""Checks on each translated sentence: the known failure modes of MT models (dropped or invented content)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from summarizer.arabic import count_letters, normalize, to_western_digits

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MIN_RATIO, MAX_RATIO = 0.5, 3.0  # English words per Arabic word outside which a sentence is flagged


def numbers(text: str) -> list[str]:
    """Numbers written in text, Arabic-Indic digits folded, thousands separators dropped (1,300 → 1300)."""
    found = []
    for raw in _NUMBER.findall(to_western_digits(text)):
        value = raw.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw) else raw.replace(",", ".")
        found.append(value.rstrip(".").lstrip("0") or "0")
    return found


def check_sentence(source: str, target: str) -> list[str]:
    """Flags for one translated sentence: missing or changed numbers, empty, copied, too short or long."""
    flags = []
    if not target.strip():
        return ["empty translation"]
    arabic, latin = count_letters(target)
    if normalize(target) == normalize(source) or arabic > latin:
        flags.append("source copied instead of translated")
    source_numbers, target_numbers = numbers(source), numbers(target)
    missing = list(dict.fromkeys(n for n in source_numbers if n not in target_numbers))  # each named once
    extra = list(dict.fromkeys(n for n in target_numbers if n not in source_numbers))
    if missing and extra:
        flags.append(f"number changed: {', '.join(missing)} → {', '.join(extra)}")
    elif missing:
        flags.append(f"number missing: {', '.join(missing)}")
    elif extra:
        flags.append(f"number not in source: {', '.join(extra)}")
    ratio = len(target.split()) / max(1, len(source.split()))
    if ratio < MIN_RATIO:
        flags.append(f"much shorter than the source ({ratio:.2f} words per source word): content may be dropped")
    elif ratio > MAX_RATIO:
        flags.append(f"much longer than the source ({ratio:.2f} words per source word): content may be invented")
    return flags


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    arabic: str  # normalised
    english: str
    variants: tuple[str, ...]


class Glossary:
    """Names to keep consistent: variants replaced by the chosen English, missing names flagged."""

    def __init__(self, terms: list[Term]):
        # Longest Arabic first, so "فلاديمير بوتين" is checked before "بوتين".
        self.terms = sorted(terms, key=lambda t: -len(t.arabic))

    @classmethod
    def load(cls, *paths: Path) -> "Glossary":
        """Read glossary files (later files win for the same Arabic term); missing files are skipped."""
        by_arabic: dict[str, Term] = {}
        for path in paths:
            if not path.exists():
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip() or line.startswith("#"):
                    continue
                cells = line.split("\t")
                variants = tuple(v.strip() for v in cells[2].split("|") if v.strip()) if len(cells) > 2 else ()
                term = Term(normalize(cells[0]), cells[1].strip(), variants)
                by_arabic[term.arabic] = term
        return cls(list(by_arabic.values()))

    def apply(self, source: str, target: str) -> tuple[str, list[str]]:
        """The translation with glossary names enforced, and flags for names the source has but it lacks."""
        norm = f" {normalize(source)} "
        flags = []
        covered: list[str] = []
        for term in self.terms:
            if f" {term.arabic} " not in norm and not re.search(rf"(?<!\w)(?:و|ب|ل|ف)?{re.escape(term.arabic)}(?!\w)", norm):
                continue
            if any(term.arabic in longer for longer in covered):
                continue  # part of a longer name already handled
            covered.append(term.arabic)
            for variant in term.variants:
                if variant != term.english:
                    target = re.sub(rf"\b{re.escape(variant)}\b", term.english, target, flags=re.IGNORECASE)
            if term.english.lower() not in target.lower():
                flags.append(f"glossary: {term.english} expected")
        return target, flags
