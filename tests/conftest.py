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


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
