"""The statements compose considers and the bullets it fills, shared by article.py and patient.py
(patient selection chooses among the same candidates for the patient audience)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Claim, Hit
from .extract import Statement


@dataclass
class Candidate:
    """A statement considered for the article, with the hit it came from and, once found
    relevant, its place in the evidence order."""

    statement: Statement
    hit: Hit
    order: tuple
    roles: set[str]
    # What it is about: the interventions it names, else a drug of the question its passage's
    # heading names (a row under "Allopurinol" that says only "Starting dose: 100 mg/day").
    interventions: list[str]
    claim: Claim | None = None


@dataclass
class Draft:
    """A bullet being filled: its main candidates and the dose details attached to it."""

    key: tuple[str, ...]
    label: str
    main: list[Candidate] = field(default_factory=list)
    details: list[Candidate] = field(default_factory=list)
