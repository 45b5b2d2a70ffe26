"""The one place settings are decided: defaults, then the config file, then environment, then command-line options."""

from __future__ import annotations

import json
import math
import os
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from summarizer.errors import ConfigError

MB = 1024 * 1024


def _path(value: str) -> Path:
    return Path(value).expanduser()


_YES, _NO = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in _YES


def _yes_no(value: str) -> bool:
    """A switch of ours: a value that is neither yes nor no is a mistake to report, not to read as no."""
    if value.strip().lower() not in _YES | _NO:
        raise ValueError(value)
    return _flag(value)


# Each SUMMARIZER_* variable (when set and not empty): the setting it sets and how its value is read.
_FROM_ENV = {
    "SUMMARIZER_HOME": ("home", _path),
    "SUMMARIZER_DEVICE": ("device", str),
    "SUMMARIZER_THREADS": ("threads", int),
    "SUMMARIZER_WORKERS": ("workers", int),
    "SUMMARIZER_DTYPE": ("dtype", str),
    "SUMMARIZER_COMPUTE_TYPE": ("compute_type", str),
    "SUMMARIZER_USE_CTRANSLATE2": ("use_ctranslate2", _yes_no),
    "SUMMARIZER_USE_VMAP": ("use_vmap", _yes_no),
    "SUMMARIZER_BATCH_TOKENS": ("batch_tokens", int),
    "SUMMARIZER_TRANSLATOR": ("translator", str),
    "SUMMARIZER_SUMMARIZER": ("summarizer", str),
    "SUMMARIZER_GROUP_THRESHOLD": ("group_threshold", float),
    "SUMMARIZER_OUTLETS": ("outlets_file", _path),
    "SUMMARIZER_OFFLINE": ("offline", _yes_no),
}
_EXPECTED = {int: "a whole number", float: "a number", _yes_no: "1 or 0 (yes or no)", str: "text in quotes", _path: "a path in quotes"}

# The config file's keys: each variable's name without SUMMARIZER_, in lower case (SUMMARIZER_THREADS: threads).
_IN_CONFIG = {var.removeprefix("SUMMARIZER_").lower(): how for var, how in _FROM_ENV.items()}

# The values a setting may take, where only some do. compute_type: CTranslate2's compute types, and "auto", the
# tool's own rule (summarizer.backends.resolve).
CHOICES = {
    "device": ("auto", "cpu", "cuda"),
    "dtype": ("auto", "float32", "float16", "bfloat16"),
    "compute_type": ("auto", "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32"),
}
# Bounds of numeric settings: (lowest, highest or None). group_threshold is a similarity, so from 0 to 1: above 1
# nothing groups, below 0 everything does.
_LIMITS = {"threads": (0, None), "workers": (0, None), "batch_tokens": (1, None), "group_threshold": (0, 1)}


@dataclass(frozen=True)
class Settings:
    """Everything a run may tune; built once by `Settings.resolve` and passed down."""

    home: Path = field(default_factory=lambda: Path.home() / ".cache" / "summarizer")
    offline: bool = False
    device: str = "auto"  # auto | cpu | cuda
    threads: int = 0  # 0: let the backend decide
    workers: int = 0  # CTranslate2 on CPU: batches run at once, sharing the threads; 0: 2 when threads allow
    dtype: str = "auto"  # auto (fp32 on CPU, fp16 on GPU) | float32 | float16 | bfloat16
    compute_type: str = "auto"  # CTranslate2: auto (int8 on CPU, float16 on GPU) | int8 | int8_float16 | float16 | ...
    batch_tokens: int = 4096  # source tokens per batch
    beams: int | None = None  # None: the model manifest's num_beams
    use_ctranslate2: bool = True  # use a converted model when one is present
    use_vmap: bool = True  # CTranslate2: score only the target language's pieces, when the conversion lists them
    translator: str | None = None  # model name, Hub id or folder; None: the default translator
    summarizer: str | None = None  # likewise for summaries
    max_file_bytes: int = 20 * MB
    outlets_file: Path | None = None
    group_threshold: float = 0.20  # see grouping.DEFAULT_THRESHOLD
    story_window_days: int = 7  # stored stories this close in time can take new articles

    @property
    def cache_path(self) -> Path:
        """The SQLite cache of model outputs."""
        return self.home / "cache.sqlite"

    @property
    def archive_path(self) -> Path:
        """The web archive `fetch` writes (WARC files, and what it remembers of earlier runs)."""
        return self.home / "archive"

    @property
    def store_path(self) -> Path:
        """The SQLite store of stories seen in earlier runs."""
        return self.home / "store.sqlite"

    @classmethod
    def resolve(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, overridden by the config file, then SUMMARIZER_* (and HF_HUB_OFFLINE) variables, then explicit values."""
        return cls.explain(env, **overrides)[0]

    @classmethod
    def explain(cls, env: Mapping[str, str] | None = None, **overrides: object) -> tuple[Settings, dict[str, str]]:
        """The settings `resolve` decides, and where each value that is not a default came from."""
        env = os.environ if env is None else env
        values, source = _from_config(env)  # source: where each value came from, also for the message when it is bad
        for var, (name, parse) in _FROM_ENV.items():
            if env.get(var):
                source[name] = f"{var}={env[var]!r}"
                try:
                    values[name] = parse(env[var])
                except ValueError:
                    raise ConfigError(f"{source[name]}: expected {_EXPECTED[parse]}; change or unset it") from None
        cache = env.get("XDG_CACHE_HOME", "")
        if "home" not in values and Path(cache).is_absolute():  # the XDG rule: a relative value is to be ignored
            values["home"], source["home"] = Path(cache) / "summarizer", f"XDG_CACHE_HOME={cache!r}"
        hub = _hub_offline(env)
        if hub:
            values["offline"], source["offline"] = True, hub
        explicit = {k: v for k, v in overrides.items() if v is not None}
        if hub and explicit.get("offline") is False:
            raise ConfigError(f"--online, but {hub} keeps the Hugging Face libraries offline; unset it to download")
        source.update({name: f"option {name}={value!r}" for name, value in explicit.items()})
        values.update(explicit)  # explicit values win over the environment, which wins over the file
        for name, value in values.items():
            if name in CHOICES and value not in CHOICES[name]:
                raise ConfigError(f"{source[name]}: expected one of {', '.join(CHOICES[name])}")
            if isinstance(value, float) and not math.isfinite(value):  # nan slips past every comparison below
                raise ConfigError(f"{source[name]}: expected a finite number")
            low, high = _LIMITS.get(name, (None, None))
            if low is not None and (value < low or high is not None and value > high):
                expected = f"a whole number of at least {low}" if high is None else f"a number from {low} to {high}"
                raise ConfigError(f"{source[name]}: expected {expected}")
        return replace(cls(), **values), source


def _hub_offline(env: Mapping[str, str]) -> str | None:
    """The variable that puts the Hugging Face libraries offline, as they read it (HF_HUB_OFFLINE, else TRANSFORMERS_OFFLINE)."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if env.get(var):  # the first one set decides, even when it says no: huggingface_hub.constants reads them so
            return f"{var}={env[var]!r}" if _flag(env[var]) else None
    return None


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity, which a container or taskset narrows), at least 1."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def config_file(env: Mapping[str, str] | None = None) -> Path | None:
    """The config file's place: $SUMMARIZER_CONFIG, else summarizer/config.toml in $XDG_CONFIG_HOME (or ~/.config)."""
    env = os.environ if env is None else env
    if env.get("SUMMARIZER_CONFIG"):
        return _path(env["SUMMARIZER_CONFIG"])
    folder = env.get("XDG_CONFIG_HOME") or (env.get("HOME") and Path(env["HOME"]) / ".config")
    return Path(folder) / "summarizer" / "config.toml" if folder else None


def _from_config(env: Mapping[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """The settings the config file sets, and for each where it is set; none when there is no file where it goes."""
    path = config_file(env)
    if path is None:
        return {}, {}
    chosen = bool(env.get("SUMMARIZER_CONFIG"))  # a file the user named must be there; the usual place may be empty

    def broken(exc: Exception) -> ConfigError:
        return ConfigError(f"config file {path}: {exc}; fix it, or point SUMMARIZER_CONFIG elsewhere")

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError) as exc:
        if not chosen:
            return {}, {}
        if isinstance(exc, FileNotFoundError):
            raise ConfigError(f"SUMMARIZER_CONFIG={str(path)!r}: no such file; create it or unset the variable") from None
        raise broken(exc) from None
    except OSError as exc:
        if not chosen:  # the usual place cannot be read (an unreadable HOME): go on without it
            print(f"summarizer: warning: cannot read the config file {path} ({exc.strerror or exc}); going on without it", file=sys.stderr)
            return {}, {}
        raise broken(exc) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise broken(exc) from None
    values: dict[str, object] = {}
    source: dict[str, str] = {}
    for key, value in data.items():
        if key not in _IN_CONFIG:
            raise ConfigError(f"config file {path}: unknown setting {key!r}; known: {', '.join(sorted(_IN_CONFIG))}")
        if value == "":  # as an empty variable is: not set
            continue
        name, parse = _IN_CONFIG[key]
        source[name] = f"config file {path}: {key} = {json.dumps(value, ensure_ascii=False, default=str)}"  # as TOML writes it
        try:
            values[name] = _config_value(value, parse, path.parent)
        except ValueError:
            raise ConfigError(f"{source[name]}: expected {'true or false' if parse is _yes_no else _EXPECTED[parse]}") from None
    return values, source


def _config_value(value: object, parse: Callable[[str], object], folder: Path) -> object:
    """A TOML value as its variable would be read: a string through the same reading, else a value of the right type."""
    if isinstance(value, str):
        return folder / _path(value) if parse is _path else parse(value)  # a relative path: from the file's folder
    if isinstance(value, bool):
        if parse is _yes_no:
            return value
    elif parse is float and isinstance(value, (int, float)) or parse is int and isinstance(value, int):
        return parse(value)
    raise ValueError(value)
