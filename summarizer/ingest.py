"""Read inputs (files, folders, globs, stdin) of every supported format into RawDocuments.

Bad input never stops a run: each one becomes a `Problem` record naming the file and the reason,
and the caller reports it and goes on with the rest.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import email
import email.policy
import glob
import json
import re
import sys
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from summarizer.dates import parse_instant, parse_iso, utc_minute
from summarizer.records import Problem, RawDocument, Source
from summarizer.settings import MB, Settings
from summarizer.warc import SUFFIXES, PageFacts, is_warc, read_warc

TEXT_FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md"}
HTML_FORMATS = {".html": "html", ".htm": "html", ".xhtml": "html", ".mhtml": "mhtml", ".mht": "mhtml"}
JSON_FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
FORMATS = {**TEXT_FORMATS, **HTML_FORMATS, **JSON_FORMATS}
SUPPORTED = ", ".join(sorted([*FORMATS, *SUFFIXES]))
STDIN = "-"

MIN_HTML_WORDS = 5  # fewer words of main text than a headline has: a page's menu or shell, not an article

_META_FIELDS = ("id", "title", "outlet", "published", "url", "language")


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept."""


# --- finding inputs -------------------------------------------------------------------------------


def expand_paths(paths: Iterable[str]) -> Iterator[Path | str | Problem]:
    """Files named, found in folders (recursively) or matched by globs, in a stable order; '-' is stdin."""
    seen: set[Path] = set()
    for spec in paths:
        if spec == STDIN:
            yield STDIN
            continue
        path = Path(spec)
        if path.is_dir():
            entries = sorted(p for p in path.rglob("*") if not _hidden(p.relative_to(path)))
            for dead in (p for p in entries if p.is_symlink() and not p.exists()):  # is_file() says no to these quietly
                yield Problem(Source(str(dead)), "a link that leads nowhere (a loop or a missing file)", "remove it or point it at a file")
            candidates = [p for p in entries if p.is_file()]
        elif path.exists():
            candidates = [path]
        else:
            candidates = [Path(p) for p in sorted(glob.glob(spec, recursive=True)) if Path(p).is_file()]
            if not candidates:
                yield Problem(Source(spec), "no such file, folder or matching glob", "check the path")
                continue
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


# --- decoding -------------------------------------------------------------------------------------

# Frequent Arabic letter pairs and words: text decoded with the right single-byte code page is full
# of them; the wrong one turns them into other letters.
_ARABIC_MARKERS = ("ال", "في", "من", "على", "ان", "لا", "ما", "و")


REPAIRED = "utf-8 with "  # how decode_bytes names UTF-8 read with a few stray bytes replaced


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not), UTF-16, Windows-1256 or ISO-8859-6; return (text, encoding)."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), "utf-16"
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16), utf16
    if b"\x00" in data:
        raise DecodeError("binary data (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    repaired = _mostly_utf8(data)  # before the code pages, which would read a stray byte's UTF-8 file as mojibake
    if repaired is not None:
        return repaired
    best: tuple[float, str, str] | None = None
    for encoding in ("cp1256", "iso-8859-6"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _arabic_score(text)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    if best is None or best[0] <= 0 or _control_ratio(best[1]) > 0.05:
        raise DecodeError("not text in UTF-8, UTF-16, Windows-1256 or ISO-8859-6")
    return best[1], best[2]


def _mostly_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 with a few stray bytes (one in ten thousand at most, as a cut or a bad copy leaves): the text with
    them replaced by U+FFFD and an encoding that says how many; None for anything else."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())  # less the U+FFFD the file itself holds
    return (text, f"{REPAIRED}{bad} invalid byte sequence(s) replaced by U+FFFD") if 0 < bad <= max(1, len(data) // 10_000) else None


def _strict(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"declares {encoding} but is not valid {encoding}") from exc
    return text.removeprefix("\ufeff")


def _utf16_without_bom(data: bytes) -> str | None:
    """Spot UTF-16 without a byte-order mark by where its NUL bytes fall (ASCII or Arabic code points)."""
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    for encoding, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        # In Arabic or ASCII text the high byte of each code unit is 0x00 or 0x06.
        zeros, sixes = high.count(0), high.count(6)
        if zeros and zeros + sixes > 0.9 * len(high) and low.count(0) < 0.1 * len(low):
            return encoding
    return None


def _arabic_score(text: str) -> float:
    words = text.split()
    if not words:
        return 0.0
    hits = sum(text.count(m) for m in _ARABIC_MARKERS[:-1]) + sum(w.startswith("و") for w in words)
    return hits / len(words)


def _control_ratio(text: str) -> float:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / max(1, len(text))


# --- reading one input ----------------------------------------------------------------------------


def read_inputs(paths: Iterable[str], settings: Settings, stdin: BinaryIO | None = None) -> Iterator[RawDocument | Problem]:
    """Every document in the given inputs, or a Problem for each input (or JSON record) that is unusable."""
    for item in expand_paths(paths):
        if isinstance(item, Problem):
            yield item
        elif item == STDIN:
            stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
            if stream is None:  # started with standard input closed (<&-)
                yield Problem(Source(STDIN), "standard input is closed", "pipe a file into it, or name files instead of -")
                continue
            yield from _read_stdin(stream, settings.max_file_bytes)
        else:
            yield from read_file(item, settings)


def _read_stdin(stream: BinaryIO, limit: int) -> Iterator[RawDocument | Problem]:
    data = stream.read(limit + 1)
    if len(data) <= limit:
        yield from _read_blob(data, Source(STDIN), None)
    elif _is_mhtml(data):
        yield _read_mhtml(data[:limit], Source(STDIN), cut_at=limit)
    else:
        yield Problem(Source(STDIN), f"standard input is over the {limit // MB} MB limit", "split it into smaller files")


def read_file(path: Path, settings: Settings) -> Iterator[RawDocument | Problem]:
    """The documents in one file, or Problems saying why they cannot be read."""
    source = Source(str(path))
    if is_warc(path):  # read a record at a time: a crawl's archive can be far over the file size limit
        yield from read_warc(path, settings.max_file_bytes, read_page)
        return
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        yield Problem(source, f"unknown file type '{path.suffix or '(none)'}'", f"use one of {SUPPORTED}")
        return
    limit = settings.max_file_bytes
    try:
        size = path.stat().st_size
        if size > limit and kind == "mhtml":  # images make single-file saves big; the page comes first
            with path.open("rb") as file:
                yield _read_mhtml(file.read(limit), source, cut_at=limit)
            return
        if size > limit:
            yield Problem(source, f"file is {size / MB:.1f} MB, over the {limit // MB} MB limit", "split it, or raise the limit with --max-file-mb")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Problem(source, f"cannot read file ({exc.strerror or exc})", "check that it exists and is readable")
        return
    yield from _read_blob(data, source, kind)


def _read_blob(data: bytes | Problem, source: Source, kind: str | None) -> Iterator[RawDocument | Problem]:
    if isinstance(data, Problem):
        yield data
        return
    if not data.strip():
        yield Problem(source, "empty input", "nothing to read; remove it or fill it")
        return
    if kind == "mhtml" or kind is None and _is_mhtml(data):
        yield _read_mhtml(data, source)
        return
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        yield Problem(source, str(exc), f"give a text file ({SUPPORTED})")
        return
    if encoding.startswith(REPAIRED):
        yield Problem(source, f"read as {encoding}", "the rest of the file is as written", skipped=False)
    if not text.strip():
        yield Problem(source, "empty input", "nothing to read; remove it or fill it")
        return
    kind = kind or _sniff(text)
    if kind == "json":
        yield from _read_json(text, source, encoding)
    elif kind == "jsonl":
        yield from _read_jsonl(text, source, encoding)
    elif kind == "html":
        yield _read_html(text, source, encoding)
    else:
        yield RawDocument(text=text, source=source, format=kind, encoding=encoding)


def _sniff(text: str) -> str:
    """Format of standard input, from its first characters."""
    head = text.lstrip()[:200].lower()
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        lines = [line for line in json_lines(text.strip()) if line.strip()]
        return "jsonl" if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines[:3]) else "json"
    if head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in text[:5000].lower():
        return "html"
    return "txt"


def _read_json(text: str, source: Source, encoding: str) -> Iterator[RawDocument | Problem]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(source, f"broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", "fix the file or save it as JSONL")
        return
    except RecursionError:
        yield Problem(source, "JSON nested too deeply to read", "give records as flat objects")
        return
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records):
        where = Source(source.path, index + 1) if isinstance(data, list) else source
        yield from _from_record(record, where, "json", encoding)


def json_lines(text: str) -> list[str]:
    """The lines of a JSON Lines text: ended by \n alone (str.splitlines also breaks at U+2028 inside a string)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def _read_jsonl(text: str, source: Source, encoding: str) -> Iterator[RawDocument | Problem]:
    for number, line in enumerate(json_lines(text), start=1):
        if not line.strip():
            continue
        where = Source(source.path, number)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(where, f"broken JSON line ({exc.msg}, column {exc.colno})", "fix or remove that line")
            continue
        except RecursionError:
            yield Problem(where, "JSON line nested too deeply to read", "give records as flat objects")
            continue
        yield from _from_record(record, where, "jsonl", encoding)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _from_record(record: object, source: Source, kind: str, encoding: str) -> Iterator[RawDocument | Problem]:
    """A record's document, after a note if it held lone surrogates (JSON's \\ud800 escapes: text no file can hold)."""
    if isinstance(record, dict):
        replaced = sum(len(_SURROGATE.findall(v)) for v in record.values() if isinstance(v, str))
        if replaced:
            record = {k: _SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for k, v in record.items()}
            yield Problem(source, f"{replaced} lone surrogate escape(s) (\\ud800-\\udfff) replaced by U+FFFD", "the rest of the record is as written", skipped=False)
    yield _document(record, source, kind, encoding)


def _document(record: object, source: Source, kind: str, encoding: str) -> RawDocument | Problem:
    if not isinstance(record, dict):
        return Problem(source, f"expected a JSON object, found {type(record).__name__}", 'give objects like {"text": "..."}')
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return Problem(source, "record has no 'text'", "each record needs a non-empty 'text' string")
    for key in _META_FIELDS:
        value = record.get(key)
        if isinstance(value, (list, dict, bool)):  # str() would make "['a']" a headline
            found = "true or false" if isinstance(value, bool) else f"an {'array' if isinstance(value, list) else 'object'}"
            return Problem(source, f"'{key}' is {found}, not text", f"give '{key}' as a string, or leave it out")
    meta = {key: _as_str(record.get(key)) for key in _META_FIELDS}
    published = record.get("published")
    if isinstance(published, (int, float)):
        moment = None if _is_day_number(published) else _unix_moment(published)
        meta["published"] = moment.date().isoformat() if moment else _day_number(published)
        published_at = utc_minute(moment) if moment else None
    else:
        meta["published"], published_at = parse_iso(meta["published"]), parse_instant(meta["published"])
    return RawDocument(text=text, source=source, format=kind, encoding=encoding, published_at=published_at, **meta)


def _is_day_number(value: float) -> bool:
    """Whether a number is written as a day, YYYYMMDD (20240619), rather than as Unix time."""
    return 19000101 <= value <= 21001231 and value == int(value)


def _day_number(value: float) -> str | None:
    """The day a YYYYMMDD number names; None when it is no real day (or no such number)."""
    return parse_iso(str(int(value))) if _is_day_number(value) else None


def _unix_moment(value: float) -> dt.datetime | None:
    """The UTC moment of Unix time in seconds or (as JavaScript writes it) milliseconds."""
    try:
        return dt.datetime.fromtimestamp(value / 1000 if abs(value) >= 1e11 else value, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _as_str(value: object) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _is_mhtml(data: bytes) -> bool:
    """True for a browser's single-file save (MHTML): MIME headers, then a multipart/related body."""
    head = data[:4096].lstrip().lower()
    return head.startswith((b"from:", b"mime-version:", b"snapshot-content-location:")) and b"multipart/related" in head


def _read_mhtml(data: bytes, source: Source, cut_at: int | None = None) -> RawDocument | Problem:
    """The page in an MHTML file (Chrome's and Edge's "Webpage, Single File"): its first HTML part, read as any page.

    cut_at: data is only the first cut_at bytes of a file over the size limit (the images after the page are not needed).
    """
    message = email.message_from_bytes(data, policy=email.policy.default)
    parts = [part for part in message.walk() if not part.is_multipart()]
    page = next((part for part in parts if part.get_content_type() == "text/html"), None)
    if cut_at and (page is None or page is parts[-1]):  # the cut may fall inside the page: no part after it was seen
        return Problem(source, f"the page does not end within the first {cut_at // MB} MB of this MHTML file, the size limit",
                       "raise the limit with --max-file-mb")
    if page is None:
        return Problem(source, "no HTML page inside the MHTML file", "save the page again, as a single file or as HTML")
    payload = page.get_payload(decode=True) or b""  # quoted-printable or base64 undone
    try:
        # Chrome states no charset on the part (the page's own <meta> says it), so the bytes are detected as any file's.
        charset = page.get_content_charset()
        html, encoding = (payload.decode(charset), charset) if charset else decode_bytes(payload)
    except (LookupError, UnicodeDecodeError, DecodeError) as exc:
        return Problem(source, f"the page inside the MHTML file cannot be decoded ({exc})", "save the page again as HTML")
    document = _read_html(html, source, encoding)
    where = message["Snapshot-Content-Location"] or page["Content-Location"]  # the address it was saved from
    if isinstance(document, RawDocument) and not document.url and where:
        document = dataclasses.replace(document, url=str(where).strip())
    return document


def read_page(data: bytes, source: Source, url: str | None, facts: PageFacts) -> RawDocument | Problem:
    """A fetched or archived page: its bytes detected as any file's (a declared charset can be wrong), its
    address the archived one unless the page names a canonical one, and the feed's facts where the page has none."""
    try:
        html, encoding = decode_bytes(data)
    except DecodeError as exc:
        return Problem(source, str(exc), "nothing to read from the page")
    document = _read_html(html, source, encoding)
    if isinstance(document, Problem):
        return document
    return dataclasses.replace(
        document,
        url=document.url or url,
        outlet=facts.outlet or document.outlet,  # the feed list names the outlet the user chose
        title=document.title or facts.title,
        published=document.published or parse_iso(facts.published),
        published_at=document.published_at or parse_instant(facts.published),
    )


def _read_html(html: str, source: Source, encoding: str) -> RawDocument | Problem:
    """Main text and metadata of a web page, with trafilatura."""
    import trafilatura  # imported here: only HTML input pays for it
    from trafilatura.settings import set_date_params

    # The date with its time and zone where the page gives them (article:published_time), for published_at.
    dating = set_date_params(True) | {"outputformat": "%Y-%m-%dT%H:%M:%S%z"}
    document = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, deduplicate=False, date_extraction_params=dating
    )
    words = len((document.text or "").split()) if document is not None else 0
    if words < MIN_HTML_WORDS:  # trafilatura falls back to what text there is: a shell's menu is not an article
        found = f"only {words} word{'s' * (words != 1)} of text" if words else "no article text"
        return Problem(source, f"{found} found in the HTML", "check that the page holds the article, not only a shell or menu")
    return RawDocument(
        text=document.text,
        source=source,
        format="html",
        encoding=encoding,
        title=_as_str(document.title),
        outlet=_as_str(document.sitename),
        published=parse_iso(document.date),
        published_at=parse_instant(document.date),
        url=_as_str(document.url),
        language=_as_str(document.language),
    )
