"""Hybrid search on a synthetic library: ranking, determinism, safety of the FTS query."""

from __future__ import annotations

import pytest
from synthetic_library import build

from curbside.errors import InputError
from curbside.search.retrieve import SearchOptions, fts_query


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    library = build(tmp_path_factory.mktemp("search") / "lib")
    yield library
    library.close()


def test_fts_query_quotes_every_term_so_user_text_is_never_fts_syntax():
    query = fts_query(['first-line "drug"', "NEAR(a b)", "x* OR y", "ünïcode"])
    assert query == '"first line drug" OR "near a b" OR "x or y" OR "ünïcode"'
    assert fts_query(["???", ""]) == ""


def test_search_finds_the_condition_and_ranks_deterministically(lib):
    first = [h.passage.id for h in lib.search("first-line treatment of synthetic neuropathy", k=5)]
    second = [h.passage.id for h in lib.search("first-line treatment of synthetic neuropathy", k=5)]
    assert first == second
    assert all(pid.startswith("test:") and "other" not in pid for pid in first[:3])


def test_explain_carries_every_part_of_the_score(lib):
    hit = lib.search("treatment of synthetic neuropathy", k=1)[0]
    for part in ("bm25", "vector", "fused", "rerank_condition", "rerank_intent", "rerank_kind", "rerank_boost"):
        assert part in hit.explain


def test_patient_audience_puts_consumer_sources_first(lib):
    options = SearchOptions(audience="patient")
    top = lib.search("what are the treatments for synthetic neuropathy", k=3, options=options)[0]
    assert top.source.kind == "consumer"


def test_per_source_cap_lets_every_source_in_before_a_repeat(lib):
    hits = lib.search("synthetic neuropathy", k=10, options=SearchOptions(per_source_cap=1))
    ids = [h.source.id for h in hits]
    distinct = len(set(ids))
    assert len(set(ids[:distinct])) == distinct  # one passage per source first ...
    assert len(ids) > distinct  # ... then the rest, demoted rather than dropped


def test_vectors_alone_and_bm25_alone_both_work(lib):
    assert lib.search("synthetic neuropathy", k=3, options=SearchOptions(lexical=False))
    assert lib.search("synthetic neuropathy", k=3, options=SearchOptions(vectors=False))


def test_bad_search_requests_are_refused_with_a_clear_message(lib):
    with pytest.raises(InputError, match="empty"):
        lib.search("   ")
    with pytest.raises(InputError, match="out of range"):
        lib.search("synthetic neuropathy", k=0)


def test_the_stemmer_is_the_full_text_indexs_own():
    from curbside.store.schema import MIGRATIONS
    from curbside.store.sources import FTS_TOKENIZER, stems

    assert FTS_TOKENIZER in MIGRATIONS[0]
    assert stems("treatments") == stems("treatment") == ("treatment",)
    assert stems("Neuropathic") == ("neuropath",)


def test_words_in_most_passages_are_left_out_of_the_full_text_query_while_another_remains(lib):
    from curbside.search.retrieve import lexical_search
    from curbside.store.sources import stem_shares, stems

    conn = lib.db.connection()
    shares = stem_shares(conn, 0.001)
    frequent = "neuropathy"
    assert all(shares[stem] >= 0.5 for stem in stems(frequent))  # in most of the synthetic library's passages
    everywhere = lexical_search(conn, [frequent], 100)
    assert lexical_search(conn, [frequent], 100, shares=shares, common_share=0.5) == everywhere  # nothing else
    assert all(shares.get(stem, 0.0) < 0.5 for stem in stems("fictolol"))
    rare = lexical_search(conn, ["fictolol"], 100)
    assert rare and lexical_search(conn, ["fictolol", frequent], 100, shares=shares, common_share=0.5) == rare


def test_a_long_query_keeps_its_rarest_terms():
    """Of more terms than the cap, the rarest are searched for: a made-up share table decides."""
    import sqlite3

    from curbside.search.retrieve import lexical_search
    from curbside.store.sources import FTS_TOKENIZER

    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE passages_fts USING fts5(title, section, text, tokenize = {FTS_TOKENIZER!r})")
    rows = ["alpha", "beta", "gamma", "delta"]
    conn.executemany("INSERT INTO passages_fts (rowid, title, section, text) VALUES (?, '', '', ?)", enumerate(rows, 1))
    shares = {"alpha": 0.05, "beta": 0.02, "gamma": 0.09}  # "delta" is rarer than the floor: the rarest
    found = {pk for pk, _ in lexical_search(conn, ["alpha", "beta", "gamma", "delta"], 10, shares=shares, max_terms=2)}
    assert found == {2, 4}  # beta and delta, not alpha and gamma
    found = {pk for pk, _ in lexical_search(conn, ["alpha", "gamma", "delta"], 10, shares=shares, max_terms=1)}
    assert found == {4}
    assert {pk for pk, _ in lexical_search(conn, ["alpha", "gamma", "delta"], 10, shares=shares)} == {1, 3, 4}
