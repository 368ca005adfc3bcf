"""Sources differ: line of therapy, dose and direction, only between different sources."""

from __future__ import annotations

from curbside.compose.article import compose
from curbside.compose.disagreements import Quoted, find_differences, mark_differences
from curbside.compose.extract import Statement, extract_statements
from curbside.language.vocabulary import Vocabulary
from curbside.model import Article, Bullet, Claim, Hit, Passage, Section, Source
from curbside.search.understand import Question


def _quoted(sentence: str, source_id: str, citation: int) -> Quoted:
    (statement,) = extract_statements(sentence)
    claim = Claim(text=sentence, citation=citation, passage_id=f"{source_id}@1#0")
    return Quoted(claim, statement, source_id)


def test_different_lines_of_therapy_in_two_sources():
    quoted = [
        _quoted("Examplamab is recommended as first-line therapy for synthetic neuropathy.", "a", 1),
        _quoted("Examplamab is recommended as second-line therapy for synthetic neuropathy.", "b", 2),
    ]
    ((note, claim),) = find_differences(quoted)
    assert note.text == ("Sources differ on the line of therapy for examplamab: first-line [1] versus second-line [2].")
    assert note.citations == [1, 2] and claim is quoted[0].claim


def test_recommended_in_one_source_and_against_in_another():
    quoted = [
        _quoted("Examplamab is recommended for synthetic neuropathy.", "a", 1),
        _quoted("Examplamab is not recommended for synthetic neuropathy.", "b", 2),
    ]
    ((note, _),) = find_differences(quoted)
    assert note.text == ("Sources differ on whether to use examplamab: recommended [1] versus recommended against [2].")


def test_different_doses_quote_each_side_as_written():
    quoted = [
        _quoted("Examplamab 20 mg once daily is recommended for synthetic neuropathy.", "a", 1),
        _quoted("Examplamab 40 mg once daily is recommended for synthetic neuropathy.", "b", 2),
    ]
    ((note, _),) = find_differences(quoted)
    assert note.text == "Sources differ on the dose of examplamab: 20 mg once daily [1] versus 40 mg once daily [2]."


def test_no_note_within_one_source_or_for_the_same_dose():
    same_source = [
        _quoted("Examplamab 20 mg once daily is recommended for synthetic neuropathy.", "a", 1),
        _quoted("Examplamab 40 mg once daily is recommended for synthetic neuropathy.", "a", 1),
    ]
    same_dose = [
        _quoted("Examplamab 20 mg once daily is recommended for synthetic neuropathy.", "a", 1),
        _quoted("Examplamab 20 mg once daily is suggested for synthetic neuropathy.", "b", 2),
    ]
    assert find_differences(same_source) == [] and find_differences(same_dose) == []


def test_circumstances_are_not_disagreements():
    """A population, a different frequency, or several drugs in one sentence are not compared."""
    population = [
        _quoted("Examplamab 20 mg once daily is recommended for synthetic neuropathy.", "a", 1),
        _quoted("Examplamab 10 mg once daily is recommended in children.", "b", 2),
    ]
    frequency = [
        _quoted("Examplamab 20 mg once daily is recommended for synthetic neuropathy.", "a", 1),
        _quoted("Examplamab 10 mg twice daily is recommended for synthetic neuropathy.", "b", 2),
    ]
    several = [
        _quoted("Examplamab is recommended as first-line therapy for synthetic neuropathy.", "a", 1),
        _quoted("Testoxetine or examplamab is recommended as second-line therapy.", "b", 2),
    ]
    assert find_differences(population) == []
    assert find_differences(frequency) == []
    assert find_differences(several) == []


def test_mark_differences_puts_the_note_on_the_bullet_of_the_first_side():
    quoted = [
        _quoted("Examplamab 20 mg once daily is recommended for synthetic neuropathy.", "a", 1),
        _quoted("Examplamab 40 mg once daily is recommended for synthetic neuropathy.", "b", 2),
    ]
    bullet = Bullet("Examplamab", [q.claim for q in quoted])
    article = Article(question="q", title="t", sections=[Section("first_line", "First-line options", [bullet])])
    mark_differences(article, quoted)
    assert len(article.differ) == 1 and bullet.differ == article.differ[0].text


def _titled(sentence: str, source_id: str, citation: int, section: str = "", title: str = "", heading_drug=()):
    (statement,) = extract_statements(sentence, section)
    claim = Claim(text=sentence, citation=citation, passage_id=f"{source_id}@1#0")
    return Quoted(claim, statement, source_id, tuple(heading_drug), title)


def test_different_durations_of_the_same_drug_in_two_sources():
    quoted = [
        _quoted("Examplamab 20 mg once daily for 5 days is recommended for synthetic otitis.", "a", 1),
        _quoted("Treat synthetic otitis with a 10-day course of examplamab.", "b", 2),
    ]
    ((note, claim),) = find_differences(quoted)
    assert note.text == "Sources differ on how long to give examplamab: for 5 days [1] versus 10-day course [2]."
    assert claim is quoted[0].claim


def test_the_same_duration_or_a_duration_of_symptoms_is_no_disagreement():
    same = [
        _quoted("Examplamab is given for 7 days for synthetic otitis.", "a", 1),
        _quoted("A 7-day course of examplamab is recommended for synthetic otitis.", "b", 2),
    ]
    symptoms = [
        _quoted("Examplamab is recommended when symptoms last more than 2 days.", "a", 1),
        _quoted("Examplamab is given for 7 days for synthetic otitis.", "b", 2),
    ]
    assert find_differences(same) == [] and find_differences(symptoms) == []


def test_a_dose_in_a_sentence_naming_several_drugs_belongs_to_the_drug_before_it():
    quoted = [
        _quoted("Examplamab 20 mg once daily or testoxetine 5 mg once daily is recommended.", "a", 1),
        _quoted("Examplamab 40 mg once daily is recommended for synthetic neuropathy.", "b", 2),
    ]
    ((note, _),) = find_differences(quoted)
    assert note.text == "Sources differ on the dose of examplamab: 20 mg once daily [1] versus 40 mg once daily [2]."


def test_a_row_that_names_no_drug_is_about_the_drug_its_heading_names():
    quoted = [
        _titled("Usual dose: 20 mg once daily.", "a", 1, "Dosing › Examplamab", heading_drug=("examplamab",)),
        _quoted("Examplamab 40 mg once daily is recommended for synthetic neuropathy.", "b", 2),
    ]
    ((note, _),) = find_differences(quoted)
    assert note.text == "Sources differ on the dose of examplamab: 20 mg once daily [1] versus 40 mg once daily [2]."


def test_the_same_population_in_both_sources_is_compared():
    quoted = [
        _quoted("Examplamab 10 mg once daily is recommended in children.", "a", 1),
        _quoted("Examplamab 15 mg once daily is recommended in children.", "b", 2),
    ]
    ((note, _),) = find_differences(quoted)
    assert note.text == "Sources differ on the dose of examplamab: 10 mg once daily [1] versus 15 mg once daily [2]."


def test_different_circumstances_in_headings_or_titles_are_not_disagreements():
    """The guard: the populations and settings named in the sentence, its heading path and its
    source's title must be the same on both sides."""
    heading = [
        _titled("Examplamab 20 mg once daily is recommended.", "a", 1, "Treatment › Mild disease"),
        _titled("Examplamab 40 mg once daily is recommended.", "b", 2, "Treatment › Severe disease"),
    ]
    title = [
        _titled("Examplamab is recommended as first-line therapy.", "a", 1, title="Synthetic otitis in adults"),
        _titled("Examplamab is recommended as second-line therapy.", "b", 2, title="Synthetic otitis in children"),
    ]
    setting = [
        _titled("Examplamab is recommended for synthetic otitis.", "a", 1, "Outpatient care"),
        _titled("Examplamab is not recommended for synthetic otitis.", "b", 2, "Inpatient care"),
    ]
    assert find_differences(heading) == [] and find_differences(title) == [] and find_differences(setting) == []


def test_mark_differences_puts_a_note_next_to_a_part_answer_that_quotes_one_side():
    """A part-by-part answer's bullet has no drug label; the note still sits next to a side."""
    quoted = [
        _quoted("Examplamab 20 mg once daily is recommended for synthetic neuropathy.", "a", 1),
        _quoted("Examplamab 40 mg once daily is recommended for synthetic neuropathy.", "b", 2),
    ]
    other_side = Bullet("", [quoted[1].claim])
    article = Article(
        question="q",
        title="t",
        bottom_line=[quoted[0].claim],
        sections=[Section("part_0", "Which dose?", [other_side])],
    )
    mark_differences(article, quoted)
    assert other_side.differ == article.differ[0].text


def _topic_hit(source_id: str, text: str) -> Hit:
    """A passage the topic reading chose for the question's first part (topic.py)."""
    source = Source(id=source_id, kind="guideline", title="Synthetic neuropathy", origin="test", year=2022)
    passage = Passage(source_id=source_id, order=0, section="Treatment", text=text, id=f"{source_id}@1#0")
    return Hit(passage, source, 1.0, {"topic_source": 1.0, "facet": 0.0})


def test_an_article_answered_part_by_part_shows_where_its_sources_differ():
    text = "Synthetic neuropathy in an adult: which drug first? And for how long?"
    question = Question(text=text, intent="treatment", condition="synthetic neuropathy")
    hits = [
        _topic_hit("a", "Examplamab 20 mg once daily is recommended for synthetic neuropathy."),
        _topic_hit("b", "Examplamab 40 mg once daily is recommended for synthetic neuropathy."),
    ]
    article = compose(question, hits, today_year=2024)
    assert [s.key for s in article.sections if s.key.startswith("part_")]
    assert [note.text for note in article.differ] == [
        "Sources differ on the dose of examplamab: 20 mg once daily [1] versus 40 mg once daily [2]."
    ]
    assert any(bullet.differ for section in article.sections for bullet in section.bullets)


def test_a_name_inside_a_compound_or_only_in_the_heading_is_not_recommended_or_avoided():
    compound = [
        _quoted("Offer retesting every 2 years to people with examplamab-related neuropathy.", "a", 1),
        _quoted("Avoid examplamab in synthetic neuropathy.", "b", 2),
    ]
    heading = [
        _titled("Testing should be offered to every adult.", "a", 1, "Examplamab", heading_drug=("examplamab",)),
        _quoted("Examplamab is not recommended.", "b", 2),
    ]
    assert find_differences(compound) == [] and find_differences(heading) == []


def test_amounts_in_a_criterion_or_a_level_to_check_are_not_doses():
    quoted = [
        _quoted("Examplamab criterion for diagnosis: 0.5 mL/kg/h for 6 hours.", "a", 1),
        _quoted("Examplamab criterion for diagnosis: 0.3 mL/kg/h for 6 hours.", "b", 2),
    ]
    assert all("diagnosis" in item.statement.roles for item in quoted)
    assert find_differences(quoted) == []


def test_different_thresholds_for_the_same_intervention_in_two_sources():
    quoted = [
        _quoted("Clinicians may withhold examplamab if the saturation exceeds 90% in synthetic otitis.", "a", 1),
        _quoted("Give examplamab if the oxygen saturation is persistently less than 92% in synthetic otitis.", "b", 2),
    ]
    ((note, _),) = find_differences(quoted)
    assert note.text == (
        "Sources differ on the threshold for examplamab: saturation exceeds 90% [1] "
        "versus oxygen saturation is persistently less than 92% [2]."
    )


def test_thresholds_of_different_measures_or_units_are_not_compared():
    quoted = [
        _quoted("Give examplamab if the saturation is below 92% in synthetic otitis.", "a", 1),
        _quoted("Give examplamab if the haemoglobin is below 7 g/dL in synthetic otitis.", "b", 2),
    ]
    assert find_differences(quoted) == []


def test_another_name_of_the_same_drug_is_compared():
    vocabulary = Vocabulary([("D2", "Aspirin", "drug", "D02.2")], [("aspirin", "D2", "name", "Aspirin")])
    quoted = []
    for number, sentence in enumerate(
        [
            "Low-dose aspirin (81 mg/d) is recommended.",
            "Acetylsalicylic acid should be taken in a low dose (75 to 162 mg/d).",
        ]
    ):
        (statement,) = extract_statements(sentence, vocabulary=vocabulary)
        quoted.append(
            Quoted(Claim(text=sentence, citation=number + 1, passage_id=f"{number}@1#0"), statement, str(number))
        )
    ((note, _),) = find_differences(quoted)
    assert note.text == "Sources differ on the dose of aspirin: 81 mg/d [1] versus 75 to 162 mg/d [2]."


def test_a_setting_said_on_one_side_only_is_compared_unless_it_changes_what_is_given():
    """Outpatient on one side and nothing on the other: the same patients. Prophylaxis on one side
    only: a prophylactic dose is not a treatment dose."""
    one_side = [
        _titled("Examplamab 20 mg once daily is recommended.", "a", 1, "Outpatient care"),
        _quoted("Examplamab 40 mg once daily is recommended for synthetic otitis.", "b", 2),
    ]
    purpose = [
        _quoted("Examplamab 20 mg once daily is recommended for prophylaxis.", "a", 1),
        _quoted("Examplamab 40 mg once daily is recommended for synthetic otitis.", "b", 2),
    ]
    assert len(find_differences(one_side)) == 1 and find_differences(purpose) == []
    screening = [
        _quoted("Examplamab is not recommended for screening in synthetic otitis.", "a", 1),
        _quoted("Examplamab is recommended for synthetic otitis.", "b", 2),
    ]
    assert find_differences(screening) == []


def test_a_titles_setting_is_not_read_but_its_population_is():
    setting = [
        _titled("Examplamab 20 mg once daily is recommended.", "a", 1, title="Prevention and management of otitis"),
        _quoted("Examplamab 40 mg once daily is recommended for synthetic otitis.", "b", 2),
    ]
    assert len(find_differences(setting)) == 1


def test_a_list_item_is_about_the_population_its_lead_in_names():
    item = Statement(
        text="Examplamab should not be used as first-line treatment",
        start=0,
        end=52,
        interventions=["examplamab"],
        polarity="against",
        lead_in="APA recommends that for individuals with renal impairment:",
    )
    quoted = [
        Quoted(Claim(text=item.text, citation=1, passage_id="a@1#0"), item, "a"),
        _quoted("Examplamab is recommended for synthetic otitis.", "b", 2),
    ]
    assert find_differences(quoted) == []


def test_doses_of_different_intensities_are_not_disagreements():
    quoted = [
        _titled(
            "Examplastatin: 10-20 mg once daily.", "a", 1, "Moderate-intensity therapy", heading_drug=("examplastatin",)
        ),
        _titled(
            "Examplastatin: 40-80 mg once daily.", "b", 2, "High-intensity therapy", heading_drug=("examplastatin",)
        ),
    ]
    assert find_differences(quoted) == []
