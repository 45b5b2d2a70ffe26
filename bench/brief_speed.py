"""`summarizer brief` on the 141-article gold day, cold and warm (cached), with the extractive summarizer
and an architecture-equivalent random-weight opus-mt-tc-big-ar-en translator on CTranslate2 int8.

Every translated sentence is forced to 32 tokens (random weights never stop on their own), beam 4,
2 threads. Cold: empty store and cache. Warm: the same run again (everything from the cache).

Run: python bench/brief_speed.py
Needs ../shared/eval/stories/. Writes results/benchmarks.md (section "brief-speed").
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from report import EVAL, ROOT, machine, write_section
from translate_speed import THREADS, build, tokenizer

DAY = EVAL / "stories" / "articles.jsonl"
TOKENS = 32


def main() -> None:
    if not DAY.exists():
        print(f"skipped: {DAY} not found (the shared evaluation data)", file=sys.stderr)
        return
    from typer.testing import CliRunner

    from summarizer.cli import app
    from summarizer.models import convert, import_model
    from summarizer.registry import Registry
    from summarizer.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sp_model, trained_on = tokenizer(folder)
        model_dir = build("opus-mt-tc-big-ar-en", folder, sp_model)
        home = folder / "home"
        (home / "manifests").mkdir(parents=True)
        (home / "manifests" / "random-tc-big.toml").write_text(
            'name = "random-tc-big"\ntask = "translate"\nlicence = "test"\nbackend = "seq2seq"\nmax_input_tokens = 512\n'
            f"[generation]\nnum_beams = 4\nmin_new_tokens = {TOKENS}\nmax_new_tokens = {TOKENS}\n", encoding="utf-8")
        registry = Registry.load(Settings.resolve(env={}, home=home))
        import_model(registry, registry.get("random-tc-big"), model_dir)
        convert(registry, registry.get("random-tc-big"), "int8")
        env = {"SUMMARIZER_HOME": str(home), "SUMMARIZER_THREADS": str(THREADS)}
        runner = CliRunner()
        rows, times = [], {}
        for label in ("cold (empty store and cache)", "warm (same run again)"):
            start = time.perf_counter()
            # --days 2: the file has 3 articles dated the day before; all 141 are briefed.
            result = runner.invoke(app, ["brief", str(DAY), "--out", str(folder / "out"), "--days", "2", "--translator", "random-tc-big", "-q"], env=env)
            times[label] = time.perf_counter() - start
            assert result.exit_code == 0, result.output
            rows.append(f"| {label} | {times[label]:.1f} |")
            print(rows[-1], file=sys.stderr)
        (briefing,) = (folder / "out").glob("briefing-*.md")
        stories = briefing.read_text(encoding="utf-8").count('<a id="s-')
    cold, warm = times.values()
    write_section(
        "brief-speed",
        "## `summarizer brief` on one day of news\n\n"
        "`python bench/brief_speed.py` — the 141 articles of `../shared/eval/stories/articles.jsonl` (5 outlets): ingest, "
        "grouping, extractive summaries, and translation of every headline and summary sentence by an architecture-"
        f"equivalent random-weight opus-mt-tc-big-ar-en on CTranslate2 int8 ({THREADS} threads, beam 4, every sentence "
        f"forced to {TOKENS} tokens; inputs tokenized by {trained_on}), Markdown and JSON written. {stories} multi-article stories in the briefing. "
        f"Machine: {machine()}.\n\n| run | seconds |\n|---|---:|\n" + "\n".join(rows)
        + f"\n\nThe warm run is {cold / warm:.0f}× faster: every translation comes from the cache.\n",
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tests"))
    main()
