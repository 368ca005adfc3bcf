"""The team's intervention vocabulary (language/interventions.py, data/drug_classes.tsv)."""

from __future__ import annotations

from curbside.language.interventions import class_acting_on, intervention_vocabulary


def test_members_carry_every_class_they_belong_to():
    entries, longest = intervention_vocabulary()
    assert entries[("tenecteplase",)].classes == ("thrombolytic",)
    assert set(entries[("naltrexone",)].classes) == {"opioid antagonist", "alcohol dependence medication"}
    assert longest["vitamin"] >= 3  # "vitamin K antagonist" is read before "vitamin K"


def test_every_row_has_a_known_kind_and_no_empty_member():
    entries, _ = intervention_vocabulary()
    assert {e.kind for e in entries.values()} <= {"drug", "non_pharmacological", "interventional"}
    assert all(words and all(words) for words in entries)


def test_a_class_is_named_by_its_other_names_and_members():
    from curbside.language.interventions import class_names

    assert {"aspirin", "clopidogrel", "p2y12 inhibitor"} <= set(class_names("antiplatelet"))
    assert class_names("aspirin") == [] and class_names("examplamab") == []


def test_the_classes_of_a_drug_with_their_other_names():
    from curbside.language.interventions import classes_of

    assert {"corticosteroid", "glucocorticoid"} <= set(classes_of("Prednisone"))
    assert classes_of("corticosteroid") == [] and classes_of("examplamab") == []


def test_a_class_named_by_another_of_its_names_gives_its_members():
    from curbside.language.interventions import class_names

    assert {"andexanet alfa", "idarucizumab"} <= set(class_names("reversal agent"))
    assert class_names("apixaban") == []  # a member is no class


def test_a_direct_oral_anticoagulant_is_not_filed_as_a_vitamin_k_antagonist():
    from curbside.language.interventions import classes_of

    assert "anticoagulant" in classes_of("apixaban") and "doac" in classes_of("apixaban")
    assert not {"vitamin k antagonist", "vka"} & set(classes_of("apixaban"))
    assert "vitamin k antagonist" in classes_of("warfarin")


def test_a_class_defined_by_another_class_acts_on_that_class_members():
    assert class_acting_on("reversal agent", "apixaban") == "anticoagulant reversal agent"
    assert class_acting_on("Opioid antagonist", "morphine") == "opioid antagonist"
    assert class_acting_on("reversal agent", "metformin") == ""  # not an anticoagulant
    assert class_acting_on("anticoagulant", "apixaban") == ""  # its own class, not one acting on it
    assert class_acting_on("apixaban", "warfarin") == ""  # a member names no class
