"""Sources differ: line of therapy, dose and direction, only between different sources."""

from __future__ import annotations

from curbside.compose.disagreements import Quoted, find_differences, mark_differences
from curbside.compose.extract import extract_statements
from curbside.model import Article, Bullet, Claim, Section


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
