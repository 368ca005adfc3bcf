"""The reference list of an article: one typed reference per cited source, numbered by first use.

A claim cites the passage it was quoted from; its citation number points to the reference of
that passage's source, and the reference lists every passage of it the article quotes. Numbers
follow reading order (bottom line, then the sections in order), so a reader meets [1] first.
`renumber` is the single place numbers are decided: compose calls it once the claims are placed,
and any later stage that drops a claim calls it again, so every number always resolves to one
reference and every reference is cited.
"""

from __future__ import annotations

import re

from ..model import Article, Claim, Hit, Reference, Source

_CITATION = re.compile(r"\[(\d+)\]")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def identifier_and_url(source: Source) -> tuple[str, str]:
    """How a reader finds the source: the strongest identifier it has and a link to it.

    A DOI or PMID names the guideline or study itself rather than a summary of it, so they come
    before the NGC summary number; consumer pages and local files fall back to their own ids."""
    ids = {key.lower(): str(value).strip() for key, value in source.identifiers.items() if str(value).strip()}
    if doi := ids.get("doi"):
        doi = _DOI_PREFIX.sub("", doi)
        return f"doi:{doi}", f"https://doi.org/{doi}"
    if pmid := ids.get("pmid"):
        return f"PMID {pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    if ngc := ids.get("ngc"):
        return f"NGC {ngc}", source.url
    if qid := ids.get("qid"):
        return qid, source.url
    if source.url:
        return source.url, source.url
    return ids.get("path", ""), ""


def is_possibly_superseded(source: Source, today_year: int, superseded_after_years: int) -> bool:
    """Older than the set age, or already replaced by a newer version in the library."""
    if source.status != "current":
        return True
    return source.year is not None and today_year - source.year > superseded_after_years


def reference_for(
    source: Source, number: int, passage_ids: list[str], *, today_year: int, superseded_after_years: int
) -> Reference:
    identifier, url = identifier_and_url(source)
    return Reference(
        number=number,
        source_id=source.id,
        source_version=source.version,
        type=source.reference_type,
        title=source.title,
        developer=source.developer,
        year=source.year,
        identifier=identifier,
        url=url,
        passage_ids=list(passage_ids),
        possibly_superseded=is_possibly_superseded(source, today_year, superseded_after_years),
    )


def cite(article: Article, claims: list[Claim], source_of: dict[str, Source], *, today_year: int) -> None:
    """Give each claim a reference (one per source and version) and number them by first use.

    `source_of` maps a passage id to its source. Call once, after the claims are placed."""
    provisional: dict[tuple[str, int], Reference] = {}
    for claim in claims:
        source = source_of[claim.passage_id]
        key = (source.id, source.version)
        if key not in provisional:
            provisional[key] = reference_for(
                source,
                len(provisional) + 1,
                [],
                today_year=today_year,
                superseded_after_years=article.superseded_after_years,
            )
        claim.citation = provisional[key].number
    article.references = list(provisional.values())
    renumber(article)


def renumber(article: Article) -> None:
    """Renumber references by first use, drop uncited ones, and rewrite every number that points
    to them: claim citations, sources-differ notes (and the copy on their bullet), evidence dates.
    A sources-differ note citing a reference no longer cited by any claim is removed."""
    old = {reference.number: reference for reference in article.references}
    new_number: dict[int, int] = {}
    passages: dict[int, list[str]] = {}
    claims = _unique(article.all_claims())
    for claim in claims:
        if claim.citation not in old:
            continue
        number = new_number.setdefault(claim.citation, len(new_number) + 1)
        cited = passages.setdefault(number, [])
        if claim.passage_id not in cited:
            cited.append(claim.passage_id)
    for claim in claims:
        claim.citation = new_number.get(claim.citation, 0)
    references = []
    for old_number, number in sorted(new_number.items(), key=lambda item: item[1]):
        reference = old[old_number]
        reference.number, reference.passage_ids = number, passages[number]
        references.append(reference)
    article.references = references
    _renumber_differences(article, new_number)
    years = [r.year for r in references if r.year is not None]
    article.evidence_newest = max(years) if years else None
    article.evidence_oldest = min(years) if years else None


def closest_sources(
    hits: list[Hit], *, today_year: int, superseded_after_years: int, limit: int = 5
) -> list[Reference]:
    """References of the best hits, one per source, for an article that cannot answer: what the
    library did find, numbered in retrieval order."""
    found: dict[tuple[str, int], Reference] = {}
    for hit in hits:
        key = (hit.source.id, hit.source.version)
        if key in found:
            found[key].passage_ids.append(hit.passage.id)
        elif len(found) < limit:
            found[key] = reference_for(
                hit.source,
                len(found) + 1,
                [hit.passage.id],
                today_year=today_year,
                superseded_after_years=superseded_after_years,
            )
    return list(found.values())


def _unique(claims: list[Claim]) -> list[Claim]:
    """Each claim object once, in reading order: the bottom line may hold the very object a
    section holds, and renumbering it twice would corrupt its number."""
    seen, out = set(), []
    for claim in claims:
        if id(claim) not in seen:
            seen.add(id(claim))
            out.append(claim)
    return out


def _renumber_differences(article: Article, new_number: dict[int, int]) -> None:
    kept_texts: dict[str, str] = {}
    kept = []
    for note in article.differ:
        if not all(citation in new_number for citation in note.citations):
            continue
        rewritten = _CITATION.sub(lambda m: f"[{new_number.get(int(m.group(1)), m.group(1))}]", note.text)
        kept_texts[note.text] = rewritten
        note.text, note.citations = rewritten, sorted(new_number[c] for c in note.citations)
        kept.append(note)
    article.differ = kept
    for section in article.sections:
        for bullet in section.bullets:
            if bullet.differ:
                bullet.differ = kept_texts.get(bullet.differ, "")
