"""Known outlets, read from a TOML data file users can extend: names, aliases, domains, page signatures."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from summarizer.arabic import normalize
from summarizer.errors import ConfigError


@dataclass(frozen=True)
class Outlet:
    """One outlet and the marks that identify it."""

    name: str
    arabic: str = ""
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    signatures: tuple[re.Pattern[str], ...] = ()


class OutletBook:
    """Look outlets up by a stated name, a URL, or signatures in a page's text."""

    def __init__(self, outlets: list[Outlet]):
        self.outlets = outlets
        self._by_name: dict[str, Outlet] = {}
        for outlet in outlets:
            for alias in (outlet.name, outlet.arabic, *outlet.aliases):
                if alias:
                    self._by_name.setdefault(normalize(alias), outlet)

    @classmethod
    def load(cls, extra: Path | None = None) -> "OutletBook":
        """The bundled outlet list, with a user's file (same shape) read first so it wins."""
        outlets: list[Outlet] = []
        if extra is not None:
            outlets += _read(extra.read_text(encoding="utf-8"), str(extra))
        bundled = resources.files("summarizer").joinpath("data/outlets.toml")
        outlets += _read(bundled.read_text(encoding="utf-8"), "summarizer/data/outlets.toml")
        return cls(outlets)

    def canonical(self, stated: str) -> str:
        """The shown name for an outlet as a page or feed states it; unknown names come back as given."""
        outlet = self._by_name.get(normalize(stated))
        return outlet.name if outlet else stated.strip()

    def from_url(self, url: str | None) -> str | None:
        """The outlet whose domain serves url, if known."""
        if not url:
            return None
        parts = urlsplit(url if "//" in url else "//" + url)
        hostname = (parts.hostname or "").removeprefix("www.")
        path = parts.path.lstrip("/")
        for outlet in self.outlets:
            for domain in outlet.domains:
                host, _, prefix = domain.partition("/")
                if (hostname == host or hostname.endswith("." + host)) and path.startswith(prefix):
                    return outlet.name
        return None

    def from_signatures(self, raw_text: str) -> str | None:
        """The outlet whose signature appears in a saved page's raw text, if exactly one does."""
        hits = {o.name for o in self.outlets if any(s.search(raw_text) for s in o.signatures)}
        return hits.pop() if len(hits) == 1 else None


def _read(text: str, where: str) -> list[Outlet]:
    try:
        data = tomllib.loads(text)
        outlets = []
        for entry in data.get("outlet", []):
            outlets.append(
                Outlet(
                    name=entry["name"],
                    arabic=entry.get("arabic", ""),
                    aliases=tuple(entry.get("aliases", ())),
                    domains=tuple(d.lower() for d in entry.get("domains", ())),
                    signatures=tuple(re.compile(s, re.MULTILINE) for s in entry.get("signatures", ())),
                )
            )
        return outlets
    except (tomllib.TOMLDecodeError, KeyError, TypeError, re.error) as exc:
        raise ConfigError(f"{where}: not a valid outlet file ({exc}); see summarizer/data/outlets.toml for the shape") from exc
