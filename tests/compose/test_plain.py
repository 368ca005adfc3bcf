"""Plain words for patients. Every drug name here is invented (examplamab, testoprazole, fictivir)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curbside.compose.plain import (
    DOSE_NOTE,
    GlossaryEntry,
    load_glossary,
    plain_sentence,
    plain_words,
    split_long,
    without_asides,
    without_doses,
)
from curbside.errors import LibraryError
from curbside.language.doses import numbers, parse_doses

DRUGS = ["examplamab", "testoprazole", "fictivir", "Zentolimab"]


# -- glossary ---------------------------------------------------------------------------------


def test_glossary_loads_with_both_spellings_and_no_numbers():
    glossary = load_glossary()
    assert 150 <= len(glossary) <= 400
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


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Examplamab lowers hypertension.", "Examplamab lowers high blood pressure."),
        ("Hypertension is common.", "High blood pressure is common."),  # the first letter's case is kept
        ("Acute myocardial infarction needs care.", "Heart attack needs care."),  # the longest term wins
        (
            "Dyspnoea and dyspnea, oedema and edema.",
            "Shortness of breath and shortness of breath, swelling and swelling.",
        ),
        ("Testoprazole is first-line.", "Testoprazole is first choice."),
        ("Give fictivir PO with food.", "Give fictivir by mouth with food."),  # an abbreviation mid-sentence
        ("BD dosing suits most people.", "Twice a day dosing suits most people."),
        ("Adverse effects were mild.", "Side effects were mild."),
    ],
)
def test_replacements(text, expected):
    assert plain_words(text) == expected


def test_a_definition_is_explained_once_per_text():
    text = "Nephropathy is common; nephropathy can be slowed, and neuropathy too."
    assert plain_words(text) == (
        "Nephropathy (kidney damage) is common; nephropathy can be slowed, and neuropathy (nerve damage) too."
    )


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
        "Hypertension treated with examplamab reduces kidney damage."
    )
    # A protected phrase shields the terms inside it too.
    assert (
        plain_words("Diabetic nephropathy worsens.", protected=["diabetic nephropathy"])
        == "Diabetic nephropathy worsens."
    )


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
    st.sampled_from(TERMS),
    st.sampled_from(TERMS).map(str.capitalize),
    st.sampled_from(DRUGS),
    DOSES,
    st.integers(0, 5000).map(str),
    st.builds("{}%".format, st.integers(1, 99)),
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


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Examplamab lowers blood pressure in most adults who take it; it can also cause a dry cough in a few people.",
            "Examplamab lowers blood pressure in most adults who take it. It can also cause a dry cough in a few people.",
        ),
        (
            "Examplamab lowers blood pressure in most adults who take it, and it can cause a dry cough in a few people.",
            "Examplamab lowers blood pressure in most adults who take it. It can cause a dry cough in a few people.",
        ),
        (
            "Examplamab lowers blood pressure in most adults who take it, but it can cause a dry cough in a few people.",
            "Examplamab lowers blood pressure in most adults who take it. But it can cause a dry cough in a few people.",
        ),
        (
            "Examplamab lowers blood pressure in most adults with kidney disease, which reduces the risk of a stroke later on.",
            "Examplamab lowers blood pressure in most adults with kidney disease. This reduces the risk of a stroke later on.",
        ),
        (
            "Adults should avoid testoprazole in the last months of pregnancy because it can harm the unborn baby.",
            "Adults should avoid testoprazole in the last months of pregnancy. This is because it can harm the unborn baby.",
        ),
        (
            "Treatment options for adults with long-term pain after knee surgery: examplamab, testoprazole, rest and heat.",
            "Treatment options for adults with long-term pain after knee surgery. Examplamab, testoprazole, rest and heat.",
        ),
    ],
)
def test_split_long_at_safe_points(text, expected):
    assert split_long(text, max_words=12) == expected


def test_split_long_leaves_short_sentences_and_sentences_without_a_safe_point():
    assert split_long("Examplamab helps; rest helps too.") == "Examplamab helps; rest helps too."
    text = "Examplamab lowers blood pressure in most adults who take it every morning with a glass of water before breakfast."
    assert split_long(text, max_words=8) == text


def test_split_long_never_cuts_inside_parentheses_or_a_run_of_numbers():
    text = (
        "Doses were compared in adults (examplamab alone; examplamab with rest, and rest alone) over ten weeks of care."
    )
    assert split_long(text, max_words=8) == text
    text = "Scores of people in the trial groups were 10, and 20, and 30 across all the weeks of follow up."
    assert split_long(text, max_words=8) == text


def test_split_long_keeps_case_that_means_something():
    text = "Examplamab is used when kidney function is reduced in adults; eGFR is checked before it is started again."
    assert split_long(text, max_words=12).endswith(". eGFR is checked before it is started again.")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(TOKENS, st.sampled_from(["; ", ", and", ", but", ", which", "because", ":"])), max_size=60),
    st.integers(5, 25),
)
def test_split_long_keeps_numbers_and_words(tokens, max_words):
    text = " ".join(tokens)
    result = split_long(text, max_words)
    assert numbers(result) == numbers(text)
    words = Counter(w.lower() for w in re.findall(r"[\w%-]+", text) if w.lower() not in ("and", "which"))
    assert not words - Counter(w.lower() for w in re.findall(r"[\w%-]+", result))


# -- doses ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
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
    ],
)
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
    text = (
        "Examplamab 20 mg once daily is first-line for hypertension in adults with chronic kidney disease, "
        "and it reduces the risk of myocardial infarction in people with diabetic nephropathy."
    )
    assert plain_sentence(text, protected=["examplamab", "hypertension"]) == (
        "Examplamab is first choice for hypertension in adults with long-term kidney disease. It reduces the risk "
        "of heart attack in people with diabetic nephropathy (kidney damage caused by diabetes) "
        f"({DOSE_NOTE})."
    )


def test_split_long_keeps_a_list_closed_by_comma_and_in_one_sentence():
    # Synthetic drug names; ", and" here joins list items, so cutting there would orphan the verb.
    text = (
        "Trial evidence showed that examplamab, testoxetine, and fictocaine are effective treatments to reduce "
        "pain in adults with synthetic neuropathy over many weeks of careful follow-up."
    )
    assert split_long(text) == text


# -- glossary words that must fit the words around them -----------------------------------------
# Synthetic sentences; the glossary entries in these tests are made up for the test where named.


@pytest.mark.parametrize(
    "text, expected",
    [
        # a negated term whose plain meaning is itself negative stays as written: never "not not safe to use"
        ("Examplamab is not contraindicated in adults.", "Examplamab is not contraindicated in adults."),
        ("Examplamab is contraindicated in adults.", "Examplamab is not safe to use in adults."),
        # the word before already starts the plain meaning: "acid" + "acid reflux"
        ("A workup for acid gastroesophageal reflux disease was negative.", "A workup for acid reflux was negative."),
        # a determiner before a meaning that starts with an article: "another" + "a ..."
        ("Switch to another exampletherapy later.", "Switch to another single synthetic course later."),
        # a term inside a longer Latin or technical name is left whole
        ("Erythema migrans is a rash.", "Erythema migrans is a rash."),
        # a modifier before a meaning that cannot follow one: explained instead
        ("Early duotherapy is used.", "Early duotherapy (more than one medicine together) is used."),
        ("Congenital hypothyroidism is rare.", "Congenital hypothyroidism (an underactive thyroid) is rare."),
        # a term right after a term left as written belongs with it to one name
        ("Initial pharmacotherapy monotherapy was given.", "First pharmacotherapy monotherapy was given."),
        # a gerund meaning before "of": not "stopping of"
        ("Cessation of examplamab is advised.", "Cessation of examplamab is advised."),
        # the word after already ends the plain meaning: "first choice" + "choice"
        ("Examplamab is the exampleline choice here.", "Examplamab is the first choice here."),
    ],
)
def test_a_replacement_fits_the_words_around_it(text, expected):
    glossary = load_glossary() + (
        GlossaryEntry("exampletherapy", "=a single synthetic course"),
        GlossaryEntry("duotherapy", "=more than one medicine together"),
        GlossaryEntry("exampleline", "=first choice"),
    )
    assert plain_words(text, glossary, protected=["examplamab"]) == expected


def test_a_class_name_keeps_its_head_word_and_is_explained():
    assert plain_words("Interacting class: Loop diuretics.") == "Interacting class: Loop diuretics (water tablets)."


def test_no_glossary_note_inside_parentheses():
    text = "Testoprazole, with or without other acid drugs (such as PPIs or fictivir), helps."
    assert plain_words(text) == text
    assert plain_words("Proton pump inhibitors (PPIs) help.") == "Proton pump inhibitors (PPIs) help."


# -- asides a patient does not need -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Examplamab can be considered (Grade 2C).", "Examplamab can be considered."),
        ("Examplamab can be considered (Smith et al., 2000).", "Examplamab can be considered."),
        ("Examplamab can be considered [I], as can rest [II].", "Examplamab can be considered, as can rest."),
        ("Examplamab can be considered. (Strong For; Reviewed, New-replaced)", "Examplamab can be considered."),
        ("Examplamab can be considered (LE 2a; GR B).", "Examplamab can be considered."),
        ("Examplamab lowered pain (RR 0.26, 95% CI 0.1 to 0.5).", "Examplamab lowered pain."),
        ("Examplamab therapy (EXT) helps.", "Examplamab therapy helps."),  # an abbreviation never used again
        ("Examplamab therapy (EXT) helps; EXT is safe.", "Examplamab therapy (EXT) helps; EXT is safe."),
        ("Use a cream (e.g., fictivir or testoprazole) each day.", "Use a cream each day."),
        ("Recommendation 59: Examplamab can be considered.", "Examplamab can be considered."),
        (
            "Drug: Examplamab; Rationale: Less pain; Quality of Evidence: Moderate; Strength of Recommendation: Strong",
            "Drug: Examplamab; Rationale: Less pain.",
        ),
    ],
)
def test_without_asides(text, expected):
    assert without_asides(text) == expected


def test_an_aside_naming_a_protected_name_stays():
    assert without_asides("Use a cream (e.g., fictivir) each day.", protected=["fictivir"]) == (
        "Use a cream (e.g., fictivir) each day."
    )


def test_line_breaks_and_table_cells_become_sentences():
    assert without_asides("Some medicines\nWater can ease a cough.") == "Some medicines. Water can ease a cough."
    assert without_asides("Under 9 | Examplamab for children | —\nSynthetic Rash with Fever") == (
        "Under 9. Examplamab for children. Synthetic Rash with Fever."
    )


@pytest.mark.parametrize(
    "text", ["Examplamab three times daily; OR", "Examplamab three times daily, and", "Examplamab three times daily or"]
)
def test_a_clipped_quote_ends_before_its_joining_word(text):
    assert without_asides(text) == "Examplamab three times daily."


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            TOKENS,
            st.sampled_from(
                ["(", ")", "[I]", "(Grade 2C)", "(e.g.,", "|", "\n", "; OR", "Quality of Evidence:", "et al.,", "2000"]
            ),
        ),
        max_size=40,
    )
)
def test_the_plain_reading_never_adds_a_number(tokens):
    text = " ".join(tokens)
    for result in (without_asides(text), plain_sentence(text, protected=DRUGS)):
        assert not Counter(numbers(result)) - Counter(numbers(text))


# -- a dose that is a limit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Adults should not exceed the upper limit for examplamab (350 mg or more).",
            "Adults should not exceed the upper limit for examplamab (above a certain dose)",
        ),
        (
            "Use examplamab in excess of 350 mg with care in frail adults.",
            "Use examplamab above a certain dose with care in frail adults",
        ),
        ("Drug: Examplamab (>325 mg/day) with fictivir.", "Drug: Examplamab (above a certain dose) with fictivir"),
        ("Use less than 10 mg of examplamab in children.", "Use below a certain dose of examplamab in children"),
        ("Do not exceed 4 g per day of examplamab.", "Do not exceed a certain dose of examplamab"),
        ("Give examplamab 10 mg + fictivir 20 mg daily.", "Give examplamab + fictivir"),
    ],
)
def test_a_dose_limit_stays_in_words(text, expected):
    result = without_doses(without_asides(text))
    assert result == f"{expected} ({DOSE_NOTE})."
    assert not re.search(r"\(\s*\)|\(e\.g\.,?\)|\([<>]\)|\(or more\)|in excess of in|\bthan (?:of|in)\b", result)


def test_a_dose_range_goes_whole_and_a_field_left_empty_goes_with_it():
    # A table row (synthetic): its dose field holds only the dose, so the label has nothing left to say.
    row = "Drug: Examplamab; Daily Dose: 20--40 mg; Route: Oral; Frequency: Once daily (evening)"
    assert without_doses(row) == f"Drug: Examplamab; Route: Oral; Frequency: Once daily (evening) ({DOSE_NOTE})"
    assert without_doses("Take examplamab 1.5 to 3 mg each day.") == f"Take examplamab ({DOSE_NOTE})."
    assert without_doses("For ages 2-5, give examplamab 10 mg.") == f"For ages 2-5, give examplamab ({DOSE_NOTE})."


def test_an_example_dose_goes_with_its_parentheses():
    assert without_doses(without_asides("At lower doses (e.g., 40 mg daily), examplamab is safer.")) == (
        "At lower doses, examplamab is safer."
    )
    assert without_doses("At lower doses (e.g., 40 mg daily), examplamab is safer.") == (
        f"At lower doses, examplamab is safer ({DOSE_NOTE})."
    )


# -- sentences cut only where both halves stand alone -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # the clause after "and" has no subject of its own
        "Examplamab should not be used in adults with synthetic kidney disease, and should be used with care in all older adults.",
        # the last item of a long list is not a sentence
        "The group advises rest, examplamab with a long synthetic course of care, fictivir for the rash in adults, "
        "and written exposure.",
        # a wh-clause is the second object of the verb before it
        "Clearly outline in the person's synthetic action plan how and when to do this, and what to do if symptoms do "
        "not improve.",
    ],
)
def test_split_long_leaves_no_fragment(text):
    assert split_long(text, max_words=8) == text


def test_split_long_never_leaves_a_label_alone():
    text = (
        "Object Drug: Examplamab; Interacting Drug: Loop fictivir; Risk Rationale: more harm in older adults, "
        "frail adults, and children"
    )
    result = split_long(text, max_words=8)
    assert "Risk Rationale." not in result and "Risk Rationale: more harm" in result


def test_the_plain_reading_is_easier_to_read():
    from curbside.compose.readability import grade

    text = (
        "Examplamab monotherapy is recommended for individuals with synthetic hypertension (Grade 2C) [I]; "
        "medication adherence should be monitored, and physicians should evaluate renal function (Smith et al., 2000)."
    )
    plain = plain_sentence(text, protected=["examplamab"])
    assert grade(plain) < grade(text) - 4
    assert not Counter(numbers(plain)) - Counter(numbers(text))
