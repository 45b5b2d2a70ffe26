"""The model-free extractive summarizer: selection, redundancy, citations, length, and its evaluation."""

from __future__ import annotations

import json

import pytest

from summarizer.arabic import normalize
from summarizer.cli import app
from summarizer.evaluate import ArabicRougeTokenizer, rouge
from summarizer.pipeline import load_articles
from summarizer.records import Article, Source
from summarizer.settings import Settings
from summarizer.summarize import LENGTHS, extractive_summary

FURNITURE = ("مقالات", "اقرأ", "إقرأ", "TT", "المصدر", "كلمات دلالية", "رئيس التحرير", "google news", "aXA6")


def article(id_: str, text: str, published: str | None = None) -> Article:
    return Article(id_, None, None, published, None, "ar", text, Source(id_))


@pytest.fixture
def putin_story(seeds_dir) -> list[Article]:
    articles = [a for a in load_articles([str(seeds_dir)], Settings.resolve(env={})) if isinstance(a, Article)]
    return [a for a in articles if not a.source.path.split("/")[-1].startswith("004")]


@pytest.mark.parametrize("length", list(LENGTHS))
def test_putin_story_summary(putin_story, length):
    summary = extractive_summary(putin_story, length)
    assert summary.method == "extractive"
    assert 1 <= len(summary.sentences) <= LENGTHS[length]
    keys = [normalize(s.text) for s in summary.sentences]
    assert len(keys) == len(set(keys))  # no sentence twice
    for s in summary.sentences:
        assert not any(f in s.text for f in FURNITURE)
    if length != "short":
        cited = {a for s in summary.sentences for a in s.citations}
        assert len(cited) >= 3  # at least three of the four articles


def test_every_sentence_cites_its_sources():
    story = [
        article("a", "وقع الرئيسان اتفاق شراكة استراتيجية شاملة في بيونغ يانغ يوم الأربعاء. وتناولت المحادثات التعاون العسكري بين البلدين.", "2024-06-19"),
        article("b", "أعلن الكرملين أن الرئيسين وقعا اتفاق شراكة استراتيجية شاملة في بيونغ يانغ. وقال إن الاتفاق يشمل الدفاع المشترك.", "2024-06-19"),
        article("c", "ارتفعت أسعار النفط في الأسواق العالمية بنسبة كبيرة خلال تعاملات الأربعاء في لندن ونيويورك.", "2024-06-19"),
    ]
    summary = extractive_summary(story, "short")
    first = summary.sentences[0]
    assert set(first.citations[:2]) == {0, 1}  # the shared fact is cited to both articles
    assert dict(first.sources)[first.citations[0]] == 0  # each citation points at the supporting sentence
    assert all(s.citations[0] == s.sources[0][0] for s in summary.sentences)


def test_empty_story_and_short_sentences():
    assert extractive_summary([], "short").sentences == ()
    assert extractive_summary([article("a", "قصير جدا.")], "short").sentences == ()


def test_memory_grows_with_the_sentences_not_their_square(seeds_dir):
    """A huge article (a 20 MB one has some 70,000 sentences) is summarised without the sentence × sentence matrix."""
    import random
    import tracemalloc

    words = sorted({w for p in seeds_dir.glob("*.txt") for w in p.read_text(encoding="utf-8").split() if len(w) > 3 and w.isalpha()})
    rng = random.Random(0)
    n = 4000  # its matrix alone: 64 MB of float32, before the sparse product that makes it
    text = "\n\n".join(" ".join(rng.sample(words, 9)) + "." for _ in range(n))
    extractive_summary([article("warm", text[:2000])])  # the word-frequency tables load once (some 100 MB)
    tracemalloc.start()
    try:
        summary = extractive_summary([article("huge", text)], "medium")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert summary.input_sentences == n and len(summary.sentences) == LENGTHS["medium"]
    assert peak < 40 * 2**20, f"{peak / 2**20:.0f} MB"


def test_arabic_rouge_keeps_arabic_letters():
    assert ArabicRougeTokenizer().tokenize("أعلن الرئيسُ ١٢ قرارا") == ["اعلن", "الرييس", "12", "قرارا"]
    assert rouge(["وصل الرئيس إلى بيونغ يانغ"], ["وصل الرئيس إلى بيونغ يانغ"])["rouge2"] == 100.0
    assert rouge(["وصل الرئيس"], ["غادر الوزير"])["rouge1"] == 0.0


def test_eval_summaries_cli(runner, tmp_path):
    gold = tmp_path / "gold.jsonl"
    records = [{"id": "x1", "title": "زيارة", "text": "وصل الرئيس الروسي إلى بيونغ يانغ في زيارة رسمية. ووقع اتفاقا مع كيم جونغ أون في العاصمة.",
                "summary": "وصل الرئيس الروسي إلى بيونغ يانغ في زيارة رسمية."}]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "summaries", "--gold", str(gold), "--length", "1"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["rouge1"] == 100.0 and scores["articles"] == 1 and "normalisation" in scores["tokenizer"]
    missing = runner.invoke(app, ["eval", "summaries", "--gold", str(gold), "--summarizer", "mt5-xlsum"], env={"SUMMARIZER_HOME": str(tmp_path / "h")})
    assert missing.exit_code == 4 and "summarizer models pull mt5-xlsum" in missing.stderr
    with gold.open("a", encoding="utf-8") as f:
        f.write("{broken\n")  # a broken line is skipped with one line, as by every command; the rest is scored
    broken = runner.invoke(app, ["eval", "summaries", "--gold", str(gold), "--length", "1"])
    assert broken.exit_code == 1 and json.loads(broken.stdout)["rouge1"] == 100.0, broken.output
    assert [line for line in broken.stderr.splitlines() if "gold.jsonl:2" in line] == [broken.stderr.strip()]


# --- abstractive path, on tiny models -------------------------------------------------------------

from summarizer.evidence import unsupported  # noqa: E402
from summarizer.models import import_model  # noqa: E402
from summarizer.registry import Registry  # noqa: E402
from summarizer.summarize import attribute, candidates, summarize_story  # noqa: E402
from tiny_models import write_manifest  # noqa: E402


@pytest.fixture
def registry(tmp_path, tiny_models) -> Registry:
    home = tmp_path / "home"
    write_manifest(home, "tiny-t5", "summarize", "seq2seq", 64, {"num_beams": 2, "max_new_tokens": 12})
    (home / "manifests" / "tiny-causal.toml").write_text(
        'name = "tiny-causal"\ntask = "summarize"\nlicence = "test"\nbackend = "causal"\nmax_input_tokens = 1500\n'
        'prompt = "summarize-ar.txt"\n[generation]\nmax_new_tokens = 12\n', encoding="utf-8")
    reg = Registry.load(Settings.resolve(env={}, home=home, threads=1, device="cpu"))
    import_model(reg, reg.get("tiny-t5"), tiny_models["t5"])
    import_model(reg, reg.get("tiny-causal"), tiny_models["causal"])
    return reg


def test_seq2seq_summary_fits_the_input_and_reports_it(putin_story, registry):
    summary = summarize_story(putin_story, registry, "tiny-t5", "short")
    assert summary.method == "tiny-t5"
    assert 0 < summary.used_sentences < summary.input_sentences  # 64 tokens hold only a few sentences
    assert any(f.startswith("input fitted to the model") for f in summary.flags)
    for s in summary.sentences:  # gibberish from random weights: unsupported, and flagged, not hidden
        assert s.citations or "no supporting sentence in the sources" in s.flags


def test_causal_summary_uses_the_prompt(putin_story, registry, monkeypatch):
    import summarizer.inference

    seen = []
    real = summarizer.inference.run_model
    monkeypatch.setattr(summarizer.inference, "run_model", lambda *a, **k: seen.append(a[3][0]) or real(*a, **k))
    summary = summarize_story(putin_story, registry, "tiny-causal", "medium")
    assert summary.method == "tiny-causal"
    prompt = seen[0]
    assert "at most 4 sentences" in prompt and "[1] " in prompt and "{articles}" not in prompt


def test_model_too_small_for_its_prompt_falls_back(putin_story, registry, tmp_path):
    manifest = registry.get("tiny-causal").__class__(**{**registry.get("tiny-causal").__dict__, "max_input_tokens": 50})
    registry.manifests["tiny-causal"] = manifest
    summary = summarize_story(putin_story, registry, "tiny-causal", "short")
    assert summary.method == "extractive" and "too few for its prompt" in summary.flags[0]


def test_missing_model_falls_back_to_extractive_and_says_so(putin_story, registry):
    summary = summarize_story(putin_story, registry, "mt5-xlsum", "short")
    assert summary.method == "extractive" and summary.sentences
    assert "summarizer models pull mt5-xlsum" in summary.flags[0]


def test_attribution_and_unsupported_facts():
    story = [
        article("a", "قتل 12 شخصا في هجوم على سوق في مدينة الحديدة اليمنية صباح الاثنين."),
        article("b", "أعلنت السلطات أن حصيلة هجوم سوق الحديدة ارتفعت إلى 12 قتيلا."),
    ]
    pool = candidates(story)
    supported = attribute("قتل 12 شخصا في هجوم على سوق الحديدة.", pool, story)
    assert set(supported.citations) == {0, 1} and supported.flags == ()
    assert dict(supported.sources) == {0: 0, 1: 0}
    invented = attribute("قتل 15 شخصا في هجوم على سوق تمبكتو.", pool, story)
    assert "number not in the sources: 15" in invented.flags
    assert any("تمبكتو" in f for f in invented.flags)
    assert unsupported("قتل ١٢ شخصا في الحديدة.", story) == []  # Arabic-Indic digits match


def test_unsupported_reads_words_with_diacritics_whole():
    """Shadda and tanween are marks inside a word: تتقدّم is تتقدم, not "تتقد" and "م" (then "not in the sources")."""
    story = [article("a", "تتقدم القوات اليمنية نحو مطار الحديدة وسط اشتباكات عنيفة مع الحوثيين، وقتل عشرات المقاتلين.")]
    assert unsupported("تتقدّم القواتُ اليمنيّة نحو مطارِ الحديدةِ وسط اشتباكاتٍ عنيفةٍ مع الحوثيّين.", story) == []
    assert unsupported("تتقدّم القوات نحو مطار تمبكتو.", story) == ["name or term not in the sources: تمبكتو"]


def test_citations_need_the_numbers_polarity_and_event_of_the_sentence():
    """Another article is cited only when its sentence says the same thing, not when it shares the actors or topic."""
    from summarizer.evidence import agrees

    story = [
        article("a", "قتل 12 شخصا في هجوم على سوق في مدينة الحديدة اليمنية صباح الاثنين.", "2024-06-19"),
        article("b", "قتل 15 شخصا في هجوم على سوق في مدينة الحديدة اليمنية صباح الاثنين.", "2024-06-19"),  # another toll
        article("c", "لم يقتل أحد في هجوم على سوق في مدينة الحديدة اليمنية صباح الاثنين.", "2024-06-19"),  # the opposite
        article("d", "قتل 12 شخصا في هجوم على سوق في مدينة الحديدة اليمنية صباح الاثنين، بحسب السلطات.", "2024-06-19"),
    ]
    summary = extractive_summary(story, 1)
    (first,) = summary.sentences
    assert first.citations[0] == 0 and set(first.citations) == {0, 3}
    assert [text for text in first.evidence] == [story[0].text, story[3].text]
    assert not agrees("وقع الزعيمان اتفاق شراكة استراتيجية.", "توجه الزعيمان إلى المحادثات.", frozenset())


def test_check_summary_cli_gives_evidence_and_flags(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    articles = tmp_path / "story.jsonl"
    articles.write_text(json.dumps({"id": "a", "text": "قتل 12 شخصا في هجوم على سوق في مدينة الحديدة اليمنية صباح الاثنين."}, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = tmp_path / "summary.txt"
    summary.write_text("قتل 12 شخصا في هجوم على سوق في مدينة الحديدة.\nقتل 15 شخصا في هجوم على سوق في مدينة الحديدة.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "summary", "--summary", str(summary), str(articles)])
    assert result.exit_code == 0, result.output
    good, bad = [json.loads(line) for line in result.stdout.splitlines()]
    assert good["evidence"] == [{"article": "a", "sentence": 0, "text": "قتل 12 شخصا في هجوم على سوق في مدينة الحديدة اليمنية صباح الاثنين."}]
    assert good["flags"] == [] and bad["evidence"] == []
    assert {f["check"] for f in bad["flags"]} == {"evidence", "number"}
