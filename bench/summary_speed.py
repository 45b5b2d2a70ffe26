"""Summarisation time per story: the extractive path, and an architecture-equivalent random-weight
mT5-small (the summarizer family of mt5-xlsum, smaller) on transformers and on CTranslate2.

The model reads the story's most salient sentences fitted to 512 tokens and writes exactly 84 tokens
(min = max length, beam 4, 2 threads) on both engines. Stories: the seeds' Putin visit (4 articles) for
the model; every multi-article story of the gold day (../shared/eval/stories) for the extractive path.

Run: python bench/summary_speed.py [--repeats 3]
Writes results/benchmarks.md (section "summary-speed").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from report import EVAL, ROOT, machine, write_section

sys.path.insert(0, str(ROOT / "tests"))
STORIES = EVAL / "stories"
OUTPUT_TOKENS = 84
MT5_SMALL = dict(vocab_size=250112, d_model=512, d_ff=1024, num_layers=8, num_decoder_layers=8, num_heads=6, d_kv=64,
                 feed_forward_proj="gated-gelu", tie_word_embeddings=False, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from tiny_models import save_random, train_sentencepiece
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    from summarizer.grouping import build_stories, cluster, node_for
    from summarizer.models import convert, import_model
    from summarizer.pipeline import load_articles
    from summarizer.records import Article
    from summarizer.registry import Registry
    from summarizer.settings import Settings
    from summarizer.summarize import extractive_summary, summarize_story

    settings = Settings.resolve(env={})
    seeds = [a for a in load_articles([str(ROOT / "seeds")], settings) if isinstance(a, Article)]
    putin = [a for a in seeds if not Path(a.source.path).name.startswith("004")]
    rows = []

    if STORIES.exists():
        day = [a for a in load_articles([str(STORIES / "articles.jsonl")], settings) if isinstance(a, Article)]
        nodes = [node_for(a) for a in day]
        stories = [list(s.articles) for s in build_stories(nodes, cluster(nodes, settings.group_threshold)) if len(s.articles) > 1]
        times = []
        for story in stories:
            start = time.perf_counter()
            extractive_summary(story, "medium")
            times.append(time.perf_counter() - start)
        rows.append(f"| extractive | {len(stories)} stories of the gold day ({min(map(len, stories))}–{max(map(len, stories))} articles) | "
                    f"{1000 * statistics.median(times):.1f} ms | {1000 * max(times):.1f} ms |")
        print(rows[-1], file=sys.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sp_model = train_sentencepiece(ROOT / "seeds", folder, vocab_size=1000)
        model_dir = folder / "mt5-small-random"
        model_dir.mkdir()
        save_random(T5ForConditionalGeneration, T5Config(**MT5_SMALL), T5Tokenizer(vocab_file=str(sp_model), extra_ids=0), model_dir)
        home = folder / "home"
        (home / "manifests").mkdir(parents=True)
        (home / "manifests" / "mt5-small-random.toml").write_text(
            'name = "mt5-small-random"\ntask = "summarize"\nlicence = "test"\nbackend = "seq2seq"\nmax_input_tokens = 512\n'
            f"[generation]\nnum_beams = 4\nmin_new_tokens = {OUTPUT_TOKENS}\nmax_new_tokens = {OUTPUT_TOKENS}\n", encoding="utf-8")
        for engine, use_ct2 in (("transformers fp32", False), ("CTranslate2 int8", True)):
            registry = Registry.load(Settings.resolve(env={}, home=home, threads=2, device="cpu", use_ctranslate2=use_ct2))
            manifest = registry.get("mt5-small-random")
            if not registry.installed(manifest):
                import_model(registry, manifest, model_dir)
            if use_ct2:
                convert(registry, manifest, "int8")
            summary = summarize_story(putin, registry, manifest.name, "medium")  # load and warm up
            times = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                summarize_story(putin, registry, manifest.name, "medium")
                times.append(time.perf_counter() - start)
            rows.append(f"| random-weight mT5-small, {engine} | the seeds' Putin visit (4 articles; model saw {summary.used_sentences} of "
                        f"{summary.input_sentences} sentences) | {statistics.median(times):.2f} s | {max(times):.2f} s |")
            print(rows[-1], file=sys.stderr)

    write_section(
        "summary-speed",
        "## Summarisation time per story\n\n"
        f"`python bench/summary_speed.py --repeats {args.repeats}` — the extractive path on every multi-article story "
        "of the gold day; an architecture-equivalent random-weight mT5-small (8+8 layers, d_model 512, vocabulary "
        f"250,112) reading the story's most salient sentences fitted to 512 tokens and writing exactly {OUTPUT_TOKENS} tokens "
        f"(beam 4, 2 threads), median of {args.repeats} runs after a warm-up, no cache. Input tokens come from a 1,000-piece "
        f"sentencepiece model trained on the seeds, not mT5's own. Machine: {machine()}.\n\n"
        "| summarizer | stories | median per story | slowest |\n|---|---|---:|---:|\n" + "\n".join(rows) + "\n",
    )


if __name__ == "__main__":
    main()
