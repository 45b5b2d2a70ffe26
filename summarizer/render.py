"""Documents for people: Markdown and plain text, with article text always escaped as data."""

from __future__ import annotations

import datetime as dt
import html
import re

from summarizer.records import Article, Briefing, BriefStory, Claim, Comparison, SentencePair, TranslatedArticle

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # emphasis, code, links, tables, strikethrough
_LINE_START = re.compile(r"^(\s*)([-+>#]|\d+[.)])(?=\s)")  # lists, quotes, headings


# NUL and other control characters, and the bidi embeddings, overrides and isolates (U+202E turns the rest of a
# line around: "gpj.exe" shows as "exe.jpg"); the marks U+200E/U+200F stay, they only order neutral characters.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _one_line(text: str) -> str:
    return " ".join(_UNSAFE.sub("", text).split())


def escape_html(text: str) -> str:
    """Article text for an HTML block: one line, no markup, no control or bidi-override characters."""
    return html.escape(_one_line(text))


def escape_md(text: str) -> str:
    """Text that Markdown shows as written: no emphasis, links, headings, tables or HTML from it."""
    text = html.escape(_one_line(text), quote=False)  # < > & never become markup
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def link_md(url: str) -> str:
    """A source's URL as a Markdown link that goes where it says: http(s) only, and nothing in it can end the link."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return escape_md(url)  # javascript:, data:, a bare path: shown, never linked
    # An autolink is taken literally up to the first space, < or >: those are percent-encoded, and & stays &.
    return "<" + re.sub(r"[\x00-\x20<>\x7f]", lambda m: f"%{ord(m.group()):02X}", url) + ">"


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
    meta = [escape_md(a.outlet or "outlet unknown"), escape_md(a.published or "date unknown")]
    if a.url:
        meta.append(link_md(a.url))
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
    return f'<p dir="rtl" lang="ar">{escape_html(text)}</p>'


# --- briefings ------------------------------------------------------------------------------------


def _cites(numbers: list[int], anchor: str = "src") -> str:
    """Citation marks [n] linked to the numbered list they name (a briefing's sources, a comparison's articles)."""
    return "".join(f"[\\[{n}\\]](#{anchor}-{n})" for n in numbers)


def briefing_markdown(b: Briefing) -> str:
    """The briefing as Markdown: contents, ranked stories with cited summaries, other reports, sources, models."""
    main = [s for s in b.stories if len(s.story.articles) > 1]
    other = [s for s in b.stories if len(s.story.articles) == 1]
    span = f"{b.first} to {b.last}" if b.first and b.first != b.last else (b.first or "dates not stated")
    stories = f"{len(b.stories)} stor{'y' if len(b.stories) == 1 else 'ies'}"
    # Undated articles say nothing of when the news happened: the title says so, not "Briefing <today>" for old news.
    read_on = dt.date.today().isoformat()
    title = f"Briefing {escape_md(b.date)}"
    if not b.first:
        title = f"Briefing of undated articles, read on {read_on}" if b.date == read_on else f"{title} (undated articles, read on {read_on})"
    lines = [f"# {title}", "",
             f"{stories} from {len(b.sources)} articles by {len({a.outlet for a in b.sources if a.outlet})} known outlets; articles published {escape_md(span)}.", ""]
    for note in b.notes:
        lines += [f"> **Note:** {escape_md(note)}", ""]
    lines += ["## Contents", ""]
    for n, s in enumerate(main, 1):
        lines.append(f"{n}. [{escape_md(_headline(s))}](#{s.story.id})")
    if other:
        lines.append(f"{len(main) + 1}. [Other reports](#other-reports)")
    lines.append("")
    for n, s in enumerate(main, 1):
        lines += _story_block(b, n, s)
    if other:
        lines += ['<a id="other-reports"></a>', "", "## Other reports", ""]
        for s in other:
            article = s.story.articles[0]
            if s.english and not _unusable(s):
                text = escape_md(s.english[0].target) + _failed(s.english[0])
            else:
                text = escape_md(s.summary.sentences[0].text if s.summary.sentences else "")
            # A headline when the article has one; without, the headline would be the same lead cut short.
            head = f"**{escape_md(_headline(s))}** — " if article.title else ""
            lines.append(f"- {head}{escape_md(article.outlet or 'outlet unknown')}, {escape_md(article.published or 'date unknown')}. {text} {_cites([b.number(article)])}")
        lines.append("")
    lines += ["## Sources", ""]
    for n, a in enumerate(b.sources, 1):
        # No URL: the file it was read from, so the reader can open the cited page.
        link = f" {link_md(a.url)}" if a.url else f" file: {escape_md(str(a.source))}" if a.source.path != "-" else ""
        lines.append(f'{n}. <a id="src-{n}"></a>{escape_md(a.outlet or "outlet unknown")} — {escape_md(a.title or _first_words(a.text))} ({escape_md(a.published or "date unknown")}){link}')
    lines += ["", "---", ""]
    lines.append("Models: " + "; ".join(f"{escape_md(m['name'])} ({escape_md(m['licence'])}, {escape_md(m['provenance'])})" for m in b.models) + ".")
    lines.append("Summaries are machine-made from the cited articles; check the sources before quoting.")
    return "\n".join(lines) + "\n"


def _story_block(b: Briefing, n: int, s: BriefStory) -> list[str]:
    story, summary = s.story, s.summary
    lines = [f'<a id="{story.id}"></a>', "", f"## {n}. {escape_md(_headline(s))}", ""]
    outlets = ", ".join(story.outlets) or "outlets unknown"
    lines += [f"*{len(story.articles)} articles · {escape_md(outlets)} · {story.status} · {summary.method} summary*", ""]
    if s.english:
        english = []
        for pair, sentence in zip(s.english, summary.sentences):
            marks = _cites([b.number(story.articles[i]) for i in sentence.citations])
            english.append(f"{escape_md(pair.target)}{_failed(pair)} {marks}")
        if _unusable(s):
            failed = sum(bool(p.flags) for p in s.english)
            lines += [f"> **Note:** the English failed its checks in {failed} of {len(s.english)} sentences: not usable; read the Arabic below.", ""]
        lines += [" ".join(english), ""]
    arabic = " ".join(
        f"{escape_html(sentence.text)} " + "".join(f'<a href="#src-{b.number(story.articles[i])}">[{b.number(story.articles[i])}]</a>' for i in sentence.citations)
        for sentence in summary.sentences
    )
    lines += [f'<div dir="rtl" lang="ar">{arabic}</div>', ""]
    quoted = [(k, sentence) for k, sentence in enumerate(summary.sentences, 1) if sentence.evidence]
    if quoted:  # what each sentence rests on, quoted, so a reader can check a citation without opening the page
        lines += ["<details><summary>Evidence</summary>", ""]
        for k, sentence in quoted:
            cites = " ".join(f"{_cites([b.number(story.articles[a])])} «{escape_md(_first_words(text, 30))}»" for (a, _), text in zip(sentence.sources, sentence.evidence))
            lines.append(f"- {k}. {cites}")
        lines += ["", "</details>", ""]
    flags = list(summary.flags) + [f for sentence in summary.sentences for f in sentence.flags]  # the translation's: inline
    if flags:
        lines += ["Checks: " + "; ".join(escape_md(f) for f in dict.fromkeys(flags)), ""]
    return lines


def _headline(s: BriefStory) -> str:
    english = s.headline.target if s.headline and s.headline.target and not _unusable(s) else None
    return (english or s.story.title) or "(untitled)"


def _failed(pair: SentencePair) -> str:
    """The checks an English sentence failed, marked beside it (empty when it passed)."""
    return f" ⚠ *{escape_md('; '.join(pair.flags))}*" if pair.flags else ""


def _unusable(s: BriefStory) -> bool:
    """Whether most of a story's English sentences failed a check: then its Arabic is the one to read."""
    return bool(s.english) and sum(bool(p.flags) for p in s.english) * 2 > len(s.english)


def _first_words(text: str, n: int = 12) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def briefing_dict(b: Briefing) -> dict:
    """The briefing as JSON-ready data: the same content, machine-readable."""
    def story(s: BriefStory) -> dict:
        return {
            "id": s.story.id, "status": s.story.status, "title_ar": s.story.title,
            "headline_en": s.headline.target if s.headline else None,
            "articles": [b.number(a) for a in s.story.articles], "outlets": s.story.outlets,
            "duplicates": {b.number(next(a for a in s.story.articles if a.id == k)): b.number(next(a for a in s.story.articles if a.id == v)) for k, v in s.story.duplicates.items()},
            "summary": {
                "method": s.summary.method, "input_sentences": s.summary.input_sentences, "used_sentences": s.summary.used_sentences,
                "flags": list(s.summary.flags),
                "sentences": [
                    {"ar": sent.text, "en": pair.target if pair else None, "sources": [b.number(s.story.articles[i]) for i in sent.citations],
                     "evidence": [{"source": b.number(s.story.articles[a]), "sentence": position, "text": text}
                                  for (a, position), text in zip(sent.sources, sent.evidence)],
                     "flags": list(sent.flags) + (list(pair.flags) if pair else [])}
                    for sent, pair in zip(s.summary.sentences, list(s.english) or [None] * len(s.summary.sentences))
                ],
            },
        }

    return {
        "date": b.date, "first_published": b.first, "last_published": b.last, "notes": list(b.notes),
        "stories": [story(s) for s in b.stories],
        "sources": [{"n": n, "id": a.id, "outlet": a.outlet, "title": a.title, "published": a.published, "url": a.url, "file": a.source.path}
                    for n, a in enumerate(b.sources, 1)],
        "models": list(b.models), "settings": b.settings,
    }


# --- outlet comparisons ---------------------------------------------------------------------------


def _who(c: Comparison, article: int) -> str:
    """An article of the comparison as Markdown: its outlet and its number, linked to the list of articles."""
    return f"{escape_md(c.articles[article].outlet or 'outlet unknown')} {_cites([article + 1], 'art')}"


def _when(a: Article) -> str:
    """When an article was published: its UTC time where known, else its day."""
    return a.published_at.replace("T", " ").replace("Z", " UTC") if a.published_at else a.published or "date unknown"


def _outlet(c: Comparison, article: int) -> str:
    """An article's outlet; each article of an unknown outlet counts as one of its own."""
    return c.articles[article].outlet or f"outlet unknown ({article + 1})"


def _outlets(c: Comparison, claim: Claim) -> set[str]:
    """The outlets that report a claim."""
    return {_outlet(c, a) for a in claim.articles}


def _by_outlet(c: Comparison) -> dict[str, list[Claim]]:
    """Each outlet's facts no other outlet reports (the unique ones, and those only its own articles share)."""
    found: dict[str, list[Claim]] = {}
    for claim in list(c.unique) + [x for x in c.shared if len(_outlets(c, x)) == 1]:
        found.setdefault(_outlet(c, claim.articles[0]), []).append(claim)
    order = [_outlet(c, a) for a in range(len(c.articles))]
    return {outlet: sorted(found[outlet], key=lambda x: (x.reports[0][0], x.reports[0][1].position)) for outlet in sorted(found, key=order.index)}


_TOLL_LABELS = {"killed": "people killed", "wounded": "people wounded", "arrested": "people arrested", "missing": "people missing",
                "displaced": "people displaced", "%": "a share (per cent)", "date": "the date of one event (the month)",
                "ordinal": "the order of one thing (first, second …)"}


def quantity_label(quantity: str) -> str:
    """What a number difference counts, in words: "people killed, a total since an earlier date", "counted in «مقعد»"."""
    base, _, scope = quantity.partition(", ")
    label = _TOLL_LABELS.get(base) or f"counted in «{base}»"
    return label + {"since": ", a total since an earlier date", "in all": ", the whole of which a part is counted"}.get(scope, "")


def comparison_markdown(c: Comparison, story_id: str, title: str, english: dict[str, str], notes: list[str]) -> str:
    """The comparison as Markdown; `english` maps Arabic sentences to their translations (may be empty)."""
    def say(text: str) -> str:
        arabic = f'<span dir="rtl" lang="ar">{escape_md(text)}</span>'  # inline HTML: Markdown still reads inside it
        return f"{escape_md(english[text])} ({arabic})" if english.get(text) else arabic

    lines = [f"# How outlets covered: {escape_md(title)}", "", f"Story {escape_md(story_id)} · {len(c.articles)} articles", ""]
    lines += [f"> **Note:** {escape_md(n)}" for n in notes] + ([""] if notes else [])
    lines += ["## Articles", ""]
    for i, a in enumerate(c.articles):
        lines.append(f'{i + 1}. <a id="art-{i + 1}"></a>{escape_md(a.outlet or "outlet unknown")} — {escape_md(a.title or "(no headline)")} ({escape_md(_when(a))})')
    if c.copies:
        lines += ["", "## One text under several articles", ""]
        lines += [f"- {', '.join(_who(c, a) for a in group)}: a re-post or one wire copy; their reports count as one below" for group in c.copies]
    lines += ["", "## Reported by several outlets", ""]
    for claim in (x for x in c.shared if len(_outlets(c, x)) > 1):
        about = []
        if claim.independent < len(claim.articles):
            about.append(f"{claim.independent} independent of {len(claim.articles)} reports")
        if claim.first is not None:
            about.append(f"first: {_who(c, claim.first)}, {escape_md(_when(c.articles[claim.first]))}")
        lines.append(f"- {say(claim.text)} — " + ", ".join(_who(c, a) for a in claim.articles) + "".join(f" · {x}" for x in about))
        for a, candidate in claim.reports[1:]:  # each other outlet in its own words
            if candidate.text != claim.text:
                lines.append(f"  - {_who(c, a)}: {say(candidate.text)}")
    lines += ["", "## Reported by one outlet only", ""]
    for outlet, claims in _by_outlet(c).items():
        lines += [f"### {escape_md(outlet)}", ""] + [f"- {_cites([a + 1 for a in x.articles], 'art')} {say(x.text)}" for x in claims] + [""]
    lines += ["## Numbers that differ", ""]
    if not c.numbers:
        lines.append("None found.")
    for d in c.numbers:
        if d.running:
            steps = " → ".join(f"{escape_md(', '.join(v))} ({_who(c, a)}, {escape_md(_when(c.articles[a]))})"
                               for a, v in sorted(d.values.items(), key=lambda item: c.articles[item[0]].published_at or ""))
            lines.append(f"- **{escape_md(quantity_label(d.quantity))}**: a running toll, rising from report to report: {steps}")
        else:
            side = "; ".join(f"{_who(c, a)}: {escape_md(', '.join(v) or '—')}" for a, v in sorted(d.values.items()))
            lines.append(f"- **{escape_md(quantity_label(d.quantity))}**: {side}")
        lines += [f"  - {_who(c, a)}: {say(candidate.text)}" for a, candidate in d.claim.reports]  # where each says it
    lines += ["", "## Quotes", ""]
    for q in c.quotes:
        lines.append(f"- {_who(c, q.article)} quotes {escape_md(q.speaker or 'an unnamed speaker')}: {say(q.text)}")
    if not c.quotes:
        lines.append("None found.")
    lines += ["", "## Claims × articles", ""]
    lines.append("| claim | " + " | ".join(f"[{i + 1}]" for i in range(len(c.articles))) + " |")
    lines.append("|---|" + "---|" * len(c.articles))
    for claim in list(c.shared) + list(c.unique):
        cells = " | ".join("✓" if i in claim.articles else "—" for i in range(len(c.articles)))
        lines.append(f"| {escape_md(english.get(claim.text) or _first_words(claim.text, 14))} | {cells} |")
    return "\n".join(lines) + "\n"


def comparison_dict(c: Comparison, story_id: str, title: str, english: dict[str, str], notes: list[str]) -> dict:
    """The comparison as JSON-ready data."""
    def claim(x: Claim) -> dict:
        return {"ar": x.text, "en": english.get(x.text), "articles": [a + 1 for a in x.articles],
                "outlets": list(dict.fromkeys(c.articles[a].outlet for a in x.articles)), "independent_reports": x.independent,
                "first": x.first + 1 if x.first is not None else None,
                "reports": [{"article": a + 1, "sentence": cand.text} for a, cand in x.reports]}

    return {
        "story": story_id, "title": title, "notes": notes,
        "articles": [{"n": i + 1, "id": a.id, "outlet": a.outlet, "title": a.title, "published": a.published, "published_at": a.published_at}
                     for i, a in enumerate(c.articles)],
        "copies": [[a + 1 for a in group] for group in c.copies],
        "shared": [claim(x) for x in c.shared],
        "unique": [claim(x) for x in c.unique],
        "only_one_outlet": {outlet: [claim(x) for x in claims] for outlet, claims in _by_outlet(c).items()},
        "numbers_differ": [{"quantity": d.quantity, "about": quantity_label(d.quantity),
                            "reports": [{"article": a + 1, "sentence": r.text, "en": english.get(r.text)} for a, r in d.claim.reports],
                            "by_article": {str(a + 1): v for a, v in sorted(d.values.items())}, "running_toll": d.running} for d in c.numbers],
        "quotes": [{"article": q.article + 1, "speaker": q.speaker, "ar": q.text, "en": english.get(q.text)} for q in c.quotes],
    }
