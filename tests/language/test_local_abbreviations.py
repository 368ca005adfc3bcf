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


def test_definitions_are_read_as_the_single_pattern_of_schwartz_and_hearst_reads_them():
    """The brackets are found first and the words read backwards: the same definitions as one
    regular expression over the whole text (the earlier, slower reading), on awkward text too."""
    import random
    import re

    from curbside.language.local_abbreviations import _long_form, defined_abbreviations

    pattern = re.compile(r"([A-Za-z][A-Za-z\-' ]{2,80}?)\s*\(([A-Z][A-Za-z0-9\-]{1,9})\)")

    def reference(texts):
        found = {}
        for text in texts:
            for match in pattern.finditer(text):
                short = match.group(2)
                if short in found or sum(c.isupper() for c in short) < 2:
                    continue
                if long := _long_form(match.group(1), short):
                    found[short] = long
        return found

    pieces = [
        "synthetic painful neuropathy (SPN)",
        "examplamab therapy\n(ET)",
        "(AB)",
        "x (CD)",
        " - ",
        "a very long run of words that goes on and on past the eighty one letters a long form may hold (LR)",
        "mock drug (MD)(XY)",
        "it's fine (IF)",
        "(NOT a form)",
        "1-2 (TT)",
        "Dual Agent Therapy (DAT-2)",
    ]
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", ", ", ". "]) for _ in range(rng.randint(1, 8)))
        assert defined_abbreviations([text]) == reference([text]), text
