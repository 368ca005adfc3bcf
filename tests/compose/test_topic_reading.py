"""Topic-first evidence (topic.py): the parts of a question, the sources about it, and
articles that answer a many-part question part by part. Synthetic library and wording only."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from synthetic_library import build

from curbside.compose import article as article_module
from curbside.compose import extract, topic_reading
from curbside.compose.topic_reading import _SourceBM25, names_topic, topic_names
from curbside.model import Claim, Hit, Passage, Source
from curbside.search.facets import Facet, answers_by_part, ask_title, facets
from curbside.search.understand import Question, understand
from curbside.verify import check_citations

VIGNETTE = (
    "61F, synthetic neuropathy for 2 years, renal function normal. What is first-line, "
    "and what do I switch to if it fails?"
)


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    library = build(tmp_path_factory.mktemp("topic") / "lib")
    yield library
    library.close()


def test_facets_split_asks_at_their_joins_and_facts_at_commas():
    parts = facets(VIGNETTE)
    assert Facet("What is first-line", True) in parts
    assert Facet("what do I switch to if it fails?", True) in parts
    assert Facet("renal function normal", False) in parts
    assert all(f.text != "61F" for f in parts)  # no content word: age and sex shorthand alone


def test_a_vignette_or_a_many_part_question_is_answered_part_by_part():
    assert answers_by_part(VIGNETTE)
    assert answers_by_part("Which drug first? And for how long?")
    assert not answers_by_part("What is the first-line treatment for synthetic neuropathy?")


def test_ask_titles_keep_the_clinicians_words():
    assert ask_title("what do I switch to if it fails?") == "What do I switch to if it fails?"
    assert ask_title("Which drug and dose,") == "Which drug and dose?"


def test_a_source_names_the_topic_with_half_the_words_of_a_qualified_condition():
    names = [frozenset({"febrile", "pyelonephriti"})]
    assert names_topic(names, frozenset({"pyelonephriti", "guideline"}))
    assert not names_topic(names, frozenset({"cystiti", "guideline"}))


def test_topic_names_come_from_the_condition_not_the_asking_words(lib):
    q = understand("What is the first-line treatment for synthetic neuropathy?", lib.searcher.vocabulary)
    words = set().union(*topic_names(q))
    assert "neuropathy" in words
    assert not words & {"first", "line", "treatment"}


def test_a_vignette_article_answers_each_part_from_the_sources_about_it(lib):
    article = lib.ask(VIGNETTE)
    assert article.kind == "article"
    titles = [s.title for s in article.sections]
    assert "What is first-line?" in titles
    assert check_citations(article) == []
    assert {r.source_id for r in article.references} <= {"test:guideline-a", "test:guideline-b", "test:consumer"}
    for claim in article.all_claims():
        assert claim.text in lib.passage_or_none(claim.passage_id).text


def test_the_bottom_line_is_not_repeated_in_the_body(lib):
    for question in (VIGNETTE, "What is the first-line treatment for synthetic neuropathy?"):
        article = lib.ask(question)
        said = {(c.passage_id, c.quote_start) for c in article.bottom_line}
        body = [
            (c.passage_id, c.quote_start)
            for s in article.sections
            if not s.numbered
            for b in s.bullets
            for c in b.claims
        ]
        assert said and not said & set(body)


def test_a_word_in_another_form_is_the_same_word():
    from curbside.compose.topic_reading import same_word, topic_share

    assert same_word("neuropathy", "neuropathic") and same_word("diabetic", "diabetes") and same_word("pain", "painful")
    assert not same_word("hypertension", "hyperthyroid") and not same_word("pe", "peripheral")
    name = [frozenset({"painful", "diabetic", "peripheral", "neuropathy"})]
    assert topic_share(name, frozenset({"painful", "diabetes", "neuropathic"})) == 0.75


def test_an_ask_reads_each_passage_once(lib, monkeypatch):
    # The topic reading reads every passage of its sources; compose reads the chosen ones again,
    # and the follow-ups checked ask again: each passage's sentences are split once in all.
    for module in (extract, article_module, topic_reading):
        for cached in vars(module).values():
            if hasattr(cached, "cache_clear"):
                cached.cache_clear()
    split = Counter()
    spans = extract.sentence_spans
    monkeypatch.setattr(extract, "sentence_spans", lambda text: split.update([text]) or spans(text))
    assert lib.ask(VIGNETTE).kind == "article"
    assert split and split.most_common(1)[0][1] == 1


def test_bm25_within_the_sources_scores_as_the_formula():
    # Three synthetic passages: "alpha" is in two, "gamma" in one; k1 1.2, b 0.75.
    texts = {1: ["alpha", "beta"], 2: ["alpha", "alpha", "gamma", "delta"], 3: ["beta"]}
    bm25 = _SourceBM25({pk: (Counter(words), len(words)) for pk, words in texts.items()})
    avg = 7 / 3

    def term(f, n, df):
        idf = math.log(1 + (3 - df + 0.5) / (df + 0.5))
        return idf * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * n / avg))

    raw = {1: term(1, 2, 2), 2: term(2, 4, 2) + term(1, 4, 1), 3: 0.0}
    scores = bm25.scores("alpha gamma zeta")
    assert scores == pytest.approx({pk: value / raw[2] for pk, value in raw.items()})
    assert scores[2] == 1.0 and scores[3] == 0.0


def _source_hit(source_id: str, title: str, section: str) -> Hit:
    source = Source(id=source_id, kind="guideline", title=title, origin="test", developer="Example", year=2022)
    return Hit(Passage(source_id=source_id, order=0, section=section, text="Text.", id=f"{source_id}@1#0"), source, 1.0)


def test_a_source_whose_title_names_the_topic_comes_before_one_naming_it_in_a_heading_only(lib):
    q = understand("Should I start examplamab for synthetic neuropathy?", lib.searcher.vocabulary)
    headed = _source_hit("test:headed", "Standards of care in general medicine", "Synthetic neuropathy › Drugs")
    titled = _source_hit("test:titled", "Synthetic neuropathy: management", "Recommendations")
    chosen = topic_reading.topic_sources(q, [headed, titled], "physician").sources
    assert [s.id for s in chosen] == ["test:titled", "test:headed"]


def test_a_condition_in_a_part_brings_its_disease_class_into_that_parts_query():
    from curbside.language.vocabulary import Vocabulary

    vocabulary = Vocabulary(
        [
            ("D1", "Synthetic Control Disorders", "condition", "C99.500"),
            ("D2", "Synthetic Betting", "condition", "C99.500.400"),
        ],
        [("synthetic betting", "D2", "name", "Synthetic Betting"), ("synthetic control disorders", "D1", "name", "x")],
    )
    q = understand("70M with synthetic betting debts. What do I change?", vocabulary)
    fact = next(f for f in facets(q.text) if not f.asks)
    assert "synthetic control disorders" in topic_reading._about(fact, q, vocabulary)
    assert "synthetic control disorders" not in topic_reading._about(fact, q)


def test_a_source_whose_title_is_for_other_patients_is_not_a_topic_source(lib):
    q = understand("67F, synthetic neuropathy, CrCl 80. What is first-line?", lib.searcher.vocabulary)
    children = _source_hit("test:children", "Synthetic neuropathy in children", "Recommendations")
    adults = _source_hit("test:adults", "Synthetic neuropathy: management", "Recommendations")
    chosen = topic_reading.topic_sources(q, [children, adults], "physician").sources
    assert [s.id for s in chosen] == ["test:adults"]


def test_a_short_ask_that_names_its_subject_is_read_without_the_cases_facts():
    """ "Antibiotics?" after a case is about antibiotics; its facts would pull in passages of their
    own ("no cholangitis" brings the cholangitis algorithm). "Dose?" says nothing of its own."""
    q = understand("49F synthetic pancreatitis, no synthetic cholangitis. Antibiotics? Dose? What do I change?")
    asks = {f.text.rstrip("?"): f for f in facets(q.text) if f.asks}
    assert "cholangitis" not in topic_reading._about(asks["Antibiotics"], q)
    assert "cholangitis" in topic_reading._about(asks["Dose"], q)
    assert "cholangitis" in topic_reading._about(asks["What do I change"], q)


def test_an_ask_naming_a_drug_is_read_with_its_class():
    q = understand("45F, synthetic arthritis. Should I bridge with prednisone?")
    ask = next(f for f in facets(q.text) if f.asks)
    assert "glucocorticoid" in topic_reading._about(ask, q)


def test_a_facet_whose_passage_another_took_takes_its_next_one():
    chosen, facet_of = topic_reading._share_out([(0, 2, [1, 2, 3]), (1, 2, [1, 4, 5])])
    assert chosen == [1, 4, 2, 5]
    assert facet_of == {1: 0, 4: 1, 2: 0, 5: 1}


def test_a_source_titled_for_patients_with_another_condition_is_not_a_topic_source(lib):
    from curbside.language.vocabulary import Vocabulary

    vocabulary = Vocabulary(
        [("D1", "Synthetic Embolism", "condition", "C99.1"), ("D2", "Synthetic Fibrillation", "condition", "C98.1")],
        [("synthetic embolism", "D1", "name", "x"), ("synthetic fibrillation", "D2", "name", "x")],
    )
    q = understand("64M, first synthetic embolism. Which anticoagulant?", vocabulary)
    other = _source_hit("test:other", "Examplaban for stroke prevention in people with synthetic fibrillation", "Recs")
    own = _source_hit("test:own", "Synthetic embolism: management", "Recommendations")
    chosen = topic_reading.topic_sources(q, [other, own], "physician", vocabulary=vocabulary).sources
    assert [s.id for s in chosen] == ["test:own"]
    same = _source_hit("test:same", "Examplaban in people with synthetic embolism", "Recs")
    assert not topic_reading.for_other_patients(same.source.title, q, vocabulary)


def test_a_title_for_patients_without_another_condition_is_for_this_patient():
    from curbside.language.vocabulary import Vocabulary

    vocabulary = Vocabulary(
        [("D1", "Synthetic Embolism", "condition", "C99.1"), ("D2", "Synthetic Cancer", "condition", "C98.1")],
        [("synthetic embolism", "D1", "name", "x"), ("synthetic cancer", "D2", "name", "x")],
    )
    q = understand("64M, first synthetic embolism. Which anticoagulant?", vocabulary)
    assert not topic_reading.for_other_patients(
        "Anticoagulation in patients with synthetic embolism and no synthetic cancer", q, vocabulary
    )
    assert topic_reading.for_other_patients(
        "Anticoagulation in patients with synthetic embolism and synthetic cancer", q, vocabulary
    )


def test_a_statement_written_for_other_patients_is_told_by_its_opening_population():
    from curbside.language.vocabulary import Vocabulary

    vocabulary = Vocabulary(
        [
            ("D1", "Synthetic Embolism", "condition", "C99.1"),
            ("D2", "Synthetic Cancer", "condition", "C98.1"),
            ("D3", "Synthetic Thrombosis", "condition", "C97.1"),
            ("D4", "Synthetic Vessel Disease", "condition", "C99"),
        ],
        [
            ("synthetic embolism", "D1", "name", "x"),
            ("synthetic cancer", "D2", "name", "x"),
            ("synthetic thrombosis", "D3", "name", "x"),
            ("synthetic vessel disease", "D4", "name", "x"),
        ],
    )
    q = understand("64M, first synthetic embolism, no bleeding. Which anticoagulant?", vocabulary)

    def others(text: str) -> bool:
        return topic_reading.written_for_others(text, q, vocabulary)

    assert others("In patients with synthetic thrombosis or synthetic embolism and synthetic cancer, give examplaban.")
    assert not others("In patients with synthetic thrombosis or synthetic embolism and no synthetic cancer, give it.")
    assert not others("In patients with synthetic thrombosis (ST) or synthetic embolism (SE), give examplaban.")
    assert not others("In patients with a history of synthetic vessel disease, avoid examplaban.")  # a class of it
    assert not others("For patients with moderate or high disease activity, add examplaban.")  # no condition named
    assert not others("Examplaban is recommended for synthetic embolism.")  # no population


def test_a_condition_is_the_cases_by_whole_tree_segments():
    """C99.10 is not under C99.1: a tree number's prefix counts only at a segment's end."""
    from curbside.language.vocabulary import Vocabulary

    vocabulary = Vocabulary(
        [("D1", "Synthetic Embolism", "condition", "C99.1"), ("D2", "Synthetic Growth", "condition", "C99.10")],
        [("synthetic embolism", "D1", "name", "x"), ("synthetic growth", "D2", "name", "x")],
    )
    q = understand("64M, first synthetic embolism. Which anticoagulant?", vocabulary)
    assert topic_reading.written_for_others("In patients with synthetic growth, give examplaban.", q, vocabulary)


def test_a_lead_in_brings_the_rows_of_its_list_right_after_it():
    from curbside.model import Passage, Source

    source = Source(id="test:rows", kind="guideline", title="Synthetic guideline", origin="test")

    def passage(order: int, text: str, section: str = "Recs › Without sepsis") -> Passage:
        return Passage(source_id=source.id, order=order, section=section, text=text, id=f"test:rows@1#{order}")

    texts = {
        10: passage(0, "For patients without sepsis, select among the following:"),
        11: passage(1, "Class: Synthetic cephalosporins; Agents: Examplamab"),
        12: passage(2, "Class: Synthetic quinolones; Agents: Fictinib"),
        13: passage(3, "A statement of the next section.", section="Recs › Duration"),
        20: passage(9, "Testoxetine is recommended for synthetic neuropathy."),
    }
    passages = {pk: (p, source) for pk, p in texts.items()}
    facet_of = {20: 0, 10: 1, 12: 0}  # a row another facet took moves to its lead-in
    chosen, leads = topic_reading._with_rows([20, 12, 10], facet_of, passages)
    assert chosen == [20, 10, 11, 12] and leads == {10}
    assert facet_of[11] == facet_of[12] == 1


def test_a_suspected_diagnosis_reads_sources_titled_for_it_before_the_cases_background():
    background = Source(id="bg", kind="guideline", title="Zorbic neoplasm therapy", origin="test", year=2020)
    diagnosis = Source(id="dx", kind="guideline", title="Quellic climacteric: management", origin="test", year=2020)
    hits = _hits_of(background, range(5)) + _hits_of(diagnosis, range(5, 6))
    asked = dict(
        text="51F, zorbic neoplasm on therapy, flushing. Which drug?",  # synthetic names
        condition="quellic climacteric",
        conditions=["quellic climacteric", "zorbic neoplasm", "flushing"],
    )
    # Named by the case, the condition weighs its share of the search against the background's ...
    named = topic_reading.topic_sources(Question(**asked), hits, "physician")
    assert [s.id for s in named.sources] == ["bg", "dx"]
    # ... read from guideline titles, the diagnosis is what those titles are about.
    suspected = topic_reading.topic_sources(Question(**asked, suspected_from="flushing"), hits, "physician")
    assert [s.id for s in suspected.sources] == ["dx", "bg"]


def test_an_ask_for_a_class_acting_on_the_cases_drug_is_read_with_that_drug():
    q = Question(text="76M on apixaban, synthetic bleed. Reversal agent and dose?", drugs=["apixaban"])
    about = topic_reading._about(Facet("Reversal agent and dose?", True), q)
    assert "apixaban" in about and "anticoagulant reversal agent" in about
    assert "apixaban" not in topic_reading._about(
        Facet("Reversal agent and dose?", True), Question(text="Reversal agent?")
    )


def test_a_lead_in_whose_list_is_not_shown_cannot_be_the_bottom_line():
    lead_in = Claim(text="The following synthetic agents are preferred:", citation=1, passage_id="s@1#0")
    whole = Claim(text="Synthetic agent A is preferred.", citation=1, passage_id="s@1#1")
    assert not article_module._can_lead(lead_in, "") and article_module._can_lead(whole, "")


def test_a_source_naming_only_a_past_event_of_the_case_is_not_a_topic_source():
    past = Source(id="past", kind="guideline", title="Zorbic infarction management", origin="test", year=2020)
    asked = Source(id="asked", kind="guideline", title="Quellic porosis treatment", origin="test", year=2020)
    hits = _hits_of(past, range(4)) + _hits_of(asked, range(4, 6))
    q = Question(
        text="74F, zorbic infarction in 2019, quellic porosis. Which drug first?",  # synthetic names
        normalized="74f, zorbic infarction in 2019, quellic porosis. which drug first?",
        condition="quellic porosis",
        conditions=["quellic porosis", "zorbic infarction"],
    )
    assert [s.id for s in topic_reading.topic_sources(q, hits, "physician").sources] == ["asked"]
    now = Question(**{**q.__dict__, "text": "74F, zorbic infarction now, quellic porosis. Which drug first?"})
    now.normalized = now.text.lower()
    assert "past" in [s.id for s in topic_reading.topic_sources(now, hits, "physician").sources]


def test_a_source_titled_for_a_condition_the_case_denies_is_not_a_topic_source():
    from curbside.language.vocabulary import Vocabulary

    names = [("D1", "Zorbic Mellitus"), ("D2", "Quellic Tension")]  # synthetic conditions
    vocabulary = Vocabulary(
        [(cid, name, "condition", f"C18.{n}") for n, (cid, name) in enumerate(names)],
        [(name.lower(), cid, "name", name) for cid, name in names],
    )

    denied = Source(id="denied", kind="guideline", title="Standards of care in zorbic mellitus", origin="t", year=2020)
    asked = Source(id="asked", kind="guideline", title="Synthetamab for quellic tension", origin="t", year=2020)
    hits = _hits_of(denied, range(4)) + _hits_of(asked, range(4, 6))
    text = "52M, quellic tension, no zorbic mellitus. Synthetamab or not?"
    q = understand(text, vocabulary)
    assert [s.id for s in topic_reading.topic_sources(q, hits, "physician", vocabulary=vocabulary).sources] == ["asked"]
    has_it = understand("52M, quellic tension, zorbic mellitus. Synthetamab or not?", vocabulary)
    chosen = topic_reading.topic_sources(has_it, hits, "physician", vocabulary=vocabulary).sources
    assert "denied" in [s.id for s in chosen]


def _hits_of(source: Source, ranks: range) -> list[Hit]:
    """One synthetic hit of `source` at each search rank in `ranks`."""
    return [
        Hit(Passage(source_id=source.id, order=r, section="", text="Text.", id=f"{source.id}@1#{r}"), source, 1.0)
        for r in ranks
    ]
