"""Answers that are not articles: an emergency, a question outside clinical scope.

These texts are fixed safety wording, not clinical claims: they send the person to emergency
services or explain what curbside can answer. They are shown instead of an article, never with one.
"""

from __future__ import annotations

from ..model import Article
from ..search.understand import Question

EMERGENCY_MESSAGE = (
    "This sounds like it may be an emergency. Call your local emergency number (for example 911, "
    "112 or 999) or go to the nearest emergency department now. If someone may have taken an "
    "overdose or been poisoned, call emergency services or a poison control centre now. If you are "
    "thinking about harming yourself, call emergency services or a crisis line (988 in the US) now. "
    "curbside is a reference for planned care and cannot help in an emergency."
)

OUT_OF_SCOPE_MESSAGE = (
    "curbside answers clinical questions (treatment, dosing, adverse effects, interactions, "
    "diagnosis, monitoring, prognosis, prevention) from the guidelines and research in its library; "
    "this question does not look clinical. Rephrase it around a condition, drug or test."
)


def emergency_article(q: Question, audience: str) -> Article:
    return Article(
        question=q.text,
        title="Seek emergency care now",
        kind="emergency",
        audience=audience,
        intent=q.intent,
        message=EMERGENCY_MESSAGE,
        explain={"emergency_reason": q.emergency_reason},
    )


def out_of_scope_article(q: Question, audience: str) -> Article:
    return Article(
        question=q.text,
        title="Outside curbside's scope",
        kind="out_of_scope",
        audience=audience,
        intent=q.intent,
        message=OUT_OF_SCOPE_MESSAGE,
        explain={"clinical_reason": q.clinical_reason},
    )
