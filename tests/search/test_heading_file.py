"""The headings' intents read at ingest (search/heading_file.py): a memo, never the record."""

from __future__ import annotations

from synthetic_library import build

from curbside.ingest.run import ingest
from curbside.model import Document, IngestReport, Passage, Source
from curbside.search import heading_file, rerank
from curbside.search.understand import detect_intent


def test_the_file_holds_every_current_headings_intent_and_only_while_the_library_is_unchanged(tmp_path):
    library = build(tmp_path / "lib")
    conn, folder = library.db.connection(), library.db.path.parent
    heading_file.write(conn, folder)
    intents = heading_file.read(conn, folder)
    assert intents["Major Recommendations › Pharmacological treatment"] == "treatment"
    assert all(intent == detect_intent(heading)[0] for heading, intent in intents.items())
    assert heading_file.write(conn, folder) == 0  # up to date: nothing read again

    source = Source(id="syn:new", kind="guideline", title="Synthetic addendum", origin="test")
    ingest(
        library.db,
        [Document(source, [Passage("syn:new", 0, "Monitoring", "Check examplamab levels.")])],
        IngestReport("test", "synthetic"),
    )
    assert heading_file.read(conn, folder) == {}  # another library state: read heading by heading
    assert heading_file.write(conn, folder) > 0 and "Monitoring" in heading_file.read(conn, folder)
    library.close()


def test_a_library_ingest_writes_the_file_and_a_search_uses_it(tmp_path, monkeypatch):
    library = build(tmp_path / "lib")
    library.ingest("starter", embed=False)  # Library.ingest, as the CLI runs it
    assert heading_file.read(library.db.connection(), library.db.path.parent)
    read_by_detector: list[str] = []
    monkeypatch.setattr(rerank, "_KNOWN_INTENTS", {})
    monkeypatch.setattr(rerank, "_read_intent", lambda heading: read_by_detector.append(heading) or "other")
    library.search("What is the first-line treatment for synthetic neuropathy?")
    assert rerank._KNOWN_INTENTS and not read_by_detector  # every hit's heading was in the file
    library.close()
