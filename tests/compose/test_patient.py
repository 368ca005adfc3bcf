"""Patient articles choose, among statements that answer equally well, the ones a patient can read.

Every sentence here is synthetic: the drug (examplamab) and the condition (synthetic neuropathy) are
invented, and the "hard" sentences are long words strung together to be hard, saying nothing true.
"""

from __future__ import annotations

import hashlib
import json

from curbside.compose.article import SECTION_LIMIT, compose
from curbside.compose.audience import is_safety, reading_band
from curbside.compose.extract import extract_statements
from curbside.model import Hit, Passage, Source
from curbside.search.understand import Question

TODAY = 2024
HARD = (
    "Comprehensive longitudinal monitoring of examplamab-associated hypothetical biomarker concentrations "
    "necessitates standardized quantitative laboratory methodology alongside multidisciplinary interpretation.",
    "Individualized monitoring intervals for examplamab-treated individuals should incorporate hypothetical "
    "pharmacokinetic variability considerations and institutional laboratory capabilities.",
)
HARD_WARNING = (
    "Discontinue examplamab immediately and monitor intensively if unexplained hypothetical hypersensitivity "
    "manifestations or anaphylactoid reactions develop during administration."
)
READABLE = (
    "Check the made-up test score once a week while you take examplamab.",
    "Your clinic will check the pretend blood value at each visit.",
    "Keep a note of each check of the sample marker in a diary.",
    "Check the sample marker again after one month if it has gone up.",
)
FIRST_LINE_HARD = (
    "Examplamab is recommended as first-line pharmacotherapy for synthetic neuropathy, notwithstanding "
    "considerable interindividual heterogeneity in hypothetical pharmacodynamic responsiveness."
)
FIRST_LINE_READABLE = "Examplamab is the first-line choice for synthetic neuropathy in this made-up example."
PROFESSIONAL = ("physician", "pharmacist", "nurse", "student")


def _hit(text: str, source_id: str = "guide", title: str = "Monitoring in synthetic neuropathy") -> Hit:
    """One passage of one guideline: every sentence has the same source, tier and retrieval rank, so only
    its place in the passage orders it for the other audiences."""
    source = Source(
        id=source_id,
        kind="guideline",
        title=title,
        origin="test",
        developer="Example Society",
        year=2022,
        identifiers={"doi": f"10.0000/{source_id}"},
        conditions=["synthetic neuropathy"],
    )
    return Hit(
        Passage(source_id=source_id, order=0, section="Recommendations", text=text, id=f"{source_id}@1#0"), source, 1.0
    )


def _question(intent: str, text: str) -> Question:
    return Question(
        text=text,
        intent=intent,
        condition="synthetic neuropathy",
        conditions=["synthetic neuropathy"],
        drugs=["examplamab"],
    )


MONITORING = _question("monitoring", "What monitoring is needed for examplamab in synthetic neuropathy?")
MONITORING_HITS = [_hit(" ".join([*HARD, HARD_WARNING, *READABLE]))]
TREATMENT = _question("treatment", "What is the treatment for synthetic neuropathy?")
TREATMENT_HITS = [_hit(f"{FIRST_LINE_HARD} {FIRST_LINE_READABLE}", title="Treatment of synthetic neuropathy")]


def _section(article, key: str) -> list[list[str]]:
    section = next(s for s in article.sections if s.key == key)
    return [[claim.text for claim in bullet.claims] for bullet in section.bullets]


def _read_in_order(article, key: str) -> list[str]:
    """What a reader meets of a one-section article, in order: the bottom line's quotes (which
    leave the body), then each bullet's lead quote."""
    sections = [s for s in article.sections if s.key == key]
    return [c.text for c in article.bottom_line] + [b.claims[0].text for s in sections for b in s.bullets]


def test_the_synthetic_sentences_are_what_they_claim_to_be():
    protected = ("examplamab", "synthetic neuropathy")
    assert all(reading_band(text, protected) == 0 for text in READABLE)
    assert all(reading_band(text, protected) == 2 for text in (*HARD, HARD_WARNING, FIRST_LINE_HARD))
    assert reading_band(FIRST_LINE_READABLE, protected) < 2
    statements = {s.text: s for s in extract_statements(" ".join([*HARD, HARD_WARNING, *READABLE]))}
    assert is_safety(statements[HARD_WARNING]) and not any(is_safety(statements[text]) for text in (*HARD, *READABLE))


def test_a_patient_bullet_shows_the_readable_claim_first_and_the_bottom_line_quotes_it():
    physician = compose(TREATMENT, TREATMENT_HITS, today_year=TODAY)
    patient = compose(TREATMENT, TREATMENT_HITS, audience="patient", today_year=TODAY)
    # both still quoted, and cited: the bottom line's quote is not repeated in the body
    assert _section(physician, "first_line") == [[FIRST_LINE_READABLE]]
    assert _section(patient, "first_line") == [[FIRST_LINE_HARD]]
    assert physician.bottom_line[0].text == FIRST_LINE_HARD
    assert patient.bottom_line[0].text == FIRST_LINE_READABLE


def test_a_patient_section_prefers_readable_statements_and_leaves_hard_ones_out_when_enough_are_readable():
    physician = compose(MONITORING, MONITORING_HITS, today_year=TODAY)
    patient = compose(MONITORING, MONITORING_HITS, audience="patient", today_year=TODAY)
    # the other audiences: the passage's order, cut at the section limit
    assert _read_in_order(physician, "monitoring") == [*HARD, HARD_WARNING, *READABLE][:SECTION_LIMIT]
    shown = _read_in_order(patient, "monitoring")
    assert shown[: len(READABLE)] == list(READABLE)  # the readable ones, the fourth included, come first
    assert not set(HARD) & set(shown)  # four readable statements make the point without the hard ones


def test_a_hard_warning_is_kept_for_the_patient():
    patient = compose(MONITORING, MONITORING_HITS, audience="patient", today_year=TODAY)
    assert HARD_WARNING in [claim.text for claim in patient.all_claims()]


def test_a_section_with_too_few_readable_statements_keeps_its_hard_ones():
    hits = [_hit(" ".join([*HARD, READABLE[0]]))]
    patient = compose(MONITORING, hits, audience="patient", today_year=TODAY)
    assert _read_in_order(patient, "monitoring") == [READABLE[0], HARD[0], HARD[1]]


def test_a_section_whose_only_support_is_hard_keeps_it():
    patient = compose(MONITORING, [_hit(HARD[0])], audience="patient", today_year=TODAY)
    assert _read_in_order(patient, "monitoring") == [HARD[0]]


def _selection(article) -> str:
    """What an article quotes and where: a digest of its sections, bullets, claims and bottom line."""
    shape = {
        "sections": [[s.key, [[b.label, [c.text for c in b.claims]] for b in s.bullets]] for s in article.sections],
        "bottom_line": [c.text for c in article.bottom_line],
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]


# Computed with the composer as it was before patient selection existed (commit 80dc5fd): the other
# audiences' articles must stay exactly what they were. A deliberate change to how professional
# articles are composed updates these, and says so in its commit. Updated for issue 14: the bottom
# line's quotes leave the body (no sentence is said twice).
BEFORE = {
    ("monitoring", "physician"): "845ff87d0e5f8124",
    ("monitoring", "pharmacist"): "2b332a72af269025",
    ("monitoring", "nurse"): "26b1e6a6b2ba8eb6",
    ("monitoring", "student"): "845ff87d0e5f8124",
    ("treatment", "physician"): "03fc89ac55a2652b",
    ("treatment", "pharmacist"): "03fc89ac55a2652b",
    ("treatment", "nurse"): "03fc89ac55a2652b",
    ("treatment", "student"): "03fc89ac55a2652b",
}


def test_other_audiences_get_the_articles_they_got_before():
    cases = {"monitoring": (MONITORING, MONITORING_HITS), "treatment": (TREATMENT, TREATMENT_HITS)}
    found = {
        (name, audience): _selection(compose(question, hits, audience=audience, today_year=TODAY))
        for name, (question, hits) in cases.items()
        for audience in PROFESSIONAL
    }
    assert found == BEFORE


def test_a_hard_warning_keeps_its_place_in_a_bullet_with_more_claims_than_it_shows():
    warning = (
        "First-line examplamab must be stopped immediately when hypothetical hypersensitivity manifestations "
        "appear during administration."
    )
    second = "Examplamab is a first-line option in this invented example of synthetic neuropathy."
    third = "Examplamab is the first-line pick for synthetic neuropathy in this pretend case."
    hits = [
        _hit(
            f"{FIRST_LINE_HARD} {warning} {FIRST_LINE_READABLE} {second} {third}",
            title="Treatment of synthetic neuropathy",
        )
    ]
    physician = compose(TREATMENT, hits, today_year=TODAY)
    patient = compose(TREATMENT, hits, audience="patient", today_year=TODAY)
    assert [c.text for c in physician.bottom_line] == [FIRST_LINE_HARD]
    assert _section(physician, "first_line") == [[warning, FIRST_LINE_READABLE]]
    shown = _section(patient, "first_line")[0]
    assert warning in shown and FIRST_LINE_HARD not in shown and len(shown) == 2  # the third is the bottom line
