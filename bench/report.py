"""Write one benchmark's section of results/benchmarks.md, leaving the other sections as they are."""

from __future__ import annotations

import os
import platform
import re
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results" / "benchmarks.md"
# The shared evaluation data, read in place (never copied into the repo).
EVAL = ROOT.parent / "shared" / "eval"
HEADER = "# Benchmarks\n\nEvery figure below was measured by the command named in its section; rerun it to refresh.\n"


def machine() -> str:
    """One line describing where the figures were measured."""
    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPU cores, {platform.machine()}"


def write_section(key: str, markdown: str, path: Path = RESULTS) -> None:
    """Replace (or add) the section between this key's markers, atomically."""
    begin, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    current = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    updated = pattern.sub(lambda _: block, current) if pattern.search(current) else current.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as tmp:
        tmp.write(updated)
    os.replace(tmp.name, path)
