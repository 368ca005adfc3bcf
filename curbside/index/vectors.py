"""Nearest passages to a query vector: exact cosine search, approximate past a size.

Vectors are unit length, so cosine is a dot product: exact search is one matrix-vector
product over a float32 matrix (about 150 MB per 100k passages) and a partial sort. Past
`APPROXIMATE_FROM` vectors an HNSW graph (usearch) proposes candidates, which are then scored
exactly here, so both backends return the same scores for what they return. Ties are broken
by passage pk so the same library and query always rank the same way.
"""

from __future__ import annotations

import numpy as np

from ..store.database import Database
from . import vector_file

# Below this, exact search is cheap enough that a graph is not worth building at every index
# load. bench/vectors.py measured exact search at ~19 CPU ms per query at 100k vectors and ~34
# at 200k (linear; 17 and 32 ms wall on 2 cores), against a one-thread graph build of 39 s and
# 67 s (minutes on a busy machine); its 100 CPU ms budget is reached near 470k-600k vectors.
APPROXIMATE_FROM = 500_000
# The graph proposes this many candidates per result; exact rescoring then keeps the best.
OVERFETCH = 4
# HNSW search breadth: higher finds more of the true neighbours and costs more per query.
EXPANSION_SEARCH = 64
# BLAS sums a row differently by its place in the matrix (about 1e-6 apart), so copies of one
# passage would not tie and a sub-matrix would score a row unlike the full one. Scores are
# rounded well below any difference the model means (its int8 noise is about 1e-3).
SCORE_DECIMALS = 5


class VectorIndex:
    def __init__(self, pks: np.ndarray, matrix: np.ndarray, *, approximate_from: int = APPROXIMATE_FROM):
        if np.any(pks[1:] < pks[:-1]):
            # Rows in pk order make row order the tie-break; from_db already gives that,
            # and then the matrix is kept as loaded rather than copied.
            order = np.argsort(pks, kind="stable")
            pks, matrix = pks[order], matrix[order]
        self.pks = np.asarray(pks, dtype=np.int64)
        self.matrix = np.asarray(matrix, dtype=np.float32)
        self._graph = build_graph(self.pks, self.matrix) if len(self.pks) >= approximate_from else None

    @classmethod
    def from_db(cls, db: Database, **options) -> "VectorIndex":
        """The stored vectors, memory-mapped from the files beside the library (vector_file.py)."""
        pks, matrix = vector_file.load(db.connection(), db.path.parent)
        return cls(pks, matrix, **options)

    def __len__(self) -> int:
        return len(self.pks)

    @property
    def approximate(self) -> bool:
        return self._graph is not None

    def search(self, query_vec: np.ndarray, k: int, candidate_pks: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(passage pk, cosine) of the `k` nearest vectors, best first, ties by pk.

        `candidate_pks` restricts the search to those passages (e.g. a filter's result); it
        is always exact, since a filtered set is small enough to score outright.
        """
        if k <= 0 or len(self.pks) == 0:
            return []
        query = np.asarray(query_vec, dtype=np.float32).reshape(-1)
        if candidate_pks is not None:
            rows = self._rows_of(np.asarray(candidate_pks, dtype=np.int64))
        elif self._graph is not None:
            rows = self._graph_rows(query, k)
        else:
            rows = None
        matrix = self.matrix if rows is None else self.matrix[rows]
        scores = np.round(matrix @ query, SCORE_DECIMALS)
        positions = top_k(scores, k)
        chosen = positions if rows is None else rows[positions]
        return [
            (int(self.pks[row]), round(float(scores[pos]), SCORE_DECIMALS))
            for row, pos in zip(chosen, positions, strict=False)
        ]

    def _rows_of(self, candidate_pks: np.ndarray) -> np.ndarray:
        """Matrix rows of the candidates that have a vector (unknown pks are ignored)."""
        wanted = np.unique(candidate_pks)
        rows = np.searchsorted(self.pks, wanted)
        inside = rows < len(self.pks)
        rows = rows[inside]
        return rows[self.pks[rows] == wanted[inside]]

    def _graph_rows(self, query: np.ndarray, k: int) -> np.ndarray:
        found = self._graph.search(query, min(len(self.pks), k * OVERFETCH), threads=1)
        # Keys are matrix rows; sorted so rescoring sees candidates in pk order.
        return np.sort(np.asarray(found.keys, dtype=np.int64))


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the `k` highest scores, best first; equal scores in position order.

    Everything tied with the k-th score is kept before sorting, so which of a set of equal
    scores makes the cut never depends on argpartition's internal order.
    """
    if k < len(scores):
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        candidates = np.flatnonzero(scores >= kth)
    else:
        candidates = np.arange(len(scores))
    ranked = candidates[np.lexsort((candidates, -scores[candidates]))]
    return ranked[:k]


def build_graph(pks: np.ndarray, matrix: np.ndarray):
    """An HNSW graph over the matrix rows, or None when usearch is not installed."""
    # usearch 2.26.2 to 2.26.6 make a later `import onnxruntime` segfault; onnxruntime
    # imported first is safe with every version, and the encoder needs it anyway.
    import onnxruntime  # noqa: F401

    try:
        from usearch.index import Index
    except ImportError:
        return None
    # int8 in the graph: a third of float32's memory and build time, and the candidates it
    # proposes are rescored from the float32 matrix, so only recall can suffer (bench/vectors.py).
    graph = Index(ndim=matrix.shape[1], metric="cos", dtype="i8", expansion_search=EXPANSION_SEARCH)
    # One thread: the graph then depends only on the vectors and their order, so a library
    # always gets the same graph and the same answers.
    graph.add(np.arange(len(pks), dtype=np.uint64), matrix, threads=1)
    return graph
