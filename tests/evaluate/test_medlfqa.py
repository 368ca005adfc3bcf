"""MedLFQA scoring: the loader, the must-have matching rule, citation integrity and the summary.

Drugs and passages in the integrity tests are synthetic ("Examplamab"); none is clinical advice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curbside.compose.references import cite
from curbside.errors import InputError
from curbside.evaluate import medlfqa
from curbside.evaluate.medlfqa import ArticleScore, Item, Match, MatchRule
from curbside.index.embed import Encoder
from curbside.model import Article, Bullet, Claim, Passage, Section, Source, SourcesDiffer


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder(max_tokens=128, threads=1)


# -- loading ----------------------------------------------------------------------------------


def write_set(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / medlfqa.SETS[name][1]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def record(question: str, must_have: list, nice: list | None = None) -> str:
    return json.dumps(
        {"Question": question, "Free_form_answer": "An answer.", "Must_have": must_have, "Nice_to_have": nice or []}
    )


def test_loader_reads_records_in_order_and_leaves_out_placeholder_statements(tmp_path: Path) -> None:
    write_set(
        tmp_path,
        "liveqa",
        [
            record(
                " Can I take ibuprofen with lisinopril? ",
                ["NSAIDs can reduce the effect of ACE inhibitors.", "  ", "N/A", "Not applicable.", "2."],
            ),
            "",
            record("What is gout?", [], ["Gout is a form of arthritis."]),
        ],
    )
    first, second = medlfqa.load_sets(tmp_path, ["liveqa"])["liveqa"]
    assert first == Item(
        "liveqa",
        1,
        "Can I take ibuprofen with lisinopril?",
        ("NSAIDs can reduce the effect of ACE inhibitors.",),
        (),
        "An answer.",
    )
    assert (second.line, second.must_have, second.nice_to_have) == (3, (), ("Gout is a form of arthritis.",))
    assert medlfqa.load_sets(tmp_path, ["liveqa"], limit=1)["liveqa"] == [first]


def test_loader_names_the_bad_line_and_unknown_sets(tmp_path: Path) -> None:
    write_set(tmp_path, "kqa", [record("What is gout?", []), '{"Must_have": []}'])
    with pytest.raises(InputError, match="line 2"):
        medlfqa.load_sets(tmp_path, ["kqa"])
    with pytest.raises(InputError, match="Unknown MedLFQA set pubmedqa"):
        medlfqa.load_sets(tmp_path, ["pubmedqa"])
    with pytest.raises(InputError, match="Cannot read"):
        medlfqa.load_sets(tmp_path, ["medication"])


# -- the matching rule ------------------------------------------------------------------------


def test_content_words_drop_stopwords_case_and_plural_s() -> None:
    assert medlfqa.content_words("The Tablets are taken with Meals") == {"tablet", "taken", "meal"}
    assert medlfqa.content_words("glass") == {"glass"}  # a double s is not a plural
    assert medlfqa.word_overlap("Tablets contain lactose and starch.", "Each tablet contains lactose") == 0.75


MATCHING = [
    (
        "Taking hydroxyzine and Zyrtec together may increase drowsiness.",
        "Combining hydroxyzine with Zyrtec can increase drowsiness.",
    ),
    (
        "Metformin is the first-line drug treatment for type 2 diabetes.",
        "Metformin is recommended as first-line drug therapy for type 2 diabetes.",
    ),
]
NOT_MATCHING = [
    (
        "Taking hydroxyzine and Zyrtec together may increase drowsiness.",
        "Gout flares are treated with colchicine or an NSAID.",
    ),
    (
        "Warfarin interacts with many antibiotics, raising the INR.",
        "Antibiotics for urinary tract infection include nitrofurantoin and trimethoprim.",
    ),
    # The same topic saying something else: cosine alone would come close.
    (
        "Aspirin should be avoided in children because of the risk of Reye syndrome.",
        "Aspirin reduces the risk of heart attack in adults.",
    ),
]


@pytest.mark.parametrize(("statement", "sentence"), MATCHING)
def test_a_paraphrase_is_found(encoder: Encoder, statement: str, sentence: str) -> None:
    vectors = medlfqa.embed_texts([statement, sentence], encoder.encode)
    [match] = medlfqa.match_statements([statement], [sentence], vectors, MatchRule())
    assert match.found and match.sentence == sentence


@pytest.mark.parametrize(("statement", "sentence"), NOT_MATCHING)
def test_another_statement_is_not_found(encoder: Encoder, statement: str, sentence: str) -> None:
    vectors = medlfqa.embed_texts([statement, sentence], encoder.encode)
    [match] = medlfqa.match_statements([statement], [sentence], vectors, MatchRule())
    assert not match.found and match.sentence == sentence  # still shown as the closest miss


def test_each_statement_gets_its_best_sentence_and_an_empty_article_finds_nothing(encoder: Encoder) -> None:
    (statement, paraphrase), (_, other) = MATCHING[0], NOT_MATCHING[0]
    vectors = medlfqa.embed_texts([statement, other, paraphrase], encoder.encode)
    [match] = medlfqa.match_statements([statement], [other, paraphrase], vectors, MatchRule())
    assert match.found and match.sentence == paraphrase
    assert medlfqa.match_statements([statement], [], vectors, MatchRule()) == [Match(statement, "", 0.0, 0.0, False)]


# -- articles ---------------------------------------------------------------------------------

PASSAGES = {
    "ex@1#0": Passage(
        "ex", 0, "Synthetic", "Examplamab 20 mg daily is the starting dose for condition X.", id="ex@1#0"
    ),
    "fi@1#0": Passage("fi", 0, "Synthetic", "Fictorin may be added when pain remains.", id="fi@1#0"),
}
SOURCES = {
    pid: Source(id=p.source_id, kind="guideline", title=f"Synthetic {p.source_id}", origin="test", year=2021)
    for pid, p in PASSAGES.items()
}


def article_of(*claims: Claim, differ: list[SourcesDiffer] | None = None) -> Article:
    article = Article(
        question="How is condition X treated?",
        title="Treatment of Condition X",
        bottom_line=[claims[0]],
        differ=differ or [],
        sections=[Section("first_line", "First-line", [Bullet("", list(claims))])],
    )
    cite(article, article.all_claims(), {c.passage_id: SOURCES[c.passage_id] for c in claims}, today_year=2024)
    return article


def quote(passage_id: str) -> Claim:
    return Claim(text=PASSAGES[passage_id].text, citation=0, passage_id=passage_id)


def test_a_faithful_article_has_no_citation_problems() -> None:
    assert medlfqa.citation_problems(article_of(quote("ex@1#0"), quote("fi@1#0")), PASSAGES.get) == []


def test_integrity_flags_a_planted_orphan_citation() -> None:
    article = article_of(quote("ex@1#0"), quote("fi@1#0"))
    article.sections[0].bullets[0].claims[1].citation = 7  # no reference [7]
    [problem, uncited] = medlfqa.citation_problems(article, PASSAGES.get)
    assert "cites [7], which is no reference" in problem
    assert "reference [2]" in uncited and "cited by no claim" in uncited


def test_integrity_flags_a_missing_passage_and_a_reworded_claim() -> None:
    article = article_of(quote("ex@1#0"), quote("fi@1#0"))
    article.bottom_line[0].text = "Examplamab 20 mg daily is the usual dose."
    problems = medlfqa.citation_problems(article, {"fi@1#0": PASSAGES["fi@1#0"]}.get)
    assert problems == [
        "claim 'Examplamab 20 mg daily is the usual dose.' [1] cites passage ex@1#0, which the library does not hold"
    ]
    assert "is not in its passage ex@1#0" in medlfqa.citation_problems(article, PASSAGES.get)[0]


def test_article_sentences_cover_claims_and_notes_without_markers() -> None:
    note = SourcesDiffer("Examplamab", "One source starts at 20 mg [1]. Another gives no dose [2].", [1, 2])
    article = article_of(quote("ex@1#0"), quote("fi@1#0"), differ=[note])
    assert medlfqa.article_sentences(article) == [
        PASSAGES["ex@1#0"].text,
        PASSAGES["fi@1#0"].text,
        "One source starts at 20 mg.",
        "Another gives no dose.",
    ]
    article.kind = "insufficient"
    assert medlfqa.article_sentences(article) == []


def test_summary_counts_abstentions_as_nothing_found_over_all_but_not_over_answered() -> None:
    hit, miss = Match("a", "a", 0.9, 1.0, True), Match("b", "c", 0.2, 0.0, False)
    scores = [
        ArticleScore("kqa", "q1", "article", [hit, miss], [hit, hit], [], words=100, claims=4, references=2, ms=10.0),
        ArticleScore(
            "kqa", "q2", "insufficient", [miss, miss], [hit, miss], [], words=30, claims=0, references=0, ms=5.0
        ),
        ArticleScore(
            "kqa", "q3", "article", [hit], [miss], ["planted problem"], words=200, claims=6, references=3, ms=20.0
        ),
    ]
    summary = medlfqa.summarise(scores)
    assert (summary.questions, summary.answered, summary.must_have) == (3, 2, 5)
    assert summary.abstained == pytest.approx(1 / 3)
    assert summary.must_have_found == pytest.approx(2 / 5)
    assert summary.must_have_found_answered == pytest.approx(2 / 3)
    assert summary.must_have_found_reference == pytest.approx(3 / 5)
    assert summary.citations_resolvable == pytest.approx(2 / 3) and summary.broken_articles == 1
    assert (summary.words, summary.claims, summary.references) == (150, 5, 2.5)
    assert summary.kinds == {"article": 2, "insufficient": 1}
