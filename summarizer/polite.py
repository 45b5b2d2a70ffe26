"""A polite web client: robots.txt honoured, one request at a time per host with a delay between, a User-Agent
that names the tool, timeouts, retries with backoff (Retry-After honoured), a size cap and bounded redirects."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import threading
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from summarizer import __version__
from summarizer.settings import MB

AGENT = "summarizer"  # the token robots.txt rules name
USER_AGENT = f"{AGENT}/{__version__} (Arabic news briefings; honours robots.txt)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
ROBOTS_BYTES = 500 * 1024  # RFC 9309: crawlers read at least 500 KiB of a robots.txt; more is not needed


@dataclass(frozen=True)
class Politeness:
    """How gently to fetch; the defaults suit outlets' servers, tests and benchmarks shorten them."""

    delay: float = 1.0  # seconds between two requests to one host (a robots.txt Crawl-delay can raise it)
    timeout: float = 20.0  # seconds to connect, and between two reads of a response
    retries: int = 3  # more tries after a 429, a 5xx, a timeout or a refused connection
    backoff: float = 2.0  # seconds before the first retry, doubled for each next one
    max_wait: float = 120.0  # the longest Retry-After waited for; longer ones fail the address
    max_crawl_delay: float = 30.0  # the longest Crawl-delay honoured (a larger one would stall a run)
    max_bytes: int = 5 * MB  # a response (as sent, and once decompressed) larger than this is refused
    max_redirects: int = 5


class FetchFailed(Exception):
    """An address could not be fetched; the message says why in a few words. permanent: asking again will not help
    (robots.txt says no, too big, a redirect loop), as opposed to a server that is down or slow today."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Response:
    """One response, as sent and as decoded."""

    url: str  # where it came from, after redirects
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    raw: bytes  # the body as sent (content encoding kept): what the archive stores
    body: bytes  # the body decompressed
    request_headers: list[tuple[str, str]]
    date: str  # when it was received, ISO 8601 UTC
    redirects: tuple[tuple[int, str], ...] = ()  # each redirect on the way: its status and the address it left

    @property
    def status_line(self) -> str:
        """The status as a failure line says it: "HTTP 404 Not Found"."""
        return f"HTTP {self.status} {self.reason}".strip()

    def header(self, name: str) -> str | None:
        """The first value of a header, by name in any case."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0  # the monotonic time the next request may start
    robots: object = None  # a Protego parser; ALLOW_ALL or DISALLOW_ALL; None before it is read
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    crawl_delay: float = 0.0  # robots.txt's Crawl-delay for us, capped
    client: object = None


ALLOW_ALL, DISALLOW_ALL = "allow", "disallow"


class Web:
    """Fetch addresses politely; safe to use from one thread per host."""

    def __init__(self, politeness: Politeness = Politeness(), user_agent: str = USER_AGENT):
        self.politeness = politeness
        self.user_agent = user_agent
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close every connection."""
        for host in self._hosts.values():
            if host.client is not None:
                host.client.close()

    def __enter__(self) -> "Web":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, accept: str, headers: dict[str, str] | None = None, max_bytes: int | None = None,
            robots: bool = True) -> Response:
        """GET url, following redirects (each hop checked against its host's robots.txt, unless robots is False: the
        robots.txt file itself); FetchFailed says why not."""
        seen, hops = [url], []
        for _ in range(self.politeness.max_redirects + 1):
            if robots:
                self._allowed(url)
            response = self._request(url, accept, headers or {}, max_bytes)
            location = response.header("location")
            if response.status not in (301, 302, 303, 307, 308) or not location:
                return dataclasses.replace(response, redirects=tuple(hops))
            hops.append((response.status, url))
            url = urljoin(url, location.strip())
            if url in seen:
                raise FetchFailed(f"redirect loop ({' -> '.join([*seen, url])[:300]})", permanent=True)
            seen.append(url)
        raise FetchFailed(f"more than {self.politeness.max_redirects} redirects", permanent=True)

    # --- robots.txt ---------------------------------------------------------------------------------

    def _allowed(self, url: str) -> None:
        host = self._host(url)
        with host.robots_lock:  # read once per host, whichever thread asks first
            if host.robots is None:
                host.robots = self._robots(url)
        if host.robots == DISALLOW_ALL:
            raise FetchFailed("robots.txt could not be read (a server error), which RFC 9309 reads as 'keep out'")
        if host.robots != ALLOW_ALL and not host.robots.can_fetch(url, AGENT):
            raise FetchFailed("robots.txt disallows it", permanent=True)

    def _robots(self, url: str):
        from protego import Protego

        parts = urlsplit(url)
        address = f"{parts.scheme}://{parts.netloc}/robots.txt"
        try:  # RFC 9309: follow at least five redirects (the politeness default)
            response = self.get(address, "text/plain", max_bytes=ROBOTS_BYTES, robots=False)
        except FetchFailed:
            return DISALLOW_ALL  # unreachable, or redirected in a loop: RFC 9309 §2.3.1.4
        if 200 <= response.status < 300:
            rules = Protego.parse(response.body.decode("utf-8", errors="replace"))
            crawl_delay = rules.crawl_delay(AGENT)
            if crawl_delay:
                self._host(url).crawl_delay = min(float(crawl_delay), self.politeness.max_crawl_delay)
            return rules
        return ALLOW_ALL if 400 <= response.status < 500 else DISALLOW_ALL

    # --- one request --------------------------------------------------------------------------------

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        with self._lock:
            host = self._hosts.get(key)
            if host is None:
                import httpx

                host = self._hosts[key] = _Host()
                timeout = httpx.Timeout(self.politeness.timeout)
                # One connection per host: the host's lock lets one request at a time use it.
                limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
                host.client = httpx.Client(timeout=timeout, limits=limits, follow_redirects=False, trust_env=False)
            return host

    def _request(self, url: str, accept: str, headers: dict[str, str], max_bytes: int | None = None) -> Response:
        """One address, retried on 429, 5xx, timeouts and refused connections; redirects are returned, not followed."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchFailed(f"not a web address ({url[:100]})", permanent=True)
        host = self._host(url)
        attempt = 0
        while True:
            try:
                with host.lock:
                    self._wait_turn(host)
                    try:
                        response = self._once(host, url, accept, headers, max_bytes or self.politeness.max_bytes)
                    finally:
                        host.next_at = time.monotonic() + max(self.politeness.delay, host.crawl_delay)
            except _Retry as retry:
                why, wait = str(retry), None
            else:
                if response.status not in RETRY_STATUSES:
                    return response
                why, wait = response.status_line, _retry_after(response.header("retry-after"))
                if wait is not None and wait > self.politeness.max_wait:
                    raise FetchFailed(f"{why}, and the server asks to wait {wait:.0f} s (Retry-After), over the {self.politeness.max_wait:.0f} s limit")
            if attempt >= self.politeness.retries:
                raise FetchFailed(why + (f" ({attempt + 1} tries)" if attempt else ""))
            time.sleep(wait if wait is not None else self.politeness.backoff * 2**attempt)
            attempt += 1

    def _wait_turn(self, host: _Host) -> None:
        pause = host.next_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)

    def _once(self, host: _Host, url: str, accept: str, extra: dict[str, str], max_bytes: int) -> Response:
        import httpx

        headers = {"User-Agent": self.user_agent, "Accept": accept, "Accept-Encoding": "gzip, deflate", **extra}
        deadline = time.monotonic() + 3 * self.politeness.timeout  # a server that trickles bytes is cut off too
        try:
            with host.client.stream("GET", url, headers=headers) as response:
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > max_bytes:
                    raise FetchFailed(f"{int(length) / MB:.1f} MB, over the {max_bytes / MB:g} MB size cap", permanent=True)
                chunks, size = [], 0
                for chunk in response.iter_raw():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchFailed(f"over the {max_bytes / MB:g} MB size cap", permanent=True)
                    if time.monotonic() > deadline:
                        raise _Retry(f"too slow: still sending after {3 * self.politeness.timeout:g} s")
                    chunks.append(chunk)
                raw = b"".join(chunks)
                encoding = response.headers.get("content-encoding", "identity")
                return Response(
                    url=url,
                    status=response.status_code,
                    reason=response.reason_phrase,
                    http_version=response.http_version,
                    headers=[(k, v) for k, v in response.headers.multi_items() if k.lower() != "transfer-encoding"],
                    raw=raw,
                    body=_decoded(raw, encoding, max_bytes),
                    request_headers=list(response.request.headers.multi_items()),
                    date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                )
        except httpx.TimeoutException as exc:
            raise _Retry(f"timed out after {self.politeness.timeout:g} s") from exc
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retry(f"connection failed ({_short(exc)})") from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(f"request failed ({_short(exc)})") from exc


class _Retry(Exception):
    """A failure worth another try (a timeout, a refused or broken connection)."""


def _short(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _decoded(raw: bytes, encoding: str, max_bytes: int) -> bytes:
    """The body decompressed (gzip or deflate), refusing one that grows past max_bytes (a zip bomb)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchFailed(f"content encoding {encoding!r}, which was not asked for", permanent=True)
    for wbits in ((16 + zlib.MAX_WBITS,) if "gzip" in encoding else (zlib.MAX_WBITS, -zlib.MAX_WBITS)):
        inflater = zlib.decompressobj(wbits)
        try:
            body = inflater.decompress(raw, max_bytes + 1)
        except zlib.error:
            continue
        if len(body) > max_bytes or inflater.unconsumed_tail:
            raise FetchFailed(f"over the {max_bytes / MB:g} MB size cap once decompressed", permanent=True)
        return body
    raise FetchFailed(f"the body is not valid {encoding}", permanent=True)


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number, or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
