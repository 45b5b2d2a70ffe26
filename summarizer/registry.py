"""Models by name: manifests in models/*.toml, where each lives on disk, and how to resolve a user's choice.

A model is chosen by manifest name, Hugging Face id, or local directory. Manifests pin a revision and
state the licence. Downloaded models live in the model store ($SUMMARIZER_HOME/models/NAME/hf), their
CTranslate2 conversion beside them (.../ct2). Each installed model has a fingerprint (the Hub commit a
pull recorded, else a digest of its files) that keys the result cache and marks which weights a
conversion was made from, so new weights never meet old cached outputs or a stale conversion.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.errors import ConfigError, ModelMissingError, UsageError
from summarizer.settings import Settings

# Shipped inside the package, so an installed wheel has them; the checkout's models/ and prompts/ link here.
DATA = Path(__file__).resolve().parent / "data"
MANIFESTS = DATA / "models"
PROMPTS = DATA / "prompts"
TASKS = ("translate", "summarize")
BACKENDS = ("seq2seq", "causal")
# Where a model runs: "local", weights on this machine (transformers, or CTranslate2 when converted); "openai", a
# chat server that speaks the OpenAI API (Ollama, llama.cpp's server, vLLM, LM Studio). See backends.ENGINES.
ENGINES = ("local", "openai")
SERVER_SPEC = "openai:"  # --summarizer openai:MODEL@BASE_URL
SERVER_PROMPTS = {"summarize": "summarize-ar.txt", "translate": "translate-ar-en.txt"}
_HF_ID = re.compile(r"^[\w.-]+/[\w.-]+$")
SOURCE_FILE = "summarizer-source.json"  # in a pulled model: where from; in a conversion: from which weights


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
    commit: str | None = None  # the verified commit (or its prefix) that revision must resolve to
    engine: str = "local"  # see ENGINES
    server: dict = field(default_factory=dict)  # engine "openai": base_url, model, api_key_env, timeout

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
            commit=data.get("commit"),
            engine=data.get("engine", "local"),
            server=dict(data.get("server", {})),
        )
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: not a valid model manifest ({exc}); see models/opus-mt-ar-en.toml") from exc
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", manifest.name) or ".." in manifest.name:  # it names a folder of the store
        raise ConfigError(f"{path}: model name {manifest.name!r} must be letters, digits, '.', '_' and '-' (no '/' or '..')")
    if manifest.task not in TASKS or manifest.backend not in BACKENDS or manifest.engine not in ENGINES:
        raise ConfigError(f"{path}: task must be one of {TASKS}, backend one of {BACKENDS} and engine one of {ENGINES}")
    if manifest.engine == "openai" and not (_is_web(manifest.server.get("base_url")) and manifest.server.get("model")):
        raise ConfigError(f"{path}: an openai engine needs [server] base_url = \"http(s)://…\" and model = \"…\"")
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
        if spec.startswith(SERVER_SPEC):
            return server_manifest(spec, task)
        path = Path(spec).expanduser()
        if path.is_dir():
            return _manifest_for_folder(path, task)
        if _HF_ID.match(spec):
            for manifest in self.manifests.values():  # a shipped model named by its id: its pin and licence
                if manifest.hf_id == spec:
                    return manifest
            name = spec.replace("/", "--")
            return Manifest(name, task, spec, "main", "unknown (see the model card)", _guess_backend_from_id(spec), 512)
        return self.get(spec)  # raises with the list of known names

    # --- the model store ---

    def store_dir(self, manifest: Manifest) -> Path:
        """Where a model's files are (its own folder for a model given as a folder)."""
        return manifest.local_dir or self.settings.home / "models" / manifest.name / "hf"

    def converted_dir(self, manifest: Manifest) -> Path:
        """Where its CTranslate2 conversion goes (one per model; converting again replaces it)."""
        base = manifest.local_dir.parent / f"{manifest.local_dir.name}-ct2" if manifest.local_dir else self.settings.home / "models" / manifest.name
        return base / "ct2"

    def provenance(self, manifest: Manifest) -> tuple[str | None, str]:
        """Where the installed weights came from: the pinned revision they are at (None when nothing pins them) and
        the words a briefing's footer says it with. An imported folder claims no revision: only its fingerprint."""
        if manifest.engine == "openai":
            return None, f"served by {manifest.server['base_url']} as {manifest.server['model']} (an OpenAI-compatible server: what it runs is the server's)"
        record = read_record(self.store_dir(manifest))
        if manifest.local_dir or record.get("imported"):
            where = f"local folder {manifest.local_dir}" if manifest.local_dir else "imported folder"
            return None, f"{where} (fingerprint {self.fingerprint(manifest)[:12]})"
        if record.get("commit"):
            return manifest.revision, f"pulled at revision {manifest.revision} (commit {str(record['commit'])[:12]})"
        return manifest.revision, f"revision {manifest.revision}"

    def fingerprint(self, manifest: Manifest) -> str:
        """Which weights are installed: the commit a pull recorded, else a digest of the files' names,
        sizes and times (cheap: no weights are read), else the manifest's revision when none are."""
        if manifest.engine == "openai":  # the server's model by name: we cannot see its weights
            return f"server {manifest.server['base_url']} {manifest.server['model']}"
        folder = self.store_dir(manifest)
        commit = read_record(folder).get("commit")
        if commit:
            return commit
        if not self.installed(manifest):
            return manifest.revision
        files = sorted(folder.glob("*.safetensors")) + [folder / "config.json"]
        digest = hashlib.sha256((folder / "config.json").read_bytes())
        for path in files:
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        return "files-" + digest.hexdigest()[:16]

    def conversion(self, manifest: Manifest) -> tuple[Path | None, str]:
        """The CTranslate2 conversion to use (None when there is none or it is stale) and its state:
        its quantization, "stale" (made from other weights than those installed now), or "no"."""
        folder = self.converted_dir(manifest)
        if manifest.engine != "local" or not (folder / "model.bin").exists():
            return None, "no"
        record = read_record(folder)
        if record.get("fingerprint") != self.fingerprint(manifest):
            return None, "stale"
        return folder, str(record.get("quantization", "?"))

    def installed(self, manifest: Manifest) -> bool:
        """True when the model's weights are on disk (a server's model: always; whether it answers shows on use)."""
        if manifest.engine == "openai":
            return True
        folder = self.store_dir(manifest)
        return (folder / "config.json").exists() and any(folder.glob("*.safetensors"))

    def require(self, manifest: Manifest) -> Path:
        """The model's folder, or a clear error naming the command that installs it."""
        if self.installed(manifest):
            return self.store_dir(manifest)
        if manifest.local_dir:
            raise ModelMissingError(f"{manifest.local_dir} holds no model (config.json and *.safetensors)", "check the folder")
        spec = self.spec(manifest)
        raise ModelMissingError(
            f"model '{spec}' is not installed",
            f"summarizer models pull {spec}   (or: summarizer models import {spec} DIR)",
        )

    def spec(self, manifest: Manifest) -> str:
        """What to type to name this model in a command: its manifest name, Hub id, or folder."""
        if manifest.name in self.manifests:
            return manifest.name
        if manifest.engine == "openai":
            return f"{SERVER_SPEC}{manifest.server['model']}@{manifest.server['base_url']}"
        return manifest.hf_id or str(manifest.local_dir)


def write_record(folder: Path, record: dict) -> None:
    """Note beside a model's files where they came from (a pull) or which weights they were made from (a conversion)."""
    (folder / SOURCE_FILE).write_text(json.dumps(record), encoding="utf-8")


def read_record(folder: Path) -> dict:
    """What write_record noted beside a model's files; {} when nothing readable is there."""
    try:
        record = json.loads((folder / SOURCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def server_manifest(spec: str, task: str) -> Manifest:
    """The manifest of a model named as openai:MODEL@BASE_URL (MODEL may hold ':', as Ollama's names do)."""
    model, _, base_url = spec.removeprefix(SERVER_SPEC).rpartition("@")
    if not model or not _is_web(base_url):
        raise UsageError(f"'{spec}' is not a server model; write openai:MODEL@BASE_URL, e.g. openai:qwen2.5:7b@http://127.0.0.1:11434/v1")
    name = "openai-" + re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-")
    return Manifest(name, task, None, "server", "the server model's own (see its model card)", "causal", 6000,
                    generation={"max_new_tokens": 400 if task == "summarize" else 256}, prompt=SERVER_PROMPTS[task],
                    engine="openai", server={"base_url": base_url.rstrip("/"), "model": model})


def _is_web(url: object) -> bool:
    return isinstance(url, str) and url.startswith(("http://", "https://"))


def _manifest_for_folder(path: Path, task: str) -> Manifest:
    backend, max_tokens = folder_kind(path)
    return Manifest(path.name, task, None, "local", "unknown (local folder)", backend, max_tokens, local_dir=path.resolve())


def folder_kind(path: Path) -> tuple[str, int]:
    """A model folder's kind (seq2seq or causal) and input limit, read from its config.json, not guessed from a name."""
    config = path / "config.json"
    if not config.exists():
        raise ModelMissingError(f"{path} has no config.json: not a model folder", "give a folder saved with save_pretrained")
    data = json.loads(config.read_text(encoding="utf-8"))
    backend = "seq2seq" if data.get("is_encoder_decoder") else "causal"
    return backend, int(data.get("max_position_embeddings") or data.get("n_positions") or 512)


def _guess_backend_from_id(hf_id: str) -> str:
    lowered = hf_id.lower()
    return "seq2seq" if any(k in lowered for k in ("opus-mt", "t5", "bart", "marian", "nllb", "m2m")) else "causal"
