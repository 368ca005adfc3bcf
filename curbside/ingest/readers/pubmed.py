"""PubMed abstracts, one source per PMID: PubMedQA's JSON (ori_pqal.json) or PubMed/MEDLINE XML exports.

`read` takes one .json or .xml file, or a folder of them; a file is read by its extension, or by
its first character when the extension says neither. PubMedQA's decision fields (final_decision,
reasoning_*_pred) are the dataset's labels, not the article's words, so they are left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...config import Settings
from ...errors import InputError
from ...language.clean import normalize_space
from ...model import Document, Passage, Skipped, Source
from .common import decode_text, problem_with_bytes, read_file_bytes, require_path
from .markdown import SECTION_SEPARATOR
from .pubmed_efetch import ROOT_TAG, read_export

NAME = "pubmed"
DESCRIPTION = "PubMed abstracts: PubMedQA JSON (ori_pqal.json) or PubMed XML exports, a file or a folder"

PUBMEDQA_LICENCE = "PubMedQA (MIT); abstract text © its publisher"
SUFFIXES = (".json", ".xml")
DUPLICATE = "duplicate of an earlier record in this input"

_PMID = re.compile(r"\d{1,9}")
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")


def read(path: Path, settings: Settings) -> Iterator[Document | Skipped]:
    path = require_path(path, "a PubMedQA .json file, a PubMed XML export (.xml) or a folder of them")
    files = (
        [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    )
    if not files:
        raise InputError(
            f"{path} holds no .json or .xml files; give a PubMedQA JSON file, a PubMed XML export or a folder of them."
        )
    seen: set[str] = set()
    for file in files:
        for item in read_file(file, settings.max_file_bytes):
            if isinstance(item, Document):
                if item.source.id in seen:
                    item = Skipped(f"{file} {item.source.id}", DUPLICATE)
                else:
                    seen.add(item.source.id)
            yield item


def estimate(path: Path) -> int | None:
    """Known cheaply only for one PubMedQA file (its records) or one XML export (its articles)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size > 1 << 30:
        return None
    data = path.read_bytes()
    if path.suffix.lower() == ".xml":
        return data.count(b"<PubmedArticle>") + data.count(b"<PubmedBookArticle>")
    try:
        records = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    return len(records) if isinstance(records, dict) else None


def read_file(file: Path, max_bytes: int) -> Iterator[Document | Skipped]:
    origin = str(file)
    data = read_file_bytes(file, max_bytes)
    problem = data if isinstance(data, Skipped) else problem_with_bytes(origin, data, max_bytes)
    text = decode_text(origin, data) if problem is None else problem
    if isinstance(text, Skipped):
        yield text
        return
    suffix = file.suffix.lower()
    first = text.lstrip()[:1]
    if suffix == ".xml" or (suffix != ".json" and first == "<"):
        yield from read_export(origin, data, NAME)
    elif suffix == ".json" or first in ("{", "["):
        yield from read_pubmedqa(origin, text)
    else:
        yield Skipped(origin, f"neither a PubMedQA .json file nor a PubMed XML export (<{ROOT_TAG}>)")


def read_pubmedqa(origin: str, text: str) -> Iterator[Document | Skipped]:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Skipped(
            origin, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); fix or re-download the file"
        )
        return
    if not isinstance(records, dict):
        yield Skipped(origin, "not a PubMedQA file (expected one JSON object keyed by PMID)")
        return
    for pmid, record in records.items():
        yield pubmedqa_record(f"{origin} PMID {pmid}", str(pmid).strip(), record)


def pubmedqa_record(origin: str, pmid: str, record: Any) -> Document | Skipped:
    if not _PMID.fullmatch(pmid):
        return Skipped(origin, "the key is not a PMID (digits only)")
    if not isinstance(record, dict) or not isinstance(record.get("CONTEXTS"), list):
        return Skipped(origin, "not a PubMedQA record (no CONTEXTS list)")
    title = normalize_space(str(record.get("QUESTION") or ""))
    if not title:
        return Skipped(origin, "no QUESTION (PubMedQA's questions are the articles' titles)")
    source_id = f"pmid:{pmid}"
    labels = record.get("LABELS") if isinstance(record.get("LABELS"), list) else []
    sections = [
        (_section(labels[i] if i < len(labels) else ""), context) for i, context in enumerate(record["CONTEXTS"])
    ]
    sections.append((_section("CONCLUSIONS"), record.get("LONG_ANSWER")))
    passages = []
    for section, raw in sections:
        text = normalize_space(raw) if isinstance(raw, str) else ""
        if text:
            passages.append(Passage(source_id, len(passages), section, text, 0, len(text)))
    if not passages:
        return Skipped(origin, "no abstract text (CONTEXTS and LONG_ANSWER are empty)")
    mesh = [normalize_space(m) for m in record.get("MESHES") or [] if isinstance(m, str) and m.strip()]
    year_text = str(record.get("YEAR") or "").strip()
    year = int(year_text) if _YEAR.fullmatch(year_text) else None
    source = Source(
        id=source_id,
        kind="research",
        title=title,
        origin=NAME,
        year=year,
        date=year_text if year else "",
        identifiers={"pmid": pmid},
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        licence=PUBMEDQA_LICENCE,
        conditions=list(dict.fromkeys(mesh)),
        metadata={"mesh": mesh, "labels": [str(label) for label in labels]},
    )
    return Document(source, passages)


def _section(label: Any) -> str:
    """'Abstract › RESULTS'; PubMedQA marks a context without a heading UNLABELLED."""
    label = normalize_space(str(label or ""))
    return f"Abstract{SECTION_SEPARATOR}{label}" if label and label.upper() != "UNLABELLED" else "Abstract"
