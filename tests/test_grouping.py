"""Story grouping: seeds, determinism, ids kept across runs, and awkward inputs."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from summarizer.cli import EXIT_NO_INPUT, EXIT_SOME_INPUTS_BAD, app
from summarizer.evaluate import bcubed
from summarizer.grouping import by_coverage, cluster, node_for
from summarizer.pipeline import group_stories, load_articles
from summarizer.records import Article, Source, Story
from summarizer.settings import Settings

QUAKE = [
    "ضرب زلزال بقوة 6.2 درجات مدينة الحسيمة المغربية فجر الاثنين، وأعلنت السلطات مقتل 12 شخصا وإصابة العشرات تحت الأنقاض.",
    "وقالت وزارة الداخلية المغربية إن فرق الإنقاذ تواصل البحث عن ناجين تحت أنقاض المباني المنهارة في الحسيمة بعد الزلزال.",
    "ارتفعت حصيلة ضحايا زلزال الحسيمة في شمال المغرب إلى 20 قتيلا، فيما تواصل فرق الإنقاذ انتشال الجثث من تحت الأنقاض.",
]
ELECTION = "أعلنت اللجنة الانتخابية في ماليزيا فوز تحالف المعارضة بقيادة مهاتير محمد في الانتخابات البرلمانية بأغلبية المقاعد."
ENGLISH = [
    "A magnitude 7.1 earthquake struck off the coast of Hokkaido on Monday, Japan's meteorological agency said, triggering tsunami warnings.",
    "Tsunami warnings were lifted in Hokkaido after Monday's magnitude 7.1 earthquake, the Japanese meteorological agency said.",
]


def article(id_: str, text: str, published: str | None = None, outlet: str | None = None, title: str | None = None) -> Article:
    return Article(id=id_, outlet=outlet, title=title, published=published, url=None, language="ar", text=text, source=Source("test"))


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.resolve(env={}, home=tmp_path / "home")


def seed_articles(seeds_dir, settings) -> list[Article]:
    return [a for a in load_articles([str(seeds_dir)], settings) if isinstance(a, Article)]


def by_seed(stories) -> list[set[str]]:
    return [{a.source.path.split("/")[-1][:3] for a in s.articles} for s in stories]


def test_putin_visit_articles_form_one_story(seeds_dir, settings):
    groups = by_seed(group_stories(seed_articles(seeds_dir, settings), settings, use_store=False))
    assert any({"000", "001", "002", "003"} <= g for g in groups)


def test_kim_train_journey_is_its_own_story_when_dates_are_known(seeds_dir, settings):
    dates = {"000": "2024-06-17", "001": "2024-06-12", "002": "2024-06-19", "003": "2024-06-18", "004": "2023-09-12"}
    dated = [a.__class__(**{**a.__dict__, "published": dates[a.source.path.split("/")[-1][:3]]}) for a in seed_articles(seeds_dir, settings)]
    groups = by_seed(group_stories(dated, settings, use_store=False))
    assert sorted(groups, key=len) == [{"004"}, {"000", "001", "002", "003"}]


def test_kim_train_journey_is_its_own_story_without_dates(seeds_dir, settings):
    # Same people, same countries, same arms talk: only the direction of travel tells them apart.
    groups = by_seed(group_stories(seed_articles(seeds_dir, settings), settings, use_store=False))
    assert sorted(groups, key=len) == [{"004"}, {"000", "001", "002", "003"}]


PUTIN_TRIP = "توجه الرئيس الروسي فلاديمير بوتين إلى كوريا الشمالية لإجراء محادثات مع الزعيم كيم جونغ أون حول التعاون العسكري والأسلحة."
KIM_TRIP = "غادر الزعيم الكوري الشمالي كيم جونغ أون بيونغ يانغ بالقطار متوجها إلى فلاديفوستوك لإجراء محادثات مع الرئيس بوتين حول التعاون العسكري والأسلحة."


def test_trips_to_different_countries_stay_apart_across_runs(settings):
    (putin,) = group_stories([article("p1", PUTIN_TRIP)], settings, today=dt.date(2024, 6, 18))
    stories = group_stories([article("k1", KIM_TRIP), article("p2", PUTIN_TRIP + " وقال الكرملين إن الزيارة تستغرق يومين.")], settings, today=dt.date(2024, 6, 19))
    by_id = {s.id: {a.id for a in s.articles} for s in stories}
    assert by_id[putin.id] == {"p2"}  # joins the stored Putin trip, whose destination came from the store
    assert {"k1"} in by_id.values()


def test_grouping_is_deterministic(seeds_dir, settings, tmp_path):
    articles = seed_articles(seeds_dir, settings) + [article("q1", QUAKE[0]), article("e1", ELECTION)]
    first = [s.to_dict() for s in group_stories(articles, settings, use_store=False)]
    second = [s.to_dict() for s in group_stories(list(reversed(articles)), settings, use_store=False)]
    assert first == second


def test_story_ids_survive_runs_and_mark_new_and_updated(settings):
    day1 = [article("q1", QUAKE[0], "2024-03-04", "Hespress"), article("q2", QUAKE[1], "2024-03-04", "Al Arabiya")]
    (story,) = group_stories(day1, settings, today=dt.date(2024, 3, 4))
    assert story.status == "new"
    assert {a.id for a in story.articles} == {"q1", "q2"}

    day2 = [article("q3", QUAKE[2], "2024-03-05", "BBC Arabic"), article("e1", ELECTION, "2024-03-05")]
    stories = group_stories(day2, settings, today=dt.date(2024, 3, 5))
    quake = next(s for s in stories if "q3" in {a.id for a in s.articles})
    election = next(s for s in stories if "e1" in {a.id for a in s.articles})
    assert quake.id == story.id and quake.status == "updated"
    assert election.id != story.id and election.status == "new"

    rerun = group_stories(day2, settings, today=dt.date(2024, 3, 5))  # the same day again: the same answer
    assert [s.to_dict() for s in rerun] == [s.to_dict() for s in stories]
    later = group_stories(day2, settings, today=dt.date(2024, 3, 6))  # a later day: nothing new
    assert {s.id: s.status for s in later} == {quake.id: "unchanged", election.id: "unchanged"}


def test_empty_single_and_duplicates(settings):
    assert group_stories([], settings, use_store=False) == []
    (single,) = group_stories([article("only", ELECTION)], settings, use_store=False)
    assert [a.id for a in single.articles] == ["only"] and single.status == "new"

    copies = [article("a", QUAKE[0], outlet="Reuters"), article("b", QUAKE[0], outlet="Al Arabiya"), article("a", QUAKE[0])]
    (story,) = group_stories(copies, settings, use_store=False)
    assert [a.id for a in story.articles] == ["a", "b"]  # the repeated id is read once
    assert story.duplicates == {"b": "a"}
    assert story.outlets == ["Reuters", "Al Arabiya"]


def test_since_ranks_by_the_days_coverage_and_the_whole_story_breaks_ties():
    last_week = Story("s-old", "old", (article("o1", "x", "2018-05-08", "A"), article("o2", "x", "2018-05-08", "B"),
                                       article("o3", "x", "2018-05-08", "C"), article("o4", "x", "2018-05-15", "A")))
    today = Story("s-new", "new", (article("n1", "x", "2018-05-15", "B"), article("n2", "x", "2018-05-15", "C")))
    undated = Story("s-undated", "undated", (article("u1", "x", None, "D"), article("u2", "x", None, "E"), article("u3", "x", None, "F")))
    tied = Story("s-tied", "tied", (article("t1", "x", "2018-05-07", "A"), article("t2", "x", "2018-05-15", "B"), article("t3", "x", "2018-05-15", "D")))
    stories = [today, last_week, undated, tied]
    assert [s.id for s in by_coverage(stories)] == ["s-old", "s-tied", "s-undated", "s-new"]  # every day counts alike
    # From the 15th: undated articles count (3 outlets); then 2 outlets each, the older article breaking the tie.
    assert [s.id for s in by_coverage(stories, since="2018-05-15")] == ["s-undated", "s-tied", "s-new", "s-old"]


def test_a_big_story_of_many_angles_stays_one_story(settings):
    """A core of reports and 32 angles that share the event and little else (mean pair similarity about 0.13:
    average linkage at the default threshold cuts them into pieces)."""
    from wordfreq import top_n_list

    event = "ضرب زلزال بقوة 6 درجات مدينة الحسيمة المغربية وأعلنت السلطات مقتل العشرات تحت الأنقاض"
    core = ["وتواصل فرق الإنقاذ البحث عن ناجين", "وارتفعت حصيلة الضحايا في الحسيمة", "وانهارت مبان سكنية في أحياء المدينة القديمة",
            "وشعر السكان بهزات ارتدادية قوية", "وقال الدفاع المدني إن الحصيلة مرشحة للارتفاع"]
    rare = [w for w in top_n_list("ar", 60000)[20000:] if len(w) > 3]  # each angle's own words, as rare as the event's
    articles = [article(f"c{k}", f"{event}. {line}.", "2018-05-08") for k, line in enumerate(core)]
    articles += [article(f"a{k:02d}", "بعد زلزال الحسيمة المغربية: " + " ".join(rare[16 * k : 16 * k + 16]), "2018-05-08") for k in range(32)]
    articles.append(article("e1", ELECTION, "2018-05-08"))
    groups = sorted(sorted(a.id for a in s.articles) for s in group_stories(articles, settings, use_store=False))
    assert groups == [sorted(a.id for a in articles[:-1]), ["e1"]]
    nodes = [node_for(a) for a in articles]
    assert max(len(g) for g in cluster(nodes, settings.group_threshold, linkage=0.0)) < 20  # what average linkage made of it


def test_two_meetings_of_the_same_leaders_weeks_apart_stay_two_stories(settings):
    sochi = [
        "التقى الرئيس التركي رجب طيب أردوغان نظيره الروسي فلاديمير بوتين في سوتشي لبحث الوضع في إدلب السورية ووقف إطلاق النار.",
        "بحث أردوغان وبوتين في سوتشي اتفاق إدلب ونشر نقاط مراقبة تركية وروسية على خطوط التماس في سوريا.",
        "قال بوتين بعد لقائه أردوغان في سوتشي إن البلدين اتفقا على منطقة منزوعة السلاح في إدلب.",
    ]
    ankara = [
        "استقبل أردوغان الرئيس الروسي بوتين في أنقرة لتدشين خط أنابيب الغاز السيل التركي ومحطة أكويو النووية.",
        "دشن بوتين وأردوغان في أنقرة أعمال محطة أكويو النووية وبحثا خط الغاز السيل التركي إلى أوروبا.",
        "قال أردوغان في مؤتمر صحفي مع بوتين في أنقرة إن السيل التركي سينقل الغاز الروسي إلى أوروبا عبر تركيا.",
    ]
    articles = [article(f"s{k}", text, "2018-09-17") for k, text in enumerate(sochi)]
    articles += [article(f"k{k}", text, "2018-10-30") for k, text in enumerate(ankara)]
    groups = sorted(sorted(a.id for a in s.articles) for s in group_stories(articles, settings, use_store=False))
    assert groups == [["k0", "k1", "k2"], ["s0", "s1", "s2"]]


def test_english_articles_group_among_themselves(settings):
    articles = [article("q1", QUAKE[0]), article("q2", QUAKE[2]), article("en1", ENGLISH[0]), article("en2", ENGLISH[1]), article("e1", ELECTION)]
    groups = sorted(sorted(a.id for a in s.articles) for s in group_stories(articles, settings, use_store=False))
    assert groups == [["e1"], ["en1", "en2"], ["q1", "q2"]]


def test_corrupt_store_is_set_aside_with_a_warning(settings):
    settings.store_path.parent.mkdir(parents=True)
    settings.store_path.write_bytes(b"this is not a database" * 100)
    warnings = []
    stories = group_stories([article("e1", ELECTION)], settings, warn=warnings.append)
    assert len(stories) == 1 and len(warnings) == 1 and "moved it to" in warnings[0]
    assert list(settings.store_path.parent.glob("store.sqlite.corrupt-*"))
    assert sqlite3.connect(settings.store_path).execute("SELECT count(*) FROM story_articles").fetchone() == (1,)


def test_damaged_rows_of_a_sound_store_are_set_aside_once(settings):
    """A row this module could not have written (not JSON, not a date) is one warning, not a traceback every run."""
    group_stories([article("q1", QUAKE[0]), article("q2", QUAKE[2]), article("e1", ELECTION)], settings)
    with sqlite3.connect(settings.store_path) as conn:
        conn.execute("UPDATE story_articles SET vector = '{not json' WHERE article_id = 'q1'")
        conn.execute("UPDATE story_articles SET published = seen || 'T99' WHERE article_id = 'e1'")  # in the window, no date
    warnings = []
    stories = group_stories([article("q3", QUAKE[1])], settings, warn=warnings.append)
    assert [s.id for s in stories if "q3" in {a.id for a in s.articles}]  # the run went on
    assert len(warnings) == 1 and "2 damaged row(s)" in warnings[0], warnings
    (copy,) = settings.store_path.parent.glob("store.sqlite.corrupt-*")
    assert sqlite3.connect(copy).execute("SELECT count(*) FROM story_articles").fetchone() == (3,)
    assert sqlite3.connect(settings.store_path).execute("SELECT article_id FROM story_articles ORDER BY 1").fetchall() == [("q2",), ("q3",)]
    warnings.clear()
    group_stories([article("q3", QUAKE[1])], settings, warn=warnings.append)
    assert warnings == []


def test_group_cli_json_and_eval(runner, seeds_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    result = runner.invoke(app, ["group", str(seeds_dir), "--no-store"])
    assert result.exit_code == 0, result.output
    stories = json.loads(result.stdout)["stories"]
    assert set(stories[0]) == {"id", "title", "status", "articles", "outlets", "duplicates"}
    assert sum(len(s["articles"]) for s in stories) == 5
    assert not (tmp_path / "home" / "store.sqlite").exists()  # --no-store leaves no trace

    ingested = [json.loads(line) for line in runner.invoke(app, ["ingest", str(seeds_dir)]).stdout.splitlines()]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"id": a["id"], "story": "kim" if "004" in a["source"]["path"] else "putin"}) + "\n" for a in ingested))
    result = runner.invoke(app, ["eval", "grouping", "--gold", str(gold), str(seeds_dir)])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["gold_stories"] == 2 and scores["articles"] == 5
    assert 0 < scores["bcubed_precision"] <= 1 and scores["bcubed_recall"] == 1.0
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")  # an input that cannot be used: skipped, and exit 1
    skipped = runner.invoke(app, ["eval", "grouping", "--gold", str(gold), str(seeds_dir), str(tmp_path / "notes.docx")])
    assert skipped.exit_code == 1 and json.loads(skipped.stdout) == scores, skipped.output

    # Several windows, each grouped on its own: the seeds' Putin articles as one window, Kim's as another.
    putin, kim = tmp_path / "putin", tmp_path / "kim"
    for folder, names in ((putin, ["000", "001", "002", "003"]), (kim, ["004"])):
        folder.mkdir()
        for path in seeds_dir.iterdir():
            if path.name[:3] in names:
                (folder / path.name).write_bytes(path.read_bytes())
    windows = runner.invoke(app, ["eval", "grouping", "--gold", str(gold), "--articles", str(putin), "--gold", str(gold), "--articles", str(kim)])
    assert windows.exit_code == 0, windows.output
    report = json.loads(windows.stdout)
    assert [w["articles"] for w in report["windows"]] == [4, 1] and report["worst_f1"] == 1.0 and report["mean"]["bcubed_f1"] == 1.0
    unpaired = runner.invoke(app, ["eval", "grouping", "--gold", str(gold), "--gold", str(gold), "--articles", str(kim)])
    assert unpaired.exit_code == 2 and "one --articles for each --gold" in unpaired.stderr

    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(app, ["group", str(empty)]).exit_code == EXIT_NO_INPUT
    (empty / "broken.json").write_text("{not json")
    partial = runner.invoke(app, ["group", str(seeds_dir), str(empty), "--no-store"])
    assert partial.exit_code == EXIT_SOME_INPUTS_BAD and "broken.json" in partial.stderr
    assert len(json.loads(partial.stdout)["stories"]) >= 1  # the good inputs were still grouped


def test_bcubed_known_values():
    gold = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert bcubed({"a": "1", "b": "1", "c": "2", "d": "2"}, gold)["bcubed_f1"] == 1.0
    lumped = bcubed({k: "1" for k in gold}, gold)
    assert (lumped["bcubed_precision"], lumped["bcubed_recall"]) == (0.5, 1.0)
    split = bcubed({k: k for k in gold}, gold)
    assert (split["bcubed_precision"], split["bcubed_recall"]) == (1.0, 0.5)


def test_a_store_written_before_trips_were_compared_is_upgraded(settings):
    settings.store_path.parent.mkdir(parents=True)
    with sqlite3.connect(settings.store_path) as old:
        old.executescript(
            "CREATE TABLE story_articles (article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL, published TEXT, seen TEXT NOT NULL, vector TEXT NOT NULL);"
            "INSERT INTO story_articles VALUES ('p0', 's-old', NULL, '2024-06-17', '{}');"
        )
    group_stories([article("k1", KIM_TRIP)], settings, today=dt.date(2024, 6, 18))
    with sqlite3.connect(settings.store_path) as conn:
        rows = dict(conn.execute("SELECT article_id, destinations FROM story_articles").fetchall())
    assert rows == {"p0": "", "k1": "RU"}


def test_pairs_at_least_finds_exactly_the_pairs_the_dense_matrix_has():
    """Computed a block of rows at a time: no pair lost at a block's edge (random sparse rows, common and rare words)."""
    import numpy as np
    import scipy.sparse as sp

    from summarizer.vectors import pairs_at_least

    rng = np.random.default_rng(0)
    words = rng.zipf(1.3, size=(300, 40)) % 2000  # a few very common words, a long tail of rare ones
    rows = np.repeat(np.arange(300), 40)
    matrix = sp.lil_matrix(sp.csr_matrix((rng.random(rows.size) + 0.1, (rows, words.ravel())), shape=(300, 2000)))
    matrix[150:160] = matrix[:10] * 3 + 0.01 * matrix[10:20]  # near-copies
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = sp.csr_matrix(sp.diags(1 / norms) @ matrix)
    dense = (matrix @ matrix.T).toarray()
    for threshold in (0.9, 0.5, 0.2):
        i, j, cosine = pairs_at_least(matrix, threshold, block_cells=4000)  # blocks of 16 rows
        expected = np.argwhere(np.triu(dense >= threshold, k=1))
        assert sorted(zip(i.tolist(), j.tolist())) == sorted(map(tuple, expected.tolist())), threshold
        assert np.allclose(cosine, dense[i, j])
    assert len(pairs_at_least(matrix, 0.9)[0]) >= 10


def test_nodes_made_on_all_cores_are_the_nodes_made_one_by_one(seeds_dir, monkeypatch):
    import summarizer.grouping
    from summarizer.grouping import nodes_for

    articles = [a for a in load_articles([str(seeds_dir)], Settings.resolve(env={})) if isinstance(a, Article)]
    monkeypatch.setattr(summarizer.grouping, "PARALLEL_FROM", 2)  # worker processes even for five articles
    assert nodes_for(articles, {articles[0].id: "s-old"}) == [node_for(a, "s-old" if i == 0 else None) for i, a in enumerate(articles)]
