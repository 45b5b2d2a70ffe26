"""Documents for people: Markdown and plain text, with article text always escaped as data."""

from __future__ import annotations

import html
import os
import re
import tempfile
from pathlib import Path

from summarizer.records import SentencePair, TranslatedArticle

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_LINE_START = re.compile(r"^(\s*)([-+>]|\d+[.)])(?=\s)")


def escape_md(text: str) -> str:
    """Text that Markdown shows as written: no emphasis, links, headings, tables or HTML from it."""
    text = html.escape(" ".join(text.split()), quote=False)  # < > & never become markup
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def write_atomic(path: Path, text: str) -> None:
    """Write a file so readers see the old version or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}-", delete=False) as tmp:
        tmp.write(text)
    os.replace(tmp.name, path)


def translation_markdown(doc: TranslatedArticle, bilingual: bool = False) -> str:
    """An English article in Markdown, paragraphs kept, failed checks marked ⚠n and listed at the end."""
    a = doc.article
    marks: list[tuple[int, SentencePair]] = []

    def english(pair: SentencePair) -> str:
        text = escape_md(pair.target)
        if pair.flags:
            marks.append((len(marks) + 1, pair))
            text += f" ⚠{len(marks)}"
        return text

    title = english(doc.title) if doc.title and doc.title.target else "(no headline)"
    lines = [f"# {title}", ""]
    meta = [a.outlet or "outlet unknown", a.published or "date unknown"]
    if a.url:
        meta.append(f"<{html.escape(a.url)}>")
    lines += [" · ".join(meta), ""]
    if doc.status != "translated":
        lines += [f"> {escape_md(doc.status)}", ""]
    if bilingual and doc.title:
        lines += [_rtl(doc.title.source), ""]
    for paragraph in doc.paragraphs:
        if bilingual:
            lines += [_rtl(" ".join(p.source for p in paragraph)), ""]
        if doc.status == "translated" or doc.status == "passthrough":
            lines += [" ".join(english(p) for p in paragraph), ""]
    if marks:
        lines += ["## Checks", ""]
        lines += [f"- ⚠{n} {escape_md('; '.join(p.flags))}. Source: {escape_md(p.source)}" for n, p in marks]
        lines.append("")
    if doc.model:
        lines += [f"*Translated by {escape_md(doc.model)} (revision {escape_md(doc.revision or '?')}); machine translation, check before quoting.*", ""]
    return "\n".join(lines)


def translation_text(doc: TranslatedArticle) -> str:
    """The English article as plain text: title, then paragraphs separated by a blank line."""
    parts = [doc.title.target] if doc.title and doc.title.target else []
    parts += [" ".join(p.target for p in para) for para in doc.paragraphs]
    return "\n\n".join(parts) + "\n"


def _rtl(text: str) -> str:
    return f'<p dir="rtl" lang="ar">{html.escape(" ".join(text.split()))}</p>'
