"""Turn a RawDocument into a clean Article: strip page furniture, find title, outlet and date.

Saved news pages carry a masthead, captions, app and share prompts, tracking tokens, a tag block,
and lists of other articles (sometimes whole other articles) after the main one. The cleaner works on
lines: it finds where the main article ends, drops furniture lines, and keeps every paragraph of the
main article unaltered.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from summarizer.arabic import detect_language, fold_letters, light_stem, normalize, word_count
from summarizer.dates import is_date_line, parse_date
from summarizer.outlets import OutletBook
from summarizer.records import Article, Problem, RawDocument


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a pattern written in plain Arabic so that it matches `normalize`d text."""
    return re.compile(fold_letters(pattern), flags)


# --- line patterns (matched against normalised text: see arabic.normalize) -------------------------

# Headings after which nothing belongs to the main article.
_RELATED = _rx(
    r"^(?:مقالات|اخبار|مواضيع|موضوعات|قصص|تقارير) (?:ذات صله|مشابهه|متعلقه|مرتبطه|قد تهمك|اخري)\b"
    r"|^(?:الاكثر|الاكثر) (?:قراءه|مشاهده|تداولا|تعليقا)\b"
    r"|^(?:ننصحك بقراءه|اخترنا لك|المزيد من الاخبار|اقرا المزيد|شاهد المزيد)\b"
    r"|^(?:related (?:articles|stories|news)|more (?:stories|news)|read more|most read)\b"
)
_TAGS = _rx(r"^(?:كلمات دلاليه|الكلمات الدلاليه|كلمات مفتاحيه|الكلمات المفتاحيه|الوسوم|وسوم|tags)\s*[:：]?")
# "اقرأ أيضاً:" alone heads a list (the rest goes); with a headline on the same line it is one link.
_READ_ALSO = _rx(r"^(?:اقرا|اقراوا|شاهد|طالع|قد يهمك) ?(?:ايضا|كذلك)?\b\s*[:：]?\s*(?P<rest>.*)$|^(?:see|read) also\b\s*:?\s*(?P<rest2>.*)$")
_SOURCE_LINE = _rx(r"^(?:المصدر|مصدر الخبر|source)\s*[:：]\s*(?P<value>.+)$", re.IGNORECASE)
_STAFF = _rx(
    r"^(?:رئيس (?:مجلس(?:ي)? )?(?:الاداره|التحرير)(?: والتحرير)?|رئيس التحرير التنفيذي|نائب رئيس التحرير"
    r"|مدير (?:عام )?التحرير|المدير العام|المدير التنفيذي|رئيس مجلس الاداره)\s*[:：]?\s*(?P<name>.*)$"
)
_APP_PROMPT = _rx(
    r"(?:تابع|تابعوا|تابعونا|تابعنا|حمل|حملوا|نزل|اشترك|اشتركوا|انضم|انضموا)\b.{0,50}"
    r"(?:تطبيق|google news|جوجل نيوز|غوغل نيوز|قناتنا|قناه|تلغرام|تليجرام|واتساب|يوتيوب|فيسبوك|تويتر|انستغرام|النشره)"
    r"|google news|جوجل نيوز"
)
_SHARE_WORDS = {normalize(w) for w in (
    "شارك", "شاركها", "شارك المقال", "مشاركه", "انشر", "نشر", "طباعه", "اطبع", "نسخ", "الرابط", "نسخ الرابط",
    "ارسل", "غرد", "عبر", "علي", "share", "print", "tweet", "email", "copy", "link", "facebook", "twitter",
    "whatsapp", "telegram", "linkedin", "فيسبوك", "تويتر", "واتساب", "تلغرام", "لينكدان", "x", "بريد", "البريد",
)}
_PHOTO_CREDIT = _rx(
    r"\((?:ا ?\. ?ف ?\. ?ب|ا ?\. ?ب|د ?\. ?ب ?\. ?ا|ا ?\. ?ش ?\. ?ا|ي ?\. ?ب ?\. ?ا|رويترز|غيتي|جيتي|الاناضول|وام|واس|سانا|قنا|كونا"
    r"|ارشيفيه|صوره ارشيفيه|ارشيف|مواقع التواصل|تواصل اجتماعي|انترنت|afp|reuters|ap|epa|getty(?: images)?|[^()]{0,30}صور[^()]{0,20})\)$"
)
_CAPTION_START = _rx(r"^(?:صوره|الصوره|صور|فيديو|بالفيديو|شاهد|photo|image)\s*[:：(]")
_TRACKING = re.compile(r"(?<![\w/=?&.])[A-Za-z0-9+/]{16,}={0,2}(?![\w=])")
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_PUBLISHED_LABEL = _rx(r"(?:تاريخ النشر|نشر في|نشر بتاريخ|نشر|تم النشر|published|posted|date)\b\s*[:：]?", re.IGNORECASE)
_UPDATED_LABEL = _rx(r"(?:اخر تحديث|تم التحديث|تحديث|updated)\b\s*[:：]?", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?؟…][\"'»”)\]]*$")
_SENTENCE_END = re.compile(r"[.…:：][\"'»”)\]]*$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass
class _Page:
    """What the line pass learns about a page besides its paragraphs."""

    headline: str | None = None
    stated_outlet: str | None = None
    published: str | None = None
    updated: str | None = None
    url: str | None = None


def clean_document(doc: RawDocument, book: OutletBook, outlet: str | None = None) -> Article | Problem:
    """A clean Article from one RawDocument, or a Problem when no article text is left."""
    page = _Page()
    paragraphs = _main_paragraphs(_lines(doc.text, doc.format), page, known_title=doc.title)
    if not paragraphs:
        return Problem(doc.source, "no article text left after removing page furniture", "check that the file holds an article")
    text = "\n\n".join(paragraphs)
    title = doc.title or page.headline
    stated = outlet or doc.outlet or page.stated_outlet
    url = doc.url or page.url
    return Article(
        id=doc.id or article_id(text),
        outlet=book.canonical(stated) if stated else book.from_url(url) or book.from_signatures(doc.text),
        title=title,
        published=doc.published or page.published or page.updated,
        url=url,
        language=doc.language or detect_language(text),
        text=text,
        source=doc.source,
        published_at=doc.published_at,
    )


def article_id(text: str) -> str:
    """Stable id: a hash of the normalised text, so the same article saved twice gets one id."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()[:16]


# --- the line pass --------------------------------------------------------------------------------


def _lines(text: str, fmt: str) -> list[str]:
    """Trimmed lines, blank ones kept as '' (they separate paragraphs); hard-wrapped blocks joined."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    raw = [" ".join(line.replace("\u00a0", " ").split()) for line in text.split("\n")]
    if fmt != "md":
        return raw  # saved page text: one paragraph a line
    return _join_hard_wraps([_MD_HEADING.sub("", line) for line in raw])


def _join_hard_wraps(lines: list[str]) -> list[str]:
    """Join a block of lines that were wrapped at a fixed width back into one paragraph."""
    out: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line:
            block.append(line)
            continue
        wrapped = len(block) > 1 and all(len(b) >= 50 and not _TERMINAL.search(b) and not b.endswith(":") for b in block[:-1])
        out.extend([" ".join(block)] if wrapped else block)
        out.append("")
        block = []
    return out[:-1]


# At most this many lines (headline included) with no body paragraph among them: a short text, kept as given.
_SHORT_TEXT_LINES = 2


def _main_paragraphs(lines: list[str], page: _Page, known_title: str | None) -> list[str]:
    lines = [_strip_tracking(line) for line in lines]
    norms = [normalize(line) for line in lines]
    counts = Counter(norm for norm in norms if norm)
    kept: list[str] = []
    short: list[str] = []  # lines set aside as too short for a body paragraph
    seen: set[str] = {normalize(known_title)} if known_title else set()  # a repeated headline goes
    in_header = True  # before the first body paragraph: masthead, section, headline, captions
    after_role = False  # the line after a masthead role ("رئيس التحرير") is the person's name
    links: int | None = None  # inside a "اقرأ أيضاً" box: how many linked headlines so far
    for line, norm in zip(lines, norms):
        if not line:
            after_role = False
            continue
        if after_role:
            after_role = False
            if word_count(line) <= 4 and not _TERMINAL.search(line):
                continue
        end = _article_end(line, norm, page, in_body=not in_header)
        if end == "end":
            break
        if end == "skip":
            continue
        if end == "read-also":
            links = 0
            continue
        if links is not None:
            if not _is_body(line):
                links += 1  # a linked headline
                continue
            # A box of several links sits inside the article (BBC Arabic puts them mid-text); one
            # headline followed by its lede is another article appended to the page, unless it
            # carries on the same story.
            if links < 2 and not _continues(line, kept):
                break
            links = None
        if in_header and known_title is None and page.headline is None and _looks_like_headline(line, norm):
            page.headline = line
            seen.add(norm)
            continue
        if norm in seen:
            continue  # the same paragraph twice: a repeated headline or a copy artefact
        if _is_furniture(line, norm, counts):
            after_role = in_header and bool(_STAFF.match(norm))
            continue
        if _URL_LINE.match(line):
            page.url = page.url or line
            continue
        if _dated(line, norm, page, in_header):
            continue
        body = _is_body(line)
        if in_header and not body and word_count(line) < 8:
            short.append(line)
            continue  # section labels, bylines, short captions above the article
        in_header = in_header and not body
        seen.add(norm)
        kept.append(line)
    if not kept and len(short) + bool(page.headline) <= _SHORT_TEXT_LINES:
        # A sentence or two given as they are (`echo … | summarizer translate -`, a short JSON text), not a page
        # whose body is missing: the text is what is left; a one-line text is its own body, not a headline.
        if short:
            kept = short
        elif page.headline:
            kept, page.headline = [page.headline], None
    return kept


def _article_end(line: str, norm: str, page: _Page, in_body: bool) -> str | None:
    """'end' where the main article stops, 'read-also' for a box of links, 'skip' for a marker line to drop."""
    source = _SOURCE_LINE.match(norm)
    if source and word_count(source["value"]) <= 6:
        if in_body:
            page.stated_outlet = _SOURCE_LINE.match(line)["value"].strip()
            return "end"
        return "skip"
    if _TAGS.match(norm) or _RELATED.match(norm):
        return "end" if in_body else "skip"
    read_also = _READ_ALSO.match(norm)
    if read_also:
        heads_a_list = not (read_also["rest"] or read_also["rest2"])
        return "read-also" if heads_a_list and in_body else "skip"  # with a headline: one link, dropped
    return None


def _content_words(text: str) -> set[str]:
    return {light_stem(w) for w in re.findall(r"\w{3,}", normalize(text)) if not w.isdigit()}


def _continues(paragraph: str, kept: list[str], share: float = 0.2) -> bool:
    """True when a paragraph shares enough content words with the article kept so far."""
    words = _content_words(paragraph)
    if not words:
        return False
    before = _content_words(" ".join(kept))
    return len(words & before) >= share * len(words)


def _is_furniture(line: str, norm: str, counts: Counter[str]) -> bool:
    """Lines that are never part of an article, wherever they stand."""
    if re.fullmatch(r"[A-Za-z]{1,3}|[\W_]+", line):
        return True  # a lone site mark ("TT") or a row of symbols
    words = word_count(line)
    if _STAFF.match(norm) and words <= 8:
        return True
    if words <= 20 and _APP_PROMPT.search(norm):
        return True
    if words <= 8 and all(w.strip(":：|-•") in _SHARE_WORDS for w in norm.split()):
        return True
    if not _TERMINAL.search(line) and words <= 30:
        if counts[norm] > 1:
            return True  # a caption repeated under a photo and in a gallery
        if _is_caption(norm):
            return True
    return False


def _is_caption(norm: str) -> bool:
    return bool(_PHOTO_CREDIT.search(norm) or _CAPTION_START.match(norm))


# A dateline: the place and the agency, then the dashes the story's first sentence follows ("دبي (CNN)--").
_DATELINE = re.compile(r"(?:\([^()]{1,30}\)\s*)?[-–—]{1,2}\s*$")


def _looks_like_headline(line: str, norm: str) -> bool:
    """A short first line that does not end like a sentence (a question mark may end a headline), nor a dateline."""
    words = word_count(line)
    return (
        3 <= words <= 30
        and not _SENTENCE_END.search(line)
        and not _DATELINE.search(line)
        and not _is_caption(norm)
        and not _STAFF.match(norm)
        and not _APP_PROMPT.search(norm)
        and not is_date_line(line)
    )


def _is_body(line: str) -> bool:
    """A line that reads as a paragraph of the article rather than a label."""
    words = word_count(line)
    return (words >= 6 and bool(_TERMINAL.search(line))) or words >= 25


def _dated(line: str, norm: str, page: _Page, in_header: bool) -> bool:
    """Record a publication date line and report it as consumed; masthead dates are ignored."""
    if word_count(line) > 14:
        return False
    label = _PUBLISHED_LABEL.match(norm)
    updated = None if label else _UPDATED_LABEL.match(norm)
    labelled = label or updated
    if not (is_date_line(norm[labelled.end():]) if labelled else is_date_line(line)):
        return False
    date = parse_date(line)
    if date is None:
        return False
    if label:
        page.published = page.published or date.isoformat()
    elif updated:
        page.updated = page.updated or date.isoformat()
    elif in_header and page.headline is not None:
        page.published = page.published or date.isoformat()  # a date under the headline: the byline
    # A date line above the headline is the masthead's "today", not when the article was published.
    return True


def _strip_tracking(line: str) -> str:
    """Remove base64-looking tracking tokens; a line that was mostly token (plus a site tag) goes."""
    tokens = [m for m in _TRACKING.finditer(line) if _looks_like_token(m.group())]
    if not tokens:
        return line
    rest = line
    for m in reversed(tokens):
        rest = rest[: m.start()] + rest[m.end() :]
    rest = " ".join(rest.split())
    return "" if word_count(rest) <= 4 and not _TERMINAL.search(rest) else rest


def _looks_like_token(token: str) -> bool:
    if token.endswith("="):
        return True
    return any(c.isdigit() for c in token) and any(c.isupper() for c in token) and any(c.islower() for c in token)
