"""The only package that imports torch, transformers or ctranslate2 (lazily, on first load)."""

from __future__ import annotations

from pathlib import Path

from summarizer.backends.base import Backend, Generation, generate
from summarizer.registry import Manifest
from summarizer.settings import Settings

__all__ = ["Backend", "Generation", "generate", "load_backend", "uses_ctranslate2"]

_LOADED: dict[tuple, Backend] = {}


def uses_ctranslate2(settings: Settings, converted_dir: Path | None) -> bool:
    """True when a model runs on CTranslate2: a conversion is present and the settings allow it."""
    return settings.use_ctranslate2 and converted_dir is not None and (converted_dir / "model.bin").exists()


def load_backend(manifest: Manifest, model_dir: Path, settings: Settings, converted_dir: Path | None = None) -> Backend:
    """Load a model once per process: CTranslate2 when a conversion is present (and allowed), else transformers."""
    use_ct2 = uses_ctranslate2(settings, converted_dir)
    key = (manifest.name, str(model_dir), use_ct2, settings.device, settings.dtype, settings.compute_type, settings.threads, settings.workers)
    if key not in _LOADED:
        if use_ct2:
            from summarizer.backends.ct2 import load as load_ct2

            _LOADED[key] = load_ct2(manifest, model_dir, converted_dir, settings)
        else:
            from summarizer.backends.hf import load as load_hf

            _LOADED[key] = load_hf(manifest, model_dir, settings)
    return _LOADED[key]
