"""`summarizer brief` end to end: structure, escaping, citations, schema, byte-identical reruns, tiny models."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
from markdown_it import MarkdownIt

from summarizer.cli import app
from summarizer.models import import_model
from summarizer.registry import Registry
from summarizer.render import escape_md
from summarizer.settings import Settings
from tiny_models import write_manifest

SCHEMA = json.loads(resources.files("summarizer").joinpath("data/briefing.schema.json").read_text(encoding="utf-8"))
HOSTILE = {
    "id": "hostile", "outlet": "Evil | Outlet", "title": "عنوان <script>alert(1)</script> [رابط](http://e.vil)",
    "url": "https://news.example/a> [رابط](http://e.vil) <b",
    "text": "# عنوان مزيف\n\n| جدول | مزيف |\n\nقال المسؤول إن <img src=x onerror=alert(1)> الهجوم أسفر عن [ضحايا](http://e.vil) كثيرين في المدينة.",
}


def run_brief(runner, home: Path, out: Path, *inputs, extra=()):
    result = runner.invoke(app, ["brief", *map(str, inputs), "--out", str(out), "--date", "2024-06-20", *extra], env={"SUMMARIZER_HOME": str(home)})
    assert result.exit_code == 0, result.output
    return (out / "briefing-2024-06-20.md").read_text(encoding="utf-8"), json.loads((out / "briefing-2024-06-20.json").read_text(encoding="utf-8")), result


def test_brief_on_the_seeds_without_models(runner, seeds_dir, tmp_path):
    md, data, result = run_brief(runner, tmp_path / "home", tmp_path / "out", seeds_dir)
    jsonschema.validate(data, SCHEMA)
    # Two stories: the Putin visit from four articles, Kim's train journey from one.
    assert sorted(len(story["articles"]) for story in data["stories"]) == [1, 4]
    assert "summarizer models pull opus-mt-tc-big-ar-en" in result.stderr and "summarizer models pull" in md
    # Every citation resolves to a source.
    numbers = {s["n"] for s in data["sources"]}
    assert all(n in numbers for story in data["stories"] for sent in story["summary"]["sentences"] for n in sent["sources"])
    html = MarkdownIt("commonmark").render(md)
    for n in numbers:
        assert f'id="src-{n}"' in html
    assert all(f'href="#src-{n}"' in html for story in data["stories"] for sent in story["summary"]["sentences"] for n in sent["sources"])
    for furniture in ("مقالات مشابهة", "كلمات دلالية", "TT", "google news", "aXA6"):
        assert furniture not in md


def test_brief_is_byte_identical_when_run_twice(runner, seeds_dir, tmp_path):
    first_md, first_json, _ = run_brief(runner, tmp_path / "home", tmp_path / "out1", seeds_dir)
    second_md, second_json, _ = run_brief(runner, tmp_path / "home", tmp_path / "out2", seeds_dir)
    assert first_md == second_md and first_json == second_json


def test_article_text_cannot_change_the_document_structure(runner, tmp_path):
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(json.dumps(HOSTILE, ensure_ascii=False) + "\n", encoding="utf-8")
    md, data, _ = run_brief(runner, tmp_path / "home", tmp_path / "out", inputs)
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<script>" not in html and "<img" not in html and 'href="http://e.vil"' not in html
    assert not any(t.type == "table_open" for t in tokens)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0].startswith("Briefing 2024-06-20 (undated articles, read on ") and headings[1:] == ["Contents", "Other reports", "Sources"]
    jsonschema.validate(data, SCHEMA)


def test_source_links_go_where_the_urls_say(runner, tmp_path):
    """A query string's & stays one & (it became &amp;amp;, a broken link); only http(s) URLs are linked."""
    text = "قال الكرملين إن بوتين سيزور كوريا الشمالية. ووصل الرئيس الروسي إلى بيونغ يانغ في زيارة تستمر يومين."
    urls = ["https://news.example/بوتين?utm_source=x&id=7", "javascript:alert(1)"]
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("".join(json.dumps({"id": f"a{i}", "text": text, "url": u}, ensure_ascii=False) + "\n" for i, u in enumerate(urls)), encoding="utf-8")
    md, data, _ = run_brief(runner, tmp_path / "home", tmp_path / "out", inputs)
    links = [c.attrGet("href") for t in MarkdownIt("commonmark").parse(md) if t.type == "inline" for c in t.children if c.type == "link_open"]
    assert "https://news.example/%D8%A8%D9%88%D8%AA%D9%8A%D9%86?utm_source=x&id=7" in links
    assert not any(link.startswith("javascript") for link in links) and "javascript:alert(1)" in md
    assert sorted(s["url"] for s in data["sources"]) == sorted(urls)  # the JSON keeps them as given


def test_brief_with_tiny_models_end_to_end(runner, seeds_dir, tmp_path, tiny_models):
    home = tmp_path / "home"
    write_manifest(home, "tiny-marian", "translate", "seq2seq", 64, {"num_beams": 1, "max_new_tokens": 8})
    write_manifest(home, "tiny-t5", "summarize", "seq2seq", 256, {"num_beams": 1, "max_new_tokens": 8})
    registry = Registry.load(Settings.resolve(env={}, home=home, device="cpu"))
    import_model(registry, registry.get("tiny-marian"), tiny_models["marian"])
    import_model(registry, registry.get("tiny-t5"), tiny_models["t5"])
    md, data, result = run_brief(runner, home, tmp_path / "out", seeds_dir, extra=("--translator", "tiny-marian", "--summarizer", "tiny-t5"))
    jsonschema.validate(data, SCHEMA)
    assert data["notes"] == [] and "missing" not in result.stderr
    assert {m["name"] for m in data["models"]} == {"tiny-marian", "tiny-t5"}
    story = data["stories"][0]
    assert story["headline_en"] is not None and story["summary"]["method"] == "tiny-t5"
    assert all(s["en"] is not None for s in story["summary"]["sentences"])
    assert "tiny-marian" in md and "tiny-t5" in md


def test_models_that_are_installed_but_do_not_load_give_the_briefing_without_them(runner, seeds_dir, tmp_path, tiny_models):
    """Weights cut short by a failed copy, say: the briefing is written as with no models, and says why and what to do."""
    home = tmp_path / "home"
    write_manifest(home, "tiny-marian", "translate", "seq2seq", 64, {"num_beams": 1, "max_new_tokens": 8})
    write_manifest(home, "tiny-t5", "summarize", "seq2seq", 256, {"num_beams": 1, "max_new_tokens": 8})
    registry = Registry.load(Settings.resolve(env={}, home=home, device="cpu"))
    for name, model in (("tiny-marian", "marian"), ("tiny-t5", "t5")):
        weights = import_model(registry, registry.get(name), tiny_models[model]) / "model.safetensors"
        weights.write_bytes(weights.read_bytes()[:1000])
    _, data, _ = run_brief(runner, home, tmp_path / "out", seeds_dir, extra=("--translator", "tiny-marian", "--summarizer", "tiny-t5"))
    assert [m["name"] for m in data["models"]] == ["extractive"] and all(story["headline_en"] is None for story in data["stories"])
    assert {story["summary"]["method"] for story in data["stories"]} == {"extractive"}
    fix = "to fix: summarizer models import tiny-marian DIR (a complete copy), or summarizer models pull tiny-marian"
    assert any(note.startswith("no English: the translator failed (tiny-marian cannot be loaded from") and fix in note for note in data["notes"])
    assert any(note.startswith("extractive fallback: tiny-t5 cannot be loaded") for note in data["notes"])
    verified = runner.invoke(app, ["models", "verify", "tiny-marian"], env={"SUMMARIZER_HOME": str(home)})
    (line,) = verified.stderr.strip().splitlines()
    assert verified.exit_code == 4 and "tiny-marian cannot be loaded" in line and fix in line


def test_bad_date_and_length_are_one_line_before_any_work(runner, seeds_dir, tmp_path):
    for option, value, expected in [("--date", "2024-13-45", "'2024-13-45' does not match"), ("--length", "huge", "summary length 'huge': expected short")]:
        result = runner.invoke(app, ["brief", str(seeds_dir), "--out", str(tmp_path / "out"), option, value], env={"SUMMARIZER_HOME": str(tmp_path / "home")})
        assert result.exit_code == 2 and expected in result.stderr, result.output
    assert not (tmp_path / "out").exists()
    _, data, _ = run_brief(runner, tmp_path / "home", tmp_path / "out", seeds_dir, extra=("--length", "1"))
    assert [len(story["summary"]["sentences"]) for story in data["stories"]] == [1, 1]


def test_an_output_that_cannot_be_written_is_one_line_and_leaves_no_temporary_file(runner, seeds_dir, tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    (tmp_path / "out" / "briefing-2024-06-20.md").mkdir(parents=True)  # a folder where the briefing goes
    for out in (tmp_path / "a-file" / "out", tmp_path / "out"):
        result = runner.invoke(app, ["brief", str(seeds_dir), "--out", str(out), "--date", "2024-06-20", "-q"], env={"SUMMARIZER_HOME": str(tmp_path / "home")})
        (line,) = [line for line in result.stderr.splitlines() if "error" in line]
        assert result.exit_code == 2 and line.startswith(f"summarizer: error: cannot write {out}"), result.output
        if out.parent.name == "a-file":
            assert f"{tmp_path / 'a-file'} is a file, not a folder" in line  # not errno's "File exists"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["briefing-2024-06-20.md"]  # the temporary file removed


def test_a_home_that_cannot_be_written_still_gives_a_briefing(runner, seeds_dir, tmp_path):
    """A model store on a read-only disk, say: the cache and the story store are warnings, the briefing is written."""
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["brief", str(seeds_dir), "--out", str(tmp_path / "out"), "-q"], env={"SUMMARIZER_HOME": str(tmp_path / "a-file" / "home")})
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("summarizer: warning:")]
    assert len(warnings) == 2 and "result cache cannot be used" in warnings[0] and "as with --no-store" in warnings[1]
    assert len(list((tmp_path / "out").glob("briefing-*.md"))) == 1


def test_a_daily_briefing_covers_its_day_and_says_what_it_left_out(runner, tmp_path):
    """A week of input: last week's big story is not today's lead; it is left out with the --days that takes it in."""
    quake = ["ضرب زلزال بقوة 6.2 درجات مدينة الحسيمة المغربية فجر الاثنين، وأعلنت السلطات مقتل 12 شخصا وإصابة العشرات تحت الأنقاض.",
             "وقالت وزارة الداخلية المغربية إن فرق الإنقاذ تواصل البحث عن ناجين تحت أنقاض المباني المنهارة في الحسيمة بعد الزلزال.",
             "ارتفعت حصيلة ضحايا زلزال الحسيمة في شمال المغرب إلى 20 قتيلا، فيما تواصل فرق الإنقاذ انتشال الجثث من تحت الأنقاض."]
    vote = ["أعلنت اللجنة الانتخابية في ماليزيا فوز تحالف المعارضة بقيادة مهاتير محمد في الانتخابات البرلمانية بأغلبية المقاعد.",
            "فاز تحالف المعارضة الماليزي بقيادة مهاتير محمد بأغلبية مقاعد البرلمان في الانتخابات، بحسب اللجنة الانتخابية.",
            "أدى مهاتير محمد اليمين رئيسا لوزراء ماليزيا بعد فوز تحالف المعارضة في الانتخابات البرلمانية."]
    records = [{"id": f"q{i}", "outlet": outlet, "published": "2018-05-08", "text": text} for i, (outlet, text) in enumerate(zip("ABC", quake))]
    records += [{"id": "v0", "outlet": "A", "published": "2018-05-14", "text": vote[0]},  # yesterday: background for today's story
                {"id": "v1", "outlet": "B", "published": "2018-05-15", "text": vote[1]},
                {"id": "v2", "outlet": "C", "published": "2018-05-16", "text": vote[2]}]  # after the briefing's date
    inputs = tmp_path / "week.jsonl"
    inputs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")

    def story_ids(data):
        ids = {s["n"]: s["id"] for s in data["sources"]}
        return [sorted(ids[n] for n in story["articles"]) for story in data["stories"]]

    def brief(*extra):
        result = runner.invoke(app, ["brief", str(inputs), "--out", str(tmp_path / "out"), "--no-store", "-q", *extra], env={"SUMMARIZER_HOME": str(tmp_path / "home")})
        assert result.exit_code == 0, result.output
        return json.loads((tmp_path / "out" / "briefing-2018-05-15.json").read_text(encoding="utf-8")), result.stderr

    data, stderr = brief("--date", "2018-05-15")
    jsonschema.validate(data, SCHEMA)
    assert story_ids(data) == [["v0", "v1"]]
    assert (data["first_published"], data["last_published"], data["settings"]["days"]) == ("2018-05-14", "2018-05-15", 1)
    later = "left out 1 article published after 2018-05-15, the briefing's date"
    older = "left out 1 older story (3 articles) with no article published on 2018-05-15; --days 8 takes in everything since 2018-05-08"
    assert data["notes"][:2] == [later, older] and older in stderr

    data, _ = brief("--date", "2018-05-15", "--days", "8")
    assert story_ids(data) == [["q0", "q1", "q2"], ["v0", "v1"]]
    assert data["notes"][0] == later and not any(note.startswith("left out 1 older") for note in data["notes"])
    records[-1]["published"] = "2999-01-01"  # a misread date
    inputs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    data, _ = brief()  # no --date: the newest article's day that is not after today
    assert data["date"] == "2018-05-15" and data["notes"][0] == later


def test_brief_passes_english_through_and_reports_other_languages(runner, tmp_path, tiny_models):
    """English stories are not sent through the Arabic→English model; a Persian one is shown and said to be untranslated."""
    home = tmp_path / "home"
    write_manifest(home, "tiny-marian", "translate", "seq2seq", 64, {"num_beams": 1, "max_new_tokens": 8})
    registry = Registry.load(Settings.resolve(env={}, home=home, device="cpu"))
    import_model(registry, registry.get("tiny-marian"), tiny_models["marian"])
    english = "The Japanese meteorological agency said a magnitude 7.1 earthquake struck off Hokkaido on Monday morning."
    persian = "سازمان هواشناسی ژاپن اعلام کرد که زمین لرزه ای به بزرگی هفت ریشتر سواحل هوکایدو را لرزاند و این خبر را تایید کرد."
    records = [{"id": "en1", "title": "Earthquake off Hokkaido", "text": english, "published": "2024-06-19"},
               {"id": "fa1", "title": "زمین لرزه در ژاپن", "text": persian, "published": "2024-06-19"}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    result = runner.invoke(app, ["brief", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "out"), "-q", "--no-store", "--translator", "tiny-marian"],
                           env={"SUMMARIZER_HOME": str(home)})
    assert result.exit_code == 0, result.output
    (data_file,) = (tmp_path / "out").glob("briefing-*[0-9].json")
    stories = {s["articles"][0]: s for s in json.loads(data_file.read_text(encoding="utf-8"))["stories"]}
    by_id = {src["id"]: src["n"] for src in json.loads(data_file.read_text(encoding="utf-8"))["sources"]}
    en, fa = stories[by_id["en1"]], stories[by_id["fa1"]]
    assert en["headline_en"] == "Earthquake off Hokkaido" and [s["en"] for s in en["summary"]["sentences"]] == [english]
    assert all("not translated" in " ".join(s["flags"]) for s in fa["summary"]["sentences"])


def test_undated_input_says_so_and_sources_without_a_url_name_their_file(runner, seeds_dir, tmp_path):
    md, data, _ = run_brief(runner, tmp_path / "home", tmp_path / "out", seeds_dir)
    import datetime as dt

    assert md.startswith(f"# Briefing 2024-06-20 (undated articles, read on {dt.date.today().isoformat()})\n")  # the seeds carry no date
    today = runner.invoke(app, ["brief", str(seeds_dir), "--out", str(tmp_path / "today"), "-q"], env={"SUMMARIZER_HOME": str(tmp_path / "home")})
    assert today.exit_code == 0
    assert next((tmp_path / "today").glob("*.md")).read_text(encoding="utf-8").startswith("# Briefing of undated articles, read on ")
    sources = md.split("## Sources", 1)[1]
    assert all(f"file: {escape_md(str(seeds_dir / name))}" in sources for name in ("000_c59e7ca5740bb6d3.txt", "004_2cdb75e8bbadff21.txt"))


def test_failed_translation_checks_show_beside_their_sentences(runner, seeds_dir, tmp_path, tiny_models):
    """The tiny random translator fails its checks: each failure is marked where it is read, and a story whose
    English mostly failed says so and keeps its Arabic headline."""
    home = tmp_path / "home"
    write_manifest(home, "tiny-marian", "translate", "seq2seq", 64, {"num_beams": 1, "max_new_tokens": 8})
    registry = Registry.load(Settings.resolve(env={}, home=home, device="cpu"))
    import_model(registry, registry.get("tiny-marian"), tiny_models["marian"])
    md, data, _ = run_brief(runner, home, tmp_path / "out", seeds_dir, extra=("--translator", "tiny-marian"))
    story = data["stories"][0]
    block = md.split(f'<a id="{story["id"]}"></a>', 1)[1].split("<a id=", 1)[0]
    english = [s for s in story["summary"]["sentences"] if s["en"]]
    failed = [s for s in english if any(not f.startswith("unsupported") for f in s["flags"])]
    assert failed and block.count("⚠") >= len(failed)
    if 2 * len(failed) > len(english):
        assert "not usable; read the Arabic below" in block
        assert block.split("\n", 3)[2] == f"## 1. {escape_md(story['title_ar'])}"


def test_brief_pull_installs_the_missing_translator_then_briefs_in_english(runner, seeds_dir, tmp_path, tiny_models, monkeypatch):
    import shutil
    from types import SimpleNamespace

    import huggingface_hub

    downloads = []

    def snapshot_download(repo_id, revision, local_dir, allow_patterns, **kwargs):
        downloads.append((repo_id, revision))  # stands in for the Hub: the tiny Marian under the default's name
        shutil.copytree(tiny_models["marian"], local_dir, dirs_exist_ok=True)
        return local_dir

    for variable in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):  # CI keeps the hub offline; the Hub here is a stand-in
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(huggingface_hub.HfApi, "model_info", lambda self, repo_id, revision=None, **kw: SimpleNamespace(sha=revision))
    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)
    home = tmp_path / "home"
    md, data, result = run_brief(runner, home, tmp_path / "out", seeds_dir, extra=["--pull", "-q"])
    assert downloads == [("Helsinki-NLP/opus-mt-tc-big-ar-en", "633b76a46252ccfe8a18920198e06bca8a7d7c17")]
    assert (home / "models" / "opus-mt-tc-big-ar-en" / "ct2" / "model.bin").exists()  # converted for CTranslate2 too
    assert "no English" not in result.stderr and data["stories"][0]["summary"]["sentences"][0]["en"]
    again = run_brief(runner, home, tmp_path / "again", seeds_dir, extra=["--pull", "-q"])
    assert len(downloads) == 1 and again[0] == md  # installed now: nothing downloaded again


def test_brief_pull_without_the_network_is_a_note_and_the_arabic_briefing(runner, seeds_dir, tmp_path):
    result = runner.invoke(app, ["brief", str(seeds_dir), "--out", str(tmp_path / "out"), "--date", "2024-06-20", "--pull", "-q"],
                           env={"SUMMARIZER_HOME": str(tmp_path / "home"), "SUMMARIZER_OFFLINE": "1"})
    assert result.exit_code == 0, result.output
    assert "note: opus-mt-tc-big-ar-en was not downloaded" in result.stderr and "summarizer models pull" in result.stderr
    assert (tmp_path / "out" / "briefing-2024-06-20.md").exists()
