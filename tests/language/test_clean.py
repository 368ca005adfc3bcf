"""How strong a printed grade is, across grading systems (language/clean.py grade_rank)."""

from __future__ import annotations

import pytest

from curbside.language.clean import GRADE_UNREAD, grade_rank


@pytest.mark.parametrize(
    "grade,rank",
    [
        ("Level A", 0), ("Grade 1B", 0), ("Class I, LOE A", 0), ("strong, low", 0),
        ("Level B", 1), ("Grade 2C", 1), ("B", 1),
        ("Class IIb", 2), ("conditional recommendation, moderate certainty", 2),
        ("Level U", 3), ("Class III", 3), ("Expert opinion", 3),
        ("", GRADE_UNREAD),
    ],
)  # fmt: skip
def test_grades_rank_from_strongest_to_weakest(grade: str, rank: int):
    assert grade_rank(grade) == rank
