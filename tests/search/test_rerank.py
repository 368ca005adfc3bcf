"""A question about a general condition ranks sources about that condition above sources about a
narrower one that merely shares its name ("pulmonary X" for "X"), unless it names the narrower one.

The vocabulary and the library are invented ("examplosis"); the tree numbers only place the
concepts: "Examplosis, Juvenile" under "Examplosis", "Examplosis, Pulmonary" elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from curbside.ingest.mesh import ingest_mesh
from curbside.ingest.run import ingest
from curbside.library import Library
from curbside.model import Document, IngestReport, Passage, Source
from curbside.search.rerank import RerankWeights
from curbside.search.retrieve import SearchOptions

DESCRIPTORS = {
    "D900001": ("Examplosis", "C90.100"),
    "D900002": ("Examplosis, Pulmonary", "C91.200"),  # another branch: a different condition
    "D900003": ("Examplosis, Juvenile", "C90.100.300"),  # a kind of examplosis
}

# The narrower sources are written to win on words, kind and year, so only the new signal can
# put the general source first.
SOURCES = [
    (
        "test:general",
        "guideline",
        "Synthetic examplosis guideline",
        2012,
        ["Examplosis"],
        [("Recommendations", "Synthetic text: examplosis is diagnosed with the imaginary tilt test.")],
    ),
    (
        "test:pulmonary",
        "guideline",
        "Synthetic pulmonary examplosis guideline",
        2024,
        ["Pulmonary examplosis"],
        [
            (
                "Major Recommendations › Diagnosis",
                "Synthetic text: how is examplosis diagnosed? Examplosis is diagnosed with the invented lung echo; "
                "diagnosed examplosis needs a repeat echo.",
            )
        ],
    ),
    (
        "test:juvenile",
        "guideline",
        "Synthetic juvenile examplosis guideline",
        2023,
        ["Juvenile examplosis"],
        [
            (
                "Major Recommendations › Diagnosis",
                "Synthetic text: how is examplosis diagnosed? Examplosis is diagnosed with the invented growth chart.",
            )
        ],
    ),
]


def _write_mesh(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "terms.tsv").write_text(
        "mesh_id\tmesh_name\n" + "".join(f"{i}\t{name}\n" for i, (name, _) in DESCRIPTORS.items()), encoding="utf-8"
    )
    (folder / "tree-numbers.tsv").write_text(
        "mesh_id\tmesh_name\tmesh_tree_number\n"
        + "".join(f"{i}\t{name}\t{tree}\n" for i, (name, tree) in DESCRIPTORS.items()),
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    root = tmp_path_factory.mktemp("specificity")
    library = Library(root / "lib")
    ingest_mesh(library.db, _write_mesh(root / "mesh"))
    docs = []
    for source_id, kind, title, year, conditions, rows in SOURCES:
        source = Source(
            id=source_id,
            kind=kind,
            title=title,
            origin="test",
            developer="Synthetic Society",
            year=year,
            conditions=conditions,
        )
        docs.append(Document(source, [Passage(source_id, i, section, text) for i, (section, text) in enumerate(rows)]))
    ingest(library.db, docs, IngestReport("test", "synthetic"), after_batch=library.embed_pending)
    library.searcher.invalidate()  # the vocabulary arrived after the searcher may have loaded
    yield library
    library.close()


def _sources(lib: Library, question: str, options: SearchOptions = SearchOptions()) -> list[str]:
    return [hit.source.id for hit in lib.search(question, k=10, options=options)]


def test_without_the_signal_the_narrower_sources_win_on_words(lib):
    off = SearchOptions(weights=RerankWeights(narrower=0.0))
    assert _sources(lib, "How is examplosis diagnosed?", off)[-1] == "test:general"


def test_a_general_question_ranks_the_general_source_first(lib):
    ranked = _sources(lib, "How is examplosis diagnosed?")
    # the kind of examplosis next, the different condition that shares its name last
    assert ranked == ["test:general", "test:juvenile", "test:pulmonary"]


def test_the_factor_says_how_far_each_source_is_from_the_asked_condition(lib):
    factors = {hit.source.id: hit.explain["rerank_narrower"] for hit in lib.search("How is examplosis diagnosed?")}
    assert factors == {"test:general": 0.0, "test:juvenile": 0.5, "test:pulmonary": 1.0}


def test_a_question_naming_the_narrower_condition_ranks_it_first(lib):
    assert _sources(lib, "How is pulmonary examplosis diagnosed?")[0] == "test:pulmonary"
    assert _sources(lib, "How is juvenile examplosis diagnosed?")[0] == "test:juvenile"
