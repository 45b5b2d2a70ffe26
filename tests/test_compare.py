"""`summarizer compare`: shared and unique facts, differing numbers, quotes, and the CLI on the seeds."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
from markdown_it import MarkdownIt

from summarizer.cli import app
from summarizer.compare import _align, compare
from summarizer.records import Article, Candidate, Source
from summarizer.render import comparison_dict, comparison_markdown


def article(id_: str, outlet: str, text: str, at: str | None = None) -> Article:
    return Article(id_, outlet, None, "2024-06-19", None, "ar", text, Source(id_), published_at=at)


STORY = [
    article("a", "Outlet A", "وقع الرئيسان اتفاق شراكة استراتيجية شاملة في بيونغ يانغ يوم الأربعاء.\n\n"
                             "وقتل 12 شخصا في انفجار بمصنع للذخيرة قرب الحدود الروسية.\n\n"
                             "وقال بوتين: «نثمن كثيرا دعمكم المنتظم للسياسة الروسية في أوكرانيا»."),
    article("b", "Outlet B", "وقع الرئيسان في بيونغ يانغ اتفاق شراكة استراتيجية شاملة يوم الأربعاء.\n\n"
                             "وقتل 15 شخصا في انفجار بمصنع للذخيرة قرب الحدود الروسية.\n\n"
                             "وزار الوفد الروسي متحف الحرب الكورية في العاصمة قبل المغادرة."),
]


def test_shared_unique_numbers_and_quotes():
    c = compare(STORY)
    shared = {claim.text: claim.articles for claim in c.shared}
    assert shared["وقع الرئيسان اتفاق شراكة استراتيجية شاملة في بيونغ يانغ يوم الأربعاء."] == [0, 1]
    unique = {claim.text: claim.articles for claim in c.unique}
    assert unique["وزار الوفد الروسي متحف الحرب الكورية في العاصمة قبل المغادرة."] == [1]
    (difference,) = c.numbers
    assert difference.values == {0: ["12"], 1: ["15"]} and "انفجار" in difference.claim.text and not difference.running
    (quote,) = c.quotes
    assert quote.speaker == "بوتين" and quote.text.startswith("نثمن كثيرا") and quote.article == 0


def test_compare_cli_on_the_seeds(runner, seeds_dir, tmp_path):
    result = runner.invoke(app, ["compare", str(seeds_dir), "--out", str(tmp_path)], env={"SUMMARIZER_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0, result.output
    (md_file,) = tmp_path.glob("compare-*.md")
    data = json.loads(md_file.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["shared"] and data["unique"]
    assert all(len(c["articles"]) >= 2 for c in data["shared"])
    assert all(len(c["articles"]) == 1 for c in data["unique"])
    # The signing of the strategic partnership agreement is reported by some articles only.
    signing = [c for c in data["shared"] + data["unique"] if any("وقع" in r["sentence"] and "شراكة استراتيجية" in r["sentence"] for r in c["reports"])]
    assert signing and all(len(c["articles"]) < len(data["articles"]) for c in signing)
    outlets = {a["outlet"] for a in data["articles"]}
    assert len(data["articles"]) == 4 and {"CNN Arabic", "Asharq Al-Awsat", "Al-Bawaba News"} <= outlets  # not 004 (Arabi21)
    md = md_file.read_text(encoding="utf-8")
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<table>" in html and "summarizer models pull opus-mt-tc-big-ar-en" in md
    assert "words alone" not in md  # the embeddings run here


def test_compare_says_where_it_aligned_by_words_alone(runner, seeds_dir, tmp_path, monkeypatch):
    from summarizer import embeddings

    monkeypatch.setattr(embeddings, "available", lambda: False)
    result = runner.invoke(app, ["compare", str(seeds_dir), "--out", str(tmp_path), "-q"], env={"SUMMARIZER_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0, result.output
    assert "sentences aligned by their words alone" in next(tmp_path.glob("compare-*.md")).read_text(encoding="utf-8")


def test_years_of_different_events_are_not_a_disagreement():
    c = compare([
        article("a", "Outlet A", "ويخضع البلدان لعقوبات دولية تفرضها الأمم المتحدة منذ العام 2006 بسبب البرنامج النووي."),
        article("b", "Outlet B", "ويخضع البلدان لعقوبات دولية واسعة منذ بدء الهجوم على أوكرانيا في فبراير 2022."),
    ])
    assert [claim.articles for claim in c.shared] == [[0, 1]]
    assert c.numbers == ()


def test_a_chain_of_links_does_not_join_different_facts():
    pool = [Candidate(0, 0, "a"), Candidate(1, 0, "b"), Candidate(2, 0, "c")]
    similarity = np.array([[1.0, 0.5, 0.0], [0.5, 1.0, 0.15], [0.0, 0.15, 1.0]])
    # b is c's closest and c is b's: a link, but c has nothing in common with a.
    assert sorted(_align(pool, similarity)) == [[0, 1], [2]]
    similarity[0, 2] = similarity[2, 0] = 0.3
    assert _align(pool, similarity) == [[0, 1, 2]]


def test_compare_markdown_keeps_article_text_inert():
    """The Arabic sits in an inline <span>, inside which Markdown still reads: links and code spans must not come alive."""
    from summarizer.render import comparison_markdown

    hostile = [
        article("a", "Outlet A", "وقع الرئيسان اتفاق شراكة [انقر هنا](https://evil.example) في بيونغ يانغ يوم `الأربعاء` الماضي."),
        article("b", "Outlet B", "وقع الرئيسان اتفاق شراكة [انقر هنا](https://evil.example) في بيونغ يانغ يوم `الأربعاء` الماضي."),
    ]
    md = comparison_markdown(compare(hostile), "s-1", "عنوان", {}, [])
    html = MarkdownIt("commonmark").render(md)
    assert "evil.example" in md and 'href="https://evil.example"' not in html and "<code>" not in html


def test_eval_compare_scores_pairs_against_gold_facts(runner, seeds_dir, tmp_path):
    """The README's pairwise scoring on a gold of one fact: the two 'all areas' Kremlin sentences. The comparison puts
    a third Kremlin sentence in their claim: three tool pairs, one of them gold; lenient precision drops the two with
    the sentence the gold does not list."""
    from summarizer.arabic import split_sentences
    from summarizer.pipeline import load_articles
    from summarizer.settings import Settings

    articles = [a for a in load_articles([str(seeds_dir)], Settings.resolve(env={})) if isinstance(a, Article)][:4]
    kremlin = [(a.id, s) for a in articles for p in a.paragraphs for s in split_sentences(p) if "الكرملين" in s and "المجالات" in s]
    assert len(kremlin) == 2
    record = {"window": "seeds", "story": "putin-pyongyang", "articles": [a.id for a in articles], "duplicates": {},
              "facts": [{"fact": "the Kremlin wants cooperation in all areas", "reports": [{"article": i, "sentence": s} for i, s in kremlin]}],
              "numbers_differ": []}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "compare", "--gold", str(gold), str(seeds_dir)])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert (scores["gold_pairs"], scores["hits"], scores["recall"]) == (1, 1, 1.0)
    assert scores["lenient_precision"] == 1.0 and scores["precision"] == round(1 / scores["tool_pairs"], 4)

    # The optional unique-facts score: one unique fact the comparison lists, one it does not (a shared claim's sentence).
    c = compare(articles)
    listed = c.unique[0].reports[0]
    unlisted = next((a, r) for claim in c.shared for a, r in claim.reports if "الكرملين" not in r.text)
    record["facts"] += [{"fact": "listed", "reports": [{"article": articles[listed[0]].id, "sentence": listed[1].text}]},
                        {"fact": "not listed", "reports": [{"article": articles[unlisted[0]].id, "sentence": unlisted[1].text}]}]
    gold.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    scores = json.loads(runner.invoke(app, ["eval", "compare", "--gold", str(gold), str(seeds_dir)]).stdout)
    assert (scores["unique_precision"], scores["unique_recall"]) == (1.0, 0.5)


def test_quote_speakers_named_in_the_sentence_and_quoted_names_are_not_quotes(seeds_dir):
    from summarizer.pipeline import load_articles
    from summarizer.settings import Settings

    articles = [a for a in load_articles([str(seeds_dir)], Settings.resolve(env={})) if isinstance(a, Article)][:4]
    quotes = {q.text: q.speaker for q in compare(articles).quotes}
    assert "اتفاق شراكة استراتيجية" not in quotes  # the name of what was signed, in quotation marks
    assert quotes["تعمل بكامل طاقتها"] == "كوريا الجنوبية"  # وتقول كوريا الجنوبية إن …: a verb of saying in the present
    assert quotes["العلاقات الهادفة والصداقة الوثيقة"] == "كيم"  # وأشاد كيم الأسبوع الماضي بمستقبل «…»
    assert quotes["رفيق سلاح لا يقهر"] == "الزعيم كيم جونغ أون"  # أن الزعيم كيم جونغ أون قال في رسالة … إن بلاده «…»: before the verb
    assert quotes[next(q for q in quotes if q.startswith("تدخل العلاقات"))] == "كيم"  # من جهته قال كيم: «…»: after it, not «من جهته»


def test_each_outlet_s_own_wording_with_linked_marks(runner, seeds_dir, tmp_path):
    result = runner.invoke(app, ["compare", str(seeds_dir), "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    md = next(tmp_path.glob("compare-*.md")).read_text(encoding="utf-8")
    data = json.loads(next(tmp_path.glob("compare-*.json")).read_text(encoding="utf-8"))
    html = MarkdownIt("commonmark").render(md)
    shared = md.split("## Reported by several outlets", 1)[1].split("## Reported by one outlet only", 1)[0]
    from summarizer.render import escape_md

    for claim in data["shared"]:
        for report in claim["reports"]:  # every outlet's own sentence is there, not only the first one's
            assert escape_md(report["sentence"]) in shared
    assert all(f'id="art-{n}"' in html and f'href="#art-{n}"' in html for n in range(1, len(data["articles"]) + 1))


def test_articles_that_number_a_thing_differently_are_a_disagreement(seeds_dir):
    from summarizer.disagreements import ordinal_differences
    from summarizer.pipeline import load_articles
    from summarizer.settings import Settings
    from summarizer.summarize import candidates

    def article(i: int, text: str) -> Article:
        return Article(f"o{i}", "X", "t", "2024-06-19", None, "ar", text, Source(f"o{i}.txt"))

    # "The first in 24 years" agrees with "the second": only a plain first against a plain second disagrees.
    since = [article(0, "وصل بوتين في أول زيارة منذ 24 عاما إلى بيونغ يانغ اليوم."), article(1, "وهذه الزيارة الثانية لكوريا الشمالية التي يقوم بها بوتين.")]
    assert ordinal_differences(candidates(since), 2) == []
    # Sadr first, Fatah second in one article; the other names only the second place: nothing disagrees.
    places = [article(0, "وفازت كتلة الصدر بالمركز الأول وجاءت كتلة الفتح في المركز الثاني في الانتخابات."),
              article(1, "وحلت كتلة الفتح في المركز الثاني في الانتخابات البرلمانية الأخيرة.")]
    assert ordinal_differences(candidates(places), 2) == []
    articles = [a for a in load_articles([str(seeds_dir)], Settings.resolve(env={})) if isinstance(a, Article)][:4]
    c = compare(articles)
    visits = [d.values for d in c.numbers if "الزيارة الثانية" in " ".join(r.text for _, r in d.claim.reports)]
    assert visits == [{2: ["الأولى"], 3: ["الثانية"]}]  # 002: "a visit that is his first"; 003: "the second visit"


def test_one_speakers_two_statements_are_two_claims(seeds_dir):
    from summarizer.pipeline import load_articles
    from summarizer.settings import Settings

    articles = [a for a in load_articles([str(seeds_dir)], Settings.resolve(env={})) if isinstance(a, Article)][:4]
    c = compare(articles)
    kremlin = [[r.text for _, r in claim.reports] for claim in c.shared if any("الكرملين" in r.text for _, r in claim.reports)]
    # "Cooperation in all areas" (two articles say it) is one claim; "important documents will be signed" is not part of it.
    assert any(sum("المجالات" in t for t in texts) == 2 for texts in kremlin)
    assert not any(any("وثائق مهمة" in t for t in texts) and any("المجالات" in t for t in texts) for texts in kremlin)


TOLL = ("أصيب {} فلسطينيا برصاص الجيش الإسرائيلي قرب السياج الحدودي شرق مدينة غزة يوم الجمعة.\n\n"
        "وتجمع آلاف المتظاهرين في خمسة مخيمات على طول الحدود رافعين الأعلام.")


def test_a_count_that_rises_hour_by_hour_is_a_running_toll_and_one_that_falls_a_disagreement():
    rising = [article("a", "Outlet A", TOLL.format(3), "2018-04-13T09:54Z"), article("b", "Outlet B", TOLL.format(112), "2018-04-13T11:32Z"),
              article("c", "Outlet C", TOLL.format(968), "2018-04-13T17:04Z")]
    (difference,) = compare(rising).numbers
    assert difference.values == {0: ["3"], 1: ["112"], 2: ["968"]} and difference.running
    falling = [dataclasses.replace(a, published_at=t) for a, t in zip(rising, ["2018-04-13T17:04Z", "2018-04-13T11:32Z", "2018-04-13T09:54Z"])]
    assert not compare(falling).numbers[0].running  # the later report gives less: they disagree
    untimed = [dataclasses.replace(a, published_at=None) for a in rising]
    assert not compare(untimed).numbers[0].running  # without the hours nobody can tell
    term = "وخفضت المحكمة العسكرية الحكم على الجندي إلى {} شهرا من السجن بعد الاستئناف يوم الجمعة.\n\nوتجمع المحتجون أمام المحكمة."
    months = [dataclasses.replace(a, text=term.format(n)) for a, n in zip(rising, (4, 9, 14))]
    assert not compare(months).numbers[0].running  # a prison term does not rise through the day


def test_re_posts_are_one_text_and_count_once_and_the_first_report_is_the_earliest():
    story = [article("a", "Outlet A", TOLL.format(3), "2018-04-13T11:23Z"), article("a2", "Outlet A", TOLL.format(3), "2018-04-13T11:23Z"),
             article("b", "Outlet B", "أصيب 3 فلسطينيا برصاص الجيش الإسرائيلي شرق مدينة غزة الجمعة، بحسب وزارة الصحة.\n\n"
                                      "وقال شهود إن المتظاهرين أحرقوا إطارات قرب السياج.", "2018-04-13T09:54Z"),
             article("c", "Outlet C", "وزار الوفد الروسي متحف الحرب الكورية في العاصمة قبل المغادرة.\n\nوعاد الوفد إلى موسكو مساء.", "2018-04-13T08:00Z")]
    c = compare(story)
    assert c.copies == ((0, 1),)  # Outlet B tells it in its own words: its own report
    claim = next(x for x in c.shared if "أصيب" in x.text)
    assert claim.articles == [0, 1, 2] and claim.independent == 2 and claim.first == 2
    assert c.numbers == ()  # three reports of the same 3 are no disagreement
    tie = compare([dataclasses.replace(a, published_at="2018-04-13T09:54Z") for a in story])
    assert next(x for x in tie.shared if "أصيب" in x.text).first is None  # reported at the same minute: no first


def test_markdown_and_json_say_copies_first_reports_running_tolls_and_each_outlet_s_own_facts():
    story = [article("a", "Outlet A", TOLL.format(3), "2018-04-13T09:54Z"), article("a2", "Outlet A", TOLL.format(3), "2018-04-13T09:54Z"),
             article("b", "Outlet B", "أصيب 112 فلسطينيا برصاص الجيش الإسرائيلي شرق مدينة غزة الجمعة، بحسب وزارة الصحة.\n\n"
                                      "وقال متحدث عسكري إن الجنود ردوا على مثيري الشغب.", "2018-04-13T11:32Z")]
    c = compare(story)
    md = comparison_markdown(c, "s1", "غزة", {}, [])
    assert "- Outlet A [\\[1\\]](#art-1), Outlet A [\\[2\\]](#art-2): a re-post or one wire copy" in md
    assert "(2018-04-13 09:54 UTC)" in md and "first: Outlet A [\\[1\\]](#art-1), 2018-04-13 09:54 UTC" not in md  # 1 and 2 at once
    assert "a running toll, rising from report to report: 3 (Outlet A" in md and "→ 112 (Outlet B [\\[3\\]](#art-3), 2018-04-13 11:32 UTC)" in md
    own = md.split("## Reported by one outlet only", 1)[1].split("## Numbers that differ", 1)[0]
    assert "### Outlet B" in own and "ردوا على مثيري الشغب" in own
    data = comparison_dict(c, "s1", "غزة", {}, [])
    assert data["copies"] == [[1, 2]] and data["articles"][2]["published_at"] == "2018-04-13T11:32Z"
    assert data["numbers_differ"][0]["running_toll"] is True
    toll = next(x for x in data["shared"] if any("أصيب" in r["sentence"] for r in x["reports"]))
    assert toll["independent_reports"] == 2 and toll["outlets"] == ["Outlet A", "Outlet B"] and toll["first"] is None
    assert any("ردوا على مثيري الشغب" in x["ar"] for x in data["only_one_outlet"]["Outlet B"])


def test_a_counted_noun_in_the_accusative_counts_the_same_thing():
    story = [article("a", "Outlet A", "وحصلت قائمة سائرون على 101 مقعد في البرلمان العراقي الجديد بعد فرز الأصوات.\n\nوقال مسؤول إن النتائج نهائية."),
             article("b", "Outlet B", "وحصلت قائمة سائرون على 54 مقعدا في البرلمان العراقي الجديد بعد فرز الأصوات.\n\nوتجمع أنصار القائمة في بغداد.")]
    (difference,) = compare(story).numbers  # مقعد and مقعدا (the alif of a noun counted by 11-99) are one word
    assert difference.values == {0: ["101"], 1: ["54"]}


def test_sentence_embeddings_see_a_paraphrase_that_shares_few_words():
    from summarizer import embeddings

    released = "أفرجت السلطات الإسرائيلية عن الجندي بعد تسعة أشهر في السجن."
    freed = "أطلق الجيش سراح الجندي الذي أمضى تسعة أشهر خلف القضبان."
    unrelated = "ارتفعت أسعار النفط في الأسواق العالمية مع تراجع المخزونات."
    vectors = embeddings.embed([released, freed, unrelated])
    assert vectors.shape[0] == 3 and abs(float(vectors[0] @ vectors[0]) - 1) < 1e-4
    alike = embeddings.similarities([released, freed, unrelated])
    assert alike[0, 1] > alike[0, 2] and alike[0, 1] > 0
    assert (embeddings.embed([freed]) == vectors[1]).all()  # from memory, the same


def test_where_the_embeddings_do_not_run_claims_are_aligned_by_words_at_their_own_threshold(seeds_dir, monkeypatch):
    from summarizer import embeddings
    from summarizer.compare import WORDS_CLAIM_SIMILARITY
    from summarizer.pipeline import load_articles
    from summarizer.settings import Settings

    articles = [a for a in load_articles([str(seeds_dir)], Settings.resolve(env={})) if isinstance(a, Article)][:4]
    words_alone = compare(articles, claim_similarity=WORDS_CLAIM_SIMILARITY, meaning_share=0.0)
    assert compare(articles) != words_alone  # here the embeddings run and change the claims
    monkeypatch.setattr(embeddings, "available", lambda: False)
    assert compare(articles) == words_alone


def test_embeddings_are_kept_in_the_result_cache_exactly(tmp_path, monkeypatch):
    from summarizer import embeddings
    from summarizer.cache import ResultCache

    texts = ["أفرجت السلطات عن الجندي بعد تسعة أشهر.", "ارتفعت أسعار النفط في الأسواق العالمية."]
    embeddings.clear()
    with ResultCache(tmp_path / "cache.sqlite") as cache:
        first = embeddings.embed(texts, cache)
    embeddings.clear()

    def no_model():
        raise AssertionError("embedded again")

    monkeypatch.setattr(embeddings, "_model", no_model)
    with ResultCache(tmp_path / "cache.sqlite") as cache:
        assert (embeddings.embed(texts, cache) == first).all()  # from the file, float32 as computed
    embeddings.clear()
