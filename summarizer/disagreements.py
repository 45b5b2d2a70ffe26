"""Numbers that differ between the articles of one story: counts of one thing, dates of one event, ordinals.

A figure is a number with what it counts: people killed or wounded (the event beside it decides, and "since an earlier
date" makes a total of its own), or the noun it counts (seats, months). Two articles disagree on a quantity when each
gives a figure for it that nothing the other gives can fit: "more than 600" fits 629 and "20 to 30 metres" fits 25,
and a part ("among them 10 medics") or an age is no figure of the quantity. Durations, distances, sums and shares
are many different things in one story (a prison term and the time served, a maximum penalty), so two articles
compare them only when they also agree on one such figure or tell the figures in one aligned claim. Only quantities
that a fifth of the story's articles give are compared (CENTRAL_SHARE): in a story of a hundred articles and many
angles, one noun counts many unrelated things (the aircraft of one raid, a carrier's aircraft), and a background
number is not the story's disagreement. One event (a figure both articles give) dated in months that share none is a
disagreement on its date, and one thing numbered first by one article and second by another is one too.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from summarizer.arabic import light_stem, normalize
from summarizer.dates import MONTH_NAMES_EN, month_of, months_named
from summarizer.quantities import is_ordinal, read_number, words as number_words
from summarizer.records import Article, Candidate, Claim, NumberDifference


def _words(spec: str) -> frozenset[str]:
    return frozenset(normalize(w) for w in spec.split())


# Counted nouns with their plurals (normalised), as one unit: "14 شهرا" and "4 أشهر" both count months.
_UNITS = {normalize(form): normalize(group.split()[0]) for group in (
    "شهر أشهر شهور", "سنة سنوات سنين", "عام أعوام", "يوم أيام", "أسبوع أسابيع", "ساعة ساعات", "دقيقة دقائق",
    "متر أمتار", "كيلومتر كيلومترات كلم كم", "ميل أميال", "مقعد مقاعد", "دولار دولارات", "يورو", "جنيه", "ريال",
    "درهم دراهم", "دينار", "ليرة ليرات", "طن أطنان", "شخص أشخاص", "طفل أطفال", "جندي جنود", "صاروخ صواريخ",
) for form in group.split()}
# Units of measure: a story has many durations, distances, sums and shares, so these are compared only when anchored.
_MEASURES = _words("شهر سنة عام يوم أسبوع ساعة دقيقة متر كيلومتر ميل دولار يورو جنيه ريال درهم دينار ليرة طن") | {"%"}
# What a number of people is a toll of: the words (normalised, with a glued conjunction or preposition and ال) beside it.
_EVENTS = {
    "killed": re.compile(r"^(?:و|ف|ب|ل)?(?:ال)?(?:قتل|قتيل|مقتل|شهدا|شهيد|استشهد|حتف|وفا|توفي)"),
    "wounded": re.compile(r"^(?:و|ف|ب|ل)?(?:ال)?(?:جرح|جريح|مصاب|اصاب|اصيب)"),
    "arrested": re.compile(r"^(?:و|ف|ب|ل)?(?:ال)?(?:معتقل|اعتقل|موقوف|اوقف|احتجز|محتجز)"),
    "missing": re.compile(r"^(?:و|ف|ب|ل)?(?:ال)?مفقود"),
    "displaced": re.compile(r"^(?:و|ف|ب|ل)?(?:ال)?(?:نازح|نزح|مشرد|تشرد)"),
}
TOLLS = frozenset(_EVENTS)  # quantities that can rise through a day as reports come in
_FUNCTION = _words("في و من الى إلى على عن مع ما لا بين حتى او أو ثم قد كان كانت هذا هذه التي الذي منذ بعد قبل خلال عند")
_AT_LEAST = _words("أكثر يزيد يتجاوز يفوق يقل")  # أكثر من 600, ما لا يقل عن 600: at least
_AT_MOST = _words("أقل")
_ABOUT = _words("نحو حوالي حوالى قرابة زهاء يقارب يناهز")
_ABOUT_SHARE = 0.1  # "about 33" fits 30 to 36, not 28
_AMONG = _words("بينهم منهم بينها منها بينهن")  # "112 wounded, among them 10 medics": a part, not the quantity
_AGE = _words("يبلغ تبلغ البالغ البالغة عمره عمرها بعمر العمر ابن ابنة")  # "who was 19", "aged 23": an age
_PERCENT = re.compile("[%٪]")
_PER_CENT = _words("بالمئة بالمائة")
_THE_HUNDRED = _words("المئة المائة")  # في المئة: per cent
CENTRAL_SHARE = 0.2  # a quantity a fifth of the story's articles give figures for: the story's own, not a background number
_EVENT_REACH = 3  # words on each side of a number that may say what befell the people it counts
_COUNT_REACH = 10  # "عدد قتلى الفلسطينيين ... إلى 28": how far back "the number of" may stand


@dataclass(frozen=True)
class Figure:
    """A number said about something: what it counts (see figures), its value, and the values it fits."""

    quantity: str
    value: float
    low: float
    high: float

    @property
    def shown(self) -> str:
        """The figure as a reader should see it: 12, 20-30, more than 600, about 2800."""
        if self.high == float("inf"):
            return f"more than {_number(self.value)}"
        if self.low == 0 and self.high == self.value:
            return f"less than {_number(self.value)}"
        if self.low < self.value:
            return f"about {_number(self.value)}"
        return _number(self.value) if self.high == self.value else f"{_number(self.low)}-{_number(self.high)}"

    def fits(self, other: Figure) -> bool:
        """Whether both can be true: their ranges meet (an exact number is a range of one)."""
        return self.low <= other.high and other.low <= self.high


def figures(text: str) -> list[Figure]:
    """The numbers of an Arabic sentence that count something, with what: 'killed', 'wounded' (… ', since' for a
    total since an earlier date), or the counted noun's unit. Years, days of a month, ages and parts are left out."""
    words = number_words(_PERCENT.sub(" بالمئة ", text))
    found = []
    i = 0
    while i < len(words):
        number, after = read_number(words, i)
        if number is None or not _counts(words, i, after, number.value, number.weak):
            i = after
            continue
        low = high = float(number.value)
        if after + 1 < len(words) and (words[after] == "الي" or words[after] == "و" and i and words[i - 1] == "بين"):  # 20 إلى 30, بين 20 و30
            second, end = read_number(words, after + 1)
            if second is not None and not second.weak:
                high, after = max(high, float(second.value)), end
        if after < len(words) and month_of(words[after]):  # a day of a month: a date, not a count
            i = after
            continue
        unit = _unit(words[after : after + 2])
        before = [_bare(w) for w in words[max(0, i - 3) : i]]
        if any(w in _AT_LEAST for w in before):
            high = float("inf")
        elif any(w in _AT_MOST for w in before):
            low = 0.0
        elif any(w in _ABOUT for w in before):
            low, high = low * (1 - _ABOUT_SHARE), high * (1 + _ABOUT_SHARE)
        quantity = unit if unit in _MEASURES else _event(words, i, after) or unit
        if quantity in TOLLS and any(w.endswith("منذ") for w in words[:i]):
            quantity += ", since"
        elif quantity and (i and words[i - 1] == "اصل" or i > 1 and words[i - 1] == "من" and _unit(words[i - 2 : i]) == unit):
            quantity += ", in all"  # من أصل 128 نائبا, 101 مقعد من 329 مقعدا: the whole, not the part counted
        if quantity and not any(w in _AMONG for w in words[max(0, i - 2) : i]):
            found.append(Figure(quantity, float(number.value), low, high))
        i = after
    return found


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _bare(word: str) -> str:
    """A word without a glued ب, و or ل: بحوالي is حوالي."""
    return word[1:] if len(word) > 3 and word[0] in "بول" else word


def _counts(words: list[str], i: int, after: int, value: str, weak: bool) -> bool:
    """Whether the number at words[i:after] counts something: not one or two said as a noun (weak), a decade, a year,
    an ordinal (الرابعة فجرا), a model's number (S-300, إس 300) or an age."""
    if weak or value.endswith("s") or re.fullmatch(r"(?:19|20)\d\d", value) or not words[i][0].isdigit() and is_ordinal(words[i]):
        return False
    if i and (re.fullmatch(r"[a-z]{1,2}", words[i - 1]) or words[i - 1] == "اس"):
        return False
    return not any(w in _AGE for w in words[max(0, i - 3) : i]) and words[after + 1 : after + 3] != ["من", "العمر"]


def _unit(after: list[str]) -> str:
    """What the words after a number say it counts: a unit of _UNITS, or the next word's light stem; '' for none."""
    word = after[0] if after else ""
    if word in _PER_CENT or (word == "في" and after[1:] and after[1] in _THE_HUNDRED):
        return "%"
    if not word or word[0].isdigit() or word in _FUNCTION or len(word) < 2:
        return ""
    bare = word[:-1] if len(word) > 3 and word.endswith("ا") else word  # the accusative's alif: 54 مقعدا
    for form in (word, bare, bare.removeprefix("ال")):
        if form in _UNITS:
            return _UNITS[form]
    stem = light_stem(word)
    return stem[:-1] if len(stem) > 3 and stem.endswith("ا") else stem


def _event(words: list[str], i: int, after: int) -> str:
    """What befell the people a number counts, from the words beside it or after an earlier "the number of"."""
    near = words[max(0, i - _EVENT_REACH) : after + _EVENT_REACH]
    event = next((name for name, pattern in _EVENTS.items() if any(pattern.match(w) for w in near)), "")
    if event or _unit(words[after : after + 2]):
        return event
    back = words[max(0, i - _COUNT_REACH) : i]
    if "عدد" in back and back.index("عدد") + 1 < len(back):
        counted = back[back.index("عدد") + 1]
        return next((name for name, pattern in _EVENTS.items() if pattern.match(counted)), "")
    return ""


def number_differences(pool: list[Candidate], claims: list[Claim], articles: list[Article]) -> list[NumberDifference]:
    """Quantities the articles give figures for that cannot all be true, one per quantity, with every figure given.

    Copies of one text are compared too: a wire copy updated through the day is how a running toll is reported.
    """
    said: dict[str, dict[int, list[tuple[Figure, Candidate]]]] = {}
    for c in pool:
        for figure in figures(c.text):
            said.setdefault(figure.quantity, {}).setdefault(c.article, []).append((figure, c))
    together = {(a, c.position) : k for k, claim in enumerate(claims) for a, c in claim.reports}
    out = []
    for quantity, by_article in said.items():
        if len(by_article) < CENTRAL_SHARE * len(articles):
            continue
        involved: set[int] = set()
        for x, y in itertools.combinations(by_article, 2):
            if _anchored(quantity, by_article[x], by_article[y], together) and _clash([f for f, _ in by_article[x]], [f for f, _ in by_article[y]]):
                involved |= {x, y}
        if involved:
            reports = tuple((a, c) for a in sorted(involved) for _, c in by_article[a])
            values: dict[int, list[str]] = {}
            for a in sorted(involved):
                for f, _ in by_article[a]:
                    if f.shown not in values.setdefault(a, []):
                        values[a].append(f.shown)
            running = quantity.split(",")[0] in TOLLS and rising(values, articles)
            out.append(NumberDifference(Claim(reports[0][1].text, _unique(reports)), values, running, quantity))
    return out


def _unique(reports: tuple[tuple[int, Candidate], ...]) -> tuple[tuple[int, Candidate], ...]:
    return tuple(dict.fromkeys(reports))


def _anchored(quantity: str, xs: list[tuple[Figure, Candidate]], ys: list[tuple[Figure, Candidate]], together: dict) -> bool:
    """Whether two articles' figures are about the same thing: a count of people or things always; a measure only
    when the two agree on one figure of it, or give figures of it in one claim."""
    if quantity.split(",")[0] not in _MEASURES:
        return True
    if any(x.value == y.value for x, _ in xs for y, _ in ys):
        return True
    claims_x = {together.get((c.article, c.position)) for _, c in xs} - {None}
    return any(together.get((c.article, c.position)) in claims_x for _, c in ys)


def _clash(xs: list[Figure], ys: list[Figure]) -> bool:
    """Each side gives a figure that nothing on the other side fits."""
    return any(not any(x.fits(y) for y in ys) for x in xs) and any(not any(y.fits(x) for x in xs) for y in ys)


def date_differences(pool: list[Candidate]) -> list[NumberDifference]:
    """Sentences of two articles that give one figure of an event (the same count of the same unit: "sentenced to 18
    months") and name months that share none: the event dated differently."""
    said: dict[tuple[str, float], dict[int, list[tuple[set[int], Candidate]]]] = {}
    for c in pool:
        months = months_named(normalize(c.text))
        for figure in figures(c.text) if months else []:
            said.setdefault((figure.quantity, figure.value), {}).setdefault(c.article, []).append((months, c))
    out: dict[tuple, NumberDifference] = {}  # one per set of sentences, however many figures they share
    for by_article in said.values():
        involved = set()
        for x, y in itertools.combinations(by_article, 2):
            if all(mx.isdisjoint(my) for mx, _ in by_article[x] for my, _ in by_article[y]):
                involved |= {x, y}
        reports = _unique(tuple((a, c) for a in sorted(involved) for _, c in by_article[a]))
        if reports and reports not in out:
            values = {a: [MONTH_NAMES_EN[m - 1] for m in sorted(set().union(*(ms for ms, _ in by_article[a])))] for a in sorted(involved)}
            out[reports] = NumberDifference(Claim(reports[0][1].text, reports), values, quantity="date")
    return list(out.values())


# Ordinals (normalised: ى→ي, ة→ه, hamza dropped) and the place they name: "the first visit" against "the second visit".
_ORDINALS = {form: n for n, forms in enumerate(("اول الاول اولي الاولي", "ثاني الثاني ثانيه الثانيه", "ثالث الثالث ثالثه الثالثه",
                                                  "رابع الرابع رابعه الرابعه", "خامس الخامس خامسه الخامسه"), start=1) for form in forms.split()}
_BETWEEN = {"هي", "هو", "له", "لها"}  # "زيارة هي الأولى له": the noun, then the ordinal


def ordinal_differences(pool: list[Candidate], articles: int) -> list[NumberDifference]:
    """Things two articles number differently (the first visit, the second visit): the same noun with ordinals that
    share no value between two articles, among nouns a fifth of the story's articles number (CENTRAL_SHARE). "The first
    in 24 years" (an ordinal followed by منذ, since) is passed over: it counts within a span and agrees with "the
    second" overall."""
    said: dict[str, dict[int, list[tuple[int, str, Candidate]]]] = {}
    for c in pool:
        for noun, value, written in _ordinals_in(c.text):
            said.setdefault(noun, {}).setdefault(c.article, []).append((value, written, c))
    out = []
    for noun, by_article in said.items():
        values = {a: {v for v, _, _ in found} for a, found in by_article.items()}
        if len(by_article) < CENTRAL_SHARE * articles or not any(values[a].isdisjoint(values[b]) for a in values for b in values if a < b):
            continue
        reports = tuple((a, found[0][2]) for a, found in sorted(by_article.items()))
        values_written = {a: list(dict.fromkeys(w for _, w, _ in found)) for a, found in sorted(by_article.items())}
        out.append(NumberDifference(Claim(reports[0][1].text, reports), values_written, quantity="ordinal"))
    return out


def _ordinals_in(text: str) -> list[tuple[str, int, str]]:
    """(the noun's light stem, the ordinal's value, the ordinal as written) for each ordinal that numbers a noun."""
    written = re.findall(r"\w+", text)
    words = [normalize(w) for w in written]
    found = []
    for k, word in enumerate(words):
        if word not in _ORDINALS or "منذ" in words[k + 1 : k + 4]:
            continue
        if word == "اول" and k + 1 < len(words):  # أول زيارة: the noun follows
            noun = words[k + 1]
        else:  # الزيارة الثانية, زيارة هي الأولى: the noun comes before
            j = k - 1
            while j >= 0 and words[j] in _BETWEEN:
                j -= 1
            noun = words[j] if j >= 0 else ""
        if len(noun) > 2 and not noun[0].isdigit():
            found.append((light_stem(noun.removeprefix("ال")), _ORDINALS[word], written[k]))
    return found


def rising(by_article: dict[int, list[str]], articles: list[Article]) -> bool:
    """Whether each article gives one count, every article has a publication time, and the counts rise with the time:
    a toll reported at different hours, not a contradiction."""
    if any(len(v) != 1 or articles[a].published_at is None for a, v in by_article.items()):
        return False
    ordered = sorted(by_article.items(), key=lambda item: articles[item[0]].published_at or "")
    counts = [read_number(number_words(v[0]), 0)[0] for _, v in ordered]
    if any(c is None for c in counts):
        return False
    steps = [(articles[a].published_at, float(c.value)) for (a, _), c in zip(ordered, counts) if c is not None]
    # Each later report counts more; two at the same minute (a re-post) count the same.
    return len({n for _, n in steps}) > 1 and all(n < m if s < t else n == m for (s, n), (t, m) in zip(steps, steps[1:]))
