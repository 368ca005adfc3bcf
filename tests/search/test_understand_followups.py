"""Follow-up questions resolved against their thread: pronouns, "what about ...", a new intent
on the same subject, and questions that start a new topic or stand alone."""

from __future__ import annotations

import pytest

from curbside.language.vocabulary import Vocabulary
from curbside.search.understand import Question, understand


def thread_of(*texts: str, vocabulary: Vocabulary | None = None) -> list[Question]:
    """Each question read in the light of those before it, as answers._context does."""
    understood: list[Question] = []
    for text in texts:
        understood.append(understand(text, vocabulary, thread=understood or None))
    return understood


def check(
    q: Question,
    *,
    intent: str,
    condition: str,
    drugs: list[str],
    modifiers: list[str],
    inherited: list[str],
    continues: str,
) -> None:
    assert q.intent == intent, (q.text, q.intent, q.intent_scores)
    assert q.condition == condition, (q.text, q.condition)
    assert q.drugs == drugs, (q.text, q.drugs)
    assert q.modifiers == modifiers, (q.text, q.modifiers)
    assert q.inherited == inherited, (q.text, q.inherited)
    assert q.continues == continues, (q.text, q.continues)
    if inherited:
        assert q.is_clinical
        for subject in [condition, *drugs]:
            assert subject in q.focus_text, (q.text, q.focus_text)


GOUT = "What is the first-line treatment for gout?"
ATORVASTATIN = "What are the side effects of atorvastatin?"
PROPRANOLOL = "What are the side effects of propranolol?"
AMOXICILLIN = "What is the dose of amoxicillin for pneumonia?"
HYPERTENSION = "What is the first-line treatment for hypertension?"
IBUPROFEN_PREGNANCY = "Is ibuprofen safe in pregnancy?"
GOUT_CAUSE = "What causes gout?"

# (earlier question, follow-up, intent, condition, drugs, modifiers, inherited)
TWO_TURNS = [
    # the subject kept, the intent kept, a population added
    (GOUT, "And in pregnancy?", "treatment", "gout", [], ["pregnancy"], ["condition", "drugs", "intent"]),
    (GOUT, "what about in children?", "treatment", "gout", [], ["children"], ["condition", "drugs", "intent"]),
    (
        "Is it safe to take ibuprofen with warfarin?",
        "And for the elderly?",
        "interactions",
        "",
        ["ibuprofen", "warfarin"],
        ["older_adults"],
        ["condition", "drugs", "intent"],
    ),
    (
        AMOXICILLIN,
        "same for the elderly?",
        "dosing",
        "pneumonia",
        ["amoxicillin"],
        ["older_adults"],
        ["condition", "drugs", "intent"],
    ),
    (
        AMOXICILLIN,
        "and in renal impairment?",
        "dosing",
        "pneumonia",
        ["amoxicillin"],
        ["renal_impairment"],
        ["condition", "drugs", "intent"],
    ),
    (GOUT, "and if that fails?", "treatment", "gout", [], ["refractory"], ["condition", "drugs", "intent"]),
    # "this drug", "it": the drug of the thread
    (
        AMOXICILLIN,
        "what about this drug in children?",
        "dosing",
        "pneumonia",
        ["amoxicillin"],
        ["children"],
        ["condition", "drugs", "intent"],
    ),
    (
        ATORVASTATIN,
        "is it safe in pregnancy?",
        "contraindications",
        "",
        ["atorvastatin"],
        ["pregnancy"],
        ["condition", "drugs"],
    ),
    # a circumstance of the patient, not a new subject
    (
        HYPERTENSION,
        "and in patients with heart failure?",
        "treatment",
        "hypertension",
        [],
        [],
        ["condition", "drugs", "intent"],
    ),
    (PROPRANOLOL, "is it safe in asthma?", "contraindications", "asthma", ["propranolol"], [], ["drugs"]),
    (
        "Is metformin safe in pregnancy?",
        "what about in chronic kidney disease?",
        "contraindications",
        "chronic kidney disease",
        ["metformin"],
        ["renal_impairment"],
        ["drugs", "intent"],
    ),
    # a new drug: added when the patient is on it, in place of the earlier one otherwise
    (
        HYPERTENSION,
        "what if they are on warfarin?",
        "treatment",
        "hypertension",
        ["warfarin"],
        [],
        ["condition", "intent"],
    ),
    (
        "What is the dose of ibuprofen for back pain?",
        "what if they are on warfarin?",
        "dosing",
        "back pain",
        ["ibuprofen", "warfarin"],
        [],
        ["condition", "drugs", "intent"],
    ),
    (
        "What is the first-line treatment for type 2 diabetes?",
        "what about metformin?",
        "treatment",
        "type 2 diabetes",
        ["metformin"],
        [],
        ["condition", "intent"],
    ),
    (ATORVASTATIN, "what about rosuvastatin?", "adverse_effects", "", ["rosuvastatin"], [], ["intent"]),
    # a new intent on the same subject
    (GOUT, "how is it dosed?", "dosing", "gout", [], [], ["condition", "drugs"]),
    (GOUT, "side effects?", "adverse_effects", "gout", [], [], ["condition", "drugs"]),
    (
        AMOXICILLIN,
        "what about the dose in children?",
        "dosing",
        "pneumonia",
        ["amoxicillin"],
        ["children"],
        ["condition", "drugs"],
    ),
    (AMOXICILLIN, "how do I monitor it?", "monitoring", "pneumonia", ["amoxicillin"], [], ["condition", "drugs"]),
    (
        "What is the dose of metformin for type 2 diabetes?",
        "what is the dose in chronic kidney disease?",
        "dosing",
        "type 2 diabetes",
        ["metformin"],
        ["renal_impairment"],
        ["condition", "drugs"],
    ),
    (GOUT_CAUSE, "how is it diagnosed?", "diagnosis", "gout", [], [], ["condition", "drugs"]),
    (GOUT_CAUSE, "is it inherited?", "cause", "gout", [], [], ["condition", "drugs"]),
    (
        "What is the treatment for migraine?",
        "is it safe while breastfeeding too?",
        "contraindications",
        "migraine",
        [],
        ["breastfeeding"],
        ["condition", "drugs"],
    ),
    # a new condition as the subject: only the earlier drug a pointer stands for, or the intent
    (PROPRANOLOL, "does it work for migraine?", "treatment", "migraine", ["propranolol"], [], ["drugs"]),
    (GOUT, "what about asthma?", "treatment", "asthma", [], [], ["intent"]),
    (IBUPROFEN_PREGNANCY, "what about hypertension?", "contraindications", "hypertension", [], [], ["intent"]),
]


@pytest.mark.parametrize("earlier,follow_up,intent,condition,drugs,modifiers,inherited", TWO_TURNS)
def test_two_turn_threads(earlier, follow_up, intent, condition, drugs, modifiers, inherited) -> None:
    first, second = thread_of(earlier, follow_up)
    assert first.inherited == [] and first.continues == ""
    check(
        second,
        intent=intent,
        condition=condition,
        drugs=drugs,
        modifiers=modifiers,
        inherited=inherited,
        continues=earlier,
    )


def test_there_are_enough_two_turn_threads() -> None:
    assert len(TWO_TURNS) >= 15


# Each turn: (question, intent, condition, drugs, modifiers, inherited); each continues the one before.
THREE_TURNS = [
    [
        (GOUT, "treatment", "gout", [], ["first_line"], []),
        ("what about in pregnancy?", "treatment", "gout", [], ["pregnancy"], ["condition", "drugs", "intent"]),
        ("and the dose?", "dosing", "gout", [], ["pregnancy"], ["condition", "drugs", "modifiers"]),
    ],
    [
        (ATORVASTATIN, "adverse_effects", "", ["atorvastatin"], [], []),
        ("is it safe in pregnancy?", "contraindications", "", ["atorvastatin"], ["pregnancy"], ["condition", "drugs"]),
        (
            "what about in children?",
            "contraindications",
            "",
            ["atorvastatin"],
            ["children"],
            ["condition", "drugs", "intent"],
        ),
    ],
    [
        (IBUPROFEN_PREGNANCY, "contraindications", "", ["ibuprofen"], ["pregnancy"], []),
        (
            "what are its side effects?",
            "adverse_effects",
            "",
            ["ibuprofen"],
            ["pregnancy"],
            ["condition", "drugs", "modifiers"],
        ),
        (
            "how long should they take it?",
            "dosing",
            "",
            ["ibuprofen"],
            ["pregnancy"],
            ["condition", "drugs", "modifiers"],
        ),
    ],
    [
        (HYPERTENSION, "treatment", "hypertension", [], ["first_line"], []),
        ("and in patients with heart failure?", "treatment", "hypertension", [], [], ["condition", "drugs", "intent"]),
        ("what about lisinopril?", "treatment", "hypertension", ["lisinopril"], [], ["condition", "intent"]),
    ],
    [
        ("What is the dose of metformin for type 2 diabetes?", "dosing", "type 2 diabetes", ["metformin"], [], []),
        (
            "what if they have kidney failure?",
            "dosing",
            "type 2 diabetes",
            ["metformin"],
            ["renal_impairment"],
            ["condition", "drugs", "intent"],
        ),
        (
            "side effects?",
            "adverse_effects",
            "type 2 diabetes",
            ["metformin"],
            ["renal_impairment"],
            ["condition", "drugs", "modifiers"],
        ),
    ],
    [
        (
            "What is the treatment for community-acquired pneumonia?",
            "treatment",
            "community-acquired pneumonia",
            [],
            [],
            [],
        ),
        (
            "and for the elderly?",
            "treatment",
            "community-acquired pneumonia",
            [],
            ["older_adults"],
            ["condition", "drugs", "intent"],
        ),
        (
            "how do I monitor it?",
            "monitoring",
            "community-acquired pneumonia",
            [],
            ["older_adults"],
            ["condition", "drugs", "modifiers"],
        ),
    ],
    [
        (AMOXICILLIN, "dosing", "pneumonia", ["amoxicillin"], [], []),
        (
            "and in penicillin allergy?",
            "dosing",
            "pneumonia",
            ["amoxicillin"],
            ["allergy"],
            ["condition", "drugs", "intent"],
        ),
        (
            "what if that fails?",
            "dosing",
            "pneumonia",
            ["amoxicillin"],
            ["refractory", "allergy"],
            ["condition", "drugs", "intent", "modifiers"],
        ),
    ],
    [
        (
            "What is the first-line treatment for atrial fibrillation?",
            "treatment",
            "atrial fibrillation",
            [],
            ["first_line"],
            [],
        ),
        (
            "what if they also have cirrhosis?",
            "treatment",
            "atrial fibrillation",
            [],
            ["hepatic_impairment"],
            ["condition", "drugs", "intent"],
        ),
        (
            "how often should INR be checked?",
            "monitoring",
            "atrial fibrillation",
            [],
            ["hepatic_impairment"],
            ["condition", "drugs", "modifiers"],
        ),
    ],
    [
        (PROPRANOLOL, "adverse_effects", "", ["propranolol"], [], []),
        ("does it work for migraine?", "treatment", "migraine", ["propranolol"], [], ["drugs"]),
        ("is it safe in asthma?", "contraindications", "migraine", ["propranolol"], [], ["condition", "drugs"]),
    ],
]


@pytest.mark.parametrize("turns", THREE_TURNS, ids=[turns[0][0] for turns in THREE_TURNS])
def test_three_turn_threads(turns) -> None:
    understood = thread_of(*(turn[0] for turn in turns))
    for n, (q, (_text, intent, condition, drugs, modifiers, inherited)) in enumerate(
        zip(understood, turns, strict=False)
    ):
        check(
            q,
            intent=intent,
            condition=condition,
            drugs=drugs,
            modifiers=modifiers,
            inherited=inherited,
            continues=turns[n - 1][0] if inherited else "",
        )


def test_there_are_enough_three_turn_threads() -> None:
    assert len(THREE_TURNS) >= 5


def test_pronouns_are_replaced_in_the_focus_text() -> None:
    _, follow = thread_of(IBUPROFEN_PREGNANCY, "what are its side effects?")
    assert follow.focus_text == "what are ibuprofen side effects?"
    _, follow = thread_of(GOUT_CAUSE, "how is it diagnosed?")
    assert follow.focus_text == "how is gout diagnosed?"
    _, follow = thread_of(GOUT, "how is it dosed?")  # no drug named: "it" is the treatment of the condition
    assert follow.focus_text == "how is gout treatment dosed?"
    _, follow = thread_of(GOUT, "what about in pregnancy?")  # an inherited intent is restated
    assert follow.focus_text == "gout treatment: in pregnancy?"


def test_carried_subject_reaches_the_lexical_search() -> None:
    _, _, dose = thread_of(GOUT, "what about in pregnancy?", "and the dose?")
    assert {"dose", "gout", "pregnancy"} <= set(dose.keywords)
    _, follow = thread_of(ATORVASTATIN, "is it safe in pregnancy?")
    assert "atorvastatin" in follow.keywords


def test_pointer_and_drug_make_an_interaction_question() -> None:
    _, follow = thread_of("Can I take ibuprofen for back pain?", "can they take it with warfarin?")
    check(
        follow,
        intent="interactions",
        condition="back pain",
        drugs=["ibuprofen", "warfarin"],
        modifiers=[],
        inherited=["condition", "drugs"],
        continues="Can I take ibuprofen for back pain?",
    )


def test_vocabulary_drugs_and_synonyms_are_carried() -> None:
    vocabulary = Vocabulary(
        concepts=[
            ("D006073", "Gout", "condition", "C05.550.114.423"),
            ("D003078", "Colchicine", "drug", "D03.132.225"),
            ("D000493", "Allopurinol", "drug", "D03.383.129.539.086"),
        ],
        forms=[
            ("gout", "D006073", "name", "Gout"),
            ("gouty arthritis", "D006073", "synonym", "Gouty Arthritis"),
            ("colchicine", "D003078", "name", "Colchicine"),
            ("allopurinol", "D000493", "name", "Allopurinol"),
        ],
    )
    first, about, howlong, interacts = thread_of(
        GOUT, "what about allopurinol?", "how long should they take it?", "and with colchicine?", vocabulary=vocabulary
    )
    assert "gouty arthritis" in first.condition_expansions
    check(
        about,
        intent="treatment",
        condition="gout",
        drugs=["allopurinol"],
        modifiers=[],
        inherited=["condition", "intent"],
        continues=GOUT,
    )
    assert "gouty arthritis" in about.expansions
    check(
        howlong,
        intent="dosing",
        condition="gout",
        drugs=["allopurinol"],
        modifiers=[],
        inherited=["condition", "drugs"],
        continues="what about allopurinol?",
    )
    assert howlong.focus_text == "gout: how long should they take allopurinol?"
    check(
        interacts,
        intent="dosing",
        condition="gout",
        drugs=["allopurinol", "colchicine"],
        modifiers=[],
        inherited=["condition", "drugs", "intent"],
        continues="how long should they take it?",
    )


# -- what is not resolved ---------------------------------------------------------------------

STANDALONE = [
    (GOUT, "How is gout diagnosed?", "diagnosis", "gout", []),
    (GOUT, "And how is gout diagnosed?", "diagnosis", "gout", []),
    (GOUT, "What causes migraine?", "cause", "migraine", []),
    (GOUT, "What are the side effects of metformin?", "adverse_effects", "", ["metformin"]),
    (
        IBUPROFEN_PREGNANCY,
        "What is the first-line treatment for hypertension in pregnancy?",
        "treatment",
        "hypertension",
        [],
    ),
    (ATORVASTATIN, "Can I take ibuprofen with warfarin?", "interactions", "", ["ibuprofen", "warfarin"]),
    (AMOXICILLIN, "Is it safe to take lisinopril in pregnancy?", "contraindications", "", ["lisinopril"]),
    # a condition that could be a circumstance ("in CKD") is the subject of a question of its own
    (GOUT, "How is chronic kidney disease diagnosed?", "diagnosis", "chronic kidney disease", []),
    (GOUT, "In adults with asthma, what is the first-line inhaler?", "treatment", "asthma", []),
]


@pytest.mark.parametrize("earlier,question,intent,condition,drugs", STANDALONE)
def test_standalone_questions_inherit_nothing(earlier, question, intent, condition, drugs) -> None:
    alone = understand(question)
    q = understand(question, None, thread=thread_of(earlier))
    assert (q.intent, q.condition, q.drugs) == (intent, condition, drugs)
    assert (q.inherited, q.continues) == ([], "")
    assert (q.modifiers, q.focus_text, q.keywords) == (alone.modifiers, alone.focus_text, alone.keywords)


def test_new_condition_replaces_the_old_one() -> None:
    _, _, asthma = thread_of(GOUT, "what about in pregnancy?", "what about asthma?")
    check(
        asthma,
        intent="treatment",
        condition="asthma",
        drugs=[],
        modifiers=[],
        inherited=["intent"],
        continues="what about in pregnancy?",
    )
    assert asthma.conditions == ["asthma"] and "gout" not in asthma.keywords
    # a new condition with intent words of its own takes nothing at all
    _, migraine = thread_of(IBUPROFEN_PREGNANCY, "what about the symptoms of migraine?")
    check(migraine, intent="symptoms", condition="migraine", drugs=[], modifiers=[], inherited=[], continues="")


def test_not_clinical_chatter_in_a_thread_stays_unresolved() -> None:
    for chatter in ("Who won the match last night?", "What is the capital of France?", "thanks!"):
        _, q = thread_of(GOUT, chatter)
        assert (q.inherited, q.continues, q.condition, q.is_clinical) == ([], "", "", False)


def test_no_earlier_subject_nothing_to_resolve() -> None:
    _, q = thread_of("hello there", "and in pregnancy?")
    assert (q.inherited, q.continues, q.condition) == ([], "", "")
    assert understand("and in pregnancy?").continues == ""


def test_resolution_is_deterministic_and_serialisable() -> None:
    one = thread_of(GOUT, "what about in pregnancy?", "and the dose?")
    two = thread_of(GOUT, "what about in pregnancy?", "and the dose?")
    assert one == two
    assert one[-1].to_dict()["continues"] == "what about in pregnancy?"
