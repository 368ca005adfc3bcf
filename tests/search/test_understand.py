"""Question understanding from wording and the abbreviation list alone (no vocabulary)."""

from __future__ import annotations

import pytest

from curbside.language.vocabulary import abbreviations
from curbside.language.words import INTENTS
from curbside.search.understand import Question, detect_intent, understand

# (question, intent): clinician and consumer phrasing, every intent at least twice.
INTENT_CASES = [
    ("What is the first-line therapy for community-acquired pneumonia in adults?", "treatment"),
    ("How should refractory diabetic peripheral neuropathy be managed?", "treatment"),
    ("my knee hurts when i climb stairs, what can i take for it?", "treatment"),
    ("Is there anything that helps with hot flashes besides hormones?", "treatment"),
    ("Best way to get rid of a plantar wart?", "treatment"),
    ("What dose of amoxicillin for acute otitis media in a 20 kg child?", "dosing"),
    ("maximum daily dose of acetaminophen", "dosing"),
    ("How do I taper off sertraline safely?", "dosing"),
    ("When should I take my levothyroxine, before or after breakfast?", "dosing"),
    ("I forgot a dose of my birth control pill yesterday, what now?", "dosing"),
    ("What are the side effects of atorvastatin?", "adverse_effects"),
    ("Can lisinopril cause a dry cough?", "adverse_effects"),
    ("Since I started taking prednisone I can't sleep. Is that from the medicine?", "adverse_effects"),
    ("Can I take ibuprofen with warfarin?", "interactions"),
    ("Is it safe to drink alcohol while taking metronidazole?", "interactions"),
    ("Drug interactions between clopidogrel and omeprazole", "interactions"),
    ("Is ibuprofen safe in pregnancy?", "contraindications"),
    ("Contraindications to metformin", "contraindications"),
    ("I am breastfeeding, is it okay to use a decongestant nasal spray?", "contraindications"),
    ("How often should TSH be checked in patients on levothyroxine?", "monitoring"),
    ("What monitoring is needed for patients on lithium?", "monitoring"),
    ("What is the target INR for a patient with a mechanical mitral valve?", "monitoring"),
    ("How is pulmonary embolism diagnosed?", "diagnosis"),
    ("What tests confirm celiac disease?", "diagnosis"),
    ("How do I know if I have a stomach ulcer?", "diagnosis"),
    ("What are the symptoms of hypothyroidism?", "symptoms"),
    ("what does a migraine aura feel like", "symptoms"),
    ("What are the warning signs of sepsis in the elderly?", "symptoms"),
    ("What is the prognosis of idiopathic pulmonary fibrosis?", "prognosis"),
    ("What is the life expectancy with stage 4 colon cancer?", "prognosis"),
    ("Will my son's asthma go away when he gets older?", "prognosis"),
    ("How can I prevent kidney stones from coming back?", "prevention"),
    ("Should adults over 65 get the pneumococcal vaccine?", "prevention"),
    ("Antibiotic prophylaxis before dental procedures in patients with prosthetic valves", "prevention"),
    ("What causes gout?", "cause"),
    ("Why do I get headaches every afternoon?", "cause"),
    ("Is psoriasis contagious?", "cause"),
    ("Is Huntington disease inherited?", "cause"),
    ("What are the risk factors for osteoporosis?", "cause"),
    ("What is sarcoidosis?", "definition"),
    ("Tell me about Lyme disease", "definition"),
    ("34F, synthetic throat infection, penicillin allergy. What do I prescribe and for how long?", "treatment"),
    ("49F synthetic pancreatitis, no cholangitis. Antibiotics? ERCP?", "treatment"),
    ("What does HbA1c mean?", "definition"),
    ("Where can I find a dermatologist who treats vitiligo near me?", "other"),
    ("How should insulin pens be stored after opening?", "other"),
    ("Does this tablet contain gluten or lactose?", "other"),
    ("What is the difference between a cold and the flu?", "other"),
]


@pytest.mark.parametrize("question,intent", INTENT_CASES)
def test_intent(question: str, intent: str) -> None:
    assert understand(question).intent == intent


def test_every_intent_is_covered_and_documented() -> None:
    assert {intent for _, intent in INTENT_CASES} == set(INTENTS)
    assert len(INTENT_CASES) >= 40


def test_abbreviations_expand_in_place() -> None:
    assert understand("DM2 neuropathy").normalized == "type 2 diabetes mellitus neuropathy"
    assert understand("T2DM").normalized == "type 2 diabetes mellitus"
    q = understand("HTN in CKD")
    assert q.normalized == "hypertension in chronic kidney disease"
    assert q.conditions == ["hypertension", "chronic kidney disease"]
    assert "chronic renal insufficiency" in q.expansions  # the list's second expansion
    assert "renal_impairment" in q.modifiers
    q = understand("Which SSRI for MDD?")
    assert q.drugs == ["selective serotonin reuptake inhibitor"]
    assert q.condition == "major depressive disorder"
    assert understand("SSRIs and bleeding").drugs == ["selective serotonin reuptake inhibitors"]
    assert "twice daily" in understand("metformin 500 mg b.i.d. with meals").normalized


def test_abbreviations_that_are_everyday_words() -> None:
    assert "leukemia" not in understand("all patients with diabetes").normalized
    assert "acute lymphoblastic leukemia" in understand("induction therapy for ALL in children").normalized
    assert "leukemia" not in understand("WHAT DO ALL THESE TESTS MEAN FOR MY HEART").normalized  # shouting
    assert "intravenous" not in understand("stage IV breast cancer survival").normalized
    assert "intramuscular" not in understand("im worried about my blood pressure").normalized


def test_abbreviation_list_is_well_formed() -> None:
    table = abbreviations()
    assert 300 <= len(table) <= 600
    assert all(entry.expansions for entry in table.values())
    for key in ("dm", "t2dm", "htn", "chf", "af", "copd", "ckd", "uti", "ssri", "nsaid", "ppi", "bid", "prn", "egfr"):
        assert key in table, key


def test_condition_is_the_phrase_the_question_is_about() -> None:
    q = understand("What is the treatment for refractory diabetic peripheral neuropathy?")
    assert (q.intent, q.condition, q.modifiers) == ("treatment", "diabetic peripheral neuropathy", ["refractory"])
    q = understand("What is the best treatment for hypertension in patients with CKD?")
    assert q.condition == "hypertension"
    assert "chronic kidney disease" in q.conditions
    assert understand("my wife has giant cell vasculitis, what are the options?").condition == "giant cell vasculitis"
    assert understand("is type 2 diabetes reversible").condition == "type 2 diabetes"
    # A case's age and sex shorthand is not part of its condition ("72M febrile ...").
    assert understand("72M febrile vasculitis, not septic. What first?").condition == "febrile vasculitis"


def test_a_case_reads_what_it_denies_and_its_test_results_as_neither_condition_nor_drug() -> None:
    q = understand("52M with vasculitis, no diabetes, on atorvastatin 40 mg, simvastatin level 12. Next?")
    assert "diabetes" not in q.conditions
    assert q.drugs == ["atorvastatin"]  # a drug-name stem given with a result is a level, not a treatment
    assert understand("E. coli pyelonephritis, two vasculitis admissions. What first?").conditions[:1] == [
        "pyelonephritis"
    ]


MODIFIER_CASES = [
    ("Treatment of depression that failed two SSRIs", ["refractory"]),
    ("Fever medicine for my 3 year old", ["children"]),
    ("acne treatment for teenagers", ["adolescents"]),
    ("Can I take paracetamol while pregnant?", ["pregnancy"]),
    ("Is codeine safe while breastfeeding?", ["breastfeeding"]),
    ("insomnia in elderly patients", ["older_adults"]),
    ("my father is 82 years old and has dementia", ["older_adults"]),
    ("gabapentin dose adjustment in renal impairment", ["renal_impairment"]),
    ("statins in patients with cirrhosis", ["hepatic_impairment"]),
    ("I am allergic to penicillin, what antibiotic for strep throat?", ["allergy"]),
    ("natural remedies for anxiety without medication", ["non_pharmacological"]),
    # after the first line, not the first line itself
    ("How should synthetic neuropathy be treated when first-line drugs fail?", ["refractory"]),
    ("What is the first-line treatment for synthetic neuropathy?", ["first_line"]),
]


@pytest.mark.parametrize("question,modifiers", MODIFIER_CASES)
def test_modifiers(question: str, modifiers: list[str]) -> None:
    assert understand(question).modifiers == modifiers


EMERGENCIES = [
    "I have crushing chest pain right now and my left arm is numb",
    "i just took 30 sleeping pills what do i do",
    "My toddler swallowed a button battery",
    "I want to kill myself",
    "my dad's face is drooping and his speech is slurred since an hour ago",
    "my throat is closing after a bee sting, started 5 minutes ago",
    "I can't breathe",
    "my husband is vomiting blood",
]
NOT_EMERGENCIES = [
    "What is the first-line treatment for chest pain due to stable angina?",
    "How is anaphylaxis treated?",
    "Risk of suicidal thoughts with antidepressants in adolescents",
    "I took 2 tablets of ibuprofen, can I take more later?",
    "What causes slurred speech?",
    "Last year I couldn't catch my breath when I exercised with asthma",
]


@pytest.mark.parametrize("question", EMERGENCIES)
def test_emergency(question: str) -> None:
    q = understand(question)
    assert q.is_emergency and q.emergency_reason and q.is_clinical


@pytest.mark.parametrize("question", NOT_EMERGENCIES)
def test_not_emergency(question: str) -> None:
    assert not understand(question).is_emergency


@pytest.mark.parametrize(
    "question", ["What's the capital of France?", "how do I bake sourdough bread", "Who won the match last night?"]
)
def test_not_clinical(question: str) -> None:
    q = understand(question)
    assert not q.is_clinical and q.clinical_reason == "no medical terms found" and q.intent == "other"


@pytest.mark.parametrize("question", ["How much urine does a bladder hold?", "whats diabetes", "HTN?", "metformin"])
def test_clinical(question: str) -> None:
    assert understand(question).is_clinical


def test_chatter_is_stripped_from_keywords_and_focus() -> None:
    q = understand(
        "Hello doctor, thank you so much for your help. Please help me! What are the side effects of "
        "metformin? Thanks in advance."
    )
    assert q.keywords == ["side", "effects", "metformin", "advance"]
    assert q.focus_text == "what are the side effects of metformin?"
    assert q.intent == "adverse_effects" and q.drugs == ["metformin"]


def test_follow_up_takes_the_condition_from_the_thread() -> None:
    first = understand("What is the first-line treatment for gout?")
    follow = understand("And in pregnancy?", thread=[first])
    assert (follow.condition, follow.intent, follow.modifiers) == ("gout", "treatment", ["pregnancy"])
    assert follow.inherited == ["condition", "drugs", "intent"]
    dose = understand("what dose?", thread=first)
    assert (dose.condition, dose.intent, dose.inherited) == ("gout", "dosing", ["condition", "drugs"])
    assert understand("What causes migraine?", thread=[first]).condition == "migraine"


def test_headings_share_the_intent_vocabulary() -> None:
    assert detect_intent("Major Recommendations › Pharmacological treatment")[0] == "treatment"
    assert detect_intent("What are the symptoms of Noonan syndrome ?")[0] == "symptoms"
    assert detect_intent("How to diagnose Noonan syndrome ?")[0] == "diagnosis"
    assert detect_intent("Is Noonan syndrome inherited ?")[0] == "cause"
    assert detect_intent("Dosage and administration")[0] == "dosing"


def test_deterministic_and_serialisable() -> None:
    text = "Hi, my 70 year old mother has AFib and CKD. Is apixaban safe or should she take warfarin? Thanks"
    first, second = understand(text), understand(text)
    assert first == second and first.to_dict() == second.to_dict()
    assert isinstance(first, Question) and first.intent_scores == dict(sorted(first.intent_scores.items()))


def test_empty_question() -> None:
    q = understand("   ")
    assert (q.intent, q.is_clinical, q.keywords, q.condition) == ("other", False, [], "")


def test_a_drug_the_intervention_vocabulary_lists_is_a_drug_without_mesh() -> None:
    # pioglitazone is a member of the thiazolidinedione class in data/drug_classes.tsv; no vocabulary given
    assert "pioglitazone" in understand("Is pioglitazone reasonable for synthetic steatosis?").drugs


def test_a_condition_the_patient_is_treated_for_is_not_what_the_case_asks_about() -> None:
    q = understand("51F, synthetic gout on examplamab, 12 attacks of synthetic migraine a month. Which drug can I add?")
    assert q.conditions[:2] == ["synthetic gout", "synthetic migraine"]
    assert q.condition == "synthetic migraine"


def test_a_condition_under_treatment_where_the_case_is_told_is_its_background() -> None:
    q = understand("76M on examplamab (day 5 of synthetic gout treatment); new synthetic migraine. Dose?")
    assert q.condition == "synthetic migraine"


def test_a_disease_named_for_a_person_is_read_from_its_possessive_alone():
    from curbside.language.vocabulary import Vocabulary

    names = [("E1", "Zorbic Disease"), ("E2", "Quellan Syndrome"), ("E3", "Hollis Disease")]  # synthetic eponyms
    vocabulary = Vocabulary(
        [(cid, name, "condition", f"C10.{n}") for n, (cid, name) in enumerate(names)],
        [(name.lower(), cid, "name", name) for cid, name in names],
    )
    assert understand("70M with Zorbic's on synthetamab. What do I change?", vocabulary).conditions == ["zorbic's"]
    assert understand("Quellan's in pregnancy: which drug?", vocabulary).conditions == ["quellan's"]
    assert understand("Hollis' in a child: which drug?", vocabulary).conditions == ["hollis"]
    assert understand("What is the patient's dose of synthetamab?", vocabulary).conditions == []


def test_a_relatives_condition_is_not_among_the_cases_conditions():
    from curbside.language.vocabulary import Vocabulary

    names = [("R1", "Zorbic Infarction"), ("R2", "Quellic Tension")]  # synthetic conditions
    vocabulary = Vocabulary(
        [(cid, name, "condition", f"C14.{n}") for n, (cid, name) in enumerate(names)],
        [(name.lower(), cid, "name", name) for cid, name in names],
    )
    q = understand("52M, quellic tension, mother had zorbic infarction at 60. Synthetamab?", vocabulary)
    assert q.conditions == ["quellic tension"]
