"""References: typed, identified, numbered by first use, renumbered after a drop."""

from __future__ import annotations

from curbside.compose.references import cite, closest_sources, identifier_and_url, renumber
from curbside.model import Article, Bullet, Claim, Hit, Passage, Section, Source, SourcesDiffer


def _source(sid: str, kind: str = "guideline", year: int | None = 2022, **identifiers) -> Source:
    return Source(
        id=sid,
        kind=kind,
        title=f"Synthetic title {sid}",
        origin="test",
        developer="Example Society",
        year=year,
        identifiers=identifiers,
        url=f"https://example.org/{sid}" if kind == "consumer" else "",
    )


def _claim(passage_id: str) -> Claim:
    return Claim(text=f"Synthetic sentence from {passage_id}.", citation=0, passage_id=passage_id)


def test_identifiers_prefer_doi_then_pmid_then_ngc_then_consumer_ids():
    assert identifier_and_url(_source("a", doi="https://doi.org/10.1000/xyz")) == (
        "doi:10.1000/xyz",
        "https://doi.org/10.1000/xyz",
    )
    assert identifier_and_url(_source("b", pmid="123", ngc="9")) == ("PMID 123", "https://pubmed.ncbi.nlm.nih.gov/123/")
    assert identifier_and_url(_source("c", ngc="9")) == ("NGC 9", "")
    assert identifier_and_url(_source("d", kind="consumer", qid="0000001-1")) == ("0000001-1", "https://example.org/d")
    assert identifier_and_url(_source("e", kind="local", path="notes/file.md")) == ("notes/file.md", "")


def test_numbers_follow_first_use_from_bottom_line_through_sections():
    sources = {
        "x@1#0": _source("x", year=2016),
        "y@1#0": _source("y", kind="systematic_review", year=2023),
        "y@1#1": _source("y", kind="systematic_review", year=2023),
    }
    article = Article(question="q", title="t")
    section_claims = [_claim("x@1#0"), _claim("y@1#1")]
    article.sections = [Section("first_line", "First-line options", [Bullet("Examplamab", section_claims)])]
    article.bottom_line = [_claim("y@1#0")]
    cite(article, article.all_claims(), sources, today_year=2024)
    assert [c.citation for c in article.all_claims()] == [1, 2, 1]
    assert [(r.number, r.source_id, r.passage_ids) for r in article.references] == [
        (1, "y", ["y@1#0", "y@1#1"]),
        (2, "x", ["x@1#0"]),
    ]
    assert article.references[0].type == "Systematic review"
    assert (article.evidence_newest, article.evidence_oldest) == (2023, 2016)


def test_old_sources_are_flagged_possibly_superseded():
    sources = {"old@1#0": _source("old", year=2012), "new@1#0": _source("new", year=2021)}
    article = Article(question="q", title="t", superseded_after_years=5)
    article.bottom_line = [_claim("old@1#0"), _claim("new@1#0")]
    cite(article, article.all_claims(), sources, today_year=2024)
    assert [r.possibly_superseded for r in article.references] == [True, False]


def test_renumber_after_a_drop_keeps_every_number_resolving_and_rewrites_differ_notes():
    sources = {f"{s}@1#0": _source(s) for s in "abc"}
    article = Article(question="q", title="t")
    claims = [_claim("a@1#0"), _claim("b@1#0"), _claim("c@1#0")]
    bullet = Bullet("Examplamab", claims)
    article.sections = [Section("first_line", "First-line options", [bullet])]
    cite(article, article.all_claims(), sources, today_year=2024)
    note = "Sources differ on the starting dose: 10 mg [2] versus 20 mg [3]."
    article.differ = [SourcesDiffer("Examplamab", note, [2, 3])]
    bullet.differ = note
    bullet.claims.pop(0)  # a later stage drops the claim citing [1]
    renumber(article)
    assert [c.citation for c in article.all_claims()] == [1, 2]
    assert [r.source_id for r in article.references] == ["b", "c"]
    assert article.differ[0].text == "Sources differ on the starting dose: 10 mg [1] versus 20 mg [2]."
    assert article.differ[0].citations == [1, 2]
    assert bullet.differ == article.differ[0].text
    bullet.claims.pop(0)  # now one side of the disagreement is gone: the note goes too
    renumber(article)
    assert article.differ == [] and bullet.differ == ""
    assert [r.number for r in article.references] == [1]


def test_shared_claim_object_in_bottom_line_is_numbered_once():
    sources = {"a@1#0": _source("a"), "b@1#0": _source("b")}
    shared = _claim("b@1#0")
    article = Article(question="q", title="t", bottom_line=[shared])
    article.sections = [Section("first_line", "First-line options", [Bullet("", [_claim("a@1#0"), shared])])]
    cite(article, article.all_claims(), sources, today_year=2024)
    renumber(article)
    assert shared.citation == 1 and article.references[shared.citation - 1].source_id == "b"


def test_closest_sources_are_one_reference_per_source_in_hit_order():
    a, b = _source("a"), _source("b", kind="consumer", qid="q1")
    hits = [
        Hit(Passage("b", 0, "", "text", id="b@1#0"), b, 2.0),
        Hit(Passage("a", 0, "", "text", id="a@1#0"), a, 1.0),
        Hit(Passage("b", 1, "", "text", id="b@1#1"), b, 0.5),
    ]
    found = closest_sources(hits, today_year=2024, superseded_after_years=5)
    assert [(r.number, r.source_id, r.type, r.passage_ids) for r in found] == [
        (1, "b", "Patient information", ["b@1#0", "b@1#1"]),
        (2, "a", "Guideline", ["a@1#0"]),
    ]
