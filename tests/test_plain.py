"""Plain words for patients. Every drug name here is invented (examplamab, testoprazole, fictivir)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curbside.doses import numbers, parse_doses
from curbside.errors import LibraryError
from curbside.plain import (DOSE_NOTE, GlossaryEntry, load_glossary, plain_sentence, plain_words, split_long,
                            without_doses)

DRUGS = ["examplamab", "testoprazole", "fictivir", "Zentolimab"]


# -- glossary ---------------------------------------------------------------------------------

def test_glossary_loads_with_both_spellings_and_no_numbers():
    glossary = load_glossary()
    assert 150 <= len(glossary) <= 300
    terms = {entry.term for entry in glossary}
    assert {"hypertension", "oedema", "edema", "dyspnoea", "dyspnea", "haemorrhage", "hemorrhage", "IV", "BD"} <= terms
    assert "oral" not in terms  # kept: patients know the word
    # A digit in a plain meaning would change the sentence's numbers; the guard would skip it every time.
    assert not [entry for entry in glossary if re.search(r"\d", entry.plain)]
    assert load_glossary() is glossary  # cached


def test_marker_chooses_replace_or_explain():
    entries = {entry.term: entry for entry in load_glossary()}
    assert entries["hypertension"].replaces and entries["hypertension"].meaning == "high blood pressure"
    assert not entries["nephropathy"].replaces and entries["nephropathy"].meaning == "kidney damage"


@pytest.mark.parametrize("line", ["hypertension", "hypertension\t", "\thigh blood pressure", "a\tb\tc", "x\t="])
def test_a_malformed_line_names_the_file_and_line(tmp_path, line):
    path = tmp_path / "glossary.tsv"
    path.write_text("# note\nfever\t=high temperature\n" + line + "\n", encoding="utf-8")
    with pytest.raises(LibraryError, match=r"glossary\.tsv line 3"):
        load_glossary(path)


def test_a_repeated_term_is_malformed(tmp_path):
    path = tmp_path / "glossary.tsv"
    path.write_text("fever\t=high temperature\nfever\t=a temperature\n", encoding="utf-8")
    with pytest.raises(LibraryError, match="line 2"):
        load_glossary(path)


# -- plain words ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Examplamab lowers hypertension.", "Examplamab lowers high blood pressure."),
    ("Hypertension is common.", "High blood pressure is common."),  # the first letter's case is kept
    ("Acute myocardial infarction needs care.", "Heart attack needs care."),  # the longest term wins
    ("Dyspnoea and dyspnea, oedema and edema.", "Shortness of breath and shortness of breath, swelling and swelling."),
    ("Testoprazole is first-line.", "Testoprazole is first choice."),
    ("Give fictivir PO with food.", "Give fictivir by mouth with food."),  # an abbreviation mid-sentence
    ("BD dosing suits most people.", "Twice a day dosing suits most people."),
    ("Adverse effects were mild.", "Side effects were mild."),
])
def test_replacements(text, expected):
    assert plain_words(text) == expected


def test_a_definition_is_explained_once_per_text():
    text = "Nephropathy is common; nephropathy can be slowed, and neuropathy too."
    assert plain_words(text) == ("Nephropathy (kidney damage) is common; nephropathy can be slowed, "
                                 "and neuropathy (nerve damage) too.")


def test_a_term_with_its_own_parentheses_is_not_explained_again():
    assert plain_words("Diabetic nephropathy (stage three) worsens.") == "Diabetic nephropathy (stage three) worsens."


def test_never_inside_a_word_or_a_hyphenated_word():
    text = "Prehypertension, hypertensions, hypertension-related change and renally cleared drugs."
    assert plain_words(text) == text


def test_abbreviations_match_only_in_capitals_and_not_as_roman_numerals():
    assert plain_words("The od ratio and iv index stay.") == "The od ratio and iv index stay."
    assert plain_words("NYHA class IV failure.") == "NYHA class IV failure."
    assert plain_words("Give fictivir IV.") == "Give fictivir IV (into a vein)."


def test_protected_words_are_untouched():
    text = "Hypertension treated with examplamab reduces renal damage."
    assert plain_words(text, protected=["hypertension", "examplamab"]) == (
        "Hypertension treated with examplamab reduces kidney damage.")
    # A protected phrase shields the terms inside it too.
    assert plain_words("Diabetic nephropathy worsens.", protected=["diabetic nephropathy"]) == "Diabetic nephropathy worsens."


def test_numbers_doses_and_names_with_digits_are_untouched():
    text = "Give 1.2 g TDS IV for 5 days; HbA1c above 7% in hypertension."
    assert plain_words(text) == "Give 1.2 g TDS IV for 5 days; HbA1c above 7% in high blood pressure."


def test_a_substitution_that_would_change_the_numbers_is_skipped():
    glossary = (GlossaryEntry("examplosis", "=type 2 examplosis"), GlossaryEntry("fever", "=high temperature"))
    assert plain_words("Examplosis with fever.", glossary) == "Examplosis with high temperature."


def test_a_substitution_that_would_add_a_protected_name_is_skipped():
    glossary = (GlossaryEntry("pyrexia", "=fever treated with examplamab"),)
    assert plain_words("Pyrexia and examplamab.", glossary, protected=["examplamab"]) == "Pyrexia and examplamab."


TERMS = sorted({entry.term for entry in load_glossary()})
DOSES = st.one_of(
    st.builds("{} mg once daily".format, st.integers(1, 900)),
    st.builds("{}.{} g TDS IV".format, st.integers(0, 3), st.integers(1, 9)),
    st.builds("{}-{} mg/day".format, st.integers(1, 20), st.integers(21, 80)),
    st.builds("{} puffs twice daily".format, st.integers(1, 4)),
    st.builds("{} mg/kg".format, st.sampled_from(["0.5", "1", "2.5"])),
)
TOKENS = st.one_of(
    st.sampled_from(TERMS), st.sampled_from(TERMS).map(str.capitalize), st.sampled_from(DRUGS), DOSES,
    st.integers(0, 5000).map(str), st.builds("{}%".format, st.integers(1, 99)),
    st.sampled_from(["in", "and", "with", "adults", "for", "(", ")", ",", ";", ".", "aged", "years", "class", "the"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKENS, min_size=1, max_size=25), st.sampled_from(TERMS))
def test_plain_words_never_changes_numbers_or_protected_names(tokens, condition):
    text = " ".join(tokens)
    protected = DRUGS + [condition]
    result = plain_words(text, protected=protected)
    assert numbers(result) == numbers(text)
    for name in protected:
        pattern = rf"(?<!\w){re.escape(name)}(?!\w)"
        assert len(re.findall(pattern, result, re.I)) == len(re.findall(pattern, text, re.I))


# -- shorter sentences ------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Examplamab lowers blood pressure in most adults who take it; it can also cause a dry cough in a few people.",
     "Examplamab lowers blood pressure in most adults who take it. It can also cause a dry cough in a few people."),
    ("Examplamab lowers blood pressure in most adults who take it, and it can cause a dry cough in a few people.",
     "Examplamab lowers blood pressure in most adults who take it. It can cause a dry cough in a few people."),
    ("Examplamab lowers blood pressure in most adults who take it, but it can cause a dry cough in a few people.",
     "Examplamab lowers blood pressure in most adults who take it. But it can cause a dry cough in a few people."),
    ("Examplamab lowers blood pressure in most adults with kidney disease, which reduces the risk of a stroke later on.",
     "Examplamab lowers blood pressure in most adults with kidney disease. This reduces the risk of a stroke later on."),
    ("Adults should avoid testoprazole in the last months of pregnancy because it can harm the unborn baby.",
     "Adults should avoid testoprazole in the last months of pregnancy. This is because it can harm the unborn baby."),
    ("Treatment options for adults with long-term pain after knee surgery: examplamab, testoprazole, rest and heat.",
     "Treatment options for adults with long-term pain after knee surgery. Examplamab, testoprazole, rest and heat."),
])
def test_split_long_at_safe_points(text, expected):
    assert split_long(text, max_words=12) == expected


def test_split_long_leaves_short_sentences_and_sentences_without_a_safe_point():
    assert split_long("Examplamab helps; rest helps too.") == "Examplamab helps; rest helps too."
    text = "Examplamab lowers blood pressure in most adults who take it every morning with a glass of water before breakfast."
    assert split_long(text, max_words=8) == text


def test_split_long_never_cuts_inside_parentheses_or_a_run_of_numbers():
    text = "Doses were compared in adults (examplamab alone; examplamab with rest, and rest alone) over ten weeks of care."
    assert split_long(text, max_words=8) == text
    text = "Scores of people in the trial groups were 10, and 20, and 30 across all the weeks of follow up."
    assert split_long(text, max_words=8) == text


def test_split_long_keeps_case_that_means_something():
    text = "Examplamab is used when kidney function is reduced in adults; eGFR is checked before it is started again."
    assert split_long(text, max_words=12).endswith(". eGFR is checked before it is started again.")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(TOKENS, st.sampled_from(["; ", ", and", ", but", ", which", "because", ":"])), max_size=60),
       st.integers(5, 25))
def test_split_long_keeps_numbers_and_words(tokens, max_words):
    text = " ".join(tokens)
    result = split_long(text, max_words)
    assert numbers(result) == numbers(text)
    words = Counter(w.lower() for w in re.findall(r"[\w%-]+", text) if w.lower() not in ("and", "which"))
    assert not words - Counter(w.lower() for w in re.findall(r"[\w%-]+", result))


# -- doses ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Give examplamab 37.5 mg twice daily.", "Give examplamab"),
    ("Examplamab 300-600 mg/day is first-line.", "Examplamab is first-line"),
    ("Give testoprazole 500 mg–1 g TDS.", "Give testoprazole"),
    ("Fictivir 10 mg/kg every 8 hours IV is used in sepsis.", "Fictivir is used in sepsis"),
    ("Examplamab 0.5 mg/kg/day suits children aged 2 years.", "Examplamab suits children aged 2 years"),
    ("Use 2 puffs as needed.", "Use"),
    ("Take two tablets as required when pain starts.", "Take when pain starts"),
    ("Examplamab start 30 mg/day for one week, then 60 mg/day.", "Examplamab start"),
    ("Examplamab 30 mg daily, maximum 60 mg daily.", "Examplamab"),
    ("Examplamab 50 mg daily or Testoprazole 10 mg daily.", "Examplamab or Testoprazole"),
    ("A starting dose of 20 mg is advised.", "A starting dose is advised"),
    ("Give 20 mg, 40 mg or 80 mg of examplamab.", "Give examplamab"),
    ("Give testoprazole (20 mg once daily) with food.", "Give testoprazole with food"),
    ("Examplamab 2.5 mg BD, titrated to 10 mg BD, is used in adults.", "Examplamab is used in adults"),
])
def test_without_doses(text, expected):
    result = without_doses(text)
    assert result == f"{expected} ({DOSE_NOTE})."
    assert parse_doses(result) == []


def test_without_doses_keeps_durations_ages_and_percentages():
    text = "Use 1.2 g TDS IV for 5 days in adults over 65 years; 40% improved."
    assert without_doses(text) == f"Use for 5 days in adults over 65 years; 40% improved ({DOSE_NOTE})."
    assert without_doses("Apply 1% cream twice daily.") == "Apply 1% cream twice daily."  # a product's strength
    assert without_doses("No dose in 12 weeks.") == "No dose in 12 weeks."


def test_without_doses_adds_the_note_once():
    once = without_doses("Give examplamab 20 mg daily. Then testoprazole 40 mg BD.")
    assert once.count(DOSE_NOTE) == 1 and without_doses(once) == once
    assert without_doses("20 mg once daily") == "Your clinician decides the dose."  # nothing else was said


def test_plain_sentence_combines_the_three_steps():
    text = ("Examplamab 20 mg once daily is first-line for hypertension in adults with chronic kidney disease, "
            "and it reduces the risk of myocardial infarction in people with diabetic nephropathy.")
    assert plain_sentence(text, protected=["examplamab", "hypertension"]) == (
        "Examplamab is first choice for hypertension in adults with long-term kidney disease. It reduces the risk "
        "of heart attack in people with diabetic nephropathy (kidney damage caused by diabetes) "
        f"({DOSE_NOTE}).")


def test_split_long_keeps_a_list_closed_by_comma_and_in_one_sentence():
    # Synthetic drug names; ", and" here joins list items, so cutting there would orphan the verb.
    text = ("Trial evidence showed that examplamab, testoxetine, and fictocaine are effective treatments to reduce "
            "pain in adults with synthetic neuropathy over many weeks of careful follow-up.")
    assert split_long(text) == text
