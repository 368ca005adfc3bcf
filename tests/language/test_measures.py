"""The patient's measures a message gives and the ranges a passage is written for
(language/measures.py). Synthetic wording only."""

from __future__ import annotations

import math

import pytest

from curbside.language.measures import AGE, KIDNEY, RISK, SEX, WEIGHT, fit, patient_of, stated_ranges


@pytest.mark.parametrize(
    ("message", "values", "sex"),
    [
        ("64M, first synthetic episode, CrCl 85.", {AGE: 64.0, KIDNEY: 85.0}, "M"),
        ("47F, eGFR 26, on drug A", {AGE: 47.0, KIDNEY: 26.0}, "F"),
        ("18-month-old, 11 kg, synthetic otitis", {AGE: 1.5, WEIGHT: 11.0}, ""),
        ("Starting drug A in a 45-year-old man", {AGE: 45.0}, "M"),
        ("58M, BMI 33", {AGE: 58.0, "bmi": 33.0}, "M"),
    ],
)
def test_a_message_gives_its_patients_measures(message, values, sex):
    patient = patient_of(message)
    assert patient.values == pytest.approx(values)
    assert patient.sex == sex


def test_rates_per_kilogram_and_temperatures_are_not_weights_or_ages():
    patient = patient_of("urine output 0.4 mL/kg/h for 8 h, drug A 10 mg/kg, temperature 101 F")
    assert WEIGHT not in patient.values and AGE not in patient.values and patient.sex == ""


@pytest.mark.parametrize(
    ("text", "measure", "span"),
    [
        ("Severe renal impairment (CrCl < 30 mL/min)", KIDNEY, (0.0, 30.0, False)),
        ("CrCl 30-50 mL/min: drug A 2.5 mg", KIDNEY, (30.0, 50.0, True)),
        ("CrCl < 30-35 mL/min: drug A is contraindicated", KIDNEY, (0.0, 35.0, False)),
        ("eGFR of 30 mL/min or less", KIDNEY, (0.0, 30.0, True)),
        ("patients aged 65 years or older", AGE, (65.0, math.inf, True)),
        ("children younger than 3 months with a fever", AGE, (0.0, 0.25, False)),
        ("for patients weighing more than 100 kg", WEIGHT, (100.0, math.inf, True)),
        ("60-69 kg: drug A 35 mg", WEIGHT, (60.0, 69.0, True)),
    ],
)
def test_a_passage_states_the_ranges_it_is_written_for(text, measure, span):
    assert span in stated_ranges(text)[measure]


def test_a_duration_or_a_single_value_is_not_a_range():
    assert stated_ranges("short-term (<3 months) drug A") == {}
    assert stated_ranges("measure the CrCl at baseline and after 3 months") == {}


def test_a_range_or_population_that_leaves_the_patient_out_excludes_the_passage():
    man = patient_of("64M, CrCl 85")
    assert fit(
        man, "Drug B is preferred.", "Special populations › Severe renal impairment (CrCl < 30 mL/min)"
    ).excludes == {KIDNEY}
    assert fit(man, "Drug B 5 mg/kg.", "Dosing › Children").excludes == {AGE}
    assert fit(man, "Drug B is safe.", "Use in pregnancy").excludes == {SEX}
    assert not fit(man, "Drug B 5 mg daily.", "Dosing › Adults").excludes


def test_a_range_that_holds_the_patient_is_said_to_hold():
    patient = patient_of("76F, CrCl 38")
    result = fit(patient, "CrCl 30-50 mL/min: drug A 2.5 mg daily; CrCl < 30: avoid.", "Dosing")
    assert result.holds == {KIDNEY} and not result.excludes


def test_an_adults_heading_does_not_exclude_a_child():
    """A children's section often lists only what differs; the rest is filed under adults."""
    child = patient_of("6-year-old, 20 kg")
    assert not fit(child, "Test only patients with symptoms.", "Key points for adult patients").excludes


def test_no_measures_no_verdict():
    assert fit(patient_of("What is the first-line treatment?"), "x", "Children") == fit(patient_of(""), "CrCl < 30", "")


def test_hot_flushes_are_read_as_the_hot_flashes_the_vocabulary_names():
    from curbside.language.words import fold

    assert fold("12 hot flushes a day") == "12 hot flashes a day"


def test_a_sentence_for_women_only_is_not_written_for_a_man():
    man = patient_of("58M, BMI 36")
    assert SEX in fit(man, "In women with a BMI > 27 kg/m2 seeking contraception, drug A is suggested.").excludes
    assert not fit(man, "In men and women with a BMI > 27 kg/m2, drug A is suggested.").excludes
    assert not fit(patient_of("58F, BMI 36"), "In women with a BMI > 27 kg/m2, drug A is suggested.").excludes


def test_a_stated_age_range_narrows_the_population_its_heading_names():
    toddler = patient_of("18-month-old, 11 kg")
    text = "Offer observation for AOM in children 24 months or older without severe signs."
    assert fit(toddler, text, "Nonsevere AOM in older children").excludes == {AGE}
    assert fit(toddler, "Offer observation.", "Nonsevere AOM in children").holds == {AGE}


def test_a_sentence_that_opens_on_childbirth_is_not_written_for_a_man():
    man = patient_of("45M, seizure for 6 minutes")
    assert SEX in fit(man, "D - Intrapartum synthetic seizures should be terminated as soon as possible.").excludes
    assert not fit(
        man, "Synthetic seizures lasting 5 minutes should be treated; see also the intrapartum section."
    ).excludes
    assert not fit(patient_of("30F"), "D - Intrapartum synthetic seizures should be terminated.").excludes


def test_a_case_that_states_a_pregnancy_or_a_delivery_is_read_as_pregnant():
    assert patient_of("30F, 14 weeks pregnant, smokes 15 a day.").pregnant
    assert patient_of("GDM diagnosed at 28 weeks; fasting 5.9 mmol/L.").pregnant  # abbreviation spelled out
    assert patient_of("PPH ~900 mL after vaginal birth, boggy uterus.").pregnant
    assert not patient_of("47F, new femoral DVT, CrCl 26.").pregnant
    assert not patient_of("30F, not pregnant, dysuria for 2 days.").pregnant
    assert not patient_of("3-day-old, birth weight 2.1 kg, jaundiced.").pregnant
    assert not patient_of("64M, pregnancy of his partner worries him.").pregnant


def test_a_pregnancy_heading_is_for_a_case_that_states_a_pregnancy():
    heading = "Special Considerations › Pregnancy"
    text = "Synthetic heparin is the preferred anticoagulant."
    assert fit(patient_of("47F, new femoral DVT, CrCl 26."), text, heading).excludes
    assert not fit(patient_of("32F, 20 weeks pregnant, new femoral DVT."), text, heading).excludes
    assert not fit(patient_of("47F, new femoral DVT, CrCl 26."), text, "Treatment").excludes
    assert not fit(patient_of("What is the treatment of DVT?"), text, heading).excludes  # no patient described


def test_a_ten_year_risk_band_holds_or_leaves_out_the_cases_risk():
    patient = patient_of("52M, synthetic history, PCE 10-yr ASCVD risk 8.5%. Synthetamab or not?")
    assert patient.values[RISK] == 8.5
    assert RISK in fit(patient, "Risk Category: Intermediate; 10-Year ASCVD Risk: 7.5% to < 20%; Synthetamab").holds
    assert RISK in fit(patient, "Offer synthetamab with an estimated 10-year ASCVD risk of 5% to <7.5%.").excludes
    assert RISK in fit(patient, "Risk Category: Low; 10-Year ASCVD Risk: < 5%").excludes
    assert RISK in fit(patient, "Offer synthetamab in a 7.5% to 10% 10-year CVD event risk.").holds
    assert RISK in fit(patient, "Offer synthetamab to people with a 10% or greater 10-year risk.").excludes
    assert not fit(patient, "Synthetamab lowers the 10-year risk by 25%.").excludes  # an effect, not a band


def test_a_heading_or_opening_about_women_alone_is_not_for_a_man():
    man = patient_of("45M, synthetic seizure now 6 minutes. First drug?")
    heading = "Major Recommendations › Synthetic Disease and Women's Health › Contraception"
    assert SEX in fit(man, "Should be prescribed a single dose of synthetamab 3 mg.", heading).excludes
    assert SEX in fit(man, "D - Women with synthetic disease who require synthetamab:").excludes
    assert not fit(man, "Men and women with synthetic disease should take synthetamab.").excludes
    assert not fit(patient_of("45F, synthetic seizure."), "Women with synthetic disease:", heading).excludes
