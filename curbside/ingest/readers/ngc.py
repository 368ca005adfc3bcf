"""National Guideline Clearinghouse (AHRQ NGC) guideline summaries: one source per summary.

Reads the archived `summaries/ngc-NNNNN.xml` files from the .tar.gz or an unpacked folder. Each
file is `<Version><Section><Field Name= Type=><FieldValue Value="escaped HTML"/>`; only files with
a "Guideline Title" field are summaries, the rest are stub or disclaimer pages and are skipped.

Passages (see `ngc_passages`) come from "Major Recommendations" and from the few other fields a
clinician reads: scope, benefits, harms, contraindications, qualifying statements and FDA alerts.
Methodology, funding, committees, copyright and disclaimers are left out; the evidence rating
schemes go to metadata, where they explain the grades the recommendations carry.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ...config import Settings
from ...language.clean import normalize_space
from ...model import Document, Passage, Skipped, Source
from .common import count_members, decode_text, iter_members, problem_with_bytes, require_path
from .ngc_html import field_blocks, plain_text
from .ngc_passages import RECOMMENDATIONS, field_passages

NAME = "ngc"
DESCRIPTION = "National Guideline Clearinghouse guideline summaries (the ngc-summaries .tar.gz or its unpacked folder)"

LICENCE = "Summary by ECRI Institute for AHRQ NGC; the original guideline is subject to its developer's copyright"
STUB_REASON = "stub page without a guideline title (not a guideline summary)"

# Fields that become passages, in the order NGC prints them. Left out on purpose: Clinical
# Algorithm(s) (only names figures in the original document), implementation strategy, methodology,
# evidence-type boilerplate, funding, committees, disclosures, availability, copyright, disclaimer.
PASSAGE_FIELDS = (
    "FDA Warning/Regulatory Alert",
    RECOMMENDATIONS,
    "Disease/Condition(s)",
    "Other Disease/Condition(s) Addressed",
    "Guideline Objective(s)",
    "Target Population",
    "Interventions and Practices Considered",
    "Major Outcomes Considered",
    "Potential Benefits",
    "Potential Harms",
    "Contraindications",
    "Qualifying Statements",
)
# Picklist fields kept in metadata as lists of their values.
PICKLIST_METADATA = {
    "guideline_category": "Guideline Category",
    "clinical_specialty": "Clinical Specialty",
    "intended_users": "Intended Users",
}
TEXT_METADATA = {
    "bibliographic_source": "Bibliographic Source(s)",
    "guideline_status": "Guideline Status",
    "rating_scheme_evidence": "Rating Scheme for the Strength of the Evidence",
    "rating_scheme_recommendations": "Rating Scheme for the Strength of the Recommendations",
}
TARGET_POPULATION_CHARS = 300  # metadata keeps a short form; the full text is a passage

_NGC_FILE = re.compile(r"ngc-(\d+)\.xml$")
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
# "2008 Jul (revised 2010 May; reaffirmed 2013 Jul 13)": a reaffirmation re-approves the same text,
# so its year is not when the summarised version was written; releases and revisions are.
_REAFFIRMED = re.compile(r"\breaffirmed\b[^;)]*", re.I)
_PMID = re.compile(r"(?:list_uids=|pubmed/)(\d{1,9})\b")
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")
_HREF = re.compile(r"""href\s*=\s*["'](https?://[^"']+)["']""", re.I)
# "Name - Medical Specialty Society": NGC appends the developer's type to its name.
_DEVELOPER_TYPE = re.compile(r"^(.*\S)\s+-\s+([A-Za-z/.,\[\] -]+)$")
# The "Disease/Condition(s)" line that introduces a list: "BRCA-related cancer, including:".
_CONDITION_LEAD = re.compile(r"[,;]?\s*(?:including|such as|e\.g\.|for example)?\s*:?\s*$", re.I)
# A long line names its condition before the details: "Type 1 diabetes ..., especially eye ...".
_CONDITION_DETAIL = re.compile(r",?\s+(?:including|especially|particularly|such as|e\.g\.)\s|\s+\(")
CONDITION_MAX_CHARS = 150  # lines still longer than this are prose, not condition names

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def read(path: Path, settings: Settings) -> Iterator[Document | Skipped]:
    path = require_path(path, "the NGC summaries .tar.gz or its unpacked folder")
    return _read(path, settings.max_file_bytes)


def _read(path: Path, max_bytes: int) -> Iterator[Document | Skipped]:
    for origin, data in iter_members(path, ".xml", max_bytes):
        yield data if isinstance(data, Skipped) else read_summary(origin, data, max_bytes)


def estimate(path: Path) -> int | None:
    """How many files `read` will report on (summaries and skipped stubs alike)."""
    return count_members(Path(path), ".xml")


def read_summary(origin: str, data: bytes, max_bytes: int, counts: Counter | None = None) -> Document | Skipped:
    """One NGC XML file as a document, or the reason it is not one; `counts` gets what the
    cutting joined (see `ngc_units`)."""
    problem = problem_with_bytes(origin, data, max_bytes)
    if problem is not None:
        return problem
    text = decode_text(origin, data)
    if isinstance(text, Skipped):
        return text
    number = _NGC_FILE.search(origin)
    if number is None:
        return Skipped(origin, "not named ngc-NUMBER.xml, so it has no NGC id; pass the NGC summaries folder")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        return Skipped(origin, f"malformed or truncated XML ({exc.msg}); re-extract the file from the original archive")
    fields = _fields(root)
    title = plain_text(_joined(fields, "Guideline Title"))
    if not title:
        return Skipped(origin, STUB_REASON)
    source = _source(number.group(1), title, fields)
    passages: list[Passage] = []
    for name in PASSAGE_FIELDS:
        if name in fields:
            passages += field_passages(source.id, name, _joined(fields, name), len(passages), counts)
    return Document(source, passages)


def _fields(root) -> dict[str, list[str]]:
    """Field name -> its FieldValue strings; a field NGC repeats in two sections is read once."""
    fields: dict[str, list[str]] = {}
    for field in root.iter("Field"):
        name = field.get("Name") or ""
        if name and name not in fields:
            fields[name] = [value.get("Value") or "" for value in field.iter("FieldValue")]
    return fields


def _joined(fields: dict[str, list[str]], name: str) -> str:
    return "\n".join(fields.get(name, []))


def _source(number: str, title: str, fields: dict[str, list[str]]) -> Source:
    date = plain_text(_joined(fields, "Date Released"))
    years = [int(y) for y in _YEAR.findall(_REAFFIRMED.sub("", date))]
    developers, developer_types = [], []
    for value in fields.get("Guideline Developer(s)", []):
        name = plain_text(value)
        typed = _DEVELOPER_TYPE.match(name)
        developers.append(typed.group(1) if typed else name)
        if typed and typed.group(2) not in developer_types:
            developer_types.append(typed.group(2))
    citation_html = _joined(fields, "Bibliographic Source(s)")
    identifiers = {"ngc": number}
    if pmid := _PMID.search(citation_html):
        identifiers["pmid"] = pmid.group(1)
    if doi := _DOI.search(plain_text(citation_html)):
        identifiers["doi"] = doi.group().rstrip(".,;)]")
    url = next(iter(_HREF.findall(_joined(fields, "Guideline Availability"))), "")
    metadata: dict = {key: plain_text(_joined(fields, name)) for key, name in TEXT_METADATA.items()}
    for key, name in PICKLIST_METADATA.items():
        metadata[key] = [value for value in map(normalize_space, fields.get(name, [])) if value]
    population = plain_text(_joined(fields, "Target Population"))
    metadata["target_population"] = _shortened(population, TARGET_POPULATION_CHARS)
    metadata["developer_types"] = developer_types
    return Source(
        id=f"ngc:{number}",
        kind="guideline",
        title=title,
        origin=NAME,
        developer="; ".join(developers),
        year=max(years) if years else None,
        date=date,
        identifiers=identifiers,
        url=html.unescape(url),
        licence=LICENCE,
        conditions=_conditions(_joined(fields, "Disease/Condition(s)")),
        metadata={key: value for key, value in metadata.items() if value},
    )


def _conditions(markup: str) -> list[str]:
    """Condition names from the "Disease/Condition(s)" field: one per line or list item."""
    conditions: list[str] = []
    for block in field_blocks(markup)[1]:
        if block.kind == "heading" or block.text.lower().startswith("note"):
            continue
        for part in block.text.split(";"):
            name = _CONDITION_LEAD.sub("", part).strip(" .")
            if len(name) > CONDITION_MAX_CHARS:
                name = _CONDITION_DETAIL.split(name, maxsplit=1)[0].strip(" .,")
            if name and len(name) <= CONDITION_MAX_CHARS and name not in conditions:
                conditions.append(name)
    return conditions


def _shortened(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: text.rfind(" ", 0, limit)].rstrip(",;:") + " …"
