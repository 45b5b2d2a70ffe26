"""Where the trip an article leads with goes: the one fact that tells two visits between the same
two countries apart.

Putin flying to Pyongyang and Kim taking his train to Vladivostok share every weighty word (Putin,
Kim, Russia, North Korea, arms), so no word similarity separates them; the direction of travel
does. An article's event is what its headline and lead report (the gold labels' rule 7), so only
those are read: a trip word (visit, travel, head to, arrive, tour, leave for) followed, in the same
clause, by a place the trip goes to ("إلى روسيا", "لكوريا الشمالية", "زيارة بكين"). Two articles
whose leads both report trips, to places in no common country, report different events.

Places are the countries and main cities in data/places.tsv, each mapped to its country codes, so a
visit to Vladivostok and a visit to Russia agree.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from summarizer.arabic import normalize

_TRIP_WORDS = (
    "زيارة الزيارة زيارات يزور تزور زار زارت سيزور ستزور "
    "يسافر تسافر سافر سافرت سيسافر السفر "
    "توجه توجهت يتوجه تتوجه سيتوجه متوجها متوجهة "
    "وصل وصلت يصل تصل سيصل وصول الوصول "
    "رحلة الرحلة جولة الجولة غادر غادرت يغادر"
)
# Words that take the destination as a direct object: "زيارة بكين", "يزور موسكو".
_TRANSITIVE = "زيارة الزيارة زيارات يزور تزور زار زارت سيزور ستزور"
_PREFIXES = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")  # conjunctions and prepositions glued on
_TOWARDS = {normalize(w) for w in ("إلى", "وإلى", "نحو")}
_CLAUSE_END = set(".،,؛;:!?؟")
_TOKEN = re.compile(r"\w+|[.،,؛;:!?؟]")
_WINDOW = 15  # tokens after the trip word in which its destination is looked for


def places_by_name() -> dict[tuple[str, ...], frozenset[str]]:
    """Place names of data/places.tsv (normalised words) and the country codes each stands for."""
    return _tables()[1]


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, bool], dict[tuple[str, ...], frozenset[str]], int]:
    """Trip words (normalised, with glued prefixes; value: takes a direct object) and places by name."""
    transitive = {normalize(w) for w in _TRANSITIVE.split()}
    trip_words = {prefix + normalize(w): normalize(w) in transitive for w in _TRIP_WORDS.split() for prefix in _PREFIXES}
    places: dict[tuple[str, ...], set[str]] = {}
    text = resources.files("summarizer").joinpath("data/places.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        codes, names = line.split("\t")
        for name in names.split("|"):
            places.setdefault(tuple(normalize(name).split()), set()).update(codes.split())
    frozen = {name: frozenset(codes) for name, codes in places.items()}
    return trip_words, frozen, max(len(name) for name in frozen)


def _place_at(tokens: list[str], k: int) -> tuple[frozenset[str], bool] | None:
    """The longest place name starting at token k: its countries, and whether it carries a glued ل (to)."""
    _, places, longest = _tables()
    first = tokens[k]
    for n in range(min(longest, len(tokens) - k), 0, -1):
        rest = tuple(tokens[k + 1 : k + n])
        forms = [(first, False)]
        if first.startswith("لل"):
            forms.append(("ا" + first[1:], True))  # للعراق = ل + العراق
        elif first.startswith("ل"):
            forms.append((first[1:], True))
        for form, glued in forms:
            codes = places.get((form, *rest))
            if codes:
                return codes, glued
    return None


def trip_destinations(text: str) -> frozenset[str]:
    """Country codes of the places that trips mentioned in the text go to (first place per trip word)."""
    trip_words, _, _ = _tables()
    tokens = _TOKEN.findall(normalize(text))
    found: set[str] = set()
    for i, token in enumerate(tokens):
        if token not in trip_words:
            continue
        for k in range(i + 1, min(len(tokens), i + 1 + _WINDOW)):
            if tokens[k] in _CLAUSE_END:
                break
            place = _place_at(tokens, k)
            if place is None:
                continue
            codes, glued = place
            if glued or tokens[k - 1] in _TOWARDS or (k == i + 1 and trip_words[token]):
                found |= codes
                break
    return frozenset(found)

