"""The OpenAI-compatible server engine, against a real chat server on 127.0.0.1: summaries and translations through
it, cached like any model's, named honestly, and one clear line when the server is not there."""

from __future__ import annotations

import json

import pytest
from chatserver import ChatServer

from summarizer.cli import app
from summarizer.errors import ConfigError, UsageError
from summarizer.registry import Registry, read_manifest
from summarizer.settings import Settings


@pytest.fixture
def chat():
    with ChatServer() as server:
        yield server


def _brief(runner, seeds_dir, out, chat, home):
    spec = f"openai:stand-in:7b@{chat.base_url}"
    return runner.invoke(app, ["brief", str(seeds_dir), "--out", str(out), "--date", "2024-06-20", "--no-store", "-q",
                               "--summarizer", spec, "--translator", spec], env={"SUMMARIZER_HOME": str(home)})


def test_brief_summarises_and_translates_through_the_server_and_caches_it(runner, seeds_dir, tmp_path, chat):
    home = tmp_path / "home"
    first = _brief(runner, seeds_dir, tmp_path / "a", chat, home)
    assert first.exit_code == 0, first.output
    assert chat.models == {"stand-in:7b"} and chat.requests > 0
    briefing = json.loads((tmp_path / "a" / "briefing-2024-06-20.json").read_text(encoding="utf-8"))
    top = briefing["stories"][0]
    assert top["summary"]["method"] == "openai-stand-in-7b"
    sentences = top["summary"]["sentences"]
    # The stand-in model's summary (each article's first sentence, cited) came back, attributed to its articles.
    assert len(sentences) >= 2 and all(s["sources"] for s in sentences)
    assert all(s["en"].startswith("An English sentence of ") for s in sentences)
    md = (tmp_path / "a" / "briefing-2024-06-20.md").read_text(encoding="utf-8")
    assert f"served by {chat.base_url} as stand-in:7b" in md  # the footer names the server, no pinned revision

    asked = chat.requests
    again = _brief(runner, seeds_dir, tmp_path / "b", chat, home)
    assert again.exit_code == 0, again.output
    assert chat.requests == asked  # every output came from the cache
    assert (tmp_path / "b" / "briefing-2024-06-20.md").read_text(encoding="utf-8") == md


def test_a_server_that_is_not_there_is_one_line_naming_the_fix(runner, tmp_path, chat):
    chat.fail_with = 404  # answers, but not the chat API (a wrong base_url, say)
    source = tmp_path / "in.txt"
    source.write_text("وصل الرئيس الروسي إلى بيونغ يانغ.\n", encoding="utf-8")
    result = runner.invoke(app, ["translate", str(source), "--translator", f"openai:m@{chat.base_url}", "-q"])
    assert result.exit_code == 4
    (line,) = result.stderr.strip().splitlines()
    assert "HTTP 404" in line and "check base_url and model" in line


def test_server_models_by_spec_and_by_manifest(tmp_path):
    registry = Registry.load(Settings.resolve(env={}, home=tmp_path))
    manifest = registry.resolve("openai:qwen2.5:7b-instruct@http://127.0.0.1:11434/v1/", "summarize")
    assert (manifest.engine, manifest.server, manifest.prompt) == ("openai", {"base_url": "http://127.0.0.1:11434/v1", "model": "qwen2.5:7b-instruct"}, "summarize-ar.txt")
    assert registry.installed(manifest) and registry.conversion(manifest) == (None, "no")
    assert registry.spec(manifest) == "openai:qwen2.5:7b-instruct@http://127.0.0.1:11434/v1"
    with pytest.raises(UsageError, match="openai:MODEL@BASE_URL"):
        registry.resolve("openai:qwen2.5", "summarize")
    # A user manifest (config file: summarizer = "aya") names a server model too.
    path = tmp_path / "manifests" / "aya.toml"
    path.parent.mkdir()
    path.write_text('name = "aya"\ntask = "translate"\nlicence = "CC-BY-NC-4.0"\nbackend = "causal"\nmax_input_tokens = 4000\n'
                    'prompt = "translate-ar-en.txt"\nengine = "openai"\n[server]\nbase_url = "http://127.0.0.1:11434/v1"\nmodel = "aya-expanse:8b"\n',
                    encoding="utf-8")
    aya = Registry.load(Settings.resolve(env={}, home=tmp_path)).resolve("aya", "translate")
    assert aya.engine == "openai" and aya.server["model"] == "aya-expanse:8b"
    path.write_text(path.read_text(encoding="utf-8").replace('base_url = "http://127.0.0.1:11434/v1"', 'base_url = "127.0.0.1:11434"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="base_url"):
        read_manifest(path)
