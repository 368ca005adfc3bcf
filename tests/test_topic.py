"""A question whose condition curbside does not recognise is answered only from sources that name
its topic (curbside/topic.py), or not at all.

"Quibblewort" is an invented word no condition rule recognises, as "hiccups" is in the starter
library: the question's wording ("first-line treatment for persistent ...") is close enough to the
neuropathy guidelines' for the cosine gate alone to pass them.
"""

from __future__ import annotations

import pytest

from curbside.ingest import ingest
from curbside.model import IngestReport
from curbside.topic import topic_terms
from curbside.understand import understand
from curbside.verify import check_citations

from synthetic_library import _doc, build

QUESTION = "What is the first-line treatment for persistent quibblewort?"
ON_TOPIC = ("test:quibblewort", "guideline", "Synthetic test guideline on persistent quibblewort", 2024,
            [("Recommendations › Persistent quibblewort",
              "Examplazine 5 mg once daily is recommended as first-line therapy for persistent quibblewort "
              "in this synthetic fixture.")],
            ["quibblewort"])


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    library = build(tmp_path_factory.mktemp("topic") / "lib")
    yield library
    library.close()


@pytest.fixture(scope="module")
def lib_with_topic(tmp_path_factory):
    library = build(tmp_path_factory.mktemp("topic-covered") / "lib")
    ingest(library.db, [_doc(*ON_TOPIC)], IngestReport("test", "synthetic"), after_batch=library.embed_pending)
    library.searcher.invalidate()
    yield library
    library.close()


def test_topic_words_leave_out_what_is_asked_for_whom_and_the_course():
    assert [sorted(t.names[0]) for t in topic_terms(understand(QUESTION))] == [["quibblewort"]]
    q = understand("What are the side effects of the drug of choice for quibbleworts in older adults?")
    assert [sorted(t.names[0]) for t in topic_terms(q)] == [["quibblewort"]]


def test_a_cue_that_takes_any_word_does_not_swallow_the_topic():
    # "will <anything> work" is a treatment cue; the word in its middle is still the topic.
    assert [sorted(t.names[0]) for t in topic_terms(understand("Will examplamab work?"))] == [["examplamab"]]


def test_unrecognised_topic_the_library_lacks_abstains_instead_of_quoting_other_guidelines(lib):
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
