"""What every backend offers, and the backend-independent parts: length checks and length-sorted batching."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from summarizer.arabic import split_clauses, split_sentences
from summarizer.errors import InputTooLongError
from summarizer.registry import Manifest


@dataclass(frozen=True)
class Generation:
    """One model output, and whether its input had to be split to fit the model."""

    text: str
    pieces: int = 1  # how many parts the input was split into (1: it fitted)


def position_limit(model_dir: Path) -> int | None:
    """The positions a model's embeddings have (inputs, outputs, or for a causal model both together); None when
    it has no such limit: relative positions (T5, mT5), or a config that does not say."""
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    if "relative_attention_num_buckets" in config:  # T5's n_positions is only a note; its positions are relative
        return None
    limit = config.get("max_position_embeddings") or config.get("n_positions")
    return int(limit) if limit else None


class Backend(ABC):
    """A loaded model that turns input texts into output texts."""

    engine: str  # "transformers" or "ctranslate2"
    kind: str  # "seq2seq" or "causal"
    max_input_tokens: int
    max_positions: int | None  # see position_limit

    def __init__(self, manifest: Manifest, max_positions: int | None):
        # A manifest's limits are the model it names; weights imported under its name may have fewer positions,
        # and going past them stops the run ("no position encodings for positions >= 256"), so the weights' win.
        # A causal model's prompt leaves room for its answer in the same positions.
        self.kind = manifest.backend
        self.max_positions = max_positions
        self.max_input_tokens = manifest.max_input_tokens
        if max_positions is not None:
            answer = self.new_tokens(manifest.generation, 0) if self.kind == "causal" else 0
            self.max_input_tokens = max(1, min(self.max_input_tokens, max_positions - answer))

    def new_tokens(self, params: dict, longest_input: int) -> int:
        """The most tokens to generate: max_new_tokens (default 256), within the positions left after the input."""
        wanted = int(params.get("max_new_tokens", 256))
        if self.max_positions is None:
            return wanted
        room = self.max_positions - (longest_input if self.kind == "causal" else 0)  # seq2seq: output has its own
        return max(1, min(wanted, room))

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Input tokens the model would see for text."""

    @abstractmethod
    def generate_batch(self, texts: list[str], params: dict) -> list[str]:
        """Outputs for one batch of inputs that each fit the model, in order."""

    def chat(self, prompt: str) -> str:
        """The model's input for a user prompt (chat template for causal models; seq2seq: unchanged)."""
        return prompt

    @abstractmethod
    def describe(self) -> str:
        """Engine, device and precision, as a user reads them: "ctranslate2 on cuda (float16)"."""


def fit(text: str, count_tokens, max_tokens: int) -> list[str]:
    """Split text so every part fits max_tokens: at sentences, then clauses, then words. Nothing is dropped."""
    if count_tokens(text) <= max_tokens:
        return [text]
    units = split_sentences(text)
    if len(units) <= 1:
        units = split_clauses(text)
    if len(units) <= 1:
        words = text.split()
        if len(words) <= 1:
            return [text]  # one huge "word": nothing left to split at; the model truncates, reported by caller
        half = len(words) // 2
        units = [" ".join(words[:half]), " ".join(words[half:])]
    parts: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current} {unit}".strip()
        if current and count_tokens(candidate) > max_tokens:
            parts.append(current)
            current = unit
        else:
            current = candidate
    parts.append(current)
    return [p for part in parts for p in fit(part, count_tokens, max_tokens)]


def batches(lengths: list[int], max_tokens: int, max_size: int = 64) -> list[list[int]]:
    """Indices grouped into batches of similar length (longest first), each within a token budget."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    out: list[list[int]] = []
    current: list[int] = []
    for i in order:
        width = lengths[current[0]] if current else lengths[i]  # longest first: the batch's padded width
        if current and (width * (len(current) + 1) > max_tokens or len(current) >= max_size):
            out.append(current)
            current = []
        current.append(i)
    if current:
        out.append(current)
    return out


def generate(
    backend: Backend, texts: list[str], params: dict, batch_tokens: int = 4096, finished: Callable[[dict[int, Generation]], None] | None = None
) -> list[Generation]:
    """Outputs for texts in their order: long inputs split to fit, batched by length, order restored.

    After each batch, `finished` gets the texts it completed (by index), so a caller can keep them before the next.
    """
    pieces: list[str] = []
    owner: list[int] = []
    spans: list[range] = []  # each text's pieces, which follow one another
    for index, text in enumerate(texts):
        if backend.kind == "seq2seq":
            parts = fit(text, backend.count_tokens, backend.max_input_tokens)
        elif backend.count_tokens(text) > backend.max_input_tokens:
            # A prompt cannot be split and answered in parts; the caller selects less input instead.
            raise InputTooLongError(f"prompt of {backend.count_tokens(text)} tokens is over the model's {backend.max_input_tokens}")
        else:
            parts = [text]
        spans.append(range(len(pieces), len(pieces) + len(parts)))
        pieces.extend(parts)
        owner.extend([index] * len(parts))
    lengths = [backend.count_tokens(p) for p in pieces]
    outputs: list[str | None] = [None] * len(pieces)
    left = [len(span) for span in spans]  # pieces still to generate, per text

    def joined(t: int) -> Generation:
        return Generation(" ".join(outputs[i] or "" for i in spans[t]).strip(), len(spans[t]))

    for batch in batches(lengths, batch_tokens):
        for i, out in zip(batch, backend.generate_batch([pieces[i] for i in batch], params)):
            outputs[i] = out
            left[owner[i]] -= 1
        if finished is not None:
            finished({t: joined(t) for t in sorted({owner[i] for i in batch}) if left[t] == 0})
    return [joined(t) for t in range(len(texts))]
