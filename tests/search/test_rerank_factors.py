"""The rerank reads every factor's values from RerankFactors (and each audience's KindPrior), not
from numbers of its own: changing a field changes the factor it names, and nothing else."""

from __future__ import annotations

from dataclasses import replace

from curbside.model import Hit, Passage, Source
from curbside.search.rerank import CLINICAL_KIND_PRIOR, RerankFactors, RerankWeights, rerank
from curbside.search.understand import understand


def hit(kind: str, year: int | None, section: str) -> Hit:
    source = Source(id=f"test:{kind}", kind=kind, title="Synthetic examplosis leaflet", origin="test", year=year)
    return Hit(Passage(source.id, 0, section, "Synthetic text about examplosis."), source, 1.0, {"fused": 1.0})


def factors_of(h: Hit, factors: RerankFactors, audience: str = "physician") -> dict[str, float]:
    (ranked,) = rerank(understand("How is examplosis treated?"), [h], RerankWeights(), audience, None, factors)
    return {name: ranked.explain[f"rerank_{name}"] for name in ("kind", "section", "recency")}


def test_the_defaults_score_as_the_rerank_always_has() -> None:
    assert factors_of(hit("guideline", 2010, "Recommendations"), RerankFactors()) == {
        "kind": 1.0,
        "section": 1.0,
        "recency": 0.5,
    }
    assert factors_of(hit("unheard_of", None, "Background"), RerankFactors()) == {
        "kind": 0.5,
        "section": 0.0,
        "recency": 0.3,
    }


def test_each_field_changes_the_factor_it_names() -> None:
    changed = RerankFactors(
        clinical_kinds=replace(CLINICAL_KIND_PRIOR, guideline=0.25, other=0.125),
        recommendation_section=0.75,
        background_section=0.375,
        recency_from_year=2000,
        recency_span_years=20,
        undated=0.0625,
    )
    assert factors_of(hit("guideline", 2010, "Recommendations"), changed) == {
        "kind": 0.25,
        "section": 0.75,
        "recency": 0.5,
    }
    assert factors_of(hit("unheard_of", None, "Background"), changed) == {
        "kind": 0.125,
        "section": 0.375,
        "recency": 0.062,
    }
    # Patients have their own priors, untouched by the clinical ones.
    assert factors_of(hit("guideline", 2010, "Other"), changed, "patient")["kind"] == 0.5
