"""Dose parsing and number normalisation. The four dose strings of the issue come first."""

from __future__ import annotations

import pytest

from curbside.language.doses import Dose, numbers, parse_doses


def only(sentence: str) -> Dose:
    doses = parse_doses(sentence)
    assert len(doses) == 1, doses
    dose = doses[0]
    assert sentence[dose.start : dose.end] == dose.text
    return dose


@pytest.mark.parametrize(
    "written", ["300–600 mg/day", "300-600 mg/day", "300 to 600 mg/day", "300--600 mg/day", "300 -- 600 mg/day"]
)
def test_range_per_day(written):
    dose = only(written)
    assert (dose.text, dose.amount, dose.amount_high, dose.unit, dose.per) == (written, 300, 600, "mg", "/day")
    assert dose.full_unit == "mg/day"


def test_amount_with_frequency():
    dose = only("37.5 mg twice daily")
    assert (dose.text, dose.amount, dose.unit, dose.frequency) == ("37.5 mg twice daily", 37.5, "mg", "twice daily")


def test_titration_with_a_duration():
    dose = only("start 30 mg/day for one week, then 60 mg/day")
    assert dose.text == "30 mg/day for one week, then 60 mg/day"
    first, second = dose.titration
    assert (first.amount, first.unit, first.per, first.duration, first.stage) == (
        30,
        "mg",
        "/day",
        "for one week",
        "start",
    )
    assert (second.amount, second.unit, second.per, second.duration) == (60, "mg", "/day", "")
    assert dose.amount == 30 and dose.stage == "start"  # the sequence reads as its first step


def test_second_step_given_later():
    dose = only("1.2 mg then 0.6 mg 1 hour later")
    first, second = dose.titration
    assert (first.text, first.amount, first.unit) == ("1.2 mg", 1.2, "mg")
    assert (second.text, second.amount, second.timing) == ("0.6 mg 1 hour later", 0.6, "1 hour later")


def test_range_across_units_is_kept_in_the_lower_unit():
    dose = only("500 mg–1 g TDS")
    assert (dose.text, dose.amount, dose.amount_high, dose.unit, dose.frequency) == (
        "500 mg–1 g TDS",
        500,
        1000,
        "mg",
        "three times daily",
    )


@pytest.mark.parametrize(
    "written, unit, per, frequency, route",
    [
        ("10 mg/kg every 8 hours IV", "mg/kg", "", "every 8 hours", "IV"),
        ("0.5 mg/kg/day", "mg/kg", "/day", "", ""),
        ("2 g OD IV", "g", "", "once daily", "IV"),
        ("5 mg/m2", "mg/m2", "", "", ""),
        ("75 mg/m 2 every 3 weeks", "mg/m2", "", "every 3 weeks", ""),
        ("40 units", "units", "", "", ""),
        ("20 mcg/kg/min", "mcg/kg", "/minute", "", ""),
        ("100 micrograms q12h", "mcg", "", "every 12 hours", ""),
        ("8 mg q4-6h prn", "mg", "", "every 4 to 6 hours", ""),
        ("2 g 12 to 24 hourly", "g", "", "every 12 to 24 hours", ""),
        ("10 mg every eight hours", "mg", "", "every 8 hours", ""),
        ("250 mg/5 mL three times a day", "mg/5 mL", "", "three times daily", ""),
        ("30 mg/24 h orally", "mg", "/day", "", "oral"),
        ("4 mg b.i.d. p.o.", "mg", "", "twice daily", "oral"),
        ("25 mg nocte", "mg", "", "at night", ""),
        ("2 puffs as needed", "puffs", "", "as needed", ""),
        ("two tablets as required", "tablets", "", "as needed", ""),
        ("1% cream twice daily", "%", "", "twice daily", ""),
        ("20 mg SC once weekly", "mg", "", "weekly", "SC"),
        ("5 mcg intranasally", "mcg", "", "", "intranasal"),
    ],
)
def test_units_frequencies_routes(written, unit, per, frequency, route):
    dose = only(written)
    assert (dose.unit, dose.per, dose.frequency, dose.route) == (unit, per, frequency, route)


def test_thousands_separator():
    assert only("1,000 mg").amount == 1000


def test_loading_then_maintenance():
    dose = only("200 mg loading dose then 100 mg OD")
    first, second = dose.titration
    assert (first.amount, first.stage) == (200, "loading")
    assert (second.amount, second.frequency) == (100, "once daily")


def test_route_before_the_amount_and_duration():
    dose = only("Give intravenous Examplamab 1 g weekly for 3 weeks.")
    assert (dose.route, dose.frequency, dose.duration, dose.text) == (
        "IV",
        "weekly",
        "for 3 weeks",
        "1 g weekly for 3 weeks",
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "maximum 60 mg/day",
        "up to 3600 mg/day",
        "not to exceed 4 g/day",
        "the maximum recommended dose of 50 mg",
        "Examplamab 60 mg/day maximum",
        "3 mg/kg (maximum: 125 mg)",
    ],
)
def test_maximum(sentence):
    assert parse_doses(sentence)[-1].max


def test_a_maximum_after_a_dose_belongs_to_the_next_dose():
    low, high = parse_doses("Examplamab 30 mg daily, maximum 60 mg daily.")
    assert not low.max and high.max


def test_alternatives_are_separate_doses_not_steps():
    doses = parse_doses("Examplamab 50 mg daily or Testoprazole 10 mg daily")
    assert [d.amount for d in doses] == [50, 10] and not doses[0].titration


def test_a_change_of_dose_is_a_step():
    dose = only("If tolerated, increase Examplamab from 10 mg to 20 mg.")
    assert [step.amount for step in dose.titration] == [10, 20]


@pytest.mark.parametrize(
    "sentence",
    [
        "HbA1c < 7%",
        "BP 140/90 mmHg",
        "NNT 6.4",
        "RR 0.73, 95% CI 0.65 to 0.81",
        "LDL-C ≥190 mg/dL",
        "CrCl ≤ 30 mL/min",
        "ACR ≥ 30 mg/g",
        "eGFR < 60 mL/min/1.73m²",
        "urine albumin excretion 30–300 mg/24 hours",
        "serum level above 2 mmol/L",
        "a protein of 15 g/litre or less",
        "body weight ≤ 60 kg",
        "volume > 10 mL",
        "for 4 to 6 hours",
        "30% of patients",
    ],
)
def test_measurements_and_figures_are_not_doses(sentence):
    assert parse_doses(sentence) == []


def test_offsets_are_exact_in_a_long_sentence():
    sentence = (
        "Start Examplamab 25 mg at night, increasing to 50 mg after 1 week; Testoprazole 2 g OD IV is an alternative."
    )
    for dose in parse_doses(sentence):
        assert sentence[dose.start : dose.end] == dose.text
        for step in dose.titration:
            assert sentence[step.start : step.end] == step.text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("HbA1c < 7%", ["7%"]),
        ("BP 140/90 mmHg", ["140/90"]),
        ("NNT 6.4", ["6.4"]),
        ("RR 0.73, 95% CI 0.65 to 0.81", ["0.73", "95%", "0.65", "0.81"]),
        ("1,000 mg and .5 mg", ["1000", "0.5"]),
        ("300–600 mg/day", ["300", "600"]),
        ("mean difference −2.5 (95% CI -3.1 to -1.9)", ["-2.5", "95%", "-3.1", "-1.9"]),
        ("300 - 600 mg", ["300", "600"]),
        ("7 percent and 12 per cent", ["7%", "12%"]),
        ("5mg twice, 24h later", ["5", "24"]),
        ("HbA1c, CYP2D6, Grade 1B, the 2nd visit", []),
        ("a 1:1000 dilution", ["1:1000"]),
        ("2.50 is not 2.5", ["2.50", "2.5"]),
    ],
)
def test_numbers_normal_form(text, expected):
    assert numbers(text) == expected


def test_numbers_of_a_bullet_can_be_found_in_its_passage():
    passage = "The NNT was 6.4 (95 % CI 5.1 to 8.0); doses of 1,000 mg were used."
    bullet = "NNT 6.4 (95% CI 5.1–8.0) at 1000 mg"
    assert set(numbers(bullet)) <= set(numbers(passage))


def test_a_range_written_between_and():
    (dose,) = parse_doses("Examplamab at dosages between 60 and 150 mg/d was studied.")
    assert (dose.text, dose.amount, dose.amount_high, dose.per) == ("60 and 150 mg/d", 60.0, 150.0, "/day")
