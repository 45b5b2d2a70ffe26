"""Does scoring only the target language's pieces change what a trained OPUS-MT-style model writes?

The tool's CTranslate2 conversion of an OPUS-MT model lists the pieces of its English sentencepiece model
(a vocabulary map), and CTranslate2 then scores only those at each decoding step instead of the whole
Arabic+English vocabulary. The real models' weights cannot be downloaded here, so this trains a small
model of the same kind: a Marian with one vocabulary joining an Arabic and an English sentencepiece model,
trained on NTREX-128 (1,997 Arabic→English news sentence pairs) with label smoothing 0.1 (as OPUS-MT's
training uses, which gives every vocabulary entry, Arabic pieces too, some probability). The tool converts it
and translates the 1,012 FLORES-200 devtest sentences and 500 of the training pairs with beam 4: int8 with the
map and without it (SUMMARIZER_USE_VMAP=0), and float32 without it (a yardstick: what int8 itself changes);
it counts identical outputs and scores chrF. A toy: it shows what the map does to a decoder trained only on
English targets, not the real models' outputs. The labels also give the decoder its inputs (shifted right).

Run: python bench/vmap_agreement.py [--epochs 25]
Needs ../shared/eval/translation/. Writes results/benchmarks.md (section "vmap-agreement").
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from report import EVAL, ROOT, machine, write_section

sys.path.insert(0, str(ROOT / "tests"))

NTREX = EVAL / "translation" / "ntrex128"
FLORES = EVAL / "translation" / "flores200_devtest"
PIECES = 4000  # per language; the joint vocabulary is their union
ARABIC = re.compile("[\u0600-\u06ff]")
# (label, conversion, scores only the target pieces), and the pairs of runs whose outputs are compared.
RUNS = (("int8 with the map", "int8", True), ("int8", "int8", False), ("float32", "float32", False))
PAIRS = (("int8 with the map", "int8"), ("int8", "float32"))


def lines(path: Path) -> list[str]:
    """The lines of a line-aligned test set file."""
    return path.read_text(encoding="utf-8").splitlines()


def train(model_dir: Path, pairs: list[tuple[str, str]], epochs: int) -> float:
    """Train the Marian in model_dir on the pairs for some epochs and save it; the last epoch's mean loss."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    torch.manual_seed(0)
    torch.set_num_threads(2)
    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_of = torch.nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=0.1)
    rng, loss = random.Random(0), float("nan")
    for epoch in range(1, epochs + 1):
        rng.shuffle(pairs)
        losses = []
        for start in range(0, len(pairs), 32):
            source, target = zip(*pairs[start:start + 32])
            batch = tokenizer(list(source), text_target=list(target), padding=True, truncation=True, max_length=96, return_tensors="pt")
            labels = batch.pop("labels")
            labels[labels == tokenizer.pad_token_id] = -100
            logits = model(**batch, labels=labels).logits
            step = loss_of(logits.reshape(-1, logits.size(-1)), labels.reshape(-1))
            optimizer.zero_grad()
            step.backward()
            optimizer.step()
            losses.append(step.item())
        loss = sum(losses) / len(losses)
        print(f"epoch {epoch}: loss {loss:.3f}", file=sys.stderr)
    model.save_pretrained(model_dir)
    return loss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=25, help="training epochs (about 50 s each on 2 cores)")
    args = parser.parse_args()
    if not (NTREX.exists() and FLORES.exists()):
        sys.exit(f"needs {NTREX} and {FLORES}")
    import sacrebleu
    from tiny_models import build_marian, train_sentencepiece

    from summarizer.backends import generate, load_backend
    from summarizer.backends.ct2 import convert, target_pieces
    from summarizer.registry import Manifest
    from summarizer.settings import Settings

    arabic, english = lines(NTREX / "newstest2019-ref.arb.txt"), lines(NTREX / "newstest2019-src.eng.txt")
    test_ar, test_en = lines(FLORES / "arb_Arab.devtest"), lines(FLORES / "eng_Latn.devtest")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = train_sentencepiece(None, folder, PIECES, arabic, name="source")
        target = train_sentencepiece(None, folder, PIECES, english, name="target")
        model_dir = build_marian(source, folder / "model", d_model=256, max_positions=512, target_sp_model=target)
        vocab_size = len(json.loads((model_dir / "vocab.json").read_text(encoding="utf-8")))
        kept = len(target_pieces(model_dir))
        start = time.perf_counter()
        loss = train(model_dir, list(zip(arabic, english)), args.epochs)
        minutes = (time.perf_counter() - start) / 60
        for quantization in ("int8", "float32"):
            convert(model_dir, folder / quantization, quantization)
        manifest = Manifest("toy", "translate", None, "local", "test", "seq2seq", 512, local_dir=model_dir)
        params = {"num_beams": 4, "max_new_tokens": 128}
        sets = {"FLORES-200 devtest (unseen)": (test_ar, test_en), "NTREX-128, first 500 (trained on)": (arabic[:500], english[:500])}
        outputs: dict[tuple[str, str], list[str]] = {}
        for run, quantization, use_vmap in RUNS:
            settings = Settings.resolve(env={}, threads=2, device="cpu", compute_type=quantization, use_vmap=use_vmap)
            backend = load_backend(manifest, model_dir, settings, folder / quantization)
            assert backend.vmap == use_vmap and backend.model.compute_type in (quantization, f"{quantization}_float32"), backend.describe()
            for name, (source, _) in sets.items():
                outputs[run, name] = [g.text for g in generate(backend, source, params)]
    rows, any_arabic = [], 0
    for name, (source, reference) in sets.items():
        same = {pair: sum(a == b for a, b in zip(outputs[pair[0], name], outputs[pair[1], name])) for pair in PAIRS}
        chrf = {run: sacrebleu.corpus_chrf(outputs[run, name], [reference]).score for run, _, _ in RUNS}
        arabic_letters = {run: sum(bool(ARABIC.search(t)) for t in outputs[run, name]) for run, _, _ in RUNS}
        any_arabic += sum(arabic_letters.values())
        rows.append(f"| {name} | {len(source)} | " + " | ".join(f"{same[pair]} ({same[pair] / len(source):.0%})" for pair in PAIRS)
                    + " | " + " / ".join(f"{chrf[run]:.2f}" for run, _, _ in RUNS) + " | " + " / ".join(str(arabic_letters[run]) for run, _, _ in RUNS) + " |")
    body = (
        "## The target-language vocabulary map: same outputs? (a trained toy model)\n\n"
        f"`python bench/vmap_agreement.py --epochs {args.epochs}` — a Marian of the OPUS-MT kind (one layer each side, d_model 256; "
        f"one vocabulary of {vocab_size:,} entries joining {PIECES:,}-piece Arabic and English sentencepiece models, {kept:,} of them the "
        f"English model's) trained for {args.epochs} epochs ({minutes:.0f} minutes; last epoch's loss {loss:.2f}) on NTREX-128's 1,997 "
        "Arabic→English pairs with label smoothing 0.1, converted by the tool, then translated by CTranslate2 with beam 4: int8 "
        "scoring only the English pieces (the tool's default), int8 scoring the whole vocabulary (`SUMMARIZER_USE_VMAP=0`), and, "
        "as a yardstick, float32 scoring the whole vocabulary (what int8 itself changes). Machine: "
        f"{machine()}.\n\n"
        "| inputs | sentences | identical: int8 with the map vs without | identical: int8 vs float32, without the map | "
        "chrF: " + " / ".join(run for run, _, _ in RUNS) + " | outputs with an Arabic letter |\n|---|---:|---:|---:|---:|---:|\n"
        + "\n".join(rows) + "\n\n"
        + ("Outputs never hold an Arabic letter, with the map or without it: the decoder does not pick the source language's pieces. "
           if not any_arabic else f"{any_arabic} outputs hold an Arabic letter (last column). ")
        + "Outputs can still differ: the map also drops the Arabic pieces' share of each step's probabilities "
        "(label smoothing gives them some), and beam search compares hypotheses by their summed log-probabilities, so "
        "nearly tied beams can swap. The toy's translations are poor (see its chrF); the real models, better trained "
        "and more certain, could not be run here: their weights cannot be downloaded on this machine.\n"
    )
    write_section("vmap-agreement", body)
    print(body, file=sys.stderr)


if __name__ == "__main__":
    main()
