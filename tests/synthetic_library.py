"""A small, clearly synthetic library shared by the search and ask tests.

Drug and condition names are invented ("examplamab", "synthetic neuropathy"); the sentences
exercise the pipeline's structure, they say nothing true about medicine.
"""

from __future__ import annotations

from curbside.ingest.run import ingest
from curbside.library import Library
from curbside.model import Document, IngestReport, Passage, Source

GUIDELINE_A = [
    (
        "Major Recommendations › Pharmacological treatment",
        "Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy (Grade 1A).",
    ),
    (
        "Major Recommendations › Pharmacological treatment",
        "If examplamab is ineffective or not tolerated after 4 weeks, switch to testoxetine 30 mg once daily (Grade 2B).",
    ),
    (
        "Major Recommendations › Pharmacological treatment",
        "Placebozine should not be used for synthetic neuropathy because it is ineffective (Grade 1B).",
    ),
    (
        "Major Recommendations › Monitoring",
        "Monitor renal function every 3 months in patients with synthetic neuropathy taking examplamab.",
    ),
]
GUIDELINE_B = [
    (
        "Recommendations › Initial therapy",
        "Examplamab 40 mg once daily is recommended as first-line therapy for synthetic neuropathy.",
    ),
    (
        "Recommendations › Refractory disease",
        "For refractory synthetic neuropathy, add fictocaine patches to examplamab.",
    ),
]
CONSUMER = [
    (
        "What are the treatments for synthetic neuropathy ?",
        "Synthetic neuropathy is treated with medicines that a doctor chooses. Talk to your doctor about the options.",
    ),
]


def _doc(
    source_id: str, kind: str, title: str, year: int, rows: list[tuple[str, str]], conditions: list[str]
) -> Document:
    source = Source(
        id=source_id,
        kind=kind,
        title=title,
        origin="test",
        developer="Synthetic Society",
        year=year,
        identifiers={"doi": f"10.0000/{source_id.split(':')[1]}"},
        conditions=conditions,
    )
    passages = [Passage(source_id, i, section, text) for i, (section, text) in enumerate(rows)]
    return Document(source, passages)


def build(path) -> Library:
    lib = Library(path)
    docs = [
        _doc(
            "test:guideline-a",
            "guideline",
            "Synthetic neuropathy guideline A",
            2024,
            GUIDELINE_A,
            ["synthetic neuropathy"],
        ),
        _doc(
            "test:guideline-b",
            "guideline",
            "Synthetic neuropathy guideline B",
            2015,
            GUIDELINE_B,
            ["synthetic neuropathy"],
        ),
        _doc(
            "test:consumer",
            "consumer",
            "What are the treatments for synthetic neuropathy ?",
            2020,
            CONSUMER,
            ["synthetic neuropathy"],
        ),
        _doc(
            "test:other",
            "guideline",
            "Imaginary gout guideline",
            2023,
            [("Recommendations", "Fictolol 10 mg daily is recommended for imaginary gout flares.")],
            ["imaginary gout"],
        ),
    ]
    ingest(lib.db, docs, IngestReport("test", "synthetic"), after_batch=lib.embed_pending)
    return lib
