"""Arabic → English, sentence by sentence: paragraphs kept, every sentence checked, nothing translated twice."""

from __future__ import annotations

from summarizer.arabic import count_letters, detect_language, normalize, split_sentences
from summarizer.cache import ResultCache
from summarizer.errors import ModelMissingError
from summarizer.faithfulness import Glossary, check_sentence
from summarizer.inference import run_model
from summarizer.records import Article, SentencePair, TranslatedArticle
from summarizer.registry import MANIFESTS, Manifest, Registry

TRANSLATABLE = {"ar"}


def load_glossary(registry: Registry) -> Glossary:
    """The shipped glossary, then the user's ($SUMMARIZER_HOME/glossary.tsv), which wins."""
    return Glossary.load(MANIFESTS / "glossary.tsv", registry.settings.home / "glossary.tsv")


def installed_translator(registry: Registry) -> tuple[Manifest, str | None]:
    """The chosen translator, and None if it is installed, else a note naming the command that installs it."""
    manifest = registry.resolve(registry.settings.translator, "translate")
    try:
        registry.require(manifest)
    except ModelMissingError as missing:
        return manifest, f"no English: the translator is missing ({missing})"
    return manifest, None


def translate_sentences(
    sentences: list[str], registry: Registry, manifest: Manifest, cache: ResultCache | None, glossary: Glossary, params: dict | None = None
) -> list[SentencePair]:
    """Translations of sentences in order; each distinct sentence goes to the model once."""
    unique = list(dict.fromkeys(normalize(s) for s in sentences))
    first = {}
    for s in sentences:
        first.setdefault(normalize(s), s)
    template = manifest.prompt_text()  # a chat model is asked in words; a translation model reads the sentence itself
    inputs = [template.replace("{text}", first[k]) if template else first[k] for k in unique]  # not format: braces in text
    outputs = dict(zip(unique, run_model("translate", registry, manifest, inputs, cache, **(params or {}))))
    pairs = []
    for sentence in sentences:
        out = outputs[normalize(sentence)]
        target, glossary_flags = glossary.apply(sentence, out.text)
        flags = check_sentence(sentence, target) + glossary_flags
        if out.pieces > 1:
            flags.append(f"split into {out.pieces} parts to fit the model")
        pairs.append(SentencePair(sentence, target, tuple(flags), out.pieces))
    return pairs


def translate_articles(
    articles: list[Article], registry: Registry, manifest: Manifest, cache: ResultCache | None, params: dict | None = None
) -> list[TranslatedArticle]:
    """English versions of articles: Arabic translated, English passed through, other languages reported.

    params override the manifest's generation settings (benchmarks force output lengths with them).
    """
    glossary = load_glossary(registry)
    todo: list[str] = []
    layouts = []
    for article in articles:
        paragraphs = [split_sentences(p) for p in article.paragraphs]
        title = [article.title] if article.title else []
        layouts.append((title, paragraphs))
        if article.language in TRANSLATABLE:
            todo += title + [s for para in paragraphs for s in para]
    translated = iter(translate_sentences(todo, registry, manifest, cache, glossary, params)) if todo else iter(())
    results = []
    for article, (title, paragraphs) in zip(articles, layouts):
        if article.language in TRANSLATABLE:
            head = next(translated) if title else None
            body = tuple(tuple(next(translated) for _ in para) for para in paragraphs)
            results.append(TranslatedArticle(article, head, body, "translated", manifest.name, manifest.revision))
            continue
        status = "passthrough" if article.language == "en" else f"not translated: language '{article.language}' is not Arabic"
        keep = tuple(tuple(SentencePair(s, s if article.language == "en" else "") for s in para) for para in paragraphs)
        head = SentencePair(title[0], title[0] if article.language == "en" else "") if title else None
        results.append(TranslatedArticle(article, head, keep, status))
    return results


def translate_or_note(texts: list[str], registry: Registry, cache: ResultCache | None) -> tuple[Manifest, list[SentencePair] | None, str | None]:
    """The chosen translator and the texts' translations in order, or None and the note that says why there is no English."""
    manifest, missing = installed_translator(registry)
    if missing:
        return manifest, None, missing
    languages = [_language(text) for text in texts]
    arabic = [text for text, language in zip(texts, languages) if language in TRANSLATABLE]
    try:
        translated = iter(translate_sentences(arabic, registry, manifest, cache, load_glossary(registry)) if arabic else ())
    except ModelMissingError as broken:  # installed, but it does not load
        return manifest, None, f"no English: the translator failed ({broken})"
    # English passes through as translate does; another language is shown as it is and said to be untranslated.
    return manifest, [next(translated) if language in TRANSLATABLE else SentencePair(text, text) if language == "en"
                      else SentencePair(text, text, (f"not translated: the text is in '{language}', not Arabic",))
                      for text, language in zip(texts, languages)], None


def _language(text: str) -> str:
    """A short text's language for translation: as detected, and when undecided, Arabic or English by its letters."""
    language = detect_language(text)
    if language != "und":
        return language
    arabic, latin = count_letters(text)
    return "en" if latin > arabic else "ar"


def english_of(texts: list[str], registry: Registry, cache: ResultCache | None) -> tuple[dict[str, str], str | None]:
    """English for each text (keyed by the text), or nothing and the note that says why there is none."""
    _, pairs, missing = translate_or_note(list(dict.fromkeys(texts)), registry, cache)
    return {p.source: p.target for p in pairs or ()}, missing


def translate_lines(lines: list[str], registry: Registry, manifest: Manifest, cache: ResultCache | None) -> list[str]:
    """One translation per line of a line-aligned test set, through the same sentence pipeline."""
    glossary = Glossary([])  # scores must measure the model and the pipeline, not our name choices
    per_line = [split_sentences(line) or [line] for line in lines]
    pairs = iter(translate_sentences([s for sentences in per_line for s in sentences], registry, manifest, cache, glossary))
    return [" ".join(next(pairs).target for _ in sentences) for sentences in per_line]
