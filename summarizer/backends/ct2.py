"""CTranslate2 backends: the fast path when a converted model is present (int8 on CPU, float16 on GPU)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import ctranslate2

from summarizer.backends import VMAP, resolve, uses_vmap
from summarizer.backends.base import Backend, position_limit
from summarizer.errors import ConfigError
from summarizer.registry import Manifest
from summarizer.settings import Settings, usable_cores

# Sentences per job handed to a worker: on the benchmark's batch as fast as 16, with a third less memory.
JOB_SENTENCES = 8
# A vocabulary map pays when it leaves out at least this share of the vocabulary: CTranslate2 gathers the kept rows of
# the output layer for each batch.
VMAP_MIN_LEFT_OUT = 0.1


def thread_split(device: str, threads: int, workers: int = 0) -> tuple[int, int]:
    """(workers, threads each) for CTranslate2: on CPU, unless told otherwise, two workers share the threads.

    Two single-thread workers each translating part of a batch beat one worker with both threads on
    2 cores (bench/translate_speed.py); a decoding step is many small operations, and threads that
    share each one wait on each other at every step. Weights are shared, not copied.
    """
    if device != "cpu":
        return 1, 0
    threads = threads or usable_cores()
    workers = min(workers, threads) if workers > 0 else (2 if threads >= 2 else 1)
    return workers, threads // workers


def load(manifest: Manifest, model_dir: Path, converted_dir: Path, settings: Settings) -> Backend:
    """Load a converted model; the tokenizer comes from the original folder."""
    device, compute_type = resolve(settings, ct2=True)
    engine = ctranslate2.Translator if manifest.backend == "seq2seq" else ctranslate2.Generator
    workers, threads = thread_split(device, settings.threads, settings.workers)
    model = engine(str(converted_dir), device=device, compute_type=compute_type, inter_threads=workers, intra_threads=threads)
    if (model_dir / "source.spm").exists() and (model_dir / "target.spm").exists():
        tokenizer = MarianPieces(model_dir)  # no torch, no transformers: half the memory
    else:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True, trust_remote_code=False)
    return CT2Backend(manifest, tokenizer, model, position_limit(model_dir), vmap=uses_vmap(settings, converted_dir))


class MarianPieces:
    """OPUS-MT tokenisation with sentencepiece alone, as MarianTokenizer does it (punctuation normalised
    with sacremoses, source pieces, "</s>" appended; target pieces decoded), with the same call shapes."""

    def __init__(self, model_dir: Path):
        import sentencepiece as spm

        self.source = spm.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
        self.target = spm.SentencePieceProcessor(model_file=str(model_dir / "target.spm"))
        config = json.loads((model_dir / "tokenizer_config.json").read_text(encoding="utf-8")) if (model_dir / "tokenizer_config.json").exists() else {}
        try:
            from sacremoses import MosesPunctNormalizer

            self.normalize = MosesPunctNormalizer(config.get("source_lang") or "en").normalize
        except ImportError:  # MarianTokenizer skips it too (with a warning)
            self.normalize = lambda text: text

    def pieces(self, text: str, max_length: int) -> list[str]:
        """Source pieces of text, "</s>" last, at most max_length of them."""
        pieces = self.source.encode(self.normalize(text), out_type=str) if text else []
        return pieces[: max_length - 1] + ["</s>"]

    def decode(self, pieces: list[str]) -> str:
        """Target text from generated pieces."""
        return self.target.decode_pieces([p for p in pieces if p not in ("</s>", "<pad>", "<unk>")])


def target_pieces(model_dir: Path) -> list[str] | None:
    """The tokens an OPUS-MT decoder was trained to produce: its target sentencepiece model's pieces, where the model
    shares one vocabulary between both languages and they are a good deal fewer (else None).

    Such a decoder scores every entry of the joint vocabulary at every step, the source language's pieces too,
    though its training targets were all cut by target.spm; for opus-mt-ar-en that is about half the output layer.
    """
    vocab_file, spm_file = model_dir / "vocab.json", model_dir / "target.spm"
    if not (vocab_file.exists() and spm_file.exists()) or (model_dir / "target_vocab.json").exists():
        return None  # not a Marian folder, or one whose decoder has its own vocabulary already
    import sentencepiece as spm

    vocab = json.loads(vocab_file.read_text(encoding="utf-8"))
    target = spm.SentencePieceProcessor(model_file=str(spm_file))
    pieces = [p for p in (target.id_to_piece(i) for i in range(target.get_piece_size())) if p in vocab]
    pieces += [p for p in ("</s>", "<unk>") if p in vocab and p not in pieces]
    return pieces if len(pieces) <= (1 - VMAP_MIN_LEFT_OUT) * len(vocab) else None


def convert(model_dir: Path, output_dir: Path, quantization: str = "int8") -> None:
    """Convert a transformers model folder to CTranslate2, with the target language's pieces as its vocabulary map."""
    import tempfile

    import transformers
    from ctranslate2.converters import TransformersConverter

    # The converter loads the weights through transformers, whose own bars would run over ours (models convert, --pull).
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    pieces = target_pieces(model_dir)
    with tempfile.TemporaryDirectory() as tmp:
        vmap = Path(tmp) / VMAP
        if pieces:  # an empty source n-gram: these candidates are always in, and only these (CTranslate2's format)
            vmap.write_text("\t" + " ".join(pieces) + "\n", encoding="utf-8")
        TransformersConverter(str(model_dir), low_cpu_mem_usage=True).convert(
            str(output_dir), vmap=str(vmap) if pieces else None, quantization=quantization, force=True)
    # Tokenizers without a BOS token (Qwen2.5's, for one) leave null special tokens in the converted
    # config, which CTranslate2 then fails to load; the prompt always supplies the start, so EOS stands in.
    config_path = output_dir / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    fallback = config.get("eos_token") or config.get("unk_token") or "</s>"
    for key in ("bos_token", "eos_token", "unk_token", "decoder_start_token"):
        if key in config and config[key] is None:
            config[key] = fallback
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")


class CT2Backend(Backend):
    """A CTranslate2 Translator (seq2seq) or Generator (causal) with its tokenizer."""

    engine = "ctranslate2"

    def __init__(self, manifest: Manifest, tokenizer, model, max_positions: int | None = None, vmap: bool = False):
        super().__init__(manifest, max_positions)
        self.tokenizer = tokenizer
        self.model = model
        self.vmap = vmap  # score only the pieces the conversion's vocabulary map lists
        self.workers = model.num_translators if self.kind == "seq2seq" else model.num_generators

    def describe(self) -> str:
        return f"ctranslate2 on {self.model.device} ({self.model.compute_type}{', target-language pieces only' if self.vmap else ''})"

    def count_tokens(self, text: str) -> int:
        if isinstance(self.tokenizer, MarianPieces):
            return len(self.tokenizer.pieces(text, 10**9))
        return len(self.tokenizer(text, add_special_tokens=self.kind == "seq2seq")["input_ids"])

    def chat(self, prompt: str) -> str:
        if self.kind == "causal" and getattr(self.tokenizer, "chat_template", None):
            return self.tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True)
        return prompt

    def _tokens(self, text: str) -> list[str]:
        if isinstance(self.tokenizer, MarianPieces):
            return self.tokenizer.pieces(text, self.max_input_tokens)
        ids = self.tokenizer(text, add_special_tokens=self.kind == "seq2seq", truncation=True, max_length=self.max_input_tokens)["input_ids"]
        return self.tokenizer.convert_ids_to_tokens(ids)

    def _text(self, pieces: list[str]) -> str:
        if isinstance(self.tokenizer, MarianPieces):
            return self.tokenizer.decode(pieces).strip()
        return self.tokenizer.decode(self.tokenizer.convert_tokens_to_ids(pieces), skip_special_tokens=True).strip()

    def generate_batch(self, texts: list[str], params: dict) -> list[str]:
        tokens = [self._tokens(t) for t in texts]
        beams = int(params.get("num_beams", 1))
        max_new = self.new_tokens(params, max(map(len, tokens)))
        # On CPU, split the batch into jobs (sorted by length, order restored by CTranslate2) so every worker
        # has one; a GPU runs the whole batch at once (0: no split), as wide batches are what keep it busy.
        per_job = min(JOB_SENTENCES, math.ceil(len(tokens) / self.workers)) if self.model.device == "cpu" else 0
        options = {"max_batch_size": per_job, "beam_size": beams, "no_repeat_ngram_size": int(params.get("no_repeat_ngram_size", 0)),
                   "length_penalty": float(params.get("length_penalty", 1.0)), "repetition_penalty": float(params.get("repetition_penalty", 1.0))}
        try:
            if self.kind == "seq2seq":
                # Inputs already fit the manifest's limit (generate splits them); CTranslate2's own cut at 1,024 stays off.
                results = self.model.translate_batch(tokens, max_input_length=0, max_decoding_length=max_new, use_vmap=self.vmap,
                                                     min_decoding_length=int(params.get("min_new_tokens", 0)), **options)
                outputs = [r.hypotheses[0] for r in results]
            else:
                # Without the prompt in the result, CTranslate2 counts both lengths from the prompt's end, as transformers does.
                results = self.model.generate_batch(tokens, max_length=max_new, min_length=int(params.get("min_new_tokens", 0)),
                                                    include_prompt_in_result=False, **options)
                outputs = [r.sequences[0] for r in results]
        except RuntimeError as exc:
            # CTranslate2 opens the CUDA libraries it was built against at its first batch on a GPU; a machine with
            # another CUDA (only 13's, say) has the GPU but not them.
            if "cannot be loaded" in str(exc):
                raise ConfigError(f"CTranslate2 cannot run on the GPU: {exc}; {_CUDA_FIX}") from None
            raise
        return [self._text(o) for o in outputs]


_CUDA_FIX = (
    "CTranslate2 4.x needs CUDA 12's libraries: `pip install nvidia-cublas-cu12` and put its lib folder on LD_LIBRARY_PATH, "
    "or run on the CPU (--device cpu), or with transformers on the GPU (SUMMARIZER_USE_CTRANSLATE2=0)"
)
