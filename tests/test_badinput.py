"""Bad input gets one clear line and the run goes on: no traceback (issue #26's first causes)."""

from __future__ import annotations

import json
import sys

import pytest

from summarizer.cli import app
from summarizer.ingest import read_inputs
from summarizer.records import Problem
from summarizer.settings import Settings

TEXT = "وصل الرئيس إلى العاصمة في زيارة رسمية تستغرق يومين لبحث العلاقات الثنائية بين البلدين."


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    return tmp_path


def test_deeply_nested_json_is_one_line_and_the_rest_is_read(runner, home, seeds_dir):
    (home / "deep.json").write_text("[" * 10000 + "]" * 10000)
    (home / "deep.jsonl").write_text(json.dumps({"id": "ok", "text": TEXT}, ensure_ascii=False) + "\n" + '{"text": ' + "[" * 10000 + "]" * 10000 + "}\n")
    result = runner.invoke(app, ["ingest", str(home / "deep.json"), str(home / "deep.jsonl"), str(seeds_dir / "004_2cdb75e8bbadff21.txt")])
    assert result.exit_code == 1, result.output
    assert "deep.json: JSON nested too deeply" in result.stderr and "deep.jsonl:2: JSON line nested too deeply" in result.stderr
    assert len(result.stdout.splitlines()) == 2  # the good record and the seed


def test_closed_standard_input_is_one_line(monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    (problem,) = list(read_inputs(["-"], Settings.resolve(env={})))
    assert isinstance(problem, Problem) and "standard input is closed" in problem.reason


@pytest.mark.parametrize("args", [["--date", "0001-01-01", "--days", "2"], ["--days", "1000000"], []])
def test_dates_at_the_ends_of_time_do_not_overflow(runner, home, args):
    records = [{"id": "far", "text": TEXT, "published": "9999-12-31"}, {"id": "early", "text": TEXT + " وقال", "published": "0001-01-01"}]
    (home / "far.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    result = runner.invoke(app, ["brief", str(home / "far.jsonl"), "--out", str(home / "out"), "-q", *args])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["group", str(home / "far.jsonl")]).exit_code == 0  # and the store's window too


def test_numbers_that_are_not_numbers_are_refused(runner, home, seeds_dir, monkeypatch):
    length = runner.invoke(app, ["brief", str(seeds_dir), "--out", str(home / "out"), "--length", "²"])
    assert length.exit_code == 2 and "summary length '²'" in length.stderr
    for bad in ("0", "-1"):
        assert runner.invoke(app, ["ingest", "--max-file-mb", bad, str(seeds_dir)]).exit_code == 2
    for value in ("nan", "inf"):
        monkeypatch.setenv("SUMMARIZER_GROUP_THRESHOLD", value)
        result = runner.invoke(app, ["group", str(seeds_dir)])
        assert result.exit_code == 2 and "expected a finite number" in result.stderr


def test_markdown_drops_control_and_bidi_characters_and_compare_escapes_inline():
    from summarizer.render import escape_html, escape_md

    assert escape_md("abc\x00def\u202egpj.exe") == "abcdefgpj.exe"
    assert escape_html("a\x00b\u2066c <b>") == "abc &lt;b&gt;"


def test_a_file_name_with_a_newline_is_one_line(runner, home):
    bad = home / "two\nlines.json"
    bad.write_text("{not json")
    result = runner.invoke(app, ["ingest", str(bad)])
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 1 and "two\\nlines.json" in skipped[0]


def test_outputs_follow_the_umask(runner, home, seeds_dir):
    import os

    old = os.umask(0o022)
    try:
        result = runner.invoke(app, ["brief", str(seeds_dir), "--out", str(home / "out"), "-q", "--no-store"])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert {oct(p.stat().st_mode & 0o777) for p in (home / "out").iterdir()} == {"0o644"}


def test_an_unreadable_home_is_a_warning_not_a_traceback(tmp_path, monkeypatch, capsys):
    from pathlib import Path

    read_text = Path.read_text

    def denied(self: Path, *args, **kwargs) -> str:  # as an unreadable HOME answers (tests run as root, who reads anything)
        if str(self).startswith(str(tmp_path)):
            raise PermissionError(13, "Permission denied")
        return read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", denied)
    settings = Settings.resolve(env={"HOME": str(tmp_path)})
    assert settings.group_threshold == Settings().group_threshold
    assert "cannot read the config file" in capsys.readouterr().err


def test_outputs_write_through_links_and_refuse_what_is_not_a_file(tmp_path):
    import os

    from summarizer.errors import OutputError
    from summarizer.writes import write_atomic

    target, link = tmp_path / "real.md", tmp_path / "link.md"
    target.write_text("old")
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="not a regular file"):
        write_atomic(fifo, "x")
    assert fifo.exists() and not fifo.is_file()  # left as it was


def test_a_pair_of_outputs_is_never_out_of_step(tmp_path, monkeypatch):
    """A briefing's .md and .json: a failure at any step leaves the old pair, or the new .md alone; never a new one
    beside an old one, and no temporary behind."""
    import os

    import summarizer.writes
    from summarizer.errors import OutputError
    from summarizer.writes import write_together

    md, js = tmp_path / "b.md", tmp_path / "b.json"
    write_together({md: "old", js: "old"})
    with pytest.raises(OutputError, match="cannot be encoded"):  # fails writing the second: nothing changes
        write_together({md: "new", js: "bad \udc80"})
    assert (md.read_text(), js.read_text()) == ("old", "old")
    renames = []

    def killed_at_the_second(src, dst):
        renames.append(dst)
        if len(renames) == 2:
            raise OSError(28, "No space left on device")
        os.rename(src, dst)

    monkeypatch.setattr(summarizer.writes.os, "replace", killed_at_the_second)
    with pytest.raises(OutputError, match="No space left"):
        write_together({md: "new", js: "new"})
    assert md.read_text() == "new" and not js.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.md"]


def test_a_killed_runs_temporary_is_cleaned_by_the_next_write(tmp_path):
    import os
    import subprocess

    from summarizer.writes import write_atomic

    gone = subprocess.Popen(["true"])
    gone.wait()  # a process that has ended: its pid names nobody now
    dead, live = tmp_path / f".b.md.{gone.pid}.tmp", tmp_path / f".b.md.{os.getppid()}.tmp"
    dead.write_text("")
    live.write_text("")
    write_atomic(tmp_path / "b.md", "new")
    assert not dead.exists() and live.exists()  # another running process's temporary is its own
    other = tmp_path / f".b1.md.{gone.pid}.tmp"  # another file's: "b[1].md" is a name, not a pattern matching it
    other.write_text("")
    write_atomic(tmp_path / "b[1].md", "new")
    assert other.exists()


def test_standard_output_on_a_full_disk_is_one_line(seeds_dir, tmp_path):
    import os
    import subprocess

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    env = {**os.environ, "SUMMARIZER_HOME": str(tmp_path / "home")}
    for command in (["ingest", str(seeds_dir)], ["group", str(seeds_dir), "--no-store"]):
        with open("/dev/full", "w") as full:
            result = subprocess.run([sys.executable, "-m", "summarizer", *command], stdout=full, stderr=subprocess.PIPE, text=True, env=env)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines() == ["summarizer: error: cannot write standard output (No space left on device); make room, or send it elsewhere"]


def test_a_link_loop_in_an_input_folder_gets_its_line(runner, home, seeds_dir):
    import shutil

    folder = home / "pages"
    folder.mkdir()
    shutil.copy(seeds_dir / "004_2cdb75e8bbadff21.txt", folder)
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "gone.txt").symlink_to(home / "missing.txt")
    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 1 and len(result.stdout.splitlines()) == 1
    assert result.stderr.count("a link that leads nowhere") == 2


def test_a_stray_byte_in_utf8_is_replaced_and_said(runner, home, seeds_dir):
    data = (seeds_dir / "000_c59e7ca5740bb6d3.txt").read_bytes()
    cut = data.index("بوتين".encode())
    (home / "stray.txt").write_bytes(data[:cut] + b"\xff" + data[cut:])
    result = runner.invoke(app, ["ingest", str(home / "stray.txt")])
    assert result.exit_code == 0, result.output
    (article,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert article["text"].count("\ufffd") == 1 and "بوتين" in article["text"]
    assert "note" in result.stderr and "1 invalid byte sequence(s) replaced by U+FFFD" in result.stderr


def test_a_brief_killed_mid_translation_keeps_its_finished_batches(tmp_path, tiny_models, seeds_dir):
    """kill -9 while translating: the cache holds the batches done, the old briefing pair stands as it was, and the
    rerun finishes the rest (it does not compute them again: test_translate's batch test counts the calls)."""
    import os
    import signal
    import sqlite3
    import subprocess
    import time

    from summarizer.models import import_model
    from summarizer.registry import Registry
    from summarizer.settings import Settings
    from tiny_models import write_manifest

    home, out = tmp_path / "home", tmp_path / "out"
    # Long outputs and one sentence a batch: a run of a few seconds, with a cache write after each sentence.
    write_manifest(home, "tiny-marian", "translate", "seq2seq", 64, {"num_beams": 1, "max_new_tokens": 48, "min_new_tokens": 48})
    registry = Registry.load(Settings.resolve(env={}, home=home))
    import_model(registry, registry.get("tiny-marian"), tiny_models["marian"])
    env = {**os.environ, "SUMMARIZER_HOME": str(home), "SUMMARIZER_BATCH_TOKENS": "1", "SUMMARIZER_THREADS": "1"}
    command = [sys.executable, "-m", "summarizer", "brief", "--no-store", "--translator", "tiny-marian", "--out", str(out), "-q", "--length", "long"]
    first = subprocess.run([*command, str(seeds_dir / "004_2cdb75e8bbadff21.txt")], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    cache = home / "cache.sqlite"
    rows = lambda: sqlite3.connect(cache).execute("SELECT key, output FROM results").fetchall()  # noqa: E731
    done_before = len(rows())

    run = subprocess.Popen([*command, str(seeds_dir)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(rows()) < done_before + 3 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert run.returncode == -signal.SIGKILL, "the run ended before it could be killed mid-translation"
    kept = dict(rows())
    assert len(kept) >= done_before + 3
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the old pair, whole; no temporary beside it

    rerun = subprocess.run([*command, str(seeds_dir)], env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    after = dict(rows())
    assert len(after) > len(kept) and all(after[key] == output for key, output in kept.items())
    assert sorted(p.name for p in out.iterdir()) == sorted(before)  # the new pair, in place of the old
