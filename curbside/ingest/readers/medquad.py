"""MedQuAD (abachaa/MedQuAD): NIH consumer-health question-answer pairs, one source per answered pair.

Reads the published .tar.gz or an unpacked folder of its 12 collections. Two things in the data
shape this reader:

- The XML is not spelled one way. Most files are <Document><QAPairs><QAPair><Question><Answer>,
  four NINDS files are <doc><qaPairs><pair><question><answer> with a `corpus` attribute, and one
  CDC file has a <DiseaseFile> root. Tags are therefore matched case-insensitively, via aliases.
- Question ids are not unique. They restart in every collection ("0000001-1" occurs in ten of
  them), and CancerGov's sub-files (0000013_2_1.xml ...) reuse their parent's qids for different
  questions. A source id is therefore `medquad:<collection>:<file>-<pid>`, which is
  `medquad:<collection>:<qid>` for every pair whose qid is unique in its collection; the original
  qid stays in `identifiers`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ...config import Settings
from ...errors import InputError
from ...language.clean import normalize_space
from ...model import Document, Passage, Skipped, Source
from .common import decode_text, iter_members, problem_with_bytes, require_path

NAME = "medquad"
DESCRIPTION = "MedQuAD NIH consumer-health question-answer pairs (the .tar.gz or its unpacked folder)"

LICENCE = "CC BY 4.0 (MedQuAD); text from the NIH site named"

# The collection code in each file's `source` (or `corpus`) attribute -> the site that wrote the text.
PUBLISHERS = {
    "CancerGov": "National Cancer Institute (cancer.gov)",
    "GARD": "Genetic and Rare Diseases Information Center (rarediseases.info.nih.gov)",
    "GHR": "Genetics Home Reference (ghr.nlm.nih.gov)",
    "MPlusHealthTopics": "MedlinePlus Health Topics (medlineplus.gov)",
    "NIDDK": "National Institute of Diabetes and Digestive and Kidney Diseases (niddk.nih.gov)",
    "NINDS": "National Institute of Neurological Disorders and Stroke (ninds.nih.gov)",
    "NIHSeniorHealth": "NIHSeniorHealth (nihseniorhealth.gov)",
    "NHLBI": "National Heart, Lung, and Blood Institute (nhlbi.nih.gov)",
    "CDC": "Centers for Disease Control and Prevention (cdc.gov)",
    "ADAM": "A.D.A.M. Medical Encyclopedia (medlineplus.gov)",
    "MPlusDrugs": "MedlinePlus Drug Information (medlineplus.gov)",
    "MPlusHerbsSupplements": "MedlinePlus Herbs and Supplements (medlineplus.gov)",
}

# MedQuAD removed these collections' answers to respect MedlinePlus copyright (see its readme).
ANSWERLESS_COLLECTIONS = {"ADAM", "MPlusDrugs", "MPlusHerbsSupplements"}
NO_ANSWER_MEDLINEPLUS = "no answer text (MedlinePlus collections ship without answers)"
NO_ANSWER = "no answer text"

# Lower-cased tag spellings seen in the data.
DOCUMENT_TAGS = {"document", "doc", "diseasefile"}
FOCUS_TAGS = {"focus", "doctitle-focus"}
PAIR_TAGS = {"qapair", "pair"}

# Runs the NIH pages' lists were flattened into: "text:      - item    - item".
_LIST_ITEM = re.compile(r"[ \t]{2,}-(?:[ \t]+|(?=[^\s\d-]))")
# Three or more spaces mark where a heading or paragraph ended on the original page.
_BLOCK_BREAK = re.compile(r"[ \t]{3,}")
_PAIR_TAG_BYTES = re.compile(rb"<(?:QAPair|pair)[\s>]")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)


def read(path: Path, settings: Settings) -> Iterator[Document | Skipped]:
    path = require_path(path, "the MedQuAD .tar.gz or its unpacked folder")
    files = 0
    for origin, data in iter_members(path, ".xml", settings.max_file_bytes):
        files += 1
        if isinstance(data, Skipped):
            yield data
            continue
        yield from read_file(origin, data, settings.max_file_bytes)
    if files == 0:
        raise InputError(
            f"{path} holds no .xml files; give the MedQuAD .tar.gz or the folder its collections unpack to."
        )


def estimate(path: Path) -> int | None:
    """How many question-answer pairs (answered or not) `read` will report."""
    try:
        return sum(
            len(_PAIR_TAG_BYTES.findall(data))
            for _, data in iter_members(Path(path), ".xml", 1 << 62)
            if isinstance(data, bytes)
        )
    except InputError:
        return None


def read_file(origin: str, data: bytes, max_bytes: int) -> Iterator[Document | Skipped]:
    """Every question-answer pair in one MedQuAD XML file."""
    problem = problem_with_bytes(origin, data, max_bytes)
    if problem is None:
        text = decode_text(origin, data)
        problem = text if isinstance(text, Skipped) else None
    if problem is not None:
        yield problem
        return
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        yield Skipped(origin, f"not well-formed XML ({exc.msg}); re-extract the file from the MedQuAD archive")
        return
    if root.tag.lower() not in DOCUMENT_TAGS:
        yield Skipped(origin, f"not a MedQuAD document (root element <{root.tag}>, expected <Document>)")
        return
    yield from _pairs(origin, root)


def _pairs(origin: str, root: etree._Element) -> Iterator[Document | Skipped]:
    file_stem = Path(origin).stem
    collection = root.get("source") or root.get("corpus") or Path(origin).parent.name
    focus = normalize_space(_first_text(root, FOCUS_TAGS))
    synonyms = _texts(root, {"synonym"})
    cuis = _texts(root, {"cui"})
    document_id = root.get("id") or root.get("docid") or root.get("fid") or file_stem
    shared_metadata = {
        "focus": focus,
        "synonyms": synonyms,
        "cuis": cuis,
        "semantic_types": _texts(root, {"semantictype"}),
        "semantic_group": normalize_space(_first_text(root, {"semanticgroup"})),
        "collection": collection,
        "focus_category": normalize_space(_first_text(root, {"category"})),
    }
    conditions = list(dict.fromkeys(c for c in [focus, *synonyms] if c))
    pairs = (el for el in root.iter() if el.tag.lower() in PAIR_TAGS)
    for position, pair in enumerate(pairs, start=1):
        pid = pair.get("pid") or str(position)
        question_el = _child(pair, "question")
        qid = question_el.get("qid", "") if question_el is not None else ""
        pair_origin = f"{origin} question {qid or pid}"
        question = normalize_space("".join(question_el.itertext())) if question_el is not None else ""
        answer_el = _child(pair, "answer")
        answer = readable_answer("".join(answer_el.itertext())) if answer_el is not None else ""
        if not answer:
            yield Skipped(pair_origin, NO_ANSWER_MEDLINEPLUS if collection in ANSWERLESS_COLLECTIONS else NO_ANSWER)
            continue
        if not question:
            yield Skipped(pair_origin, "answer without a question text")
            continue
        source = Source(
            id=f"medquad:{collection}:{file_stem}-{pid}",
            kind="consumer",
            title=question,
            origin=NAME,
            developer=PUBLISHERS.get(collection, collection),
            identifiers={
                k: v
                for k, v in (("qid", qid), ("cui", cuis[0] if cuis else ""), ("medquad_document", document_id))
                if v
            },
            url=root.get("url", ""),
            licence=LICENCE,
            conditions=conditions,
            metadata=shared_metadata | {"qtype": question_el.get("qtype", "")},
        )
        passage = Passage(source_id=source.id, order=0, section=question, text=answer, start=0, end=len(answer))
        yield Document(source, [passage])


def readable_answer(raw: str) -> str:
    """The answer with its whitespace tidied but its lists and paragraphs kept.

    MedQuAD flattened the NIH pages' lists into runs like "include:    - a    - b"; those become
    one "- item" line each, a long space run becomes a line break, and blank lines in the
    original stay as single paragraph breaks.
    """
    lines: list[str] = []
    for original in raw.splitlines():
        marked = _BLOCK_BREAK.sub("\n", _LIST_ITEM.sub("\n- ", original))
        kept = [piece for piece in map(normalize_space, marked.split("\n")) if piece]
        if kept:
            lines.extend(kept)
        elif lines and lines[-1]:
            lines.append("")  # a blank line on the page: one paragraph break
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _child(el: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in el if c.tag.lower() == name), None)


def _texts(root: etree._Element, names: set[str]) -> list[str]:
    """The non-empty texts of every element with one of `names`, in document order, once each."""
    found = (normalize_space("".join(el.itertext())) for el in root.iter() if el.tag.lower() in names)
    return list(dict.fromkeys(t for t in found if t))


def _first_text(root: etree._Element, names: set[str]) -> str:
    return next(iter(_texts(root, names)), "")
