"""`Library.ask` end to end on a synthetic library: articles, abstention, safety, determinism."""

from __future__ import annotations

import pytest
from synthetic_library import build

from curbside.errors import InputError
from curbside.verify import check_citations


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    library = build(tmp_path_factory.mktemp("ask") / "lib")
    yield library
    library.close()


def test_treatment_question_gets_a_cited_article(lib):
    article = lib.ask("What is the first-line treatment for synthetic neuropathy?")
    assert article.kind == "article"
    assert article.bottom_line and article.references
    assert check_citations(article) == []
    for claim in article.all_claims():
        passage = lib.passage_or_none(claim.passage_id)
        assert claim.text in passage.text  # quoted, never reworded


def test_same_question_gives_the_same_article(lib):
    question = "How is refractory synthetic neuropathy treated?"
    assert lib.ask(question).to_dict() == lib.ask(question).to_dict()


def test_question_the_library_does_not_cover_abstains(lib):
    article = lib.ask("What is the treatment for imaginary migraine of the elbow?")
    assert article.kind == "insufficient"
    assert "does not hold enough evidence" in article.message
    assert not article.sections


def test_emergency_gets_a_safe_response_not_an_article(lib):
    article = lib.ask("I took a whole bottle of examplamab pills an hour ago and feel faint, what do I do?")
    assert article.kind == "emergency"
    assert "emergency" in article.message.lower()
    assert not article.sections and not article.references


def test_non_clinical_question_is_politely_refused(lib):
    article = lib.ask("What is the best recipe for banana bread?")
    assert article.kind == "out_of_scope"


def test_bad_questions_are_refused_with_one_clear_sentence(lib):
    with pytest.raises(InputError, match="empty"):
        lib.ask("")
    with pytest.raises(InputError, match="shorten"):
        lib.ask("why " * 1000)
    with pytest.raises(InputError, match="audience"):
        lib.ask("synthetic neuropathy treatment", audience="robot")


def test_a_drug_the_evidence_never_names_is_not_answered_from_its_condition(lib):
    article = lib.ask("What is the dose of imaginarumab for synthetic neuropathy?")
    assert article.kind == "insufficient"


def test_the_composer_reads_more_passages_per_source_than_a_search_page_shows(lib, monkeypatch):
    from curbside.ask import EVIDENCE_PER_SOURCE_CAP
    from curbside.search.retrieve import SearchOptions

    caps = []
    search_question = lib.searcher.search_question

    def recording(q, k, options):
        caps.append(options.per_source_cap)
        return search_question(q, k, options)

    monkeypatch.setattr(lib.searcher, "search_question", recording)
    lib.ask("How is refractory synthetic neuropathy treated?")
    assert caps and set(caps) == {EVIDENCE_PER_SOURCE_CAP} and EVIDENCE_PER_SOURCE_CAP > SearchOptions().per_source_cap


def test_a_patient_article_reports_its_grade_against_the_one_target(lib):
    from curbside.compose.readability import PATIENT_GRADE_TARGET

    article = lib.ask("How is refractory synthetic neuropathy treated?", audience="patient")
    assert article.kind == "article"
    assert article.explain["readability"]["target"] == PATIENT_GRADE_TARGET


def test_evidence_naming_a_member_covers_a_question_about_its_class():
    """ "Antiplatelet doses?" is answered by evidence that names clopidogrel, not only the word."""
    from curbside.ask import Coverage
    from curbside.model import Hit, Passage, Source
    from curbside.search.understand import Question

    source = Source(id="s", kind="guideline", title="Synthetic infarction", origin="test", year=2020)
    passage = Passage(source_id="s", order=0, section="", text="Clopidogrel 75 mg daily.", id="s@1#0")
    hit = Hit(passage, source, 1.0, {"vector": 0.7, "rerank_condition": 1.0})
    q = Question(text="Synthetic infarction. Antiplatelet doses?", drugs=["antiplatelet"], intent="dosing")
    covered, facts = Coverage().covers(q, [hit])
    assert facts["drug_in_top"] and covered


def test_a_follow_up_is_checked_on_the_first_hits_then_on_all_the_evidence(lib, monkeypatch):
    """The check composes from the first hits, and from every hit only when those give no claim:
    a suggestion the whole evidence answers is still offered."""
    from curbside import ask as asking
    from curbside.model import Article, Bullet, Claim, Section

    monkeypatch.setattr(asking, "FOLLOW_UP_CHECK_HITS", 3)  # the synthetic library has a few hits only
    route = asking._route(lib, "first-line treatment of synthetic neuropathy", "physician", None, asking.Coverage())
    assert route.way == "compose" and len(route.evidence) > asking.FOLLOW_UP_CHECK_HITS
    read = []

    def scripted_compose(q, evidence, **kwargs):  # a composer that answers only from all the evidence
        read.append(len(evidence))
        claims = [Claim("Synthetic claim.", 1, "x@1#0")] if len(evidence) == len(route.evidence) else []
        return Article(question=q.text, title="t", sections=[Section("s", "S", [Bullet("", claims)])] if claims else [])

    monkeypatch.setattr(asking, "compose", scripted_compose)
    monkeypatch.setattr(asking, "verify", lambda article, lookup: article)
    assert asking._answered_from_evidence(lib, route, "physician")
    assert read == [asking.FOLLOW_UP_CHECK_HITS, len(route.evidence)]
