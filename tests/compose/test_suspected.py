"""A case that names only findings is about the diagnosis the guidelines the search found name."""

from __future__ import annotations

from curbside.compose.suspected import suspected_condition, with_suspected_condition
from curbside.language.vocabulary import Vocabulary
from curbside.model import Hit, Passage, Source
from curbside.search.understand import understand

# Synthetic concepts with MeSH-shaped tree numbers: a symptom, a family of diseases, a disease in
# it and a narrower form of that disease.
_CONCEPTS = [
    ("S1", "Synthetic Fever", "condition", "C23.888.119.344"),
    ("F1", "Synthetic Brain Diseases", "condition", "C10.228"),
    ("M1", "Synthetic Meningitis", "condition", "C10.228.228.507"),
    ("M2", "Synthetic Meningitis, Bacterial", "condition", "C10.228.228.507.280"),
    ("P1", "Synthetic Pneumonia", "condition", "C08.381.677.1"),
    ("G1", "Synthetic Climacteric", "phenomenon", "G08.686.157.500"),
]


def _vocabulary() -> Vocabulary:
    forms = [(name.lower(), cid, "name", name) for cid, name, _, _ in _CONCEPTS]
    return Vocabulary(_CONCEPTS, forms)


def _hits(*titles: str, kind: str = "guideline", conditions: tuple[str, ...] = ()) -> list[Hit]:
    hits = []
    for number, title in enumerate(titles):
        source = Source(id=f"s{number}", kind=kind, title=title, origin="test", year=2020, conditions=list(conditions))
        hits.append(
            Hit(Passage(source_id=source.id, order=0, section="", text="Text.", id=f"s{number}@1#0"), source, 1.0)
        )
    return hits


def test_the_diagnosis_the_guideline_titles_name_becomes_the_topic():
    vocabulary = _vocabulary()
    q = understand("67F, synthetic fever, neck stiffness, LP delayed. Antibiotics now?", vocabulary)
    assert q.condition == "synthetic fever"
    hits = _hits(
        "Guideline on synthetic meningitis, bacterial in adults",
        "Synthetic pneumonia in adults",
        "Synthetic meningitis: healthcare-associated",
    )
    assert suspected_condition(q, hits, vocabulary) == "synthetic meningitis"
    suspected = with_suspected_condition(q, hits, vocabulary)
    assert suspected.condition == "synthetic meningitis" and "synthetic fever" in suspected.conditions


def test_a_guideline_on_the_finding_itself_keeps_the_finding():
    vocabulary = _vocabulary()
    q = understand("6-week-old with synthetic fever. LP?", vocabulary)
    hits = _hits("Synthetic meningitis", "Synthetic fever in infants", "Synthetic meningitis, bacterial")
    assert suspected_condition(q, hits, vocabulary) is None


def test_one_title_a_family_of_diseases_or_a_named_diagnosis_is_not_enough():
    vocabulary = _vocabulary()
    fever = understand("synthetic fever in a 40-year-old: what now?", vocabulary)
    assert suspected_condition(fever, _hits("Synthetic meningitis", "Synthetic pneumonia"), vocabulary) is None
    assert suspected_condition(fever, _hits("Synthetic brain diseases", "Synthetic brain diseases"), vocabulary) is None
    named = understand("synthetic pneumonia in a 40-year-old: which antibiotic?", vocabulary)
    assert suspected_condition(named, _hits("Synthetic meningitis", "Synthetic meningitis"), vocabulary) is None


def test_consumer_pages_do_not_decide_the_diagnosis():
    vocabulary = _vocabulary()
    q = understand("synthetic fever in a 40-year-old: what now?", vocabulary)
    assert (
        suspected_condition(q, _hits("Synthetic meningitis", "Synthetic meningitis", kind="consumer"), vocabulary)
        is None
    )


def test_a_condition_the_case_names_beside_the_finding_is_its_background():
    vocabulary = _vocabulary()
    q = understand("40F, synthetic fever, known synthetic meningitis. What now?", vocabulary)
    assert q.condition == "synthetic fever"
    hits = _hits("Synthetic meningitis", "Synthetic meningitis, bacterial", "Synthetic meningitis in adults")
    assert suspected_condition(q, hits, vocabulary) is None


def test_a_physiological_state_counts_when_the_guidelines_declare_it_their_condition():
    vocabulary = _vocabulary()
    q = understand("51F on synthetic therapy, synthetic fever twelve times a day. Which drug?", vocabulary)
    titles = ("Synthetic climacteric: diagnosis and management", "Treatment of symptoms of the synthetic climacteric")
    # Filed under physiology, a title concept is not a diagnosis on its own ...
    assert suspected_condition(q, _hits(*titles), vocabulary) is None
    # ... but it is when the guidelines list it as the condition they cover.
    declared = _hits(*titles, conditions=("Synthetic climacteric",))
    assert suspected_condition(q, declared, vocabulary) == "synthetic climacteric"
