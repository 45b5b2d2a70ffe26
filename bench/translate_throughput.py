"""End-to-end `translate` throughput (Arabic words/s) on NTREX news documents, transformers vs CTranslate2.

An architecture-equivalent random-weight opus-mt-tc-big-ar-en (see translate_speed.py), the real stage
code (sentence splitting, length-sorted batching, checks, glossary), no cache, 2 threads, beam 4, every
sentence's output forced to the same length on both engines. Also runs the FLORES-200 devtest through
`summarizer eval translation` with a tiny random model, to show the pipeline handles the whole set;
its score means nothing (random weights).

Run: python bench/translate_throughput.py [--docs 4] [--length 32]
Needs ../shared/eval/translation/. Writes results/benchmarks.md (section "translate-throughput").
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from report import EVAL, ROOT, machine, write_section
from translate_speed import BEAMS, THREADS, build, tokenizer

TRANSLATION = EVAL / "translation"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=4, help="NTREX documents to translate")
    parser.add_argument("--length", type=int, default=32, help="target tokens per sentence, forced on both engines")
    args = parser.parse_args()
    if not TRANSLATION.exists():
        print(f"skipped: {TRANSLATION} not found (the shared evaluation data)", file=sys.stderr)
        return
    from typer.testing import CliRunner

    from summarizer.arabic import split_sentences
    from summarizer.cli import app
    from summarizer.models import convert
    from summarizer.records import Article, Source
    from summarizer.registry import Registry
    from summarizer.settings import Settings
    from summarizer.translate import translate_articles

    docs = [json.loads(line) for line in (TRANSLATION / "ntrex128" / "ntrex128_ar_en_docs.jsonl").read_text(encoding="utf-8").splitlines()][: args.docs]
    articles = [Article(d["doc_id"], None, None, None, None, "ar", "\n\n".join(d["ar"]), Source("ntrex")) for d in docs]
    words = sum(len(a.text.split()) for a in articles)
    sentences = sum(len(split_sentences(p)) for a in articles for p in a.paragraphs)
    rows, speeds = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sp_model, trained_on = tokenizer(folder)
        model_dir = build("opus-mt-tc-big-ar-en", folder, sp_model)
        for engine, use_ct2 in (("transformers fp32", False), ("CTranslate2 int8", True)):
            registry = Registry.load(Settings.resolve(env={}, home=folder / "home", threads=THREADS, device="cpu", use_ctranslate2=use_ct2))
            manifest = registry.resolve(str(model_dir), "translate")
            if use_ct2:
                convert(registry, manifest, "int8")
            params = {"num_beams": BEAMS, "min_new_tokens": args.length, "max_new_tokens": args.length}
            translate_articles(articles[:1], registry, manifest, None, params)  # load and warm up
            start = time.perf_counter()
            translate_articles(articles, registry, manifest, None, params)
            seconds = time.perf_counter() - start
            speeds[engine] = words / seconds
            rows.append(f"| {engine} | {args.docs} | {sentences} | {words} | {seconds:.1f} | **{words / seconds:.1f}** |")
            print(rows[-1], file=sys.stderr)

        # FLORES-200 devtest through the CLI with a tiny random model: the whole set, end to end.
        from tiny_models import build_marian, write_manifest

        home = folder / "flores-home"
        write_manifest(home, "tiny-marian", "translate", "seq2seq", 256, {"num_beams": 1, "max_new_tokens": 16})
        tiny = build_marian(sp_model, folder / "tiny")
        runner = CliRunner()
        runner.invoke(app, ["models", "import", "tiny-marian", str(tiny)], env={"SUMMARIZER_HOME": str(home)})
        flores = TRANSLATION / "flores200_devtest"
        start = time.perf_counter()
        result = runner.invoke(app, ["eval", "translation", "--src", str(flores / "arb_Arab.devtest"), "--ref", str(flores / "eng_Latn.devtest"), "--translator", "tiny-marian"],
                               env={"SUMMARIZER_HOME": str(home)})
        flores_seconds = time.perf_counter() - start
        flores_result = json.loads(result.stdout)

    ratio = speeds["CTranslate2 int8"] / speeds["transformers fp32"]
    write_section(
        "translate-throughput",
        "## `summarizer translate` end to end\n\n"
        f"`python bench/translate_throughput.py --docs {args.docs} --length {args.length}` — the first {args.docs} NTREX-128 news "
        "documents through the translation stage (sentence splitting, length-sorted batches, checks, glossary; no cache), "
        f"with an architecture-equivalent random-weight opus-mt-tc-big-ar-en, {THREADS} threads, beam {BEAMS}, every sentence's "
        f"output forced to {args.length} tokens on both engines (CTranslate2 as the tool runs it: two workers of one thread "
        f"each), one timed run after a warm-up. Inputs are tokenized by {trained_on}. Machine: {machine()}.\n\n"
        "| engine | documents | sentences | Arabic words | s | Arabic words/s |\n|---|---:|---:|---:|---:|---:|\n"
        + "\n".join(rows)
        + f"\n\nCTranslate2 int8 translates **{ratio:.1f}×** the Arabic words per second of transformers fp32 here.\n\n"
        f"The pipeline also ran the whole FLORES-200 devtest ({flores_result['lines']} lines) through `summarizer eval translation` "
        f"in {flores_seconds:.0f} s with a tiny random model (BLEU {flores_result['bleu']}, chrF {flores_result['chrf']}: meaningless, "
        "random weights; see results/translation.md for what could not be measured).\n",
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tests"))
    main()
