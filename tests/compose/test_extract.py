"""Statements from passages: roles, polarity, interventions, grades, populations, offsets.

Every sentence is synthetic: the drugs are invented (Examplamab, Testoprazole, Fakeolol ...)
and no sentence is a clinical claim. Vocabulary names appear only in sentences that just name them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curbside.compose.extract import ROLES, extract_statements, statements_for


def one(sentence: str, **kwargs):
    statements = extract_statements(sentence, **kwargs)
    assert len(statements) == 1, [s.text for s in statements]
    return statements[0]


ROLE_CASES = [
    ("Examplamab is recommended as first-line therapy.", "first_line"),
    ("Testoprazole is the treatment of choice for initial therapy.", "first_line"),
    ("Fakeolol is the preferred agent.", "first_line"),
    ("Examplamab is a second-line option.", "second_line"),
    ("If Examplamab fails or is not tolerated, offer Testoprazole.", "second_line"),
    ("In patients who are intolerant of Examplamab, switch to Testoprazole.", "second_line"),
    ("If second-line agents fail, consider Fakeolol.", "third_line"),
    ("Fakeolol is reserved as third-line treatment.", "third_line"),
    ("For refractory symptoms, Testoprazole may be tried.", "refractory"),
    ("In treatment-resistant cases despite adequate doses, refer.", "refractory"),
    ("Examplamab can be used in combination with Testoprazole.", "combination"),
    ("Add Fakeolol as add-on therapy if response is partial.", "combination"),
    ("Non-pharmacological measures such as exercise should be offered.", "non_pharmacological"),
    ("Cognitive behavioural therapy is an option.", "non_pharmacological"),
    ("Spinal cord stimulation may be considered.", "interventional"),
    ("A nerve block or surgery is an option.", "interventional"),
    ("An epidural injection may be offered.", "interventional"),
    ("Examplamab should not be used for this indication.", "avoid"),
    ("Testoprazole is ineffective and should be avoided.", "avoid"),
    ("Fakeolol 20 mg once daily.", "dosing"),
    ("Titrate Examplamab slowly according to response.", "titration"),
    ("Start Examplamab 25 mg at night, then 50 mg after 1 week.", "titration"),
    ("Continue for at least 4 weeks before judging response.", "trial_duration"),
    ("An adequate trial of Testoprazole is needed.", "trial_duration"),
    ("Obtain a baseline ECG and monitor renal function.", "monitoring"),
    ("Examplamab is contraindicated with Testoprazole.", "contraindication"),
    ("Use Fakeolol with caution.", "contraindication"),
    ("Adverse effects of Examplamab include drowsiness.", "adverse_effects"),
    ("Side effects led to withdrawal in some participants.", "adverse_effects"),
    ("Examplamab dosing in children differs.", "special_population"),
    ("The diagnosis is confirmed by imaging.", "diagnosis"),
    ("Mortality at five years was reported.", "prognosis"),
    ("Prophylaxis with Examplamab prevents attacks.", "prevention"),
    ("The prevalence of the example condition is estimated at 5%.", "background"),
    ("Examplamab inhibits the example enzyme.", "mechanism"),
    ("Example syndrome is defined as a set of features.", "definition"),
]


@pytest.mark.parametrize("sentence, role", ROLE_CASES)
def test_each_role_is_detected(sentence, role):
    assert role in one(sentence).roles


def test_every_role_has_a_case():
    assert {role for _, role in ROLE_CASES} == set(ROLES)


@pytest.mark.parametrize(
    "sentence, polarity",
    [
        ("Examplamab is recommended.", "recommend"),
        ("We suggest Testoprazole for adults.", "recommend"),
        ("Testoprazole should be offered.", "recommend"),
        ("Examplamab is effective for the example condition.", "recommend"),
        ("Examplamab is first-line.", "recommend"),
        ("Examplamab should not be used.", "against"),
        ("Testoprazole is not recommended.", "against"),
        ("Avoid Fakeolol.", "against"),
        ("Testoprazole is ineffective.", "against"),
        ("There was no evidence of benefit from Fakeolol.", "against"),
        ("Do not use Examplamab.", "against"),
        ("Fakeolol is contraindicated.", "against"),
        ("We recommend against Examplamab.", "against"),
        ("There is insufficient evidence to recommend Examplamab.", "neutral"),
        ("Examplamab was studied in 40 adults.", "neutral"),
        ("Start low to avoid dizziness.", "neutral"),
    ],
)
def test_polarity(sentence, polarity):
    assert one(sentence).polarity == polarity


def test_against_and_first_line_together():
    statement = one("Examplamab is not recommended as first-line treatment.")
    assert {"first_line", "avoid"} <= set(statement.roles) and statement.polarity == "against"


def test_a_failure_clause_is_not_read_as_first_line():
    statement = one("If first-line treatment fails, offer Testoprazole.")
    assert "second_line" in statement.roles and "first_line" not in statement.roles


def test_a_failure_clause_is_not_read_as_against():
    statement = one("If Examplamab is not effective, offer Testoprazole.")
    assert statement.polarity == "recommend" and "avoid" not in statement.roles


def test_interventions_from_stems_and_vocabulary_file():
    statement = one("This test sentence names Examplamab, Fakeolol, SNRIs, beta blockers and TENS.")
    assert statement.interventions == ["examplamab", "fakeolol", "SNRI", "beta-blocker", "TENS"]
    assert statement.classes == ["SNRI", "beta-blocker", "neuromodulation"]
    assert "interventional" in statement.roles


def test_a_drug_injection_is_not_a_procedure():
    assert (
        "interventional"
        not in one("Examplamab is given by subcutaneous injection; injection drug use is a risk.").roles
    )


def test_acronyms_match_only_in_capitals_and_stems_skip_common_words():
    statement = one("Tens of participants had cholesterol and peptide measured.")
    assert statement.interventions == []


def test_vocabulary_file_members_map_to_classes():
    statement = one("Vocabulary check: tetracyclines and cognitive-behavioural therapy.")
    assert statement.interventions == ["tetracycline", "cognitive behavioural therapy"]  # the file's first spelling
    assert statement.classes == ["tetracycline", "psychological therapy"]
    assert "non_pharmacological" in statement.roles


@dataclass
class _Match:
    term: str
    category: str


class _Vocabulary:
    def match(self, text):
        return [_Match("Examplase", "drug"), _Match("example condition", "condition")] if "Examplase" in text else []


def test_optional_vocabulary_adds_drug_terms_only():
    statement = one("Examplase for the example condition.", vocabulary=_Vocabulary())
    assert statement.interventions == ["Examplase"]


def test_grade_of_the_sentence_else_the_passage():
    first, second = extract_statements("Offer Examplamab (Grade 1B). Offer Testoprazole.", grade="Level C")
    assert first.grade == "Grade 1B" and second.grade == "Level C"


@pytest.mark.parametrize(
    "sentence, strength",
    [
        ("We strongly recommend Examplamab.", "strong"),
        ("Offer Examplamab (weak recommendation, low quality evidence).", "weak"),
        ("Testoprazole is suggested (conditional).", "conditional"),
        ("Examplamab is an option.", ""),
    ],
)
def test_strength_only_when_stated(sentence, strength):
    assert one(sentence).strength == strength


@pytest.mark.parametrize(
    "sentence, populations",
    [
        ("Examplamab is not recommended in children or during pregnancy.", ["children", "pregnancy"]),
        ("Reduce the dose in older adults and in renal impairment.", ["older adults", "renal impairment"]),
        ("Avoid Fakeolol in hepatic impairment while breastfeeding.", ["breastfeeding", "hepatic impairment"]),
        ("Use caution in heart failure.", ["cardiac disease"]),
        ("Examplamab 10 mg daily.", []),
        # A Child-Pugh class grades the liver, not the patient's age.
        ("Lower the examplamab dose in Child-Pugh B.", []),
    ],
)
def test_populations(sentence, populations):
    statement = one(sentence)
    assert statement.populations == populations
    assert ("special_population" in statement.roles) == bool(populations)


def test_doses_and_numbers_are_attached():
    statement = one("Start Examplamab 30 mg/day for one week, then 60 mg/day (NNT 6.4).")
    assert [dose.text for dose in statement.doses] == ["30 mg/day for one week, then 60 mg/day"]
    assert statement.numbers == ["30", "60", "6.4"]
    assert {"dosing", "titration"} <= set(statement.roles)


def test_list_items_inherit_the_lead_in():
    items = "".join(f"\n- Synthetic option {i}" for i in range(9))
    passage = "Second-line options include:\n- Examplamab 20 mg daily" + items + "\n\nOther text follows."
    lead, first, *rest = extract_statements(passage)
    other = rest[-1]
    assert "second_line" in first.roles and "second_line" in rest[0].roles
    assert first.lead_in == lead.text == "Second-line options include:"
    assert "second_line" not in other.roles and other.lead_in == ""


def test_a_short_list_quoted_whole_carries_the_roles_and_drugs_of_its_items():
    passage = "Second-line options include:\n- Examplamab 20 mg daily\n- Testoprazole\n\nOther text follows."
    whole, other = extract_statements(passage)
    assert whole.text == "Second-line options include:\n- Examplamab 20 mg daily\n- Testoprazole"
    assert "second_line" in whole.roles and whole.doses
    assert "second_line" not in other.roles


def test_section_heading_roles_apply_to_every_statement():
    first, second = extract_statements("Check levels yearly. Examplamab 5 mg.", section="Guide › Monitoring")
    assert "monitoring" in first.roles and "monitoring" in second.roles
    assert first.section == "Guide › Monitoring"


def test_a_sentence_line_of_treatment_overrides_its_heading():
    statement = one("Examplamab: third-line option.", section="Drugs › Second-line agents")
    assert "third_line" in statement.roles and "second_line" not in statement.roles


def test_contraindicated_inside_a_failure_clause_is_not_advice_against():
    statement = one("Adults for whom Examplamab is contraindicated should be offered Testoprazole.")
    assert statement.polarity == "recommend" and "second_line" in statement.roles


def test_heart_failure_is_not_a_treatment_failure():
    statement = one("Avoid Examplamab in patients with heart failure.")
    assert "second_line" not in statement.roles and "special_population" in statement.roles


def test_plus_counts_as_combination_only_between_treatments():
    assert "combination" in one("Examplamab plus Testoprazole was studied.").roles
    assert "combination" not in one("The score uses six items plus a bonus item.").roles


def test_roles_are_in_canonical_order():
    statement = one("Avoid Examplamab in children; monitor them at baseline.")
    assert statement.roles == [role for role in ROLES if role in statement.roles]


@dataclass
class _Passage:
    id: str
    text: str
    section: str = ""
    grade: str = ""


def test_statements_for_tags_passage_ids():
    statements = statements_for([_Passage("src@1#0", "One. Two."), _Passage("src@1#1", "Three.", grade="A")])
    assert [(s.passage_id, s.text, s.grade) for s in statements] == [
        ("src@1#0", "One.", ""),
        ("src@1#0", "Two.", ""),
        ("src@1#1", "Three.", "A"),
    ]


def test_extraction_is_deterministic():
    passage = "Examplamab is first-line (Grade 1B). Avoid Testoprazole in children; monitor ECG."
    assert extract_statements(passage) == extract_statements(passage)


_PIECES = st.sampled_from(
    [
        "Examplamab 20 mg twice daily",
        "is recommended",
        "should not be used",
        "first-line",
        "in children",
        "e.g.",
        "(Grade 1B).",
        "1.",
        ";",
        ":",
        "\n- ",
        ".",
        " ",
        "300–600 mg/day",
        "SNRIs",
        "if it fails,",
        "HbA1c < 7%",
        "\n\n",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=10)), max_size=25))
def test_statement_offsets_are_verbatim(pieces):
    passage = " ".join(pieces)
    for statement in extract_statements(passage):
        assert passage[statement.start : statement.end] == statement.text
        for dose in statement.doses:
            assert statement.text[dose.start : dose.end] == dose.text


def test_failure_clause_covers_a_list_of_failure_words():
    # Escalation statements must not read as advice against the drug they escalate to.
    from curbside.compose.extract import extract_statements

    s = extract_statements(
        "For patients for whom examplamab is ineffective, poorly tolerated, or contraindicated, testoxetine is recommended."
    )[0]
    assert "second_line" in s.roles and s.polarity == "recommend"


def test_suggest_not_using_reads_as_against():
    from curbside.compose.extract import extract_statements

    assert extract_statements("We suggest not using examplamab to treat synthetic neuropathy.")[0].polarity == "against"


def test_drugs_named_only_in_the_failure_trigger_are_not_the_statement_s_interventions():
    from curbside.compose.extract import extract_statements

    s = extract_statements("If examplamab fails, switch to testoxetine 30 mg daily.")[0]
    assert s.trigger_interventions == ["examplamab"]
    assert "examplamab" not in s.interventions


# Rating lines from invented rating systems (EXSOC, XYZ/ABC, SRS): the shapes guidelines print after a
# recommendation, with no clinical words of their own.
@pytest.mark.parametrize(
    "line",
    [
        "EXSOC Grade: E (Expert Opinion); XYZ/ABC COR: IIb; XYZ/ABC LOE: C",
        "EXSOC Grade: B (Moderate); XYZ/ABC COR: III: Harm; XYZ/ABC LOE: B-NR (Placeholder et al., 2001; Sample, 1999)",
        "(Strength of Evidence = C; Strength of Recommendation = Weak positive recommendation)",
        "Quality of evidence: Low\nSRS Recommendation Strength: Strong",
        "Level A recommendations.",
        "Class IIa, Level of Evidence B.",
        "Grade of Recommendation: Strong recommendation based on moderate-quality evidence, 1B.",
        "The quality of the evidence was very low.",
    ],
)
def test_a_line_that_only_rates_the_evidence_is_rating_only(line):
    assert one(line).rating_only


@pytest.mark.parametrize(
    "line",
    [
        # a recommendation carrying its grade
        "Examplamab is recommended for synthetic neuropathy (EXSOC Grade: B; XYZ/ABC LOE: C).",
        "Synthetic grade 3 neuropathy needs two invented drugs.",
        # a table row that uses the word "grade" for a stage: its field values are content
        "SRS Grade: SRS 2; Severity: Moderate; Sample index: 50–80%",
        "Grade: Grade IV; Example Scale: Coma; Pretend Features: Unresponsive",
        # a low- or high-grade finding is not an evidence rating
        "High-grade made-up lesion symptoms",
        # a list item naming a treatment is one, whatever rating follows it
        "Testoprazole (Class I, LOE: A)",
    ],
)
def test_a_line_with_clinical_words_is_not_rating_only(line):
    assert not one(line).rating_only


def test_the_rating_after_a_recommendation_is_marked_and_the_recommendation_is_not():
    recommendation, rating = extract_statements(
        "Examplamab may be considered for synthetic neuropathy. EXSOC Grade: E (Expert Opinion); XYZ/ABC LOE: C"
    )
    assert not recommendation.rating_only and rating.rating_only


def test_a_short_list_is_one_statement_with_its_lead_in():
    text = "Exclusions from the synthetic preference:\n- Severe imaginary insufficiency\n- Fictional syndrome"
    statements = extract_statements(text)
    assert [s.text for s in statements] == [text]


def test_a_long_list_keeps_its_items_apart_each_knowing_its_lead_in():
    items = "".join(f"\n- Synthetic option number {i} for the fictional condition" for i in range(12))
    text = "Options include:" + items
    statements = extract_statements(text)
    assert len(statements) == 13
    assert all(s.lead_in == "Options include:" for s in statements[1:])


def test_a_recommendation_that_something_not_be_used_is_against_it():
    (statement,) = extract_statements(
        "The panel recommends that for adults with synthetic renal impairment, examplamab not be used as first-line treatment."
    )
    assert statement.polarity == "against"


def test_who_the_patient_is_diagnosed_with_is_not_a_diagnosis_statement():
    (described,) = extract_statements("Examplamab may be given to infants with a diagnosis of synthetic otitis.")
    (testing,) = extract_statements("The diagnosis rests on otoscopy.")
    assert "diagnosis" not in described.roles and "diagnosis" in testing.roles


def test_gestation_and_pre_eclampsia_are_pregnancy():
    (statement,) = extract_statements(
        "Examplamab is given after 12 weeks of gestation to women at risk of pre-eclampsia."
    )
    assert statement.populations == ["pregnancy"]
