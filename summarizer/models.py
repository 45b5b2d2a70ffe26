"""Getting models onto a machine (pull, import, convert) and checking their files; inference.py runs them."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from summarizer.errors import (
    ConfigError,
    DownloadError,
    ModelMissingError,
    OfflineError,
    SummarizerError,
    UsageError,
)
from summarizer.progress import step
from summarizer.registry import SOURCE_FILE, Manifest, Registry, folder_kind, read_manifest, read_record, write_record
from summarizer.writes import write_atomic

# Only these files are downloaded: configs, tokenizers and safetensors weights (never pickles).
ALLOW_PATTERNS = ["*.json", "*.safetensors", "*.spm", "*.model", "*.txt", "*.tiktoken", "*.jinja"]


@dataclass(frozen=True)
class ModelStatus:
    """One row of `summarizer models list`."""

    manifest: Manifest
    installed: bool
    converted: str  # the conversion's quantization, "stale" or "no"
    size_mb: float | None  # on disk when installed, else the download size the manifest states


def statuses(registry: Registry) -> list[ModelStatus]:
    """Every known model and whether it is on this machine. Touches neither network nor weights."""
    rows = []
    for manifest in sorted(registry.manifests.values(), key=lambda m: (m.task, not m.default, m.name)):
        installed = registry.installed(manifest)
        size = _folder_mb(registry.store_dir(manifest)) if installed and manifest.engine == "local" else manifest.size_mb
        rows.append(ModelStatus(manifest, installed, registry.conversion(manifest)[1], size))
    return rows


def pull(registry: Registry, manifest: Manifest) -> Path:
    """Download the pinned revision into the model store (the only network use in the tool).

    The revision is resolved to its commit first, checked against the commit the manifest verified (a
    Hub PR ref can move), downloaded at exactly that commit, and the commit recorded beside the files.
    """
    if registry.settings.offline:
        raise OfflineError(
            f"pulling {manifest.name} needs the network, but offline mode is set (`summarizer config` shows where); "
            "run with --online, or unset it"
        )
    if not manifest.hf_id:
        where = "served by its server" if manifest.engine == "openai" else "a local folder"
        raise UsageError(f"{manifest.name} is {where}; nothing to pull")
    from huggingface_hub import HfApi, snapshot_download

    target = registry.store_dir(manifest)
    try:
        commit = HfApi().model_info(manifest.hf_id, revision=manifest.revision).sha or manifest.revision
        if manifest.commit and not commit.startswith(manifest.commit):
            raise ConfigError(
                f"{manifest.hf_id}@{manifest.revision} is now commit {commit}, not the verified {manifest.commit}: "
                "check what changed, then update the manifest's revision and commit"
            )
        with _staging(target) as staging:
            snapshot_download(repo_id=manifest.hf_id, revision=commit, local_dir=staging, allow_patterns=ALLOW_PATTERNS)
            _check_model_folder(staging, manifest.name)
            shutil.rmtree(staging / ".cache", ignore_errors=True)  # the Hub client's download metadata
            write_record(staging, {"hf_id": manifest.hf_id, "revision": manifest.revision, "commit": commit, "files": file_hashes(staging)})
    except SummarizerError:
        raise
    except Exception as exc:  # the Hub client's network errors differ by version and transport
        raise DownloadError(
            f"downloading {manifest.hf_id}@{manifest.revision} failed ({type(exc).__name__}: {exc})",
            f"check the network and run `summarizer models pull {registry.spec(manifest)}` again, or copy the model in with "
            f"`summarizer models import {registry.spec(manifest)} DIR`",
        ) from exc
    return target


def import_model(registry: Registry, manifest: Manifest, folder: Path) -> Path:
    """Copy a model folder from elsewhere into the store (the offline way in)."""
    if manifest.local_dir:
        raise UsageError(f"{manifest.local_dir} is a model folder already; use it as it is, or import it under a model name")
    _check_model_folder(folder, manifest.name)
    _check_links(folder)
    target = registry.store_dir(manifest)
    with _staging(target) as staging:
        shutil.copytree(folder, staging, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.bin", "*.pt", "*.pth", "*.ckpt", "*.h5", "*.msgpack"))
        write_record(staging, {"imported": True})  # no pinned revision can be claimed for these weights
    return target


def register_folder(registry: Registry, name: str, folder: Path, task: str) -> Manifest:
    """A manifest for a model folder imported under a new name: its kind and input limit read from its config, written
    to $SUMMARIZER_HOME/manifests so that `models list` shows it and `--translator NAME` finds it."""
    backend, max_tokens = folder_kind(folder)
    slug = name.replace("/", "--")  # an org/name id names a folder of the store
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", slug) or ".." in slug:
        raise UsageError(f"model name {name!r}: use letters, digits, '.', '_', '-' (and one '/' for an org/name id)")
    generation = {"num_beams": 4, "max_new_tokens": 512 if task == "translate" else 256}
    lines = [f"# Imported with `summarizer models import` from {json.dumps(str(folder))}: weights from a folder, no pinned revision.",
             f"name = {json.dumps(slug)}", f"task = {json.dumps(task)}"]
    lines += [f"hf_id = {json.dumps(name)}"] if "/" in name else []
    lines += ['revision = "imported"', 'licence = "unknown (imported folder: see where it came from)"', f"backend = {json.dumps(backend)}",
              f"max_input_tokens = {max_tokens}", "", "[generation]"] + [f"{k} = {v}" for k, v in generation.items()]
    path = registry.settings.home / "manifests" / f"{slug}.toml"
    write_atomic(path, "\n".join(lines) + "\n")
    manifest = read_manifest(path)
    registry.manifests[manifest.name] = manifest
    return manifest


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file of a model folder (the Hub lists the same for its large files), by relative path."""
    hashes = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != SOURCE_FILE):
        digest = hashlib.sha256()
        with path.open("rb") as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                digest.update(chunk)
        hashes[path.relative_to(folder).as_posix()] = digest.hexdigest()
    return hashes


def check_files(registry: Registry, manifest: Manifest) -> tuple[bool | None, str]:
    """Whether an installed model's files are those its pull downloaded at the pinned revision: (True, False, or None
    when nothing pins them: an imported or local folder, a server, or a pull made before hashes were kept; and why)."""
    if manifest.engine != "local":
        return None, "served by its server: no files here to check"
    folder = registry.require(manifest)
    record = read_record(folder)
    if not record.get("files"):
        why = "an imported or local folder" if record.get("imported") or manifest.local_dir else "no file hashes were kept when it was installed"
        return None, f"nothing to compare the files with ({why})"
    now = file_hashes(folder)
    kept = record["files"]
    changed = sorted(name for name in kept if name in now and now[name] != kept[name])
    missing = sorted(set(kept) - set(now))
    added = sorted(set(now) - set(kept))
    if not (changed or missing or added):
        return True, f"all {len(kept)} files are as pulled at revision {manifest.revision} (commit {str(record.get('commit'))[:12]})"
    parts = [f"{label}: {', '.join(names[:5])}" for label, names in (("changed", changed), ("missing", missing), ("added", added)) if names]
    return False, "files differ from what the pull downloaded (" + "; ".join(parts) + ")"


def install_missing(registry: Registry, manifests: list[Manifest]) -> list[str]:
    """Pull (and convert, where CTranslate2 can run it) each of these models that is not installed; what could not
    be done comes back as notes (offline, no network, a failed conversion) and the caller goes on without it."""
    notes = []
    for manifest in manifests:
        if manifest.engine != "local" or manifest.local_dir or registry.installed(manifest):
            continue
        try:
            with step(f"downloading {manifest.name} (about {manifest.size_mb or '?'} MB)"):
                pull(registry, manifest)
        except (OfflineError, DownloadError, ConfigError) as exc:
            notes.append(f"{manifest.name} was not downloaded ({exc})")
            continue
        if registry.settings.use_ctranslate2:
            try:
                with step(f"converting {manifest.name} for CTranslate2"):
                    convert(registry, manifest)
            except Exception as exc:  # the model runs on transformers without it: slower, same kind of output
                notes.append(f"{manifest.name} was downloaded but not converted ({type(exc).__name__}: {exc}); it runs on transformers")
    return notes


def convert(registry: Registry, manifest: Manifest, quantization: str = "int8") -> Path:
    """Make the CTranslate2 version of an installed model, recording which weights it was made from."""
    from summarizer.backends.ct2 import convert as ct2_convert

    if manifest.engine != "local":
        raise UsageError(f"{registry.spec(manifest)} runs on its server; only a model on this machine is converted")
    source = registry.require(manifest)
    target = registry.converted_dir(manifest)
    with _staging(target) as staging:
        ct2_convert(source, staging, quantization)
        write_record(staging, {"fingerprint": registry.fingerprint(manifest), "quantization": quantization})
    return target


# A model folder's tokenizer is one of these (or comes with them): tokenizer.json for fast tokenizers (Qwen), a
# sentencepiece model for Marian (source.spm), T5 and mT5 (spiece.model), XLM-R and mBART; vocab files for the rest.
TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "source.spm", "spiece.model", "sentencepiece.bpe.model", "vocab.json", "vocab.txt")


def _check_model_folder(folder: Path, name: str) -> None:
    if not (folder / "config.json").exists() or not any(folder.glob("*.safetensors")):
        raise ModelMissingError(
            f"{folder} is not a usable model folder for {name}: it needs config.json and *.safetensors weights",
            "save the model with save_pretrained(safe_serialization=True), or pull it",
        )
    if not any((folder / file).exists() for file in TOKENIZER_FILES):
        raise ModelMissingError(
            f"{folder} has no tokenizer for {name} (none of {', '.join(TOKENIZER_FILES)})",
            "save the tokenizer into the same folder (tokenizer.save_pretrained), or pull the model",
        )


def _check_links(folder: Path) -> None:
    """Refuse a folder with a link that leads out of it (a system file copied into the store), to a folder or nowhere (loops)."""
    root = os.path.realpath(folder)
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(parent, name)
            if not os.path.islink(path):
                continue
            target = os.path.realpath(path)
            if not os.path.exists(target):
                where = "nowhere (a loop or a missing file)"
            elif os.path.isdir(target):
                where = "to a folder (which may hold the link itself)"
            elif os.path.commonpath([root, target]) != root:
                where = f"out of {folder}"
            else:
                continue  # a link to a file of the folder: copied as that file
            raise UsageError(f"{path} is a link that leads {where}; copy the real files into the folder instead")


class _staging:
    """A temporary folder beside target that replaces it only when the work inside succeeded."""

    def __init__(self, target: Path):
        self.target = target

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{self.target.name}-", dir=self.target.parent))
        return self.path

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            return
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}-old")
            shutil.rmtree(old, ignore_errors=True)
            self.target.replace(old)
            shutil.rmtree(old, ignore_errors=True)
        self.path.replace(self.target)


def _folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
