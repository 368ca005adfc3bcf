"""The NGC guideline-summary reader, on synthetic summaries written in NGC's XML structure.

Every clinical-looking name here is invented (Examplamab, examplitis); the numbers are arbitrary.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from conftest import shared_path
from lxml import etree

from curbside.config import Settings
from curbside.errors import InputError
from curbside.ingest.readers import ngc, ngc_passages
from curbside.ingest.readers.ngc_html import field_blocks
from curbside.language.clean import find_grade
from curbside.library import Library
from curbside.model import Document, Skipped

pytestmark = pytest.mark.slow  # reads the shared NGC corpus

RECOMMENDATIONS = """<div class="content_para">
<p>Definitions for the strength of recommendations (<strong>1, 2</strong>) are given at the end of the "Major Recommendations" field.</p>
<p><strong><span style="text-decoration: underline;">Diagnosis</span></strong></p>
<ul>
  <li>Examplitis should be confirmed by an examplometry level &lt;9 g/dl (<strong>Grade 1B</strong>). </li>
  <li>Patients should be entered into clinical trials wherever possible. </li>
</ul>
<p><strong><span style="text-decoration: underline;">Treatment</span></strong></p>
<p><strong>Chronic Examplitis</strong></p>
<ul>
  <li>Smouldering type:
  <ul>
    <li>Watch and wait </li>
    <li>Examplamab 10 mg/m<sup>2</sup>/week may be considered (<strong>Grade 2C</strong>). </li>
  </ul>
  </li>
</ul>
<p>Examplamab should be offered to adults with acute examplitis.</p>
<p><em>Quality of Evidence</em>: <strong>Low</strong><br />
<em>GRADE Recommendation</em>: <strong>Weak</strong></p>
<p><strong><span style="text-decoration: underline;">Definitions</span></strong>:</p>
<p><strong>Strength of Recommendations</strong></p>
<p><strong>Strong (grade 1)</strong>: Strong recommendations (grade 1) are made when benefits clearly outweigh harms.</p>
</div>"""

FIELDS = [
    ("General", "Guideline Title", ['<div class="content_title">Examplitis: diagnosis &amp; management.</div>']),
    (
        "General",
        "Bibliographic Source(s)",
        [
            "<table><tr><td>Doe J. Examplitis guideline. Exampleton: Society of Examplology; 2013 Aug. 9 p. "
            '<a href="http://www.ncbi.nlm.nih.gov/entrez/query.fcgi?cmd=Retrieve&amp;db=pubmed&amp;list_uids=12345678">PubMed</a>'
            "</td></tr></table>"
        ],
    ),
    ("General", "Guideline Status", ["<p>This is the current release of the guideline.</p>"]),
    ("Recommendations", "Major Recommendations", [RECOMMENDATIONS]),
    ("Recommendations", "Clinical Algorithm(s)", ["<p>None provided</p>"]),
    (
        "Scope",
        "Disease/Condition(s)",
        ["<p>Examplitis, including:</p><ul><li>Acute examplitis</li><li>Chronic examplitis</li></ul>"],
    ),
    ("Scope", "Guideline Category", ["Diagnosis", "Treatment"]),
    ("Scope", "Intended Users", ["Physicians"]),
    ("Scope", "Target Population", ["<p>Adults with examplitis</p>"]),
    ("Benefits/Harms of Implementing the Guideline Recommendations", "Potential Harms", ["<p>Not stated</p>"]),
    (
        "Methodology",
        "Rating Scheme for the Strength of the Recommendations",
        ["<p>Strong (grade 1); weak (grade 2)</p>"],
    ),
    ("Identifying Information and Availability", "Date Released", ["2011 May (revised 2013 Aug)"]),
    (
        "Identifying Information and Availability",
        "Guideline Developer(s)",
        ["Society of Examplology - Medical Specialty Society"],
    ),
    (
        "Identifying Information and Availability",
        "Guideline Availability",
        [
            '<p>Available from the <a href="http://www.example.org/examplitis.pdf">Society of Examplology Web site</a>.</p>'
        ],
    ),
    (
        "Identifying Information and Availability",
        "Copyright Statement",
        ["<p>Copyright the Society of Examplology.</p>"],
    ),
]

STUB = [("Disclaimer", "NGC Disclaimer", ["<p>The National Guideline Clearinghouse does not develop guidelines.</p>"])]


def summary_xml(fields: list[tuple[str, str, list[str]]]) -> bytes:
    """NGC's structure: <Version><Section Name><Field Name Type><FieldValue Value="escaped HTML"/>."""
    root = etree.Element("Version")
    sections: dict[str, etree._Element] = {}
    for section, name, values in fields:
        if section not in sections:
            sections[section] = etree.SubElement(root, "Section", Name=section)
        field = etree.SubElement(
            sections[section], "Field", Name=name, Type="picklist-many" if len(values) > 1 else "text"
        )
        for value in values:
            etree.SubElement(field, "FieldValue", Value=value)
    return etree.tostring(root, encoding="utf-8")


def read_one(data: bytes, name: str = "summaries/ngc-12345.xml") -> Document | Skipped:
    return ngc.read_summary(name, data, max_bytes=1 << 20)


@pytest.fixture(scope="module")
def document() -> Document:
    doc = read_one(summary_xml(FIELDS))
    assert isinstance(doc, Document)
    return doc


def test_source_metadata(document: Document) -> None:
    source = document.source
    assert source.id == "ngc:12345" and source.kind == "guideline" and source.origin == "ngc"
    assert source.title == "Examplitis: diagnosis & management."
    assert source.developer == "Society of Examplology"
    assert source.metadata["developer_types"] == ["Medical Specialty Society"]
    assert (source.date, source.year) == ("2011 May (revised 2013 Aug)", 2013)
    assert source.identifiers == {"ngc": "12345", "pmid": "12345678"}
    assert source.url == "http://www.example.org/examplitis.pdf"
    assert source.conditions == ["Examplitis", "Acute examplitis", "Chronic examplitis"]
    assert source.licence.startswith("Summary by ECRI Institute for AHRQ NGC")
    assert source.metadata["guideline_category"] == ["Diagnosis", "Treatment"]
    assert source.metadata["target_population"] == "Adults with examplitis"
    assert source.metadata["rating_scheme_recommendations"] == "Strong (grade 1); weak (grade 2)"


def test_recommendations_are_split_under_their_headings_with_grades(document: Document) -> None:
    recs = [p for p in document.passages if p.section.startswith("Major Recommendations")]
    got = [(p.section, p.text, p.grade) for p in recs]
    assert got == [
        (
            "Major Recommendations › Diagnosis",
            "Examplitis should be confirmed by an examplometry level <9 g/dl (Grade 1B).",
            "Grade 1B",
        ),
        ("Major Recommendations › Diagnosis", "Patients should be entered into clinical trials wherever possible.", ""),
        # A list item introducing a sub-list stays with its items while they are short.
        (
            "Major Recommendations › Treatment › Chronic Examplitis",
            "Smouldering type:\n  - Watch and wait\n  - Examplamab 10 mg/m^2/week may be considered (Grade 2C).",
            "Grade 2C",
        ),
        # A line stating only a grade belongs to the recommendation above it.
        (
            "Major Recommendations › Treatment › Chronic Examplitis",
            "Examplamab should be offered to adults with acute examplitis.\nQuality of Evidence: Low\nGRADE Recommendation: Weak",
            "Quality of Evidence: Low\nGRADE Recommendation: Weak".replace("\n", " "),
        ),
        # Grade definitions are background, filed apart and never graded themselves.
        (
            "Major Recommendations › Definitions › Strength of Recommendations",
            "Strong (grade 1): Strong recommendations (grade 1) are made when benefits clearly outweigh harms.",
            "",
        ),
    ]


def test_passages_are_ordered_and_point_into_their_field_text(document: Document) -> None:
    assert [p.order for p in document.passages] == list(range(len(document.passages)))
    field_text = field_blocks(RECOMMENDATIONS)[0]
    for passage in document.passages:
        if passage.section.startswith("Major Recommendations"):
            assert passage.text.endswith(field_text[passage.start : passage.end])
    assert "\r" not in field_text and "&lt;" not in field_text


def test_other_fields_are_kept_or_left_out_by_content(document: Document) -> None:
    sections = {p.section.split(" › ")[0] for p in document.passages}
    assert sections == {
        "Major Recommendations",
        "Disease/Condition(s)",
        "Target Population",
    }  # "Not stated", "None provided" dropped


def test_a_long_list_gives_each_item_its_lead_in() -> None:
    items = "".join(f"<li>Examplamab dose {n} should be checked weekly (Grade {n}A).</li>" for n in range(1, 4))
    passages = ngc_passages.field_passages(
        "ngc:1", "Major Recommendations", f"<p>In adults with examplitis:</p><ul>{items}</ul>"
    )
    assert [p.text for p in passages] == [
        f"In adults with examplitis: Examplamab dose {n} should be checked weekly (Grade {n}A)." for n in range(1, 4)
    ]
    assert [p.grade for p in passages] == ["Grade 1A", "Grade 2A", "Grade 3A"]


def test_a_grade_line_above_recommendations_heads_them() -> None:
    markup = (
        "<p>Class I</p><p>Offer examplamab to adults with examplitis (Level of evidence B).</p>"
        "<p>Class IIa</p><p>Examplamab is reasonable in children with examplitis (Level of evidence C).</p>"
    )
    passages = ngc_passages.field_passages("ngc:1", "Major Recommendations", markup)
    assert [(p.text, p.grade) for p in passages] == [
        ("Class I — Offer examplamab to adults with examplitis (Level of evidence B).", "Class I; Level of evidence B"),
        (
            "Class IIa — Examplamab is reasonable in children with examplitis (Level of evidence C).",
            "Class IIa; Level of evidence C",
        ),
    ]


def test_a_recommendation_profile_is_one_passage() -> None:
    markup = (
        "<p>Clinicians should offer examplamab for examplitis.</p><p><em>Strong recommendation based on two trials.</em></p>"
        "<p><strong>Action Statement Profile</strong></p><ul><li>Aggregate evidence quality: Grade B</li>"
        "<li>Benefits: fewer examplitis flares</li><li>Harms: none</li></ul>"
    )
    passages = ngc_passages.field_passages("ngc:1", "Major Recommendations", markup)
    assert [(p.section, p.text, p.grade) for p in passages] == [
        (
            "Major Recommendations",
            "Clinicians should offer examplamab for examplitis.\nStrong recommendation based on two trials.",
            "Strong recommendation",
        ),
        (
            "Major Recommendations › Action Statement Profile",
            "- Aggregate evidence quality: Grade B\n- Benefits: fewer examplitis flares\n- Harms: none",
            "Grade B",
        ),
    ]


def test_a_long_paragraph_is_split_at_sentence_ends() -> None:
    sentence = "Examplamab should be titrated slowly in adults with chronic examplitis and reviewed often. "
    passages = ngc_passages.field_passages("ngc:1", "Major Recommendations", f"<p>{sentence * 30}</p>")
    assert len(passages) > 1
    assert all(len(p.text) <= ngc_passages.MAX_PASSAGE_CHARS and p.text.endswith("often.") for p in passages)


def test_table_rows_carry_their_column_headers() -> None:
    table = (
        "<p><strong><u>Variant 1</u>: Adult with examplitis.</strong></p><table><thead><tr><th>Procedure</th><th>Rating</th>"
        "</tr></thead><tbody><tr><td>Examplography</td><td>8</td></tr><tr><td>Examplometry</td><td>2</td></tr></tbody></table>"
    )
    (passage,) = ngc_passages.field_passages("ngc:1", "Major Recommendations", table)
    assert passage.section == "Major Recommendations › Variant 1: Adult with examplitis."
    assert passage.text == "Procedure: Examplography; Rating: 8\nProcedure: Examplometry; Rating: 2"


def test_text_clean_up() -> None:
    # Entities decoded, exponents kept, double-encoded UTF-8 ("Â®", "â\x80\x93") and ligatures undone.
    markup = "<p>Examplamab\u00c2\u00ae 5&nbsp;\u00d710<sup>9</sup>/L &ge; 2 \u00e2\u0080\u0093 \ufb01ne\r\n  now &amp; then.</p>"
    assert field_blocks(markup)[0] == "Examplamab® 5 ×10^9/L ≥ 2 – fine now & then."


def test_stub_page_is_skipped() -> None:
    skipped = read_one(summary_xml(STUB))
    assert skipped == Skipped("summaries/ngc-12345.xml", ngc.STUB_REASON)


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (summary_xml(FIELDS)[:300], "summaries/ngc-1.xml", "malformed or truncated XML"),
        (
            summary_xml(FIELDS).replace(b"Examplitis:", "Examplitis caf\u00e9:".encode("latin-1")),
            "summaries/ngc-1.xml",
            "not UTF-8",
        ),
        (b"", "summaries/ngc-1.xml", "empty file"),
        (summary_xml(FIELDS), "summaries/guideline.xml", "not named ngc-NUMBER.xml"),
    ],
    ids=["truncated", "not-utf8", "empty", "unnamed"],
)
def test_unreadable_files_are_skipped_with_a_reason(data: bytes, name: str, reason: str) -> None:
    skipped = read_one(data, name)
    assert isinstance(skipped, Skipped) and reason in skipped.reason and skipped.origin == name


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        ngc.read(tmp_path / "nowhere.tar.gz", Settings.load(tmp_path / "lib"))


def test_reads_an_archive_like_the_published_one(tmp_path: Path) -> None:
    archive = tmp_path / "ngc-summaries.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("summaries/ngc-2.xml", summary_xml(STUB)), ("summaries/ngc-1.xml", summary_xml(FIELDS))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    items = list(ngc.read(archive, Settings.load(tmp_path / "lib")))
    (document,) = [item for item in items if isinstance(item, Document)]
    (skipped,) = [item for item in items if isinstance(item, Skipped)]
    assert document.source.id == "ngc:1" and skipped.origin == f"{archive}:summaries/ngc-2.xml"
    assert ngc.estimate(archive) == 2


def test_ingesting_a_folder_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    folder = tmp_path / "summaries"
    folder.mkdir()
    (folder / "ngc-1.xml").write_bytes(summary_xml(FIELDS))
    (folder / "ngc-2.xml").write_bytes(summary_xml(STUB))
    library = Library(tmp_path / "library")
    try:
        first = library.ingest("ngc", folder, embed=False)
        second = library.ingest("ngc", folder, embed=False)
    finally:
        library.close()
    assert (first.added, first.skipped, first.skip_reasons) == (1, 1, {ngc.STUB_REASON: 1})
    assert (second.added, second.updated, second.unchanged, second.passages_added) == (0, 0, 1, 0)


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("Alemtuzumab-like examplamab should be used first line (Grade 1B).", "Grade 1B"),
        ("Offer examplamab (Level of Evidence: B)", "Level of Evidence: B"),
        ("Offer examplamab [A].", "A"),
        ("Offer examplamab (II-2B).", "II-2B"),
        ("Offer examplamab (strong, low).", "strong, low"),
        ("Offer examplamab (Grade 2, Level A).", "Grade 2, Level A"),
        (
            "Strength of recommendation: strong; Quality of evidence: moderate",
            "Strength of recommendation: strong; Quality of evidence: moderate",
        ),
        ("NHBLI Grade: E (Expert Opinion); other text", "Grade: E (Expert Opinion)"),
        ("Offer examplamab [GPP]", "GPP"),
        ("Offer examplamab (LE 3; GR D).", "LE 3; GR D"),
        ("Class I", "Class I"),
        ("Strong recommendation based on observational studies.", "Strong recommendation"),
        # Ordinary numbers and words are not grades.
        ("Grade 3 neutropenia occurred in 4 patients.", ""),
        ("Class I antiarrhythmic drugs were stopped.", ""),
        ("A level 2 trauma centre admitted 12 patients.", ""),
        ("Child-Pugh class A and HbA(1c) below 7%.", ""),
        ("Intra-articular (IA) injections, three-dimensional (3D) imaging.", ""),
        ("(A) High: further research is very unlikely to change confidence.", ""),
        ("Recommendation: A patient with examplitis should rest.", ""),
        ("See reference [1] and quality of life data.", ""),
    ],
)
def test_find_grade(text: str, grade: str) -> None:
    assert find_grade(text) == grade


def test_the_real_archive() -> None:
    archive = shared_path("corpora", "ngc-summaries.tar.gz")
    documents, skipped = [], []
    for item in ngc.read(archive, Settings.load(Path("/nonexistent-curbside-library"))):
        (documents if isinstance(item, Document) else skipped).append(item)
    assert len(documents) == 1416
    assert len(skipped) == 8568 and {s.reason for s in skipped} == {ngc.STUB_REASON}
    assert all(doc.passages for doc in documents)
    assert all(p.text.strip() for doc in documents for p in doc.passages)
    assert all(doc.source.title and doc.source.year for doc in documents)
