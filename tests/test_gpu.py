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
    """A model home and two tiny Marians with float32 conversions beside it: "small" (small weights, as trained
    models have, so half precision does not overflow) and "sensitive" (large random weights: its outputs depend
    on the input, so a mix-up or a numerical difference shows)."""
    root = tmp_path_factory.mktemp("gpu")
    shutil.copytree(tiny_models["marian"], root / "small")
    build_marian(tiny_models["spm"], root / "sensitive", init_std=1.0)
    for name in ("small", "sensitive"):
        convert(root / name, root / f"{name}-ct2", "float32")
    write_manifest(root / "home", "tiny", "translate", "seq2seq", 64, {"num_beams": 1})
    return root


def backend(root: Path, name: str, device: str, ct2: bool, **precision):
    """Model name loaded on device by one engine."""
    settings = Settings.resolve(env={}, home=root / "home", device=device, use_ctranslate2=ct2, **precision)
    return load_backend(Registry.load(settings).get("tiny"), root / name, settings, root / f"{name}-ct2" if ct2 else None)


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
