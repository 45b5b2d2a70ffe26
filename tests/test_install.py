"""The package as users install it: a wheel, outside the checkout, with its model manifests, prompts and glossary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The project built as a wheel and installed into a folder of its own (the dependencies are this venv's)."""
    root = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(root / "dist")],
                           capture_output=True, text=True)
    if build.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {build.stderr.strip().splitlines()[-1:]}")
    (wheel,) = (root / "dist").glob("summarizer-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(root / "site"), str(wheel)], check=True)
    return root / "site"


def run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(installed), "SUMMARIZER_HOME": str(cwd / "home"), "SUMMARIZER_DEVICE": "cpu"}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_a_wheel_outside_the_checkout_lists_models_translates_and_briefs(installed, tmp_path, tiny_models, seeds_dir):
    where = run(installed, tmp_path, "-c", "import summarizer; print(summarizer.__file__)")
    assert where.stdout.startswith(str(installed)), where  # the wheel's copy, not the checkout's
    listed = run(installed, tmp_path, "-m", "summarizer", "models", "list")
    assert listed.returncode == 0 and "opus-mt-tc-big-ar-en" in listed.stdout and "mt5-xlsum" in listed.stdout, listed.stderr
    seed = shutil.copy(seeds_dir / "003_3e239438a72b5b22.txt", tmp_path / "article.txt")
    translated = run(installed, tmp_path, "-m", "summarizer", "translate", "--translator", str(tiny_models["marian"]), "--format", "json", str(seed))
    assert translated.returncode == 0, translated.stderr
    assert json.loads(translated.stdout)["status"] == "translated"
    shutil.copytree(seeds_dir, tmp_path / "seeds")
    briefed = run(installed, tmp_path, "-m", "summarizer", "brief", "seeds", "--out", "out", "-q")
    assert briefed.returncode == 0, briefed.stderr
    assert "to fix: summarizer models pull opus-mt-tc-big-ar-en" in briefed.stderr  # the manifest is there to name it
    (briefing,) = (tmp_path / "out").glob("briefing-*[0-9].json")  # not the .run.json beside it
    assert len(json.loads(briefing.read_text())["stories"]) == 2
