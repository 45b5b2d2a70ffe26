"""Numbers as values, in Arabic and English: digits, number words, scale words, ordinals and decades.

"nineteen" and 19, "السابع" and "7th", "ستينيات" and "1960s", "10 آلاف" and "10,000", "4 ملايين" and
"four million" are the same numbers; a check that compares digit strings flags every one of them. Each
number found is a Quantity: its value, and whether it is weak. Weak numbers are one and two written as
words (or first and second): Arabic says them with the singular and the dual (ضابطين, "two officers",
has no number word), so their absence on the other side says nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from summarizer.arabic import normalize, to_western_digits


@dataclass(frozen=True)
class Quantity:
    """A number found in a text: its value (decades as 'NNs') and whether its absence elsewhere proves nothing."""

    value: str
    weak: bool = False
    text: str = ""  # as found (normalised): what a flag shows
    other: str = ""  # a second reading it may stand for: 20.000 is 20 in English, 20,000 in much Arabic writing


def _forms(spec: str) -> dict[str, int]:
    """'form|form:value ...' as a table of normalised forms."""
    table = {}
    for item in spec.split():
        forms, value = item.rsplit(":", 1)
        for form in forms.split("|"):
            table[normalize(form)] = int(value)
    return table


_AR_UNITS = _forms(
    "واحد|واحدة:1 اثنان|اثنين|اثنتان|اثنتين|اثنا|اثني|اثنتا|اثنتي:2 ثلاث|ثلاثة:3 أربع|أربعة:4 خمس|خمسة:5 ست|ستة:6 سبع|سبعة:7 "
    "ثمان|ثماني|ثمانية:8 تسع|تسعة:9 عشر|عشرة:10 أحد|إحدى:1 "
    "ثنائي|ثنائية:2 ثلاثي|ثلاثية:3 رباعي|رباعية:4 خماسي|خماسية:5 سداسي|سداسية:6"
)
_AR_FOLD = _forms("ثنائي|ثنائية:2 ثلاثي|ثلاثية:3 رباعي|رباعية:4 خماسي|خماسية:5 سداسي|سداسية:6")  # -fold, -lateral
_AR_TENS = _forms(
    "عشرون|عشرين:20 ثلاثون|ثلاثين:30 أربعون|أربعين:40 خمسون|خمسين:50 ستون|ستين:60 سبعون|سبعين:70 ثمانون|ثمانين:80 "
    "تسعون|تسعين:90"
)
_AR_HUNDREDS = _forms(
    "مئة|مائة:100 مئتان|مئتين|مائتان|مائتين:200 ثلاثمئة|ثلاثمائة:300 أربعمئة|أربعمائة:400 خمسمئة|خمسمائة:500 "
    "ستمئة|ستمائة:600 سبعمئة|سبعمائة:700 ثمانمئة|ثمانمائة|ثمانيمئة:800 تسعمئة|تسعمائة:900"
)
# Scale words: the value they multiply by, and for the dual forms the count they carry (ألفين = 2 × 1000).
_AR_SCALES = _forms("ألف|آلاف|الاف:1000 مليون|ملايين:1000000 مليار|مليارات|بليون:1000000000")
_AR_SCALE_DUALS = _forms("ألفان|ألفين|ألفي:1000 مليونان|مليونين|مليوني:1000000 ملياران|مليارين|ملياري:1000000000")
_AR_ORDINALS = _forms(
    "أول|الأول|الأولى|أولى:1 ثاني|الثاني|الثانية|ثانية:2 ثالث|الثالث|الثالثة|ثالثة:3 رابع|الرابع|الرابعة|رابعة:4 "
    "خامس|الخامس|الخامسة|خامسة:5 سادس|السادس|السادسة|سادسة:6 سابع|السابع|السابعة|سابعة:7 ثامن|الثامن|الثامنة|ثامنة:8 "
    "تاسع|التاسع|التاسعة|تاسعة:9 عاشر|العاشر|العاشرة|عاشرة:10 حادي|الحادي:1"
)
_AR_DECADES = _forms(
    "عشرينيات|العشرينيات|عشرينات|العشرينات:20 ثلاثينيات|الثلاثينيات|ثلاثينات|الثلاثينات:30 أربعينيات|الأربعينيات|أربعينات|الأربعينات:40 "
    "خمسينيات|الخمسينيات|خمسينات|الخمسينات:50 ستينيات|الستينيات|ستينات|الستينات:60 سبعينيات|السبعينيات|سبعينات|السبعينات:70 "
    "ثمانينيات|الثمانينيات|ثمانينات|الثمانينات:80 تسعينيات|التسعينيات|تسعينات|التسعينات:90"
)
_EN_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_EN_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_EN_SCALES = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "mn": 1_000_000}
_EN_ORDINALS = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth "
    "sixteenth seventeenth eighteenth nineteenth twentieth".split(), start=1)} | {"thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100}
_EN_DECADES = {w: 10 * i for i, w in enumerate("twenties thirties forties fifties sixties seventies eighties nineties".split(), start=2)}
# An English word made of a number and a noun (fourballs, foursomes, twofold).
_EN_COMPOUND = re.compile(r"(two|three|four|five|six|seven|eight|nine|ten)(?:fold|somes?|balls?)")
_GLUED = ("و", "ب", "ل", "ف", "وب", "ول", "لل")  # conjunctions and prepositions written onto an Arabic word
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th|s|'s)?|[^\W\d]+|:")  # digits apart from letters: و1,300 is و + 1,300


def _arabic_word(token: str, table: dict[str, int]) -> int | None:
    """The value of an Arabic word in a table, looking through glued conjunctions and prepositions (and ال)."""
    if token in table:
        return table[token]
    for prefix in _GLUED:
        if token.startswith(prefix) and len(token) > len(prefix) + 1:
            rest = token[len(prefix) :]
            if rest in table:
                return table[rest]
            if rest.startswith("ال") and rest[2:] in table:
                return table[rest[2:]]
            if prefix == "لل" and "ال" + rest in table:
                return table["ال" + rest]
    if token.startswith("ال") and token[2:] in table:
        return table[token[2:]]
    if token.endswith("ا") and len(token) > 3:  # the accusative's alif (مليونًا, ألفًا, عشرينا): the word itself
        return _arabic_word(token[:-1], table)
    return None


def _has_article(token: str) -> bool:
    """Whether an Arabic word carries the article ال (after a glued preposition or conjunction)."""
    return any(token.startswith(p + "ال") for p in ("", *_GLUED)) or token.startswith("لل")


def _digits(token: str) -> float | None:
    """The value of a token of digits (1,300 → 1300; 3.5 and 3,5 → 3.5), or None."""
    raw = token
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):
        raw = raw.replace(",", "")
    raw = raw.replace(",", ".")
    try:
        return float(raw) if raw.count(".") <= 1 else None
    except ValueError:
        return None


def _value(number: float) -> str:
    return str(int(number)) if number == int(number) else f"{number:g}"


_SUPERSCRIPTS = re.compile("[\u00b2\u00b3\u00b9\u2070-\u2079]")  # km², m³: a unit's power, not a number
_ARABIC_DECIMAL_COMMA = re.compile("(?<=\\d)\u060c(?=\\d)")  # 15،00 is 15,00
# Roman numerals of a name (Louis XVI, Tupua Tamasese Lealofi III, World War II): the number the Arabic says.
# Only I, V and X: regnal numbers stay under 40, and DC, CD, MD are far more often abbreviations.
_ROMAN = re.compile(r"(?<=[A-Za-z] )X{0,3}(?:IX|IV|V?I{0,3})\b")
_ROMAN_VALUES = {"X": 10, "V": 5, "I": 1}


def _roman(match: re.Match) -> str:
    numeral = match.group(0)
    if len(numeral) < 2:  # I, V, X alone are a pronoun, a letter or a mark far more often
        return numeral
    values = [_ROMAN_VALUES[c] for c in numeral]
    return str(sum(-v if v < w else v for v, w in zip(values, values[1:] + [0])))


# Money in English shorthand: £125m, $40k (m is metres elsewhere: a 25m wall).
_MONEY_SCALE = re.compile(r"([£$€]\s?\d+(?:[.,]\d+)*)\s?([mk])\b")
_MONEY_SCALES = {"m": " million", "k": " thousand"}
# A span of years with the second's century left off: 1950-53 is 1950 to 1953.
_YEAR_SPAN = re.compile(r"\b(1[5-9]|20)(\d\d)([-–])(\d\d)\b")


def _year_span(match: re.Match) -> str:
    century, first, dash, second = match.groups()
    return match.group(0) if second <= first else f"{century}{first}{dash}{century}{second}"


def quantities(text: str) -> list[Quantity]:
    """The numbers of an Arabic or English text, in order, as values."""
    text = _ROMAN.sub(_roman, _ARABIC_DECIMAL_COMMA.sub(",", _SUPERSCRIPTS.sub("", text)))
    text = _YEAR_SPAN.sub(_year_span, _MONEY_SCALE.sub(lambda m: m.group(1) + _MONEY_SCALES[m.group(2)], text))
    tokens = words(text)
    found: list[Quantity] = []
    i = 0
    while i < len(tokens):
        quantity, after = read_number(tokens, i)
        if quantity is not None:
            # A decade's century (ثلاثينيات القرن العشرين) is in the years English gives it ("the 1930s").
            of_decade = i >= 2 and tokens[i - 1] in _CENTURY and bool(found) and found[-1].value.endswith("s")
            weak = quantity.weak or of_decade
            found.append(Quantity(quantity.value, weak, " ".join(tokens[i:after]), quantity.other))
        i = after
    return found


def words(text: str) -> list[str]:
    """A text's words and numbers as read_number reads them: normalised, Western digits, digits apart from letters."""
    return _TOKEN.findall(to_western_digits(normalize(text)))


_CENTURY = {normalize(w) for w in "القرن قرن للقرن بالقرن".split()}
_AR_DAY_TIMES = {normalize(w) for w in "صباحا مساء ظهرا عصرا فجرا ليلا".split()}  # tanween is normalised away (صباحاً)


def is_ordinal(word: str) -> bool:
    """Whether a normalised word is an ordinal (الرابعة, third), which numbers a place in a row, not a count."""
    return word in _EN_ORDINALS or _arabic_word(word, _AR_ORDINALS) is not None


def read_number(tokens: list[str], i: int) -> tuple[Quantity | None, int]:
    """The number starting at token i (if any), and the index after it."""
    token = tokens[i]
    time = re.fullmatch(r"(\d{1,2})\.([0-5]\d)", token)
    if time and i + 1 < len(tokens) and (tokens[i + 1] in ("am", "pm", "a", "p") or tokens[i + 1] in _AR_DAY_TIMES):
        # 5.30pm and 7.55 صباحا are 5:30 and 7:55; the other side may give the time plainly (7.55), the second reading.
        return Quantity(_value(int(time.group(1)) + int(time.group(2)) / 60), other=_value(float(token))), i + 1
    if re.fullmatch(r"\d{1,2}", token) and i + 2 < len(tokens) and tokens[i + 1] == ":" and re.fullmatch(r"\d\d", tokens[i + 2]):
        minutes = tokens[i + 2]  # a time: 12:00 is 12 o'clock (12.00 in English), 8:30 is 8.5
        return Quantity(_value(int(token) + int(minutes) / 60)), i + 3
    century = re.fullmatch(r"(1[0-9]|20)00'?s", token)
    if century:  # the 1800s: the nineteenth century (القرن التاسع عشر)
        return Quantity(str(int(century.group(1)) + 1)), i + 1
    decade = re.fullmatch(r"((?:1[0-9]|20)?)(\d)0'?s", token)
    if decade:
        # A decade without its century may be an age or a temperature ("in his 40s", "80s from the Plains"), which
        # the other side may give as the round number (بسن الأربعين): the second reading.
        return Quantity(f"{decade.group(2)}0s", other="" if decade.group(1) else f"{decade.group(2)}0"), i + 1
    ordinal = re.fullmatch(r"(\d+(?:,\d{3})*)(?:st|nd|rd|th)", token)
    if ordinal:
        return Quantity(ordinal.group(1).replace(",", "")), i + 1
    for table in (_AR_DECADES, _EN_DECADES):
        value = table.get(token) if table is _EN_DECADES else _arabic_word(token, table)
        if value is not None:
            return Quantity(f"{value}s"), i + 1
    if re.fullmatch(r"(?:[01]\d|2[0-3])[0-5]\d", token) and i + 1 < len(tokens) and tokens[i + 1] in ("gmt", "utc"):
        return Quantity(_value(int(token[:2]) + int(token[2:]) / 60)), i + 1  # 1200 GMT is 12:00
    if re.fullmatch(r"\d+(?:[.,]\d+)*", token):
        number = _digits(token)
        if number is None:
            return None, i + 1
        scale, after = _scale(tokens, i + 1)
        other = _value(int(token.replace(".", "")) * scale) if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", token) else ""
        return Quantity(_value(number * scale), other=other), after
    if token in _EN_TENS and i + 1 < len(tokens) and tokens[i + 1] in _EN_ORDINALS:  # twenty-fourth
        return Quantity(str(_EN_TENS[token] + _EN_ORDINALS[tokens[i + 1]])), i + 2
    value, after, weak = _number_words(tokens, i)
    if value is not None:
        return Quantity(_value(value), weak), after
    compound = _EN_COMPOUND.fullmatch(token)
    if compound:  # fourballs, foursomes, threefold: the number a translation may give as one (الأربع كرات) or not
        return Quantity(str(_EN_UNITS[compound.group(1)]), weak=True), i + 1
    if token in _EN_ORDINALS and i > 0 and tokens[i - 1] in ("a", "one"):
        # "a third", "one-third": a fraction, which Arabic says in a word of its own (ثلث); or "a third defeat" (الثالثة).
        return Quantity(str(_EN_ORDINALS[tokens[i]]), weak=True), i + 1
    for table in (_EN_ORDINALS, _AR_ORDINALS):
        value = table.get(token) if table is _EN_ORDINALS else _arabic_word(token, table)
        if value is not None:
            after = i + 1
            if table is _AR_ORDINALS and after < len(tokens):
                if _arabic_word(tokens[after], _AR_UNITS) == 10:  # الخامس عشر, the fifteenth
                    value, after = value + 10, after + 1
                elif tokens[after].startswith("و") and _arabic_word(tokens[after], _AR_TENS):  # الرابع والعشرين
                    value, after = value + _arabic_word(tokens[after], _AR_TENS), after + 1
            return Quantity(str(value), weak=value <= 2), after
    return None, i + 1


def _scale(tokens: list[str], i: int) -> tuple[int, int]:
    """A scale word at token i (thousand, آلاف, million …): its multiplier and the index after; else 1."""
    if i < len(tokens):
        value = _EN_SCALES.get(tokens[i]) or _arabic_word(tokens[i], _AR_SCALES)
        if value:
            return value, i + 1
    return 1, i


def _number_words(tokens: list[str], i: int) -> tuple[float | None, int, bool]:
    """A number written in words from token i ("خمسة وعشرون ألفا", "twenty-five thousand"): value, next index, weak."""
    total = current = 0
    start, seen = i, False
    while i < len(tokens):
        token = tokens[i]
        if seen and token == "and" and i + 1 < len(tokens) and (tokens[i + 1] in _EN_UNITS or tokens[i + 1] in _EN_TENS):
            i += 1  # "two hundred and five"; not "more than one and less than 48"
            continue
        english = token in _EN_UNITS or token in _EN_TENS or token == "hundred" or token in _EN_SCALES
        if english and (token in _EN_UNITS or token in _EN_TENS) and current % 100 and (token in _EN_TENS or current % 10):
            break  # English puts no number word after a unit ("a one two" finish), nor tens after tens
        unit = _EN_UNITS.get(token) if english else _arabic_word(token, _AR_UNITS)
        tens = _EN_TENS.get(token) if english else _arabic_word(token, _AR_TENS)
        hundreds = None if english else _arabic_word(token, _AR_HUNDREDS)
        scale = _EN_SCALES.get(token) if english else _arabic_word(token, _AR_SCALES)
        dual = None if english else _arabic_word(token, _AR_SCALE_DUALS)
        if unit is not None:
            # Arabic 11–19: a unit then عشر/عشرة ("ثلاثة عشر"); after a unit, another unit ends the number.
            current = current + unit if not (unit == 10 and 0 < current < 10 and not english) else current + 10
        elif tens is not None:
            current += tens
        elif token == "hundred":
            current = (current or 1) * 100
        elif hundreds is not None and hundreds == 100 and _has_article(token):
            break  # في المئة, per cent: المئة with the article is a percent sign, not a hundred
        elif hundreds is not None:
            current += hundreds
        elif dual is not None:
            total, current = total + (current or 2) * dual if current else total + 2 * dual, 0
        elif scale is not None and seen:
            total, current = total + (current or 1) * scale, 0
        elif scale is not None:
            return scale, i + 1, True  # a scale word alone ("several million", "ملايين"): how many is not said
        else:
            break
        seen = True
        i += 1
    if not seen:
        return None, start + 1, False
    value = total + current
    words = tokens[start:i]
    # One or two alone (Arabic says them with the dual), or "threefold" (ثلاثي: a trilateral summit, the Tri Nations),
    # which a translation may give as a number or not: never reported, still matched.
    weak = len(words) == 1 and (value <= 2 or _arabic_word(words[0], _AR_FOLD) is not None)
    return value, i, weak


def missing_and_extra(source: str, target: str) -> tuple[list[str], list[str]]:
    """Numbers of the source not in the target, and of the target not in the source, as written (each once).

    Compared as multisets of values. A weak number (one or two in words, الأحد read as "one") is never
    reported, but pairs with a match on the other side; it never makes a plain number of its own side look
    unmatched (الفئة 1 … يوم الأحد against "Category 1 … Sunday").
    """
    a, b = quantities(source), quantities(target)
    left, right = Counter(q.value for q in a), Counter(q.value for q in b)
    for side, this, that in ((a, left, right), (b, right, left)):  # a second reading counts where the first finds no match
        for k, q in enumerate(side):
            if q.other and this[q.value] > that[q.value] and that[q.other] > this[q.other]:
                this[q.value] -= 1
                this[q.other] += 1
                side[k] = Quantity(q.other, q.weak, q.text)

    def unmatched(side: list[Quantity], other: Counter) -> list[str]:
        plain = Counter(q.value for q in side if not q.weak)
        return list(dict.fromkeys(q.text for q in side if not q.weak and plain[q.value] > other[q.value]))

    return unmatched(a, right), unmatched(b, left)
