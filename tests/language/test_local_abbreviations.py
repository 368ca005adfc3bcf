"""Abbreviations a document coins for itself (language/local_abbreviations.py). Synthetic text."""

from __future__ import annotations

from curbside.language.local_abbreviations import defined_abbreviations, long_forms_in


def test_a_bracketed_short_form_after_its_long_form_is_a_definition():
    found = defined_abbreviations(
        [
            "Examplamab may help in synthetic painful neuropathy (SPN), the panel found.",
            "Imaginary chronic wobble syndrome (ICWS) is invented.",
        ]
    )
    assert found == {"SPN": "synthetic painful neuropathy", "ICWS": "Imaginary chronic wobble syndrome"}


def test_brackets_that_do_not_spell_their_words_or_are_grades_are_not():
    assert defined_abbreviations(["offered for the treatment (Level A).", "seen in the clinic (XYZ) today"]) == {}


def test_the_long_forms_of_the_short_forms_a_text_uses_are_found():
    coined = {"SPN": "synthetic painful neuropathy", "ICWS": "imaginary chronic wobble syndrome"}
    assert long_forms_in("Examplamab is offered for SPN (Level A); SPN again.", coined) == [
        "synthetic painful neuropathy"
    ]
    assert long_forms_in("SPNX is another word.", coined) == []
