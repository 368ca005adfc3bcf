"""Recommendation units in the NGC reader, one synthetic fixture per structure rule.

Every name here is invented (Examplamab, examplitis); the numbers are arbitrary.
"""

from __future__ import annotations

from collections import Counter

from curbside.ingest.readers import ngc
from curbside.ingest.readers.ngc_html import field_blocks
from curbside.ingest.readers.ngc_passages import field_passages

RECS = "Major Recommendations"


def cut(markup: str, counts: Counter | None = None):
    return field_passages("ngc:1", RECS, markup, counts=counts)


def test_a_label_only_paragraph_joins_the_text_it_heads() -> None:
    counts = Counter()
    passages = cut(
        "<p>15.1 Examplometry Briefing</p><p>Recommendation</p><p>Examplamab should be offered early.</p>", counts
    )
    assert [p.text for p in passages] == [
        "15.1 Examplometry Briefing\nRecommendation\nExamplamab should be offered early."
    ]
    assert counts["merged_labels"] == 2
    text = field_blocks(
        "<p>15.1 Examplometry Briefing</p><p>Recommendation</p><p>Examplamab should be offered early.</p>"
    )[0]
    assert text[passages[0].start : passages[0].end] == passages[0].text  # still one verbatim span


def test_a_sentence_split_over_two_paragraphs_is_rejoined() -> None:
    counts = Counter()
    markup = "<p>Examplamab should be offered to adults with chronic</p><p>examplitis who have failed rest.</p><p>or</p><p>Examplamab may be stopped after 12 weeks.</p>"
    passages = cut(markup, counts)
    assert [p.text for p in passages] == [
        "Examplamab should be offered to adults with chronic\nexamplitis who have failed rest.",
        "or\nExamplamab may be stopped after 12 weeks.",
    ]
    assert counts["rejoined_sentences"] == 1 and counts["merged_labels"] == 1  # a lone "or" heads what follows


def test_short_items_of_a_long_list_stay_together_with_their_lead_in() -> None:
    items = "".join(f"<li>Examplography of the region number {n} with contrast</li>" for n in range(1, 21))
    counts = Counter()
    passages = cut(f"<p>Imaging for examplitis may include:</p><ul>{items}</ul>", counts)
    assert 1 < len(passages) < 20  # not one passage per item
    assert all(p.text.startswith("Imaging for examplitis may include: Examplography") for p in passages)
    assert all(len(p.text) <= 700 for p in passages) and counts["list_items_kept_together"] == 20


def test_a_dose_row_under_a_spanning_drug_cell_carries_the_drug_in_its_section() -> None:
    table = (
        "<table><thead><tr><th>Drug</th><th>Indication</th><th>Dose</th></tr></thead><tbody>"
        '<tr><td rowspan="2">Examplamab</td><td>Acute examplitis</td><td>20 mcg daily</td></tr>'
        "<tr><td>Chronic examplitis</td><td>10 mcg daily</td></tr>"
        "<tr><td>Placebozumab</td><td>Acute examplitis</td><td>5 mg daily</td></tr></tbody></table>"
    )
    counts = Counter()
    passages = cut(table, counts)
    rows = {p.text: p.section for p in passages}
    # The row text is unchanged (its columns now line up with their labels); the drug is in the path.
    assert rows["Indication: Chronic examplitis; Dose: 10 mcg daily"] == f"{RECS} › Examplamab"
    assert counts["dose_rows_given_their_drug"] == 1


def test_a_footnote_mark_is_set_apart_from_its_word_but_an_exponent_is_not() -> None:
    markup = "<p>Examplamab<sup>3</sup> or examplazole<sup>d,e</sup> at 2 mg/m<sup>2</sup> for counts over 10<sup>9</sup>/L.</p>"
    assert field_blocks(markup)[0] == "Examplamab ^3 or examplazole ^d,e at 2 mg/m^2 for counts over 10^9/L."


def test_the_year_is_the_release_or_revision_not_the_reaffirmation() -> None:
    fields = {
        "Guideline Title": ["<p>Examplitis guideline.</p>"],
        "Date Released": ["2004 Jan (revised 2010 May; reaffirmed 2015 Jul 13)"],
    }
    source = ngc._source("1", "Examplitis guideline.", fields)
    assert source.year == 2010 and source.date.endswith("reaffirmed 2015 Jul 13)")
