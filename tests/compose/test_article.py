"""compose: synthetic hits in, a quoted, cited, sectioned article out."""

from __future__ import annotations

import re
from dataclasses import replace

from curbside.compose.article import DISCLAIMERS, INSUFFICIENT, compose
from curbside.model import Hit, Passage, Source
from curbside.search.facets import facets
from curbside.search.understand import Question, understand

TODAY = 2024


def _hit(
    source_id: str,
    text: str,
    *,
    kind: str = "guideline",
    year: int = 2022,
    section: str = "Recommendations",
    title: str = "Management of synthetic neuropathy",
    score: float = 1.0,
    **identifiers,
) -> Hit:
    source = Source(
        id=source_id,
        kind=kind,
        title=title,
        origin="test",
        developer="Example Society",
        year=year,
        identifiers=identifiers,
    )
    passage = Passage(source_id=source_id, order=0, section=section, text=text, id=f"{source_id}@1#0")
    return Hit(passage, source, score)


GUIDELINE = _hit(
    "guide",
    (
        "Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy (Grade 1A). "
        "If examplamab does not work after 4 weeks, switch to testoxetine 30 mg once daily as second-line therapy. "
        "For refractory synthetic neuropathy, fictinib 10 mg twice daily may be considered. "
        "Mockacillin is not recommended for synthetic neuropathy. "
        "Renal function should be monitored every 3 months during examplamab therapy. "
        "See also the section on diagnosis."
    ),
    doi="10.1000/guide",
)
OLDER_GUIDELINE = _hit(
    "older",
    (
        "Examplamab 40 mg once daily is recommended as first-line therapy for synthetic neuropathy. "
        "Examplamab should not be used in pregnancy. "
        "Exercise programmes are recommended for people with synthetic neuropathy."
    ),
    year=2015,
    pmid="12345",
    score=0.8,
)
CONSUMER = _hit(
    "leaflet",
    "Synthetic neuropathy is a made-up condition used in tests. See also: nerves.",
    kind="consumer",
    year=2020,
    section="What is synthetic neuropathy?",
    qid="0000001-1",
    score=0.5,
)
HITS = [GUIDELINE, OLDER_GUIDELINE, CONSUMER]


def _question(
    intent: str = "treatment",
    drugs: list[str] | None = None,
    modifiers: list[str] | None = None,
    text: str = "What is the treatment for refractory synthetic neuropathy?",
) -> Question:
    return Question(
        text=text,
        intent=intent,
        condition="synthetic neuropathy",
        conditions=["synthetic neuropathy"],
        drugs=drugs or [],
        modifiers=modifiers or [],
    )


def _keys(article) -> list[str]:
    return [section.key for section in article.sections]


def _texts(article) -> list[str]:
    return [claim.text for claim in article.all_claims()]


def _placed(hit: Hit, facet: float, order: float) -> None:
    """Mark `hit` as a passage the topic reading chose for facet `facet` (-1: the whole question)."""
    hit.explain.update({"topic_source": 1.0, "facet": float(facet), "facet_order": float(order)})


def _in_first_ask(case: str, hit: Hit, order: int = 0) -> int:
    """Place `hit` among the passages the topic reading chose for the case's first ask; its index."""
    ask = next(i for i, facet in enumerate(facets(case)) if facet.asks)
    _placed(hit, ask, order)
    return ask


def test_treatment_article_has_lines_of_therapy_avoid_and_an_algorithm():
    article = compose(_question(modifiers=["refractory"]), HITS, today_year=TODAY)
    assert article.kind == "article"
    assert article.title == "Treatment of Refractory Synthetic Neuropathy"
    # The bottom line's quotes are not repeated in the body: the refractory and avoid sections held
    # only those, and the algorithm would have one step left that is not in the bottom line.
    assert _keys(article) == ["first_line", "second_line", "non_pharmacological", "considerations", "monitoring"]
    sections = {section.key: section for section in article.sections}
    assert sections["first_line"].bullets[0].label == "Examplamab"
    first, escalation, avoid = (claim.text for claim in article.bottom_line)
    assert first.startswith("Examplamab 20 mg once daily is recommended as first-line")
    assert escalation.startswith("For refractory synthetic neuropathy")  # the question asks about refractory disease
    assert avoid == "Mockacillin is not recommended for synthetic neuropathy."
    # a contraindication in one population is a consideration, not a drug to avoid altogether
    assert [c.text for b in sections["considerations"].bullets for c in b.claims] == [
        "Examplamab should not be used in pregnancy."
    ]


def test_a_question_naming_no_condition_is_titled_by_its_drug_or_its_own_words():
    from curbside.compose.layouts import title_for
    from curbside.language.vocabulary import Match

    asked = Question(
        text="5-week-old, temp 38.4, looks well. Full septic screen? Does she need an LP?", intent="diagnosis"
    )
    asked.keywords = ["week", "old", "temp", "looks", "well", "full", "septic", "screen"]
    assert title_for(asked) == "Full Septic Screen?"
    drug = Question(text="Starting examplamab next week. Baseline bloods?", intent="monitoring")
    drug.matches = [Match("examplamab", "D0", "drug", 9, 19)]
    assert title_for(drug) == "Monitoring of Examplamab"


def test_a_lead_in_is_quoted_when_the_rows_of_its_list_follow_it():
    case = "64M, synthetic neuropathy, CrCl 80. Which drug first?"
    lead = _hit("lead", "For patients with synthetic neuropathy, select among the following:")
    _in_first_ask(case, lead, 0)
    lead.explain["rows_follow"] = 1.0  # the topic reading brought the rows of its list after it
    row = _hit("row", "Class: Synthetic agents; Agents: Examplamab, testoxetine")
    _in_first_ask(case, row, 1)
    article = compose(_question(text=case), [lead, row], today_year=TODAY)
    shown = [c.text for c in article.all_claims()]
    assert "For patients with synthetic neuropathy, select among the following:" in shown


def test_a_statement_that_names_a_treatment_itself_gets_no_label_in_a_part():
    """The class spelled out ("Low-molecular-weight heparin" for "LMWH") over a row about another
    drug would read as the row's subject."""
    case = "64M, synthetic neuropathy, CrCl 80. Which drug and dose?"
    row = _hit("row", "Drug: Edoxaban; Lead-In Phase: LMWH or UFH for 5-10 days; Maintenance Phase: 60 mg once daily")
    ask = _in_first_ask(case, row, 0)
    other = _hit("other", "Examplamab is recommended for synthetic neuropathy.")
    _in_first_ask(case, other, 1)
    article = compose(_question(text=case), [row, other], today_year=TODAY)
    bullets = [b for s in article.sections if s.key == f"part_{ask}" for b in s.bullets]
    shown = [b for b in bullets if b.claims[0].text.startswith("Drug: Edoxaban")]
    assert shown or any(c.text.startswith("Drug: Edoxaban") for c in article.bottom_line)
    assert all(b.label == "" for b in shown)


def test_a_row_of_a_table_of_evidence_is_not_quoted():
    case = "64M, synthetic neuropathy, CrCl 80. Which drug first?"
    row = _hit(
        "row", "Recommendation: Examplamab; Strength of Recommendation: A; Level of Evidence: I; References: Doe, 2001"
    )
    _in_first_ask(case, row, 0)
    said = _hit("said", "Examplamab is recommended for synthetic neuropathy.")
    _in_first_ask(case, said, 1)
    texts = _texts(compose(_question(text=case), [row, said], today_year=TODAY))
    assert texts and not any(t.startswith("Recommendation:") for t in texts)


def test_a_monitoring_case_is_answered_about_the_drug_it_names_not_another():
    case = "17F, synthetic neuropathy, starting apixaban next week. What labs at baseline?"
    # Synthetic sentences: real drug names only so the intervention vocabulary reads them.
    other = _hit("other", "Synthetic neuropathy: baseline labs are recommended before starting methotrexate.")
    ask = _in_first_ask(case, other, 0)
    own = _hit("own", "Synthetic panel A is recommended at baseline with apixaban.")
    _in_first_ask(case, own, 1)
    question = _question("monitoring", drugs=["apixaban"], text=case)
    article = compose(question, [other, own], today_year=TODAY)
    assert ask >= 0 and article.bottom_line[0].text.startswith("Synthetic panel A")


def test_a_monitoring_cases_bottom_line_never_quotes_another_drug_only():
    case = "17F, synthetic neuropathy, starting apixaban next week. What labs at baseline? What to counsel?"
    own = _hit("own", "Synthetic panel A is recommended at baseline with apixaban.")
    _in_first_ask(case, own, 0)
    other = _hit("other", "Baseline labs are recommended before starting methotrexate.")
    _placed(other, [i for i, f in enumerate(facets(case)) if f.asks][1], 1)
    question = _question("monitoring", drugs=["apixaban"], text=case)
    article = compose(question, [own, other], today_year=TODAY)
    assert [c.text for c in article.bottom_line] == ["Synthetic panel A is recommended at baseline with apixaban."]


def test_a_clearinghouse_editorial_note_is_not_quoted():
    from curbside.compose.article import _is_boilerplate
    from curbside.compose.extract import Statement

    note = "Note from the National Guideline Clearinghouse (NGC): This guideline was developed by a synthetic centre."
    assert _is_boilerplate(Statement(note, 0, len(note)))


def test_boilerplate_and_off_topic_sentences_are_left_out():
    texts = _texts(compose(_question(), HITS, today_year=TODAY))
    assert not any(text.startswith("See also") for text in texts)
    assert "Synthetic neuropathy is a made-up condition used in tests." not in texts  # no role a treatment article uses


def test_a_scoring_tables_rows_are_quoted_only_when_the_question_asks_about_the_score():
    """A case's measured values draw the rows of a scoring tool's table ("Criteria: 90-99; Score:
    2"): criteria for adding up a score, not something to do, unless the score is asked about."""

    def case_hits(case: str) -> list[Hit]:
        ask = _hit("ask", "Examplamab is recommended for synthetic neuropathy.")
        _in_first_ask(case, ask)
        rows = _hit("score", "Parameter: Systolic BP (mmHg); Criteria: 90-99; Score: 2", section="Synthetic score")
        points = _hit("points", "Component: GCS score; Criteria: 5-12; Points: 1", section="Synthetic score")
        _placed(points, 1.0, 3.0)
        _placed(rows, 1.0, 1.0)  # read for "BP 94/58"
        acting = _hit("acting", "Risk Group: High; Score: 5-7; Actionable Recommendation: Start examplamab urgently")
        _placed(acting, 1.0, 2.0)
        band = _hit("band", "Category: Remission; SYN Threshold: <= 2.8", section="Synthetic score")
        _placed(band, 1.0, 4.0)  # a row banding the score into categories
        return [ask, rows, acting, points, band]

    case = "58M, synthetic neuropathy, BP 94/58. What do I start?"
    texts = _texts(compose(_question(text=case), case_hits(case), today_year=TODAY))
    assert not any(text.startswith(("Parameter:", "Component:", "Category:")) for text in texts)
    assert any(text.startswith("Risk Group: High") for text in texts)  # says what to do at that score
    scored = "58M, synthetic neuropathy, BP 94/58. What is his synthetic score, and what do I start?"
    texts = _texts(compose(_question(text=scored), case_hits(scored), today_year=TODAY))
    assert any(text.startswith("Parameter:") for text in texts)


def test_dosing_question_gets_the_dosing_layout_not_the_treatment_one():
    question = _question(
        "dosing", drugs=["examplamab"], text="What is the dose of examplamab for synthetic neuropathy?"
    )
    article = compose(question, HITS, today_year=TODAY)
    assert article.title == "Dosing of Examplamab for Synthetic Neuropathy"
    assert _keys(article)[0] == "dosing"
    assert not {"first_line", "second_line", "algorithm"} & set(_keys(article))
    dosing = article.sections[0]
    assert dosing.bullets[0].label == "Examplamab"
    assert all("examplamab" in text.lower() for text in _texts(article))
    assert article.bottom_line[0].doses == ["20 mg once daily"]  # and not repeated in the section
    assert dosing.bullets[0].claims[0].doses == ["40 mg once daily"]


def test_diagnosis_question_gets_no_treatment_template():
    hit = _hit(
        "dx",
        "The diagnosis of synthetic neuropathy is confirmed by a synthetic nerve conduction test. "
        "Examplamab is recommended as first-line therapy for synthetic neuropathy.",
    )
    article = compose(_question("diagnosis", text="How is synthetic neuropathy diagnosed?"), [hit], today_year=TODAY)
    assert article.title == "Diagnosis of Synthetic Neuropathy"
    assert _keys(article) == []  # its one diagnostic statement is the bottom line, not said twice
    assert [c.text for c in article.bottom_line] == [
        "The diagnosis of synthetic neuropathy is confirmed by a synthetic nerve conduction test."
    ]


def test_every_claim_is_a_verbatim_sentence_at_its_offsets():
    article = compose(_question(modifiers=["refractory"]), HITS, today_year=TODAY)
    passages = {hit.passage.id: hit.passage.text for hit in HITS}
    for claim in article.all_claims():
        assert passages[claim.passage_id][claim.quote_start : claim.quote_end] == claim.text
        assert claim.text == claim.text.strip()


def test_references_are_numbered_by_first_use_and_all_resolve():
    article = compose(_question(modifiers=["refractory"]), HITS, today_year=TODAY)
    numbers = [claim.citation for claim in article.all_claims()]
    first_use = list(dict.fromkeys(numbers))
    assert first_use == list(range(1, len(article.references) + 1))
    by_number = {reference.number: reference for reference in article.references}
    for claim in article.all_claims():
        assert claim.passage_id in by_number[claim.citation].passage_ids
    for note in article.differ:
        assert {int(n) for n in re.findall(r"\[(\d+)\]", note.text)} == set(note.citations) <= set(by_number)
    guide = by_number[1]
    assert (guide.source_id, guide.type, guide.identifier, guide.url) == (
        "guide",
        "Guideline",
        "doi:10.1000/guide",
        "https://doi.org/10.1000/guide",
    )


def test_sources_that_give_different_first_line_doses_are_flagged_citing_both():
    article = compose(_question(), HITS, today_year=TODAY)
    (note,) = article.differ
    assert note.text == "Sources differ on the dose of examplamab: 20 mg once daily [1] versus 40 mg once daily [2]."
    assert note.citations == [1, 2]
    first_line = next(section for section in article.sections if section.key == "first_line")
    assert first_line.bullets[0].differ == note.text  # next to the other side: [1] is the bottom line
    assert [c.citation for c in first_line.bullets[0].claims] == [2]
    assert [c.citation for c in article.bottom_line][:1] == [1]


def test_a_source_older_than_five_years_is_possibly_superseded():
    article = compose(_question(), HITS, today_year=TODAY)
    flags = {reference.source_id: reference.possibly_superseded for reference in article.references}
    assert flags == {"guide": False, "older": True}
    assert (article.evidence_newest, article.evidence_oldest) == (2022, 2015)


def test_follow_ups_name_only_populations_and_drugs_the_statements_name():
    article = compose(_question(), HITS, today_year=TODAY)
    assert 2 <= len(article.follow_ups) <= 4
    assert article.follow_ups[0] == "How should synthetic neuropathy be treated during pregnancy?"
    named = {"examplamab", "testoxetine", "fictinib", "mockacillin", "exercise"}
    for follow_up in article.follow_ups:
        assert "synthetic neuropathy" in follow_up
        assert "children" not in follow_up and "older adults" not in follow_up
        drugs = {
            word for word in re.findall(r"[a-z]+", follow_up.lower()) if word.endswith(("mab", "ine", "ib", "lin"))
        }
        assert drugs <= named


def test_same_inputs_give_the_same_article():
    first = compose(_question(modifiers=["refractory"]), HITS, today_year=TODAY).to_dict()
    second = compose(_question(modifiers=["refractory"]), list(HITS), today_year=TODAY).to_dict()
    assert first == second


def test_no_usable_statement_gives_an_insufficient_article_with_what_was_found():
    unrelated = _hit(
        "other",
        "Fictional dermatitis is treated with placebozole cream twice daily.",
        title="Fictional dermatitis",
        section="Treatment",
    )
    question = _question()
    article = compose(question, [unrelated, CONSUMER], today_year=TODAY)
    assert article.kind == "insufficient" and article.message == INSUFFICIENT
    assert article.sections == [] and article.bottom_line == [] and article.references == []
    assert [r.source_id for r in article.closest_sources] == ["other", "leaflet"]
    assert compose(question, [], today_year=TODAY).kind == "insufficient"


def test_disclaimer_depends_on_audience():
    assert compose(_question(), HITS, today_year=TODAY).disclaimer == DISCLAIMERS["professional"]
    patient = compose(_question(), HITS, today_year=TODAY, audience="patient")
    assert patient.disclaimer == DISCLAIMERS["patient"] and "urgent" in patient.disclaimer


def test_explain_counts_statements_by_role():
    explain = compose(_question(), HITS, today_year=TODAY).explain
    assert explain["intent"] == "treatment" and explain["condition"] == "synthetic neuropathy"
    assert explain["statements_considered"] >= explain["statements_relevant"] >= explain["statements_kept"] > 0
    assert explain["kept_by_role"]["first_line"] == 2


def test_title_does_not_repeat_a_population_the_condition_names():
    question = Question(
        text="Is examplamab safe in synthetic kidney disease?",
        intent="contraindications",
        condition="synthetic kidney disease",
        conditions=["synthetic kidney disease"],
        drugs=["examplamab"],
        modifiers=["renal_impairment"],
    )
    assert compose(question, [], today_year=TODAY).title == (
        "Contraindications and Cautions for Examplamab in Synthetic Kidney Disease"
    )


def test_a_line_that_only_rates_the_evidence_is_not_quoted():
    # Under a monitoring heading every sentence reads as monitoring, the rating line too: before it was
    # refused, it led the bottom line.
    rated = _hit(
        "rated",
        (
            "Renal function should be checked every 3 months during examplamab therapy. "
            "EXSOC Grade: B (Moderate); XYZ/ABC COR: I; XYZ/ABC LOE: B-R (Placeholder et al., 2001). "
            "Liver tests are repeated yearly in synthetic neuropathy."
        ),
        section="Recommendations › Monitoring",
    )
    question = _question(
        "monitoring", drugs=["examplamab"], text="What monitoring is needed for examplamab in synthetic neuropathy?"
    )
    article = compose(question, [rated], today_year=TODAY)
    assert article.bottom_line[0].text == "Renal function should be checked every 3 months during examplamab therapy."
    assert not any("EXSOC" in text for text in _texts(article))


def test_a_sentence_pointing_back_to_treatments_named_elsewhere_is_not_quoted():
    hit = _hit(
        "pointing",
        "Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy (Grade 1A). "
        "Data are insufficient to recommend one agent over the other as first-line therapy for synthetic neuropathy.",
    )
    texts = _texts(compose(_question(), [hit], today_year=TODAY))
    assert not any(text.startswith("Data are insufficient") for text in texts)


def test_the_strongest_grade_leads_and_insufficient_evidence_never_makes_the_bottom_line():
    hit = _hit(
        "graded",
        "There is insufficient evidence to support or refute mockacillin for synthetic neuropathy (Level U). "
        "Testoxetine should be considered for synthetic neuropathy (Level B). "
        "Examplamab should be offered for synthetic neuropathy (Level A).",
    )
    article = compose(_question(), [hit], today_year=TODAY)
    assert article.bottom_line[0].text.startswith("Examplamab should be offered")
    assert not any("insufficient evidence" in c.text for c in article.bottom_line)


def test_a_short_item_of_a_long_list_is_not_quoted_without_its_lead_in():
    names = ["Alphamab", "Betamab", "Gammamab", "Deltamab", "Epsilamab", "Zetamab", "Etamab", "Thetamab", "Iotamab"]
    items = "".join(f"\n- {name}" for name in names)
    hit = _hit(
        "listing",
        "Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy (Grade 1A).\n"
        "The following are not recommended for synthetic neuropathy:" + items,
    )
    texts = _texts(compose(_question(), [hit], today_year=TODAY))
    assert not any(text in names for text in texts)


def test_a_line_advertising_a_tool_is_not_evidence():
    hit = _hit(
        "tools",
        "Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy (Grade 1A). "
        "Synthetic Calculators: calculate_examplamab_dosing available via MCP for automated dosing.",
    )
    texts = _texts(compose(_question(), [hit], today_year=TODAY))
    assert not any("Calculators" in text for text in texts)


def test_a_cases_bottom_line_is_not_a_recommendation_for_a_condition_the_case_does_not_have():
    text = "61F with synthetic neuropathy, renal function normal. Which drug first? And for how long?"
    question = Question(
        text=text, intent="treatment", condition="synthetic neuropathy", conditions=["synthetic neuropathy"]
    )
    other = _hit(
        "guide", "In synthetic neuropathy with active cancer, examplamab is recommended for 6 months (Grade 1A)."
    )
    fits = _hit("guide2", "In synthetic neuropathy, examplamab is recommended first for 3 months (Grade 1B).")
    for order, hit in enumerate((other, fits)):
        _placed(hit, 2.0, float(order))
    article = compose(question, [other, fits], today_year=TODAY)
    assert article.bottom_line[0].text.startswith("In synthetic neuropathy, examplamab is recommended first")


def test_a_statement_written_for_other_patients_is_not_quoted_for_this_one():
    """A passage under "CrCl < 30" says nothing about a patient with CrCl 85."""
    kidney = _hit(
        "kidney",
        "Drug Z is avoided because of limited safety data.",
        section="Special populations › Severe renal impairment (CrCl < 30 mL/min)",
    )
    general = _hit(
        "general", "Drug Y is recommended as first-line treatment for synthetic neuropathy (strong recommendation)."
    )
    case = "64M, synthetic neuropathy, CrCl 85. What is first-line?"
    texts = _texts(compose(_question(text=case), [kidney, general], today_year=TODAY))
    assert not any("Drug Z" in t for t in texts)
    assert any("Drug Y" in t for t in texts)
    low = "52F, synthetic neuropathy, CrCl 22. What is first-line?"
    assert any("Drug Z" in t for t in _texts(compose(_question(text=low), [kidney, general], today_year=TODAY)))


def test_a_flow_chart_branch_and_the_tail_of_a_split_sentence_are_not_quoted():
    hits = [
        _hit("chart", "→ YES → Start fictinib 5 mg daily for synthetic neuropathy."),
        _hit("split", "moderate pain from synthetic neuropathy, the panel suggests testoxetine (Grade 2B)."),
        _hit("row", "examplamab 20 mg once daily is first-line therapy for synthetic neuropathy."),
    ]
    texts = _texts(compose(_question(), hits, today_year=TODAY))
    assert not any("fictinib" in t or "testoxetine" in t for t in texts)
    assert any(t.startswith("examplamab 20 mg") for t in texts)  # a row may start with its drug in lower case


def test_a_case_is_answered_by_its_parts_not_the_generic_sections_after_them():
    case = "61F, synthetic neuropathy, renal function normal. What is first-line?"
    part = _hit(
        "part",
        "Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy. "
        "Testoxetine 30 mg once daily is an alternative first-line therapy for synthetic neuropathy.",
    )
    _placed(part, 2.0, 0.0)  # chosen for the ask
    other = _hit("other", "Renal function should be monitored every 3 months in synthetic neuropathy.")
    article = compose(_question(text=case), [part, other], today_year=TODAY)
    assert [s.title for s in article.sections] == ["What is first-line?"]
    patient = compose(_question(text=case), [part, other], audience="patient", today_year=TODAY)
    assert any(not s.key.startswith("part_") for s in patient.sections)


def test_a_label_leaves_out_a_name_that_is_only_a_word_of_another():
    from curbside.compose.article import _label

    assert _label(["gabapentin", "sodium valproate", "sodium"]) == "Gabapentin, Sodium valproate"
    assert _label(["methotrexate", "folic acid", "acid"]) == "Methotrexate, Folic acid"


def test_a_case_bottom_line_is_not_a_recommendation_for_a_condition_the_case_does_not_have():
    from curbside.language.vocabulary import Vocabulary

    vocabulary = Vocabulary(
        [("D1", "Synthetic Neuropathy", "condition", "C98.100"), ("D2", "Synthetic Wobbles", "condition", "C98.200")],
        [
            ("synthetic neuropathy", "D1", "name", "Synthetic Neuropathy"),
            ("synthetic wobbles", "D2", "name", "Synthetic Wobbles"),
        ],
    )
    case = "61F, synthetic neuropathy, DMARD-naive, normal renal function. What is first-line?"
    other = _hit(
        "other",
        "Examplamab is recommended first-line for synthetic neuropathy with synthetic wobbles (strong recommendation).",
    )
    own = _hit("own", "Testoxetine is recommended first-line for synthetic neuropathy (strong recommendation).")
    for order, hit in enumerate((other, own)):
        _placed(hit, 3.0, float(order))
    question = understand(case, vocabulary)
    article = compose(question, [other, own], today_year=TODAY, vocabulary=vocabulary)
    assert article.bottom_line and "Testoxetine" in article.bottom_line[0].text


def test_a_caution_for_this_patient_is_shown_next_to_the_treatment_it_limits():
    from curbside.compose.article import _part_sections, _relevant_candidates

    case = "61F, synthetic wobbles, synthetic neuropathy. What is first-line?"
    part = _hit("part", "Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy.")
    _placed(part, 2.0, 0.0)
    caution = _hit(
        "part", "Examplamab should not be used in patients with synthetic wobbles.", section="Special populations"
    )
    caution = Hit(replace(caution.passage, order=1, id="part@1#1"), caution.source, caution.score)  # same source
    _placed(caution, 0.0, 1.0)
    elsewhere = _hit("other", "Examplamab should not be used in synthetic wobbles.", section="Special populations")
    _placed(elsewhere, 0.0, 2.0)
    question = _question(text=case)
    question.conditions = ["synthetic wobbles", "synthetic neuropathy"]
    _, relevant = _relevant_candidates(question, [part, elsewhere, caution], None)
    sections, _ = _part_sections(question, relevant)
    shown = [[c.text for c in b.claims] for s in sections for b in s.bullets]
    assert shown[0] == [
        "Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy.",
        "Examplamab should not be used in patients with synthetic wobbles.",
    ]
    # not again under the patient's circumstances; another source's caution keeps its own bullet there
    assert shown[1:] == [["Examplamab should not be used in synthetic wobbles."]]


def test_an_age_range_or_an_unless_clause_makes_no_caution_this_patients():
    from curbside.compose.article import _cautions_for_case, _relevant_candidates

    question = _question(text="61F, synthetic neuropathy, CrCl 80. What is first-line?")
    adults = _hit("adults", "Use high-dose examplamab unless contraindicated.", section="Adults aged 21 years or older")
    kidney = _hit("kidney", "Examplamab should not be used.", section="CrCl 60-90 mL/min")
    _, relevant = _relevant_candidates(question, [adults, kidney], None)
    assert [c.hit.source.id for c in _cautions_for_case(question, relevant)] == ["kidney"]


def test_a_case_bottom_line_answers_the_first_thing_asked_first():
    case = "61F, synthetic neuropathy. What is first-line? How long for?"
    first = _hit("first", "Examplamab is recommended for synthetic neuropathy.")
    _placed(first, 1.0, 1.0)
    second = _hit("second", "Testoxetine is recommended for synthetic neuropathy.")
    _placed(second, 2.0, 0.0)
    article = compose(_question(text=case), [first, second], today_year=TODAY)
    assert article.bottom_line[0].text.startswith("Examplamab")


def test_a_dose_that_names_no_drug_is_quoted_with_the_sentence_before_it_that_does():
    hit = _hit("dose", "Examplamab is preferred for synthetic neuropathy.\n- Dose: Start 20 mg once daily.")
    claims = compose(_question(), [hit], today_year=TODAY).all_claims()
    assert [c.text for c in claims] == [
        "Examplamab is preferred for synthetic neuropathy.\n- Dose: Start 20 mg once daily."
    ]
    assert claims[0].doses  # the dose travels with its drug


def test_a_list_item_ending_in_and_is_not_quoted_alone():
    from curbside.compose.article import _is_boilerplate
    from curbside.compose.extract import Statement

    item = "Emptying of the bladder and"
    assert _is_boilerplate(Statement(item, 0, len(item), lead_in="Give immediate clinical treatment:"))
    whole = "Empty the bladder and give a uterotonic drug."
    assert not _is_boilerplate(Statement(whole, 0, len(whole)))


def test_a_passage_read_for_a_fact_of_the_case_is_shown_with_the_further_recommendations():
    case = "61F, synthetic neuropathy, creatinine 1.0 -> 1.4 mg/dL. What is first-line?"
    ask = _hit("ask", "Examplamab is recommended for synthetic neuropathy. Testoxetine is an alternative therapy.")
    _placed(ask, 2.0, 0.0)
    fact = _hit("fact", "Synthetic kidney injury is defined as a rise in creatinine of 0.3 mg/dL within 48 hours.")
    _placed(fact, 1.0, 1.0)
    article = compose(_question(text=case), [ask, fact], today_year=TODAY)
    further = [c.text for s in article.sections if s.key == "part_further" for b in s.bullets for c in b.claims]
    assert any(t.startswith("Synthetic kidney injury is defined") for t in further)
    # background to a fact of the case, not an answer: never the bottom line
    assert not any(c.text.startswith("Synthetic kidney injury") for c in article.bottom_line)


def test_a_sentence_that_goes_on_from_the_one_before_is_quoted_with_it():
    from curbside.compose.article import _read

    text = "If symptoms occur, stop examplamab for synthetic neuropathy. Then restart examplamab at a lower dose."
    assert [r.statement.text for r in _read("seq@1#0", text, "Recommendations", "", None)] == [text]
    apart = "Stop examplamab for synthetic neuropathy. Restart examplamab at a lower dose."
    assert len(_read("apart@1#0", apart, "Recommendations", "", None)) == 2


def test_a_case_asking_about_a_drug_gets_a_bottom_line_about_that_drug():
    case = "71F, synthetic neuropathy, normal renal function, weight 72 kg. Can I still give examplamab?"
    other = _hit("other", "Testoxetine is recommended for synthetic neuropathy with normal renal function.")
    _placed(other, 3.0, 0.0)
    asked = _hit("asked", "Examplamab is recommended for synthetic neuropathy.")
    _placed(asked, 3.0, 1.0)
    question = _question(text=case, drugs=["examplamab"])
    article = compose(question, [other, asked], today_year=TODAY)
    assert article.bottom_line and article.bottom_line[0].text.startswith("Examplamab")


def test_further_recommendations_follow_the_reading_order_of_whole_question_and_fact_passages():
    """The passages closest to the whole case and those read for a fact of it ("sPESI 0" brought
    "Low-risk PE may be considered for home treatment") are shown in the order the topic reading
    ranked them, up to the section's cap: neither kind crowds out the other's first passages."""
    case = "61F, synthetic neuropathy, creatinine 1.0 -> 1.4 mg/dL. What is first-line?"
    ask = _hit("ask", "Examplamab is recommended for synthetic neuropathy.")
    _placed(ask, 2.0, 0.0)
    hits = []
    for n in range(10):
        fact = _hit(f"fact{n}", f"Synthetic kidney finding {n} is defined by a rise in creatinine of {n + 1} mg/dL.")
        _placed(fact, 1.0, 2.0 * n + 1.0)  # orders 1, 3, 5 ... 19
        whole = _hit(
            f"whole{n}", f"Synthetic option {n} is advised when synthetic neuropathy comes with kidney injury."
        )
        _placed(whole, -1.0, 2.0 * n + 2.0)  # orders 2, 4, 6 ... 20
        hits += [fact, whole]
    article = compose(_question(text=case), [ask, *hits], today_year=TODAY)
    further = [c.text for s in article.sections if s.key == "part_further" for b in s.bullets for c in b.claims]
    first = [t.split()[1] for t in further[:3]]
    assert "kidney" in first and "option" in first  # read second in turn, not after every fact
    assert len(further) <= 13  # the cap: the last passages in reading order are left out
    assert not any(t.startswith(("Synthetic kidney finding 9", "Synthetic option 9")) for t in further)


def test_a_part_quotes_statements_written_for_other_patients_after_the_others():
    from curbside.language.vocabulary import Vocabulary

    vocabulary = Vocabulary(
        [("D1", "Synthetic Neuropathy", "condition", "C99.1"), ("D2", "Synthetic Cancer", "condition", "C98.1")],
        [("synthetic neuropathy", "D1", "name", "x"), ("synthetic cancer", "D2", "name", "x")],
    )
    case = "64M, synthetic neuropathy, CrCl 80. Which drug first?"
    texts = [
        "In patients with synthetic neuropathy and synthetic cancer, examplamab is recommended.",
        "In patients with synthetic neuropathy, testoxetine is recommended.",
        "In patients with synthetic neuropathy, fictinib is an alternative.",
        "In patients with synthetic neuropathy, placebomab may be considered.",
    ]
    hits = [_hit(f"p{n}", text) for n, text in enumerate(texts)]
    ask = [_in_first_ask(case, hit, n) for n, hit in enumerate(hits)][0]
    article = compose(_question(text=case), hits, today_year=TODAY, vocabulary=vocabulary)
    shown = [c.text for c in article.bottom_line] + [
        c.text for s in article.sections if s.key == f"part_{ask}" for b in s.bullets for c in b.claims
    ]
    assert shown[-1] == texts[0], shown  # read first for the ask, quoted last


def test_a_parts_label_names_only_what_its_statement_does_not():
    case = "64M, synthetic neuropathy, CrCl 80. Which drug and dose?"
    hits = [
        _hit("named", "Examplamab is recommended for synthetic neuropathy."),
        _hit("named2", "Fictinib is an alternative for synthetic neuropathy."),
        _hit("row", "Starting dose: 20 mg once daily.", section="Synthetic neuropathy › Testoxetine"),
    ]
    ask = [_in_first_ask(case, hit, n) for n, hit in enumerate(hits)][0]
    article = compose(_question(text=case), hits, today_year=TODAY)
    labels = {b.claims[0].text: b.label for s in article.sections if s.key == f"part_{ask}" for b in s.bullets}
    body = {t: labels[t] for t in labels if not any(t == c.text for c in article.bottom_line)}
    assert "Starting dose: 20 mg once daily." in body or "Starting dose" in " ".join(
        c.text for c in article.bottom_line
    )
    assert all(label == ("Testoxetine" if text.startswith("Starting dose") else "") for text, label in body.items())
    assert any(label == "" for label in body.values())


def test_a_part_quotes_the_statements_of_a_passage_that_speak_to_the_case_first():
    case = "30F, synthetic haemorrhage, asthma. Which drugs must I avoid?"
    passage = (
        "- Relative contraindication for examplamab in hepatic disease.\n"
        "- Testoxetine can cause diarrhoea in some patients.\n"
        "- Avoid placebomab in asthmatic patients."
    )
    hit = _hit("avoid", passage)
    ask = _in_first_ask(case, hit)
    article = compose(_question(text=case), [hit], today_year=TODAY)
    part = [c.text for s in article.sections if s.key == f"part_{ask}" for b in s.bullets for c in b.claims]
    assert any("Avoid placebomab in asthmatic patients" in t for t in part + [c.text for c in article.bottom_line])


def test_two_statements_that_follow_each_other_in_a_passage_are_quoted_as_one():
    case = "30F, synthetic haemorrhage, asthma, hypertension. Which drugs must I avoid?"
    passage = (
        "- Relative contraindication for examplamab in hepatic disease.\n"
        "- Avoid testoxetine if patient is hypertensive.\n"
        "- Avoid placebomab in asthmatic patients."
    )
    hit = _hit("avoid", passage)
    _in_first_ask(case, hit)
    article = compose(_question(text=case), [hit], today_year=TODAY)
    shown = [c.text for c in article.all_claims()]
    joined = "Avoid testoxetine if patient is hypertensive.\n- Avoid placebomab in asthmatic patients."
    assert any(joined in t for t in shown)


def test_a_case_bottom_line_does_not_advise_what_a_caution_for_this_patient_rules_out():
    case = "47F, synthetic thrombosis, synthetic antibody syndrome. Can I use examplamab?"
    use = _hit("use", "In a 47F with synthetic thrombosis, use examplamab: examplamab is recommended (Grade 1A).")
    caution = _hit("caution", "Examplamab is NOT recommended for patients with synthetic antibody syndrome.")
    for order, hit in enumerate([use, caution]):
        _in_first_ask(case, hit, order)
    question = replace(_question(text=case), conditions=["synthetic thrombosis", "synthetic antibody syndrome"])
    article = compose(question, [use, caution], today_year=TODAY)
    assert [c.text for c in article.bottom_line] == [caution.passage.text]
