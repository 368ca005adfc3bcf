"""Cochrane reviews as the Paragraph-level Simplification dataset ships them, one source per review.

A folder holds splits (`test`, `val` ...), each as three files with one review per line, aligned
by line number: `<split>.source` (the abstract's results and conclusions), `<split>.target`
(the plain-language summary) and `<split>.doi`. The data has no titles and no years, so the
title is derived from the summary's first informative sentence and marked as derived.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ...config import Settings
from ...errors import InputError
from ...language.clean import normalize_space
from ...language.sentences import sentence_spans
from ...model import Document, Passage, Skipped, Source
from .common import decode_text, read_file_bytes, require_path
from .markdown import split_spans

NAME = "cochrane"
DESCRIPTION = "Cochrane review abstracts and plain-language summaries (folder of <split>.source/.target/.doi)"

DEVELOPER = "Cochrane Database of Systematic Reviews"
LICENCE = "CC BY 4.0 as distributed by the Paragraph-level Simplification dataset; review text © Cochrane"
ABSTRACT_SECTION = "Abstract (results and conclusions)"
SUMMARY_SECTION = "Plain language summary"
PARTS = ("source", "target", "doi")
TITLE_MAX_CHARS = 120
DUPLICATE = "duplicate of an earlier record in this input"

# Opening sentences that only date the evidence ("The evidence is current to March 2015.") say
# nothing about the topic, so the title is taken from the sentence after them.
_DATING_SENTENCE = re.compile(
    r"^(?:the )?(?:evidence|search(?:es)?|literature search|review)\b.{0,40}\b"
    r"(?:current|up[- ]to[- ]date|search date|dated?|searched)\b",
    re.IGNORECASE,
)

# A cut title should not end on a word that only leads into the next one ("... programmes and the…").
_DANGLING_WORDS = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "as",
    "that",
    "which",
    "who",
    "than",
    "versus",
    "vs",
    "were",
    "was",
    "is",
    "are",
}


def read(path: Path, settings: Settings) -> Iterator[Document | Skipped]:
    path = require_path(path, "the Cochrane folder of <split>.source, .target and .doi files")
    folder, splits = _splits(path)
    # Read and check every split before yielding anything, so a misaligned file stores nothing.
    lines = {split: _split_lines(folder, split, settings.max_file_bytes) for split in splits}
    seen: set[str] = set()
    for split in splits:
        if isinstance(lines[split], Skipped):
            yield lines[split]
            continue
        columns = lines[split]
        for number, (abstract, summary, doi) in enumerate(zip(*(columns[p] for p in PARTS), strict=False), start=1):
            origin = f"{folder / split}.* line {number}"
            item = review(origin, abstract, summary, doi)
            if isinstance(item, Document):
                if item.source.id in seen:
                    item = Skipped(origin, DUPLICATE)
                else:
                    seen.add(item.source.id)
            yield item


def estimate(path: Path) -> int | None:
    try:
        folder, splits = _splits(Path(path))
        return sum(len((folder / f"{split}.doi").read_bytes().splitlines()) for split in splits)
    except (InputError, OSError):
        return None  # read() will say what is wrong with the path


def review(origin: str, abstract: bytes, summary: bytes, doi: bytes) -> Document | Skipped:
    """One review from its three aligned lines."""
    texts = []
    for part in (abstract, summary, doi):
        text = decode_text(origin, part)
        if isinstance(text, Skipped):
            return text
        texts.append(normalize_space(text))
    abstract_text, summary_text, doi_text = texts
    if not abstract_text:
        return Skipped(origin, "empty abstract")
    if not re.fullmatch(r"10\.\d{4,9}/\S+", doi_text):
        return Skipped(origin, "no DOI on this line of the .doi file" if not doi_text else "the .doi line is not a DOI")
    title, title_from = derive_title(summary_text), SUMMARY_SECTION
    if not title:
        title, title_from = derive_title(abstract_text), ABSTRACT_SECTION
    source = Source(
        id=f"doi:{doi_text.lower()}",
        kind="systematic_review",
        title=title,
        origin=NAME,
        developer=DEVELOPER,
        identifiers={"doi": doi_text},
        url=f"https://doi.org/{doi_text}",
        licence=LICENCE,
        metadata={"title_derived": True, "title_from": title_from},
    )
    passages: list[Passage] = []
    for section, text in ((ABSTRACT_SECTION, abstract_text), (SUMMARY_SECTION, summary_text)):
        for start, end in split_spans(text, 0, len(text)):
            passages.append(Passage(source.id, len(passages), section, text[start:end], start, end))
    return Document(source, passages)


def derive_title(text: str) -> str:
    """The first sentence that is about the topic, cut at a word boundary to at most 120 characters.

    Only the review's own words are used; a cut is shown with an ellipsis.
    """
    sentences = [text[s.start : s.end] for s in sentence_spans(text)]
    informative = [s for s in sentences if not _DATING_SENTENCE.match(s)] or sentences
    if not informative:
        return ""
    title = informative[0].rstrip(". ")
    if len(title) <= TITLE_MAX_CHARS:
        return title
    words = title[: TITLE_MAX_CHARS - 1].rsplit(" ", 1)[0].split(" ")
    while len(words) > 1 and words[-1].lower() in _DANGLING_WORDS:
        words.pop()
    return " ".join(words).rstrip(",;:(- ") + "…"


def _splits(path: Path) -> tuple[Path, list[str]]:
    """The folder and the split names to read: every <split>.doi in a folder, or one named file's split."""
    if path.is_file():
        if path.suffix.lstrip(".") not in PARTS:
            raise InputError(
                f"{path} is not a .source, .target or .doi file; give the Cochrane folder or one of its files."
            )
        return path.parent, [path.stem]
    splits = sorted(p.stem for p in path.glob("*.doi") if p.is_file())
    if not splits:
        raise InputError(
            f"{path} holds no .doi files; give the folder with <split>.source, <split>.target and <split>.doi."
        )
    return path, splits


def _split_lines(folder: Path, split: str, max_bytes: int) -> dict[str, list[bytes]] | Skipped:
    """Each part's lines, or a skip if one cannot be read; refuses files that do not line up."""
    files = {part: folder / f"{split}.{part}" for part in PARTS}
    for file in files.values():
        if not file.is_file():
            raise InputError(
                f"{file} is missing; each Cochrane split needs {split}.source, {split}.target and {split}.doi side by side."
            )
    columns: dict[str, list[bytes]] = {}
    for part, file in files.items():
        data = read_file_bytes(file, max_bytes)
        if isinstance(data, Skipped):
            return data
        columns[part] = data.splitlines()
    counts = {part: len(lines) for part, lines in columns.items()}
    if len(set(counts.values())) > 1:
        listed = ", ".join(f"{split}.{part} has {n}" for part, n in counts.items())
        raise InputError(
            f"{folder}: the {split} files do not line up ({listed} lines); each needs one review per line, in the same order."
        )
    if not counts["doi"]:
        return Skipped(f"{folder / split}.*", "empty files")
    return columns
