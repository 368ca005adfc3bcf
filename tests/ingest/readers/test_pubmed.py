"""The PubMed reader: PubMedQA JSON, PubMed XML exports, folders of both, bad files, the real corpus."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import shared_path

from curbside.config import Settings
from curbside.errors import InputError
from curbside.ingest.readers import pubmed
from curbside.ingest.readers.pubmed_efetch import kind_of
from curbside.model import Document, Skipped

SETTINGS = Settings(library=Path("unused"))

# Synthetic records: the PMIDs, titles, journals and findings are made up.
PUBMEDQA = {
    "90000001": {
        "QUESTION": "Does examplamab improve placeholder outcomes?",
        "CONTEXTS": ["Examplamab is a fictional drug.", "Synthetic patients were enrolled.", "Scores fell."],
        "LABELS": ["BACKGROUND", "METHODS", "UNLABELLED"],
        "MESHES": ["Examplitis", "Humans"],
        "YEAR": "2099",
        "reasoning_required_pred": "yes",
        "reasoning_free_pred": "yes",
        "final_decision": "yes",
        "LONG_ANSWER": "Examplamab may help in this made-up setting.",
    },
    "90000002": {
        "QUESTION": "Is sampleol safe?",
        "CONTEXTS": ["A synthetic cohort."],
        "LABELS": ["RESULTS"],
        "MESHES": [],
        "YEAR": None,
        "final_decision": "maybe",
        "LONG_ANSWER": "",
    },
    "90000003": {"QUESTION": "Is this record empty?", "CONTEXTS": [], "LABELS": [], "MESHES": [], "LONG_ANSWER": ""},
}


def efetch_article(
    pmid: str, title: str, abstract: str, types: list[str], date: str = "<Year>2098</Year><Month>Mar</Month>"
) -> str:
    type_list = "".join(f'<PublicationType UI="D0">{t}</PublicationType>' for t in types)
    return f"""
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">{pmid}</PMID>
    <Article PubModel="Print">
      <Journal><Title>Journal of Synthetic Medicine</Title><ISOAbbreviation>J Synth Med</ISOAbbreviation>
        <JournalIssue CitedMedium="Print"><Volume>1</Volume><PubDate>{date}</PubDate></JournalIssue></Journal>
      <ArticleTitle>{title}</ArticleTitle>
      {abstract}
      <PublicationTypeList>{type_list}</PublicationTypeList>
    </Article>
    <MeshHeadingList><MeshHeading><DescriptorName UI="D1" MajorTopicYN="N">Examplitis</DescriptorName>
      <QualifierName UI="Q1" MajorTopicYN="Y">drug therapy</QualifierName></MeshHeading></MeshHeadingList>
  </MedlineCitation>
  <PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId>
    <ArticleId IdType="doi">10.9999/synthetic.{pmid}</ArticleId></ArticleIdList></PubmedData>
</PubmedArticle>"""


STRUCTURED_ABSTRACT = """<Abstract>
  <AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Examplamab is a <i>fictional</i> agent.</AbstractText>
  <AbstractText Label="RESULTS" NlmCategory="RESULTS">Scores fell by 10<sup>2</sup> placeholder units in CD4<sup>+</sup> cells.</AbstractText>
  <CopyrightInformation>Synthetic copyright line.</CopyrightInformation>
</Abstract>"""

EFETCH = (
    '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n<PubmedArticleSet>'
    + efetch_article(
        "91000001",
        "Examplamab for examplitis: a synthetic review.",
        STRUCTURED_ABSTRACT,
        ["Journal Article", "Systematic Review", "Meta-Analysis"],
    )
    + efetch_article(
        "91000002",
        "A made-up guideline on sampleol.",
        "<Abstract><AbstractText>Use sampleol nowhere.</AbstractText></Abstract>",
        ["Practice Guideline"],
        date="<MedlineDate>2097 Dec-2098 Jan</MedlineDate>",
    )
    + efetch_article("91000003", "A title-only fictional letter.", "", ["Letter"])
    + "<PubmedBookArticle><BookDocument><PMID>91000004</PMID></BookDocument></PubmedBookArticle>"
    + "</PubmedArticleSet>\n"
)


def read_all(path: Path) -> tuple[list[Document], list[Skipped]]:
    items = list(pubmed.read(path, SETTINGS))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Skipped)]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_pubmedqa_records_become_research_sources(tmp_path: Path) -> None:
    docs, skipped = read_all(write(tmp_path / "ori_pqal.json", json.dumps(PUBMEDQA)))
    first = docs[0]
    assert first.source.id == "pmid:90000001" and first.source.kind == "research"
    assert first.source.title == "Does examplamab improve placeholder outcomes?"
    assert (first.source.year, first.source.url) == (2099, "https://pubmed.ncbi.nlm.nih.gov/90000001/")
    assert first.source.identifiers == {"pmid": "90000001"}
    assert first.source.licence == "PubMedQA (MIT); abstract text © its publisher"
    assert first.source.conditions == ["Examplitis", "Humans"]
    assert first.source.metadata == {
        "mesh": ["Examplitis", "Humans"],
        "labels": ["BACKGROUND", "METHODS", "UNLABELLED"],
    }
    assert [(p.order, p.section) for p in first.passages] == [
        (0, "Abstract › BACKGROUND"),
        (1, "Abstract › METHODS"),
        (2, "Abstract"),
        (3, "Abstract › CONCLUSIONS"),
    ]
    assert not any("yes" == p.text for p in first.passages)  # the dataset's labels are not the article's words
    assert docs[1].source.year is None and [p.section for p in docs[1].passages] == ["Abstract › RESULTS"]
    assert [s.reason for s in skipped] == ["no abstract text (CONTEXTS and LONG_ANSWER are empty)"]
    assert pubmed.estimate(tmp_path / "ori_pqal.json") == 3


def test_efetch_articles_are_parsed(tmp_path: Path) -> None:
    docs, skipped = read_all(write(tmp_path / "export.xml", EFETCH))
    review, guideline = docs
    assert review.source.id == "pmid:91000001" and review.source.kind == "systematic_review"
    assert review.source.title == "Examplamab for examplitis: a synthetic review."
    assert review.source.developer == "Journal of Synthetic Medicine"
    assert (review.source.year, review.source.date) == (2098, "2098 Mar")
    assert review.source.identifiers == {"pmid": "91000001", "doi": "10.9999/synthetic.91000001"}
    assert review.source.conditions == ["Examplitis"]
    assert review.source.metadata["publication_types"] == ["Journal Article", "Systematic Review", "Meta-Analysis"]
    assert [(p.section, p.text) for p in review.passages] == [
        ("Abstract › BACKGROUND", "Examplamab is a fictional agent."),
        ("Abstract › RESULTS", "Scores fell by 10^2 placeholder units in CD4+ cells."),  # an exponent stays one
    ]
    assert guideline.source.kind == "guideline" and (guideline.source.year, guideline.source.date) == (
        2097,
        "2097 Dec-2098 Jan",
    )
    assert [p.section for p in guideline.passages] == ["Abstract"]
    assert [(s.origin.rsplit(" ", 1)[-1], s.reason) for s in skipped] == [
        ("91000003", "no abstract (PubMed has only the title of this article)"),
        ("91000004", "a PubMed book record, not a journal article"),
    ]
    assert pubmed.estimate(tmp_path / "export.xml") == 4


@pytest.mark.parametrize(
    ("types", "kind"),
    [
        (["Journal Article"], "research"),
        (["Review"], "research"),
        (["Meta-Analysis"], "systematic_review"),
        (["Systematic Review"], "systematic_review"),
        (["Guideline"], "guideline"),
        (["Practice Guideline", "Systematic Review"], "guideline"),
    ],
)
def test_publication_types_decide_the_kind(types: list[str], kind: str) -> None:
    assert kind_of(types) == kind


def test_truncated_export_keeps_the_complete_articles(tmp_path: Path) -> None:
    cut = EFETCH[: EFETCH.index("A made-up guideline") + 10]
    docs, (skip,) = read_all(write(tmp_path / "export.xml", cut))
    assert [d.source.id for d in docs] == ["pmid:91000001"]
    assert (
        skip.reason.startswith("XML is malformed or cut short")
        and "the 1 complete articles before it were read" in skip.reason
    )


def test_folder_reads_both_formats_and_keeps_a_pmid_once(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.json", json.dumps({"91000001": PUBMEDQA["90000001"]}))
    write(tmp_path / "in" / "b" / "export.xml", EFETCH)
    write(tmp_path / "in" / "notes.txt", "ignored: not .json or .xml")
    docs, skipped = read_all(tmp_path / "in")
    assert [d.source.id for d in docs] == ["pmid:91000001", "pmid:91000002"]
    assert docs[0].source.origin == "pubmed" and docs[0].source.kind == "research"  # the JSON came first
    assert Counter(s.reason for s in skipped)[pubmed.DUPLICATE] == 1


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        pytest.param("bad.json", '{"90000001": {"QUESTION": "Trunc', "not valid JSON", id="invalid-json"),
        pytest.param("list.json", "[1, 2]", "not a PubMedQA file", id="json-not-object"),
        pytest.param("record.json", '{"90000001": "text"}', "not a PubMedQA record", id="json-bad-record"),
        pytest.param("key.json", '{"PMID-X": {"QUESTION": "Q?", "CONTEXTS": ["c"]}}', "not a PMID", id="json-bad-key"),
        pytest.param("latin.json", '{"1": {"QUESTION": "Caf\u00e9?"}}'.encode("latin-1"), "not UTF-8", id="non-utf8"),
        pytest.param("empty.xml", b"", "empty file", id="empty"),
        pytest.param(
            "cut.xml", "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1", "cut short", id="truncated-xml"
        ),
        pytest.param("other.xml", "<Version><Field/></Version>", "not a PubMed XML export", id="other-xml"),
        pytest.param("notes.txt", "plain words", "neither a PubMedQA", id="unknown-format"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(tmp_path: Path, name: str, data: str | bytes, problem: str) -> None:
    docs, (skip,) = read_all(write(tmp_path / name, data))
    assert docs == [] and problem in skip.reason and skip.origin.startswith(str(tmp_path / name))


def test_unusable_paths_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        list(pubmed.read(tmp_path / "missing", SETTINGS))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no .json or .xml files"):
        list(pubmed.read(tmp_path / "empty", SETTINGS))


def test_real_corpus_counts() -> None:
    docs, skipped = read_all(shared_path("corpora", "pubmedqa", "ori_pqal.json"))
    assert len(docs) == 1000 and skipped == []
    assert len({d.source.id for d in docs}) == 1000
    assert sum(len(d.passages) for d in docs) == 4358
    assert sum(d.source.year is None for d in docs) == 58  # PubMedQA gives no YEAR for these
    assert all(d.passages[-1].section == "Abstract › CONCLUSIONS" for d in docs)
