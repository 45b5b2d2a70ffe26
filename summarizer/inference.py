"""Running installed models: loaded once, inputs fitted and batched, outputs kept in the result cache batch by batch."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from summarizer.backends import Generation, generate, identity, load_backend
from summarizer.cache import ResultCache, cache_key
from summarizer.errors import ModelMissingError, SummarizerError
from summarizer.progress import report, step
from summarizer.registry import Manifest, Registry

SAMPLES = {
    "translate": "وصل الرئيس الروسي فلاديمير بوتين إلى بيونغ يانغ في أول زيارة له منذ 24 عاما.",
    "summarize": "وصل الرئيس الروسي فلاديمير بوتين إلى بيونغ يانغ في أول زيارة له منذ 24 عاما، ووقع مع "
    "الزعيم الكوري الشمالي كيم جونغ أون اتفاق شراكة استراتيجية شاملة.",
}


def verify(registry: Registry, manifest: Manifest, text: str | None = None) -> tuple[float, str, str]:
    """Load the model and run one sentence: (load seconds, engine with device and precision, output)."""
    start = time.perf_counter()
    backend = _backend(registry, manifest)
    loaded = time.perf_counter() - start
    sample = text or SAMPLES[manifest.task]
    params = dict(manifest.generation, max_new_tokens=min(64, int(manifest.generation.get("max_new_tokens", 64))))
    (output,) = generate(backend, [backend.chat(sample)], params, registry.settings.batch_tokens)
    return loaded, backend.describe(), output.text


def input_budget(registry: Registry, manifest: Manifest) -> tuple[Callable[[str], int], int]:
    """The function that counts a model's input tokens for a prompt, and how many it takes (loads the model, once)."""
    backend = _backend(registry, manifest)
    return (lambda text: backend.count_tokens(backend.chat(text))), backend.max_input_tokens


def run_model(
    stage: str, registry: Registry, manifest: Manifest, inputs: list[str], cache: ResultCache | None = None, **overrides: object
) -> list[Generation]:
    """Model outputs for inputs, in order: from the cache where present, the rest generated and stored."""
    settings = registry.settings
    params = dict(manifest.generation)
    if settings.beams is not None:
        params["num_beams"] = settings.beams
    params.update({k: v for k, v in overrides.items() if v is not None})
    # The fingerprint, not the manifest's revision: new weights under the same name are a different model.
    fingerprint = registry.fingerprint(manifest)
    converted, quantization = registry.conversion(manifest)
    engine = identity(manifest, settings, converted, quantization)
    keys = [cache_key(stage, manifest.name, fingerprint, engine, params, text) for text in inputs]
    found = cache.get_many(keys) if cache else {}
    todo = sorted({key: text for key, text in zip(keys, inputs) if key not in found}.items())
    if todo:
        with step(f"loading {manifest.name}"):
            backend = _load(registry, manifest, converted)
        label = {"translate": "translating", "summarize": "summarising"}.get(stage, stage) + f" with {manifest.name}"
        finished = 0
        report(label, 0, len(todo))

        def keep(done: dict[int, Generation]) -> None:
            # Stored batch by batch: a run killed halfway keeps what it finished, and the rerun starts from there.
            nonlocal finished
            fresh = {todo[i][0]: {"text": out.text, "pieces": out.pieces} for i, out in done.items()}
            if cache:
                cache.put_many(stage, manifest.name, fresh)
            found.update(fresh)
            finished += len(done)
            report(label, finished, len(todo))

        generate(backend, [backend.chat(text) for _, text in todo], params, settings.batch_tokens, finished=keep)
    return [Generation(found[key]["text"], found[key].get("pieces", 1)) for key in keys]


def _backend(registry: Registry, manifest: Manifest):
    """The installed model, loaded once per process: through its CTranslate2 conversion when a current one exists."""
    return _load(registry, manifest, registry.conversion(manifest)[0])


def _load(registry: Registry, manifest: Manifest, converted: Path | None):
    """The installed model through the given conversion (None: without one); one clear error when it does not load."""
    folder = registry.require(manifest)
    try:
        return load_backend(manifest, folder, registry.settings, converted)
    except SummarizerError:
        raise
    except Exception as exc:  # a broken folder fails inside transformers or CTranslate2, as TypeError, OSError, ValueError…
        cause = (str(exc).strip().splitlines() or [""])[0] or "no message"
        spec = registry.spec(manifest)
        if converted:  # the CTranslate2 load reads the conversion (and the tokenizer from the model's own folder)
            fix = f"summarizer models convert {spec} again, or run without the conversion: SUMMARIZER_USE_CTRANSLATE2=0"
        elif manifest.local_dir:
            fix = "check the folder"
        else:
            fix = f"summarizer models import {spec} DIR (a complete copy), or summarizer models pull {spec}"
        raise ModelMissingError(f"{spec} cannot be loaded from {converted or folder} ({type(exc).__name__}: {cause})", fix) from exc
