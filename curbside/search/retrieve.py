"""Hybrid search: BM25 with field weights + MiniLM vectors, fused, then an evidence-aware rerank.

Each part can be switched off through `SearchOptions`, which is how bench/retrieval.py
measures what each part adds.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from ..model import Hit
from ..store import sources as store
from .rerank import RerankWeights, note_other_conditions, rerank
from .understand import Question, understand

RERANK_DEPTH = 60
# A question word whose every stem is in at least this share of the library's passages is left out
# of the full-text query: its BM25 weight is small and its posting list is most of the query's time.
# bench/retrieval.py, LiveQA: off 0.5028 nDCG@10 (search p50 23.8 ms), 0.10 0.5017 (19.3 ms), 0.05
# 0.5095 (18.7 ms); demo library search p50 56 ms off, 47 at 0.10, 39 at 0.05. bench/clinician.py:
# 128 must-haves off and at 0.10, 124 at 0.05 (other topic sources for two cases).
COMMON_TERM_SHARE = 0.1
# A long question (a consumer's whole message, a clinician's vignette) keeps its rarest terms only:
# the query's time grows with its terms (correlation 0.87 over LiveQA on the demo library) and the
# frequent ones add little. bench/retrieval.py, same run: LiveQA nDCG@10 0.5029 with every term,
# 0.5066 keeping 10, 0.5095 keeping 14; demo library search p50/p95 31.6-32.8/67-74 ms -> 30.0-30.3/49
# ms at 14 (interleaved runs).
# bench/clinician.py: 155 must-haves with every term; 142 at 10, 149 at 12, 157 at 14, 156 at 16
# and 18, 154 at 20.
MAX_LEXICAL_TERMS = 14
# Terms rarer than this share count as rare alike (only the frequent stems' shares are kept).
STEM_SHARE_FLOOR = 0.002
_FTS_TOKEN = re.compile(r"[^\W_]+")  # letters and digits in any script, as FTS5 unicode61 splits
# The vector leg (encode the question, scan the matrix) runs beside the full-text query: ONNX
# Runtime, numpy and SQLite each release the GIL, so on two cores the two legs overlap instead of
# adding up (bench/retrieval.py --demo-library, interleaved runs: p50 35.8/33.9 -> 34.0/32.9 ms,
# p95 79/75 -> 74/66 ms).
_VECTOR_LEG = ThreadPoolExecutor(max_workers=4, thread_name_prefix="curbside-vector-leg")


@dataclass(frozen=True)
class SearchOptions:
    understand: bool = True  # strip chatter, find condition/intent; off = the raw question text
    expansion: bool = True  # abbreviations and MeSH/MedQuAD synonyms added to the lexical query
    lexical: bool = True
    vectors: bool = True
    fusion: str = "rrf"  # "rrf" or "weighted"
    rerank: bool = True
    per_source_cap: int = 3  # so one long guideline cannot fill the page
    candidates: int = 100  # from each retriever, before fusion
    rrf_k: int = 60
    field_weights: tuple[float, float, float] = (2.0, 1.5, 1.0)  # bm25 weights: title, section, text
    lexical_query: str = "keywords"  # "keywords" (chatter removed) or "raw" (every word of the message)
    # What the encoder reads: "full" (the whole message) or "focus" (the asking sentences only).
    # On LiveQA the whole message scored higher: the story around a question carries its topic.
    vector_query: str = "full"
    audience: str = "physician"
    weights: RerankWeights = RerankWeights()

    def but(self, **changes) -> "SearchOptions":
        return replace(self, **changes)


def fts_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression OR-ing words and quoted phrases (no FTS syntax from users)."""
    parts, seen = [], set()
    for term in terms:
        words = _FTS_TOKEN.findall(term.lower())
        if not words:
            continue
        phrase = " ".join(words)
        if phrase in seen:
            continue
        seen.add(phrase)
        parts.append(f'"{phrase}"')
    return " OR ".join(parts)


def lexical_search(
    conn,
    terms: list[str],
    limit: int,
    weights=(1.0, 1.0, 1.0),
    shares: dict[str, float] | None = None,
    max_terms: int = 0,
    common_share: float = COMMON_TERM_SHARE,
) -> list[tuple[int, float]]:
    """(passage pk, score) by FTS5 BM25; higher is better (bm25() is negated). With `shares` (the
    share of passages each frequent stem is in), terms whose every stem is in `common_share` of
    the passages are left out while another term remains, and of more than `max_terms` terms the
    rarest are kept. A phrase counts as frequent as its most frequent word, so a question's own
    telling words come before the many-word synonyms added for them (the other way, keeping a
    phrase as rare as its rarest word, found 146 must-haves instead of 157 in bench/clinician.py)."""
    if shares:
        stem_shares = {term: [shares.get(stem, 0.0) for stem in store.stems(term)] or [0.0] for term in terms}
        terms = [t for t in terms if min(stem_shares[t]) < common_share] or terms
        distinct = list(dict.fromkeys(terms))
        if max_terms and len(distinct) > max_terms:
            rarest = sorted(distinct, key=lambda t: (max(stem_shares[t]), distinct.index(t)))[:max_terms]
            terms = [t for t in terms if t in set(rarest)]
    query = fts_query(terms)
    if not query:
        return []
    return store.bm25_matches(conn, query, weights, limit)


def _lexical_terms(q: Question, options: SearchOptions) -> list[str]:
    if not options.understand:
        return _FTS_TOKEN.findall(q.text.lower())
    terms = _FTS_TOKEN.findall(q.normalized.lower()) if options.lexical_query == "raw" else list(q.keywords)
    if options.expansion:
        terms += q.expansions
    return terms


def _vector_text(q: Question, options: SearchOptions) -> str:
    if not options.understand or options.vector_query == "full":
        return q.text
    return q.focus_text or q.text


def fuse(ranked_lists: dict[str, list[tuple[int, float]]], options: SearchOptions) -> dict[int, dict[str, float]]:
    """Per passage: each retriever's rank contribution and the fused score."""
    fused: dict[int, dict[str, float]] = {}
    for name, hits in ranked_lists.items():
        if not hits:
            continue
        top = hits[0][1] or 1.0
        for rank, (pk, score) in enumerate(hits):
            entry = fused.setdefault(pk, {"fused": 0.0})
            entry[name] = score
            if options.fusion == "rrf":
                contribution = 1.0 / (options.rrf_k + rank + 1)
            else:  # score normalised by the best hit of that retriever
                contribution = score / top
            entry[f"{name}_part"] = contribution
            entry["fused"] += contribution
    return fused


class Searcher:
    """Holds what search needs in memory (vector matrix, vocabulary) for one library."""

    def __init__(self, library):
        self.library = library
        self._vectors = None
        self._vocabulary = None
        self._shares: dict[str, float] | None = None
        # Whether a question gets an article from this library state, keyed by (question,
        # audience, coverage): suggested follow-ups repeat across articles on one topic, and each
        # check is a whole ask. Dropped with the vectors whenever the library changes.
        self.answerable: dict[tuple, bool] = {}
        self._headings_read = False

    @property
    def vocabulary(self):
        if self._vocabulary is None:
            from ..language.vocabulary import Vocabulary

            self._vocabulary = Vocabulary.from_db(self.library.db)
        return self._vocabulary

    @property
    def vectors(self):
        if self._vectors is None:
            from ..index.vectors import VectorIndex

            self._vectors = VectorIndex.from_db(self.library.db)
        return self._vectors

    def _remember_heading_intents(self) -> None:
        """Once per library state: the headings' intents read at ingest, if that file is current."""
        if not self._headings_read:
            from . import heading_file
            from .rerank import remember_heading_intents

            remember_heading_intents(heading_file.read(self.library.db.connection(), self.library.db.path.parent))
            self._headings_read = True

    @property
    def stem_shares(self) -> dict[str, float]:
        if self._shares is None:
            from ..index.stem_file import stem_shares

            self._shares = stem_shares(self.library.db.connection(), self.library.db.path.parent, STEM_SHARE_FLOOR)
        return self._shares

    def invalidate(self) -> None:
        self._vectors = None
        self._vocabulary = None
        self._shares = None
        self.answerable = {}
        self._headings_read = False

    def search(
        self, question: str, k: int = 10, options: SearchOptions = SearchOptions()
    ) -> tuple[Question, list[Hit]]:
        q = understand(question, self.vocabulary)
        return q, self.search_question(q, k, options)

    def search_question(self, q: Question, k: int = 10, options: SearchOptions = SearchOptions()) -> list[Hit]:
        """Search for an already-understood question (threads pass one with context carried over)."""
        started = time.perf_counter()
        conn = self.library.db.connection()
        ranked: dict[str, list[tuple[int, float]]] = {}
        vector_leg = None
        if options.vectors and len(self.vectors):
            vectors, encoder, text = self.vectors, self.library.encoder, _vector_text(q, options)
            vector_leg = _VECTOR_LEG.submit(lambda: vectors.search(encoder.encode_query(text), options.candidates))
        if options.lexical:
            ranked["bm25"] = lexical_search(
                conn,
                _lexical_terms(q, options),
                options.candidates,
                options.field_weights,
                self.stem_shares,
                MAX_LEXICAL_TERMS,
            )
        if vector_leg is not None:
            ranked["vector"] = vector_leg.result()
        fused = fuse(ranked, options)
        found = store.passages_by_pk(conn, list(fused))
        hits = [
            Hit(passage=found[pk][0], source=found[pk][1], score=parts["fused"], explain=parts)
            for pk, parts in fused.items()
            if pk in found
        ]
        if options.rerank:
            # Only the head of the fused list can reach the page; reranking the tail costs time
            # (heading intent per passage) and a tail passage would need a >2x boost to climb.
            self._remember_heading_intents()
            hits.sort(key=lambda h: (-h.score, h.passage.id))
            hits = rerank(
                q, hits[:RERANK_DEPTH], options.weights, options.audience, self.vocabulary
            ) + note_other_conditions(q, hits[RERANK_DEPTH:], self.vocabulary)
        hits.sort(key=lambda h: (-h.score, h.passage.id))
        if options.rerank and options.weights.narrower > 0:
            hits = _other_conditions_last(hits)
        hits = _cap_per_source(hits, options.per_source_cap)[:k]
        elapsed = (time.perf_counter() - started) * 1000
        for h in hits:
            h.explain["search_ms"] = round(elapsed, 2)
        return hits


def _other_conditions_last(hits: list[Hit]) -> list[Hit]:
    """Passages whose source is about a different condition that only shares the question's words
    (rerank factor `narrower` 1: "pulmonary hypertension" for "How is hypertension diagnosed?")
    after every other passage. A demotion, not a cut: their words pass the composer's "is it about
    the condition" test, so anywhere among the evidence they get quoted as if they answered; they
    still come when the library holds nothing else."""
    return [h for h in hits if h.explain.get("rerank_narrower", 0.0) < 1.0] + [
        h for h in hits if h.explain.get("rerank_narrower", 0.0) >= 1.0
    ]


def _cap_per_source(hits: list[Hit], cap: int) -> list[Hit]:
    """At most `cap` passages per source first, then the overflow in rank order.

    A demotion, not a cut: one long guideline cannot crowd others off the first page, but when
    it is the only source on a topic its further passages still come before unrelated ones.
    """
    if cap <= 0:
        return hits
    kept, overflow, per_source = [], [], {}
    for h in hits:
        n = per_source.get(h.source.id, 0)
        (kept if n < cap else overflow).append(h)
        per_source[h.source.id] = n + 1
    return (
        kept
        + [h for h in overflow if h.explain.get("rerank_condition", 1.0) > 0]
        + [h for h in overflow if h.explain.get("rerank_condition", 1.0) <= 0]
    )
