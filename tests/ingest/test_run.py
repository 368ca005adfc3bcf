"""Re-ingesting an edited file makes a new version; the old one stays readable but leaves search."""

from __future__ import annotations

from pathlib import Path

from curbside.library import Library


def _fts_source_ids(lib: Library, query: str) -> list[str]:
    rows = (
        lib.db.connection()
        .execute(
            """SELECT p.id FROM passages_fts JOIN passages p ON p.pk = passages_fts.rowid
           WHERE passages_fts MATCH ? ORDER BY p.id""",
            (query,),
        )
        .fetchall()
    )
    return [r[0] for r in rows]


def test_edited_file_becomes_version_two_and_old_text_leaves_search(library: Library, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "alpha.md").write_text("# Alpha\n\nExamplamab original wording.\n", encoding="utf-8")
    (notes / "beta.md").write_text("# Beta\n\nA second synthetic note.\n", encoding="utf-8")

    first = library.ingest("files", notes, embed=False)
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)

    (notes / "alpha.md").write_text("# Alpha\n\nExamplamab revised wording.\n", encoding="utf-8")
    second = library.ingest("files", notes, embed=False)
    assert (second.added, second.updated, second.unchanged) == (0, 1, 1)

    current, passages = library.source("file:notes/alpha.md")
    assert (current.version, current.status) == (2, "current")
    assert [p.text for p in passages] == ["Examplamab revised wording."]
    assert passages[0].id == "file:notes/alpha.md@2#0"

    old, old_passages = library.source("file:notes/alpha.md", version=1)
    assert (old.version, old.status) == (1, "superseded")
    assert [p.text for p in old_passages] == ["Examplamab original wording."]

    assert _fts_source_ids(library, "revised") == ["file:notes/alpha.md@2#0"]
    assert _fts_source_ids(library, "original") == []
    assert _fts_source_ids(library, "examplamab") == ["file:notes/alpha.md@2#0"]

    third = library.ingest("files", notes, embed=False)
    assert (third.added, third.updated, third.unchanged, third.passages_added) == (0, 0, 2, 0)
    assert library.stats()["source_versions_superseded"] == 1
