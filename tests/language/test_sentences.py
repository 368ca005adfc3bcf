"""The sentence splitter on clinical text: abbreviations, decimals, grades, lists, offsets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from curbside.language.sentences import sentence_spans, split_sentences


def test_abbreviations_and_decimals_do_not_end_sentences():
    text = (
        "Give Examplamab 0.5 mg i.v. every 6 h, e.g. in the ward vs. at home. "
        "Dr. Example agreed (see Fig. 2). The dose is 37.5 mg b.i.d. in adults."
    )
    assert split_sentences(text) == [
        "Give Examplamab 0.5 mg i.v. every 6 h, e.g. in the ward vs. at home.",
        "Dr. Example agreed (see Fig. 2).",
        "The dose is 37.5 mg b.i.d. in adults.",
    ]


def test_grade_in_brackets_stays_with_its_sentence():
    text = "Offer Examplamab (Grade 1B). Offer Testoprazole daily. (Grade A) Review at 4 weeks. [new 2015]"
    assert split_sentences(text) == [
        "Offer Examplamab (Grade 1B).",
        "Offer Testoprazole daily. (Grade A)",
        "Review at 4 weeks. [new 2015]",
    ]


def test_citation_after_et_al_does_not_split():
    assert split_sentences("Example et al. (2009) found no benefit. Next one.") == [
        "Example et al. (2009) found no benefit.",
        "Next one.",
    ]


def test_numbered_items_run_together_with_semicolons_become_items():
    text = "Steps: 1. Start low; 2. Titrate slowly; 3. Review at 4 weeks."
    spans = sentence_spans(text)
    assert [text[s.start : s.end] for s in spans] == ["Steps:", "Start low", "Titrate slowly", "Review at 4 weeks."]
    assert [s.list_item for s in spans] == [False, True, True, True]


def test_semicolons_inside_a_sentence_do_not_split():
    text = "Options include: Examplamab; Testoprazole; Fakeolol."
    assert split_sentences(text) == [text]


def test_bulleted_lines_and_soft_wraps():
    text = (
        "Standard dose is 5 mg BID.\n- Dose reduction: reduce to 2.5 mg BID if the patient has\n"
        "at least two features.\n* Second item\n\nNew paragraph"
    )
    spans = sentence_spans(text)
    assert [text[s.start : s.end] for s in spans] == [
        "Standard dose is 5 mg BID.",
        "Dose reduction: reduce to 2.5 mg BID if the patient has\nat least two features.",
        "Second item",
        "New paragraph",
    ]
    assert [s.list_item for s in spans] == [False, True, True, False]


def test_inline_bullets_and_lettered_items():
    text = "Consider: • Examplamab • Testoprazole. Then: (a) review; (b) refer."
    assert split_sentences(text) == ["Consider:", "Examplamab", "Testoprazole.", "Then:", "review", "refer."]


def test_single_capital_letter_ends_a_sentence_unless_initials():
    assert split_sentences("Vaccinate against hepatitis B. Patients with J. R. Example syndrome vary.") == [
        "Vaccinate against hepatitis B.",
        "Patients with J. R. Example syndrome vary.",
    ]


def test_abbreviation_before_a_number_and_a_table_reference():
    assert split_sentences("Use max. 60 mg daily. See Table 2. No. 5 applies.") == [
        "Use max. 60 mg daily.",
        "See Table 2.",
        "No. 5 applies.",
    ]


def test_question_exclamation_and_lowercase_continuation():
    assert split_sentences("Is it safe? Yes! Take 5 mg. then rest.") == ["Is it safe?", "Yes!", "Take 5 mg. then rest."]


def test_empty_and_punctuation_only_text():
    assert sentence_spans("") == []
    assert sentence_spans("  ;  .  \n- ") == []


_CLINICAL_PIECES = st.sampled_from(
    [
        "Offer Examplamab 20 mg",
        "e.g.",
        "i.v.",
        "vs.",
        "Dr.",
        "0.5 mg",
        "Fig. 2",
        "(Grade 1B).",
        "1.",
        "2)",
        "(a)",
        "•",
        "-",
        ";",
        ":",
        ".",
        "?",
        "\n",
        "\n\n",
        " ",
        "et al.",
        "b.i.d.",
        "[new 2015]",
        "Grade B.",
        "A.",
        "x",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_CLINICAL_PIECES, st.text(max_size=12)), max_size=30))
def test_spans_are_exact_ordered_and_trimmed(pieces):
    text = " ".join(pieces)
    previous_end = 0
    for span in sentence_spans(text):
        sentence = text[span.start : span.end]
        assert sentence and sentence == sentence.strip()
        assert span.start >= previous_end
        previous_end = span.end


def test_a_capitalised_line_after_a_list_item_starts_a_new_sentence():
    text = "Stop examplamab if either:\n- Synthetic grade 2 wobble\n- Synthetic grade 3 wobble\nIf the wobble persists, switch to testoxetine."
    assert split_sentences(text)[-2:] == ["Synthetic grade 3 wobble", "If the wobble persists, switch to testoxetine."]


def test_a_lower_case_line_after_a_list_item_still_continues_it():
    text = "Options include:\n- Examplamab given with food and\n  taken at night."
    assert split_sentences(text)[-1] == "Examplamab given with food and\n  taken at night."
