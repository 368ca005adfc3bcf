"""TREC 2017 LiveQA medical: the 104 test questions, the 2,479 MedQuAD judgements, the collection.

The judgements (Ben Abacha & Demner-Fushman, BMC Bioinformatics 2019) grade MedQuAD answers
1-4 against the test questions. Their answer ids (``GHR_0000804_Sec2.txt``) name a MedQuAD
collection, document and answer number, but the number is not always the QAPair's `pid`
(CDC, NHLBI, NIDDK and NIHSeniorHealth documents were renumbered after judging), so an id is
mapped by content: the judged question and answer text, compared as lower-case word
sequences, against what the project's MedQuAD reader stored. Answers MedQuAD ships without
text (A.D.A.M., MedlinePlus drugs and herbs) exist only in the judgement CSV, so they are
added to the collection from there. Identical question-and-answer pairs count as one document.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import InputError
from ..ingest import run as ingest_stage
from ..ingest.readers import get_reader
from ..language.clean import normalize_space
from ..library import Library
from ..model import Document, IngestReport, Passage, Source
from ..publish.evidence import flag_source_change

QUESTIONS_FILE = "TREC-2017-LiveQA-Medical-Test.xml"
JUDGED_ZIP = "QA-TestSet-LiveQA-Med-Qrels-2479-Answers.zip"
JUDGED_ORIGIN = "liveqa-judged"
MANIFEST = "liveqa-collection.json"
# Bump when what the build puts in the collection changes, so cached collections are rebuilt.
COLLECTION_FORMAT = 1

_QID = re.compile(r"TQ(\d+)$")
_JUDGED_TEXT = re.compile(r"Question:(?P<question>.*?)\nURL:(?P<url>.*?)\nAnswer:(?P<answer>.*)", re.DOTALL)
# The CSV's question lines list synonyms that MedQuAD keeps elsewhere: "... ? (Also called: PCOS; ...)".
_ALSO_CALLED = re.compile(r"\s*\(Also called:.*\)\s*$", re.DOTALL)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Question:
    """A consumer's question as sent: SUBJECT and MESSAGE, not NIST's paraphrase."""

    number: int  # TQ7 is 7, the number the judgements use
    subject: str
    message: str

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.subject, self.message) if part)


@dataclass(frozen=True)
class Judgement:
    question: int
    grade: int  # 1 Incorrect, 2 Related, 3 Incomplete, 4 Excellent
    answer_id: str


@dataclass(frozen=True)
class JudgedAnswer:
    answer_id: str
    question: str  # the question line as the CSV gives it, synonyms included
    url: str
    answer: str

    @property
    def collection(self) -> str:
        return self.answer_id.split("_", 1)[0]


@dataclass
class JudgedMapping:
    """Where every judged answer sits in the collection."""

    answer_source: dict[str, str]  # judged answer id -> source id
    added: list[JudgedAnswer]  # judged answers MedQuAD lacks, one per distinct pair
    mapped_to_medquad: int = 0  # judged ids found in MedQuAD

    @property
    def merged(self) -> int:
        """Judged ids that share their document with another judged id."""
        return len(self.answer_source) - len(set(self.answer_source.values()))


@dataclass
class Collection:
    """A built collection: its library plus what the evaluation needs to read it."""

    library: Library
    answer_source: dict[str, str]
    duplicates: dict[str, str]  # source id -> the id of the identical document that stands for it
    counts: dict[str, int | float] = field(default_factory=dict)

    def canonical(self, source_id: str) -> str:
        return self.duplicates.get(source_id, source_id)


# -- the files ------------------------------------------------------------------------------


def load_questions(path: Path) -> list[Question]:
    try:
        root = etree.parse(str(path)).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise InputError(f"{path} is not the LiveQA test question XML ({exc}); point --shared at ../shared.") from None
    questions = []
    for element in root.iter("NLM-QUESTION"):
        number = _QID.match(element.get("qid", ""))
        original = element.find("Original-Question")
        if number is None or original is None:
            raise InputError(f"{path}: question {element.get('qid')!r} has no TQ number or original question.")
        questions.append(
            Question(
                number=int(number.group(1)),
                subject=normalize_space(original.findtext("SUBJECT") or ""),
                message=normalize_space(original.findtext("MESSAGE") or ""),
            )
        )
    return sorted(questions, key=lambda q: q.number)


def _zip_member(archive: zipfile.ZipFile, suffix: str) -> str:
    names = [n for n in archive.namelist() if n.endswith(suffix) and not n.startswith("__MACOSX/")]
    if len(names) != 1:
        raise InputError(f"{archive.filename} should hold one file ending in {suffix!r}, found {len(names)}.")
    return names[0]


def _read_zip_text(path: Path, suffix: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read(_zip_member(archive, suffix)).decode("utf-8-sig")
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path} is not the LiveQA judged-answers zip ({exc}); point --shared at ../shared.") from None


def load_judgements(zip_path: Path) -> list[Judgement]:
    """Every qrels line, in file order ("1 2-Related ADAM_0002818_Sec2.txt")."""
    judgements = []
    for number, line in enumerate(_read_zip_text(zip_path, "_Judged-Answers.txt").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1][:1].isdigit():
            raise InputError(f"{zip_path}: qrels line {number} is not 'QUESTION GRADE-LABEL ANSWER_ID': {line!r}")
        judgements.append(Judgement(question=int(parts[0]), grade=int(parts[1][0]), answer_id=parts[2]))
    return judgements


def load_judged_answers(zip_path: Path) -> dict[str, JudgedAnswer]:
    """The judged answers' texts by answer id (the CSV repeats an id once per judgement)."""
    rows = csv.DictReader(io.StringIO(_read_zip_text(zip_path, "-Answers-retrieved-from-MedQuAD.csv")))
    answers: dict[str, JudgedAnswer] = {}
    for row in rows:
        match = _JUDGED_TEXT.match(row["Answer"].strip())
        if match is None:
            raise InputError(f"{zip_path}: answer {row['AnswerID']} is not 'Question: … URL: … Answer: …'.")
        answers.setdefault(
            row["AnswerID"],
            JudgedAnswer(
                answer_id=row["AnswerID"],
                question=normalize_space(match["question"]),
                url=match["url"].strip(),
                answer=normalize_space(match["answer"]),
            ),
        )
    return answers


# -- mapping judged answers to documents ----------------------------------------------------


def words(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def bare_question(question_line: str) -> str:
    return _ALSO_CALLED.sub("", question_line).strip()


def pair_key(question: str, answer: str) -> tuple[str, str]:
    """What makes two documents the same: their question and answer as word sequences."""
    return words(bare_question(question)), words(answer)


def document_keys(documents: Iterable[Document]) -> dict[tuple[str, str], list[str]]:
    """Source ids by pair key, each list sorted (its first id stands for the others)."""
    keys: dict[tuple[str, str], list[str]] = defaultdict(list)
    for doc in documents:
        if doc.passages:
            answer = " ".join(p.text for p in sorted(doc.passages, key=lambda p: p.order))
            keys[pair_key(doc.passages[0].section, answer)].append(doc.source.id)
    return {key: sorted(ids) for key, ids in keys.items()}


def duplicates_of(keys: Mapping[tuple[str, str], list[str]]) -> dict[str, str]:
    """Every source id that repeats an identical document -> the id that stands for it."""
    return {other: ids[0] for ids in keys.values() for other in ids[1:]}


def map_judged_answers(answers: Mapping[str, JudgedAnswer], keys: Mapping[tuple[str, str], list[str]]) -> JudgedMapping:
    """Each judged id -> exactly one source id: a MedQuAD document, or a judged answer to add."""
    mapping = JudgedMapping(answer_source={}, added=[])
    added_by_key: dict[tuple[str, str], str] = {}
    for answer_id in sorted(answers):
        judged = answers[answer_id]
        key = pair_key(judged.question, judged.answer)
        if key in keys:
            mapping.answer_source[answer_id] = keys[key][0]
            mapping.mapped_to_medquad += 1
        elif key in added_by_key:
            mapping.answer_source[answer_id] = added_by_key[key]
        else:
            source_id = added_by_key[key] = f"{JUDGED_ORIGIN}:{answer_id}"
            mapping.answer_source[answer_id] = source_id
            mapping.added.append(judged)
    return mapping


def judged_documents(answers: Iterable[JudgedAnswer]) -> Iterator[Document]:
    """The in-module reader for judged answers MedQuAD lacks: one consumer source each."""
    for judged in answers:
        source_id = f"{JUDGED_ORIGIN}:{judged.answer_id}"
        section = bare_question(judged.question)
        yield Document(
            source=Source(
                id=source_id,
                kind="consumer",
                title=judged.question,
                origin=JUDGED_ORIGIN,
                url=judged.url,
                identifiers={"liveqa_answer_id": judged.answer_id},
                metadata={"collection": judged.collection},
            ),
            passages=[
                Passage(source_id=source_id, order=0, section=section, text=judged.answer, end=len(judged.answer))
            ],
        )


def collection_judgements(
    judgements: Iterable[Judgement], collection: Collection
) -> tuple[dict[int, dict[str, int]], int]:
    """Grades per question by collection document, and how many (question, document) disagreed.

    168 (question, answer) pairs are judged twice with different grades, and merged ids can
    disagree too; the higher grade stands (an assessor found it that good).
    """
    grades: dict[int, dict[str, int]] = defaultdict(dict)
    seen: dict[tuple[int, str], set[int]] = defaultdict(set)
    for j in judgements:
        source_id = collection.canonical(collection.answer_source[j.answer_id])
        seen[(j.question, source_id)].add(j.grade)
        grades[j.question][source_id] = max(j.grade, grades[j.question].get(source_id, 0))
    return dict(grades), sum(1 for found in seen.values() if len(found) > 1)


# -- building and caching the collection library --------------------------------------------


def _fingerprint() -> dict[str, object]:
    """What a cached collection was built by; a different reader means a different collection."""
    reader = get_reader("medquad")
    return {
        "format": COLLECTION_FORMAT,
        "medquad_reader": hashlib.sha256(Path(reader.__file__).read_bytes()).hexdigest()[:16],
    }


def _library_documents(lib: Library, origin: str) -> Iterator[Document]:
    for source in lib.sources():
        if source.origin == origin:
            yield Document(*lib.source(source.id))


def build_collection(folder: Path, medquad: Path, judged_zip: Path, *, embed: bool) -> Collection:
    """Ingest MedQuAD with the project's reader, then the judged answers it lacks."""
    started = time.perf_counter()
    lib = Library(folder)
    medquad_report = lib.ingest("medquad", medquad, embed=embed)
    keys = document_keys(_library_documents(lib, "medquad"))
    mapping = map_judged_answers(load_judged_answers(judged_zip), keys)
    judged_report = ingest_stage.ingest(
        lib.db,
        judged_documents(mapping.added),
        IngestReport(reader=JUDGED_ORIGIN, path=str(judged_zip)),
        after_batch=lib.embed_pending if embed else None,
        flag_change=flag_source_change,
    )
    stats = lib.stats()
    counts = {
        "medquad_sources": medquad_report.added,
        "medquad_skipped": medquad_report.skipped,
        "judged_ids": len(mapping.answer_source),
        "judged_mapped_to_medquad": mapping.mapped_to_medquad,
        "judged_added": judged_report.added,
        "judged_merged": mapping.merged,
        "identical_documents_merged": len(duplicates_of(keys)),
        "sources": stats["sources_total"],
        "passages": stats["passages_total"],
        "passages_embedded": stats["passages_embedded"],
        "build_seconds": round(time.perf_counter() - started, 1),
    }
    manifest = {
        "fingerprint": _fingerprint(),
        "embedded": embed,
        "counts": counts,
        "answer_source": mapping.answer_source,
        "duplicates": duplicates_of(keys),
    }
    # Written last: a build killed half-way leaves no manifest and is redone from scratch.
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return Collection(lib, mapping.answer_source, manifest["duplicates"], counts)


def open_collection(
    folder: Path, medquad: Path, judged_zip: Path, *, embed: bool, rebuild: bool = False
) -> tuple[Collection, bool]:
    """The cached collection at `folder`, built first if missing, stale or `rebuild`; (collection, built)."""
    manifest_file = folder / MANIFEST
    manifest = json.loads(manifest_file.read_text(encoding="utf-8")) if manifest_file.exists() else None
    if rebuild or manifest is None or manifest.get("fingerprint") != _fingerprint():
        _clear(folder)
        return build_collection(folder, medquad, judged_zip, embed=embed), True
    lib = Library(folder, create=False)
    if embed and not manifest["embedded"]:
        lib.embed_pending()  # built with --no-vectors before: add the vectors, keep the rest
        manifest["embedded"] = True
        manifest["counts"]["passages_embedded"] = lib.stats()["passages_embedded"]
        manifest_file.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return Collection(lib, manifest["answer_source"], manifest["duplicates"], manifest["counts"]), False


def _clear(folder: Path) -> None:
    """Delete a cached collection, refusing any folder that is not one (it might be a real library)."""
    if not folder.exists():
        return
    if any(folder.iterdir()) and not (folder / MANIFEST).exists() and not (folder / "library.sqlite3").exists():
        raise InputError(f"{folder} is not a LiveQA collection cache; choose an empty or new --library folder.")
    if (folder / "library.sqlite3").exists() and not (folder / MANIFEST).exists() and _has_other_sources(folder):
        raise InputError(f"{folder} holds a library that is not a LiveQA collection; choose another --library folder.")
    shutil.rmtree(folder)


def _has_other_sources(folder: Path) -> bool:
    lib = Library(folder, create=False)
    try:
        return any(s.origin not in ("medquad", JUDGED_ORIGIN) for s in lib.sources(include_old=True))
    finally:
        lib.close()
