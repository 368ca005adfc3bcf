"""Editing an article's text: every edit re-runs the verifier and is refused whole when it would
show a number its quote does not give, name a claim that is not there, or quote what a passage
does not say.

Every drug, dose and passage here is synthetic ("Examplamab", "Fictorin"); none is clinical advice.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curbside.compose.references import cite
from curbside.errors import InputError
from curbside.language.doses import numbers
from curbside.model import Article, Bullet, Claim, Passage, Section, Source
from curbside.publish.edits import ArticleEdits, ClaimEdit, NewClaim, apply_edits, claim_addresses
from curbside.verify import check_citations, verify

EXAMPLAMAB_START = "Examplamab 20 mg daily is the suggested starting dose for synthetic condition X."
EXAMPLAMAB_INCREASE = "Increase examplamab to 40 mg daily if the response is partial."
FICTORIN = "Fictorin 5 mg twice daily may be added when pain remains."
PLACEBONOL = "Placebonol is not recommended for synthetic condition X."
NEWEXAMPLIN = "Newexamplin 10 mg daily is an alternative first-line option for synthetic condition X."

PASSAGES = {
    "ex@1#0": Passage(
        "ex", 0, "Synthetic recommendations", f"{EXAMPLAMAB_START} Review the response after 4 weeks.", id="ex@1#0"
    ),
    "ex@1#1": Passage("ex", 1, "Synthetic recommendations", EXAMPLAMAB_INCREASE, id="ex@1#1"),
    "fi@1#0": Passage("fi", 0, "Synthetic trial", FICTORIN, id="fi@1#0"),
    "pl@1#0": Passage("pl", 0, "Synthetic review", PLACEBONOL, id="pl@1#0"),
    # The sentence broken over a line after a doubled space, as extracted text often is.
    "ne@1#0": Passage(
        "ne",
        0,
        "Synthetic update",
        "Background.  " + NEWEXAMPLIN.replace(" is an ", " is  an\n") + " It was studied for 12 weeks.",
        id="ne@1#0",
    ),
}
SOURCES = {
    source_id: Source(
        id=source_id,
        kind="guideline",
        title=f"Synthetic guideline {source_id}",
        origin="test",
        developer="Example Society",
        year=2022,
    )
    for source_id in ("ex", "fi", "pl", "ne")
}
TODAY = dict(today_year=2024, superseded_after_years=5)


def passage_source(passage_id: str):
    passage = PASSAGES.get(passage_id)
    return (passage, SOURCES[passage.source_id]) if passage else None


def lookup(passage_id: str):
    return PASSAGES.get(passage_id)


def quote(passage_id: str, text: str) -> Claim:
    start = PASSAGES[passage_id].text.index(text)
    return Claim(text=text, citation=0, passage_id=passage_id, quote_start=start, quote_end=start + len(text))


def make_article() -> Article:
    """Bottom line repeating the first first-line claim (a separate object, as compose makes it),
    a first-line section with two bullets, and an avoid section: references [1] ex, [2] fi, [3] pl."""
    start = quote("ex@1#0", EXAMPLAMAB_START)
    article = Article(
        question="How is synthetic condition X treated?",
        title="Treatment of synthetic condition X",
        bottom_line=[copy.deepcopy(start)],
        sections=[
            Section(
                "first_line",
                "First-line options",
                [
                    Bullet("Examplamab", [start, quote("ex@1#1", EXAMPLAMAB_INCREASE)]),
                    Bullet("Fictorin", [quote("fi@1#0", FICTORIN)]),
                ],
            ),
            Section("avoid", "Avoid", [Bullet("Placebonol", [quote("pl@1#0", PLACEBONOL)])]),
        ],
    )
    cite(
        article,
        article.all_claims(),
        {c.passage_id: SOURCES[PASSAGES[c.passage_id].source_id] for c in article.all_claims()},
        today_year=2024,
    )
    return verify(article, lookup)


def edit(
    *claims: ClaimEdit,
    title: str | None = None,
    add: list[NewClaim] | None = None,
    note: str = "Plainer wording for readers.",
) -> ArticleEdits:
    return ArticleEdits(title=title, claims=list(claims), add=add or [], note=note)


def refusal(article: Article, edits: ArticleEdits, source=passage_source) -> str:
    before = article.to_dict()
    with pytest.raises(InputError) as raised:
        apply_edits(article, edits, source, **TODAY)
    assert article.to_dict() == before, "a refused edit must leave the article as it was"
    message = str(raised.value)
    assert message.startswith("Edit refused: ") and "\n" not in message and "Traceback" not in message
    return message


def shown(article: Article, address: str) -> str:
    return next(claim.shown for a, _label, claim in claim_addresses(article) if a == address)


# -- addresses --------------------------------------------------------------------------------


def test_claim_addresses_list_every_claim_in_reading_order_with_a_label():
    addresses = claim_addresses(make_article())
    assert [(address, label) for address, label, _claim in addresses] == [
        ("bottom_line/0", "Bottom line, claim 1"),
        ("sections/first_line/0/0", "First-line options › Examplamab, claim 1"),
        ("sections/first_line/0/1", "First-line options › Examplamab, claim 2"),
        ("sections/first_line/1/0", "First-line options › Fictorin, claim 1"),
        ("sections/avoid/0/0", "Avoid › Placebonol, claim 1"),
    ]
    assert addresses[3][2].text == FICTORIN


# -- rewording --------------------------------------------------------------------------------


def test_a_rewording_without_numbers_is_accepted_and_verified():
    article = make_article()
    before = article.to_dict()
    wording = "Examplamab is the suggested way to start treating synthetic condition X."
    edited = apply_edits(article, edit(ClaimEdit("sections/first_line/0/0", text=wording)), passage_source, **TODAY)
    assert shown(edited, "sections/first_line/0/0") == wording
    assert shown(edited, "bottom_line/0") == wording, "the bottom line's copy of the quote reads the same"
    claim = edited.sections[0].bullets[0].claims[0]
    assert claim.text == EXAMPLAMAB_START, "the quote the citation is checked against never changes"
    assert edited.verification.claims_dropped == 0 and edited.verification.citations_resolve
    assert check_citations(edited) == []
    assert article.to_dict() == before


def test_a_rewording_keeping_the_quotes_own_numbers_is_accepted():
    wording = "Start examplamab at 20 mg each day for synthetic condition X."
    edited = apply_edits(
        make_article(), edit(ClaimEdit("sections/first_line/0/0", text=wording)), passage_source, **TODAY
    )
    assert shown(edited, "sections/first_line/0/0") == wording


def test_a_rewording_adding_a_number_is_refused_naming_the_address():
    message = refusal(
        make_article(),
        edit(ClaimEdit("sections/first_line/0/1", text="Increase examplamab to 60 mg daily if partial.")),
    )
    assert "sections/first_line/0/1" in message and "60 mg" in message and "[1]" in message
    assert "keep the numbers the quote gives" in message


def test_a_number_from_elsewhere_in_the_passage_is_refused_too():
    # "4 weeks" is in the cited passage, but not in the sentence this claim quotes.
    message = refusal(
        make_article(),
        edit(ClaimEdit("sections/first_line/0/0", text="Examplamab 20 mg daily, reviewed after 4 weeks.")),
    )
    assert "sections/first_line/0/0" in message and "4 weeks" in message


def test_the_quotes_number_in_another_unit_is_refused():
    message = refusal(
        make_article(),
        edit(ClaimEdit("sections/first_line/0/0", text="Start examplamab at 20 g a day for synthetic condition X.")),
    )
    assert "sections/first_line/0/0" in message and "20 g" in message


def test_a_number_written_as_a_word_is_refused():
    message = refusal(
        make_article(),
        edit(ClaimEdit("sections/first_line/1/0", text="Fictorin, two tablets, may be added when pain remains.")),
    )
    assert "sections/first_line/1/0" in message and "two" in message


def test_a_citation_marker_in_the_wording_is_refused():
    message = refusal(make_article(), edit(ClaimEdit("sections/avoid/0/0", text="Do not use placebonol [1].")))
    assert "sections/avoid/0/0" in message and "citation marker" in message


def test_the_quote_itself_or_empty_wording_goes_back_to_the_quote():
    article = apply_edits(
        make_article(), edit(ClaimEdit("sections/avoid/0/0", text="Do not use placebonol.")), passage_source, **TODAY
    )
    for wording in ("", f"  {PLACEBONOL}  "):
        back = apply_edits(article, edit(ClaimEdit("sections/avoid/0/0", text=wording)), passage_source, **TODAY)
        claim = back.sections[1].bullets[0].claims[0]
        assert claim.plain == "" and claim.shown == PLACEBONOL


# -- refusals of what the edit names ----------------------------------------------------------


def test_an_unknown_address_is_refused():
    for address in ("sections/first_line/5/0", "sections/nowhere/0/0", "bottom_line/3", "first_line"):
        message = refusal(make_article(), edit(ClaimEdit(address, text="Anything.")))
        assert address in message


def test_a_new_quote_not_in_its_passage_is_refused():
    message = refusal(
        make_article(), edit(add=[NewClaim("first_line", "ne@1#0", "Newexamplin 10 mg daily is the best option.")])
    )
    assert "ne@1#0" in message and "word for word" in message


def test_an_unknown_passage_is_refused():
    message = refusal(make_article(), edit(add=[NewClaim("first_line", "zz@1#0", "Anything at all.")]))
    assert "zz@1#0" in message and "not in this library" in message


def test_an_unknown_section_for_a_new_quote_is_refused():
    message = refusal(make_article(), edit(add=[NewClaim("refractory", "ne@1#0", NEWEXAMPLIN)]))
    assert "refractory" in message and "first_line, avoid" in message


def test_an_empty_or_overlong_note_is_refused():
    reword = ClaimEdit("sections/avoid/0/0", text="Do not use placebonol.")
    assert "note" in refusal(make_article(), edit(reword, note="   "))
    assert "500" in refusal(make_article(), edit(reword, note="x" * 501))


def test_an_edit_that_changes_nothing_is_refused():
    article = make_article()
    assert "nothing would change" in refusal(article, edit())
    assert "nothing would change" in refusal(article, edit(ClaimEdit("sections/avoid/0/0", text=PLACEBONOL)))
    assert "nothing would change" in refusal(article, edit(title=f" {article.title} "))


def test_deleting_every_claim_is_refused():
    article = make_article()
    deletions = [ClaimEdit(address, delete=True) for address, _label, _claim in claim_addresses(article)]
    assert "no claims left" in refusal(article, edit(*deletions))


def test_the_same_address_twice_is_refused():
    twice = [
        ClaimEdit("sections/avoid/0/0", text="Do not use placebonol."),
        ClaimEdit("sections/avoid/0/0", delete=True),
    ]
    assert "sections/avoid/0/0" in refusal(make_article(), edit(*twice))


def test_a_claim_the_verifier_would_drop_is_named_even_when_the_edit_is_elsewhere():
    # The library no longer holds the passage sections/first_line/0/1 quotes: the verifier would drop
    # it, so any edit is refused until an editor deals with that claim.
    def without_increase(passage_id: str):
        return None if passage_id == "ex@1#1" else passage_source(passage_id)

    message = refusal(
        make_article(), edit(ClaimEdit("sections/avoid/0/0", text="Do not use placebonol.")), source=without_increase
    )
    assert "sections/first_line/0/1" in message and "not in the library" in message
    fixed = apply_edits(
        make_article(), edit(ClaimEdit("sections/first_line/0/1", delete=True)), without_increase, **TODAY
    )
    assert all(claim.passage_id != "ex@1#1" for claim in fixed.all_claims())


# -- title ------------------------------------------------------------------------------------


def test_a_new_title_is_accepted_and_a_number_no_quote_gives_is_refused():
    edited = apply_edits(
        make_article(), edit(title="Starting treatment for synthetic condition X"), passage_source, **TODAY
    )
    assert edited.title == "Starting treatment for synthetic condition X"
    message = refusal(make_article(), edit(title="Examplamab 80 mg for synthetic condition X"))
    assert "80 mg" in message and "title" in message


# -- deleting ---------------------------------------------------------------------------------


def test_deleting_a_section_claim_removes_it_from_the_bottom_line_too():
    edited = apply_edits(
        make_article(), edit(ClaimEdit("sections/first_line/0/0", delete=True)), passage_source, **TODAY
    )
    assert edited.bottom_line == []
    assert [c.text for c in edited.sections[0].bullets[0].claims] == [EXAMPLAMAB_INCREASE]
    assert check_citations(edited) == [] and edited.verification.claims_dropped == 0


def test_deleting_from_the_bottom_line_alone_keeps_the_section_claim():
    edited = apply_edits(make_article(), edit(ClaimEdit("bottom_line/0", delete=True)), passage_source, **TODAY)
    assert edited.bottom_line == []
    assert edited.sections[0].bullets[0].claims[0].text == EXAMPLAMAB_START


def test_deleting_a_bullets_only_claim_removes_the_bullet_and_renumbers_references():
    edited = apply_edits(
        make_article(), edit(ClaimEdit("sections/first_line/1/0", delete=True)), passage_source, **TODAY
    )
    assert [b.label for b in edited.sections[0].bullets] == ["Examplamab"]
    assert [(r.number, r.source_id) for r in edited.references] == [(1, "ex"), (2, "pl")]
    assert edited.sections[1].bullets[0].claims[0].citation == 2
    assert check_citations(edited) == []


def test_deleting_a_sections_only_claim_removes_the_section():
    edited = apply_edits(make_article(), edit(ClaimEdit("sections/avoid/0/0", delete=True)), passage_source, **TODAY)
    assert [s.key for s in edited.sections] == ["first_line"]
    assert [r.source_id for r in edited.references] == ["ex", "fi"]


# -- adding -----------------------------------------------------------------------------------


def test_adding_a_quote_gives_it_a_reference_numbered_by_first_use():
    # The passage breaks the sentence over a line and doubles a space; the quote is whitespace-normalised.
    new = NewClaim("first_line", "ne@1#0", NEWEXAMPLIN, label="Newexamplin")
    edited = apply_edits(
        make_article(), edit(add=[new], note="Add the synthetic update's alternative."), passage_source, **TODAY
    )
    bullet = edited.sections[0].bullets[-1]
    assert bullet.label == "Newexamplin" and len(bullet.claims) == 1
    claim = bullet.claims[0]
    passage = PASSAGES["ne@1#0"]
    assert passage.text[claim.quote_start : claim.quote_end] == claim.text
    assert " ".join(claim.text.split()) == NEWEXAMPLIN
    assert claim.doses == ["10 mg daily"]
    # Read in order: ex [1], fi [2], the new source [3], then placebonol moves to [4].
    assert [(r.number, r.source_id) for r in edited.references] == [(1, "ex"), (2, "fi"), (3, "ne"), (4, "pl")]
    assert claim.citation == 3 and edited.references[2].passage_ids == ["ne@1#0"]
    assert edited.references[2].title == "Synthetic guideline ne" and edited.references[2].year == 2022
    assert edited.sections[1].bullets[0].claims[0].citation == 4
    assert check_citations(edited) == [] and edited.verification.claims_dropped == 0


def test_adding_a_quote_from_a_cited_source_joins_its_reference_and_the_labelled_bullet():
    new = NewClaim("first_line", "ex@1#0", "Review the response after 4 weeks.", label="examplamab")
    edited = apply_edits(make_article(), edit(add=[new]), passage_source, **TODAY)
    bullet = edited.sections[0].bullets[0]
    assert [c.text for c in bullet.claims][-1] == "Review the response after 4 weeks."
    assert bullet.claims[-1].citation == 1
    assert [r.source_id for r in edited.references] == ["ex", "fi", "pl"]
    assert edited.references[0].passage_ids == ["ex@1#0", "ex@1#1"]


def test_adding_a_sentence_the_article_already_quotes_is_refused():
    message = refusal(make_article(), edit(add=[NewClaim("avoid", "pl@1#0", PLACEBONOL)]))
    assert "sections/avoid/0/0" in message


def test_a_refused_edit_among_good_ones_changes_nothing():
    article = make_article()
    good = ClaimEdit("sections/avoid/0/0", text="Do not use placebonol.")
    bad = ClaimEdit("sections/first_line/1/0", text="Fictorin 50 mg twice daily may be added.")
    refusal(article, edit(good, bad, add=[NewClaim("first_line", "ne@1#0", NEWEXAMPLIN)]))


# -- property: whatever the wording, numbers stay the quote's and citations resolve ------------

_QUOTE_WORDS = EXAMPLAMAB_START.rstrip(".").split() + ["examplamab", "start", "each", "day", "for", "the"]
_WORDING = st.lists(
    st.one_of(
        st.sampled_from(_QUOTE_WORDS),
        st.integers(0, 200).map(str),
        st.sampled_from(["mg", "%", "two", "twice", "[1]", ",", "."]),
    ),
    min_size=0,
    max_size=14,
).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wording=_WORDING, address=st.sampled_from(["sections/first_line/0/0", "bottom_line/0"]))
def test_any_rewording_is_refused_or_keeps_every_number_in_its_quote(wording, address):
    article = make_article()
    before = article.to_dict()
    try:
        edited = apply_edits(article, edit(ClaimEdit(address, text=wording)), passage_source, **TODAY)
    except InputError as refused:
        assert str(refused).startswith("Edit refused: ")
        assert article.to_dict() == before
        return
    for claim in edited.all_claims():
        assert set(numbers(claim.shown)) <= set(numbers(claim.text)), claim
    assert check_citations(edited) == []
    assert edited.verification.citations_resolve and edited.verification.claims_dropped == 0
