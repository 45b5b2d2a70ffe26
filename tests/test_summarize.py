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
    assert runner.invoke(app, ["eval", "summaries", "--gold", str(gold), "--summarizer", "mt5-xlsum"]).exit_code == 2
