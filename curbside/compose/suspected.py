"""The diagnosis a case points to when it names only what the patient presents with.

Clinicians write cases by their findings: "fever, neck stiffness, GCS 12, CT pending so LP
delayed" means suspected bacterial meningitis, though no word says so. Understanding then takes
the finding (fever) for the topic, and the guidelines on fever in children or neutropenia are
read instead of the meningitis guidelines the search found. The search itself knows better: the
guidelines among its first hits are titled with the diagnosis. So when the question's condition
is a sign or symptom (MeSH C23.888), and the library has few guidelines on that finding for this
patient, the condition the most guideline titles among the hits name (or name a narrower form of)
becomes the topic, with the finding kept among the conditions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from ..language.measures import fit, patient_of
from ..model import Hit
from ..search.understand import Question
from .topic_reading import STRONG_KINDS

_FINDING_TREE = "C23.888"  # MeSH "Signs and Symptoms"
_MANIFESTATION_TREES = ("C23", "C10.597")  # pathological conditions, signs and symptoms; neurologic manifestations
_MIN_DEPTH = 2  # dots in the deepest tree number of a concept specific enough to be suspected


@dataclass(frozen=True)
class Suspecting:
    """Figures from the clinician development set (bench/clinician.py, demo library)."""

    # The first guideline and review sources among the search hits, for this patient, whose titles
    # are read: the head of the ranking, where the search agrees on the topic.
    scan_sources: int = 10
    rank_offset: float = 10.0  # a source's weight: 1 / (rank of its first hit + offset), for ties
    # A diagnosis is suspected only when at least this many of their titles name it; and not at
    # all when one names the finding itself (a guideline on fever in infants, on dyspepsia).
    min_sources: int = 2


def with_suspected_condition(q: Question, hits: list[Hit], vocabulary, reading: Suspecting = Suspecting()) -> Question:
    """`q` with the suspected diagnosis as its condition, or `q` itself."""
    name = suspected_condition(q, hits, vocabulary, reading)
    if name is None:
        return q
    concept = vocabulary.lookup(name)
    expansions = [e for e in vocabulary.expansions_for(concept.id) if e != name] if concept else []
    return replace(
        q,
        condition=name,
        suspected_from=q.condition,
        conditions=[name, *q.conditions],
        condition_expansions=[*expansions, *q.condition_expansions],
    )


def suspected_condition(q: Question, hits: list[Hit], vocabulary, reading: Suspecting = Suspecting()) -> str | None:
    finding = vocabulary.lookup(q.condition) if q.condition else None
    if finding is None or not _is_finding(finding):
        return None
    patient = patient_of(q.text)
    weights: dict[str, float] = {}
    titles: dict[str, str] = {}
    declared_conditions: dict[str, list[str]] = {}
    for rank, hit in enumerate(hits):
        source = hit.source
        if len(titles) == reading.scan_sources:
            break
        if source.id in titles or source.kind not in STRONG_KINDS or fit(patient, "", source.title).excludes:
            continue
        weights[source.id] = 1.0 / (rank + reading.rank_offset)
        titles[source.id] = source.title
        declared_conditions[source.id] = source.conditions
    finding_and_narrower = {finding.id, *vocabulary.narrower(finding.id)}
    # A condition the case names beside the finding is the background it happens in ("breast
    # cancer on tamoxifen, hot flushes"), not the diagnosis the finding points to.
    named_in_case = {m.mesh_id for m in vocabulary.match(" ".join(q.conditions)) if m.mesh_id != finding.id}
    background = named_in_case | {b for cid in named_in_case for b in vocabulary.broader(cid)}
    named_by: Counter = Counter()
    weight: Counter = Counter()
    for source_id, title in titles.items():
        named = {m.mesh_id for m in vocabulary.match(title)}
        declared = {m.mesh_id for m in vocabulary.match(" ; ".join(declared_conditions[source_id]))}
        if (named | declared) & finding_and_narrower:
            return None  # a guideline on the finding itself, for this patient: the finding is the topic
        for concept_id in _title_conditions(named, declared, vocabulary) - background:
            named_by[concept_id] += 1
            weight[concept_id] += weights[source_id]
    if not named_by:
        return None
    # The most guideline titles, then the most specific, then the highest in the search.
    best = max(named_by, key=lambda cid: (named_by[cid], _depth(vocabulary.concepts[cid]), weight[cid], cid))
    if named_by[best] < reading.min_sources:
        return None
    return vocabulary.concepts[best].name.lower()


def _title_conditions(named: set[str], declared: set[str], vocabulary) -> set[str]:
    """The conditions among a title's concepts, each with the conditions one level broader
    ("bacterial meningitis" names meningitis too); signs, symptoms and families of diseases
    left out. A title concept the guideline also declares as its condition counts whatever its
    MeSH category: "Menopause: diagnosis and management" is filed under physiology, yet the
    guideline lists menopause as the condition it covers."""
    found = set()
    for concept_id in named:
        if vocabulary.concepts[concept_id].category != "condition" and concept_id not in declared:
            continue
        found.add(concept_id)
        found.update(b for b in vocabulary.broader(concept_id) if vocabulary.concepts[b].category == "condition")
    return {cid for cid in found if not _is_finding(vocabulary.concepts[cid]) and _specific(vocabulary.concepts[cid])}


def _specific(concept) -> bool:
    """A diagnosis, not a family of them: "Infection" (C01) and "Neoplasms by Site" (C04.588)
    sit too high in the tree to be what a case means."""
    return _depth(concept) >= _MIN_DEPTH


def _depth(concept) -> int:
    return max((tree.count(".") for tree in concept.tree_numbers), default=0)


def _is_finding(concept) -> bool:
    """A sign or symptom and nothing else: pain is filed under neurologic manifestations too, and
    is still a symptom; obesity is filed under body-weight signs too, but also as a disease."""
    diseases = [tree for tree in concept.tree_numbers if tree.startswith("C")]
    return any(tree.startswith(_FINDING_TREE) for tree in diseases) and all(
        tree.startswith(_MANIFESTATION_TREES) for tree in diseases
    )
