"""Other names of drugs: an international or British name is the drug MeSH files under its US name."""

from __future__ import annotations

from curbside.language.drug_names import other_drug_names, usual_drug_name
from curbside.language.vocabulary import Vocabulary, category_of


def _vocabulary() -> Vocabulary:
    # Real MeSH names (names are vocabulary, not claims) with made-up ids and tree numbers.
    concepts = [("D1", "Albuterol", "drug", "D02.1"), ("D2", "Aspirin", "drug", "D02.2")]
    forms = [("albuterol", "D1", "name", "Albuterol"), ("aspirin", "D2", "name", "Aspirin")]
    return Vocabulary(concepts, forms)


def test_the_other_name_of_a_drug_is_that_drug_in_the_vocabulary():
    vocabulary = _vocabulary()
    found = vocabulary.match("Salbutamol, then acetylsalicylic acid 75 mg")
    assert [(m.term, m.mesh_id, m.category) for m in found] == [
        ("salbutamol", "D1", "drug"),
        ("acetylsalicylic acid", "D2", "drug"),
    ]
    assert "salbutamol" in vocabulary.expansions_for("D1")  # searched for when albuterol is asked


def test_one_key_for_every_name_of_a_drug():
    assert usual_drug_name("Acetylsalicylic acid") == usual_drug_name("aspirin") == "aspirin"
    assert usual_drug_name("Examplamab") == "examplamab"  # a name the table lacks is its own key
    assert all(name == name.lower() for name in other_drug_names())


def test_the_roots_of_the_procedures_tree_are_fields_not_interventions():
    assert category_of(["E01"]) == "method"  # Diagnosis
    assert category_of(["E02"]) == "method"  # Therapeutics
    assert category_of(["E01.370"]) == "procedure"
