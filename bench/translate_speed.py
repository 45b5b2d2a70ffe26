"""Translation speed: transformers fp32 vs CTranslate2 int8, side by side, and the result cache.

Architecture-equivalent random-weight models (the configs of opus-mt-ar-en and opus-mt-tc-big-ar-en,
untrained weights; the real weights cannot be downloaded here), a 16,000-piece sentencepiece vocabulary
trained on the seeds and the shared evaluation articles (so inputs are about as long as the real tokenizers'
would make them; 1,000 pieces from the seeds alone when ../shared/eval is absent), 2 threads, beam 4,
batches of 32 Arabic sentences from the seeds, every output forced to the same length on both engines.
CTranslate2 runs as the tool runs it (two workers of one thread, each translating part of the batch, scoring
only the target language's pieces: a vocabulary map of the real models' 32,000 English pieces) and, for
comparison, over the whole vocabulary, as one worker of two threads, in float32 (what the engine gains apart
from int8) and, on AVX-512 CPUs, with its experimental AVX-512 kernels (CT2_FORCE_CPU_ISA=AVX512). --baseline-python adds
transformers from another interpreter, for other transformers/torch versions (plain generate, same model
and batch). CTranslate2's published CPU figure used transformers 4.26.1 and torch 1.13.1; such an
interpreter: python3.11 -m venv old && old/bin/pip install torch==1.13.1 transformers==4.26.1 "numpy<2"
sentencepiece sacremoses safetensors (torch 1.13.1's PyPI wheel bundles CUDA 11: about 0.9 GB).
Each engine lives in its own process (so its peak memory is its own), loaded and warmed up once. This
machine's speed drifts from minute to minute (a shared VM: the host steals CPU in bursts), so the engines
take turns a batch at a time, the order rotating each round; a round's batches run seconds apart, and the
speed-up reported is the median of the rounds' ratios.
The host's steal during each batch (/proc/stat) is logged beside it.

With --device cuda the same models run on the GPU: transformers fp32 and fp16 against CTranslate2
float16 (the tool's default there) and int8_float16, converted from float16 weights; GPU memory is
each process's own, read from NVML.

Run: python bench/translate_speed.py [--device cpu|cuda] [--rounds 10] [--length 48] [--batch 32] [--baseline-python PYTHON]
Writes results/benchmarks.md (section "translate-speed"; "translate-speed-cuda" for the GPU; a batch
other than 32 adds "-batchN").
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import EVAL, ROOT, machine, write_section

sys.path.insert(0, str(ROOT / "tests"))

# From the models' config.json on the Hub (model type marian, 6+6 layers, shared embeddings).
CONFIGS = {
    "opus-mt-ar-en": dict(vocab_size=62834, d_model=512, heads=8, ffn=2048, activation="swish", max_positions=512),
    "opus-mt-tc-big-ar-en": dict(vocab_size=61109, d_model=1024, heads=16, ffn=4096, activation="relu", max_positions=1024),
}
THREADS = 2
BEAMS = 4
BATCH = 32
# Engine runs by device: (label, backend, precision, CTranslate2 workers); the first is the baseline, the
# second the tool's default. Conversions are made in CONVERTED_AS (float32 runs on CPU: unquantized) and
# turned into the precision on load.
ENGINES = {
    "cpu": {
        "transformers": ("transformers fp32", "transformers", "float32", 0),
        "ctranslate2": ("CTranslate2 int8, 2 workers × 1 thread", "ctranslate2", "int8", 0),
        "ctranslate2-1worker": ("CTranslate2 int8, 1 worker × 2 threads", "ctranslate2", "int8", 1),
        "ctranslate2-float32": ("CTranslate2 float32, 2 workers × 1 thread", "ctranslate2", "float32", 0),
        "ctranslate2-avx512": ("CTranslate2 int8, 2 workers × 1 thread, AVX-512 kernels", "ctranslate2", "int8", 0),
        "ctranslate2-whole": ("CTranslate2 int8, 2 workers × 1 thread, whole vocabulary", "ctranslate2", "int8", 0),
    },
    "cuda": {
        "transformers": ("transformers fp32", "transformers", "float32", 0),
        "ctranslate2": ("CTranslate2 float16", "ctranslate2", "float16", 0),
        "ctranslate2-int8_float16": ("CTranslate2 int8_float16", "ctranslate2", "int8_float16", 0),
        "transformers-float16": ("transformers fp16", "transformers", "float16", 0),
    },
}
CONVERTED_AS = {"cpu": "int8", "cuda": "float16"}
# Runs that score the whole joint vocabulary (SUMMARIZER_USE_VMAP=0); every other CTranslate2 run, as the tool does,
# scores only the target language's pieces. The real models' English sentencepiece models have 32,000 pieces
# (OPUS-MT's spm32k; about half of each joint vocabulary); the bench's tokenizer is one Arabic model for both sides,
# so its conversions get a vocabulary map of the real size instead (the first 32,000 entries).
WHOLE_VOCABULARY = {"ctranslate2-whole"}
TARGET_PIECES = 32000
# Environment of a run's worker process (read by CTranslate2 when it starts).
RUN_ENV = {"ctranslate2-avx512": {"CT2_FORCE_CPU_ISA": "AVX512"}}
# transformers from --baseline-python: plain generate in another interpreter (not the tool's backend).
OTHER = "transformers-other"
# Arabic news to train the bench's tokenizer on (read in place, never copied). Input length drives the encoder's
# share of the work, so it should be near the real models': their Arabic sentencepiece vocabularies have 32k pieces,
# and the seeds alone are too little text for more than 1,000 (2.1 pieces a word on the batch, against 1.5 here).
TOKENIZER_TEXTS = ("stories/articles.jsonl", "stories/more_articles_2018-05-14_15.jsonl", "summaries/bbc_arabic_dev150.jsonl")
TOKENIZER_PIECES = 16000


def seed_sentences(n: int) -> list[str]:
    """n Arabic sentences from the cleaned seeds (repeated if needed)."""
    from summarizer.arabic import split_sentences
    from summarizer.pipeline import load_articles
    from summarizer.records import Article
    from summarizer.settings import Settings

    sentences = [s for a in load_articles([str(ROOT / "seeds")], Settings.resolve(env={})) if isinstance(a, Article) for s in split_sentences(a.text)]
    return [sentences[i % len(sentences)] for i in range(n)]


def tokenizer(folder: Path) -> tuple[Path, str]:
    """The bench's sentencepiece model and a phrase saying what it was trained on."""
    from tiny_models import train_sentencepiece

    files = [EVAL / name for name in TOKENIZER_TEXTS]
    if not all(f.exists() for f in files):
        print(f"note: {EVAL} not found; tokenizing with 1,000 pieces trained on the seeds (inputs will be longer than real)", file=sys.stderr)
        return train_sentencepiece(ROOT / "seeds", folder, vocab_size=1000), "a 1,000-piece sentencepiece model trained on the seeds (the shared evaluation articles were absent)"
    texts = [json.loads(line)["text"] for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    model = train_sentencepiece(ROOT / "seeds", folder, vocab_size=TOKENIZER_PIECES, texts=texts)
    return model, f"a {TOKENIZER_PIECES:,}-piece sentencepiece model trained on the seeds and the {len(texts)} Arabic articles of `../shared/eval/` (stories, summaries)"


def pieces_per_word(sp_model: Path, sentences: list[str]) -> float:
    """Sentencepiece pieces per whitespace word over the sentences."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    return sum(len(sp.encode(s)) for s in sentences) / sum(len(s.split()) for s in sentences)


def build(name: str, folder: Path, sp_model: Path) -> Path:
    """A random-weight Marian with the named model's architecture, tokenised by sp_model (see tokenizer())."""
    from tiny_models import build_marian, save_random
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    model_dir = build_marian(sp_model, folder / name)
    c = CONFIGS[name]
    small = MarianConfig.from_pretrained(model_dir)
    # The real vocabulary size: the seeds' pieces, then unused entries, then <pad> last (as in OPUS-MT).
    vocab = json.loads((model_dir / "vocab.json").read_text(encoding="utf-8"))
    pad = vocab.pop("<pad>")
    vocab.update({f"<unused{i}>": i for i in range(pad, c["vocab_size"] - 1)})
    vocab["<pad>"] = c["vocab_size"] - 1
    (model_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    for stale in ("tokenizer_config.json", "special_tokens_map.json"):
        (model_dir / stale).unlink(missing_ok=True)
    tokenizer = MarianTokenizer(source_spm=str(model_dir / "source.spm"), target_spm=str(model_dir / "target.spm"), vocab=str(model_dir / "vocab.json"))
    config = MarianConfig(
        vocab_size=c["vocab_size"], decoder_vocab_size=c["vocab_size"], d_model=c["d_model"], encoder_layers=6, decoder_layers=6,
        encoder_attention_heads=c["heads"], decoder_attention_heads=c["heads"], encoder_ffn_dim=c["ffn"], decoder_ffn_dim=c["ffn"],
        activation_function=c["activation"], max_position_embeddings=c["max_positions"], scale_embedding=True,
        pad_token_id=c["vocab_size"] - 1, decoder_start_token_id=c["vocab_size"] - 1, eos_token_id=small.eos_token_id,
        forced_eos_token_id=None,  # outputs are forced to a fixed length on both engines
    )
    return save_random(MarianMTModel, config, tokenizer, model_dir)


def serve(device: str, run: str, model_dir: Path, converted: Path, length: int, sentences_file: Path) -> None:
    """Worker process for one engine: load it, warm up, then time one batch for each "run" line on stdin.

    Answers one JSON line per request: {"ready", "label"} once loaded, {"seconds", "steal"} per batch, and
    {"peak_mb", "engine_mb", "gpu_mb"} on any other line, then exits.
    """
    sentences = json.loads(sentences_file.read_text(encoding="utf-8"))
    if run == OTHER:
        before_mb = _rss_mb()
        one_batch, label = _plain_transformers(model_dir, sentences, length)
    else:
        from summarizer.backends import generate  # noqa: F401 - the tool's modules count as the harness, for every engine

        before_mb = _rss_mb()  # the harness itself (Python, the tool's modules): the same for both engines
        one_batch, label = _tool_engine(device, run, model_dir, converted, sentences, length), ENGINES[device][run][0]
    one_batch()  # warm-up
    print(json.dumps({"ready": True, "label": label}), flush=True)
    for line in sys.stdin:
        if line.strip() != "run":
            break
        cpu_before, start = _cpu_jiffies(), time.perf_counter()
        one_batch()
        seconds, cpu_after = time.perf_counter() - start, _cpu_jiffies()
        steal = (cpu_after[7] - cpu_before[7]) / max(1, sum(cpu_after) - sum(cpu_before)) if cpu_before else None
        print(json.dumps({"seconds": seconds, "steal": steal}), flush=True)
    peak_mb = _peak_mb()
    print(json.dumps({"peak_mb": peak_mb, "engine_mb": peak_mb - before_mb, "gpu_mb": _gpu_mb() if device == "cuda" else None}), flush=True)


def _tool_engine(device: str, run: str, model_dir: Path, converted: Path, sentences: list[str], length: int):
    """Load a run's engine through the tool's backends; a function that translates the batch once."""
    from summarizer.backends import generate, load_backend
    from summarizer.registry import Manifest
    from summarizer.settings import Settings

    manifest = Manifest("bench", "translate", None, "local", "test", "seq2seq", 512, local_dir=model_dir)
    _, engine, precision, workers = ENGINES[device][run]
    settings = Settings.resolve(env={}, threads=THREADS, workers=workers, device=device, use_ctranslate2=engine == "ctranslate2",
                                use_vmap=run not in WHOLE_VOCABULARY, batch_tokens=10**9,
                                **({"compute_type": precision} if engine == "ctranslate2" else {"dtype": precision}))
    backend = load_backend(manifest, model_dir, settings, converted)
    assert backend.engine == engine
    if engine == "ctranslate2":  # imported only now: ctranslate2 must not weigh on the transformers process
        from summarizer.backends.ct2 import thread_split

        assert backend.workers == thread_split(device, THREADS, workers)[0] and backend.vmap == (run not in WHOLE_VOCABULARY)
        assert backend.model.device == device and backend.model.compute_type in (precision, f"{precision}_float32"), backend.model.compute_type
    else:
        assert (backend.device, str(backend.model.dtype)) == (device, f"torch.{precision}")
    params = {"num_beams": BEAMS, "min_new_tokens": length, "max_new_tokens": length}
    return lambda: generate(backend, sentences, params, batch_tokens=10**9)


def _plain_transformers(model_dir: Path, sentences: list[str], length: int):
    """The batch through plain transformers generate, for --baseline-python (whose transformers may be too old
    for the tool): a function that translates it once, and a label naming the versions."""
    import torch
    import transformers
    from transformers import AutoTokenizer, MarianMTModel

    torch.set_num_threads(THREADS)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir).eval()

    def one_batch() -> None:
        with torch.inference_mode():
            inputs = tokenizer(sentences, return_tensors="pt", padding=True)
            output = model.generate(**inputs, num_beams=BEAMS, do_sample=False, min_new_tokens=length, max_new_tokens=length)
        assert output.shape[1] == length + 1, output.shape  # the start token, then exactly `length`

    return one_batch, f"transformers {transformers.__version__} fp32 (torch {torch.__version__.split('+')[0]}), plain generate"


def real_size_vmap(model_dir: Path, converted: Path) -> None:
    """Give a conversion a vocabulary map as large as the real models' target side (see TARGET_PIECES)."""
    vocab = json.loads((model_dir / "vocab.json").read_text(encoding="utf-8"))
    kept = sorted(vocab, key=vocab.get)[:TARGET_PIECES]
    (converted / "vmap.txt").write_text("\t" + " ".join(kept) + "\n", encoding="utf-8")


class Engine:
    """One engine's worker process, driven a batch at a time."""

    def __init__(self, device: str, run: str, model_dir: Path, converted: Path, length: int, sentences: Path, python: str = sys.executable):
        command = [python, __file__, "--worker", run, str(model_dir), str(converted), "--device", device, "--length", str(length), "--sentences", str(sentences)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, **RUN_ENV.get(run, {})})
        self.label = self.ask(None)["label"]  # wait until loaded and warm, so no two engines load at once

    def ask(self, request: str | None) -> dict:
        """Send a request line (None: just read) and return the worker's JSON answer."""
        if request is not None:
            self.process.stdin.write(request + "\n")
            self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith("{"):
                return json.loads(line)
        raise RuntimeError(f"bench worker exited with {self.process.wait()}")

    def close(self) -> dict:
        """Stop the worker; its peak memory."""
        answer = self.ask("quit")
        self.process.stdin.close()
        self.process.wait()
        return answer


def _peak_mb() -> float:
    """Peak resident memory of this process's own address space.

    Not getrusage's ru_maxrss: Linux carries that across exec, so a worker started by a large parent
    (this script, holding a freshly built model) would report the parent's size as its own peak.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    """Resident memory of this process now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _nvml_device():
    """NVML's handle on the first GPU, or None where there is no NVML (library or driver)."""
    try:
        import pynvml

        pynvml.nvmlInit()
        return pynvml.nvmlDeviceGetHandleByIndex(0)
    except Exception as error:  # noqa: BLE001 - no pynvml (ImportError), no library (OSError), no driver (NVMLError)
        print(f"note: NVML unavailable ({error})", file=sys.stderr)
    return None


def _gpu_mb() -> float | None:
    """GPU memory this process holds now (NVML: CUDA context, weights and the allocator's cache, which both
    engines keep, so after the batches it is their peak); None where NVML cannot say."""
    handle = _nvml_device()
    if handle is None:
        return None
    import pynvml

    used = [p.usedGpuMemory for p in pynvml.nvmlDeviceGetComputeRunningProcesses(handle) if p.pid == os.getpid()]
    return used[0] / 2**20 if used and used[0] is not None else None


def gpu_name() -> str:
    """The GPU's name as NVML gives it, or "GPU" where it cannot."""
    handle = _nvml_device()
    if handle is None:
        return "GPU"
    import pynvml

    name = pynvml.nvmlDeviceGetName(handle)
    return name.decode() if isinstance(name, bytes) else name


def paired(batches: dict[str, list[dict]], slow: str, fast: str) -> list[float]:
    """Per-round ratios of two runs' seconds, sorted: a round's batches ran seconds apart, so drift cancels."""
    return sorted(a["seconds"] / b["seconds"] for a, b in zip(batches[slow], batches[fast]))


def _listed(ratios: list[float], digits: int = 1) -> str:
    """Per-round ratios as the notes list them."""
    return ", ".join(f"{x:.{digits}f}" for x in ratios)


def _has_avx512() -> bool:
    """Whether this CPU has the AVX-512 subsets CTranslate2's AVX-512 kernels need (it refuses to start without them)."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            flags = next((line.split(":", 1)[1].split() for line in cpuinfo if line.startswith("flags")), [])
    except OSError:
        return False
    return {"avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw"} <= set(flags)


def _cpu_jiffies() -> list[int]:
    """The machine's CPU time so far by kind (/proc/stat: user … steal …); empty where there is no /proc."""
    try:
        with open("/proc/stat") as stat:
            return [int(x) for x in stat.readline().split()[1:]]
    except OSError:
        return []


def cache_speed(model_dir: Path, home: Path) -> tuple[float, float]:
    """Seconds for a first and a second (cached) translation of the same 32 sentences."""
    from summarizer.cache import ResultCache
    from summarizer.inference import run_model
    from summarizer.registry import Registry
    from summarizer.settings import Settings

    registry = Registry.load(Settings.resolve(env={}, home=home, threads=THREADS, use_ctranslate2=False))
    manifest = registry.resolve(str(model_dir), "translate")
    cache = ResultCache(home / "cache.sqlite")
    sentences = seed_sentences(BATCH)
    start = time.perf_counter()
    run_model("translate", registry, manifest, sentences, cache, num_beams=BEAMS, max_new_tokens=48, min_new_tokens=48)
    first = time.perf_counter() - start
    start = time.perf_counter()
    run_model("translate", registry, manifest, sentences, cache, num_beams=BEAMS, max_new_tokens=48, min_new_tokens=48)
    return first, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", choices=sorted(ENGINES), default="cpu", help="where the engines run")
    parser.add_argument("--rounds", type=int, default=10, help="timed batches per engine, the engines taking turns")
    parser.add_argument("--length", type=int, default=48, help="target tokens per sentence, forced on both engines")
    parser.add_argument("--batch", type=int, default=BATCH, help="sentences per batch")
    parser.add_argument("--baseline-python", metavar="PYTHON", help="also time transformers fp32 in this interpreter (CPU only; other versions)")
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "MODEL", "CONVERTED"), help=argparse.SUPPRESS)
    parser.add_argument("--sentences", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        engine, model_dir, converted = args.worker
        serve(args.device, engine, Path(model_dir), Path(converted), args.length, args.sentences)
        return

    from summarizer.backends.ct2 import JOB_SENTENCES, convert

    gpu = args.device == "cuda"
    if gpu and args.baseline_python:
        parser.error("--baseline-python is for the CPU bench")
    runs = {run: spec for run, spec in ENGINES[args.device].items() if run != "ctranslate2-avx512" or _has_avx512()}
    if args.baseline_python:
        runs[OTHER] = ("", "transformers", "float32", 0)  # labelled with the versions its worker reports
    rows, notes, verdicts = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sp_model, trained_on = tokenizer(folder)
        batch = seed_sentences(args.batch)
        per_word = pieces_per_word(sp_model, batch)
        sentences = folder / "sentences.json"  # every worker reads the batch from here (another interpreter cannot import the tool)
        sentences.write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
        for name in CONFIGS:
            model_dir = build(name, folder, sp_model)
            engines = {}
            for run, (_, backend, precision, _) in runs.items():
                quantization = "float32" if precision == "float32" and not gpu else CONVERTED_AS[args.device]
                converted = folder / f"{name}-ct2-{quantization}"
                if backend == "ctranslate2" and not converted.exists():
                    convert(model_dir, converted, quantization)
                    real_size_vmap(model_dir, converted)
                python = args.baseline_python if run == OTHER else sys.executable
                engines[run] = Engine(args.device, run, model_dir, converted, args.length, sentences, python)
            labels = {run: engine.label for run, engine in engines.items()}
            batches: dict[str, list[dict]] = {run: [] for run in runs}
            for turn in range(args.rounds):
                for run in list(runs)[turn % len(runs):] + list(runs)[: turn % len(runs)]:
                    batches[run].append(engines[run].ask("run"))
            memory = {run: engine.close() for run, engine in engines.items()}
            tokens = args.batch * args.length
            seconds = {run: statistics.median(b["seconds"] for b in batches[run]) for run in runs}
            for run in runs:
                steal = [b["steal"] for b in batches[run] if b["steal"] is not None]
                gpu_mb = memory[run]["gpu_mb"]
                rows.append(
                    f"| {name} | {labels[run]} | {seconds[run]:.3f} | {tokens / seconds[run]:,.0f} | "
                    + (f"{gpu_mb:,.0f} | " if gpu and gpu_mb is not None else "n/a | " if gpu else "")
                    + f"{memory[run]['peak_mb']:.0f} | {memory[run]['engine_mb']:.0f} | {f'{statistics.median(steal):.1%}' if steal else 'n/a'} |"
                )
            hf, first_note = memory["transformers"], len(notes)
            for run in list(runs)[1:]:
                if run == OTHER:
                    others, tool = paired(batches, "transformers", OTHER), statistics.median(paired(batches, OTHER, "ctranslate2"))
                    notes.append(
                        f"- {name}, {labels[run]}: **{statistics.median(others):.2f}×** the tokens/s of the tool's transformers fp32 "
                        f"(rounds, sorted: {_listed(others, 2)}); CTranslate2 int8 as the tool runs it: **{tool:.1f}×** its tokens/s."
                    )
                if runs[run][1] != "ctranslate2":
                    continue
                speedups = paired(batches, "transformers", run)
                speedup = statistics.median(speedups)
                if gpu:
                    fp16 = statistics.median(paired(batches, "transformers-float16", run))
                    used = [memory[r]["gpu_mb"] for r in ("transformers", run)]
                    memory_note = f"GPU memory **{used[1] / used[0]:.2f}×** transformers fp32's" if None not in used else "GPU memory not readable (NVML)"
                    notes.append(
                        f"- {name}, {runs[run][0]}: **{speedup:.1f}×** the tokens/s of transformers fp32 (rounds, sorted: "
                        f"{_listed(speedups)}) and **{fp16:.1f}×** transformers fp16's; {memory_note}."
                    )
                    continue
                ratio = memory[run]["peak_mb"] / hf["peak_mb"]
                notes.append(
                    f"- {name}, {runs[run][0]}: **{speedup:.1f}×** the tokens/s of transformers fp32 (rounds, sorted: "
                    f"{_listed(speedups)}); its process peaks at **{ratio:.2f}×** the "
                    f"memory, and the engine and model add **{memory[run]['engine_mb'] / hf['engine_mb']:.2f}×** as much."
                )
                if run == "ctranslate2":  # the goal is judged on the tool's own layout
                    met = speedup >= 4 and ratio <= 0.5
                    verdicts.append(f"{name} {'met' if met else 'missed'} ({speedup:.1f}×, {ratio:.2f}× the memory)")
            if "ctranslate2-float32" in runs:
                engine, int8 = paired(batches, "transformers", "ctranslate2-float32"), paired(batches, "ctranslate2-float32", "ctranslate2")
                notes.append(
                    f"- {name}, the speed-up taken apart: CTranslate2 in float32 gives **{statistics.median(engine):.1f}×** transformers fp32's "
                    f"tokens/s, and int8 then **{statistics.median(int8):.1f}×** CTranslate2 float32's (rounds, sorted: {_listed(int8)})."
                )
            if "ctranslate2-whole" in runs:
                whole = paired(batches, "ctranslate2-whole", "ctranslate2")
                notes.append(
                    f"- {name}, the target-language vocabulary: scoring {TARGET_PIECES:,} of its {CONFIGS[name]['vocab_size']:,} entries "
                    f"makes CTranslate2 int8 **{statistics.median(whole):.2f}×** as fast as scoring them all (rounds, sorted: {_listed(whole, 2)})."
                )
            print(*rows[-len(runs):], *notes[first_note:], sep="\n", file=sys.stderr)
        if not gpu:
            first, second = cache_speed(folder / "opus-mt-ar-en", folder / "home")
            notes.append(f"- Result cache: the same 32 sentences translated again took {second * 1000:.1f} ms instead of {first:.2f} s: **{first / second:.0f}×** faster (opus-mt-ar-en shape, transformers).")
            print(notes[-1], file=sys.stderr)

    command = (f"`python bench/translate_speed.py{' --device cuda' if gpu else ''} --rounds {args.rounds} --length {args.length}"
               f"{f' --batch {args.batch}' if args.batch != BATCH else ''}{' --baseline-python PYTHON' if args.baseline_python else ''}`")
    models = ("architecture-equivalent random-weight models (the real configs: 6+6 layers, d_model 512 / 1024, vocabularies of "
              f"62,834 / 61,109), beam {BEAMS}, one batch of {args.batch} Arabic sentences from the seeds, every output forced to "
              f"{args.length} tokens on every engine (min = max length)")
    timing = ("Each engine runs in its own process, loaded and warmed up once; then "
              f"{args.rounds} rounds of one batch per engine, the order rotating, so a round's batches run seconds apart. Seconds are "
              "the median over rounds; the speed-up is the median of the rounds' ratios")
    tokens_note = (f"Inputs are tokenized by {trained_on}: {per_word:.2f} pieces per Arabic word on this batch. The real models' own "
                   "tokenizers (32k Arabic pieces, trained on far more text) cannot be downloaded here; they likely cut words no finer than this.")
    if gpu:
        section, gpu_label = "translate-speed-cuda", gpu_name()
        body = (
            f"## Translation speed on a GPU ({gpu_label}), batches of {args.batch}: transformers vs CTranslate2\n\n{command} — {models}. "
            "transformers in fp32 (the goal's baseline) and fp16 (what the tool loads on a GPU when no conversion is "
            "present); CTranslate2 converted from float16 weights and run as float16 (the tool's default on a GPU) "
            "and int8_float16, each batch whole (no split into jobs on a GPU). "
            f"{timing}. 'GPU MB' is the process's own GPU memory after its batches (NVML; the CUDA context, the weights and "
            "the allocator's cache, which both engines keep, so it is their peak); host columns as in the CPU table. "
            f"{tokens_note} Machine: {machine()}, {gpu_label}.\n\n"
            "| model shape | engine | s / batch | target tokens/s | GPU MB | process peak MB (host) | added by engine + model, MB (host) | steal |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n\n" + "\n".join(notes) + "\n"
        )
    else:
        section = "translate-speed"
        body = (
            f"## Translation speed: transformers vs CTranslate2, and the cache\n\n{command} — {models}, {THREADS} threads. "
            "CTranslate2 as the tool runs it on CPU (two workers, one "
            f"thread each, each translating part of the batch, in jobs of at most {JOB_SENTENCES} sentences sorted by length; the weights "
            "are shared; and scoring only the target language's pieces, which the tool's conversion lists in a vocabulary map: OPUS-MT "
            "models share one vocabulary between Arabic and English, and their decoders were only ever trained to write the English "
            f"sentencepiece model's pieces, {TARGET_PIECES:,} in the real models, so the bench's conversions list that many entries, as "
            "its one Arabic tokenizer serves both sides); for comparison, over the whole vocabulary (`SUMMARIZER_USE_VMAP=0`), "
            "as one worker with both threads (the same jobs, one after another), in float32 (converted "
            "without quantization: what the engine gains apart from int8), and"
            + (" with its experimental AVX-512 kernels (`CT2_FORCE_CPU_ISA=AVX512`; by default CTranslate2 runs its own kernels as AVX2 "
               "even on AVX-512 CPUs, while its matrix products come from oneMKL, which uses AVX-512 and AMX where present). " if "ctranslate2-avx512" in runs
               else " (this CPU has no AVX-512) without the AVX-512 row. ")
            + (f"`PYTHON` is another interpreter, with {labels[OTHER].removesuffix(', plain generate')}: the versions "
               "behind CTranslate2's own published CPU table (OPUS-MT en-de: 147.3 target tokens/s for transformers, 696.1 for CTranslate2 int8, "
               "4.7×; 4 threads of a Cascade Lake Xeon, c5.2xlarge): plain `generate` on the same model and batch, outside the tool. "
               if args.baseline_python else "")
            + f"{timing} (this shared VM's speed drifts from minute to minute, and pairing cancels most of it); 'steal' is the share of the "
            "machine's CPU time the host took during that engine's batches (median over rounds). Peak memory is a process's "
            "maximum resident set over its whole life (VmHWM: getrusage's figure would carry this script's own size into the "
            "workers); 'added' subtracts what the process held before "
            "loading the engine (Python and the tool's modules, the same for both). "
            f"{tokens_note} Shorter inputs shrink the encoder's share of the work, where int8 gains most. Machine: {machine()}.\n\n"
            "| model shape | engine | s / batch | target tokens/s | process peak MB | added by engine + model, MB | steal |\n|---|---|---:|---:|---:|---:|---:|\n"
            + "\n".join(rows) + "\n\n" + "\n".join(notes) + "\n\nGoal: CTranslate2 int8 at least 4× the tokens/s of transformers "
            "fp32 with at most half its memory; second run from the cache at least 20× faster. For the tool's layout: "
            + "; ".join(verdicts) + ".\n"
        )
    write_section(section + (f"-batch{args.batch}" if args.batch != BATCH else ""), body)


if __name__ == "__main__":
    main()
