"""Translation on a tiny real Marian model: structure, splitting, caching, checks, glossary, CLI."""

from __future__ import annotations

import dataclasses
import json

import pytest

import summarizer.inference
from summarizer.cache import ResultCache
from summarizer.cli import app
from summarizer.faithfulness import Glossary, Term, check_sentence, numbers
from summarizer.models import import_model
from summarizer.records import Article, Source
from summarizer.registry import Registry
from summarizer.render import escape_md, translation_markdown
from summarizer.settings import Settings
from summarizer.translate import translate_articles
from tiny_models import write_manifest

P1 = "وصل الرئيس الروسي إلى بيونغ يانغ فجر الأربعاء. واستقبله كيم جونغ أون في المطار."
P2 = "ووقع الزعيمان اتفاق شراكة استراتيجية. وقال الكرملين إن الزيارة تستغرق يومين."
REPEATED = "وقال الكرملين إن الزيارة تستغرق يومين."


def article(id_: str, text: str, language: str = "ar", title: str | None = "بوتين في بيونغ يانغ") -> Article:
    return Article(id_, "Test Outlet", title, "2024-06-19", None, language, text, Source(f"{id_}.txt"))


@pytest.fixture
def registry(tmp_path, tiny_models) -> Registry:
    home = tmp_path / "home"
    write_manifest(home, "tiny-marian", "translate", "seq2seq", 48, {"num_beams": 2, "max_new_tokens": 10})
    reg = Registry.load(Settings.resolve(env={}, home=home, threads=1, device="cpu"))
    import_model(reg, reg.get("tiny-marian"), tiny_models["marian"])
    return reg


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """Every input that reaches a model."""
    seen: list[str] = []
    real = summarizer.inference.generate

    def counting(backend, texts, params, batch_tokens=4096, finished=None):
        seen.extend(texts)
        return real(backend, texts, params, batch_tokens, finished)

    monkeypatch.setattr(summarizer.inference, "generate", counting)
    return seen


def test_paragraphs_and_sentences_are_kept(registry):
    (doc,) = translate_articles([article("a", f"{P1}\n\n{P2}")], registry, registry.get("tiny-marian"), None)
    assert doc.status == "translated" and doc.model == "tiny-marian"
    assert [len(p) for p in doc.paragraphs] == [2, 2]
    assert doc.paragraphs[0][1].source == "واستقبله كيم جونغ أون في المطار."
    assert doc.title.source == "بوتين في بيونغ يانغ" and doc.title.target


def test_repeated_sentences_are_translated_once(registry, calls):
    cache = ResultCache(registry.settings.home / "cache.sqlite")
    docs = [article("a", f"{P2}\n\n{REPEATED}"), article("b", REPEATED, title=None)]
    translate_articles(docs, registry, registry.get("tiny-marian"), cache)
    assert sum(REPEATED in text for text in calls) == 1
    calls.clear()
    translate_articles(docs, registry, registry.get("tiny-marian"), cache)  # a later run: all from the cache
    assert calls == []


def test_each_finished_batch_is_kept_before_the_next_runs(registry, monkeypatch):
    """A run that dies halfway (killed, out of memory) keeps the batches it finished; the rerun does only the rest."""
    from summarizer.backends.hf import HFBackend

    registry.settings = dataclasses.replace(registry.settings, batch_tokens=1)  # one sentence a batch
    sentences = [s + "." for s in P1.replace(".", "").split(" واستقبله ")] + [P2]
    real, batches = HFBackend.generate_batch, []

    def dies_at_the_third(self, texts, params):
        batches.append(texts)
        if len(batches) == 3:
            raise MemoryError("killed")
        return real(self, texts, params)

    monkeypatch.setattr(HFBackend, "generate_batch", dies_at_the_third)
    cache = ResultCache(registry.settings.home / "cache.sqlite")
    with pytest.raises(MemoryError):
        summarizer.inference.run_model("translate", registry, registry.get("tiny-marian"), sentences, cache)
    assert cache.conn.execute("SELECT count(*) FROM results").fetchone() == (2,)
    batches.clear()
    monkeypatch.setattr(HFBackend, "generate_batch", lambda self, texts, params: batches.append(texts) or real(self, texts, params))
    outputs = summarizer.inference.run_model("translate", registry, registry.get("tiny-marian"), sentences, cache)
    assert len(outputs) == 3 and cache.conn.execute("SELECT count(*) FROM results").fetchone() == (3,)
    assert len(batches) == 1  # the rerun generated only what the first run had not finished


def test_long_sentence_is_split_not_cut(registry):
    long_sentence = "قال المسؤول، في بيان طويل صدر اليوم، إن " + "، ".join(["المحادثات تناولت التعاون الاقتصادي والعسكري"] * 8) + "."
    (doc,) = translate_articles([article("a", long_sentence, title=None)], registry, registry.get("tiny-marian"), None)
    (pair,) = doc.paragraphs[0]
    assert pair.pieces > 1 and any("split into" in f for f in pair.flags)


def test_number_checks():
    assert numbers("قتل ١٢ شخصا و1,300 جريح في 2024 و3٫5") == ["12", "1300", "2024", "3.5"]
    assert check_sentence("قتل 12 شخصا في الهجوم.", "12 people were killed in the attack.") == []
    assert "number changed: 12 → 13" in check_sentence("قتل 12 شخصا في الهجوم.", "13 people were killed in the attack.")
    assert "number missing: 1.3 مليار" in check_sentence("سرقوا 1.3 مليار دولار.", "They stole billions of dollars.")
    assert "number not in source: 9, 12" in check_sentence("وصل الرئيس.", "The president arrived at 9, 9 and 12, 9.")  # each once
    assert check_sentence("جملة", "") == ["empty translation"]
    assert "source copied instead of translated" in check_sentence("وصل الرئيس.", "وصل الرئيس.")
    assert any("much shorter" in f for f in check_sentence("وصل الرئيس الروسي إلى العاصمة في زيارة رسمية تستغرق يومين.", "He came."))


def test_number_missing_is_flagged_end_to_end(registry):
    (doc,) = translate_articles([article("a", "قتل 12 شخصا في الهجوم.", title=None)], registry, registry.get("tiny-marian"), None)
    assert any(f.startswith("number") for f in doc.paragraphs[0][0].flags)  # the tiny model writes no digits


def test_glossary_enforces_and_checks_names():
    glossary = Glossary([Term("كيم جونغ اون", "Kim Jong Un", ("Kim Jong-un",)), Term("بوتين", "Putin", ())])
    text, flags = glossary.apply("التقى بوتين مع كيم جونغ أون", "Putin met Kim Jong-un.")
    assert text == "Putin met Kim Jong Un." and flags == []
    _, flags = glossary.apply("وصل بوتين", "The president arrived.")
    assert flags == ["glossary: Putin expected"]


def test_english_passes_through_and_other_languages_are_reported(registry, calls):
    english = article("en", "The president arrived in Pyongyang on Wednesday.", language="en", title="Putin arrives")
    french = article("fr", "Le président est arrivé à Pyongyang mercredi.", language="und", title=None)
    en_doc, fr_doc = translate_articles([english, french], registry, registry.get("tiny-marian"), None)
    assert en_doc.status == "passthrough" and en_doc.paragraphs[0][0].target == english.text
    assert fr_doc.status.startswith("not translated") and fr_doc.paragraphs[0][0].target == ""
    assert calls == []


def test_markdown_escapes_article_text(registry):
    hostile = article("x", "قال <script>alert(1)</script> إن [رابط](http://e.vil) # عنوان | جدول.", title=None)
    hostile = dataclasses.replace(hostile, outlet="[رابط](http://e.vil)", url="https://news.example/a> [رابط](http://e.vil) <b")
    (doc,) = translate_articles([hostile], registry, registry.get("tiny-marian"), None)
    from markdown_it import MarkdownIt

    md = translation_markdown(doc, bilingual=True)
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert 'href="http://e.vil"' not in rendered and "<table>" not in rendered
    assert rendered.count("<h1>") == 1  # only the title: "# عنوان" in the text stays text
    assert escape_md("# heading") == "\\# heading" and escape_md("- item") == "\\- item"


@pytest.mark.parametrize("fmt", ["md", "json", "txt"])
def test_translate_cli_formats(runner, registry, seeds_dir, tmp_path, monkeypatch, fmt):
    monkeypatch.setenv("SUMMARIZER_HOME", str(registry.settings.home))
    monkeypatch.setenv("SUMMARIZER_TRANSLATOR", "tiny-marian")
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(app, ["translate", str(seeds_dir / "003_3e239438a72b5b22.txt"), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        doc = json.loads(text)
        assert doc["status"] == "translated" and len(doc["paragraphs"]) == 26
        assert doc["paragraphs"][0][0]["ar"].startswith("في زيارة نادرة") and "en" in doc["paragraphs"][0][0]
    elif fmt == "md":
        assert text.startswith("# ") and "## Checks" in text and "tiny-marian" in text
    else:
        assert len(text.strip().split("\n\n")) == 27  # title + 26 paragraphs
        assert "Checks section" not in result.stderr and "--format md or json shows them" in result.stderr
        two = runner.invoke(app, ["translate", str(seeds_dir / "003_3e239438a72b5b22.txt"), str(seeds_dir / "001_ea2139a9c9054741.txt"), "--format", "txt"])
        first, second = two.stdout.split("\n* * *\n\n")  # articles apart, each opening with its title
        assert first.startswith(text.split("\n", 1)[0]) and second.split("\n", 1)[0]


def test_translate_cli_missing_model_names_the_fix(runner, seeds_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    result = runner.invoke(app, ["translate", str(seeds_dir / "003_3e239438a72b5b22.txt")])
    assert result.exit_code == 4 and "summarizer models pull opus-mt-tc-big-ar-en" in result.stderr


def test_eval_translation_runs_sacrebleu(runner, registry, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_HOME", str(registry.settings.home))
    src, ref = tmp_path / "src.ar", tmp_path / "ref.en"
    src.write_text(f"{P1}\n{P2}\n", encoding="utf-8")
    ref.write_text("The Russian president arrived in Pyongyang.\nThe leaders signed a pact.\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "translation", "--src", str(src), "--ref", str(ref), "--translator", "tiny-marian"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["lines"] == 2 and 0 <= scores["chrf"] <= 1 and scores["bleu_signature"].startswith("nrefs:1")


def test_translation_reports_its_progress(registry):
    from summarizer.progress import listening

    heard: list[tuple[str, int, int]] = []
    registry.settings = dataclasses.replace(registry.settings, batch_tokens=1)  # one sentence a batch
    with listening(lambda *step: heard.append(step)):
        translate_articles([article("a", f"{P1}\\n\\n{P2}")], registry, registry.get("tiny-marian"), ResultCache(registry.settings.home / "c.sqlite"))
    steps = [h for h in heard if h[0].startswith("translating")]
    total = steps[0][2]
    assert heard[:2] == [("loading tiny-marian", 0, 0), ("loading tiny-marian", 1, 0)] and steps[0] == ("translating with tiny-marian", 0, total) and total >= 4
    assert [done for _, done, _ in steps] == list(range(total + 1))  # a step after each batch, up to all of them


def test_translate_out_is_a_file_for_one_article_and_a_folder_for_several(runner, registry, seeds_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_HOME", str(registry.settings.home))
    monkeypatch.setenv("SUMMARIZER_TRANSLATOR", "tiny-marian")
    two = [str(seeds_dir / "001_ea2139a9c9054741.txt"), str(seeds_dir / "003_3e239438a72b5b22.txt")]
    result = runner.invoke(app, ["translate", *two, "--out", str(tmp_path / "english"), "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "english").iterdir()) == ["001_ea2139a9c9054741.md", "003_3e239438a72b5b22.md"]
    one = runner.invoke(app, ["translate", two[0], "--out", str(tmp_path / "english"), "--format", "json"])
    assert one.exit_code == 0 and (tmp_path / "english" / "001_ea2139a9c9054741.json").exists()  # a folder stays a folder
    (tmp_path / "a.md").write_text("old")
    refused = runner.invoke(app, ["translate", *two, "--out", str(tmp_path / "a.md")])
    assert refused.exit_code == 2 and "name a folder" in refused.stderr and (tmp_path / "a.md").read_text() == "old"
