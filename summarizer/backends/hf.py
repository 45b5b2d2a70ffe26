"""transformers backends: seq2seq (Marian, T5/mT5, mBART) and causal LMs with chat templates."""

from __future__ import annotations

from pathlib import Path

import torch
import transformers
from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

from summarizer.backends import resolve
from summarizer.backends.base import Backend, position_limit
from summarizer.registry import Manifest
from summarizer.settings import Settings

transformers.utils.logging.disable_progress_bar()
transformers.utils.logging.set_verbosity_error()

_DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


def load(manifest: Manifest, model_dir: Path, converted_dir: Path | None, settings: Settings) -> Backend:
    """Load a model folder (safetensors only, no remote code, local files only); converted_dir is not used."""
    device, precision = resolve(settings, ct2=False)
    if settings.threads:
        torch.set_num_threads(settings.threads)
    dtype = _DTYPES[precision]
    auto_model = AutoModelForSeq2SeqLM if manifest.backend == "seq2seq" else AutoModelForCausalLM
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True, trust_remote_code=False)
    model = auto_model.from_pretrained(model_dir, local_files_only=True, trust_remote_code=False, use_safetensors=True, dtype=dtype)
    model.to(device).eval()
    return HFBackend(manifest, tokenizer, model, device, position_limit(model_dir))


class HFBackend(Backend):
    """A transformers model and its tokenizer."""

    engine = "transformers"

    def __init__(self, manifest: Manifest, tokenizer, model, device: str, max_positions: int | None = None):
        super().__init__(manifest, max_positions)
        self.tokenizer = tokenizer
        self.model = model
        self.device = device
        if self.kind == "causal":
            tokenizer.padding_side = "left"  # decoder-only models continue from the right end
            if tokenizer.pad_token is None:
                tokenizer.pad_token = tokenizer.eos_token

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=self.kind == "seq2seq")["input_ids"])

    def describe(self) -> str:
        return f"transformers on {self.device} ({str(self.model.dtype).removeprefix('torch.')})"

    def chat(self, prompt: str) -> str:
        if self.kind == "causal" and getattr(self.tokenizer, "chat_template", None):
            return self.tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True)
        return prompt

    @torch.inference_mode()
    def generate_batch(self, texts: list[str], params: dict) -> list[str]:
        torch.manual_seed(0)
        inputs = self.tokenizer(
            texts, return_tensors="pt", padding=True, truncation=True, max_length=self.max_input_tokens,
            add_special_tokens=self.kind == "seq2seq",
        ).to(self.device)
        generation = {k: v for k, v in params.items() if k in _GENERATE_ARGS}
        generation["max_new_tokens"] = self.new_tokens(params, inputs["input_ids"].shape[1])
        output = self.model.generate(**inputs, do_sample=False, **generation)
        if self.kind == "causal":
            output = output[:, inputs["input_ids"].shape[1] :]  # only the continuation
        return [t.strip() for t in self.tokenizer.batch_decode(output, skip_special_tokens=True)]


_GENERATE_ARGS = {"num_beams", "max_new_tokens", "min_new_tokens", "no_repeat_ngram_size", "length_penalty", "repetition_penalty"}
