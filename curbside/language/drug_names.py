"""Other names of drugs (data/drug_names.tsv): the international or British name a guideline
writes ("salbutamol", "paracetamol", "acetylsalicylic acid") and the name the MeSH vocabulary
files the drug under ("albuterol", "acetaminophen", "aspirin"). Read once; used by the vocabulary
to recognise the other names and by the sources-differ check to know two names are one drug."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def other_drug_names() -> dict[str, str]:
    """Each other name, lowercased, with the MeSH name it stands for (as MeSH writes it)."""
    text = resources.files("curbside").joinpath("data/drug_names.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")][1:]
    return {other.strip().lower(): mesh.strip() for other, mesh in rows}


def usual_drug_name(name: str) -> str:
    """The name the vocabulary files a drug under, lowercased: one key for a drug's names."""
    lowered = name.lower()
    return other_drug_names().get(lowered, lowered).lower()
