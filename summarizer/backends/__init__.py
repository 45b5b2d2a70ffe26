"""The only package that imports torch, transformers or ctranslate2 (lazily, on first load), or talks to a model server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from summarizer.backends.base import Backend, Generation, generate
from summarizer.errors import ConfigError
from summarizer.registry import Manifest
from summarizer.settings import Settings

__all__ = ["Backend", "Generation", "generate", "load_backend", "resolve", "uses_ctranslate2", "uses_vmap"]

VMAP = "vmap.txt"  # in a conversion: CTranslate2's vocabulary map (see ct2.target_pieces)
_LOADED: dict[tuple, tuple[tuple, Backend]] = {}  # (settings…) -> (the files' stamp, the model)
# What a GPU is reached through on Linux: NVIDIA's driver (nvidia*), Jetson's (nvhost*, nvmap), WSL2 (dxg), ROCm (kfd).
_GPU_DEVICE_FILES = ("nvidia", "nvhost", "nvmap", "dxg", "kfd")


def uses_ctranslate2(settings: Settings, converted_dir: Path | None) -> bool:
    """True when a model runs on CTranslate2: a conversion is present and the settings allow it."""
    return settings.use_ctranslate2 and converted_dir is not None and (converted_dir / "model.bin").exists()


def uses_vmap(settings: Settings, converted_dir: Path | None) -> bool:
    """True when CTranslate2 scores only the target language's pieces: the conversion lists them, the settings allow it."""
    return uses_ctranslate2(settings, converted_dir) and settings.use_vmap and (converted_dir / VMAP).exists()


def resolve(settings: Settings, ct2: bool) -> tuple[str, str]:
    """(device, precision) a model runs with on this engine: the settings, with "auto" decided as the engine sees it."""
    device = settings.device
    if device == "auto":
        device = "cuda" if _sees_cuda(ct2) else "cpu"
    precision = settings.compute_type if ct2 else settings.dtype
    if precision == "auto":
        # Half precision on a GPU (for CTranslate2 float16 ran 1.2-1.4x faster than int8_float16 there, at 1.1-1.3x
        # its GPU memory: bench/translate_speed.py --device cuda); on CPU int8 for CTranslate2, float32 for transformers.
        precision = "float16" if device == "cuda" else "int8" if ct2 else "float32"
    return device, precision


def _sees_cuda(ct2: bool) -> bool:
    """Whether the engine finds a CUDA device (asking imports it: ctranslate2 in a tenth of a second, torch in seconds)."""
    if _no_gpu_device_files():  # no engine can find one: spares a cache hit on a CPU machine torch's import
        return False
    if ct2:
        import ctranslate2

        return ctranslate2.get_cuda_device_count() > 0
    import torch

    return torch.cuda.is_available()


def _no_gpu_device_files() -> bool:
    """True on Linux when /dev holds none of the files any GPU driver is reached through."""
    if sys.platform != "linux":
        return False
    try:
        return not any(name.startswith(_GPU_DEVICE_FILES) for name in os.listdir("/dev"))
    except OSError:
        return False


def load_backend(manifest: Manifest, model_dir: Path, settings: Settings, converted_dir: Path | None = None) -> Backend:
    """Load a model once per process (again when its files change): CTranslate2 when a conversion is present (and
    allowed), else transformers; a server's model is the server's to hold."""
    if manifest.engine == "openai":
        from summarizer.backends.server import load as load_server

        return load_server(manifest, settings)
    use_ct2 = uses_ctranslate2(settings, converted_dir)
    if settings.device == "cuda" and not _sees_cuda(use_ct2):
        engine = "CTranslate2" if use_ct2 else "torch"
        raise ConfigError(f"device cuda (--device or SUMMARIZER_DEVICE): {engine} finds no CUDA device on this machine; use auto or cpu")
    # The whole manifest, not its name: its kind and limits are the loaded backend's.
    key = (repr(manifest), str(model_dir), use_ct2, settings.device, settings.dtype, settings.compute_type, settings.threads, settings.workers,
           settings.use_vmap)
    # New weights imported, pulled or converted into the same folders while this process runs replace the model
    # loaded from the old ones, which would otherwise go on answering, and be cached, under the new weights' name.
    stamp = _stamp(model_dir, converted_dir if use_ct2 else None)
    if key not in _LOADED or _LOADED[key][0] != stamp:
        _LOADED.pop(key, None)  # let the old model go before the new one loads
        if use_ct2:
            from summarizer.backends.ct2 import load as load_ct2

            _LOADED[key] = stamp, load_ct2(manifest, model_dir, converted_dir, settings)
        else:
            from summarizer.backends.hf import load as load_hf

            _LOADED[key] = stamp, load_hf(manifest, model_dir, settings)
    return _LOADED[key][1]


def _stamp(*folders: Path | None) -> tuple:
    """The files in folders as the system sees them (name, size, time, inode: a replaced file differs even when
    copied with its time), read without opening any."""
    return tuple(
        (path.name, stat.st_size, stat.st_mtime_ns, stat.st_ino)
        for folder in folders
        if folder is not None
        for path in sorted(folder.iterdir())
        if path.is_file()
        for stat in [path.stat()]
    )
