"""The model layer on tiny real models: manifests, store, both engines, batching, length limits, cache."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import ctranslate2
import pytest

from summarizer.backends import load_backend
from summarizer.backends.base import batches, fit, generate
from summarizer.backends.ct2 import CT2Backend, MarianPieces, target_pieces
from summarizer.backends.ct2 import convert as convert_ct2
from summarizer.cache import ResultCache, cache_key
from summarizer.cli import app
from summarizer.errors import ConfigError, DownloadError, InputTooLongError, ModelMissingError, OfflineError, UsageError
from summarizer.inference import run_model
from summarizer.models import check_files, convert, import_model, pull, statuses
from summarizer.registry import MANIFESTS, Registry, read_manifest
from summarizer.settings import Settings
from tiny_models import ENGLISH, build_marian, train_sentencepiece, write_manifest

SENTENCES = [
    "قال الكرملين إن بوتين سيزور كوريا الشمالية.",
    "وصل الرئيس الروسي إلى بيونغ يانغ.",
    "ووقع الزعيمان اتفاق شراكة استراتيجية شاملة في جميع المجالات الممكنة بعد محادثات طويلة.",
    "رحب كيم بالضيف.",
]


@pytest.fixture
def registry(tmp_path, tiny_models) -> Registry:
    """A model store with the tiny Marian imported under a user manifest, as a user would do offline."""
    home = tmp_path / "home"
    write_manifest(home, "tiny-marian", "translate", "seq2seq", 64, {"num_beams": 2, "max_new_tokens": 12})
    write_manifest(home, "tiny-causal", "summarize", "causal", 256, {"num_beams": 1, "max_new_tokens": 8})
    reg = Registry.load(Settings.resolve(env={}, home=home, threads=1, device="cpu"))
    import_model(reg, reg.get("tiny-marian"), tiny_models["marian"])
    import_model(reg, reg.get("tiny-causal"), tiny_models["causal"])
    return reg


def test_shipped_manifests_are_valid():
    manifests = {p.stem: read_manifest(p) for p in MANIFESTS.glob("*.toml")}
    assert {"opus-mt-tc-big-ar-en", "opus-mt-ar-en", "mt5-xlsum", "qwen2.5-1.5b-instruct"} <= set(manifests)
    assert manifests["opus-mt-tc-big-ar-en"].default and manifests["opus-mt-tc-big-ar-en"].task == "translate"
    assert "non-commercial" in manifests["mt5-xlsum"].licence
    assert manifests["qwen2.5-1.5b-instruct"].prompt_text().count("{articles}") == 1
    for m in manifests.values():  # pinned: a full commit, or a ref with the commit it must resolve to
        assert re.fullmatch(r"[0-9a-f]{40}", m.revision) or (m.commit and re.fullmatch(r"[0-9a-f]{7,40}", m.commit)), m.name


def test_list_works_with_no_models_and_no_network(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "empty-home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 0, result.output
    assert "opus-mt-tc-big-ar-en" in result.stdout and "CC-BY-4.0" in result.stdout


def test_missing_model_names_the_fix_and_pull_respects_offline(tmp_path):
    reg = Registry.load(Settings.resolve(env={"HF_HUB_OFFLINE": "1"}, home=tmp_path))
    with pytest.raises(ModelMissingError, match="summarizer models pull opus-mt-ar-en"):
        reg.require(reg.get("opus-mt-ar-en"))
    with pytest.raises(OfflineError, match="offline"):
        pull(reg, reg.get("opus-mt-ar-en"))
    with pytest.raises(UsageError, match="known models: .*opus-mt-ar-en"):
        reg.resolve("no-such-model", "translate")


def test_import_wants_a_tokenizer_beside_the_weights(tmp_path, tiny_models):
    registry = Registry.load(Settings.resolve(env={}, home=tmp_path / "home"))
    bare = tmp_path / "bare"
    bare.mkdir()
    for name in ("config.json", "model.safetensors"):
        shutil.copy(tiny_models["marian"] / name, bare / name)
    with pytest.raises(ModelMissingError, match="has no tokenizer for opus-mt-ar-en .*tokenizer.save_pretrained"):
        import_model(registry, registry.get("opus-mt-ar-en"), bare)
    assert not registry.installed(registry.get("opus-mt-ar-en"))


@pytest.mark.parametrize("link", ["outside", "loop", "folder"])
def test_import_refuses_links_that_leave_the_folder_or_loop(tmp_path, tiny_models, link):
    registry = Registry.load(Settings.resolve(env={}, home=tmp_path / "home"))
    folder = tmp_path / "model"
    shutil.copytree(tiny_models["marian"], folder)
    secret = tmp_path / "secret.txt"
    secret.write_text("not a model file")
    {"outside": lambda: (folder / "notes.txt").symlink_to(secret),
     "loop": lambda: (folder / "a").symlink_to(folder / "a"),
     "folder": lambda: (folder / "up").symlink_to(folder)}[link]()
    with pytest.raises(UsageError, match="is a link that leads"):
        import_model(registry, registry.get("opus-mt-ar-en"), folder)
    assert not registry.installed(registry.get("opus-mt-ar-en"))


def test_a_manifest_name_is_a_safe_folder_name(tmp_path):
    path = tmp_path / "evil.toml"
    path.write_text('name = "../../escape"\ntask = "translate"\nlicence = "x"\nbackend = "seq2seq"\nmax_input_tokens = 64\n')
    with pytest.raises(ConfigError, match="must be letters, digits"):
        read_manifest(path)


def test_a_broken_conversion_is_one_error_that_names_the_conversion_as_the_fix(registry):
    manifest = registry.get("tiny-marian")
    model_bin = convert(registry, manifest, "int8") / "model.bin"
    model_bin.write_bytes(model_bin.read_bytes()[:-100])
    with pytest.raises(ModelMissingError, match=r"tiny-marian cannot be loaded from .*ct2 \(RuntimeError: .*to fix: summarizer models convert tiny-marian"):
        run_model("translate", registry, manifest, SENTENCES[:1])


def test_a_hub_id_resolves_to_its_manifest_and_the_fix_it_names_works(runner, tmp_path, monkeypatch, tiny_models):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path))
    reg = Registry.load(Settings.resolve(env={}, home=tmp_path))
    assert reg.resolve("Helsinki-NLP/opus-mt-ar-en", "translate").name == "opus-mt-ar-en"  # its pin and licence
    with pytest.raises(ModelMissingError) as missing:
        reg.require(reg.resolve("org/other-model", "translate"))
    command = missing.value.fix.split("   ")[0].split()[1:]
    assert command == ["models", "pull", "org/other-model"]
    pulled = runner.invoke(app, ["--offline", *command])
    assert pulled.exit_code == 4 and "offline" in pulled.stderr and "unknown model" not in pulled.stderr
    imported = runner.invoke(app, ["models", "import", "org/other-model", str(tiny_models["marian"])])
    assert imported.exit_code == 0, imported.output
    assert Registry.load(Settings.resolve(env={}, home=tmp_path)).installed(reg.resolve("org/other-model", "translate"))
    assert runner.invoke(app, ["models", "convert", "org/other-model"]).exit_code == 0
    other = build_marian(tiny_models["spm"], tmp_path / "other", init_std=1.0)
    replaced = runner.invoke(app, ["models", "import", "org/other-model", str(other)])
    assert replaced.exit_code == 0 and "to fix: summarizer models convert org--other-model" in replaced.stderr  # its name now
    refused = runner.invoke(app, ["models", "import", str(tiny_models["marian"]), str(tiny_models["t5"])])
    assert refused.exit_code == 2 and "model folder already" in refused.stderr


def test_resolve_names_hub_ids_and_folders(registry, tiny_models):
    assert registry.resolve(None, "translate").name == "opus-mt-tc-big-ar-en"
    assert registry.resolve("Helsinki-NLP/opus-mt-ar-en", "translate").hf_id == "Helsinki-NLP/opus-mt-ar-en"
    folder = registry.resolve(str(tiny_models["t5"]), "summarize")
    assert folder.backend == "seq2seq" and registry.installed(folder)
    rows = {r.manifest.name: r for r in statuses(registry)}
    assert rows["tiny-marian"].installed and rows["tiny-marian"].converted == "no"
    assert not rows["opus-mt-ar-en"].installed


@pytest.mark.parametrize("kind", ["marian", "t5"])
def test_transformers_seq2seq_generates_in_input_order(registry, tiny_models, kind):
    manifest = registry.resolve(str(tiny_models[kind]), "translate")
    backend = load_backend(manifest, registry.require(manifest), registry.settings)
    assert backend.engine == "transformers"
    params = {"num_beams": 1, "max_new_tokens": 6}
    together = generate(backend, SENTENCES, params, batch_tokens=40)  # several length-sorted batches
    alone = [generate(backend, [s], params)[0] for s in SENTENCES]
    assert [g.text for g in together] == [g.text for g in alone]
    assert all(g.pieces == 1 for g in together)


def test_causal_lm_with_chat_template(registry):
    manifest = registry.get("tiny-causal")
    backend = load_backend(manifest, registry.require(manifest), registry.settings)
    prompt = backend.chat("لخص الخبر")
    assert prompt.startswith("<|user|>لخص الخبر") and prompt.endswith("<|assistant|>")
    (out,) = generate(backend, [prompt], {"max_new_tokens": 5})
    assert isinstance(out.text, str) and "<|user|>" not in out.text
    with pytest.raises(InputTooLongError, match="over the model's 256"):
        generate(backend, [backend.chat(" ".join(SENTENCES * 20))], {"max_new_tokens": 5})  # never cut silently


def test_ctranslate2_conversion_and_generation(registry):
    manifest = registry.get("tiny-marian")
    target = convert(registry, manifest, "float32")
    assert (target / "model.bin").exists()
    plain = registry.settings.__class__.resolve(env={}, home=registry.settings.home, use_ctranslate2=False)
    hf = load_backend(manifest, registry.require(manifest), plain)
    ct2 = load_backend(manifest, registry.require(manifest), registry.settings, target)
    assert (hf.engine, ct2.engine) == ("transformers", "ctranslate2")
    params = {"num_beams": 1, "max_new_tokens": 6}
    # float32 CTranslate2 and transformers decode the same greedy tokens from the same weights; at the
    # length limit transformers forces EOS (Marian's forced_eos_token_id) one token before CTranslate2 stops.
    for fast, slow in zip(generate(ct2, SENTENCES, params), generate(hf, SENTENCES, params)):
        assert fast.text.startswith(slow.text) and len(hf.tokenizer.tokenize(fast.text)) - len(hf.tokenizer.tokenize(slow.text)) <= 1
    assert convert(registry, manifest, "int8") == target and registry.conversion(manifest) == (target, "int8")  # replaced
    # The CTranslate2 path tokenises OPUS-MT models with sentencepiece alone, as MarianTokenizer does.
    assert ct2.tokenizer.pieces(SENTENCES[0], 512) == hf.tokenizer.convert_ids_to_tokens(hf.tokenizer(SENTENCES[0])["input_ids"])
    assert all(ct2.count_tokens(s) == hf.count_tokens(s) for s in SENTENCES)


def test_new_weights_under_a_name_miss_the_cache_and_stale_its_conversion(registry, tiny_models, tmp_path, monkeypatch):
    manifest = registry.get("tiny-marian")
    convert(registry, manifest, "float32")
    cache = ResultCache(registry.settings.home / "cache.sqlite")
    loads = []

    def spy(manifest, model_dir, settings, converted_dir=None):
        loads.append(converted_dir)
        return load_backend(manifest, model_dir, settings, converted_dir)

    monkeypatch.setattr("summarizer.inference.load_backend", spy)
    before = run_model("translate", registry, manifest, SENTENCES, cache)
    assert loads == [registry.converted_dir(manifest)]
    # The same name, other weights (say, a re-import after fine-tuning): neither the cached outputs nor
    # the conversion made from the old weights may stand in for them.
    import_model(registry, manifest, build_marian(tiny_models["spm"], tmp_path / "other", init_std=1.0))
    assert registry.conversion(manifest) == (None, "stale")
    assert {r.manifest.name: r.converted for r in statuses(registry)}["tiny-marian"] == "stale"
    after = run_model("translate", registry, manifest, SENTENCES, cache)
    assert loads[1:] == [None] and after != before  # generated afresh, by transformers
    assert convert(registry, manifest, "int8") and registry.conversion(manifest)[1] == "int8"


def test_two_model_folders_with_one_name_do_not_share_cached_outputs(registry, tiny_models, tmp_path):
    cache = ResultCache(registry.settings.home / "cache.sqlite")
    first = registry.resolve(str(build_marian(tiny_models["spm"], tmp_path / "a" / "model", init_std=1.0)), "translate")
    second = registry.resolve(str(build_marian(tiny_models["spm"], tmp_path / "b" / "model", init_std=0.5)), "translate")
    assert first.name == second.name and registry.fingerprint(first) != registry.fingerprint(second)
    outputs = [run_model("translate", registry, m, SENTENCES, cache, max_new_tokens=6) for m in (first, second)]
    assert outputs[0] != outputs[1]


def test_pull_downloads_the_verified_commit_and_records_it(tmp_path, tiny_models, monkeypatch):
    import huggingface_hub

    home = tmp_path / "home"
    write_manifest(home, "hub-marian", "translate", "seq2seq", 64, {"num_beams": 1}, hf_id="org/marian", revision="refs/pr/1", commit="abc1")
    registry = Registry.load(Settings.resolve(env={}, home=home))
    manifest = registry.get("hub-marian")
    asked = []
    hub = {"sha": "abc1" + "0" * 36}

    def model_info(self, repo_id, revision=None, **kwargs):
        asked.append(("info", repo_id, revision))
        if hub["sha"] is None:
            raise ConnectionError("Name or service not known")
        return SimpleNamespace(sha=hub["sha"])

    def snapshot_download(repo_id, revision, local_dir, allow_patterns, **kwargs):
        asked.append(("download", repo_id, revision))
        shutil.copytree(tiny_models["marian"], local_dir, dirs_exist_ok=True)
        (Path(local_dir) / ".cache" / "huggingface").mkdir(parents=True)  # as the Hub client leaves it
        return local_dir

    monkeypatch.setattr(huggingface_hub.HfApi, "model_info", model_info)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)
    target = pull(registry, manifest)
    assert asked == [("info", "org/marian", "refs/pr/1"), ("download", "org/marian", hub["sha"])]  # exactly that commit
    assert registry.installed(manifest) and not (target / ".cache").exists()
    assert registry.fingerprint(manifest) == hub["sha"]
    # The PR ref moved: nothing is downloaded and the installed model stays as it was.
    hub["sha"] = "fff" + "0" * 37
    with pytest.raises(ConfigError, match="not the verified abc1"):
        pull(registry, manifest)
    assert asked[-1][0] == "info" and registry.fingerprint(manifest) == "abc1" + "0" * 36
    hub["sha"] = None
    with pytest.raises(DownloadError, match="Name or service not known.*summarizer models pull hub-marian"):
        pull(registry, manifest)
    assert registry.installed(manifest) and not list(target.parent.glob(".hf-*"))
    # The files are those the pull downloaded; a changed or lost one is named.
    assert check_files(registry, manifest) == (True, "all 7 files are as pulled at revision refs/pr/1 (commit abc100000000)")
    weights = next(target.glob("*.safetensors"))
    weights.write_bytes(weights.read_bytes()[:-1] + b"x")
    (target / "vocab.json").unlink()
    assert check_files(registry, manifest) == (False, f"files differ from what the pull downloaded (changed: {weights.name}; missing: vocab.json)")


def test_ctranslate2_workers_split_a_batch_and_keep_its_order(tmp_path, tiny_models):
    model_dir = build_marian(tiny_models["spm"], tmp_path / "marian", init_std=1.0)
    convert_ct2(model_dir, tmp_path / "ct2", "float32")
    write_manifest(tmp_path / "home", "sensitive", "translate", "seq2seq", 64, {"num_beams": 1})
    settings = Settings.resolve(env={}, home=tmp_path / "home", threads=2, device="cpu")
    backend = load_backend(Registry.load(settings).get("sensitive"), model_dir, settings, tmp_path / "ct2")
    assert backend.workers == 2 and backend.model.num_translators == 2
    texts = [SENTENCES[i % 4] + " نعم" * (i % 3) for i in range(11)]  # 11 inputs, lengths out of order: 3 jobs
    together = generate(backend, texts, {"max_new_tokens": 6})
    alone = [generate(backend, [t], {"max_new_tokens": 6})[0] for t in texts]
    assert [g.text for g in together] == [g.text for g in alone]
    assert len({g.text for g in alone}) > 3  # outputs differ by input, so a mix-up would show


def test_an_opus_mt_decoder_scores_only_its_target_languages_pieces_on_ctranslate2(tmp_path, tiny_models):
    """A joint Arabic+English vocabulary: the conversion lists target.spm's pieces, and CTranslate2 writes only those."""
    english = train_sentencepiece(None, tmp_path, vocab_size=120, texts=[ENGLISH], name="english")
    model_dir = build_marian(tiny_models["spm"], tmp_path / "marian", init_std=1.0, target_sp_model=english)
    vocab = json.loads((model_dir / "vocab.json").read_text(encoding="utf-8"))
    allowed = set(target_pieces(model_dir))
    assert "▁Korea" in allowed and "▁بوتين" in vocab and "▁بوتين" not in allowed and len(allowed) < 0.4 * len(vocab)
    assert target_pieces(tiny_models["marian"]) is None  # one sentencepiece model for both sides: nothing to leave out
    write_manifest(tmp_path / "home", "joint", "translate", "seq2seq", 64, {"num_beams": 2, "max_new_tokens": 8})
    registry = Registry.load(Settings.resolve(env={}, home=tmp_path / "home", threads=1, device="cpu"))
    manifest = registry.get("joint")
    import_model(registry, manifest, model_dir)
    converted = convert(registry, manifest, "int8")
    assert set((converted / "vmap.txt").read_text(encoding="utf-8").removeprefix("\t").split()) == allowed
    cache = ResultCache(registry.settings.home / "cache.sqlite")
    restricted = run_model("translate", registry, manifest, SENTENCES, cache)
    arabic = re.compile("[\u0600-\u06ff]")
    assert all(g.text and not arabic.search(g.text) for g in restricted)
    # SUMMARIZER_USE_VMAP=0: the whole vocabulary, random weights pick Arabic pieces; not served from the cache above.
    whole = Registry.load(Settings.resolve(env={"SUMMARIZER_USE_VMAP": "0"}, home=tmp_path / "home", threads=1, device="cpu"))
    unrestricted = run_model("translate", whole, manifest, SENTENCES, cache)
    assert any(arabic.search(g.text) for g in unrestricted)
    assert load_backend(manifest, registry.require(manifest), registry.settings, converted).describe() == (
        "ctranslate2 on cpu (int8_float32, target-language pieces only)")


def test_a_gpu_without_ctranslate2s_cuda_libraries_is_one_clear_error(registry):
    """As on a machine with only CUDA 13's libraries (seen on an H100): the GPU is found, the first batch fails."""
    manifest = registry.get("tiny-marian")

    def translate_batch(*args, **kwargs):
        raise RuntimeError("Library libcublas.so.12 is not found or cannot be loaded")  # CTranslate2 4.8.5's words

    gpu = SimpleNamespace(num_translators=1, device="cuda", translate_batch=translate_batch)
    backend = CT2Backend(manifest, MarianPieces(registry.require(manifest)), gpu)
    with pytest.raises(ConfigError, match=r"libcublas\.so\.12 is not found.*nvidia-cublas-cu12.*--device cpu"):
        generate(backend, SENTENCES, {"num_beams": 1})


def test_ctranslate2_causal_generator(registry):
    manifest = registry.get("tiny-causal")
    target = convert(registry, manifest, "int8")
    backend = load_backend(manifest, registry.require(manifest), registry.settings, target)
    assert backend.engine == "ctranslate2" and backend.kind == "causal"
    prompt = backend.chat("لخص الخبر")
    assert prompt.endswith("<|assistant|>")
    outputs = generate(backend, [prompt, backend.chat("ما الذي حدث؟")], {"max_new_tokens": 5})
    assert len(outputs) == 2 and all(isinstance(o.text, str) and "<|user|>" not in o.text for o in outputs)


def test_a_causal_model_writes_min_new_tokens_before_stopping_on_both_engines(tmp_path, tiny_models):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = tmp_path / "eager"  # a model that always wants to stop at once
    model = AutoModelForCausalLM.from_pretrained(tiny_models["causal"])
    with torch.no_grad():
        model.model.embed_tokens.weight[:, 0] += 10.0  # one hidden dimension large and positive everywhere...
        for layer in model.model.layers:  # ...kept so, as the layers add nothing to the residual stream...
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        model.lm_head.weight[model.config.eos_token_id, 0] = 100.0  # ...and read out as EOS
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(tiny_models["causal"]).save_pretrained(folder)
    convert_ct2(folder, tmp_path / "ct2", "float32")
    write_manifest(tmp_path / "home", "eager", "summarize", "causal", 256, {})
    outputs = {}
    for ct2 in (False, True):
        settings = Settings.resolve(env={}, home=tmp_path / "home", device="cpu", use_ctranslate2=ct2)
        backend = load_backend(Registry.load(settings).get("eager"), folder, settings, tmp_path / "ct2" if ct2 else None)
        prompt = backend.chat("لخص الخبر")
        assert generate(backend, [prompt], {"max_new_tokens": 6})[0].text == ""
        outputs[backend.engine] = generate(backend, [prompt], {"max_new_tokens": 6, "min_new_tokens": 3})[0].text
    assert outputs["ctranslate2"] == outputs["transformers"] and len(outputs["transformers"]) >= 3


def test_long_input_is_split_at_sentences_never_cut(registry):
    manifest = registry.get("tiny-marian")
    backend = load_backend(manifest, registry.require(manifest), registry.settings)
    long_text = " ".join(SENTENCES * 3)
    assert backend.count_tokens(long_text) > backend.max_input_tokens
    parts = fit(long_text, backend.count_tokens, backend.max_input_tokens)
    assert len(parts) > 1 and " ".join(parts) == long_text
    assert all(backend.count_tokens(p) <= backend.max_input_tokens for p in parts)
    assert all(p.endswith(".") for p in parts)  # cut at sentence ends
    (out,) = generate(backend, [long_text], {"num_beams": 1, "max_new_tokens": 4})
    assert out.pieces == len(parts)


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_weights_with_fewer_positions_than_the_manifest_says_set_the_limits(tmp_path, tiny_models, engine):
    """Weights of 24 positions imported under a manifest of 512 in, 512 out: inputs are split to fit and outputs
    stop at 24 tokens, where going past them stopped the run ("no position encodings … >= 24")."""
    home = tmp_path / "home"
    write_manifest(home, "short", "translate", "seq2seq", 512, {"num_beams": 2, "max_new_tokens": 512})
    registry = Registry.load(Settings.resolve(env={}, home=home, threads=1, device="cpu"))
    manifest = registry.get("short")
    import_model(registry, manifest, build_marian(tiny_models["spm"], tmp_path / "short", max_positions=24, init_std=1.0))
    converted = convert(registry, manifest, "int8") if engine == "ctranslate2" else None
    backend = load_backend(manifest, registry.require(manifest), registry.settings, converted)
    assert backend.engine == engine and (backend.max_positions, backend.max_input_tokens) == (24, 24)
    long_text = " ".join(SENTENCES * 2)
    (out,) = generate(backend, [long_text], manifest.generation)
    assert out.pieces > 1 and out.text


def test_a_causal_model_generates_within_the_positions_its_prompt_leaves(registry, tiny_models):
    manifest = registry.get("tiny-causal")
    backend = load_backend(manifest, registry.require(manifest), registry.settings)
    assert backend.max_positions == 2048  # the tiny Llama's max_position_embeddings
    wide = dataclasses.replace(manifest, max_input_tokens=4000, generation={"max_new_tokens": 100})
    assert load_backend(wide, registry.require(manifest), registry.settings).max_input_tokens == 1948  # room for the answer
    assert backend.new_tokens({"max_new_tokens": 5000}, 2000) == 48 and backend.new_tokens({"max_new_tokens": 8}, 2000) == 8
    t5 = load_backend(dataclasses.replace(manifest, backend="seq2seq"), tiny_models["t5"], registry.settings)
    assert t5.max_positions is None and t5.new_tokens({}, 10**6) == 256  # relative positions: no limit


def test_batches_are_length_sorted_within_budget():
    lengths = [5, 50, 7, 48, 6, 49]
    groups = batches(lengths, max_tokens=100)
    assert sorted(i for g in groups for i in g) == list(range(6))
    assert groups[0] == [1, 5]  # the longest together
    assert all(max(lengths[i] for i in g) * len(g) <= 100 for g in groups)


def test_cache_serves_repeats_without_loading_a_model(registry, monkeypatch):
    cache = ResultCache(registry.settings.home / "cache.sqlite")
    manifest = registry.get("tiny-marian")
    first = run_model("translate", registry, manifest, SENTENCES + SENTENCES[:1], cache)
    assert first[0] == first[-1]

    def no_model(*args, **kwargs):
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr("summarizer.inference.load_backend", no_model)
    assert run_model("translate", registry, manifest, SENTENCES, cache) == first[:-1]
    # Different generation parameters are a different result.
    with pytest.raises(ModelMissingError, match="cache should have answered"):  # what a loading failure becomes
        run_model("translate", registry, manifest, SENTENCES[:1], cache, num_beams=1)


def test_cache_key_depends_on_everything_that_changes_the_output():
    def key(stage="translate", model="m", weights="r1", engine="ct2 int8", beams=4, text="نص"):
        return cache_key(stage, model, weights, engine, {"num_beams": beams}, text)

    assert key() == key(text="نَصّ")  # normalised input
    others = [key(stage="summarize"), key(model="m2"), key(weights="r2"), key(engine="transformers float32"), key(beams=1)]
    assert len({key(), *others}) == 6


@pytest.fixture
def loaded(monkeypatch) -> list[str]:
    """The engines run_model loads, in order (a run served from the cache loads none)."""
    engines = []

    def spy(manifest, model_dir, settings, converted_dir=None):
        backend = load_backend(manifest, model_dir, settings, converted_dir)
        engines.append(backend.describe())
        return backend

    monkeypatch.setattr("summarizer.inference.load_backend", spy)
    return engines


def test_another_engine_or_precision_is_not_served_from_the_cache(registry, loaded, monkeypatch):
    manifest = registry.get("tiny-marian")
    convert(registry, manifest, "int8")
    cache = ResultCache(registry.settings.home / "cache.sqlite")
    run_model("translate", registry, manifest, SENTENCES, cache)
    # A user who turns the conversion off, or asks it for float32, wants what that produces, not int8's cached outputs.
    for changed in ({"use_ctranslate2": False}, {"compute_type": "float32"}):
        other = Registry.load(dataclasses.replace(registry.settings, **changed))
        run_model("translate", other, manifest, SENTENCES, cache)
    run_model("translate", registry, manifest, SENTENCES, cache)  # the first again: all cached
    assert loaded == ["ctranslate2 on cpu (int8_float32)", "transformers on cpu (float32)", "ctranslate2 on cpu (float32)"]
    monkeypatch.setenv("CT2_FORCE_CPU_ISA", "GENERIC")  # other CPU kernels: the default kernels' outputs are not theirs
    run_model("translate", registry, manifest, SENTENCES, cache)
    assert len(loaded) == 4


def test_device_auto_is_cached_as_the_device_it_picks(registry, loaded):
    """auto runs on the CPU where there is no GPU, so it shares --device cpu's outputs; on a GPU it runs float16, so not."""
    manifest = registry.get("tiny-marian")
    convert(registry, manifest, "int8")
    cache = ResultCache(registry.settings.home / "cache.sqlite")
    for device in ("auto", "cpu", "auto", "cpu"):
        run_model("translate", Registry.load(dataclasses.replace(registry.settings, device=device)), manifest, SENTENCES, cache)
    cpu = "ctranslate2 on cpu (int8_float32)"
    assert loaded == (["ctranslate2 on cuda (float16)", cpu] if ctranslate2.get_cuda_device_count() else [cpu])


_CACHE_HIT = """
import json, sys
from pathlib import Path
from summarizer.cache import ResultCache
from summarizer.inference import run_model
from summarizer.registry import Registry
from summarizer.settings import Settings
home = Path(sys.argv[1])
registry = Registry.load(Settings.resolve(env={}, home=home, threads=1))  # device auto
outputs = run_model("translate", registry, registry.get("tiny-marian"), json.loads(sys.argv[2]), ResultCache(home / "cache.sqlite"))
print(json.dumps({"texts": [g.text for g in outputs], "torch": "torch" in sys.modules}))
"""


@pytest.mark.skipif(sys.platform != "linux" or any(Path("/dev").glob("nvidia*")), reason="where a GPU may be, auto asks torch")
def test_a_cache_hit_on_a_machine_without_a_gpu_does_not_import_torch(registry):
    """auto must be decided to key the cache; where /dev shows no GPU it is the CPU, without torch's seconds of import."""
    manifest = registry.get("tiny-marian")
    first = run_model("translate", registry, manifest, SENTENCES, ResultCache(registry.settings.cache_path))  # --device cpu
    args = [sys.executable, "-c", _CACHE_HIT, str(registry.settings.home), json.dumps(SENTENCES)]
    again = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    assert again == {"texts": [g.text for g in first], "torch": False}


def test_new_weights_under_a_name_replace_the_loaded_model_in_a_running_process(registry, tmp_path, tiny_models):
    manifest = registry.get("tiny-marian")
    before = [g.text for g in run_model("translate", registry, manifest, SENTENCES)]
    other = build_marian(tiny_models["spm"], tmp_path / "other", init_std=1.0)
    import_model(registry, manifest, other)  # a long-lived process (a notebook, a service) sees new weights
    after = [g.text for g in run_model("translate", registry, manifest, SENTENCES)]
    fresh = generate(load_backend(manifest, other, registry.settings), SENTENCES, dict(manifest.generation))
    assert after == [g.text for g in fresh] != before


def test_corrupt_cache_is_set_aside(tmp_path):
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"garbage" * 1000)
    warnings = []
    cache = ResultCache(path, warnings.append)
    cache.put_many("translate", "m", {"k": {"text": "v"}})
    assert cache.get_many(["k"]) == {"k": {"text": "v"}} and len(warnings) == 1
    assert list(tmp_path.glob("cache.sqlite.corrupt-*"))


def test_damaged_rows_of_a_sound_cache_are_set_aside_and_computed_again(tmp_path):
    path = tmp_path / "cache.sqlite"
    with ResultCache(path) as cache:
        cache.put_many("translate", "m", {"k": {"text": "v"}, "k2": {"text": "v2"}, "k3": {"text": "v3"}})
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE results SET output = 'not json' WHERE key = 'k'")
        conn.execute("""UPDATE results SET output = '{"text": "v2", "pieces": "two"}' WHERE key = 'k2'""")
    warnings = []
    with ResultCache(path, warnings.append) as cache:
        assert cache.get_many(["k", "k2", "k3"]) == {"k3": {"text": "v3"}}
        cache.put_many("translate", "m", {"k": {"text": "new"}})
        assert cache.get_many(["k", "k2"]) == {"k": {"text": "new"}}
    assert len(warnings) == 1 and "2 damaged row(s) of results" in warnings[0], warnings
    assert list(tmp_path.glob("cache.sqlite.corrupt-*"))


def test_a_cache_held_by_another_process_is_one_warning_and_stays_as_it_is(tmp_path, monkeypatch):
    """A write that waits past BUSY_SECONDS (it crashed the run) gives up the cache for this run; the file is sound and
    serves the next one."""
    import summarizer.db

    path = tmp_path / "cache.sqlite"
    with ResultCache(path) as cache:
        cache.put_many("translate", "m", {"k": {"text": "v"}})
    monkeypatch.setattr(summarizer.db, "BUSY_SECONDS", 0.1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # as a writer in another process would
    warnings = []
    locked = ResultCache(path, warnings.append)
    locked.put_many("translate", "m", {"k2": {"text": "v2"}})
    assert locked.get_many(["k"]) == {} and len(warnings) == 1 and "going on without it" in warnings[0]
    holder.rollback()
    holder.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name) == []
    assert ResultCache(path).get_many(["k", "k2"]) == {"k": {"text": "v"}}


def test_a_cache_that_stops_taking_writes_is_one_warning(tmp_path):
    warnings = []
    cache = ResultCache(tmp_path / "cache.sqlite", warnings.append)
    cache.conn.execute("PRAGMA query_only = ON")  # as a disk turned read-only, or full, would answer
    cache.put_many("translate", "m", {"k": {"text": "v"}})
    cache.put_many("translate", "m", {"k2": {"text": "v2"}})
    assert cache.get_many(["k"]) == {} and len(warnings) == 1 and "readonly" in warnings[0]


def _writer(path: str, start: int) -> None:
    from pathlib import Path

    cache = ResultCache(Path(path))
    for i in range(start, start + 200):
        cache.put_many("translate", "m", {f"k{i}": {"text": f"v{i}"}})


def test_two_processes_can_write_the_cache_at_once(tmp_path):
    path = tmp_path / "cache.sqlite"
    ResultCache(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), n * 200)) for n in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert sqlite3.connect(path).execute("SELECT count(*) FROM results").fetchone() == (400,)


def test_models_cli_import_convert_verify(runner, tmp_path, tiny_models, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SUMMARIZER_HOME", str(home))
    write_manifest(home, "tiny-marian", "translate", "seq2seq", 64, {"num_beams": 2, "max_new_tokens": 8})
    assert runner.invoke(app, ["models", "verify", "tiny-marian"]).exit_code == 4  # not installed yet
    result = runner.invoke(app, ["models", "import", "tiny-marian", str(tiny_models["marian"])])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["models", "verify", "tiny-marian"])
    assert result.exit_code == 0 and "loaded with transformers on cpu (float32)" in result.stdout, result.output
    # In a process of its own, as a user runs it: transformers' own "Loading weights" bars must not run over ours.
    converted = subprocess.run([sys.executable, "-m", "summarizer", "models", "convert", "tiny-marian"], capture_output=True, text=True,
                               env={**os.environ, "SUMMARIZER_HOME": str(home)})
    assert converted.returncode == 0 and "Loading weights" not in converted.stderr and "it/s" not in converted.stderr, converted.stderr
    result = runner.invoke(app, ["--device", "cpu", "models", "verify", "tiny-marian"])
    assert "loaded with ctranslate2 on cpu (int8" in result.stdout, result.output
    if not ctranslate2.get_cuda_device_count():  # asking for a GPU that is not there is one line, not a traceback
        result = runner.invoke(app, ["--device", "cuda", "models", "verify", "tiny-marian"])
        assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
            "summarizer: error: device cuda (--device or SUMMARIZER_DEVICE): CTranslate2 finds no CUDA device on this machine; use auto or cpu"
        ]
    listing = runner.invoke(app, ["models", "list"]).stdout
    assert "tiny-marian" in listing


def test_import_under_any_name_reads_the_kind_and_claims_no_revision(runner, tmp_path, monkeypatch, tiny_models, seeds_dir):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    imported = runner.invoke(app, ["models", "import", "my-mt", str(tiny_models["marian"])])
    assert imported.exit_code == 0, imported.output
    listed = runner.invoke(app, ["models", "list"]).stdout
    assert "my-mt" in listed and "imported folder (fingerprint" in listed.replace("\n", " ").replace("│", " ")
    assert runner.invoke(app, ["models", "convert", "my-mt"]).exit_code == 0
    causal = runner.invoke(app, ["models", "import", "local/tiny-causal", str(tiny_models["causal"]), "--task", "summarize"])
    assert causal.exit_code == 0, causal.output
    manifest = Registry.load(Settings.resolve(env={}, home=tmp_path / "home")).resolve("local/tiny-causal", "summarize")
    assert (manifest.backend, manifest.task) == ("causal", "summarize")  # read from config.json, not guessed from the name
    assert runner.invoke(app, ["models", "verify", "local/tiny-causal"]).exit_code == 0
    result = runner.invoke(app, ["brief", str(seeds_dir), "--translator", "my-mt", "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    (briefing,) = (tmp_path / "out").glob("briefing-*[0-9].json")  # not the .run.json beside it
    data = json.loads(briefing.read_text(encoding="utf-8"))
    (row,) = [m for m in data["models"] if m["name"] == "my-mt"]
    assert row["revision"] is None and row["provenance"].startswith("imported folder (fingerprint ")
    footer = next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8").rsplit("Models: ", 1)[1]
    assert "my-mt (unknown (imported folder: see where it came from), imported folder (fingerprint " in footer
    assert runner.invoke(app, ["models", "import", "nope", str(tmp_path / "missing")]).stderr.strip().endswith("no such folder: " + str(tmp_path / "missing"))
