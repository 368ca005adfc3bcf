"""VectorIndex finds the nearest passages, ranks ties by pk, and honours candidate filters."""

from __future__ import annotations

import json

import numpy as np
import pytest

from curbside.index.vectors import VectorIndex, top_k
from curbside.store import embeddings


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def cloud() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    return np.arange(10, 1010, dtype=np.int64) * 3, _unit(rng.standard_normal((1000, 384)))


def test_the_nearest_vector_comes_first_with_its_cosine(cloud) -> None:
    pks, matrix = cloud
    index = VectorIndex(pks, matrix)
    query = _unit(matrix[[417]] + 0.05 * np.random.default_rng(1).standard_normal((1, 384)))[0]
    hits = index.search(query, 5)
    assert hits[0][0] == pks[417]
    assert hits[0][1] == pytest.approx(float(matrix[417] @ query), abs=1e-5)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert len(index.search(query, 5000)) == 1000


def test_equal_scores_rank_by_pk_whatever_the_input_order() -> None:
    same = _unit(np.ones((1, 384)))
    matrix = np.repeat(same, 6, axis=0)
    shuffled_pks = np.array([50, 10, 40, 20, 60, 30], dtype=np.int64)
    hits = VectorIndex(shuffled_pks, matrix).search(same[0], 3)
    assert [pk for pk, _ in hits] == [10, 20, 30]


def test_top_k_keeps_every_tie_at_the_cut_before_choosing() -> None:
    scores = np.array([0.5, 0.9, 0.5, 0.5, 0.1], dtype=np.float32)
    assert top_k(scores, 2).tolist() == [1, 0]
    assert top_k(scores, 3).tolist() == [1, 0, 2]
    assert top_k(scores, 10).tolist() == [1, 0, 2, 3, 4]


def test_candidates_restrict_the_search_and_unknown_pks_are_ignored(cloud) -> None:
    pks, matrix = cloud
    index = VectorIndex(pks, matrix)
    allowed = np.array([pks[3], pks[500], pks[999], 7, 10**9], dtype=np.int64)
    hits = index.search(matrix[500], 10, candidate_pks=allowed)
    assert [pk for pk, _ in hits][0] == pks[500]
    assert {pk for pk, _ in hits} == {pks[3], pks[500], pks[999]}
    assert index.search(matrix[500], 10, candidate_pks=np.array([], dtype=np.int64)) == []


def test_an_empty_index_finds_nothing() -> None:
    index = VectorIndex(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32))
    assert len(index) == 0 and index.search(np.ones(384, dtype=np.float32), 5) == []


def test_approximate_search_finds_the_same_neighbours_when_usearch_is_present(cloud) -> None:
    import usearch  # noqa: F401  (installed by make setup; a missing one should fail, not skip)

    pks, matrix = cloud
    exact = VectorIndex(pks, matrix)
    approximate = VectorIndex(pks, matrix, approximate_from=1)
    assert approximate.approximate and not exact.approximate
    for row in (0, 250, 999):
        assert approximate.search(matrix[row], 5)[0] == exact.search(matrix[row], 5)[0]
    again = VectorIndex(pks, matrix, approximate_from=1)
    assert again.search(matrix[42], 10) == approximate.search(matrix[42], 10)


def test_without_usearch_a_large_index_falls_back_to_exact(cloud, monkeypatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_usearch(name, *args, **kwargs):
        if name.startswith("usearch"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_usearch)
    pks, matrix = cloud
    index = VectorIndex(pks, matrix, approximate_from=1)
    assert not index.approximate
    assert index.search(matrix[9], 1)[0][0] == pks[9]


def test_from_db_reads_what_was_saved(library, cloud) -> None:
    from curbside.ingest.run import ingest
    from curbside.model import Document, IngestReport, Passage, Source

    texts = ["First.", "Second.", "Third."]
    doc = Document(
        Source(id="s:1", kind="local", title="T", origin="test"),
        [Passage("s:1", i, "", t) for i, t in enumerate(texts)],
    )
    ingest(library.db, [doc], IngestReport(reader="test", path="memory"))
    conn = library.db.connection()
    pks = [r[0] for r in conn.execute("SELECT pk FROM passages ORDER BY pk")]
    _, matrix = cloud
    with library.db.transaction() as tx:
        embeddings.save(tx, list(zip(pks, matrix[:3], strict=False)), "test-model")
    index = VectorIndex.from_db(library.db)
    assert len(index) == 3 and index.search(matrix[2], 1)[0][0] == pks[2]


def _library_with_vectors(library, cloud, n: int):
    from curbside.ingest.run import ingest
    from curbside.model import Document, IngestReport, Passage, Source

    doc = Document(
        Source(id="s:1", kind="local", title="T", origin="test"),
        [Passage("s:1", i, "", f"Synthetic passage {i}.") for i in range(n)],
    )
    ingest(library.db, [doc], IngestReport(reader="test", path="memory"))
    pks = [r[0] for r in library.db.connection().execute("SELECT pk FROM passages ORDER BY pk")]
    with library.db.transaction() as tx:
        embeddings.save(tx, list(zip(pks, cloud[1][:n], strict=False)), "test-model")
    return pks


def test_the_vectors_are_memory_mapped_from_files_beside_the_library(library, cloud) -> None:
    """The second process (here: the second load) maps the files the first wrote, and finds the
    same neighbours as from SQLite."""
    pks = _library_with_vectors(library, cloud, 5)
    first = VectorIndex.from_db(library.db)
    folder = library.path / "index"
    assert {p.name for p in folder.iterdir()} == {"matrix.npy", "pks.npy", "fingerprint.json"}
    second = VectorIndex.from_db(library.db)
    assert isinstance(second.matrix.base, np.memmap) or isinstance(second.matrix, np.memmap)
    query = cloud[1][3]
    assert first.search(query, 3) == second.search(query, 3)
    assert second.search(query, 1)[0][0] == pks[3]


def test_vectors_changed_in_the_database_are_read_again(library, cloud) -> None:
    pks = _library_with_vectors(library, cloud, 4)
    assert len(VectorIndex.from_db(library.db)) == 4
    with library.db.transaction() as tx:
        tx.execute("DELETE FROM embeddings WHERE passage_pk = ?", (pks[0],))
    index = VectorIndex.from_db(library.db)
    assert len(index) == 3 and pks[0] not in set(index.pks.tolist())


def test_a_damaged_or_unwritable_copy_falls_back_to_the_database(library, cloud, monkeypatch) -> None:
    from curbside.index import vector_file

    _library_with_vectors(library, cloud, 3)
    VectorIndex.from_db(library.db)
    (library.path / "index" / "fingerprint.json").write_text("{not json", encoding="utf-8")
    assert len(VectorIndex.from_db(library.db)) == 3  # rebuilt
    (library.path / "index" / "fingerprint.json").unlink()

    def refuse(*args):
        raise PermissionError("read-only")

    monkeypatch.setattr(vector_file, "_write", refuse)
    index = VectorIndex.from_db(library.db)
    assert len(index) == 3 and not (library.path / "index" / "fingerprint.json").exists()


def test_the_frequent_stems_are_read_from_a_file_the_first_process_wrote(library, cloud, monkeypatch) -> None:
    from curbside.index import stem_file
    from curbside.store import sources

    _library_with_vectors(library, cloud, 4)  # four passages, every one "synthetic passage <n>"
    conn, folder = library.db.connection(), library.path
    (folder / "index").mkdir(exist_ok=True)
    (folder / "index" / "common-stems.json").write_text("{}")  # the file an older version wrote
    first = stem_file.stem_shares(conn, folder, 0.5)
    assert not (folder / "index" / "common-stems.json").exists()
    assert first["synthet"] == first["passag"] == 1.0 and (folder / "index" / "stem-shares.json").exists()

    def unread(*args):
        raise AssertionError("the index was read again")

    monkeypatch.setattr(sources, "stem_shares", unread)
    assert stem_file.stem_shares(conn, folder, 0.5) == first  # from the file
    with pytest.raises(AssertionError):
        stem_file.stem_shares(conn, folder, 0.25)  # another share: the file does not answer it


def test_frequent_stems_follow_a_changed_index_and_survive_an_unwritable_folder(library, cloud, monkeypatch) -> None:
    from curbside.index import stem_file

    _library_with_vectors(library, cloud, 2)
    conn, folder = library.db.connection(), library.path
    stem_file.stem_shares(conn, folder, 0.5)
    _library_with_vectors(library, cloud, 3)  # a second source: the index changed
    stamp = json.loads((folder / "index" / "stem-shares.json").read_text())["fingerprint"]
    assert stem_file.stem_shares(conn, folder, 0.5)
    assert json.loads((folder / "index" / "stem-shares.json").read_text())["fingerprint"] != stamp

    def refuse(*args):
        raise PermissionError("read-only")

    (folder / "index" / "stem-shares.json").unlink()
    monkeypatch.setattr(stem_file, "replace_file", refuse)
    assert stem_file.stem_shares(conn, folder, 0.5)
    assert not (folder / "index" / "stem-shares.json").exists()
