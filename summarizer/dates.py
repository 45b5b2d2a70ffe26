"""Find dates written the way Arabic news pages write them: month names of every region, weekdays, ISO."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass

from summarizer.arabic import normalize

# Month names after `normalize` (alef/hamza folded, ة→ه, ى→ي): Egyptian/Gulf, Levantine/Iraqi,
# Maghrebi, and English.
_MONTH_NAMES = [
    ("يناير", 1), ("كانون الثاني", 1), ("جانفي", 1), ("january", 1), ("jan", 1),
    ("فبراير", 2), ("شباط", 2), ("فيفري", 2), ("february", 2), ("feb", 2),
    ("مارس", 3), ("اذار", 3), ("march", 3), ("mar", 3),
    ("ابريل", 4), ("نيسان", 4), ("افريل", 4), ("april", 4), ("apr", 4),
    ("مايو", 5), ("ايار", 5), ("ماي", 5), ("may", 5),
    ("يونيو", 6), ("يونيه", 6), ("حزيران", 6), ("جوان", 6), ("june", 6), ("jun", 6),
    ("يوليو", 7), ("يوليه", 7), ("تموز", 7), ("جويليه", 7), ("july", 7), ("jul", 7),
    ("اغسطس", 8), ("اب", 8), ("اوت", 8), ("august", 8), ("aug", 8),
    ("سبتمبر", 9), ("ايلول", 9), ("september", 9), ("sept", 9), ("sep", 9),
    ("اكتوبر", 10), ("تشرين الاول", 10), ("october", 10), ("oct", 10),
    ("نوفمبر", 11), ("تشرين الثاني", 11), ("november", 11), ("nov", 11),
    ("ديسمبر", 12), ("كانون الاول", 12), ("december", 12), ("dec", 12),
]
_MONTHS = dict(_MONTH_NAMES)
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))

WEEKDAYS = ("السبت", "الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه")
_WEEKDAY_ALT = "|".join(WEEKDAYS) + "|saturday|sunday|monday|tuesday|wednesday|thursday|friday"

# "18 يونيو/حزيران 2024", "18 حزيران (يونيو) 2024", "الجمعة 22 نوفمبر 2024": a second month name
# after / or in brackets is the same month in the other naming system.
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(?P<day>[0-3]?\d)\s*(?:من\s+)?(?:شهر\s+)?(?P<month>{_MONTH_ALT})"
    rf"(?:\s*[/(-]\s*(?:{_MONTH_ALT})\s*\)?)?\s*,?\s*(?:عام\s+|سنه\s+)?(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<month>{_MONTH_ALT})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?:[T ][0-2]\d:[0-5]\d(?::[0-5]\d)?(?:\.\d+)?(?:Z|[+-][0-2]\d:?[0-5]\d)?)?\b", re.IGNORECASE)
_NUMERIC = re.compile(r"\b(?P<day>[0-3]?\d)[/.-](?P<month>[01]?\d)[/.-](?P<year>(?:19|20)\d\d)\b")
_YEAR_NUMERIC = re.compile(r"\b(?P<year>(?:19|20)\d\d)/(?P<month>[01]?\d)/(?P<day>[0-3]?\d)\b")
_TIME = re.compile(r"\b[0-2]?\d:[0-5]\d(?::[0-5]\d)?\s*(?:ص|م|am|pm|gmt|utc)?\b")
_WEEKDAY = re.compile(rf"(?:يوم\s+)?\b(?:{_WEEKDAY_ALT})\b")


@dataclass(frozen=True)
class FoundDate:
    """A date found in text, with where it sits in the *normalised* text."""

    date: dt.date
    start: int
    end: int


def _month_number(token: str) -> int:
    return int(token) if token.isdigit() else _MONTHS[token]


# Month names that are also common words (مارس "practised", اب "father", ماي, may): a month only beside a number or
# the other calendar's name ("مارس/ اذار", "9 اب").
_AMBIGUOUS_MONTHS = {"مارس", "اب", "ماي", "may", "mar", "jan", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "feb", "apr"}
_MONTH_WORD = re.compile(rf"(?<!\w)(?:{_MONTH_ALT})(?!\w)", re.IGNORECASE)
MONTH_NAMES_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def month_of(word: str) -> int | None:
    """The month a normalised word names, if it is a month name (any calendar's), else None."""
    return _MONTHS.get(word.lower())


def months_named(text: str) -> set[int]:
    """The months a normalised text names: "في فبراير/شباط العام الماضي" names February."""
    found = set()
    for m in _MONTH_WORD.finditer(text):
        name = m.group(0).lower()
        beside = text[max(0, m.start() - 3) : m.start()] + text[m.end() : m.end() + 3]
        if name not in _AMBIGUOUS_MONTHS or re.search(r"[\d/()]", beside):
            found.add(_MONTHS[name])
    return found


def find_dates(text: str) -> list[FoundDate]:
    """Every calendar date written in text, in order of appearance."""
    norm = normalize(text)
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_ISO, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _YEAR_NUMERIC, _NUMERIC):
        for m in pattern.finditer(norm):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            try:
                date = dt.date(int(m["year"]), _month_number(m["month"]), int(m["day"]))
            except (ValueError, KeyError):
                continue
            found.append(FoundDate(date, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def parse_date(text: str) -> dt.date | None:
    """The first date written in text, or None."""
    found = find_dates(text)
    return found[0].date if found else None


def is_date_line(line: str) -> bool:
    """True when a line holds a date and little else (weekday, time, separators)."""
    found = find_dates(line)
    if not found:
        return False
    rest = normalize(line)
    for f in reversed(found):
        rest = rest[: f.start] + " " + rest[f.end :]
    rest = _TIME.sub(" ", _WEEKDAY.sub(" ", rest))
    rest = re.sub(r"[\s,،|/\-–—:()\[\]]+|\b(?:الموافق|هـ|م)\b", " ", rest)
    return len(rest.split()) <= 1


def parse_iso(value: str | None) -> str | None:
    """Normalise a date given in metadata (ISO, or any form find_dates reads) to YYYY-MM-DD."""
    if not value:
        return None
    value = value.strip()
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        date = parse_date(value)
        return date.isoformat() if date else None


def parse_instant(value: str | None) -> str | None:
    """The moment a metadata date-time names, in UTC (YYYY-MM-DDTHH:MMZ); None unless it gives a time of day and its
    zone (ISO 8601 as in JSON and page metadata, or RFC 822 as in feeds): a time without a zone cannot be ordered
    against another outlet's."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None or ":" not in value:  # no zone, or a day alone (with a zone)
        return None
    return utc_minute(moment)


def utc_minute(moment: dt.datetime) -> str:
    """A zoned date-time as UTC to the minute (YYYY-MM-DDTHH:MMZ)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


def shift(day: dt.date, days: int) -> dt.date:
    """The day `days` after (or before) `day`, held at the first or last day a date can be (0001-01-01, 9999-12-31)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min
