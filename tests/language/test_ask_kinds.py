"""What kind of answer an ask wants and what kinds a passage gives (language/ask_kinds.py).
Synthetic wording only."""

from __future__ import annotations

from curbside.language.ask_kinds import CHOICE, DOSE, DURATION, MONITORING, SAFETY, TARGET, ask_kinds, gives_kinds


def test_asks_say_what_kind_of_answer_they_want():
    assert ask_kinds("Which drug and dose") == {CHOICE, DOSE}
    assert ask_kinds("do I stop at 3 months or keep going?") >= {DURATION}
    assert ask_kinds("Is drug A OK in pregnancy?") == {SAFETY}
    assert ask_kinds("how often do I check levels?") == {MONITORING}
    assert ask_kinds("BP target?") == {TARGET}
    assert ask_kinds("Next?") == frozenset()


def test_passages_give_kinds_of_answer_from_what_their_statements_were_read_as():
    row = gives_kinds(
        "Drug: A; Initial: 10 mg twice daily for 7 days", doses=True, against=False, recommends_agent=False, roles=set()
    )
    assert {DOSE, DURATION} <= row
    caution = gives_kinds("Drug A should not be used.", doses=False, against=True, recommends_agent=False, roles=set())
    assert SAFETY in caution and DOSE not in caution
    assert MONITORING in gives_kinds(
        "Check levels.", doses=False, against=False, recommends_agent=False, roles={"monitoring"}
    )
