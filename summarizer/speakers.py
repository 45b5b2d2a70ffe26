"""Who says what: the speaker a verb of saying names in an Arabic sentence, after the verb ("قال كيم") or before it
("الزعيم كيم قال"), and the speaker of a quote."""

from __future__ import annotations

import re

from summarizer.arabic import normalize

# Verbs of saying, past and present, that may follow their speaker (_SAID_BY) or come before it (_SAYS, which also
# takes يضيف, يعلن, ذكر and يحذر).
_SAYING = "قال|قالت|يقول|تقول|أكد|أكدت|يؤكد|تؤكد|أضاف|أضافت|أعلن|أعلنت|صرح|صرحت|أوضح|أوضحت|حذر|حذرت"
# A verb of saying ("وتقول كوريا الجنوبية إن ..."), then the speaker, then what was said.
_SAYS = re.compile(
    rf"(?:^|\s)(?:و|ف)?(?:{_SAYING}|يضيف|تضيف|يعلن|تعلن|ذكر|ذكرت|يحذر|تحذر)\s+"
    r"(?P<who>(?:[^\s،,:«\"]+\s+){0,5}?[^\s،,:«\"]+)\s*(?:،|,|:|إن|أن|بأن|في)"
)
# The speaker before the verb, after أن, إن or a comma ("ذكرت الوكالة أن الزعيم كيم جونغ أون قال في رسالة ... إن بلاده «...»").
_SAID_BY = re.compile(
    r"(?:^|[،,]|\s(?:أن|إن|بأن))\s*(?P<who>(?:(?!(?:أن|إن|بأن)\s)[^\s،,:«\"]+\s+){0,4}?(?!(?:أن|إن|بأن)\s)[^\s،,:«\"]+)\s+"
    rf"(?P<verb>(?:و|ف)?(?:{_SAYING}))(?=\s)"
)
# Praise quotes its words as the object, after بـ ("وأشاد كيم الأسبوع الماضي بمستقبل «...»"): the speaker all the same.
_PRAISES = re.compile(
    r"(?:^|\s)(?:و|ف)?(?:أشاد|أشادت|يشيد|تشيد|أثنى|أثنت)\s+(?P<who>(?:[^\s،,:«\"]+\s+){0,7}?[^\s،,:«\"]+)\s+ب"
)
# Where a speaker's name ends: the day, the time, or to whom or where it was said.
_SPEAKER_END = {
    normalize(w)
    for w in "اليوم أمس الإثنين الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد الأسبوع مساء صباح في خلال لوسائل لصحيفة لوكالة لقناة لشبكة لموقع للصحفيين للصحافيين للصحافة بحسب".split()
}


def speaker_of(head: str) -> str | None:
    """Who says the quote that follows head: the speaker of the verb of saying nearest the quote; a name after its verb
    ("قال كيم") before one before it ("الزعيم كيم قال"), which only counts where no name follows the verb."""
    after = sorted([*_SAYS.finditer(head), *_PRAISES.finditer(head)], key=lambda x: x.start())
    before = list(_SAID_BY.finditer(head))
    if before and (not after or before[-1].start("verb") >= after[-1].end()):
        chosen = before[-1]
    elif after:
        chosen = after[-1]
    else:
        return None
    end = _speaker_end(chosen)
    return " ".join(head[chosen.start("who") : end].split()) if end is not None else None


def speaker(sentence: str) -> str | None:
    """Who the sentence says says what it says: the speaker of its first verb of saying (None when it has none)."""
    span = speaker_span(sentence)
    return sentence[span[0] : span[1]] if span else None


def speaker_span(sentence: str) -> tuple[int, int] | None:
    """Where the sentence names the speaker of its first verb of saying: (start, end) in the sentence."""
    found = [*_SAYS.finditer(sentence), *_PRAISES.finditer(sentence), *_SAID_BY.finditer(sentence)]
    if not found:
        return None
    first = min(found, key=lambda m: m.start("verb") if "verb" in m.re.groupindex else m.start())
    end = _speaker_end(first)
    return (first.start("who"), end) if end is not None else None


def _speaker_end(match: re.Match[str]) -> int | None:
    """Where a verb of saying's speaker ends in the text: before the day, the time, or to whom or where it was said
    (None when the words after the verb are only those)."""
    end = None
    for word in re.finditer(r"\S+", match["who"]):
        if normalize(word.group(0)) in _SPEAKER_END:
            break
        end = match.start("who") + word.end()
    return end
