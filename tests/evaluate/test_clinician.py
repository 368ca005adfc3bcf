"""The clinician set's scoring: the quote matching rule, doses without a drug, repeated claims,
abstentions and refusals.

Every string is synthetic: NATO-alphabet word lists for the thresholds, and invented drugs
("Examplamab", "Fictivir") with invented doses; none is clinical advice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curbside.errors import InputError
from curbside.evaluate import clinician
from curbside.evaluate.clinician import MustHave, Question
from curbside.model import Article, Bullet, Claim, Reference, Section, SourcesDiffer

TEN = "alpha bravo charlie delta echo foxtrot golf hotel india juliet"  # ten content words


def words(n: int, extra: str = "") -> str:
    return " ".join(TEN.split()[:n] + extra.split())


# -- the matching rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claim, found",
    [
        (words(7), True),  # holds 70 % of the quote
        (words(6) + " zulu yankee xray whiskey", False),  # 60 %, and 40 % of its own words are elsewhere
        (words(4), True),  # a fragment: all its words in the quote, covering 40 %
        (words(3), False),  # a fragment covering only 30 %
        (words(4, "zulu"), False),  # covers 40 % but only 80 % of its words lie inside
        (words(9, "zulu"), True),  # 90 % of the quote, one word of its own
        ("", False),
    ],
)
def test_a_claim_says_a_quote_by_the_readme_rule(claim: str, found: bool) -> None:
    assert clinician.measure(TEN, claim)[2] is found


def test_function_words_and_case_do_not_count() -> None:
    share, inside, found = clinician.measure(
        "Examplamab is given weekly to the adults.", "EXAMPLAMAB, given WEEKLY for adults"
    )
    assert (share, inside, found) == (1.0, 1.0, True)
    assert clinician.measure("", "alpha")[2] is False  # a quote with no content words is never found


def test_match_quote_prefers_a_found_claim_and_otherwise_reports_the_closest_miss() -> None:
    must = MustHave("synthetic fact", "test:1", TEN)
    match = clinician.match_quote(must, [words(3), words(8), words(5)], bottom_line=[words(8)])
    assert (match.claim, match.found, match.quote_share, match.in_bottom_line) == (words(8), True, 0.8, True)
    miss = clinician.match_quote(must, [words(2), words(3, "zulu yankee")])
    assert (miss.claim, miss.found, miss.in_bottom_line) == (words(3, "zulu yankee"), False, False)
    assert clinician.match_quote(must, []).claim == ""


# -- what the article shows -------------------------------------------------------------------


def claim(text: str, citation: int = 1) -> Claim:
    return Claim(text=text, citation=citation, passage_id=f"test:{citation}@1#0")


def article_of(bottom: list[Claim], bullets: list[Bullet], **fields) -> Article:
    return Article(
        question="synthetic?",
        title="Synthetic",
        bottom_line=bottom,
        sections=[Section("first_line", "First line", bullets)],
        **fields,
    )


def test_a_dose_needs_a_drug_in_its_text_or_its_label() -> None:
    unnamed = claim("Give 10 mg twice daily for 5 days.")
    named = claim("Examplamab 20 mg once weekly.")
    labelled = claim("Then 40 mg once weekly.")
    no_dose = claim("Review at four weeks.")
    article = article_of(
        [unnamed], [Bullet("", [unnamed]), Bullet("Fictivir", [labelled]), Bullet("", [named, no_dose])]
    )
    assert clinician.doses_without_drug(article) == [unnamed.text]  # once, though shown twice
    # The bottom line shows no label, so a labelled claim repeated there is a dose without a drug.
    assert clinician.doses_without_drug(article_of([labelled], [Bullet("Fictivir", [labelled])])) == [labelled.text]


def test_a_claim_shown_twice_is_repeated_whatever_its_case_spacing_or_end_stop() -> None:
    first = claim("Examplamab is preferred.")
    article = article_of(
        [first],
        [
            Bullet("Examplamab", [first, claim("Examplamab  is PREFERRED", 2)]),
            Bullet("", [claim("Fictivir is preferred.")]),
        ],
    )
    assert clinician.repeated_claims(article) == ["Examplamab is preferred.", "Examplamab  is PREFERRED"]
    assert clinician.repeated_claims(article_of([], [Bullet("", [first])])) == []


# -- scoring a question and the set -----------------------------------------------------------


def question(qid: str, expect: str, quotes: tuple[str, ...] = (), note: str = "") -> Question:
    return Question(
        id=qid,
        question="synthetic?",
        intent="treatment",
        expect=expect,
        sources=("test:a",),
        must_have=tuple(MustHave("fact", "test:a", q) for q in quotes),
        note=note,
    )


def reference(number: int, source_id: str) -> Reference:
    return Reference(number, source_id, 1, "Guideline", "Synthetic", "", None, "", "", [])


def test_score_and_summary_count_abstentions_refusals_sources_and_disagreements() -> None:
    said = claim(TEN)  # the composer puts the same Claim in the bottom line and in its bullet
    answered = article_of(
        [said],
        [Bullet("", [said, claim("Fictivir 5 mg daily.", 2)])],
        references=[reference(1, "test:a"), reference(2, "test:b")],
        differ=[SourcesDiffer("Fictivir", "Sources differ [1] [2].", [1, 2])],
    )
    scores = [
        clinician.score(question("da01", "answer", (TEN, "kilo lima mike"), note="Sources disagree."), answered, 10.0),
        clinician.score(question("db01", "answer", (TEN,)), Article("synthetic?", "No", kind="insufficient"), 20.0),
        clinician.score(question("da02", "abstain"), Article("synthetic?", "No", kind="insufficient"), 30.0),
        clinician.score(question("db02", "abstain"), Article("synthetic?", "No", kind="out_of_scope"), 40.0),
    ]
    summary = clinician.summarise(scores)
    assert (summary["must_have"], summary["found"], summary["found_in_bottom_line"]) == (3, 1, 1)
    assert summary["halves"] == {
        "da": {"must_have": 2, "found": 1, "found_share": 0.5},
        "db": {"must_have": 1, "found": 0, "found_share": 0.0},
    }
    assert summary["source_referenced_share"] == round(2 / 3, 4)
    assert (summary["abstained"], summary["abstained_ids"]) == (1, ["da02"])  # out of scope is not an abstention
    assert (summary["refused"], summary["refused_ids"]) == (1, ["db01"])
    assert (summary["claims"], summary["claims_citing_sources"]) == (2, 1)  # the bottom line claim counts once
    assert (summary["repeated"], summary["doses_without_drug"]) == (1, 0)
    assert (summary["disagreement_questions"], summary["disagreement_shown"]) == (1, 1)


def test_loader_reads_the_set_and_names_a_bad_line(tmp_path: Path) -> None:
    row = {
        "id": "da01",
        "question": "Synthetic?",
        "intent": "dosing",
        "expect": "answer",
        "sources": ["test:a"],
        "must_have": [{"fact": "f", "source": "test:a", "quote": "alpha bravo"}],
        "note": None,
    }
    path = tmp_path / "questions.jsonl"
    path.write_text(json.dumps(row) + "\n\n" + json.dumps({"id": "da02"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3"):
        clinician.load_questions(path)
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    (loaded,) = clinician.load_questions(path)
    assert (loaded.half, loaded.must_have[0].quote) == ("da", "alpha bravo")
    assert (loaded.note, loaded.names_disagreement) == ("", False)
    with pytest.raises(InputError, match="Cannot read"):
        clinician.load_questions(tmp_path / "missing.jsonl")
