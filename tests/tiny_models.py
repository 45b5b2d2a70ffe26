"""Tiny real models built at test time: a sentencepiece model trained on the seeds, and 1-layer Marian,
T5 and Llama-style causal models saved with save_pretrained (safetensors), so the tool's real loading and
generation code runs on them exactly as on the real models. Weights are random; outputs are gibberish."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


# English for a target-side sentencepiece model (an OPUS-MT model's target.spm): the seeds' story, as news says it.
ENGLISH = """Russian President Vladimir Putin arrived in Pyongyang on Wednesday for his first visit to North Korea in 24 years.
North Korean leader Kim Jong Un met him at the airport, and the two leaders signed a comprehensive strategic partnership.
The agreement commits each country to help the other if it is attacked, the Kremlin said in a statement.
Western governments fear that North Korea supplies artillery shells and ballistic missiles for the war in Ukraine.
Both countries deny any transfer of weapons, and the White House said it was watching the visit closely.
Kim travelled to Vladivostok by armoured train in September 2023 to meet Putin at a space launch centre.
The president said the visit was important for security in the region and for trade between the two countries.
"""


def train_sentencepiece(seeds: Path | None, folder: Path, vocab_size: int = 400, texts: Sequence[str] = (), name: str = "sp") -> Path:
    """A unigram sentencepiece model trained on the seeds (and texts, when given) in folder, as NAME.model."""
    import sentencepiece as spm

    corpus = folder / f"{name}-corpus.txt"
    text = "\n".join([*(p.read_text(encoding="utf-8") for p in (sorted(seeds.glob("*.txt")) if seeds else [])), *texts])
    corpus.write_text(text + "\nThe president said the visit was important.\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(folder / name), vocab_size=vocab_size, model_type="unigram",
        character_coverage=1.0, pad_id=-1, bos_id=-1, eos_id=1, unk_id=0, minloglevel=2,
    )
    return folder / f"{name}.model"


def build_marian(sp_model: Path, folder: Path, d_model: int = 32, max_positions: int = 256, init_std: float = 0.02,
                 target_sp_model: Path | None = None) -> Path:
    """A 1-layer Marian; init_std 1.0 makes its (random) outputs depend on the input, as small weights do not.

    With target_sp_model, the target side has its own pieces and the vocabulary joins both, as in OPUS-MT."""
    import sentencepiece as spm
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True)
    vocab: dict[str, int] = {}
    for model in dict.fromkeys((sp_model, target_sp_model or sp_model)):
        sp = spm.SentencePieceProcessor(model_file=str(model))
        for piece in (sp.id_to_piece(i) for i in range(sp.get_piece_size())):
            vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    shutil.copy(sp_model, folder / "source.spm")
    shutil.copy(target_sp_model or sp_model, folder / "target.spm")
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(source_spm=str(folder / "source.spm"), target_spm=str(folder / "target.spm"), vocab=str(folder / "vocab.json"))
    size = len(vocab)
    config = MarianConfig(
        vocab_size=size, decoder_vocab_size=size, d_model=d_model, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=2 * d_model, decoder_ffn_dim=2 * d_model,
        max_position_embeddings=max_positions, pad_token_id=size - 1, decoder_start_token_id=size - 1,
        eos_token_id=vocab["</s>"], forced_eos_token_id=vocab["</s>"], init_std=init_std,
    )
    return save_random(MarianMTModel, config, tokenizer, folder)


def build_t5(sp_model: Path, folder: Path) -> Path:
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    folder.mkdir(parents=True)
    tokenizer = T5Tokenizer(vocab_file=str(sp_model), extra_ids=0)
    config = T5Config(vocab_size=400, d_model=32, d_ff=64, num_layers=1, num_decoder_layers=1, num_heads=2, d_kv=16,
                      decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
    return save_random(T5ForConditionalGeneration, config, tokenizer, folder)


def build_causal(sp_model: Path, folder: Path) -> Path:
    import sentencepiece as spm
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    folder.mkdir(parents=True)
    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    # The sentencepiece model's pieces and scores as a `tokenizers` Unigram model (what the
    # transformers converter does, without its protobuf dependency).
    raw = Tokenizer(models.Unigram([(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())], unk_id=sp.unk_id()))
    raw.pre_tokenizer = pre_tokenizers.Metaspace()
    raw.decoder = decoders.Metaspace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw, unk_token="<unk>", eos_token="</s>", pad_token="</s>")
    tokenizer.chat_template = CHAT_TEMPLATE
    config = LlamaConfig(vocab_size=sp.get_piece_size(), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=2048,
                         eos_token_id=1, pad_token_id=1, bos_token_id=None)
    return save_random(LlamaForCausalLM, config, tokenizer, folder)


def save_random(model_class, config, tokenizer, folder: Path) -> Path:
    """Save an untrained model (seeded, so every build is the same) and its tokenizer into folder."""
    import torch

    torch.manual_seed(0)
    model_class(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def write_manifest(home: Path, name: str, task: str, backend: str, max_input_tokens: int, generation: dict, **fields: str) -> None:
    """Register a tiny model the way users register theirs: a manifest in $SUMMARIZER_HOME/manifests."""
    folder = home / "manifests"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'name = "{name}"', f'task = "{task}"', 'licence = "test"', f'backend = "{backend}"', f"max_input_tokens = {max_input_tokens}",
             *(f'{k} = "{v}"' for k, v in fields.items()), "[generation]", *(f"{k} = {v}" for k, v in generation.items())]
    (folder / f"{name}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
