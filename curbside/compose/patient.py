"""Which of the statements that answer equally well a patient article shows: the readable ones.

Compose orders statements by evidence (compose._evidence_order) and, for every audience, fills each
section's bullets from the strongest. For the patient audience only, it asks PatientSelection here
to choose instead: within the evidence order's tiers (on topic, written for patients, graded
guideline or review), the sentences a patient can read come first (audience.reading_band of their
plain reading), then the rest of the evidence order. It only chooses: every claim is still a whole
cited sentence, and the other audiences never come here.

- a section of single statements (diagnosis, monitoring, considerations) takes its bullets from its
  PATIENT_WINDOW strongest statements, the most readable first, and leaves the hard ones out when
  PATIENT_ENOUGH_IN_SECTION readable ones are there to take their places;
- a bullet shows its most readable claims first;
- which interventions get a bullet stays as the evidence order has it: each is its own point;
- safety content (audience.is_safety, and every bullet of a safety section) is never left out for
  being hard: what other readers get of it, the patient gets too;
- the bottom line quotes, of the first BOTTOM_LINE_WINDOW bullets a part of it could use, the first
  in the best reading band.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import Bullet
from .audience import SAFETY_SECTIONS, is_safety, reading_band
from .candidates import Candidate, Draft
from .layouts import CLAIM_LIMIT, DETAIL_LIMIT, SECTION_LIMIT, SectionSpec

# How many of a section's strongest statements readability may choose among, how many readable ones
# it needs before it leaves the hard ones out, and the bullets the bottom line may choose among.
PATIENT_WINDOW = 3 * SECTION_LIMIT
PATIENT_ENOUGH_IN_SECTION = 3
BOTTOM_LINE_WINDOW = 3

# compose's "one claim per source before a second from the same source" (candidates, limit, sort key):
# a patient's bullet starts from what every audience gets, so it is passed in rather than copied.
Spread = Callable[..., list]


class PatientSelection:
    """The choices of one patient article; `protected` are the question's drug and condition names,
    which the plain reading (and so the grade) leaves as they are."""

    def __init__(self, protected: tuple[str, ...], spread_over_sources: Spread):
        self.protected = protected
        self._spread = spread_over_sources

    def band(self, candidate: Candidate) -> int:
        return reading_band(candidate.statement.text, self.protected, alone=not candidate.statement.lead_in)

    def key(self, candidate: Candidate) -> tuple:
        on_topic, for_reader, tier, *rest = candidate.order
        return on_topic, for_reader, tier, self.band(candidate), *rest

    def bullets(self, spec: SectionSpec, drafts: list[Draft]) -> list[tuple[Draft, list[Candidate]]]:
        """The section's bullets, in the order shown: each draft chosen with the candidates it quotes."""
        drafts = sorted(drafts, key=lambda d: d.main[0].order)
        if spec.by_intervention or spec.key in SAFETY_SECTIONS or len(drafts) <= 1:
            chosen = drafts[:SECTION_LIMIT]
        else:
            statements = [d.main[0] for d in drafts[:PATIENT_WINDOW]]
            kept, others = self._readable_first(statements, statements[:SECTION_LIMIT], PATIENT_ENOUGH_IN_SECTION)
            leads = {id(c) for c in kept + others[: max(0, SECTION_LIMIT - len(kept))]}
            chosen = sorted((d for d in drafts if id(d.main[0]) in leads), key=lambda d: self.key(d.main[0]))
        return [(draft, self._claims_of(draft)) for draft in chosen]

    def _claims_of(self, draft: Draft) -> list[Candidate]:
        mains = draft.main
        if len(mains) > CLAIM_LIMIT:  # one claim per source first, as for everyone, then the most readable
            kept, others = self._readable_first(mains, self._spread(mains, CLAIM_LIMIT))
            mains = kept + self._spread(others, CLAIM_LIMIT - len(kept), self.key)
        details = draft.details
        if len(details) > DETAIL_LIMIT:
            kept, others = self._readable_first(details, sorted(details, key=lambda c: c.order)[:DETAIL_LIMIT])
            details = kept + others[: DETAIL_LIMIT - len(kept)]
        return self._ordered(mains) + self._ordered(details)

    def _ordered(self, candidates: list[Candidate]) -> list[Candidate]:
        # Grading a sentence costs its plain reading: only done where there is a choice to make.
        return sorted(candidates, key=self.key) if len(candidates) > 1 else candidates

    def _readable_first(
        self, candidates: list[Candidate], usual: list[Candidate], enough: int | None = None
    ) -> tuple[list, list]:
        """(the safety statements of `usual`, what the other audiences get: these all stay; the other
        `candidates`, most readable first, less the hard ones when `enough` readable ones are there)."""
        kept = [c for c in usual if is_safety(c.statement)]
        taken = {id(c) for c in kept}
        others = sorted((c for c in candidates if id(c) not in taken), key=self.key)
        readable = [c for c in others if self.band(c) < 2]
        return kept, readable if enough is not None and len(readable) >= enough else others

    def most_readable(self, bullets: list[Bullet]) -> Bullet:
        """Of the first BOTTOM_LINE_WINDOW bullets (the strongest evidence), the first whose lead quote
        is in the best reading band."""
        window = bullets[:BOTTOM_LINE_WINDOW]
        if len(window) == 1:
            return window[0]
        return min(window, key=lambda b: (reading_band(b.claims[0].text, self.protected), window.index(b)))
