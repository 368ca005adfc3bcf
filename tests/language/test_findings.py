"""A case's denied conditions and reported test results (language/findings.py). Synthetic wording."""

from __future__ import annotations

import pytest

from curbside.language.findings import is_denied, is_past_event, is_relatives, is_reported_result


def _reported(text: str, word: str) -> bool:
    text = text.lower()
    return is_reported_result(text, text.index(word) + len(word))


def _denied(text: str, word: str) -> bool:
    text = text.lower()
    return is_denied(text, text.index(word))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Hb 8.0.", "hb"),
        ("creatinine 1.0 -> 1.4 mg/dL over 36 h", "creatinine"),
        ("troponin negative, score 0", "troponin"),
        ("creatinine and albumin normal", "creatinine"),
        ("urea breath test positive", "urea"),
        ("alanine aminotransferase 1.8x ULN", "alanine"),
        ("lithium level 1.2", "lithium"),
    ],
)
def test_a_substance_given_with_a_result_is_a_test_result(text, word):
    assert _reported(text, word)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("on drugamab 40 mg for 6 weeks", "drugamab"),
        ("drugamab for 6 weeks", "drugamab"),
        ("started drugamab 2 weeks ago", "drugamab"),
        ("insulin glargine 10 units at night", "insulin"),
        ("on drugamab, 12 episodes a day", "drugamab"),
        ("Can I use drugamab?", "drugamab"),
    ],
)
def test_a_drug_given_with_a_dose_or_a_course_is_a_treatment(text, word):
    assert not _reported(text, word)


def test_a_condition_the_case_denies_in_its_clause_is_denied():
    assert _denied("normotensive, no bleeding history", "bleeding")
    assert _denied("34F, positive test, no cough. Says", "cough")
    assert _denied("F3 fibrosis, no history of cirrhosis", "cirrhosis")
    assert not _denied("no fever, synthetic neuropathy for 2 years", "synthetic")
    assert not _denied("screening shows medium varices, no red signs", "varices")


@pytest.mark.parametrize(
    ("text", "condition", "past"),
    [
        ("74f, synthetic infarction in 2019, crcl 28", "synthetic infarction", True),
        ("58m, synthetic infarction two years ago. ok to prescribe?", "synthetic infarction", True),
        ("g2, previous severe synthetic eclampsia delivered at 32 weeks", "synthetic eclampsia", True),
        ("history of synthetic stroke and af", "synthetic stroke", True),
        ("47f, new synthetic thrombosis, crcl 26", "synthetic thrombosis", False),
        ("synthetic fracture 6 months ago, synthetic stroke now", "synthetic stroke", False),
    ],
)
def test_a_condition_told_as_a_past_event_is_told_as_one(text, condition, past):
    at = text.find(condition)
    assert is_past_event(text, at, at + len(condition)) is past


def test_a_relatives_condition_is_not_the_patients():
    def relatives(text: str, word: str) -> bool:
        return is_relatives(text, text.find(word))

    assert relatives("52m, ldl 165, mother had synthetic infarction at 60", "synthetic")
    assert relatives("family history of synthetic cancer, bmi 31", "synthetic")
    assert not relatives("18-month-old, mother reports synthetic ear pain since yesterday", "synthetic")
    assert not relatives("mother had twins; now synthetic haemorrhage", "synthetic")
