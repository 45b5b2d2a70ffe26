"""Do the translation checks catch injected errors, and leave clean lines alone?

Run: python bench/faithfulness.py
Needs ../shared/eval/translation/ (skips with a message when absent). Writes results/benchmarks.md
(section "faithfulness").

Each English reference line stands for the translation of its Arabic line: clean, it is a faithful
translation (and should not be flagged); with one error injected (seeded), it should be. Errors go
only where they apply (a digit changed needs a digit). The checks run through the public interface,
`summarizer check translation`. FLORES-200 devtest is where the length band was set; NTREX-128 is
the held-out set, and the figures that count.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Callable

from report import EVAL, ROOT, machine, write_section

from summarizer.faithfulness import MAX_RATIO, MIN_RATIO, Glossary
from summarizer.names import english_names, has_counterpart

TRANSLATION = EVAL / "translation"
SETS = {
    "FLORES-200 devtest (length band set here)": (TRANSLATION / "flores200_devtest" / "arb_Arab.devtest", TRANSLATION / "flores200_devtest" / "eng_Latn.devtest"),
    "NTREX-128 (held out)": (TRANSLATION / "ntrex128" / "newstest2019-ref.arb.txt", TRANSLATION / "ntrex128" / "newstest2019-src.eng.txt"),
}
NUMBER_WORDS = "three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand million billion".split()
GLOSSARY_NAMES = [t.english for t in Glossary.load(ROOT / "models" / "glossary.tsv").terms]
AUXILIARIES = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|does|did|do)\b")
NEGATION = re.compile(r"\s*\b(?:not|never)\b|n't\b")


def change_digit(line: str, rng: random.Random, _: list[str], source: str) -> str | None:
    spots = list(re.finditer(r"\d+", line))
    if not spots:
        return None
    m = rng.choice(spots)
    value = int(m.group(0))
    return line[: m.start()] + str(value + rng.choice([1, 2, 3, 7, 10])) + line[m.end() :]


def delete_digit(line: str, rng: random.Random, _: list[str], source: str) -> str | None:
    spots = list(re.finditer(r"\s?\d+(?:[.,]\d+)*%?", line))
    if not spots:
        return None
    m = rng.choice(spots)
    return line[: m.start()] + line[m.end() :]


def change_number_word(line: str, rng: random.Random, _: list[str], source: str) -> str | None:
    spots = [m for m in re.finditer(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", line, re.IGNORECASE)]
    if not spots:
        return None
    m = rng.choice(spots)
    other = rng.choice([w for w in NUMBER_WORDS if w != m.group(0).lower()])
    return line[: m.start()] + other + line[m.end() :]


def swap_name(line: str, rng: random.Random, pool: list[str], source: str) -> str | None:
    names = [n for n in english_names(line) if has_counterpart(n, source)]  # a name the source has, swapped for another
    if not names:
        return None
    name = rng.choice(names)
    other = rng.choice([n for n in pool if n.lower() != name.lower() and n not in line])
    return re.sub(rf"\b{re.escape(name)}\b", other, line)


def swap_glossary_name(line: str, rng: random.Random, _: list[str], source: str) -> str | None:
    names = [n for n in english_names(line) if has_counterpart(n, source)]
    if not names:
        return None
    name = rng.choice(names)
    return re.sub(rf"\b{re.escape(name)}\b", rng.choice([n for n in GLOSSARY_NAMES if n not in line]), line)


def add_negation(line: str, rng: random.Random, _: list[str], source: str) -> str | None:
    if NEGATION.search(line):
        return None
    spots = list(AUXILIARIES.finditer(line))
    if not spots:
        return None
    m = rng.choice(spots)
    return line[: m.end()] + " not" + line[m.end() :]


def remove_negation(line: str, rng: random.Random, _: list[str], source: str) -> str | None:
    spots = list(NEGATION.finditer(line))
    if len(spots) != 1:  # one negation, so that removing it makes the line positive
        return None
    m = spots[0]
    return line[: m.start()] + line[m.end() :]


def drop_half(line: str, rng: random.Random, _: list[str], source: str) -> str | None:
    words = line.split()
    if len(words) < 8:
        return None
    return " ".join(words[: len(words) // 2]) + "."


ERRORS: dict[str, Callable[[str, random.Random, list[str], str], str | None]] = {
    "digit changed": change_digit,
    "digit deleted": delete_digit,
    "number word changed": change_number_word,
    "name swapped (another name of the set)": swap_name,
    "name swapped (a glossary name)": swap_glossary_name,
    "negation added": add_negation,
    "negation removed": remove_negation,
    "second half dropped": drop_half,
}


def run_checks(sources: list[str], targets: list[str]) -> list[list[dict]]:
    """Flags per line, from `summarizer check translation` (the public interface)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, hyp = Path(tmp) / "src.txt", Path(tmp) / "hyp.txt"
        src.write_text("\n".join(sources) + "\n", encoding="utf-8")
        hyp.write_text("\n".join(targets) + "\n", encoding="utf-8")
        env = {**os.environ, "SUMMARIZER_HOME": str(Path(tmp) / "home")}  # the shipped glossary alone
        out = subprocess.run([sys.executable, "-m", "summarizer", "check", "translation", "--source", str(src), "--translation", str(hyp)],
                             capture_output=True, text=True, check=True, env=env)
    return [json.loads(line)["flags"] for line in out.stdout.splitlines()]


def main() -> None:
    if not TRANSLATION.exists():
        print(f"skipped: {TRANSLATION} not found (the shared evaluation data)", file=sys.stderr)
        return
    sections = []
    for label, (ar_path, en_path) in SETS.items():
        sources = ar_path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        refs = en_path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        # Names to swap in: those of the other lines that their own source has (real names, not Ocean or World).
        pool = list(dict.fromkeys(n for src, line in zip(sources, refs) for n in english_names(line) if has_counterpart(n, src)))
        clean = run_checks(sources, refs)
        by_check = Counter(f["check"] for flags in clean for f in {f["check"]: f for f in flags}.values())
        rows = [f"| clean lines (flagged: false alarms) | {len(refs)} | **{sum(1 for f in clean if f) / len(refs):.1%}** | "
                + ", ".join(f"{c} {n / len(refs):.1%}" for c, n in by_check.most_common()) + " |"]
        for name, inject in ERRORS.items():
            rng = random.Random(13)
            cases = [(i, inject(refs[i], rng, pool, sources[i])) for i in range(len(refs))]
            cases = [(i, bad) for i, bad in cases if bad and bad != refs[i]]
            flags = run_checks([sources[i] for i, _ in cases], [bad for _, bad in cases])
            caught = [f for f in flags if f]
            which = Counter(f["check"] for flag_list in caught for f in {f["check"]: f for f in flag_list}.values())
            rows.append(f"| {name} | {len(cases)} | **{len(caught) / max(1, len(cases)):.1%}** | "
                        + ", ".join(f"{c} {n / max(1, len(cases)):.0%}" for c, n in which.most_common(3)) + " |")
            print(label, rows[-1], file=sys.stderr)
        sections.append(f"**{label}**, {len(refs)} lines:\n\n| case | lines | flagged | by check (share of lines) |\n|---|---:|---:|---|\n" + "\n".join(rows))
    write_section(
        "faithfulness",
        "## Faithfulness checks on injected errors (translation)\n\n"
        "`python bench/faithfulness.py` — each English reference line stands for the translation of its Arabic line: "
        "clean, it must not be flagged; with one error injected (seeded; only where the error applies), it must be. "
        "Checks run through `summarizer check translation`. The length band "
        f"({MIN_RATIO}–{MAX_RATIO} English words per Arabic word) was set on FLORES; NTREX is held out. "
        f"Machine: {machine()}.\n\n" + "\n\n".join(sections) + "\n",
    )


if __name__ == "__main__":
    main()
