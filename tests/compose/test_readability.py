"""Readability grades, offline. The paragraphs are synthetic; examplamab is an invented drug."""

from __future__ import annotations

import socket

import pytest

from curbside.compose import readability
from curbside.compose.readability import article_grade, article_text, grade
from curbside.model import Article, Bullet, Claim, Section

SIMPLE = "Take the pill each day. Drink lots of water. Rest when you feel tired. Call us if you feel worse."
COMPLEX = (
    "Pharmacological antihypertensive monotherapy with examplamab demonstrated statistically significant "
    "reductions in cardiovascular morbidity among individuals with established cerebrovascular comorbidities, "
    "notwithstanding considerable heterogeneity across the randomised controlled investigations."
)


def test_simple_text_grades_lower_than_complex_text():
    assert grade(SIMPLE) < 5 < 15 < grade(COMPLEX)
    assert grade(SIMPLE) == grade(SIMPLE)  # deterministic
    assert grade("") == 0.0 and grade("   ") == 0.0


def test_no_network_is_touched(monkeypatch):
    import nltk

    def refuse(*args, **kwargs):
        raise AssertionError("readability must stay offline")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(nltk, "download", refuse)
    readability._textstat.cache_clear()
    readability._cmu.cache_clear()
    # A sentence never graded before, so textstat's own caches cannot answer for it.
    assert grade("Examplamab soothes wobbly knees on chilly mornings.") > 0


def _claim(text: str, plain: str = "") -> Claim:
    claim = Claim(text=text, citation=1, passage_id="synthetic@1#0")
    claim.plain = plain  # set whether or not the model has the field yet
    return claim


def _article(claims_bottom, claims_section, message="") -> Article:
    return Article(
        question="What helps?",
        title="What helps",
        message=message,
        bottom_line=claims_bottom,
        sections=[
            Section(key="first_line", title="First line", bullets=[Bullet(label="Examplamab", claims=claims_section)])
        ],
    )


def test_article_text_reads_plain_words_when_present():
    article = _article(
        [_claim("Examplamab is first-line for hypertension", "Examplamab is the first choice.")],
        [_claim("Rest helps.")],
    )
    assert article_text(article) == "Examplamab is the first choice. Rest helps."


def test_article_grade():
    assert article_grade(_article([], [])) is None
    assert article_grade(_article([], [], message="There is not enough evidence to answer this.")) is not None
    plain = _article([_claim(COMPLEX, SIMPLE)], [])
    verbatim = _article([_claim(COMPLEX)], [])
    assert article_grade(plain) == pytest.approx(grade(SIMPLE))
    assert article_grade(plain) < article_grade(verbatim)
