"""The starter-library reader, on a synthetic guidelines folder and on the installed package."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest

from curbside.config import Settings
from curbside.errors import InputError
from curbside.ingest.readers import get_reader, openmedicine
from curbside.model import Document, Skipped

SETTINGS = Settings(library=Path("unused"))

DOSING_MD = """# Examplamab Dosing — Example Society 2099

## Core Principles

- **Recommendation 1.1 (Grade A):** Examplamab is a fictional drug used only in tests.
- A plain bullet with *emphasis* and `code`.

Start only if all of the following hold:
- first condition
- second condition

## Steps

Protocol:
1. Do the first thing.
2. Do the second thing.

### Table

**Fictional doses:**

| Drug | Dose |
|---|---|
| Examplamab | 1 unit |
|  | 2 units at night |

> **OpenMedicine Calculator:** `calculate_example` — available via MCP.
"""

OVERVIEW_MD = """# Overview

A neutral paragraph that introduces the fictional guideline.
"""


def _write_registry(folder: Path, entries: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "registry.json").write_text(json.dumps(entries), encoding="utf-8")


@pytest.fixture
def guidelines(tmp_path: Path) -> Path:
    folder = tmp_path / "guidelines"
    _write_registry(
        folder,
        [
            {
                "id": "example_society_2099",
                "title": "Example Society Guideline on Examplamab",
                "doi": "10.0000/example.2099",
                "year": 2099,
                "organization": "Example Society",
                "topics": ["examplitis", "examplamab"],
                "sections": ["overview", "dosing"],
            },
            {"id": "absent_2098", "title": "A guideline whose files are missing", "sections": ["x"]},
        ],
    )
    content = folder / "content" / "example_society_2099"
    content.mkdir(parents=True)
    (content / "dosing.md").write_text(DOSING_MD, encoding="utf-8")
    (content / "overview.md").write_text(OVERVIEW_MD, encoding="utf-8")
    (content / "appendix_notes.md").write_text("A closing note with no heading.\n", encoding="utf-8")
    return folder


def _read(path: Path | None) -> tuple[list[Document], list[Skipped]]:
    items = list(openmedicine.read(path, SETTINGS))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Skipped)]


def test_source_fields_come_from_the_registry(guidelines: Path) -> None:
    docs, _ = _read(guidelines)
    source = docs[0].source
    assert source.id == "openmedicine:example_society_2099"
    assert source.kind == "guideline"
    assert source.title == "Example Society Guideline on Examplamab"
    assert source.developer == "Example Society"
    assert source.year == 2099
    assert source.identifiers == {"doi": "10.0000/example.2099"}
    assert source.url == "https://doi.org/10.0000/example.2099"
    assert source.licence == openmedicine.LICENCE
    assert source.conditions == ["examplitis", "examplamab"]
    assert source.metadata == {"sections": ["overview", "dosing", "appendix_notes"], "package_version": ""}


def test_sections_follow_registry_order_then_remaining_files(guidelines: Path) -> None:
    passages = _read(guidelines)[0][0].passages
    assert [p.order for p in passages] == list(range(len(passages)))
    assert passages[0].section == "Overview"
    assert passages[0].text == "A neutral paragraph that introduces the fictional guideline."
    # A file without an H1 is named by its stem.
    assert passages[-1].section == "appendix notes"
    assert passages[-1].text == "A closing note with no heading."


def test_markdown_becomes_clean_sectioned_passages(guidelines: Path) -> None:
    passages = _read(guidelines)[0][0].passages
    by_text = {p.text: p for p in passages}
    first = passages[1]
    assert first.section == "Examplamab Dosing — Example Society 2099 › Core Principles"
    assert first.text == "Recommendation 1.1 (Grade A): Examplamab is a fictional drug used only in tests."
    assert first.grade == "Grade A"
    assert "A plain bullet with emphasis and code." in by_text
    # A lead-in with a short list stays one passage.
    assert "Start only if all of the following hold:\n- first condition\n- second condition" in by_text
    # Numbered steps stay one passage each, carrying the line that introduces them.
    assert "Protocol: 1. Do the first thing." in by_text
    assert "Protocol: 2. Do the second thing." in by_text
    # Table rows read "Header: value", with the caption line and the row label carried down.
    assert "Fictional doses — Drug: Examplamab; Dose: 1 unit" in by_text
    assert "Fictional doses — Drug: Examplamab; Dose: 2 units at night" in by_text
    assert by_text["Fictional doses — Drug: Examplamab; Dose: 1 unit"].section.endswith("Steps › Table")
    assert not any("**" in p.text or "OpenMedicine Calculator" in p.text for p in passages)


def test_offsets_point_into_the_markdown_file(guidelines: Path) -> None:
    passages = _read(guidelines)[0][0].passages
    first = passages[1]
    assert DOSING_MD[first.start : first.end].startswith("- **Recommendation 1.1 (Grade A):**")
    overview = passages[0]
    assert OVERVIEW_MD[overview.start : overview.end] == overview.text


def test_missing_content_folder_is_skipped_with_reason(guidelines: Path) -> None:
    _, skipped = _read(guidelines)
    assert len(skipped) == 1
    assert skipped[0].origin == "openmedicine:absent_2098"
    assert "content folder" in skipped[0].reason and "missing" in skipped[0].reason


def test_parent_folder_of_guidelines_is_accepted(guidelines: Path) -> None:
    docs, _ = _read(guidelines.parent)
    assert [d.source.id for d in docs] == ["openmedicine:example_society_2099"]


def test_reading_is_deterministic(guidelines: Path) -> None:
    assert _read(guidelines) == _read(guidelines)


def test_registry_entry_without_id_is_skipped(tmp_path: Path) -> None:
    _write_registry(tmp_path, [{"title": "no id"}])
    _, skipped = _read(tmp_path)
    assert skipped[0].reason == "registry entry without an id or title"


@pytest.mark.parametrize(
    ("registry", "message"),
    [(None, "has no registry.json"), ("{not json", "cannot be read as JSON"), ('{"a": 1}', "is not a list")],
)
def test_bad_folder_is_one_clear_input_error(tmp_path: Path, registry: str | None, message: str) -> None:
    if registry is not None:
        (tmp_path / "registry.json").write_text(registry, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        openmedicine.read(tmp_path, SETTINGS)
    assert openmedicine.estimate(tmp_path) is None


def test_missing_path_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(InputError, match=str(missing)):
        openmedicine.read(missing, SETTINGS)


def test_starter_name_and_optional_path() -> None:
    assert get_reader("starter") is openmedicine
    assert openmedicine.PATH_OPTIONAL is True


def test_installed_package_gives_43_guidelines() -> None:
    docs, skipped = _read(None)
    assert skipped == []
    assert len(docs) == 43 == openmedicine.estimate(None)
    version = metadata.version("open-medicine")
    for doc in docs:
        assert doc.source.id.startswith("openmedicine:")
        assert doc.source.url.startswith("https://doi.org/10.")
        assert doc.source.metadata["package_version"] == version
        assert doc.passages, doc.source.id
        assert all(p.text and "**" not in p.text for p in doc.passages)
