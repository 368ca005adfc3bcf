"""An abbreviation with two senses is read in the one the words beside it call for."""

from __future__ import annotations

from curbside.language.vocabulary import expand_abbreviations


def test_the_emergency_department_by_the_words_around_it():
    assert "rural emergency department" in expand_abbreviations("Anterior STEMI, rural ED; transfer takes 150 min")[0]
    assert "in the emergency department" in expand_abbreviations("Seen in the ED with chest pain")[0]
    assert "emergency department visit" in expand_abbreviations("an ED visit last week")[0]
    assert "for erectile dysfunction" in expand_abbreviations("Sildenafil for ED in diabetes?")[0]


def test_costovertebral_angle_tenderness_is_not_a_stroke():
    assert "costovertebral angle tenderness" in expand_abbreviations("T 38.9, CVA tenderness, not septic")[0]
    assert "cerebrovascular accident" in expand_abbreviations("History of CVA on aspirin")[0]
