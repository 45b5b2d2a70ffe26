"""A bad-input corpus: every kind of input that once broke a run, among good inputs it must not take down.

`python -m tests.badinput.corpus DIR` writes it for a look by hand; test_corpus.py runs the CLI over it.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
MB = 1024 * 1024

# Article text and fields written to break out of the documents: links, code, HTML, headings, table cells.
INJECTION = "[click](javascript:alert(1)) <script>alert(1)</script> `code` | cell | # heading <img src=x onerror=alert(1)>"
LIVE = ("<script", 'href="javascript:', "<img", "<code>")  # in a document's Markdown rendered as HTML: none may be there
# NUL, a bidi override (it turns the rest of a line around) and the line separators JSON Lines must keep inside text.
UNSAFE_CHARACTERS = ("\x00", "\u202e")


@dataclass
class Corpus:
    """The files written, by what a run must do with them."""

    folder: Path
    good: list[str] = field(default_factory=list)  # names (a file, or file:line) that must each give an article
    bad: list[str] = field(default_factory=list)  # names that must each get one line and be skipped
    noted: list[str] = field(default_factory=list)  # names read all the same, with one line saying how


def _arabic(n: int) -> str:
    """A distinct Arabic article of a few sentences (n makes it unlike the others in its numbers and place)."""
    return (
        f"أعلنت وزارة الصحة في المحافظة رقم {n} افتتاح مستشفى جديد يضم {100 + n} سرير. "
        f"وقال الوزير إن المستشفى سيخدم نحو {20 + n} ألف نسمة في المنطقة. "
        "وأضاف أن العمل في المشروع استمر ثلاث سنوات بتمويل من الحكومة."
    )


def build(folder: Path) -> Corpus:
    """Write the corpus into folder (made if missing) and say what each file is."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(folder)

    def good(name: str, data: bytes | str) -> None:
        _write(folder / name, data)
        corpus.good.append(name)

    def bad(name: str, data: bytes | str) -> None:
        _write(folder / name, data)
        corpus.bad.append(name)

    for seed in sorted(SEEDS.glob("*.txt")):
        good(seed.name, seed.read_bytes())
    good("windows-1256.txt", _arabic(1).encode("cp1256"))
    good("utf-16.txt", _arabic(2).encode("utf-16"))
    good("controls.txt", _arabic(3).replace("الوزير", "الوزير\u202e\x07"))
    good("injected.html", f"<html><head><title>{_html(INJECTION)}</title></head><body><article><h1>{_html(INJECTION)}</h1>"
         f"<p>{_arabic(4)}</p><p>{_html(INJECTION)}</p></article></body></html>")
    # Names a file system allows and a document does not: a newline, and bytes that are not UTF-8.
    good("new\nline.txt", _arabic(5))
    good(os.fsdecode(b"not-utf8-\xff\xfe.txt"), _arabic(6))
    corpus.noted.append("stray-byte.txt")
    _write(folder / "stray-byte.txt", _arabic(7).encode("utf-8") + b"\xff" + (" " + _arabic(7)).encode("utf-8") * 40)

    lines = [
        {"id": "jl-good", "text": _arabic(8), "title": INJECTION, "outlet": INJECTION, "url": "javascript:alert(1)"},
        "{broken",
        '{"text": ' + "[" * 10000 + "]" * 10000 + "}",
        {"id": "jl-separators", "text": _arabic(9).replace(". ", ".\u2028", 1).replace(". ", ".\u2029", 1)},
        {"id": "jl-nul", "text": _arabic(12).replace("الوزير", "الوزير\x00\u202e")},
        {"id": "jl-far-future", "text": _arabic(10), "published": "9999-12-31"},
        {"id": "jl-far-past", "text": _arabic(11), "published": "0001-01-01"},
        [1, 2, 3],
        {"text": 5},
        {"title": "no text"},
    ]
    rows = [line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines]
    # JSON can escape half a UTF-16 pair, a character no UTF-8 file can hold: read with a note.
    rows.append(json.dumps({"id": "jl-surrogate", "title": "\ud800", "text": _arabic(13) + " \udc80"}))
    _write(folder / "mixed.jsonl", "\n".join(rows) + "\n")
    for number, line in enumerate(lines, 1):
        if isinstance(line, dict) and isinstance(line.get("text"), str):
            corpus.good.append(f"mixed.jsonl:{number}")
        else:
            corpus.bad.append(f"mixed.jsonl:{number}")
    corpus.noted.append(f"mixed.jsonl:{len(rows)}")

    bad("empty.txt", b"")
    bad("blank.json", b"  \n\t\n")
    bad("binary.txt", bytes(range(256)) * 64)
    bad("image.png", b"\x89PNG\r\n\x1a\n" + bytes(500))
    bad("deep.json", "[" * 10000 + "]" * 10000)
    bad("broken.json", '{"text": "نص", ')
    bad("no-article.html", "<html><body><nav><a href='/'>الرئيسية</a></nav></body></html>")
    with open(folder / "huge.txt", "wb") as huge:  # over the 20 MB limit, without writing 20 MB
        huge.truncate(21 * MB)
    corpus.bad.append("huge.txt")
    for name, target in (("dead-link.txt", "nowhere.txt"), ("loop.txt", "loop.txt")):
        os.symlink(target, folder / name)
        corpus.bad.append(name)
    return corpus


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _write(path: Path, data: bytes | str) -> None:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


if __name__ == "__main__":
    made = build(Path(sys.argv[1]))
    print(f"{len(made.good)} good, {len(made.noted)} read with a note, {len(made.bad)} bad, in {made.folder}")
