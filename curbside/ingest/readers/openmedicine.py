"""The starter library: guideline summaries shipped as Markdown in the `open-medicine` package (MIT).

The package holds `guidelines/registry.json` (id, title, DOI, year, organisation, topics and
the guideline's section files) and `guidelines/content/<id>/<section>.md`. Each registry entry
becomes one source; its passages come from its section files in the registry's order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import metadata, resources
from pathlib import Path

from ...config import Settings
from ...errors import InputError
from ...model import Document, Passage, Skipped, Source
from .common import decode_text, problem_with_bytes, read_file_bytes, require_path
from .markdown import first_heading, parse_markdown, passages_from_blocks

NAME = "openmedicine"
DESCRIPTION = "The starter library: guideline summaries from the open-medicine package (no PATH needed)."
PATH_OPTIONAL = True  # without a PATH, read the copy installed with curbside

PACKAGE = "open-medicine"
LICENCE = "MIT (open-medicine package); summarises the guideline named"
# The package points readers to its own calculator tools; those notes are not guideline content.
CALCULATOR_NOTE = "OpenMedicine Calculator:"


def installed_folder() -> Path:
    """The guidelines folder of the installed open-medicine package."""
    try:
        return Path(str(resources.files("open_medicine") / "guidelines"))
    except ModuleNotFoundError:
        raise InputError(
            "The open-medicine package is not installed; run `pip install open-medicine` or give its guidelines folder as PATH."
        ) from None


def _guidelines_folder(path: Path | None) -> Path:
    if path is None:
        return installed_folder()
    path = require_path(path, "the open-medicine guidelines folder (the one holding registry.json)")
    if not (path / "registry.json").is_file() and (path / "guidelines" / "registry.json").is_file():
        return path / "guidelines"
    return path


def _registry(folder: Path) -> list:
    registry_file = folder / "registry.json"
    try:
        entries = json.loads(registry_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{folder} has no registry.json; give the open-medicine guidelines folder (registry.json and content/)."
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"{registry_file} cannot be read as JSON ({exc}); reinstall open-medicine or fix the file."
        ) from None
    if not isinstance(entries, list):
        raise InputError(f"{registry_file} is not a list of guidelines; reinstall open-medicine or fix the file.")
    return entries


def _package_version(folder: Path) -> str:
    """The installed package's version, when `folder` is the installed copy; '' otherwise."""
    try:
        if folder.resolve() == installed_folder().resolve():
            return metadata.version(PACKAGE)
    except (InputError, metadata.PackageNotFoundError):
        pass
    return ""


def estimate(path: Path | None) -> int | None:
    try:
        return len(_registry(_guidelines_folder(path)))
    except InputError:
        return None


def read(path: Path | None, settings: Settings) -> Iterator[Document | Skipped]:
    # Checked here, not inside the generator, so a bad PATH fails before anything is read.
    folder = _guidelines_folder(path)
    entries = _registry(folder)
    return _documents(folder, entries, _package_version(folder), settings.max_file_bytes)


def _documents(folder: Path, entries: list, version: str, max_bytes: int) -> Iterator[Document | Skipped]:
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry.get("title"):
            yield Skipped(f"{folder / 'registry.json'} entry {index + 1}", "registry entry without an id or title")
            continue
        yield _document(folder, entry, version, max_bytes)


def _section_files(content: Path, sections: list) -> list[Path]:
    """The guideline's Markdown files: the registry's sections in order, then any others by name."""
    listed = [content / f"{name}.md" for name in sections if isinstance(name, str)]
    listed = [file for file in listed if file.is_file()]
    others = sorted(file for file in content.glob("*.md") if file.is_file() and file not in listed)
    return listed + others


def _document(folder: Path, entry: dict, version: str, max_bytes: int) -> Document | Skipped:
    source_id = f"{NAME}:{entry['id']}"
    content = folder / "content" / entry["id"]
    if not content.is_dir():
        return Skipped(source_id, f"content folder {content} is missing; reinstall open-medicine")
    files = _section_files(content, entry.get("sections") or [])
    if not files:
        return Skipped(source_id, f"no Markdown files in {content}; reinstall open-medicine")
    passages: list[Passage] = []
    for file in files:
        text = _file_text(file, max_bytes)
        if isinstance(text, Skipped):
            return text  # a guideline with a missing part is not stored as if it were whole
        blocks = [b for b in parse_markdown(text) if not b.text.startswith(CALCULATOR_NOTE)]
        root = first_heading(blocks, level=1) or file.stem.replace("_", " ")
        passages += passages_from_blocks(blocks, source_id, root, first_order=len(passages))
    doi = entry.get("doi") if isinstance(entry.get("doi"), str) else ""
    year = entry.get("year") if isinstance(entry.get("year"), int) else None
    source = Source(
        id=source_id,
        kind="guideline",
        title=str(entry["title"]),
        origin=NAME,
        developer=str(entry.get("organization") or ""),
        year=year,
        date=str(year) if year else "",
        identifiers={"doi": doi} if doi else {},
        url=f"https://doi.org/{doi}" if doi else "",
        licence=LICENCE,
        conditions=[t for t in entry.get("topics") or [] if isinstance(t, str)],
        metadata={"sections": [file.stem for file in files], "package_version": version},
    )
    return Document(source, passages)


def _file_text(file: Path, max_bytes: int) -> str | Skipped:
    data = read_file_bytes(file, max_bytes)
    if isinstance(data, Skipped):
        return data
    problem = problem_with_bytes(str(file), data, max_bytes)
    return problem if problem else decode_text(str(file), data)
