"""Checks on each translated sentence: the known failure modes of MT models (dropped, changed or invented content)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from summarizer.arabic import count_letters, normalize, to_western_digits
from summarizer.names import NAME_MEANING, NAME_SAID, closeness_in_meaning, dictionary_word, english_names, has_counterpart, is_place, names_without_counterpart, skeleton_en, sounds_like_nothing, source_orphans, spelt_in
from summarizer.quantities import missing_and_extra

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# English letters per Arabic letter (digits count, marks and spaces do not) outside which a sentence is flagged:
# the 0.5th percentile of clean FLORES-200 devtest lines, and above its 99.9th (bench/faithfulness.py). Letters
# rather than words: Arabic writes its conjunctions, prepositions and pronouns onto words, so its word counts swing
# with style; on NTREX-128 (held out) letters catch 95.6% of halves dropped where words caught 93.0%, at fewer
# false alarms.
MIN_RATIO, MAX_RATIO = 0.73, 1.9
_RUN_TOGETHER = 9.0  # letters per source word above which its spaces were lost (clean Arabic: 4–6; FLORES-200's longest line 7)
# Negation, strong and weak. A strong marker is plain negation (لم, ليس; not, never); a weak one may or may not
# be rendered as one (غير واضحة "unclear", عدم "lack of", unable, fail). A flag needs a strong marker on one
# side and no marker at all on the other.
_AR_STRONG = {normalize(w) for w in "لا لم لن ليس ليست ليسوا لسنا لست ليسا".split()}
# Not ما: "what" far more often. Absence, prevention and "without" are said with a negation in English ("were not
# present", "cannot be bought"); ألا ("that not", written as إلا once normalised) and سوى ("except") may be.
_AR_WEAK = {normalize(w) for w in "غير عدم بدون دون ألا بلا غياب الغياب منع يمنع تمنع سوى".split()}
_WEAK_GLUED = ("ب", "ل", "و", "ف", "وب", "ول", "فب", "فل")  # بعدم "by not", لعدم "for not", لغياب: a preposition written on
_NOT_NOUN = normalize("عدم")
# Not negation: لا يزال, لا أزال "still", لا سيما "especially", لا بد "must"; أم لا "or not" (an alternative, as in
# English); لمّ الشمل "reunion" (لمّ: to gather).
_AR_NOT_NEGATION = re.compile(normalize("(?:لا|ما) (?:يزال|تزال|يزالون|أزال|نزال|زال|زالت|سيما|بد|شك)|(?<!\\w)(?:أم|أو) لا(?!\\w)|(?<!\\w)و?لم (?:ال)?شمل"))
# Negations English says without one: ما لا يقل عن "at least", لا يتجاوز عمره "as young as", لا يصدق "incredibly".
# Against English only: against Arabic, لا يقل and يقل ("not less", "less") differ.
_AR_SAID_WITHOUT_NOT = re.compile(normalize("لا (?:يقل|تقل|يتجاوز|تتجاوز|يصدق|تصدق)"))
# "Not only … but" (ليست فقط سهلة الهضم، بل توفر): English's "not only", which is no negation either. Without the بل it
# is a negation ("لا يمكننا أن نعتمد فقط": we can't just rely).
_AR_NOT_ONLY = re.compile(normalize(r"(?<!\w)(?:لا|لم|لن|ليس|ليست|ليسوا|لسنا)(?=(?:\s+\w+){0,4}\s+(?:فقط|فحسب)(?!\w).*(?<!\w)(?:بل|وإنما|إنما|ولكن|لكن)(?!\w))"))
# A negation that an exception (إلا, سوى) follows in its clause says "only" (لن أعتبر نفسي ناجحا إلا إذا: I would only
# call myself successful if), which English may say without a negation: against English, the exception alone is left,
# a weak marker.
_AR_EXCEPTIVE = re.compile(normalize(r"(?<!\w)(?:و|ف)?(?:لا|لم|لن|ليس|ليست|ما)(?=(?:\s+[^\s،,.؛]+){0,6}\s+(?:إلا|سوى)(?!\w))"))
_EN_STRONG = re.compile(r"\b(?:not|never|cannot)\b|n['’]t\b", re.IGNORECASE)
# Counted with the strong ones, as what renders an Arabic negation (لم يصب أحد: no one was hurt; دون: without; لم يعلن
# بعد: has yet to announce; إلا إذا، إذا لم: unless).
_EN_PLAIN = re.compile(r"\b(?:no|none|nobody|nothing|neither|without|fail\w*|lack\w*|refus\w*|den(?:y|ied|ies)|absen\w*|unable|prevent\w*|yet\s+to|unless)\b",
                       re.IGNORECASE)
# Not a clause negated: "whether or not" (an alternative), "not until" (only when).
_EN_NOT_A_CLAUSE = re.compile(r"\bor\s+not\b|(?:\bnot|n['’]t)\s+until\b", re.IGNORECASE)
# un- that negates: not under, until, union, unit(ed), univers-, unique, unif-, nor un- that undoes (unveil, unearth, unlock).
_UN_NEGATING = r"un(?!der|til|ion|it|iv|iq|if|veil|earth|leash|lock|load|pack|wrap|fold|ravel|cover)\w+"
# Said with "not" but not negating: "not only" and "not just … but" (also), "not long after" (soon), "not un-" (a double
# negation), "not least" and "never more so" (especially: لا سيما).
_EN_NOT_NEGATION = re.compile(rf"\bnot\s+(?:only|least|long\s+(?:after|before|ago)|{_UN_NEGATING})\b|\bnever\s+more\s+so\b|\bnot\s+(?:just|merely|simply)\b(?=.*\bbut\b)", re.IGNORECASE)
# un- and -less words, less those that are not negative (see _UN_NEGATING) and "less" itself.
_EN_WEAK = re.compile(
    r"\b(?:no|none|nobody|nothing|neither|nor|without|fail\w*|lack\w*|refus\w*|den(?:y|ied|ies)|absen\w*|only|unable|"
    r"hardly|scarcely|barely|seldom|rarely|yet\s+to|far\s+from|"
    rf"{_UN_NEGATING}|non\w*|in(?:capable|complete|sufficient|valid|correct|dependent)\w*|\w+less|rather|instead)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Flag:
    """One failed check: which check, and what it found."""

    check: str  # empty, source, copied, number, name, negation, length, glossary, split
    detail: str

    def __str__(self) -> str:
        return self.detail

    def to_dict(self) -> dict[str, str]:
        """The flag as JSON: {"check", "detail"}."""
        return {"check": self.check, "detail": self.detail}


def numbers(text: str) -> list[str]:
    """Numbers written in digits, Arabic-Indic digits folded, thousands separators dropped (1,300 → 1300)."""
    found = []
    for raw in _NUMBER.findall(to_western_digits(text)):
        value = raw.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw) else raw.replace(",", ".")
        found.append(value.rstrip(".").lstrip("0") or "0")
    return found


def negation_ar(text: str, against_english: bool = True) -> str:
    """'strong', 'weak' or '' : the strongest negation an Arabic sentence has (see _AR_STRONG); against English, less
    the negations English says without one ("not only … but", "at least")."""
    return _negations_ar(text, against_english)[0]


def _negations_ar(text: str, against_english: bool = True) -> tuple[str, int, int]:
    """An Arabic sentence's strongest negation ('strong', 'weak' or ''), how many it says (its strong and weak markers,
    a word each) and how many of those are plain (لم, لا, ليس...): one pass, as check_translation asks for all three."""
    words = _negating_words(text, against_english)
    strong, weak = _strong_markers_ar(words), _weak_markers_ar(words)
    count = len(strong) + len(weak)
    # عدم ("not", "non-"), weak against Arabic, is said with a negation in English nearly always (FLORES-200: 8 lines
    # of 8; NTREX-128: 25 of 32, the rest mis-, dis-, in- words): against English, a strong one.
    if against_english and any(w.endswith(_NOT_NOUN) for w in weak):  # a weak marker ending so is عدم, a preposition on it or not
        return "strong", count, len(strong)
    return ("strong" if strong else "weak" if weak else ""), count, len(strong)


def _negating_words(text: str, against_english: bool) -> list[str]:
    """An Arabic sentence's normalised words, less those of phrases that say no negation (لا يزال; against English,
    ما لا يقل عن and "not only … but")."""
    text = _AR_NOT_NEGATION.sub(" ", normalize(text))
    if against_english:
        text = _AR_EXCEPTIVE.sub(" ", _AR_NOT_ONLY.sub(" ", _AR_SAID_WITHOUT_NOT.sub(" ", text)))
    return re.findall(r"\w+", text)


def _strong_markers_ar(words: list[str]) -> list[str]:
    """The strong negations among normalised Arabic words (under a conjunction too: ولم)."""
    return [w for w in words if w in _AR_STRONG or (w[:1] in "وف" and len(w) > 2 and w[1:] in _AR_STRONG)]


def _weak_markers_ar(words: list[str]) -> list[str]:
    """The weak negations among normalised Arabic words, one a word (under a glued preposition too: بعدم)."""
    # Only weak markers are looked for under a glued preposition: بلا is "without", not ب + لا.
    return [w for w in words if any(w.startswith(p) and (p == "" or len(w) - len(p) > 2) and w[len(p):] in _AR_WEAK for p in ("", *_WEAK_GLUED))]


def negation_en(text: str) -> str:
    """'strong', 'weak' or '': the strongest negation an English sentence has."""
    text = _EN_NOT_A_CLAUSE.sub(" ", _EN_NOT_NEGATION.sub(" ", text))
    return "strong" if _EN_STRONG.search(text) else "weak" if _EN_WEAK.search(text) or _negative_adjective(text) else ""


_IN_ADJECTIVE = re.compile(r"\b(?:in|im|ir|il)(\w{3,}(?:able|ible|ant|ent))\b", re.IGNORECASE)


def _negative_adjective(text: str) -> bool:
    """Whether an English text has an in-, im-, ir- or il- adjective of a word that is one (irreplaceable, intolerant,
    inexpressible), which says a negation Arabic writes with لا (لا تعوض, لا يتسامح)."""
    return any(dictionary_word(m.group(1)) for m in _IN_ADJECTIVE.finditer(text))


def _negations_en(text: str, nor: bool = False) -> int:
    """How many negations an English sentence says as Arabic says them: not, never, n't, and no, none, nothing,
    neither, without (not "or not" and "not until"; "nor" only when asked for, as it may go on with a negation the
    Arabic says once, or say an Arabic ولا of its own)."""
    text = _EN_NOT_A_CLAUSE.sub(" ", _EN_NOT_NEGATION.sub(" ", text))
    return len(_EN_STRONG.findall(text)) + len(_EN_PLAIN.findall(text)) + (len(re.findall(r"\bnor\b", text, re.IGNORECASE)) if nor else 0)


def check_translation(source: str, target: str, glossary: Glossary | None = None) -> list[Flag]:
    """Every check of one translated sentence against its Arabic source (and the glossary's names, if given)."""
    if not target.strip():
        return [Flag("empty", "empty translation")]
    words = re.findall(r"\w+", source)
    letters = sum(map(len, words)) / max(1, len(words))
    if letters > _RUN_TOGETHER:
        # Spaces lost (NTREX-128 has such lines): words, names and lengths cannot be compared; say so, once.
        return [Flag("source", f"the source's words run together ({letters:.0f} letters a word): restore its spaces and check again")]
    flags = []
    arabic, latin = count_letters(target)
    if normalize(target) == normalize(source) or arabic > latin:
        flags.append(Flag("copied", "source copied instead of translated"))
    missing, extra = missing_and_extra(source, target)
    # A number word that is a name here (ستون: Emma Stone, كريات أربع: Kiryat Arba) is in the translation as the name.
    names = english_names(target) if missing else []
    missing = [m for m in missing if not (" " not in m and not m.isascii() and any(has_counterpart(n, m) for n in names))]
    if missing and extra:
        flags.append(Flag("number", f"number changed: {', '.join(missing)} → {', '.join(extra)}"))
    elif missing:
        flags.append(Flag("number", f"number missing: {', '.join(missing)}"))
    elif extra:
        flags.append(Flag("number", f"number not in source: {', '.join(extra)}"))
    # A name with no counterpart counts when a name-like word of the source also went missing, or when no source
    # word sounds even loosely like it. A capitalised common word (Hurricane) counts for neither: the source may
    # translate it (إعصار). A name the source translates instead of spelling it (القدس, Jerusalem) would be a false alarm,
    # unless a source word is very close to it in meaning (NAME_SAID).
    glossary_names = {w.lower() for name in glossary.swapped_in(source, target) for w in name.split()} if glossary is not None else set()
    unmatched = [w for w in names_without_counterpart(source, target) if w.lower() not in glossary_names]
    meaning = closeness_in_meaning(unmatched, source)  # empty where the embeddings cannot run
    unmatched = [w for w in unmatched if meaning.get(w, 0.0) < NAME_SAID]
    strangers = [w for w in unmatched if is_place(w) or not dictionary_word(w)]
    orphans = source_orphans(source, target) if strangers else []
    if strangers and orphans:
        flags.append(Flag("name", f"name not in source: {', '.join(strangers)} (the source's {', '.join(orphans)} has no counterpart)"))
    elif unheard := [w for w in strangers if sounds_like_nothing(w, source)]:
        flags.append(Flag("name", f"name not in source: {', '.join(unheard)} (nothing in the source sounds like it)"))
    elif places := [w for w in strangers if is_place(w)]:
        # A place of the place list is named in Arabic by the list's own names: a loose likeness to some other word is
        # no counterpart.
        flags.append(Flag("name", f"name not in source: {', '.join(places)} (a place the source does not name)"))
    elif unmeant := [w for w in unmatched if w in meaning and meaning[w] < NAME_MEANING]:
        # Sounds are loose evidence (a short name has many loose likenesses); meaning sees a name no source word is
        # about, a common word (May, Bill) as well, which a source word that translates it would be close to.
        flags.append(Flag("name", f"name not in source: {', '.join(unmeant)} (no source word means it)"))
    (source_negation, source_count, source_plain), target_negation = _negations_ar(_less_articles(source, target)), negation_en(target)
    if source_negation == "strong" and not target_negation:
        flags.append(Flag("negation", "negation lost: the source says not, the translation does not"))
    elif target_negation == "strong" and not source_negation:
        flags.append(Flag("negation", "negation added: the translation says not, the source does not"))
    elif target_negation == "strong" and source_negation and _negations_en(target) > source_count:
        # Each negation of the source (لم, غير, دون…) may be one "not" (or "no", "without"): a "not" beyond them is new.
        flags.append(Flag("negation", "negation added: the translation negates more often than the source"))
    elif source_plain >= 2 and _negations_en(target, nor=True) < source_plain:
        # A source that says not twice or more (لم أكن حاضرا ولم أتواجد): a translation that says it fewer times lost one.
        flags.append(Flag("negation", "negation lost: the source says not more often than the translation"))
    if glossary is not None:
        flags += [Flag("glossary" if f.startswith("glossary") else "name", f) for f in glossary.apply(source, target)[1]]
    ratio = _letters(target) / max(1, _letters(source))
    if ratio < MIN_RATIO:
        flags.append(Flag("length", f"much shorter than the source ({ratio:.2f} letters per source letter): content may be dropped"))
    elif ratio > MAX_RATIO:
        flags.append(Flag("length", f"much longer than the source ({ratio:.2f} letters per source letter): content may be invented"))
    return flags


def _less_articles(source: str, target: str) -> str:
    """The source less as many لا as the translation has "La" of a name (لا بومبا: La Bomba), which negate nothing."""
    return re.sub(r"(?<!\w)لا(?!\w)", " ", source, count=len(re.findall(r"\bLa\b", target))) if re.search(r"\bLa\b", target) else source


def _letters(text: str) -> int:
    """Letters and digits in a text (no spaces, punctuation or vowel marks)."""
    return sum(1 for ch in text if ch.isalnum() and ch != "ـ")  # not the tatweel, which only stretches a word


def check_sentence(source: str, target: str) -> list[str]:
    """Flags for one translated sentence, as text (see check_translation)."""
    return [str(flag) for flag in check_translation(source, target)]


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
        return target, flags + self.unexpected(source, target)

    def unexpected(self, source: str, target: str) -> list[str]:
        """Flags for glossary names in the translation whose Arabic the source lacks (a name swapped in)."""
        return [f"name not in source: {name} (a glossary name)" for name in self.swapped_in(source, target)]

    def swapped_in(self, source: str, target: str) -> list[str]:
        """Glossary names in the translation whose Arabic the source lacks."""
        norm = normalize(source)
        present = [t.english.lower() for t in self.terms if re.search(rf"(?<!\w)(?:و|ب|ل|ف|ال)?{re.escape(t.arabic)}(?!\w)", norm)]
        names: list[str] = []
        for term in self.terms:
            name = term.english.lower()
            swapped_in = re.search(rf"\b{re.escape(term.english)}\b", target, re.IGNORECASE) and not any(name in p or p in name for p in present)
            # Nor one the source spells another way than the glossary (بيونج يانج for Pyongyang): every word sounds there,
            # or the glossary's Arabic is there with its sounds spelt another way (كيم جونج أون).
            swapped_in = swapped_in and not all(len(skeleton_en(word)) >= 4 and has_counterpart(word, source) for word in term.english.split())
            swapped_in = swapped_in and not spelt_in(term.arabic, source)
            if swapped_in and not any(name in n.lower() for n in names):  # "Putin" inside an already found "Vladimir Putin"
                names.append(term.english)
        return names
