"""The MedQuAD reader: both XML spellings, readable answers, unique ids, bad files, the real corpus."""

from __future__ import annotations

import tarfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import shared_path

from curbside.config import Settings
from curbside.errors import InputError
from curbside.ingest.readers import medquad
from curbside.model import Document, Skipped

pytestmark = pytest.mark.slow  # reads the shared MedQuAD corpus

SETTINGS = Settings(library=Path("unused"))

# Synthetic files in MedQuAD's shapes; every name and fact is made up.
MAIN_SPELLING = """<?xml version="1.0" encoding="UTF-8"?>
<Document id="0000001" source="GHR" url="https://example.invalid/examplitis">
<Focus>Examplitis</Focus>
<FocusAnnotations>
  <UMLS><CUIs><CUI>C0000001</CUI><CUI>C0000002</CUI></CUIs>
    <SemanticTypes><SemanticType>T999</SemanticType></SemanticTypes>
    <SemanticGroup>Disorders</SemanticGroup></UMLS>
  <Synonyms><Synonym>Example syndrome</Synonym><Synonym>EXS</Synonym></Synonyms>
</FocusAnnotations>
<QAPairs>
  <QAPair pid="1">
    <Question qid="0000001-1" qtype="information">What is (are)   Examplitis ?</Question>
    <Answer>Examplitis is a made-up condition.  Signs include:    - a placeholder sign    -  another placeholder
                
                    Second paragraph.   Heading Line    Text under it.</Answer>
  </QAPair>
  <QAPair pid="2">
    <Question qid="0000001-2" qtype="treatment">What are the treatments for Examplitis ?</Question>
    <Answer>   </Answer>
  </QAPair>
</QAPairs>
</Document>
"""

# NINDS's four files spell everything in lower case with other attribute names.
LOWER_SPELLING = """<?xml version="1.0" encoding="UTF-8"?>
<doc docid="0000002" corpus="NINDS" url="https://example.invalid/sampleosis">
<doctitle-focus>Sampleosis</doctitle-focus>
<umls><cui></cui><semanticType></semanticType><semanticGroup></semanticGroup></umls>
<qaPairs><pair pid="1"><question qid="0000002-1" qtype="information">what is sampleosis ?</question>
<answer>Sampleosis is a synthetic example.</answer></pair></qaPairs>
</doc>
"""

ANSWERLESS = """<?xml version="1.0" encoding="UTF-8"?>
<Document id="0000001" source="ADAM" url="https://example.invalid/adam">
<Focus>Examplamab</Focus>
<FocusAnnotations><Category>Drug</Category></FocusAnnotations>
<!--Answers were removed-->
<QAPairs><QAPair pid="1"><Question qid="0000001-1" qtype="usage">How is Examplamab used ?</Question><Answer/></QAPair></QAPairs>
</Document>
"""


def write_collection(root: Path) -> Path:
    files = {
        "3_GHR_QA/0000001.xml": MAIN_SPELLING,
        # A sub-file that reuses its parent's qids for other questions, as CancerGov's do.
        "3_GHR_QA/0000001_1.xml": MAIN_SPELLING.replace("Examplitis", "Examplitis type 2"),
        "6_NINDS_QA/0000002.xml": LOWER_SPELLING,
        "10_MPlus_ADAM_QA/0000001.xml": ANSWERLESS,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def read_all(path: Path, settings: Settings = SETTINGS) -> tuple[list[Document], list[Skipped]]:
    items = list(medquad.read(path, settings))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Skipped)]


def test_answered_pairs_become_consumer_sources(tmp_path: Path) -> None:
    docs, skipped = read_all(write_collection(tmp_path / "medquad"))
    first = next(
        d
        for d in docs
        if d.source.identifiers["medquad_document"] == "0000001" and d.source.title.endswith("Examplitis ?")
    )
    source, (passage,) = first.source, first.passages
    assert source.id == "medquad:GHR:0000001-1"
    assert source.kind == "consumer" and source.origin == "medquad"
    assert source.title == "What is (are) Examplitis ?"
    assert source.developer == "Genetics Home Reference (ghr.nlm.nih.gov)"
    assert source.url == "https://example.invalid/examplitis"
    assert source.licence == "CC BY 4.0 (MedQuAD); text from the NIH site named"
    assert source.conditions == ["Examplitis", "Example syndrome", "EXS"]
    assert source.identifiers == {"qid": "0000001-1", "cui": "C0000001", "medquad_document": "0000001"}
    assert source.metadata == {
        "focus": "Examplitis",
        "synonyms": ["Example syndrome", "EXS"],
        "cuis": ["C0000001", "C0000002"],
        "semantic_types": ["T999"],
        "semantic_group": "Disorders",
        "qtype": "information",
        "collection": "GHR",
        "focus_category": "",
    }
    assert (passage.order, passage.section, passage.start, passage.end) == (0, source.title, 0, len(passage.text))
    assert passage.text == (
        "Examplitis is a made-up condition. Signs include:\n- a placeholder sign\n- another placeholder\n\n"
        "Second paragraph.\nHeading Line\nText under it."
    )


def test_lower_case_spelling_is_read(tmp_path: Path) -> None:
    docs, _ = read_all(write_collection(tmp_path / "medquad"))
    (ninds,) = [d for d in docs if d.source.metadata["collection"] == "NINDS"]
    assert ninds.source.id == "medquad:NINDS:0000002-1"
    assert ninds.source.conditions == ["Sampleosis"]
    assert ninds.source.identifiers == {"qid": "0000002-1", "medquad_document": "0000002"}
    assert ninds.passages[0].text == "Sampleosis is a synthetic example."


def test_reused_qids_still_give_distinct_ids(tmp_path: Path) -> None:
    docs, _ = read_all(write_collection(tmp_path / "medquad"))
    ids = [d.source.id for d in docs]
    assert sorted(ids) == ["medquad:GHR:0000001-1", "medquad:GHR:0000001_1-1", "medquad:NINDS:0000002-1"]
    assert Counter(d.source.identifiers["qid"] for d in docs)["0000001-1"] == 2


def test_unanswered_pairs_are_skipped_with_a_fixed_reason(tmp_path: Path) -> None:
    _, skipped = read_all(write_collection(tmp_path / "medquad"))
    assert Counter(s.reason for s in skipped) == {medquad.NO_ANSWER: 2, medquad.NO_ANSWER_MEDLINEPLUS: 1}
    assert any("0000001-1" in s.origin and "ADAM" in s.origin for s in skipped)


def test_archive_and_folder_read_the_same(tmp_path: Path) -> None:
    folder = write_collection(tmp_path / "medquad")
    archive = tmp_path / "medquad.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=".")
    from_folder, _ = read_all(folder)
    from_archive, _ = read_all(archive)
    assert [d.source for d in from_archive] == [d.source for d in from_folder]
    assert medquad.estimate(archive) == medquad.estimate(folder) == 6


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(MAIN_SPELLING[:300].encode(), "not well-formed XML", id="truncated"),
        pytest.param(MAIN_SPELLING.replace("made-up", "café").encode("latin-1"), "not UTF-8", id="non-utf8"),
        pytest.param(b"", "empty file", id="empty"),
        pytest.param(b"<Version><Other/></Version>", "not a MedQuAD document", id="other-xml"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(tmp_path: Path, data: bytes, problem: str) -> None:
    folder = tmp_path / "medquad"
    (folder / "1_Bad_QA").mkdir(parents=True)
    (folder / "1_Bad_QA" / "0000009.xml").write_bytes(data)
    docs, (skip,) = read_all(folder)
    assert docs == []
    assert problem in skip.reason and skip.origin.endswith("0000009.xml")


def test_oversized_file_is_skipped(tmp_path: Path) -> None:
    folder = write_collection(tmp_path / "medquad")
    docs, skipped = read_all(folder, Settings(library=Path("unused"), max_file_bytes=600))
    assert [d.source.metadata["collection"] for d in docs] == ["NINDS"]
    assert sum("larger than" in s.reason for s in skipped) == 2


def test_unusable_paths_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        list(medquad.read(tmp_path / "missing", SETTINGS))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no .xml files"):
        list(medquad.read(tmp_path / "empty", SETTINGS))


def test_real_corpus_counts() -> None:
    archive = shared_path("corpora", "medquad-xml.tar.gz")
    docs, skipped = read_all(archive)
    # 47,457 pairs as MedQuAD's readme says: 47,441 <QAPair>s plus 16 <pair>s in four NINDS files.
    assert len(docs) == 16_423 and len(skipped) == 31_034
    assert Counter(s.reason for s in skipped) == {medquad.NO_ANSWER_MEDLINEPLUS: 31_029, medquad.NO_ANSWER: 5}
    assert len({d.source.id for d in docs}) == len(docs)
    assert all(d.passages[0].text and d.source.title for d in docs)
    assert Counter(d.source.metadata["collection"] for d in docs) == {
        "GHR": 5430,
        "GARD": 5389,
        "NIDDK": 1192,
        "NINDS": 1104,
        "MPlusHealthTopics": 981,
        "NIHSeniorHealth": 769,
        "CancerGov": 729,
        "NHLBI": 559,
        "CDC": 270,
    }
