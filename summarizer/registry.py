"""Models by name: manifests in models/*.toml, where each lives on disk, and how to resolve a user's choice.

A model is chosen by manifest name, Hugging Face id, or local directory. Manifests pin a revision and
state the licence. Downloaded models live in the model store ($SUMMARIZER_HOME/models/NAME/hf), their
CTranslate2 conversions beside them (.../ct2-int8).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.errors import ConfigError, ModelMissingError, UsageError
from summarizer.settings import Settings

REPO = Path(__file__).resolve().parent.parent
MANIFESTS = REPO / "models"
PROMPTS = REPO / "prompts"
TASKS = ("translate", "summarize")
BACKENDS = ("seq2seq", "causal")
_HF_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


@dataclass(frozen=True)
class Manifest:
    """What the tool knows about one model."""

    name: str
    task: str
    hf_id: str | None
    revision: str
    licence: str
    backend: str
    max_input_tokens: int
    generation: dict = field(default_factory=dict)
    prompt: str | None = None
    size_mb: int | None = None
    default: bool = False
    notes: str = ""
    local_dir: Path | None = None  # set for a model given as a directory

    def prompt_text(self) -> str | None:
        """The prompt template from prompts/, if the model takes one."""
        return (PROMPTS / self.prompt).read_text(encoding="utf-8") if self.prompt else None


def read_manifest(path: Path) -> Manifest:
    """Parse and check one manifest file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(
            name=data["name"],
            task=data["task"],
            hf_id=data.get("hf_id"),
            revision=data.get("revision", "main"),
            licence=data["licence"],
            backend=data["backend"],
            max_input_tokens=int(data["max_input_tokens"]),
            generation=dict(data.get("generation", {})),
            prompt=data.get("prompt"),
            size_mb=data.get("size_mb"),
            default=bool(data.get("default", False)),
            notes=data.get("notes", ""),
        )
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: not a valid model manifest ({exc}); see models/opus-mt-ar-en.toml") from exc
    if manifest.task not in TASKS or manifest.backend not in BACKENDS:
        raise ConfigError(f"{path}: task must be one of {TASKS} and backend one of {BACKENDS}")
    return manifest


@dataclass
class Registry:
    """All known manifests, and the model store on disk."""

    settings: Settings
    manifests: dict[str, Manifest]

    @classmethod
    def load(cls, settings: Settings) -> "Registry":
        """Manifests shipped in models/ plus the user's in $SUMMARIZER_HOME/manifests (which win)."""
        manifests: dict[str, Manifest] = {}
        for folder in (MANIFESTS, settings.home / "manifests"):
            for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
                manifest = read_manifest(path)
                manifests[manifest.name] = manifest
        return cls(settings, manifests)

    def get(self, name: str) -> Manifest:
        """The manifest called name; an unknown name fails with the list of known ones."""
        try:
            return self.manifests[name]
        except KeyError:
            known = ", ".join(sorted(self.manifests)) or "none"
            raise UsageError(f"unknown model '{name}'; known models: {known} (or give a Hugging Face id or a model folder)") from None

    def default(self, task: str) -> Manifest:
        """The default model for a task."""
        for manifest in self.manifests.values():
            if manifest.task == task and manifest.default:
                return manifest
        raise ConfigError(f"no default {task} model among the manifests in {MANIFESTS}")

    def resolve(self, spec: str | None, task: str) -> Manifest:
        """A manifest for a name, a Hugging Face id, or a local model folder (None: the task's default)."""
        if spec is None:
            return self.default(task)
        if spec in self.manifests:
            return self.manifests[spec]
        path = Path(spec).expanduser()
        if path.is_dir():
            return _manifest_for_folder(path, task)
        if _HF_ID.match(spec):
            name = spec.replace("/", "--")
            return Manifest(name, task, spec, "main", "unknown (see the model card)", _guess_backend_from_id(spec), 512)
        return self.get(spec)  # raises with the list of known names

    # --- the model store ---

    def store_dir(self, manifest: Manifest) -> Path:
        """Where a model's files are (its own folder for a model given as a folder)."""
        return manifest.local_dir or self.settings.home / "models" / manifest.name / "hf"

    def converted_dir(self, manifest: Manifest, quantization: str = "int8") -> Path:
        """Where its CTranslate2 conversion goes."""
        base = manifest.local_dir.parent / f"{manifest.local_dir.name}-ct2" if manifest.local_dir else self.settings.home / "models" / manifest.name
        return base / f"ct2-{quantization}"

    def installed(self, manifest: Manifest) -> bool:
        """True when the model's weights are on disk."""
        folder = self.store_dir(manifest)
        return (folder / "config.json").exists() and any(folder.glob("*.safetensors"))

    def require(self, manifest: Manifest) -> Path:
        """The model's folder, or a clear error naming the command that installs it."""
        if self.installed(manifest):
            return self.store_dir(manifest)
        if manifest.local_dir:
            raise ModelMissingError(f"{manifest.local_dir} holds no model (config.json and *.safetensors)", "check the folder")
        raise ModelMissingError(
            f"model '{manifest.name}' is not installed",
            f"summarizer models pull {manifest.name}   (or: summarizer models import {manifest.name} DIR)",
        )


def _manifest_for_folder(path: Path, task: str) -> Manifest:
    config = path / "config.json"
    if not config.exists():
        raise ModelMissingError(f"{path} has no config.json: not a model folder", "give a folder saved with save_pretrained")
    data = json.loads(config.read_text(encoding="utf-8"))
    backend = "seq2seq" if data.get("is_encoder_decoder") else "causal"
    max_tokens = int(data.get("max_position_embeddings") or data.get("n_positions") or 512)
    return Manifest(path.name, task, None, "local", "unknown (local folder)", backend, max_tokens, local_dir=path.resolve())


def _guess_backend_from_id(hf_id: str) -> str:
    lowered = hf_id.lower()
    return "seq2seq" if any(k in lowered for k in ("opus-mt", "t5", "bart", "marian", "nllb", "m2m")) else "causal"
