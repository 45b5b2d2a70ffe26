"""Web archive (WARC) files: `fetch` keeps every page it reads in them, `ingest` reads pages back out of them.

A fetched page is three records: a metadata record (the outlet and the feed's title and date for the page, as WARC
fields), then the request, then the response as the server sent it. Any tool that reads WARC can read ours, and
`ingest` reads the HTML pages of anyone's WARC files (a crawl made with wget --warc-file, say).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from summarizer import __version__
from summarizer.errors import OutputError
from summarizer.polite import Response
from summarizer.records import Problem, RawDocument, Source
from summarizer.settings import MB

SUFFIXES = (".warc", ".warc.gz")
PAGE_TYPES = ("text/html", "application/xhtml+xml")


def is_warc(path: Path) -> bool:
    """True for a file named as a WARC file (plain or gzip-compressed)."""
    return path.name.lower().endswith(SUFFIXES)


@dataclass(frozen=True)
class PageFacts:
    """What the feed said about a page, kept beside it in the archive."""

    outlet: str | None = None
    feed: str | None = None
    title: str | None = None
    published: str | None = None


class ArchiveWriter:
    """Append fetched pages to one gzip-compressed WARC file, a record at a time (a killed run keeps what it wrote)."""

    def __init__(self, folder: Path, now: dt.datetime | None = None):
        now = now or dt.datetime.now(dt.UTC)
        self.path = folder / now.strftime("%Y-%m-%d") / f"summarizer-{now:%Y%m%dT%H%M%S}Z-{os.getpid()}.warc.gz"
        self._file: BinaryIO | None = None
        self._writer = None

    def _open(self):
        from warcio.warcwriter import WARCWriter

        if self._writer is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = _new_file(self.path)
                self.path = Path(self._file.name)
                self._writer = WARCWriter(self._file, gzip=True)
                info = {"software": f"summarizer/{__version__} (warcio)", "format": "WARC File Format 1.1"}
                self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, info))
            except OSError as exc:
                raise OutputError(f"cannot write the archive {self.path} ({exc.strerror or exc}); make room, or give an --archive "
                                  "folder this user can write") from exc
        return self._writer

    def add(self, response: Response, facts: PageFacts) -> None:
        """Write one page (metadata, request, response records) and flush it to disk."""
        from warcio.statusandheaders import StatusAndHeaders

        writer = self._open()
        status = StatusAndHeaders(f"{response.status} {response.reason}".strip(), response.headers, protocol=_protocol(response.http_version))
        page = writer.create_warc_record(response.url, "response", payload=io.BytesIO(response.raw), http_headers=status,
                                         warc_headers_dict={"WARC-Date": response.date})
        page_id = page.rec_headers.get_header("WARC-Record-ID")
        fields = {"outlet": facts.outlet, "via": facts.feed, "title": facts.title, "published": facts.published}
        payload = "".join(f"{k}: {_one_line(v)}\r\n" for k, v in fields.items() if v).encode("utf-8")
        meta = writer.create_warc_record(response.url, "metadata", payload=io.BytesIO(payload), warc_content_type="application/warc-fields",
                                         warc_headers_dict={"WARC-Date": response.date, "WARC-Concurrent-To": page_id})
        path = response.url.split("/", 3)[3] if response.url.count("/") >= 3 else ""
        request_line = f"GET /{path} {_protocol(response.http_version)}"
        request = writer.create_warc_record(response.url, "request", payload=io.BytesIO(b""),
                                            http_headers=StatusAndHeaders(request_line, response.request_headers, is_http_request=True),
                                            warc_headers_dict={"WARC-Date": response.date, "WARC-Concurrent-To": page_id})
        try:
            for record in (meta, request, page):  # the facts first, so a reader has them when the page comes
                writer.write_record(record)
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as exc:  # a full disk: the pages written before stay readable (ingest stops at the cut)
            raise OutputError(f"cannot write the archive {self.path} ({exc.strerror or exc}); make room, or give another --archive") from exc

    def close(self) -> None:
        """Close the file, if one was opened."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _new_file(path: Path) -> BinaryIO:
    """Open a new file at path, or beside it with -2, -3… (two runs in one second): never one another run writes."""
    for number in range(1, 1000):
        candidate = path if number == 1 else path.with_name(path.name.replace(".warc.gz", f"-{number}.warc.gz"))
        try:
            return candidate.open("xb")
        except FileExistsError:
            continue
    raise FileExistsError(path)


def _protocol(http_version: str) -> str:
    return http_version if http_version.startswith("HTTP/") else "HTTP/1.1"


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def read_warc(path: Path, max_record_bytes: int, read_page) -> Iterator[RawDocument | Problem]:
    """The article of each HTML page (HTTP 200) in a WARC file; other records (assets, redirects) are passed over.

    read_page(html_bytes, source, url, facts) turns one page into a RawDocument or a Problem (see ingest).
    A damaged or cut file gives the pages before the damage, then one Problem.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    facts: dict[str, PageFacts] = {}
    number = 0
    try:
        with path.open("rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                number += 1
                document = _page(record, path, number, max_record_bytes, read_page, facts)
                if document is not None:
                    yield document
                while record.raw_stream.read(1 << 16):  # to the record's end, to see whether it is all there
                    pass
                if getattr(record.raw_stream, "limit", 0):  # a LimitReader's bytes still owed (an empty record has none)
                    raise EOFError(f"record {number} is cut short")
            if path.name.lower().endswith(".gz") and _cut_tail(stream, getattr(records, "member_info", None)):
                raise EOFError("the file ends inside its last record")
    except OSError as exc:
        yield Problem(Source(str(path)), f"cannot read file ({exc.strerror or exc})", "check that it exists and is readable")
    except (ArchiveLoadFailed, zlib.error, EOFError, ValueError) as exc:
        where = f"after record {number}" if number else "at its start"
        yield Problem(Source(str(path)), f"damaged WARC file {where} ({str(exc).strip()[:120] or type(exc).__name__})",
                      "the records before it were read; fetch again or repair the file", skipped=not number)


def _page(record, path: Path, number: int, max_record_bytes: int, read_page, facts: dict[str, PageFacts]) -> RawDocument | Problem | None:
    """The document of one record if it is an HTML page (HTTP 200); a metadata record's facts are kept for its page."""
    if record.rec_type == "metadata":
        target = record.rec_headers.get_header("WARC-Concurrent-To")
        if target:
            facts[target] = _facts(record.content_stream().read(64 * 1024))
        return None
    if record.rec_type != "response" or record.http_headers is None:
        return None
    kind = (record.http_headers.get_header("Content-Type") or "text/html").split(";")[0].strip().lower()
    if record.http_headers.get_statuscode() != "200" or kind not in PAGE_TYPES:
        return None
    source = Source(str(path), number)
    body = record.content_stream().read(max_record_bytes + 1)
    if len(body) > max_record_bytes:
        return Problem(source, f"page is over the {max_record_bytes // MB} MB limit", "raise the limit with --max-file-mb")
    url = record.rec_headers.get_header("WARC-Target-URI")
    document = read_page(body, source, url, facts.pop(record.rec_headers.get_header("WARC-Record-ID"), PageFacts()))
    return dataclasses.replace(document, reason=f"{url}: {document.reason}") if isinstance(document, Problem) else document


def _cut_tail(stream: BinaryIO, member: tuple[int, int] | None) -> bool:
    """True when a gzip-compressed WARC file's last member does not end whole (a killed writer, a cut copy): warcio
    stops quietly there. member: (offset, length) of the last member warcio read."""
    if member is None:
        return False
    offset, length = member
    end = stream.seek(0, os.SEEK_END)
    if offset + length != end:
        return True  # bytes after the last record warcio could read
    stream.seek(offset)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    while not inflater.eof:
        chunk = stream.read(1 << 16)
        if not chunk:
            return True
        inflater.decompress(chunk)
    return False


def _facts(payload: bytes) -> PageFacts:
    fields = {}
    for line in payload.decode("utf-8", errors="replace").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip() or None
    return PageFacts(fields.get("outlet"), fields.get("via"), fields.get("title"), fields.get("published"))
