"""The only package that imports torch, transformers or ctranslate2 (lazily, on first load), or talks to a model server."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from summarizer.backends.base import Backend, Generation, generate
from summarizer.errors import ConfigError
from summarizer.registry import Manifest
from summarizer.settings import Settings

__all__ = ["ENGINES", "Backend", "Generation", "engine_for", "generate", "identity", "load_backend", "resolve", "uses_ctranslate2", "uses_vmap"]

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


@dataclass(frozen=True)
class Engine:
    """One way a model runs: the module that loads it (its load(manifest, model_dir, converted_dir, settings)), and
    what, besides the model and its weights, changes its outputs: the result cache's key names it."""

    module: str
    identity: Callable[[Settings, Path | None, str], str]  # (settings, conversion folder, its quantization) -> key text
    reads_files: bool = True  # its model is a folder on this machine (reloaded when the files change)


def _transformers_identity(settings: Settings, converted: Path | None, quantization: str) -> str:
    device, precision = resolve(settings, ct2=False)
    return f"transformers {precision} {device}"


def _ctranslate2_identity(settings: Settings, converted: Path | None, quantization: str) -> str:
    device, precision = resolve(settings, ct2=True)
    # CTranslate2 reads this itself; other CPU kernels round differently, enough to flip nearly tied beams (README).
    isa = os.environ.get("CT2_FORCE_CPU_ISA", "") if device == "cpu" else ""
    vmap = "vmap" if uses_vmap(settings, converted) else ""  # outputs limited to the target language's pieces
    return " ".join(filter(None, ("ctranslate2", quantization, precision, device, isa, vmap)))


# Every engine, by the name engine_for gives. Adding one: a module with load(), and a line here (and its name in
# registry.ENGINES when manifests may ask for it by name).
ENGINES: dict[str, Engine] = {
    "transformers": Engine("summarizer.backends.hf", _transformers_identity),
    "ctranslate2": Engine("summarizer.backends.ct2", _ctranslate2_identity),
    "openai": Engine("summarizer.backends.server", lambda settings, converted, quantization: "openai-compatible server", reads_files=False),
}


def engine_for(manifest: Manifest, settings: Settings, converted_dir: Path | None) -> str:
    """The engine that runs a model: the manifest's own (a server), else, for weights on this machine, CTranslate2
    when a current conversion is present and the settings allow it, else transformers."""
    if manifest.engine != "local":
        return manifest.engine
    return "ctranslate2" if uses_ctranslate2(settings, converted_dir) else "transformers"


def identity(manifest: Manifest, settings: Settings, converted_dir: Path | None, quantization: str) -> str:
    """What will run the model, as far as it changes the outputs, known without loading the model.

    "auto" is decided here as the engine will decide it, since one machine can run a model on its GPU one day and on
    its CPU the next (CUDA_VISIBLE_DEVICES, a driver update), in another precision. On a machine with a GPU, asking
    costs a cache hit the engine's import: a tenth of a second for CTranslate2, seconds for torch.
    """
    return ENGINES[engine_for(manifest, settings, converted_dir)].identity(settings, converted_dir, quantization)


def load_backend(manifest: Manifest, model_dir: Path, settings: Settings, converted_dir: Path | None = None) -> Backend:
    """Load a model once per process (again when its files change), on the engine engine_for names."""
    name = engine_for(manifest, settings, converted_dir)
    engine = ENGINES[name]
    if settings.device == "cuda" and engine.reads_files and not _sees_cuda(name == "ctranslate2"):
        label = "CTranslate2" if name == "ctranslate2" else "torch"
        raise ConfigError(f"device cuda (--device or SUMMARIZER_DEVICE): {label} finds no CUDA device on this machine; use auto or cpu")
    # The whole manifest, not its name: its kind and limits are the loaded backend's.
    key = (repr(manifest), str(model_dir), name, settings.device, settings.dtype, settings.compute_type, settings.threads, settings.workers,
           settings.use_vmap)
    # New weights imported, pulled or converted into the same folders while this process runs replace the model
    # loaded from the old ones, which would otherwise go on answering, and be cached, under the new weights' name.
    stamp = _stamp(model_dir, converted_dir if name == "ctranslate2" else None) if engine.reads_files else ()
    if key not in _LOADED or _LOADED[key][0] != stamp:
        _LOADED.pop(key, None)  # let the old model go before the new one loads
        _LOADED[key] = stamp, importlib.import_module(engine.module).load(manifest, model_dir, converted_dir, settings)
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
