"""The whole CLI over the bad-input corpus: no traceback, one line per bad input, every good input processed,
nothing live from article text in a document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.cli import EXIT_SOME_INPUTS_BAD, app
from summarizer.models import import_model
from summarizer.records import Source
from summarizer.registry import Registry
from summarizer.settings import Settings
from tiny_models import write_manifest

from .corpus import LIVE, UNSAFE_CHARACTERS, Corpus, build


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    return build(tmp_path_factory.mktemp("badinput"))


@pytest.fixture
def home(tmp_path, monkeypatch, tiny_models) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("SUMMARIZER_HOME", str(home))
    write_manifest(home, "tiny-marian", "translate", "seq2seq", 64, {"num_beams": 1, "max_new_tokens": 8})
    registry = Registry.load(Settings.resolve(env={}, home=home))
    import_model(registry, registry.get("tiny-marian"), tiny_models["marian"])
    return home


def shown(corpus: Corpus, name: str) -> str:
    """How a name is written at the start of its line: the path as text, with a newline escaped."""
    file, _, line = name.partition(":")
    return str(Source(str(corpus.folder / file), int(line) if line else None)) + ":"


def check_lines(corpus: Corpus, stderr: str) -> None:
    """Each bad input has one 'skipped' line, each noted one a 'note' line, and there is no other line about inputs."""
    lines = stderr.splitlines()
    for names, word in ((corpus.bad, "skipped"), (corpus.noted, "note")):
        for name in names:
            mine = [line for line in lines if f" {shown(corpus, name)} " in line + " "]
            assert len(mine) == 1 and mine[0].startswith(f"summarizer: {word} "), (name, mine)
    assert sum(" skipped " in line or " note " in line for line in lines) == len(corpus.bad) + len(corpus.noted)
    assert "Traceback" not in stderr


def check_document(markdown: str) -> None:
    """Nothing from article text is live markup once rendered, and no control or bidi character made it in."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(markdown)
    assert not [live for live in LIVE if live in html]
    assert not [c for c in UNSAFE_CHARACTERS if c in markdown]


@pytest.mark.parametrize("command", ["ingest", "group", "translate", "brief", "compare"])
def test_every_command_survives_the_corpus(runner, corpus, home, tmp_path, command):
    extra = {"translate": ["--translator", "tiny-marian", "--format", "json", "--out", str(tmp_path / "english")],
             "brief": ["--translator", "tiny-marian", "--out", str(tmp_path / "out"), "-q"],
             "compare": ["--translator", "tiny-marian", "--out", str(tmp_path / "out")]}.get(command, [])
    result = runner.invoke(app, [command, str(corpus.folder), *extra])
    assert result.exit_code == EXIT_SOME_INPUTS_BAD, (result.exit_code, result.output, result.exception)
    check_lines(corpus, result.stderr)
    articles = len(corpus.good) + len(corpus.noted)
    if command == "ingest":
        records = [json.loads(line) for line in result.stdout_bytes.decode("utf-8").splitlines()]
        sources = sorted(str(Source(r["source"]["path"], r["source"].get("line"))) + ":" for r in records)
        assert sources == sorted(shown(corpus, name) for name in corpus.good + corpus.noted)
    elif command == "group":
        stories = json.loads(result.stdout)["stories"]
        assert sum(len(s["articles"]) for s in stories) == articles
    elif command == "translate":
        docs = [json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "english").iterdir()]  # one file an article
        assert len(docs) == articles and all(d["status"] == "translated" for d in docs)
    else:
        (md,) = (tmp_path / "out").glob("*.md")
        data = json.loads(md.with_suffix(".json").read_text(encoding="utf-8"))
        check_document(md.read_text(encoding="utf-8"))
        assert data["stories"] if command == "brief" else data["story"]
        assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]  # no temporary left
