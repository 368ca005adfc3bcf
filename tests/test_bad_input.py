"""Malformed input never costs the library anything.

For every bad input: the only exception is an InputError (for a PATH that cannot be used as a
whole), the report counts each bad file as skipped with a reason naming the problem, and the
store is exactly as it was: no source without passages, the full-text index in step with the
passages of current sources, and no table changed except the one-row log of the run.
"""

from __future__ import annotations

import io
import sqlite3
import tarfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from curbside.config import Settings
from curbside.errors import InputError
from curbside.ingest.run import ingest
from curbside.library import Library
from curbside.model import Document, IngestReport, Passage, Skipped, Source

TABLES = ("sources", "passages", "passages_fts", "embeddings", "ingest_runs")

# Minimal files cut off mid-element, in each reader's format. All text is synthetic.
TRUNCATED_NGC = (
    b'<?xml version="1.0"?><Version><Section><Field Name="Guideline Title" Type="Text"><FieldValue Value="Examplamab'
)
TRUNCATED_MEDQUAD = (
    b'<?xml version="1.0"?><Document id="0000001" source="Synthetic"><Focus>Examplitis</Focus><QAPairs>'
    b'<QAPair pid="1"><Question qid="0000001-1">What is examplitis?</Question><Answer>Examplitis is'
)
TRUNCATED_PUBMED_JSON = b'{"10000001": {"QUESTION": "Does examplamab work?", "CONTEXTS": ["A synthetic'
TRUNCATED_PUBMED_XML = (
    b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>10000001</PMID><Article><ArticleTitle>Examp"
)
CORRUPT_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pa"


# -- the library before and after ----------------------------------------------------------------


def snapshot(lib: Library) -> dict:
    conn = lib.db.connection()
    counts = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES}
    return {
        "stats": lib.stats(),
        "counts": counts,
        "sources": conn.execute("SELECT id, version, status, content_hash FROM sources ORDER BY pk").fetchall(),
        "passages": conn.execute("SELECT id, text FROM passages ORDER BY pk").fetchall(),
        "fts": conn.execute("SELECT rowid, text FROM passages_fts ORDER BY rowid").fetchall(),
    }


def assert_consistent(lib: Library) -> None:
    conn = lib.db.connection()
    empty = conn.execute(
        "SELECT COUNT(*) FROM sources s WHERE NOT EXISTS (SELECT 1 FROM passages p WHERE p.source_pk = s.pk)"
    ).fetchone()[0]
    assert empty == 0, "a stored source has no passages"
    indexed = conn.execute("SELECT COUNT(*) FROM passages_fts").fetchone()[0]
    current = conn.execute(
        "SELECT COUNT(*) FROM passages p JOIN sources s ON s.pk = p.source_pk WHERE s.status = 'current'"
    ).fetchone()[0]
    assert indexed == current


def assert_unchanged_but_logged(lib: Library, before: dict, runs_added: int) -> None:
    after = snapshot(lib)
    assert after["counts"]["ingest_runs"] == before["counts"]["ingest_runs"] + runs_added
    for part in ("stats", "sources", "passages", "fts"):
        assert after[part] == before[part], part
    assert {t: n for t, n in after["counts"].items() if t != "ingest_runs"} == {
        t: n for t, n in before["counts"].items() if t != "ingest_runs"
    }
    assert_consistent(lib)


@pytest.fixture
def seeded(tmp_path: Path) -> Library:
    """A library that already holds one synthetic note, so 'unchanged' means something."""
    lib = Library(tmp_path / "library", settings=Settings(library=tmp_path / "library"))
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "note.md").write_text("# Seed\n\nA stored synthetic note.\n", encoding="utf-8")
    assert lib.ingest("files", seed, embed=False).added == 1
    yield lib
    lib.close()


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _truncated_archive(member: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo(member)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    whole = buffer.getvalue()
    return whole[: len(whole) // 2]


# -- bad files: skipped, nothing stored ----------------------------------------------------------

# Every bad file below is smaller than this except the one meant to be over the limit.
SMALL_LIMIT = 200

BAD_FILES = [
    pytest.param("files", "inbox/corrupt.pdf", CORRUPT_PDF, "PDF", id="corrupt-pdf"),
    pytest.param("files", "inbox/image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", id="binary"),
    pytest.param("files", "inbox/empty.md", b"", "empty", id="empty"),
    pytest.param("files", "inbox/latin1.txt", "Examplamab café".encode("latin-1"), "UTF-8", id="non-utf8"),
    pytest.param("files", "inbox/big.md", b"# Big\n\n" + b"synthetic words " * 20, "larger than", id="oversize"),
    pytest.param("files", "inbox/slides.pptx", b"PK\x03\x04", "unsupported file type", id="unsupported"),
    pytest.param("ngc", "ngc/summaries/ngc-00001.xml", TRUNCATED_NGC, "XML", id="ngc-truncated-xml"),
    pytest.param("medquad", "medquad/1_Synthetic_QA/0000001.xml", TRUNCATED_MEDQUAD, "XML", id="medquad-truncated-xml"),
]


@pytest.mark.parametrize(("reader", "name", "data", "problem"), BAD_FILES)
def test_bad_file_is_skipped_and_nothing_is_written(
    seeded: Library, tmp_path: Path, reader: str, name: str, data: bytes, problem: str
) -> None:
    path = _write(tmp_path, name, data)
    folder = tmp_path / Path(name).parts[0]
    seeded.settings = replace(seeded.settings, max_file_bytes=SMALL_LIMIT)
    before = snapshot(seeded)
    report = seeded.ingest(reader, folder, embed=False)
    assert (report.added, report.updated, report.skipped) == (0, 0, 1)
    (reason,) = report.skip_reasons
    assert problem in reason
    assert report.skipped_examples[0].origin.startswith(str(path))
    assert_unchanged_but_logged(seeded, before, runs_added=1)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("pubmed/ori_pqal.json", TRUNCATED_PUBMED_JSON, id="truncated-json"),
        pytest.param("pubmed/pubmed.xml", TRUNCATED_PUBMED_XML, id="truncated-xml"),
    ],
)
def test_truncated_pubmed_input_is_refused_or_skipped(seeded: Library, tmp_path: Path, name: str, data: bytes) -> None:
    # The PubMed reader reads one file of many records, so a truncated file may be refused as a
    # whole (InputError naming it) or skipped; either way nothing is written.
    path = _write(tmp_path, name, data)
    before = snapshot(seeded)
    try:
        report = seeded.ingest("pubmed", path, embed=False)
    except InputError as exc:
        assert path.name in str(exc)
        assert_unchanged_but_logged(seeded, before, runs_added=0)
        return
    assert (report.added, report.updated) == (0, 0) and report.skipped >= 1
    assert_unchanged_but_logged(seeded, before, runs_added=1)


@pytest.mark.parametrize("reader", ["ngc", "medquad"])
def test_truncated_archive_is_one_input_error(seeded: Library, tmp_path: Path, reader: str) -> None:
    archive = _write(tmp_path, f"{reader}.tar.gz", _truncated_archive("x/ngc-00001.xml", TRUNCATED_NGC * 50))
    before = snapshot(seeded)
    with pytest.raises(InputError, match=str(archive)):
        seeded.ingest(reader, archive, embed=False)
    assert_unchanged_but_logged(seeded, before, runs_added=0)


def test_many_bad_files_in_one_folder_are_all_counted(seeded: Library, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    for param in BAD_FILES:
        reader, name, data, _ = param.values
        if reader == "files":
            _write(tmp_path, name, data)
    seeded.settings = replace(seeded.settings, max_file_bytes=SMALL_LIMIT)
    before = snapshot(seeded)
    report = seeded.ingest("files", inbox, embed=False)
    assert (report.added, report.skipped) == (0, 6)
    assert len(report.skip_reasons) == 6
    assert_unchanged_but_logged(seeded, before, runs_added=1)


# -- bad paths and names: one InputError, nothing written ----------------------------------------


@pytest.mark.parametrize("reader", ["files", "openmedicine", "ngc", "medquad", "pubmed"])
def test_missing_path_is_an_input_error_naming_it(seeded: Library, tmp_path: Path, reader: str) -> None:
    missing = tmp_path / "no-such-folder"
    before = snapshot(seeded)
    with pytest.raises(InputError, match=str(missing)):
        seeded.ingest(reader, missing, embed=False)
    assert_unchanged_but_logged(seeded, before, runs_added=0)


def test_unknown_reader_is_an_input_error(seeded: Library, tmp_path: Path) -> None:
    before = snapshot(seeded)
    with pytest.raises(InputError, match="Unknown source type 'nosuch'; use one of: "):
        seeded.ingest("nosuch", tmp_path, embed=False)
    assert_unchanged_but_logged(seeded, before, runs_added=0)


# -- failures inside a batch roll the batch back ---------------------------------------------------


def _note(n: int) -> Document:
    source = Source(id=f"test:note-{n}", kind="local", title=f"Synthetic note {n}", origin="test")
    return Document(source, [Passage(source.id, 0, "Body", f"Synthetic passage {n}.")])


def test_reader_that_raises_mid_batch_leaves_the_library_as_before(seeded: Library) -> None:
    def failing_reader() -> Iterator[Document | Skipped]:
        yield _note(1)
        yield _note(2)
        raise RuntimeError("reader broke")

    before = snapshot(seeded)
    with pytest.raises(RuntimeError, match="reader broke"):
        ingest(seeded.db, failing_reader(), IngestReport(reader="test", path="-"), batch_size=3)
    assert_unchanged_but_logged(seeded, before, runs_added=0)


def test_store_error_inside_a_batch_rolls_back_the_whole_batch(seeded: Library) -> None:
    # Two passages with the same order collide on their passage id after the first document of
    # the batch and this document's source row are already written: the batch must vanish whole.
    broken = _note(2)
    broken.passages.append(Passage(broken.source.id, 0, "Body", "Same order again."))
    before = snapshot(seeded)
    with pytest.raises(sqlite3.IntegrityError):
        ingest(seeded.db, iter([_note(1), broken, _note(3)]), IngestReport(reader="test", path="-"), batch_size=3)
    assert_unchanged_but_logged(seeded, before, runs_added=0)


def test_earlier_batches_stay_when_a_later_one_fails(seeded: Library) -> None:
    def failing_reader() -> Iterator[Document | Skipped]:
        yield _note(1)
        yield _note(2)
        yield _note(3)
        raise RuntimeError("reader broke")

    with pytest.raises(RuntimeError):
        ingest(seeded.db, failing_reader(), IngestReport(reader="test", path="-"), batch_size=2)
    ids = [s.id for s in seeded.sources()]
    assert "test:note-1" in ids and "test:note-2" in ids and "test:note-3" not in ids
    assert_consistent(seeded)
