"""Both engines on a GPU, where there is one (skipped elsewhere, CI included): device auto picks it, and the
outputs are those of the CPU."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tiny_models import build_marian, write_manifest

from summarizer.backends import load_backend
from summarizer.backends.base import generate
from summarizer.backends.ct2 import convert
from summarizer.cli import app
from summarizer.registry import Registry
from summarizer.settings import Settings

torch = pytest.importorskip("torch")
ctranslate2 = pytest.importorskip("ctranslate2")
needs_torch_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="torch sees no CUDA device")
needs_ct2_cuda = pytest.mark.skipif(ctranslate2.get_cuda_device_count() == 0, reason="CTranslate2 sees no CUDA device")

# Inputs of 11 lengths, out of order, so sorting and order restoring are exercised.
TEXTS = [
    ("قال الكرملين إن بوتين سيزور كوريا الشمالية." + " نعم" * (i % 3), "وصل الرئيس الروسي إلى بيونغ يانغ.", "رحب كيم بالضيف.")[i % 3]
    + " ووقع الزعيمان اتفاق شراكة" * (i % 4)
    for i in range(11)
]
GREEDY = {"num_beams": 1, "max_new_tokens": 8}


@pytest.fixture(scope="module")
def models(tmp_path_factory, tiny_models) -> Path:
    """A model home and, with float32 conversions beside them, two tiny Marians: "small" (small weights, as trained
    models have, so half precision does not overflow) and "sensitive" (large random weights: its outputs depend
    on the input, so a mix-up or a numerical difference shows), and the tiny causal LM ("causal")."""
    root = tmp_path_factory.mktemp("gpu")
    shutil.copytree(tiny_models["marian"], root / "small")
    shutil.copytree(tiny_models["causal"], root / "causal")
    build_marian(tiny_models["spm"], root / "sensitive", init_std=1.0)
    for name in ("small", "sensitive", "causal"):
        convert(root / name, root / f"{name}-ct2", "float32")
    write_manifest(root / "home", "tiny", "translate", "seq2seq", 64, {"num_beams": 1})
    write_manifest(root / "home", "causal", "summarize", "causal", 256, {"num_beams": 1})
    return root


def backend(root: Path, name: str, device: str, ct2: bool, **precision):
    """Model name loaded on device by one engine."""
    settings = Settings.resolve(env={}, home=root / "home", device=device, use_ctranslate2=ct2, **precision)
    manifest = Registry.load(settings).get("causal" if name == "causal" else "tiny")
    return load_backend(manifest, root / name, settings, root / f"{name}-ct2" if ct2 else None)


@needs_torch_cuda
def test_transformers_on_the_gpu_by_default_in_half_precision_with_the_cpus_outputs(models):
    gpu = backend(models, "small", "auto", False)
    assert gpu.device == "cuda" and next(gpu.model.parameters()).is_cuda and gpu.model.dtype == torch.float16
    assert all(g.text for g in generate(gpu, TEXTS, {"num_beams": 4, "max_new_tokens": 8}))  # half precision decodes
    full = backend(models, "sensitive", "cuda", False, dtype="float32")
    cpu = backend(models, "sensitive", "cpu", False)
    outputs = [g.text for g in generate(full, TEXTS, GREEDY)]
    assert outputs == [g.text for g in generate(cpu, TEXTS, GREEDY)]
    assert len(set(outputs)) > 3  # the outputs differ by input, so a mix-up would show


@needs_ct2_cuda
def test_ctranslate2_on_the_gpu_by_default_runs_whole_batches_with_the_cpus_outputs(models):
    gpu = backend(models, "small", "auto", True)
    assert (gpu.engine, gpu.model.device, gpu.model.compute_type, gpu.workers) == ("ctranslate2", "cuda", "float16", 1)
    assert all(g.text for g in generate(gpu, TEXTS, {"num_beams": 4, "max_new_tokens": 8}))
    full = backend(models, "sensitive", "cuda", True, compute_type="float32")
    cpu = backend(models, "sensitive", "cpu", True, compute_type="float32")
    outputs = [g.text for g in generate(full, TEXTS, GREEDY, batch_tokens=10**6)]  # one batch of 11, not split into jobs
    assert outputs == [g.text for g in generate(cpu, TEXTS, GREEDY)]
    assert outputs == [generate(full, [t], GREEDY)[0].text for t in TEXTS]  # order restored
    assert len(set(outputs)) > 3


@pytest.mark.parametrize("ct2", [pytest.param(False, marks=needs_torch_cuda), pytest.param(True, marks=needs_ct2_cuda)])
def test_a_causal_summarizer_on_the_gpu_gives_the_cpus_outputs(models, ct2):
    full_precision = {"compute_type": "float32"} if ct2 else {"dtype": "float32"}
    gpu = backend(models, "causal", "auto", ct2)
    assert gpu.describe() == f"{'ctranslate2' if ct2 else 'transformers'} on cuda (float16)"
    prompts = [gpu.chat(t) for t in TEXTS[:4]]
    assert all(isinstance(g.text, str) for g in generate(gpu, prompts, GREEDY))  # half precision decodes
    outputs = [g.text for g in generate(backend(models, "causal", "cuda", ct2, **full_precision), prompts, GREEDY)]
    assert outputs == [g.text for g in generate(backend(models, "causal", "cpu", ct2, **full_precision), prompts, GREEDY)]
    assert len(set(outputs)) > 1


@needs_torch_cuda
@needs_ct2_cuda
def test_the_cli_verifies_a_model_on_the_gpu_and_on_the_cpu_when_asked(runner, tiny_models, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path))
    write_manifest(tmp_path, "tiny", "translate", "seq2seq", 64, {"num_beams": 2, "max_new_tokens": 8})
    assert runner.invoke(app, ["models", "import", "tiny", str(tiny_models["marian"])]).exit_code == 0
    result = runner.invoke(app, ["models", "verify", "tiny"])
    assert result.exit_code == 0 and "loaded with transformers on cuda (float16)" in result.stdout, result.output
    assert runner.invoke(app, ["models", "convert", "tiny", "--quantization", "float16"]).exit_code == 0
    result = runner.invoke(app, ["models", "verify", "tiny"])
    assert result.exit_code == 0 and "loaded with ctranslate2 on cuda (float16)" in result.stdout, result.output
    result = runner.invoke(app, ["--device", "cpu", "models", "verify", "tiny"])
    assert result.exit_code == 0 and "loaded with ctranslate2 on cpu (int8" in result.stdout, result.output  # int8 on CPU

