"""A question whose condition curbside does not recognise is answered only from sources that name
its topic (curbside/topic.py), or not at all.

"Quibblewort" and "wobblegrip" are invented words no condition rule recognises, as "hiccups" is in
the starter library. The wobblegrip guideline is worded so like the question ("the first-line
treatment for persistent ...") that the cosine gate alone lets it answer a question on quibblewort.
"""

from __future__ import annotations

import pytest
from synthetic_library import _doc, build

from curbside.ask import Coverage
from curbside.ingest.run import ingest
from curbside.language.vocabulary import Vocabulary
from curbside.model import Hit, IngestReport, Passage, Source
from curbside.search.topic import on_topic, topic_terms
from curbside.search.understand import understand
from curbside.verify import check_citations

QUESTION = "What is the first-line treatment for persistent quibblewort?"
SAME_WORDING = (
    "test:wobblegrip",
    "guideline",
    "Synthetic wobblegrip guideline",
    2024,
    [
        (
            "Recommendations › First-line treatment",
            "The first-line treatment for persistent wobblegrip is fictolol 10 mg once daily.",
        )
    ],
    ["wobblegrip"],
)
ON_TOPIC = (
    "test:quibblewort",
    "guideline",
    "Synthetic test guideline on persistent quibblewort",
    2024,
    [
        (
            "Recommendations › Persistent quibblewort",
            "Examplazine 5 mg once daily is recommended as first-line therapy for persistent quibblewort "
            "in this synthetic fixture.",
        )
    ],
    ["quibblewort"],
)


def _library(path, extra):
    library = build(path)
    ingest(
        library.db, [_doc(*doc) for doc in extra], IngestReport("test", "synthetic"), after_batch=library.embed_pending
    )
    library.searcher.invalidate()
    return library


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    library = _library(tmp_path_factory.mktemp("topic") / "lib", [SAME_WORDING])
    yield library
    library.close()


@pytest.fixture(scope="module")
def lib_with_topic(tmp_path_factory):
    library = _library(tmp_path_factory.mktemp("topic-covered") / "lib", [SAME_WORDING, ON_TOPIC])
    yield library
    library.close()


def test_topic_words_leave_out_what_is_asked_for_whom_and_the_course():
    assert [sorted(t.names[0]) for t in topic_terms(understand(QUESTION))] == [["quibblewort"]]
    q = understand("What are the side effects of the drug of choice for quibbleworts in older adults?")
    assert [sorted(t.names[0]) for t in topic_terms(q)] == [["quibblewort"]]


def test_a_cue_that_takes_any_word_does_not_swallow_the_topic():
    # "will <anything> work" is a treatment cue; the word in its middle is still the topic.
    assert [sorted(t.names[0]) for t in topic_terms(understand("Will Xyzal work?"))] == [["xyzal"]]


def test_a_source_that_names_the_topic_by_a_vocabulary_synonym_is_on_topic():
    # An invented concept of a kind that is not a condition, with a synonym, as MeSH would hold it.
    vocabulary = Vocabulary(
        [("X1", "Quibblewort", "phenomenon", "Z01.1")],
        [("quibblewort", "X1", "name", "Quibblewort"), ("wobbleweed", "X1", "synonym", "Wobbleweed")],
    )
    terms = topic_terms(understand(QUESTION, vocabulary), vocabulary)

    def hit(title: str, section: str) -> Hit:
        source = Source(id="test:s", kind="guideline", title=title, origin="test")
        return Hit(Passage("test:s", 0, section, "Synthetic text."), source, 1.0)

    assert on_topic(terms, hit("Synthetic wobbleweed guideline", "Recommendations"))
    assert on_topic(terms, hit("Synthetic guideline", "Recommendations › Quibbleworts"))
    assert not on_topic(terms, hit("Synthetic wobblegrip guideline", "First-line treatment"))


def test_unrecognised_topic_the_library_lacks_abstains_instead_of_quoting_other_guidelines(lib):
    _, hits = lib.searcher.search(QUESTION)
    # The case the gate is for: close enough in meaning to pass on the cosine alone.
    assert max(h.explain.get("vector", 0.0) for h in hits) >= Coverage().min_cosine
    article = lib.ask(QUESTION)
    assert article.condition == ""  # the case the gate is for
    assert article.kind == "insufficient", [r.source_id for r in article.references]
    assert not article.sections and not article.references
    assert article.explain["coverage"]["topic_words"] == ["quibblewort"]


def test_unrecognised_topic_is_answered_only_from_the_source_that_names_it(lib_with_topic):
    article = lib_with_topic.ask(QUESTION)
    assert article.kind == "article"
    assert {r.source_id for r in article.references} == {"test:quibblewort"}
    assert check_citations(article) == []


def test_recognised_condition_questions_are_not_gated(lib):
    # The condition gate judges these; the topic gate must not refuse them.
    assert lib.ask("What is the first-line treatment for synthetic neuropathy?").kind == "article"
