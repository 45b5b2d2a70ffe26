"""Shared fixtures: the seed articles and a CLI runner. Nothing here touches the network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture
def seed_articles() -> dict[str, dict]:
    """The seeds through the real CLI, keyed by the file-name prefix (000 … 004)."""
    result = CliRunner().invoke(app, ["ingest", str(SEEDS)])
    assert result.exit_code == 0, result.output
    articles = [json.loads(line) for line in result.stdout.splitlines()]
    return {Path(a["source"]["path"]).name[:3]: a for a in articles}


@pytest.fixture(autouse=True)
def cpu_unless_testing_the_gpu(request, monkeypatch, tmp_path_factory) -> None:
    """The CLI runs on the CPU in tests, GPU or not, so outputs are the same everywhere; test_gpu.py tests the GPU."""
    if request.module.__name__ != "test_gpu":
        monkeypatch.setenv("SUMMARIZER_DEVICE", "cpu")
    # Each test has a model store, cache and story store of its own, never the user's (~/.cache/summarizer).
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path_factory.mktemp("summarizer-home")))
    # Nor does a developer's own config file (~/.config/summarizer/config.toml) reach the tests.
    monkeypatch.delenv("SUMMARIZER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(ROOT / "tests" / "no-config-here"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    """Folders of tiny Marian, T5 and causal models (and their sentencepiece model), built once."""
    from tiny_models import build_causal, build_marian, build_t5, train_sentencepiece

    root = tmp_path_factory.mktemp("tiny-models")
    sp_model = train_sentencepiece(SEEDS, root)
    return {
        "spm": sp_model,
        "marian": build_marian(sp_model, root / "marian"),
        "t5": build_t5(sp_model, root / "t5"),
        "causal": build_causal(sp_model, root / "causal"),
    }
