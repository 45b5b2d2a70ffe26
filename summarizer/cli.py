"""The `summarizer` command line: parses options, calls the library, reports problems. No logic here."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import functools
import inspect
import json
import os
import re
import sys
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer
import typer.core
from rich.console import Console
from rich.table import Table

from summarizer.arabic import split_sentences
from summarizer.brief import build_briefing, build_comparison
from summarizer.cache import ResultCache
from summarizer.errors import InputError, SummarizerError, UsageError
from summarizer.evaluate import ROUGE_TOKENIZER, bcubed, bleu_chrf, rouge
from summarizer.evidence import check_claim, find_evidence, story_actors
from summarizer.faithfulness import check_translation
from summarizer.feeds import load_feeds, read_opml, to_opml, to_toml, user_list
from summarizer.fetch import FetchOptions, FetchReport, archive_inputs, check_feed
from summarizer.fetch import fetch as fetch_feeds
from summarizer.ingest import json_lines
from summarizer.inference import verify
from summarizer.models import check_files, convert, import_model, install_missing, pull, register_folder, statuses
from summarizer.pipeline import group_stories, load_articles
from summarizer.progress import listening
from summarizer.progress import report as listening_report
from summarizer.records import Article, Problem, Story
from summarizer.registry import Manifest, Registry
from summarizer.render import (
    briefing_dict,
    briefing_markdown,
    comparison_dict,
    comparison_markdown,
    escape_md,
    translation_markdown,
    translation_text,
)
from summarizer.settings import CHOICES, MB, Settings, config_file, usable_cores
from summarizer.summarize import candidates, summarize_story, summary_length
from summarizer.translate import (
    load_glossary,
    translate_articles,
    translate_lines,
)
from summarizer.vectors import text_vector
from summarizer.writes import write_atomic, write_together

# Exit codes (also in the README).
EXIT_OK = 0
EXIT_SOME_INPUTS_BAD = 1
EXIT_USAGE = 2
EXIT_NO_INPUT = 3

_HELP = {"help_option_names": ["-h", "--help"]}  # -h too, on every command


def _argument_help_shows_the_metavar() -> None:
    """Help lists an argument as its metavar, "PATH..." for several, not "PATH <list[str]>" (typer prints the Python
    type after the name even when a metavar names it), and the usage line as click writes it: "PATH...", "[PATH]..."
    when optional, not typer's "{PATH}...". Left alone where typer lacks these hooks."""
    argument = getattr(typer.core, "TyperArgument", None)
    hooks = ("display_type_rich", "_rich_display_name", "_usage_display_name", "display_name_raw")
    if argument is None or not all(hasattr(argument, name) for name in hooks):
        return
    argument._usage_display_name = lambda self: (self.display_name_raw if self.required else f"[{self.display_name_raw}]") + ("..." if self.nargs != 1 else "")
    shown_type, shown_name = argument.display_type_rich, argument._rich_display_name
    argument.display_type_rich = lambda self, ctx: None if self.metavar else shown_type(self, ctx)
    argument._rich_display_name = lambda self: (self.display_name_raw + ("..." if self.nargs != 1 else "")) if self.metavar else shown_name(self)


_argument_help_shows_the_metavar()
app = typer.Typer(
    help="Arabic news articles from many outlets into English briefings.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings=_HELP,
)
# Everything these print is data (titles, outlets, file names, error text): never read as rich markup or emoji codes,
# where a title's "[/]" would crash the table and a "[link=…]" would turn into a link.
_PLAIN = {"markup": False, "emoji": False, "highlight": False}
err = Console(stderr=True, soft_wrap=True, **_PLAIN)


def out() -> Console:
    """Console for tables on stdout: the terminal's width, or wide enough not to wrap names when piped."""
    return Console(width=None if sys.stdout.isatty() else 160, **_PLAIN)


models_app = typer.Typer(help="Models: list, pull, import, convert, verify.", no_args_is_help=True, context_settings=_HELP)
app.add_typer(models_app, name="models")
feeds_app = typer.Typer(help="The feed list `fetch` reads: list, check, import, export.", no_args_is_help=True, context_settings=_HELP)
app.add_typer(feeds_app, name="feeds")
_GLOBAL: dict[str, object] = {}
Device = Enum("Device", {value: value for value in CHOICES["device"]}, type=str)


def _show_version(value: bool) -> None:
    if value:
        from summarizer import __version__

        print(f"summarizer {__version__}")
        raise typer.Exit()


@app.callback()
def _commands(
    offline: Annotated[
        bool | None,
        typer.Option("--offline/--online", help="Never use the network (also: HF_HUB_OFFLINE=1); --online overrides the config file's offline."),
    ] = None,
    device: Annotated[Optional[Device], typer.Option(help="Where the models run (default: auto, a GPU when there is one).")] = None,
    threads: Annotated[Optional[int], typer.Option(min=0, help="CPU threads for the models (default: the backend decides).")] = None,
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_show_version, help="Print the version and exit.")] = False,
) -> None:
    """Arabic news articles from many outlets into English briefings."""
    _GLOBAL.clear()
    _GLOBAL.update({"offline": offline, "device": device.value if device else None, "threads": threads})


def settings_from(**overrides: object) -> Settings:
    """Settings for this command: defaults, environment, global options, then the command's options."""
    return Settings.resolve(**{**_GLOBAL, **{k: v for k, v in overrides.items() if v is not None}})


eval_app = typer.Typer(help="Score the tool against gold data.", no_args_is_help=True, context_settings=_HELP)
app.add_typer(eval_app, name="eval")
check_app = typer.Typer(help="Check translations or summaries made by any tool against their sources.", no_args_is_help=True, context_settings=_HELP)
app.add_typer(check_app, name="check")


class IngestFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


class GroupFormat(str, Enum):
    json = "json"
    table = "table"


class CheckFormat(str, Enum):
    json = "json"
    md = "md"


class TaskChoice(str, Enum):
    translate = "translate"
    summarize = "summarize"


class TranslateFormat(str, Enum):
    md = "md"
    json = "json"
    txt = "txt"


Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress; only warnings and errors on stderr.")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="A line on stderr as each step starts and ends, with its time (also when stderr is not a terminal).")]
Paths = Annotated[list[str], typer.Argument(metavar="PATH", help="Files, folders (recursive), globs, or - for standard input.")]
FeedsFile = Annotated[Optional[Path], typer.Option("--feeds", metavar="FILE", help="Feed list, TOML or OPML (default: $SUMMARIZER_HOME/feeds.toml if there is one, else the bundled list).")]
Archive = Annotated[Optional[Path], typer.Option("--archive", metavar="DIR", help="Web archive folder for the fetched pages (default: $SUMMARIZER_HOME/archive).")]


_LIVE: dict[str, bool] = {"on": False}  # a progress display is showing: an inner _progress adds none


@contextlib.contextmanager
def _progress(quiet: bool = False, verbose: bool = False):
    """Show the library's progress on stderr while inside: a bar per step on a terminal; with verbose, a line as each
    step starts and ends (with its time), terminal or not; nothing when quiet."""
    if _LIVE["on"] or quiet or not (verbose or err.is_terminal):
        yield
        return
    _LIVE["on"] = True
    try:
        if verbose:
            with listening(_step_lines()):
                yield
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        tasks: dict[str, object] = {}
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True) as bars:

            def show(step: str, done: int, total: int) -> None:
                if step not in tasks:
                    tasks[step] = bars.add_task(step, total=total or None)
                if total:
                    bars.update(tasks[step], completed=done, total=total)
                elif done:  # a step with no count has ended
                    bars.update(tasks[step], completed=1, total=1)

            with listening(show):
                yield
    finally:
        _LIVE["on"] = False


def _step_lines():
    """A progress listener that writes one line when a step starts and one when it ends, with its count and time."""
    import time

    started: dict[str, float] = {}

    def show(step: str, done: int, total: int) -> None:
        if step not in started:
            started[step] = time.perf_counter()
            err.print(f"summarizer: {step}" + (f": {total}" if total else "") + " …")
        elif (total and done >= total) or (not total and done):
            err.print(f"summarizer: {step}: done in {time.perf_counter() - started.pop(step):.1f} s")

    return show


def _warn(message: str) -> None:
    """A library warning (say, a corrupt cache set aside) as one line on stderr."""
    err.print(f"summarizer: warning: {message}")


def report(problem: Problem) -> None:
    """One line on stderr for an input that was skipped (or read with a repair, which the line names)."""
    err.print(f"summarizer: {'skipped' if problem.skipped else 'note'} {problem}")


_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}  # standard output that cannot take more


def handles_errors(command):
    """Every command's frame: its progress shown (with -q and -v, added to commands that do not take them), and a
    library error turned into one line on stderr and its exit code."""
    signature = inspect.signature(command, eval_str=True)  # the annotations themselves: typer reads them
    declared = signature.parameters
    added = [name for name in ("quiet", "verbose") if name not in declared]

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        quiet = kwargs.pop("quiet", False) if "quiet" in added else kwargs.get("quiet", False)
        verbose = kwargs.pop("verbose", False) if "verbose" in added else kwargs.get("verbose", False)
        try:
            with _progress(quiet, verbose):
                result = command(*args, **kwargs)
            sys.stdout.flush()  # a full disk shows on the flush as often as on the write
            return result
        except SummarizerError as exc:
            err.print(f"summarizer: error: {exc}")
            raise typer.Exit(exc.exit_code) from exc
        except BrokenPipeError:  # the reader left (… | head): nothing more to say; keep Python's exit flush quiet too
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except OSError as exc:
            if exc.errno not in _OUTPUT_ERRNOS:
                raise
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # what is still buffered cannot go anywhere
            err.print(f"summarizer: error: cannot write standard output ({exc.strerror}); make room, or send it elsewhere")
            raise typer.Exit(EXIT_USAGE) from None

    options = {"quiet": Quiet, "verbose": Verbose}
    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=False, annotation=options[name]) for name in added]
    wrapper.__signature__ = signature.replace(parameters=[*declared.values(), *extra])
    wrapper.__annotations__ = {**command.__annotations__, **{name: options[name] for name in added}}
    return wrapper


@app.command()
@handles_errors
def ingest(
    paths: Paths,
    format: Annotated[IngestFormat, typer.Option("--format", "-f", help="jsonl: one article a line; table: a readable summary.")] = IngestFormat.jsonl,
    outlet: Annotated[Optional[str], typer.Option(metavar="NAME", help="Outlet name for every input (overrides what the pages say).")] = None,
    outlets: Annotated[Optional[Path], typer.Option(metavar="FILE", help="Extra outlets file (TOML, same shape as summarizer/data/outlets.toml).")] = None,
    max_file_mb: Annotated[Optional[int], typer.Option(min=1, metavar="N", help="Skip files larger than this many MB (default 20); an MHTML file is read up to it.")] = None,
) -> None:
    """Read and clean articles: title, outlet, date and main text, one JSON object per article."""
    settings = settings_from(outlets_file=outlets, max_file_bytes=max_file_mb * MB if max_file_mb is not None else None)

    def write(article: Article) -> None:
        sys.stdout.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
        sys.stdout.flush()

    articles, problems = _read_articles(paths, settings, outlet, each=write if format is IngestFormat.jsonl else None)
    if format is IngestFormat.table:
        out().print(_article_table(articles))
    if problems:
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


def _read_articles(
    paths: list[str], settings: Settings, outlet: str | None = None, each: Callable[[Article], None] | None = None
) -> tuple[list[Article], int]:
    """Articles from the inputs (each handed to `each` as it comes) and how many inputs were bad.

    Bad inputs are reported on stderr as they come; exits 3 when nothing at all is usable.
    """
    articles, problems = [], 0
    for item in load_articles(paths, settings, outlet=outlet):
        if isinstance(item, Problem):
            problems += item.skipped
            report(item)
        else:
            articles.append(item)
            if each:
                each(item)
    if not articles:
        err.print("summarizer: no articles found in the inputs")
        raise typer.Exit(EXIT_NO_INPUT)
    return articles, problems


@app.command()
@handles_errors
def group(
    paths: Paths,
    format: Annotated[GroupFormat, typer.Option("--format", "-f", help="json, or a readable table.")] = GroupFormat.json,
    threshold: Annotated[Optional[float], typer.Option(min=0.0, max=1.0, help="Similarity a story's articles must average (default 0.20); higher splits more.")] = None,
    store: Annotated[bool, typer.Option(help="Use the store so stories keep their ids across runs (--no-store: this input alone).")] = True,
) -> None:
    """Group articles into stories: largest first, each story's representative article first."""
    settings = settings_from(group_threshold=threshold)
    articles, problems = _read_articles(paths, settings)
    stories = group_stories(articles, settings, use_store=store, warn=_warn)
    if format is GroupFormat.json:
        sys.stdout.write(json.dumps({"stories": [s.to_dict() for s in stories]}, ensure_ascii=False, indent=2) + "\n")
    else:
        out().print(_story_table(stories))
    if problems:
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


@eval_app.command("grouping")
@handles_errors
def eval_grouping(
    gold: Annotated[list[Path], typer.Option(metavar="FILE", help='Gold labels, JSONL lines {"id", "story"}; repeat with --articles for several windows.')],
    paths: Annotated[Optional[list[str]], typer.Argument(metavar="PATH", help="The articles of a single --gold: files, folders, globs, or -.")] = None,
    articles: Annotated[Optional[list[str]], typer.Option("--articles", metavar="FILE", help="The articles of each --gold, in the same order (one window each).")] = None,
    threshold: Annotated[Optional[float], typer.Option(min=0.0, max=1.0, help="Grouping threshold to score (default 0.20).")] = None,
) -> None:
    """BCubed precision, recall and F1 of the grouping against gold story labels (JSON on stdout).

    One window: --gold G PATH...  Several: --gold G1 --articles A1 --gold G2 --articles A2 …, each
    grouped on its own; then each window's scores, their mean and the worst window's F1.
    """
    settings = settings_from(group_threshold=threshold)
    if articles and paths:
        raise UsageError("give the articles either as PATH... (one --gold) or as --articles, not both")
    windows = list(zip(gold, [[a] for a in articles])) if articles else [(gold[0], paths or [])] if len(gold) == 1 else []
    if not windows or (articles and len(articles) != len(gold)) or not all(p for _, p in windows):
        raise UsageError("give one --articles for each --gold (or one --gold followed by its PATH...)")
    results, any_problems = [], False
    for gold_path, window_paths in windows:
        labels = _read_gold(gold_path)
        found, problems = _read_articles(window_paths, settings)
        any_problems |= bool(problems)
        predicted = {a.id: s.id for s in group_stories(found, settings, use_store=False) for a in s.articles}
        missing = sorted(set(predicted) - set(labels))
        if missing:
            err.print(f"summarizer: {gold_path}: {len(missing)} article(s) have no gold label and are not scored (first: {missing[0]})")
        results.append({"gold": str(gold_path), **bcubed(predicted, labels)})
    if len(results) == 1:
        result = {key: value for key, value in results[0].items() if key != "gold"}
    else:
        keys = ("bcubed_precision", "bcubed_recall", "bcubed_f1")
        mean = {key: round(sum(r[key] for r in results) / len(results), 4) for key in keys}
        result = {"windows": results, "mean": mean, "worst_f1": min(r["bcubed_f1"] for r in results)}
    sys.stdout.write(json.dumps({**result, "threshold": settings.group_threshold}, indent=2) + "\n")
    if any_problems:
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


@eval_app.command("compare")
@handles_errors
def eval_compare(
    gold: Annotated[Path, typer.Option(help="Gold facts, one JSON line a story (../shared/eval/compare/gold_facts.jsonl).")],
    paths: Annotated[list[str], typer.Argument(metavar="PATH", help="Files holding the stories' articles (the windows' articles files).")],
) -> None:
    """Pairwise precision, recall and F1 of the outlet comparison's shared facts, and the number disagreements it
    finds, against gold facts (JSON on stdout): pooled over the stories, per story, lenient precision beside."""
    from summarizer.compare_eval import pooled, read_gold, score_story

    settings = settings_from()
    found, problems = _read_articles(paths, settings)
    by_id = {a.id: a for a in found}
    records = read_gold(gold)
    missing = sorted({i for r in records for i in r["articles"]} - set(by_id))
    if missing:
        raise InputError(f"{len(missing)} article(s) of {gold} are not in the inputs (first: {missing[0]}); give the files that hold them")
    scores = [score_story(r, by_id) for r in records]
    stories = [{"story": s.story, "gold_pairs": s.gold_pairs, "tool_pairs": s.tool_pairs, "hits": s.hits,
                "numbers_gold": s.numbers_gold, "numbers_found": s.numbers_found, "numbers_false": s.numbers_false,
                "numbers_one_to_one": s.numbers_one_to_one} for s in scores]
    sys.stdout.write(json.dumps({**pooled(scores), "per_story": stories}, indent=2) + "\n")
    if problems:
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


@check_app.command("translation")
@handles_errors
def check_translation_command(
    source: Annotated[Path, typer.Option(help="The Arabic sentences, one a line.")],
    translation: Annotated[Path, typer.Option(help="Their English translations, line for line.")],
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="json (JSON Lines, one object a line) or md (the flagged lines).")] = CheckFormat.json,
) -> None:
    """Check each translated line against its source: numbers, names, negation, length, copying.

    JSON Lines out, one object per line: {"line": n, "flags": [{"check": ..., "detail": ...}]}. Flags are
    data: the exit code is 0 whether or not there are any.
    """
    sources, targets = _read_lines(source), _read_lines(translation)
    if len(sources) != len(targets):
        raise UsageError(f"{source} has {len(sources)} lines and {translation} {len(targets)}; give line-aligned files (one sentence a line)")
    glossary = load_glossary(Registry.load(settings_from()))
    results = [(n, check_translation(s, t, glossary)) for n, (s, t) in enumerate(zip(sources, targets), start=1)]
    if format is CheckFormat.json:
        sys.stdout.write("".join(json.dumps({"line": n, "flags": [f.to_dict() for f in flags]}, ensure_ascii=False) + "\n" for n, flags in results))
        return
    flagged = [(n, flags) for n, flags in results if flags]
    lines = [f"# Translation checks\n\n{len(flagged)} of {len(results)} lines flagged.\n"]
    if flagged:
        lines.append("| line | check | detail |\n|---:|---|---|")
        lines += [f"| {n} | {f.check} | {escape_md(f.detail)} |" for n, flags in flagged for f in flags]
    sys.stdout.write("\n".join(lines) + "\n")


@check_app.command("summary")
@handles_errors
def check_summary_command(
    paths: Paths,
    summary: Annotated[Path, typer.Option(help="The summary to check: Arabic text, sentences as written.")],
) -> None:
    """Check each sentence of a summary against the articles it summarises (read as for ingest).

    JSON Lines out, one object per summary sentence: {"sentence": n, "line", "text", "evidence": [{"article", "sentence",
    "text"}], "flags": [{"check", "detail"}]}. Evidence is the sentence of each article that says the same thing
    (alike, with its numbers and polarity); flags compare the sentence with it. Exit 0 whether or not there are flags.
    """
    settings = settings_from()
    found, problems = _read_articles(paths, settings)
    lines = _read_lines(summary)
    pool = candidates(found)
    sentences = [(c.article, c.position, c.text) for c in pool]
    vectors = [text_vector(c.text) for c in pool]
    texts = [a.text for a in found]
    actors = story_actors(texts)
    out_lines = []
    split = [(line_number, s) for line_number, line in enumerate(lines, start=1) for s in split_sentences(line) if s.strip()]
    for n, (line_number, sentence) in enumerate(split, start=1):
        evidence = find_evidence(sentence, sentences, vectors, actors)
        flags = check_claim(sentence, evidence, sentences, texts, vectors)
        out_lines.append(json.dumps({
            "sentence": n, "line": line_number, "text": sentence,
            "evidence": [{"article": found[e.article].id, "sentence": e.position, "text": e.text} for e in evidence],
            "flags": [f.to_dict() for f in flags],
        }, ensure_ascii=False))
    sys.stdout.write("".join(line + "\n" for line in out_lines))
    if problems:
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


def _read_lines(path: Path) -> list[str]:
    """A text file's lines (ended by \\n alone, as JSON Lines), without the final empty one."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path} ({getattr(exc, 'strerror', None) or exc}); give a UTF-8 text file") from exc
    lines = json_lines(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _read_gold(path: Path) -> dict[str, str]:
    labels: dict[str, str] = {}
    try:
        lines = json_lines(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read gold labels {path} ({exc.strerror or exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            labels[str(record["id"])] = str(record["story"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{number}: not a gold line like {{\"id\": ..., \"story\": ...}} ({exc})") from exc
    return labels


@app.command()
@handles_errors
def brief(
    paths: Annotated[Optional[list[str]], typer.Argument(metavar="PATH", help="Inputs (default: seeds/).")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for briefing-DATE.md and .json.")] = Path("results"),
    date: Annotated[Optional[datetime], typer.Option(formats=["%Y-%m-%d"], help="The briefing's date (default: its newest article's that is not after today, else today).")] = None,
    days: Annotated[int, typer.Option(min=1, help="Days the briefing covers, ending on its date; stories with no article from then are left out (a note says so).")] = 1,
    length: Annotated[str, typer.Option(help="Summary length: short, medium, long, or a number of sentences.")] = "medium",
    summarizer_name: Annotated[Optional[str], typer.Option("--summarizer", help="extractive (default), or a model name, Hub id or folder.")] = None,
    translator: Annotated[Optional[str], typer.Option(help="Model name, Hub id or folder (default: opus-mt-tc-big-ar-en).")] = None,
    store: Annotated[bool, typer.Option(help="Keep story ids across runs and mark new/updated stories (--no-store: this input alone).")] = True,
    pull_models: Annotated[bool, typer.Option("--pull", help="First download (and convert) the chosen models that are missing; without the network, a note, and the briefing as without them.")] = False,
    fetch: Annotated[bool, typer.Option("--fetch", help="Fetch the feeds first, then brief the archive's articles of the briefing's days (unless PATHs are given).")] = False,
    feeds: FeedsFile = None,
    archive: Archive = None,
    quiet: Quiet = False,
) -> None:
    """The daily briefing: stories ranked, summarised in Arabic and English, every sentence cited."""
    import time

    started = time.perf_counter()
    size = summary_length(length)
    settings = settings_from(summarizer=summarizer_name, translator=translator)
    if fetch:
        archive = archive or settings.archive_path
        _fetch(settings, feeds, archive, FetchOptions(), quiet)
        paths = paths or archive_inputs(archive, date.date() if date else None, days)
        if not paths:
            err.print(f"summarizer: nothing fetched into {archive} for the briefing's days")
            raise typer.Exit(EXIT_NO_INPUT)
    articles, problems = _read_articles(paths or ["seeds/"], settings)
    registry = Registry.load(settings)
    if pull_models:
        wanted = [registry.resolve(settings.translator, "translate")]
        if settings.summarizer not in (None, "extractive"):
            wanted.append(registry.resolve(settings.summarizer, "summarize"))
        for note in install_missing(registry, wanted):
            err.print(f"summarizer: note: {note}")
    with ResultCache(settings.cache_path, warn=_warn) as cache:
        briefing = build_briefing(articles, settings, registry, cache, size, date.date().isoformat() if date else None, days, store, _warn)
    for note in briefing.notes:
        err.print(f"summarizer: {note}")
    name = f"briefing-{briefing.date}"
    _write_report(out_dir, name, briefing_markdown(briefing), briefing_dict(briefing))
    seconds = time.perf_counter() - started
    # Timings change from run to run, so they live beside the briefing, which stays byte-identical.
    write_atomic(out_dir / f"{name}.run.json", json.dumps({"seconds": round(seconds, 2), "articles": len(articles), "stories": len(briefing.stories)}) + "\n")
    if not quiet:
        count = f"{len(briefing.stories)} stor{'y' if len(briefing.stories) == 1 else 'ies'}"
        err.print(f"summarizer: wrote {out_dir / name}.md and .json: {count} from {len(articles)} articles in {seconds:.1f} s")
    if problems:
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


def _write_report(out_dir: Path, name: str, markdown: str, data: dict) -> None:
    """Write NAME.md and NAME.json (the same content, machine-readable) into out_dir, never out of step."""
    write_together({out_dir / f"{name}.md": markdown, out_dir / f"{name}.json": json.dumps(data, ensure_ascii=False, indent=2) + "\n"})


@app.command()
@handles_errors
def compare(
    paths: Annotated[Optional[list[str]], typer.Argument(metavar="PATH", help="Inputs (default: seeds/).")] = None,
    story: Annotated[Optional[str], typer.Option(help="Story id (from `summarizer group` or a briefing); default: the story most outlets cover.")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for compare-STORY.md and .json.")] = Path("results"),
    translator: Annotated[Optional[str], typer.Option(help="Model name, Hub id or folder (default: opus-mt-tc-big-ar-en).")] = None,
    quiet: Quiet = False,
) -> None:
    """How outlets covered one story: shared facts, facts only one reports, differing numbers, quotes."""
    settings = settings_from(translator=translator)
    articles, problems = _read_articles(paths or ["seeds/"], settings)
    with ResultCache(settings.cache_path, warn=_warn) as cache:
        made = build_comparison(articles, settings, Registry.load(settings), cache, story, _warn)
    for note in made.notes:
        err.print(f"summarizer: {note}")
    chosen, notes = made.story, list(made.notes)
    _write_report(out_dir, f"compare-{chosen.id}", comparison_markdown(made.comparison, chosen.id, chosen.title, made.english, notes),
                  comparison_dict(made.comparison, chosen.id, chosen.title, made.english, notes))
    if not quiet:
        err.print(f"summarizer: wrote {out_dir}/compare-{chosen.id}.md and .json")
    if problems:
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


@app.command()
@handles_errors
def translate(
    paths: Paths,
    out_file: Annotated[Optional[Path], typer.Option("--out", help="A file for one article; a folder (one file an article) for several, or when it is one already. Default: standard output.")] = None,
    format: Annotated[TranslateFormat, typer.Option("--format", "-f", help="md, json (sentence alignment and checks) or txt.")] = TranslateFormat.md,
    bilingual: Annotated[bool, typer.Option(help="Markdown: each Arabic paragraph (right-to-left) above its English.")] = False,
    translator: Annotated[Optional[str], typer.Option(help="Model name, Hugging Face id or folder (default: opus-mt-tc-big-ar-en).")] = None,
    quiet: Quiet = False,
) -> None:
    """Translate articles into English: cleaned first, paragraphs kept, every sentence checked."""
    settings = settings_from()
    articles, problems = _read_articles(paths, settings)
    # Where the English goes is settled before any model runs: a folder for several articles (or named as one).
    folder = out_file if out_file and (len(articles) > 1 or out_file.is_dir() or str(out_file).endswith(os.sep)) else None
    if folder is not None and folder.exists() and not folder.is_dir():
        raise UsageError(f"--out {folder} is a file, and {len(articles)} articles go one file each into a folder; name a folder")
    if out_file and folder is None and out_file.is_dir():
        raise UsageError(f"--out {out_file} is a folder; name a file")
    registry = Registry.load(settings)
    manifest = registry.resolve(translator or settings.translator, "translate")
    with ResultCache(settings.cache_path, warn=_warn) as cache:
        docs = translate_articles(articles, registry, manifest, cache)
    for d in docs:
        if d.status not in ("translated", "passthrough"):
            err.print(f"summarizer: {d.article.source}: {d.status}")
    flagged = sum(len(d.flagged) for d in docs)
    if flagged:
        where = {TranslateFormat.md: "see the Checks section", TranslateFormat.json: "see each sentence's flags",
                 TranslateFormat.txt: "plain text has no room for them: --format md or json shows them"}[format]
        err.print(f"summarizer: {flagged} sentence(s) failed a check; {where}")
    if folder is not None:
        for name, doc in _file_names(docs, format.value):
            write_atomic(folder / name, _translation_document([doc], format, bilingual))
        if not quiet:
            err.print(f"summarizer: wrote {len(docs)} file(s) into {folder}")
    elif out_file:
        write_atomic(out_file, _translation_document(docs, format, bilingual))
    else:
        sys.stdout.write(_translation_document(docs, format, bilingual))
    if problems:
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


def _translation_document(docs: list, format: TranslateFormat, bilingual: bool) -> str:
    """Translated articles as one document in the chosen format."""
    if format is TranslateFormat.json:
        return json.dumps([d.to_dict() for d in docs] if len(docs) > 1 else docs[0].to_dict(), ensure_ascii=False, indent=2) + "\n"
    if format is TranslateFormat.txt:
        return "\n* * *\n\n".join(translation_text(d) for d in docs)  # each article opens with its title
    return "\n---\n\n".join(translation_markdown(d, bilingual) for d in docs)


def _file_names(docs: list, extension: str) -> list[tuple[str, object]]:
    """A file name for each translated article: its input's name (and JSON Lines line), else its id; never two alike."""
    named, taken = [], set()
    for doc in docs:
        source = doc.article.source
        stem = doc.article.id if source.path == "-" else Path(source.path).stem + (f"-{source.line}" if source.line else "")
        stem = re.sub(r"[^\w.-]+", "_", stem).strip("._") or doc.article.id
        name = f"{stem}.{extension}" if f"{stem}.{extension}" not in taken else f"{stem}-{doc.article.id}.{extension}"
        taken.add(name)
        named.append((name, doc))
    return named


@app.command("config")
@handles_errors
def show_config() -> None:
    """The settings a command would run with here, and where each comes from: default, config file, variable or option."""
    settings, source = Settings.explain(**_GLOBAL)
    path = config_file()
    found = "read" if path and path.exists() else "none there"
    table = Table(title=f"config file: {path} ({found})" if path else "config file: none (set SUMMARIZER_CONFIG)")
    for column in ("setting", "value", "from"):
        table.add_column(column, overflow="fold")
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        shown = _effective(settings, field.name) if field.name not in source else None
        table.add_row(field.name, shown or ("-" if value is None else str(value)), source.get(field.name, "default"))
    # Where fetch keeps pages and which feeds it reads: not settings of their own, but what a user looks for here.
    own_feeds = user_list(settings.home)
    table.add_row("archive", str(settings.archive_path), "home (fetch --archive DIR for another)")
    table.add_row("feeds", str(own_feeds) if own_feeds.exists() else "the bundled list (summarizer/data/feeds.toml)",
                  "home" if own_feeds.exists() else "default (summarizer feeds import FILE.opml for your own)")
    out().print(table)


def _effective(settings: Settings, name: str) -> str | None:
    """What a setting left at its default does in effect here, where the bare value ("-", 0) would not say."""
    if name == "translator":
        return f"{Registry.load(settings).default('translate').name} (the shipped default)"
    return {
        "summarizer": "extractive (no model; --summarizer NAME for one)",
        "threads": f"0: the engine decides (this machine: {usable_cores()} cores)",
        "workers": "0: 2 on CPU when threads allow",
        "beams": "- (each model's own, from its manifest)",
        "outlets_file": "- (the shipped outlets list only)",
    }.get(name)


@eval_app.command("translation")
@handles_errors
def eval_translation(
    src: Annotated[Path, typer.Option(help="Arabic source, one segment a line.")],
    ref: Annotated[Path, typer.Option(help="English reference, line-aligned with --src.")],
    translator: Annotated[Optional[str], typer.Option(help="Model name, Hugging Face id or folder.")] = None,
    limit: Annotated[Optional[int], typer.Option(help="Score only the first N lines.")] = None,
) -> None:
    """sacreBLEU BLEU and chrF (with signatures) of the translation pipeline on a line-aligned test set."""
    settings = settings_from()
    sources = _read_lines(src)[:limit]
    references = _read_lines(ref)[:limit]
    if len(sources) != len(references):
        raise InputError(f"{src} has {len(sources)} lines but {ref} has {len(references)}; give line-aligned files")
    registry = Registry.load(settings)
    manifest = registry.resolve(translator or settings.translator, "translate")
    with ResultCache(settings.cache_path, warn=_warn) as cache:
        hypotheses = translate_lines(sources, registry, manifest, cache)
    result = {"model": manifest.name, "revision": manifest.revision, "lines": len(sources), **bleu_chrf(hypotheses, references)}
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


@eval_app.command("summaries")
@handles_errors
def eval_summaries(
    gold: Annotated[Path, typer.Option(help="JSONL records with text and a reference summary, like bbc_arabic_dev150.jsonl.")],
    summarizer_name: Annotated[str, typer.Option("--summarizer", help="extractive (model-free), or a model name, Hub id or folder.")] = "extractive",
    length: Annotated[str, typer.Option(help="short, medium, long, or a number of sentences.")] = "1",
) -> None:
    """ROUGE-1/2/L F1 of the summaries against the reference `summary` field (Arabic-aware tokenizer)."""
    size = summary_length(length)
    settings = settings_from()
    registry = Registry.load(settings)
    if summarizer_name != "extractive":
        registry.require(registry.resolve(summarizer_name, "summarize"))  # scoring a fallback would mislead
    references = {}
    for number, line in enumerate(_read_lines(gold), start=1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a blank or broken line: reading the articles below reports a broken one, once
        if isinstance(record, dict):
            references[str(record.get("id", number))] = record.get("summary") or ""
    articles, problems = _read_articles([str(gold)], settings)
    with ResultCache(settings.cache_path, warn=_warn) as cache:
        predictions = [summarize_story([a], registry, summarizer_name, size, cache).text for a in articles]
    scores = rouge(predictions, [references.get(a.id, "") for a in articles])
    result = {**scores, "articles": len(articles), "summarizer": summarizer_name, "length": length, "tokenizer": ROUGE_TOKENIZER}
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    if problems:
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


_POLITE = FetchOptions().politeness


@app.command()
@handles_errors
def fetch(
    feeds: FeedsFile = None,
    archive: Archive = None,
    max_per_feed: Annotated[int, typer.Option(min=1, metavar="N", help="New pages a feed may add in one run.")] = FetchOptions.max_per_feed,
    since: Annotated[Optional[datetime], typer.Option(formats=["%Y-%m-%d"], metavar="DATE", help="Pass over items a feed dates before this day.")] = None,
    delay: Annotated[float, typer.Option(min=0, metavar="SECONDS", help="Pause between two requests to one host (a robots.txt Crawl-delay can lengthen it).")] = _POLITE.delay,
    timeout: Annotated[float, typer.Option(min=0.1, metavar="SECONDS", help="Give up on a server silent this long.")] = _POLITE.timeout,
    retries: Annotated[int, typer.Option(min=0, metavar="N", help="Tries after a 429, a 5xx, a timeout or a refused connection (with backoff; Retry-After honoured).")] = _POLITE.retries,
    quiet: Quiet = False,
) -> None:
    """Fetch the outlets' new articles from their feeds into a web archive (WARC), politely; `ingest` reads it."""
    settings = settings_from()
    politeness = dataclasses.replace(_POLITE, delay=delay, timeout=timeout, retries=retries)
    options = FetchOptions(max_per_feed, since.date() if since else None, politeness)
    result = _fetch(settings, feeds, archive or settings.archive_path, options, quiet)
    if result.feeds_failed or result.pages_failed:
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


def _web_offline() -> str | None:
    """Why the web may not be used: --offline, SUMMARIZER_OFFLINE or the config file's offline (None when none says
    so). HF_HUB_OFFLINE and TRANSFORMERS_OFFLINE keep only the model hub offline, not the outlets' feeds."""
    hub_free = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    settings, source = Settings.explain(hub_free, **{k: v for k, v in _GLOBAL.items() if v is not None})
    return source.get("offline", "offline") if settings.offline else None


def _fetch(settings: Settings, feeds: Path | None, archive: Path, options: FetchOptions, quiet: bool) -> FetchReport:
    """Fetch into archive, each failure one line as it comes, and a closing line unless quiet."""
    why = _web_offline()
    if why:
        raise UsageError(f"fetching needs the network, and this run is offline ({why}); drop it to fetch")
    feed_list, where = load_feeds(feeds, settings.home)
    if not quiet:
        err.print(f"summarizer: fetching {len(feed_list)} feeds from {where} into {archive}")
    result = fetch_feeds(feed_list, archive, options, report, _warn)
    if not quiet:
        written = f"; wrote {result.archive_file}" if result.archive_file else ""
        err.print(f"summarizer: {result.line()}{written}")
    return result


@feeds_app.command("list")
@handles_errors
def feeds_list(feeds: FeedsFile = None) -> None:
    """The feeds `fetch` reads: outlet, region, section, kind and address."""
    feed_list, where = load_feeds(feeds, settings_from().home)
    table = Table(title=f"{len(feed_list)} feeds of {len({f.outlet for f in feed_list})} outlets, from {where}")
    for column in ("outlet", "region", "section", "kind", "address"):
        table.add_column(column, overflow="fold")
    for feed in feed_list:
        table.add_row(feed.outlet, feed.region, feed.section, feed.kind, feed.url)
    out().print(table)


@feeds_app.command("check")
@handles_errors
def feeds_check(
    feeds: FeedsFile = None,
    timeout: Annotated[float, typer.Option(min=1, metavar="SECONDS", help="Seconds to wait for each feed.")] = 20.0,
) -> None:
    """Ask every feed once and say which answer, which moved (and where) and which are dead. Needs the network."""
    settings = settings_from()
    why = _web_offline()
    if why:
        raise UsageError(f"checking feeds needs the network, and this run is offline ({why}); drop it to check")
    feed_list, _ = load_feeds(feeds, settings.home)
    politeness = dataclasses.replace(_POLITE, timeout=timeout, retries=1)
    table = Table(title="feeds")
    for column in ("outlet", "verdict", "detail", "address"):
        table.add_column(column, overflow="fold")
    bad = 0
    for number, (feed, (verdict, detail)) in enumerate(check_feed(feed_list, politeness), start=1):
        bad += verdict != "ok"
        table.add_row(feed.outlet, verdict, detail, feed.url)
        listening_report("checking feeds", number, len(feed_list))
    out().print(table)
    if bad:
        err.print(f"summarizer: {bad} of {len(feed_list)} feeds need attention; fix the list (summarizer feeds export, edit, --feeds)")
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


@feeds_app.command("import")
@handles_errors
def feeds_import(
    opml: Annotated[Path, typer.Argument(metavar="FILE", help="An OPML file exported from a feed reader.")],
    to: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Where to write the TOML list (default: $SUMMARIZER_HOME/feeds.toml, which fetch then reads).")] = None,
) -> None:
    """Turn a feed reader's OPML export into the TOML list fetch reads."""
    try:
        data = opml.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {opml} ({exc.strerror or exc}); check the path") from exc
    feed_list = read_opml(data, str(opml))
    target = to or user_list(settings_from().home)
    write_atomic(target, to_toml(feed_list))
    err.print(f"summarizer: wrote {len(feed_list)} feeds of {len({f.outlet for f in feed_list})} outlets to {target}")


@feeds_app.command("export")
@handles_errors
def feeds_export(
    feeds: FeedsFile = None,
    to: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Write the OPML here instead of standard output.")] = None,
) -> None:
    """The feed list as OPML, for a feed reader (Miniflux, FreshRSS, NewsBlur…) to import."""
    feed_list, _ = load_feeds(feeds, settings_from().home)
    if to is None:
        sys.stdout.write(to_opml(feed_list))
    else:
        write_atomic(to, to_opml(feed_list))


@models_app.command("list")
@handles_errors
def models_list() -> None:
    """Known models: task, licence, size, installed or not, converted or not. Works offline."""
    registry = Registry.load(settings_from())
    table = Table(title=f"models in {registry.settings.home / 'models'}")
    for column in ("name", "task", "licence", "size", "installed", "converted", "source"):
        table.add_column(column, overflow="fold")
    for row in statuses(registry):
        m = row.manifest
        size = f"{row.size_mb:,.0f} MB" if row.size_mb else "?"
        # Installed: where its weights came from (an imported folder shows its fingerprint); else what pull would get.
        source = registry.provenance(m)[1] if row.installed else f"{m.hf_id}@{m.revision[:12]}" if m.hf_id else "a folder: models import"
        table.add_row(m.name + (" (default)" if m.default else ""), m.task, m.licence, size, _yes(row.installed), row.converted, source)
    out().print(table)


@models_app.command("pull")
@handles_errors
def models_pull(name: Annotated[str, typer.Argument(metavar="NAME", help="A model name from `summarizer models list`, or a Hugging Face id.")]) -> None:
    """Download a model's pinned revision into the model store (with fetch and feeds check, the only commands that use the network)."""
    registry = Registry.load(settings_from())
    manifest = registry.resolve(name, "translate")
    if not registry.settings.offline:
        err.print(f"summarizer: downloading {manifest.hf_id}@{manifest.revision} (about {manifest.size_mb or '?'} MB)")
    print(pull(registry, manifest))
    _say_if_stale(registry, manifest)


@models_app.command("import")
@handles_errors
def models_import(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The model name (or Hugging Face id) to register it under.")],
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A model folder copied from elsewhere (config.json, *.safetensors, tokenizer).")],
    task: Annotated[Optional[TaskChoice], typer.Option(help="What a model under a new name is for (a known model's manifest says it).")] = None,
) -> None:
    """Register a model folder copied from elsewhere: the offline way to install a model.

    Under a known name (`models list`) it installs that model; under any other name, a manifest is written for it
    ($SUMMARIZER_HOME/manifests/NAME.toml), its kind read from the folder's config.json.
    """
    registry = Registry.load(settings_from())
    if not folder.is_dir():
        raise UsageError(f"no such folder: {folder}")
    known = name in registry.manifests or any(m.hf_id == name for m in registry.manifests.values()) or Path(name).expanduser().is_dir()
    manifest = registry.resolve(name, "translate") if known else register_folder(registry, name, folder, (task or TaskChoice.translate).value)
    print(import_model(registry, manifest, folder))
    _say_if_stale(registry, manifest)


@models_app.command("convert")
@handles_errors
def models_convert(
    name: Annotated[str, typer.Argument(metavar="NAME", help="An installed model (name or folder).")],
    quantization: Annotated[str, typer.Option(help="int8 (CPU), int8_float16 or float16 (GPU).")] = "int8",
) -> None:
    """Make the CTranslate2 version of an installed model (used automatically from then on)."""
    registry = Registry.load(settings_from())
    print(convert(registry, registry.resolve(name, "translate"), quantization))


@models_app.command("verify")
@handles_errors
def models_verify(
    name: Annotated[str, typer.Argument(metavar="NAME", help="An installed model (name or folder).")],
    text: Annotated[Optional[str], typer.Option(help="The input to try (default: one Arabic news sentence).")] = None,
) -> None:
    """Check a model's files against what its pull downloaded, load it and run one input: prints whether the files
    match, the engine (device, precision), load time and output; exit code 1 when the files differ."""
    registry = Registry.load(settings_from())
    manifest = registry.resolve(name, "translate")
    same, files = check_files(registry, manifest)
    print(f"{manifest.name}: {files}")
    seconds, where, output = verify(registry, manifest, text)
    print(f"{manifest.name}: loaded with {where} in {seconds:.2f} s")
    print(output)
    if same is False:
        raise typer.Exit(EXIT_SOME_INPUTS_BAD)


def _say_if_stale(registry: Registry, manifest: Manifest) -> None:
    if registry.conversion(manifest)[1] == "stale":
        _warn(f"the CTranslate2 conversion of {manifest.name} was made from the weights this replaced, so it is not used; "
              f"to fix: summarizer models convert {registry.spec(manifest)}")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _story_table(stories: list[Story]) -> Table:
    table = Table(title=f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'}")
    for column in ("story", "status", "articles", "outlets", "title"):
        table.add_column(column, overflow="fold")
    for s in stories:
        table.add_row(s.id, s.status, str(len(s.articles)), ", ".join(s.outlets) or "unknown", s.title)
    return table


def _article_table(articles: list[Article]) -> Table:
    table = Table(title=f"{len(articles)} article(s)")
    for column in ("id", "outlet", "published", "lang", "paras", "words", "title", "source"):
        table.add_column(column, overflow="fold")
    for a in articles:
        table.add_row(
            a.id,
            a.outlet or "unknown",
            a.published or "-",
            a.language,
            str(len(a.paragraphs)),
            str(len(a.text.split())),
            a.title or "(no headline)",
            str(a.source),
        )
    return table


def main() -> None:
    """Console-script entry point."""
    app()
