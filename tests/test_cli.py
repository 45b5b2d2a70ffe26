"""The `summarizer` command line through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.cli import EXIT_NO_INPUT, EXIT_SOME_INPUTS_BAD, app


def test_ingest_jsonl_has_the_documented_fields(runner, seeds_dir):
    result = runner.invoke(app, ["ingest", str(seeds_dir)])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 5
    assert list(records[0]) == ["id", "outlet", "title", "published", "published_at", "url", "language", "text", "source"]
    assert result.stderr == ""


def test_ingest_table(runner, seeds_dir):
    result = runner.invoke(app, ["ingest", str(seeds_dir), "--format", "table"])
    assert result.exit_code == 0
    assert "5 article(s)" in result.stdout
    assert "Arabi21" in result.stdout and "unknown" in result.stdout


@pytest.mark.parametrize("command", [["ingest", "--format", "table"], ["group", "--format", "table", "--no-store"]])
def test_tables_print_titles_and_outlets_as_written(runner, tmp_path, monkeypatch, command):
    """Article text is data: rich markup or emoji codes in it are printed, not obeyed (a stray "[/]" crashed the table)."""
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    title, outlet = "[/] قمة [bold]بوتين[/bold] :fire:", "[link=https://example.com]Outlet[/link]"
    text = "قال الكرملين إن بوتين سيزور كوريا الشمالية. ووصل الرئيس الروسي إلى بيونغ يانغ في زيارة تستمر يومين."
    monkeypatch.chdir(tmp_path)  # a short source name, so that no cell of the table wraps
    Path("a.jsonl").write_text(json.dumps({"title": title, "outlet": outlet, "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(app, [command[0], "a.jsonl", *command[1:]])
    assert result.exit_code == 0, result.output
    assert title in result.stdout and outlet in result.stdout


def test_ingest_globs_stdin_and_outlet_override(runner, seeds_dir):
    result = runner.invoke(app, ["ingest", str(seeds_dir / "00[34]_*.txt")])
    assert len(result.stdout.splitlines()) == 2
    text = (seeds_dir / "003_3e239438a72b5b22.txt").read_bytes()
    result = runner.invoke(app, ["ingest", "-", "--outlet", "Al Ain News"], input=text)
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["outlet"] == "Al Ain News" and record["source"] == {"path": "-"}
    assert record["text"].endswith("المفروضة على موسكو.")


def test_bad_input_is_one_stderr_line_and_the_rest_is_written(runner, seeds_dir, tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    result = runner.invoke(app, ["ingest", str(seeds_dir / "000_c59e7ca5740bb6d3.txt"), str(tmp_path / "notes.docx")])
    assert result.exit_code == EXIT_SOME_INPUTS_BAD
    assert len(result.stdout.splitlines()) == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "notes.docx" in lines[0] and "unknown file type" in lines[0]


def test_nothing_usable_exits_3(runner, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = runner.invoke(app, ["ingest", str(tmp_path)])
    assert result.exit_code == EXIT_NO_INPUT
    assert "empty input" in result.stderr and "no articles found" in result.stderr


def test_invalid_outlet_file_is_a_clear_error(runner, seeds_dir, tmp_path):
    bad = tmp_path / "outlets.toml"
    bad.write_text("[[outlet]]\nnoname = 1\n")
    result = runner.invoke(app, ["ingest", str(seeds_dir), "--outlets", str(bad)])
    assert result.exit_code == 2
    assert "not a valid outlet file" in result.stderr


def test_python_dash_m_entry_point():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "summarizer", "--help"], capture_output=True, text=True, check=True)
    assert "ingest" in out.stdout


def test_the_environment_sets_the_precision_of_each_engine():
    from summarizer.settings import Settings

    settings = Settings.resolve(env={"SUMMARIZER_DTYPE": "bfloat16", "SUMMARIZER_COMPUTE_TYPE": "int8_float16"})
    assert (settings.dtype, settings.compute_type) == ("bfloat16", "int8_float16")
    assert (Settings.resolve(env={}).dtype, Settings.resolve(env={}).compute_type) == ("auto", "auto")
    assert Settings.resolve(env={}).use_ctranslate2 and not Settings.resolve(env={"SUMMARIZER_USE_CTRANSLATE2": "0"}).use_ctranslate2


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SUMMARIZER_DEVICE", "gpu", "expected one of auto, cpu, cuda"),
        ("SUMMARIZER_DTYPE", "int8", "expected one of auto, float32, float16, bfloat16"),
        ("SUMMARIZER_COMPUTE_TYPE", "int4", "expected one of auto, default, int8,"),
        ("SUMMARIZER_THREADS", "two", "expected a whole number"),
        ("SUMMARIZER_BATCH_TOKENS", "0", "expected a whole number of at least 1"),
        ("SUMMARIZER_USE_CTRANSLATE2", "nope", "expected 1 or 0"),
        ("SUMMARIZER_GROUP_THRESHOLD", "5", "expected a number from 0 to 1"),
    ],
)
def test_a_bad_setting_is_one_line_that_names_it(runner, tmp_path, monkeypatch, variable, value, expected):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path))
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, ["models", "list"])
    (line,) = result.stderr.strip().splitlines()  # one line, no traceback
    assert result.exit_code == 2 and line.startswith(f"summarizer: error: {variable}={value!r}: {expected}"), line


def test_global_options_win_over_the_same_settings_in_the_environment(runner, tmp_path, monkeypatch):
    from summarizer.settings import Settings

    env = {"SUMMARIZER_THREADS": "1", "HF_HUB_OFFLINE": "1", "SUMMARIZER_DEVICE": "cuda"}
    settings = Settings.resolve(env=env, threads=3, offline=True, device="cpu")
    assert (settings.threads, settings.offline, settings.device) == (3, True, "cpu")
    for name, value in {**env, "SUMMARIZER_HOME": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(app, ["--offline", "--threads", "2", "--device", "cpu", "models", "list"])
    assert result.exit_code == 0, result.output


def test_the_default_home_follows_xdg_cache_home_and_gives_way_to_a_set_one(tmp_path):
    from summarizer.settings import Settings

    assert Settings.resolve(env={"XDG_CACHE_HOME": str(tmp_path)}).home == tmp_path / "summarizer"
    assert Settings.resolve(env={"XDG_CACHE_HOME": "relative/cache", "HOME": str(tmp_path)}).home == Settings().home  # XDG: ignored
    set_home = {"XDG_CACHE_HOME": str(tmp_path), "SUMMARIZER_HOME": str(tmp_path / "mine")}
    assert Settings.resolve(env=set_home).home == tmp_path / "mine"


def test_offline_from_the_config_file_gives_way_to_the_variable_and_to_online(runner, tmp_path, monkeypatch):
    """`offline = true` in the file: SUMMARIZER_OFFLINE=0 or --online turn it off for one run; the Hub's variables cannot be."""
    from summarizer.settings import Settings

    config = tmp_path / "config.toml"
    config.write_text("offline = true\n", encoding="utf-8")
    env = {"SUMMARIZER_CONFIG": str(config)}
    assert Settings.resolve(env=env).offline is True
    assert Settings.resolve(env={**env, "SUMMARIZER_OFFLINE": "0"}).offline is False
    assert Settings.resolve(env=env, offline=False).offline is False
    assert Settings.resolve(env={"TRANSFORMERS_OFFLINE": "1"}).offline is True  # huggingface_hub reads it as HF_HUB_OFFLINE
    assert Settings.resolve(env={"HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "1"}).offline is False  # and so: the first set
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(config))
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    shown = runner.invoke(app, ["--online", "config"])
    assert shown.exit_code == 0 and "option offline=False" in shown.stdout, shown.output
    refused = runner.invoke(app, ["models", "pull", "opus-mt-ar-en"])
    assert refused.exit_code == 4 and "run with --online" in refused.stderr, refused.output
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    clash = runner.invoke(app, ["--online", "models", "pull", "opus-mt-ar-en"])
    (line,) = clash.stderr.strip().splitlines()
    assert clash.exit_code == 2 and "HF_HUB_OFFLINE='1' keeps the Hugging Face libraries offline" in line


def test_the_config_file_sets_what_variables_and_options_do_not(runner, tmp_path, monkeypatch):
    """Defaults, then the config file, then SUMMARIZER_* variables, then options; `summarizer config` says which won."""
    from summarizer.settings import Settings

    folder = tmp_path / "xdg" / "summarizer"
    folder.mkdir(parents=True)
    lines = ['translator = "opus-mt-ar-en"', "threads = 3", "use_ctranslate2 = false", 'home = "store"', 'device = "cpu"', "group_threshold = 0.3"]
    (folder / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "SUMMARIZER_THREADS": "2"}
    settings, source = Settings.explain(env=env, device="auto")
    assert (settings.translator, settings.use_ctranslate2, settings.home, settings.group_threshold) == ("opus-mt-ar-en", False, folder / "store", 0.3)
    assert (settings.threads, settings.device) == (2, "auto")  # the variable, then the option, win over the file
    assert source["translator"].endswith('translator = "opus-mt-ar-en"') and source["threads"] == "SUMMARIZER_THREADS='2'"
    assert Settings.resolve(env={"SUMMARIZER_CONFIG": str(folder / "config.toml")}).translator == "opus-mt-ar-en"
    assert Settings.resolve(env={}).translator is None  # no config file read unless the environment points to one

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SUMMARIZER_DEVICE")
    result = runner.invoke(app, ["--threads", "1", "config"])
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:4]] for line in result.stdout.splitlines() if line.count("│") == 4}
    assert rows["threads"] == ["1", "option threads=1"] and rows["dtype"] == ["auto", "default"]
    assert rows["translator"][0] == "opus-mt-ar-en" and rows["translator"][1].startswith("config file")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('device = "gpu"', 'device = "gpu": expected one of auto, cpu, cuda'),
        ("threads = 2.5", "threads = 2.5: expected a whole number"),
        ("use_ctranslate2 = 0", "use_ctranslate2 = 0: expected true or false"),
        ("colour = true", "unknown setting 'colour'; known: batch_tokens, compute_type, device,"),
        ("threads = [", "Invalid value (at end of document)"),
    ],
)
def test_a_bad_config_file_is_one_line_that_names_it(runner, tmp_path, monkeypatch, text, expected):
    path = tmp_path / "config.toml"
    path.write_text(text + "\n", encoding="utf-8")
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path))
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(path))
    monkeypatch.delenv("SUMMARIZER_DEVICE")  # the tests' own setting, which would win over the file's
    result = runner.invoke(app, ["models", "list"])
    (line,) = result.stderr.strip().splitlines()  # one line, no traceback
    assert result.exit_code == 2 and line.startswith(f"summarizer: error: config file {path}: {expected}"), line
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(tmp_path / "missing.toml"))  # named, so it must be there
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 2 and "missing.toml'" in result.stderr and "no such file" in result.stderr


def test_help_and_version_everywhere(runner, seeds_dir):
    from summarizer import __version__

    assert runner.invoke(app, ["--version"]).stdout == f"summarizer {__version__}\n"
    for command in (["-h"], ["brief", "-h"], ["models", "-h"], ["models", "import", "-h"], ["check", "translation", "-h"], ["eval", "-h"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0 and result.stdout.startswith("Usage: "), command  # CliRunner names the program "root"
    assert "[PATH]..." in runner.invoke(app, ["brief", "-h"]).stdout
    unknown = runner.invoke(app, ["compare", str(seeds_dir), "--story", "nope"])
    assert unknown.exit_code == 2 and "no story 'nope'" in unknown.stderr  # a usage error, as every other


def test_config_shows_what_defaults_do(runner, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    shown = runner.invoke(app, ["config"]).stdout
    assert "opus-mt-tc-big-ar-en (the shipped default)" in shown and "extractive (no model" in shown
    assert "0: the engine decides (this machine:" in shown
    assert "opus-mt-ar-en" in runner.invoke(app, ["config"], env={"SUMMARIZER_TRANSLATOR": "opus-mt-ar-en", "COLUMNS": "200"}).stdout
    assert "the bundled list (summarizer/data/feeds.toml)" in shown and "/archive " in shown


def _commands(group, path=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group (typer's own copy of click's)
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


def test_every_command_takes_quiet_and_verbose_and_shows_its_arguments_by_name(runner):
    import typer

    commands = list(_commands(typer.main.get_command(app)))
    assert len(commands) >= 22
    for command in commands:
        shown = runner.invoke(app, [*command, "-h"], terminal_width=200).stdout
        assert "-q, --quiet" in shown and "-v, --verbose" in shown, command
        assert "<list[str]>" not in shown and "{" not in shown.splitlines()[0], command
    assert runner.invoke(app, ["ingest", "-h"]).stdout.startswith("Usage: root ingest [OPTIONS] PATH...")


def test_verbose_says_when_each_step_starts_and_ends_and_quiet_says_nothing(runner, seeds_dir, tmp_path):
    loud = runner.invoke(app, ["group", str(seeds_dir), "--format", "json", "-v"])
    assert loud.exit_code == 0
    assert loud.stderr.splitlines()[0] == "summarizer: grouping 5 articles …"
    assert loud.stderr.splitlines()[1].startswith("summarizer: grouping 5 articles: done in ")
    assert json.loads(loud.stdout)  # the output itself is as without -v
    quiet = runner.invoke(app, ["brief", str(seeds_dir), "--out", str(tmp_path), "--date", "2024-06-20", "--no-store", "-q", "-v"])
    assert quiet.exit_code == 0 and "grouping" not in quiet.stderr and "wrote" not in quiet.stderr  # -q wins
