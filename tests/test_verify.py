"""The verifier: claims must be the cited passage's words and numbers; citations must resolve.

Every drug, dose and passage here is synthetic ("Examplamab", "Fictorin"); none is clinical advice.
"""

from __future__ import annotations

from curbside.compose.references import cite
from curbside.model import Article, Bullet, Claim, Passage, Reference, Section, Source, SourcesDiffer
from curbside.verify import check_citations, verify

PASSAGES = {
    "ex@1#0": Passage(
        "ex",
        0,
        "Synthetic recommendations",
        "Examplamab 20 mg daily is the suggested starting dose for synthetic condition X. (Grade 1B)",
        id="ex@1#0",
    ),
    "ex@1#1": Passage(
        "ex",
        1,
        "Synthetic recommendations",
        "Increase Examplamab to 40 mg daily if the response is partial after 4 weeks.",
        id="ex@1#1",
    ),
    "fi@1#0": Passage(
        "fi",
        0,
        "Synthetic trial",
        "Fictorin 5 mg twice daily may be added when pain remains at or above 4/10.",
        id="fi@1#0",
    ),
    "pl@1#0": Passage(
        "pl", 0, "Synthetic review", "Placebonol is not recommended for synthetic condition X.", id="pl@1#0"
    ),
}
SOURCES = {
    pid: Source(
        id=p.source_id,
        kind="guideline",
        title=f"Synthetic guideline {p.source_id}",
        origin="test",
        developer="Example Society",
        year=2021,
    )
    for pid, p in PASSAGES.items()
}


def lookup(passage_id: str) -> Passage | None:
    return PASSAGES.get(passage_id)


def quote(passage_id: str, text: str | None = None) -> Claim:
    """A claim quoting `text` (default: the whole passage) with offsets when it is found there."""
    passage_text = PASSAGES[passage_id].text if passage_id in PASSAGES else ""
    text = passage_text if text is None else text
    start = passage_text.find(text)
    return Claim(
        text=text,
        citation=0,
        passage_id=passage_id,
        quote_start=max(start, 0),
        quote_end=start + len(text) if start >= 0 else 0,
    )


def article_of(bottom_line: list[Claim], bullets: list[Bullet]) -> Article:
    article = Article(
        question="How is synthetic condition X treated?",
        title="Treatment of Synthetic Condition X",
        bottom_line=bottom_line,
        sections=[Section("first_line", "First-line options", bullets)],
    )
    cite(
        article,
        article.all_claims(),
        {c.passage_id: SOURCES[c.passage_id] for c in article.all_claims()},
        today_year=2024,
    )
    return article


def test_a_faithful_article_passes_untouched():
    article = article_of(
        [quote("ex@1#0")], [Bullet("Examplamab", [quote("ex@1#1")]), Bullet("Fictorin", [quote("fi@1#0")])]
    )
    checked = verify(article, lookup)
    assert checked.verification.claims_checked == 3
    assert checked.verification.claims_dropped == 0
    assert checked.verification.problems == []
    assert checked.verification.citations_resolve and check_citations(checked) == []
    assert checked.to_dict() == {**article.to_dict(), "verification": checked.verification.__dict__}


def test_planted_unsupported_dose_is_dropped_and_named():
    planted = Claim(text="Examplamab 45 mg daily", citation=0, passage_id="ex@1#0")
    article = article_of([], [Bullet("Examplamab", [planted, quote("ex@1#1")])])
    checked = verify(article, lookup)
    assert [c.text for c in checked.all_claims()] == [PASSAGES["ex@1#1"].text]
    assert checked.verification.claims_dropped == 1
    [problem] = checked.verification.problems
    assert "Examplamab 45 mg daily" in problem and "unsupported number 45 mg daily" in problem


def test_a_cut_number_passes_the_wording_check_but_not_the_number_check():
    # "0 mg daily" is literally inside "20 mg daily": only the number check can see it is wrong.
    cut = Claim(text="0 mg daily is the suggested starting dose", citation=0, passage_id="ex@1#0")
    checked = verify(article_of([cut], [Bullet("Fictorin", [quote("fi@1#0")])]), lookup)
    assert checked.bottom_line == []
    problem, removed = checked.verification.problems
    assert "unsupported number 0" in problem and "reworded" not in problem
    assert removed.startswith("removed reference [1]")  # its only claim is gone


def test_reworded_claim_is_dropped_but_whitespace_differences_are_not():
    reworded = Claim(text="Examplamab 20 mg once a day is the suggested starting dose", citation=0, passage_id="ex@1#0")
    respaced = Claim(text="Fictorin 5 mg twice daily   may be\nadded", citation=0, passage_id="fi@1#0")
    checked = verify(article_of([], [Bullet("Examplamab", [reworded]), Bullet("Fictorin", [respaced])]), lookup)
    assert [b.label for s in checked.sections for b in s.bullets] == ["Fictorin"]
    [problem] = [p for p in checked.verification.problems if p.startswith("dropped")]
    assert "reworded" in problem


def test_quote_offsets_that_point_elsewhere_are_a_rewording():
    misplaced = quote("ex@1#1", "Increase Examplamab to 40 mg daily")
    misplaced.quote_start, misplaced.quote_end = 10, 30
    checked = verify(article_of([misplaced], [Bullet("Fictorin", [quote("fi@1#0")])]), lookup)
    assert checked.bottom_line == []
    assert "characters 10-30" in checked.verification.problems[0]


def test_missing_passage_or_citation_drops_the_claim_and_empty_containers_go():
    ghost = Claim(text="Examplamab is synthetic.", citation=1, passage_id="gone@1#0")
    uncited = Claim(text=PASSAGES["pl@1#0"].text, citation=0, passage_id="pl@1#0")
    article = Article(
        question="q",
        title="t",
        sections=[
            Section("first_line", "First-line options", [Bullet("Examplamab", [ghost])]),
            Section("avoid", "What to avoid", [Bullet("Placebonol", [uncited]), Bullet("Fictorin", [quote("fi@1#0")])]),
        ],
    )
    article.references = [
        Reference(1, "fi", 1, "Guideline", "Synthetic guideline fi", "Example Society", 2021, "", "", ["fi@1#0"])
    ]
    article.sections[1].bullets[1].claims[0].citation = 1
    checked = verify(article, lookup)
    assert [(s.key, [b.label for b in s.bullets]) for s in checked.sections] == [("avoid", ["Fictorin"])]
    problems = "\n".join(checked.verification.problems)
    assert "gone@1#0 is not in the library" in problems and "no citation number" in problems
    assert checked.verification.citations_resolve


def test_orphan_citation_is_reported_then_repaired_and_an_uncited_reference_removed():
    article = article_of([quote("ex@1#0")], [Bullet("Fictorin", [quote("fi@1#0")])])
    article.sections[0].bullets[0].claims[0].citation = 7  # past the end of a two-item list
    article.references.append(
        Reference(3, "pl", 1, "Guideline", "Synthetic guideline pl", "Example Society", 2021, "", "", ["pl@1#0"])
    )
    before = check_citations(article)
    assert any("cites [7], which is no reference" in p for p in before)
    assert any("reference [3]" in p and "cited by no claim" in p for p in before)

    checked = verify(article, lookup)
    assert [c.citation for c in checked.all_claims()] == [1, 2]
    assert [r.source_id for r in checked.references] == ["ex", "fi"]
    assert checked.verification.claims_dropped == 0
    problems = checked.verification.problems
    assert any(p.startswith("repaired") and "[7]" in p for p in problems)
    assert any(p.startswith("removed reference [3]") for p in problems)
    assert checked.verification.citations_resolve and check_citations(checked) == []


def test_a_claim_citing_another_sources_reference_is_pointed_at_its_own():
    article = article_of([quote("ex@1#0")], [Bullet("Fictorin", [quote("fi@1#0")])])
    article.sections[0].bullets[0].claims[0].citation = 1  # the Examplamab guideline, not Fictorin's
    assert any("whose passages do not include fi@1#0" in p for p in check_citations(article))
    checked = verify(article, lookup)
    assert [(c.passage_id, c.citation) for c in checked.all_claims()] == [("ex@1#0", 1), ("fi@1#0", 2)]
    assert check_citations(checked) == []


def test_renumbering_after_a_drop_keeps_first_use_order_and_rewrites_differ_notes():
    dropped = Claim(text="Placebonol 10 mg daily", citation=0, passage_id="pl@1#0")
    first, second = quote("ex@1#0"), quote("fi@1#0")
    article = article_of([dropped], [Bullet("Examplamab", [first]), Bullet("Fictorin", [second])])
    assert [c.citation for c in article.all_claims()] == [1, 2, 3]
    note = "Sources differ on what to add: Examplamab 20 mg daily [2] versus Fictorin 5 mg twice daily [3]."
    article.differ = [SourcesDiffer("Add-on", note, [2, 3])]
    article.sections[0].bullets[0].differ = note
    checked = verify(article, lookup)
    assert checked.bottom_line == []
    assert [(c.passage_id, c.citation) for c in checked.all_claims()] == [("ex@1#0", 1), ("fi@1#0", 2)]
    assert [(r.number, r.source_id) for r in checked.references] == [(1, "ex"), (2, "fi")]
    assert checked.differ[0].citations == [1, 2]
    assert checked.differ[0].text.endswith("20 mg daily [1] versus Fictorin 5 mg twice daily [2].")
    assert checked.sections[0].bullets[0].differ == checked.differ[0].text
    assert check_citations(checked) == []


def test_a_differ_note_goes_when_one_side_loses_every_claim():
    article = article_of(
        [],
        [
            Bullet("Examplamab", [quote("ex@1#0")]),
            Bullet("Fictorin", [Claim("Fictorin 50 mg twice daily", 0, "fi@1#0")]),
        ],
    )
    note = "Sources differ on what to add [1] [2]."
    article.differ = [SourcesDiffer("Add-on", note, [1, 2])]
    article.sections[0].bullets[0].differ = note
    checked = verify(article, lookup)
    assert checked.differ == [] and checked.sections[0].bullets[0].differ == ""
    assert checked.verification.problems[-1] == (
        "removed sources-differ note on 'Add-on': a side it cites lost every claim"
    )
    assert check_citations(checked) == []


def test_differ_notes_with_unsupported_numbers_or_stray_markers_are_dropped():
    article = article_of([], [Bullet("Examplamab", [quote("ex@1#0")]), Bullet("Fictorin", [quote("fi@1#0")])])
    article.differ = [
        SourcesDiffer("Dose", "Sources differ: 20 mg [1] versus 60 mg [2].", [1, 2]),
        SourcesDiffer("Timing", "Sources differ on timing [1] and [5].", [1]),
        SourcesDiffer("Line", "Sources differ on the line of therapy [1] [2].", [1, 2]),
    ]
    article.sections[0].bullets[0].differ = article.differ[0].text
    checked = verify(article, lookup)
    assert [note.topic for note in checked.differ] == ["Line"]
    assert checked.sections[0].bullets[0].differ == ""
    problems = "\n".join(checked.verification.problems)
    assert "on 'Dose': unsupported number 60" in problems and "[5]" in problems


def test_verify_leaves_the_callers_article_alone_and_counts_a_shared_claim_once():
    shared = quote("ex@1#0")
    article = article_of([shared], [Bullet("Examplamab", [shared, Claim("Examplamab 45 mg daily", 0, "ex@1#1")])])
    composed = article.to_dict()
    checked = verify(article, lookup)
    assert article.to_dict() == composed
    assert checked.verification.claims_checked == 2 and checked.verification.claims_dropped == 1
