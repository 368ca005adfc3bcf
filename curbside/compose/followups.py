"""Suggested follow-up questions, drawn from what the retrieved evidence covers.

Each suggestion is a full question that stands alone (it names the condition or the drug) and
is offered only when the statements behind the article hold something to answer it with that
the article itself did not cover: a population they name, a dose they give for the article's
main intervention, its adverse effects or monitoring, or the treatments they describe.
"""

from __future__ import annotations

from collections import Counter

from ..model import MAX_QUESTION_CHARS, Article
from .extract import Statement
from .layouts import LINE_ROLES, POPULATION_MODIFIERS, as_written, population_phrase

MAX_FOLLOW_UPS = 4


def suggest_follow_ups(question, statements: list[Statement], article: Article) -> list[str]:
    """Up to four follow-ups. `statements` are the relevant statements compose considered;
    the article's sections say what it already answers."""
    subject = as_written(question.condition, question.text) if question.condition else ""
    drug = _in_sentence(_main_intervention(article)) or (question.drugs[0] if question.drugs else "")
    section_keys = [section.key for section in article.sections]
    suggestions = [
        _population(question, statements, subject, drug),
        _about_intervention(
            question.intent,
            statements,
            drug,
            subject,
            section_keys,
            "dosing",
            "What is the dosing of {drug}{for_subject}?",
            roles={"dosing", "titration"},
        ),
        _about_intervention(
            question.intent,
            statements,
            drug,
            subject,
            section_keys,
            "adverse_effects",
            "What are the adverse effects of {drug}{for_subject}?",
            roles={"adverse_effects"},
        ),
        _about_intervention(
            question.intent,
            statements,
            drug,
            subject,
            section_keys,
            "monitoring",
            "What monitoring is needed during {drug} treatment{for_subject}?",
            roles={"monitoring"},
        ),
        _treatments(question.intent, statements, subject),
    ]

    # A suggestion carries the question's own wording of the condition, so a question near the
    # length limit can make one longer than a question may be: one that cannot be asked is not offered.
    return [s for s in suggestions if s and len(s) <= MAX_QUESTION_CHARS][:MAX_FOLLOW_UPS]


def _main_intervention(article: Article) -> str:
    """The article's leading intervention: the first bullet that names exactly one."""
    for section in article.sections:
        for bullet in section.bullets:
            if bullet.label and ", " not in bullet.label and section.key != "avoid":
                return bullet.label
    return ""


def _in_sentence(label: str) -> str:
    """A bullet label as it reads mid-sentence: "Examplamab" -> "examplamab", "SNRI" stays."""
    return label[:1].lower() + label[1:] if not any(c.isupper() for c in label[1:]) else label


def _population(question, statements: list[Statement], subject: str, drug: str) -> str:
    """The population the statements name most often, when the question did not ask about it."""
    asked = {m.replace("_", " ") for m in question.modifiers if m in POPULATION_MODIFIERS}
    counts = Counter(p for s in statements for p in s.populations if p not in asked)
    if not counts or not (subject or drug):
        return ""
    population = min(counts, key=lambda p: (-counts[p], p))
    phrase = population_phrase(population)
    if question.intent == "treatment" and subject:
        return f"How should {subject} be treated {phrase}?"
    if question.intent == "dosing" and drug:
        return f"What is the dosing of {drug} {phrase}?"
    return f"What should be considered for {subject or drug} {phrase}?"


def _about_intervention(
    intent: str,
    statements: list[Statement],
    drug: str,
    subject: str,
    section_keys: list[str],
    covered_by: str,
    template: str,
    roles: set[str],
) -> str:
    """A question about the main intervention when statements naming it have these roles and the
    article is not already about that."""
    if not drug or intent == covered_by or covered_by in section_keys:
        return ""
    wanted = drug.lower()
    if not any(roles & set(s.roles) and wanted in (i.lower() for i in s.interventions) for s in statements):
        return ""
    for_subject = f" for {subject}" if subject and wanted != subject.lower() else ""
    return template.format(drug=drug, for_subject=for_subject)


def _treatments(intent: str, statements: list[Statement], subject: str) -> str:
    """For a question that is not about treatment: the treatments, when the statements give lines of therapy."""
    if intent == "treatment" or not subject:
        return ""
    if not any(set(LINE_ROLES) & set(s.roles) and s.polarity != "against" for s in statements):
        return ""
    return f"What are the treatment options for {subject}?"
