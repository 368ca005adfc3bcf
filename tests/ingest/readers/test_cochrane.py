"""The Cochrane reader: aligned lines, sentence-bounded passages, derived titles, bad files, the real corpus."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import shared_path

from curbside.config import Settings
from curbside.errors import InputError
from curbside.ingest.readers import cochrane
from curbside.library import Library
from curbside.model import Document, Skipped

SETTINGS = Settings(library=Path("unused"))

# Synthetic reviews; the drug and the numbers are made up.
SENTENCE = "Examplamab reduced the made-up score by 3.5 points (95% CI 1.2 to 5.8) in 12 synthetic trials. "
LONG_ABSTRACT = SENTENCE * 25  # about 2,400 characters: three passages
REVIEWS = [
    (
        LONG_ABSTRACT,
        "The evidence is current to March 2099. This review looked at examplamab for placeholder pain in adults.",
        "10.1002/14651858.CD900001.pub2",
    ),
    (
        "Sampleol had no effect on the synthetic outcome.",
        "We found one fictional trial of sampleol.",
        "10.1002/14651858.CD900002",
    ),
]


def write_split(folder: Path, split: str, rows: list[tuple[str, str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for index, part in enumerate(cochrane.PARTS):
        (folder / f"{split}.{part}").write_text("".join(row[index] + "\n" for row in rows), encoding="utf-8")


def read_all(path: Path) -> tuple[list[Document], list[Skipped]]:
    items = list(cochrane.read(path, SETTINGS))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Skipped)]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "cochrane-pls"
    write_split(folder, "test", REVIEWS[:1])
    write_split(folder, "val", REVIEWS[1:])
    return folder


def test_each_line_is_one_systematic_review(corpus: Path) -> None:
    docs, skipped = read_all(corpus)
    assert skipped == []
    source = docs[0].source
    assert [d.source.id for d in docs] == ["doi:10.1002/14651858.cd900001.pub2", "doi:10.1002/14651858.cd900002"]
    assert source.kind == "systematic_review" and source.origin == "cochrane"
    assert source.developer == "Cochrane Database of Systematic Reviews"
    assert source.identifiers == {"doi": "10.1002/14651858.CD900001.pub2"}
    assert source.url == "https://doi.org/10.1002/14651858.CD900001.pub2"
    assert source.year is None
    assert source.licence == cochrane.LICENCE
    assert cochrane.estimate(corpus) == 2


def test_passages_are_sentence_bounded_with_exact_offsets(corpus: Path) -> None:
    docs, _ = read_all(corpus)
    passages = docs[0].passages
    assert [p.order for p in passages] == list(range(len(passages)))
    abstract = [p for p in passages if p.section == cochrane.ABSTRACT_SECTION]
    summary = [p for p in passages if p.section == cochrane.SUMMARY_SECTION]
    assert len(abstract) == 3 and len(summary) == 1
    cleaned = LONG_ABSTRACT.strip()
    for p in abstract:
        assert len(p.text) <= 1000 and p.text == cleaned[p.start : p.end]
        assert p.text.endswith("trials.")  # whole sentences only
    assert summary[0].text == REVIEWS[0][1]


def test_title_is_derived_from_the_summary_and_marked(corpus: Path) -> None:
    docs, _ = read_all(corpus)
    # The opening sentence only dates the evidence, so the next one names the topic.
    assert docs[0].source.title == "This review looked at examplamab for placeholder pain in adults"
    assert docs[0].source.metadata == {"title_derived": True, "title_from": cochrane.SUMMARY_SECTION}
    assert docs[1].source.title == "We found one fictional trial of sampleol"


def test_long_titles_are_cut_at_a_word_without_new_words() -> None:
    text = "This review looked at " + "synthetic placeholder outcomes and " * 8 + "more."
    title = cochrane.derive_title(text)
    assert title.endswith("…") and len(title) <= cochrane.TITLE_MAX_CHARS
    words = title.rstrip("…").split()
    assert set(words) <= set(text.split())
    # A cut never leaves a word that only leads into the next one.
    assert cochrane.derive_title("word " * 23 + "and the rest of it.") == ("word " * 23).strip() + "…"


def test_bad_lines_are_skipped_and_duplicates_kept_once(tmp_path: Path) -> None:
    folder = tmp_path / "cochrane-pls"
    write_split(
        folder,
        "test",
        [
            REVIEWS[1],
            ("", "A summary without its abstract.", "10.1002/14651858.CD900003"),
            ("Text.", "Text.", "not-a-doi"),
            REVIEWS[1],
        ],
    )
    with open(folder / "test.source", "ab") as handle:  # a fifth review whose abstract is not UTF-8
        handle.write("Caf\u00e9 study.\n".encode("latin-1"))
    for part in ("target", "doi"):
        with open(folder / f"test.{part}", "a", encoding="utf-8") as handle:
            handle.write("Summary.\n" if part == "target" else "10.1002/14651858.CD900005\n")
    docs, skipped = read_all(folder)
    assert len(docs) == 1
    assert [s.reason.split(" (")[0] for s in skipped] == [
        "empty abstract",
        "the .doi line is not a DOI",
        cochrane.DUPLICATE,
        "not UTF-8 text",
    ]
    assert skipped[0].origin.endswith("test.* line 2")


def test_misaligned_files_are_refused_naming_the_counts(tmp_path: Path) -> None:
    folder = tmp_path / "cochrane-pls"
    write_split(folder, "test", REVIEWS)
    (folder / "test.doi").write_text(REVIEWS[0][2] + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        list(cochrane.read(folder, SETTINGS))
    assert "test.source has 2, test.target has 2, test.doi has 1 lines" in str(error.value)


def test_unusable_paths_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        list(cochrane.read(tmp_path / "missing", SETTINGS))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no .doi files"):
        list(cochrane.read(tmp_path / "empty", SETTINGS))
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "test.doi").write_text("10.1/x\n", encoding="utf-8")
    with pytest.raises(InputError, match="test.source is missing"):
        list(cochrane.read(tmp_path / "half", SETTINGS))


def test_empty_split_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "cochrane-pls"
    write_split(folder, "test", [])
    docs, (skip,) = read_all(folder)
    assert docs == [] and skip.reason == "empty files"


def test_one_file_reads_its_split(corpus: Path) -> None:
    docs, _ = read_all(corpus / "val.target")
    assert [d.source.identifiers["doi"] for d in docs] == [REVIEWS[1][2]]


def test_ingesting_twice_changes_nothing(corpus: Path, tmp_path: Path) -> None:
    library = Library(tmp_path / "library")
    try:
        first = library.ingest("cochrane", corpus, embed=False)
        second = library.ingest("cochrane", corpus, embed=False)
    finally:
        library.close()
    assert first.added == 2 and first.skipped == 0
    assert (second.added, second.updated, second.unchanged, second.passages_added) == (0, 0, first.added, 0)


def test_real_corpus_counts() -> None:
    docs, skipped = read_all(shared_path("corpora", "cochrane-pls"))
    assert len(docs) == 891 and skipped == []
    assert len({d.source.id for d in docs}) == 891
    sections = Counter(p.section for d in docs for p in d.passages)
    assert set(sections) == {cochrane.ABSTRACT_SECTION, cochrane.SUMMARY_SECTION}
    assert all(len(p.text) <= 1000 for d in docs for p in d.passages)
    assert all(d.source.title and len(d.source.title) <= cochrane.TITLE_MAX_CHARS for d in docs)
