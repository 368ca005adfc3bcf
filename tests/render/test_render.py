"""Renderers: every format shows the sections, citations and references; HTML escapes source text;
JSON round-trips and is byte-identical. All content is synthetic ("Examplamab", "Fictorin")."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from curbside.model import Article, Bullet, Claim, Passage, Reference, Section, SourcesDiffer
from curbside.render import FORMATS, render
from curbside.render.jsonout import SCHEMA

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"

PASSAGES = {
    "ex@1#0": Passage(
        "ex",
        0,
        "Synthetic recommendations",
        "Examplamab 20 mg daily is the suggested starting dose. (Grade 1B)",
        id="ex@1#0",
    ),
    "fi@1#0": Passage("fi", 0, "Synthetic trial", f"Fictorin may be added. {XSS_IMG} Then review.", id="fi@1#0"),
}


def lookup(passage_id: str) -> Passage | None:
    return PASSAGES.get(passage_id)


def reference(number: int, source_id: str, **fields) -> Reference:
    values = dict(
        type="Guideline",
        title=f"Synthetic guideline {source_id}",
        developer="Example Society",
        year=2021,
        identifier="",
        url="",
        passage_ids=[f"{source_id}@1#0"],
    )
    values.update(fields)
    return Reference(number=number, source_id=source_id, source_version=1, **values)


def synthetic_article() -> Article:
    start = Claim("Examplamab 20 mg daily is the suggested starting dose.", 1, "ex@1#0", 0, 54)
    add = Claim("Fictorin may be added.", 2, "fi@1#0", 0, 22)
    note = "Sources differ on when to add Fictorin [1] [2]."
    return Article(
        question="How is synthetic condition X treated?",
        title="Treatment of Synthetic Condition X",
        status="draft",
        bottom_line=[start],
        sections=[
            Section("first_line", "First-line options", [Bullet("Examplamab", [start], differ=note)]),
            Section(
                "algorithm", "Treatment algorithm", [Bullet("Start", [start]), Bullet("Add", [add])], numbered=True
            ),
        ],
        differ=[SourcesDiffer("Add-on", note, [1, 2]), SourcesDiffer("Review", "Review timing varies [2].", [2])],
        references=[
            reference(1, "ex", identifier="doi:10.0000/synthetic", url="https://doi.org/10.0000/synthetic"),
            reference(
                2,
                "fi",
                type="Research",
                year=2012,
                identifier="PMID 0000001",
                url="https://pubmed.ncbi.nlm.nih.gov/0000001/",
                possibly_superseded=True,
            ),
        ],
        evidence_newest=2021,
        evidence_oldest=2012,
        disclaimer="Synthetic disclaimer: decision support only.",
        follow_ups=["Synthetic follow-up about dosing?", "Synthetic follow-up about older adults?"],
    )


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_every_reader_format_shows_sections_citations_and_references(fmt):
    out = render(synthetic_article(), fmt, passage_lookup=lookup)
    for expected in (
        "Treatment of Synthetic Condition X",
        "First-line options",
        "Treatment algorithm",
        "Examplamab 20 mg daily is the suggested starting dose.",
        "Synthetic guideline ex",
        "Synthetic guideline fi",
        "Sources differ",
        "Review timing varies",
        "possibly superseded",
        "Synthetic disclaimer",
        "Synthetic follow-up about dosing?",
        "2012",
        "2021",
    ):
        assert expected in out, (fmt, expected)


def test_text_fits_80_columns_and_lays_out_bullets_algorithm_and_references():
    out = render(synthetic_article(), "text")
    assert max(len(line) for line in out.splitlines()) <= 80
    unwrapped = " ".join(out.split())
    assert "Status: draft · Audience: physician · Evidence: 2012–2021" in out
    assert "• Examplamab: Examplamab 20 mg daily is the suggested starting dose. [1]" in out
    assert "1. Start: Examplamab" in out and "2. Add: Fictorin may be added. [2]" in out
    assert "Sources differ on when to add Fictorin [1] [2]." in out
    assert "[1] Guideline. Synthetic guideline ex. Example Society, 2021. doi:10.0000/synthetic" in unwrapped
    assert (
        "[2] Research. Synthetic guideline fi. Example Society, 2012. PMID 0000001 (possibly superseded)" in unwrapped
    )
    # The note shown under its bullet is not repeated in the list of other notes.
    assert out.count("when to add Fictorin") == 1
    assert "\033[" not in out


def test_text_bold_is_ansi_only_when_colour_is_asked_for():
    out = render(synthetic_article(), "text", color=True)
    assert "\033[1mExamplamab 20 mg daily" in out


def test_text_drops_control_characters_from_library_text_and_keeps_only_its_own_bold():
    article = synthetic_article()
    escaped = "\x1b[31mred\x1b]0;retitled\x07\r"
    article.title = f"Treatment {escaped}"
    article.sections[0].title = f"First-line {escaped}"
    article.references[0] = replace(article.references[0], title=f"Synthetic guideline {escaped}")
    article.follow_ups = [f"Synthetic follow-up {escaped}?"]
    plain = render(article, "text", color=False)
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", plain)
    assert "Treatment [31mred]0;retitled" in plain and "Synthetic follow-up [31mred]0;retitled?" in plain
    coloured = render(article, "text", color=True)
    assert set(re.findall(r"\x1b\[[0-9;]*m", coloured)) == {"\x1b[1m", "\x1b[0m"}
    assert coloured.count("\x1b") == len(re.findall(r"\x1b\[[0-9;]*m", coloured))


def test_markdown_bolds_the_bottom_line_and_links_citations_to_anchors():
    out = render(synthetic_article(), "md")
    assert "**Bottom line:** **Examplamab 20 mg daily is the suggested starting dose. [\\[1\\]](#ref-1)**" in out
    assert '1. <a id="ref-1"></a>Guideline.' in out
    assert "[doi:10.0000/synthetic](https://doi.org/10.0000/synthetic)" in out
    assert "when to add Fictorin [\\[1\\]](#ref-1) [\\[2\\]](#ref-2)" in out


def test_markdown_nests_a_quoted_list_under_its_bullet_and_keeps_the_bottom_line_one_paragraph():
    listed = Claim("Offer synthetic retesting for:\n- People with condition A\n- People with condition B", 1, "ex@1#1")
    article = synthetic_article()
    article.bottom_line = [listed]
    article.sections = [Section("first_line", "First-line options", [Bullet("", [listed])])]
    out = render(article, "md")
    assert "- Offer synthetic retesting for:\n  - People with condition A\n  - People with condition B [" in out
    assert (
        "**Bottom line:** **Offer synthetic retesting for: - People with condition A - People with condition B [" in out
    )


def test_markdown_escapes_source_text():
    article = synthetic_article()
    article.bottom_line = [Claim(f"Examplamab *bold* {XSS_SCRIPT}", 1, "ex@1#0")]
    out = render(article, "md")
    assert "<script>" not in out and "\\*bold\\*" in out


def test_html_links_each_citation_and_shows_the_quote_and_the_full_passage():
    out = render(synthetic_article(), "html", passage_lookup=lookup)
    assert out.startswith("<!doctype html>") and "@media print" in out
    assert '<a href="/policy">' in out
    assert '<li value="1" id="ref-1">' in out
    # The marker itself opens the passage in place, named by its source's title, type and year.
    assert '<summary class="cite" title="Fictorin may be added.">[2]</summary>' in out
    assert '<span class="passage-source"><strong>' in out
    assert "<mark>Examplamab 20 mg daily is the suggested starting dose.</mark> (Grade 1B)" in out
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/0000001/">PMID 0000001</a>' in out
    assert re.search(r"<ol>\s*<li>.*Start", out, re.S)  # the algorithm is a numbered list
    assert '<div class="bottom-line">' in out  # not a <p>: the <details> inside would close it
    # Citation markers in notes become links; every link target exists on the page.
    targets = set(re.findall(r'href="#(ref-\d+)"', out))
    assert targets == {"ref-1", "ref-2"} and all(f'id="{t}"' in out for t in targets)


def test_html_without_a_passage_lookup_still_links_and_titles_citations():
    out = render(synthetic_article(), "html")
    assert '<a class="cite" href="#ref-1" title=' in out and "<details" not in out


def test_html_renders_script_and_event_handlers_from_sources_as_text():
    article = synthetic_article()
    article.bottom_line = [Claim(f"Examplamab {XSS_SCRIPT}", 1, "ex@1#0")]
    article.sections[0].bullets[0].label = XSS_IMG
    article.differ[1].text = f"Review {XSS_SCRIPT} [2]."
    article.references[0].title = XSS_SCRIPT
    article.references[1].url = "javascript:alert(1)"
    article.follow_ups = [XSS_IMG]
    out = render(article, "html", passage_lookup=lookup)  # the Fictorin passage itself carries XSS_IMG
    assert "<script>alert" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "javascript:" not in out


@pytest.mark.parametrize("kind", ["insufficient", "emergency", "out_of_scope"])
def test_non_articles_show_the_message_and_for_insufficient_what_was_found(kind):
    message = f"Synthetic {kind.replace('_', ' ')} message."  # no "_": Markdown would escape it
    article = Article(question="q", title="Synthetic question", kind=kind, message=message)
    if kind == "insufficient":
        article.closest_sources = [reference(1, "ex")]
    for fmt in ("text", "md", "html"):
        out = render(article, fmt)
        assert message in out
        assert ("Synthetic guideline ex" in out) == (kind == "insufficient")
        assert "Status:" not in out and "Bottom line" not in out


def test_json_round_trips_and_is_byte_identical_across_renders():
    article = synthetic_article()
    first, second = render(article, "json"), render(synthetic_article(), "json")
    assert first == second
    document = json.loads(first)
    assert document["schema"] == SCHEMA
    assert {key: value for key, value in document.items() if key != "schema"} == article.to_dict()
    assert json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n" == first


def test_unknown_format_is_refused_by_name():
    assert FORMATS == ("text", "md", "json", "html")
    with pytest.raises(ValueError, match="pdf"):
        render(synthetic_article(), "pdf")
