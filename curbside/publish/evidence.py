"""Re-review when evidence changes: a cited source gets a new version or is withdrawn.

`flag_source_change` runs inside the transaction that supersedes or withdraws the source, so a
new source version never exists without the flags on the articles that cite the old one (a
killed ingest rolls both back together). Editors then read each open change as a passage diff
of exactly what the article quotes, and `resolve` closes the changes once a reviewer approves a
version checked against the new evidence.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from dataclasses import dataclass, field

from ..model import article_from_dict
from ..store import evidence as store
from ..store import sources as source_store
from ..store.articles import now
from . import audit

NEW_VERSION, WITHDRAWN = "new version", "withdrawn"
# How alike two passages must be (difflib ratio) to count as the same passage reworded.
SIMILAR = 0.5


@dataclass
class PassageChange:
    """One passage an article quotes, beside what the new source version says in its place."""

    passage_id: str  # the passage the article cites
    new_passage_id: str  # its counterpart in the new version; "" = no longer in the source
    section: str
    old_text: str
    new_text: str
    diff: list[tuple[str, str]]  # (kind, words with their spacing): kind is "same", "added" or "removed"

    @property
    def changed(self) -> bool:
        return any(kind != "same" for kind, _ in self.diff)


@dataclass
class EvidenceChange:
    id: int
    article_id: str
    source_id: str
    source_title: str
    cited_version: int
    new_version: int | None  # None when the source was withdrawn
    change: str  # "new version" or "withdrawn"
    detected_at: str
    resolved_at: str | None
    passages: list[PassageChange] = field(default_factory=list)


# -- flagging (inside the ingest / withdraw transaction) ---------------------------------------------


def flag_source_change(
    conn: sqlite3.Connection, source_id: str, cited_version: int, new_version: int | None
) -> list[str]:
    """Flag every article in editorial care whose latest or published version cites the source at
    `cited_version` or earlier; returns the ids flagged now. Call inside the source's transaction.

    Earlier versions count too: an article still quoting version 1 when version 3 arrives must see
    the change to version 3, and withdrawing a source concerns whoever cites any version of it."""
    change = NEW_VERSION if new_version is not None else WITHDRAWN
    rows = store.citing_articles(conn, source_id, cited_version)
    flagged: list[str] = []
    for row in rows:
        article_id, cited = row["id"], row["cited"]
        if store.open_change_exists(conn, article_id, source_id, cited, new_version, change):
            continue
        change_id = store.insert_evidence_change(conn, article_id, source_id, cited, new_version, change, now())
        store.mark_needs_rereview(conn, article_id)
        audit.append(
            conn,
            "curbside",
            "flag_rereview",
            article_id,
            detail={
                "source_id": source_id,
                "cited_version": cited,
                "new_version": new_version,
                "change": change,
                "evidence_change": change_id,
            },
        )
        if article_id not in flagged:
            flagged.append(article_id)
    return flagged


# -- reading and resolving ---------------------------------------------------------------------------


def open_changes(conn: sqlite3.Connection, article_id: str) -> list[EvidenceChange]:
    """The article's unresolved evidence changes, oldest first, each with the passages it quotes."""
    rows = store.open_changes_of(conn, article_id)
    if not rows:
        return []
    cited = _cited_passage_ids(conn, article_id)
    return [_change(conn, row, cited) for row in rows]


def queue(conn: sqlite3.Connection) -> list[tuple[str, str, str, list[EvidenceChange]]]:
    """(article id, title, status, open changes) of every article awaiting re-review, the one
    waiting longest first."""
    rows = store.articles_awaiting_rereview(conn)
    return [(r["id"], r["title"], r["status"], open_changes(conn, r["id"])) for r in rows]


def resolve(conn: sqlite3.Connection, article_id: str, actor: str) -> int:
    """Close the article's open changes (a reviewer approved a version checked against the new
    evidence); returns how many were closed. Call inside the approving transaction."""
    ids = store.open_change_ids(conn, article_id)
    store.clear_needs_rereview(conn, article_id)
    if not ids:
        return 0
    store.resolve_open_changes(conn, article_id, now())
    audit.append(conn, actor, "resolve_rereview", article_id, detail={"evidence_changes": ids})
    return len(ids)


# -- passages and their diffs ------------------------------------------------------------------------


def _cited_passage_ids(conn: sqlite3.Connection, article_id: str) -> set[str]:
    """The passages the latest and the published version quote (what a reviewer must re-check)."""
    rows = store.cited_version_bodies(conn, article_id)
    return {claim.passage_id for row in rows for claim in article_from_dict(json.loads(row["body"])).all_claims()}


def _change(conn: sqlite3.Connection, row: sqlite3.Row, cited: set[str]) -> EvidenceChange:
    old = source_store.get_source(conn, row["source_id"], row["cited_version"])
    new = source_store.get_source(conn, row["source_id"], row["new_version"]) if row["new_version"] else None
    title = (new or old)[1].title if (new or old) else row["source_id"]
    old_passages = [p for p in source_store.passages_of(conn, old[0], row["source_id"]) if p.id in cited] if old else []
    new_passages = source_store.passages_of(conn, new[0], row["source_id"]) if new else []
    return EvidenceChange(
        id=row["id"],
        article_id=row["article_id"],
        source_id=row["source_id"],
        source_title=title,
        cited_version=row["cited_version"],
        new_version=row["new_version"],
        change=row["change"],
        detected_at=row["detected_at"],
        resolved_at=row["resolved_at"],
        passages=[_passage_change(p, new_passages) for p in old_passages],
    )


def _passage_change(old, new_passages) -> PassageChange:
    match = _counterpart(old, new_passages)
    new_text = match.text if match else ""
    return PassageChange(
        passage_id=old.id,
        new_passage_id=match.id if match else "",
        section=old.section,
        old_text=old.text,
        new_text=new_text,
        diff=_word_diff(old.text, new_text),
    )


def _counterpart(old, new_passages):
    """The same section and place if its text is still alike, else the most alike passage, else None."""
    for candidate in new_passages:
        if (
            candidate.order == old.order
            and candidate.section == old.section
            and _ratio(old.text, candidate.text) >= SIMILAR
        ):
            return candidate
    best, best_ratio = None, SIMILAR
    for candidate in new_passages:
        matcher = difflib.SequenceMatcher(None, old.text, candidate.text, autojunk=False)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue  # cheap upper bounds rule most passages out before the full comparison
        ratio = matcher.ratio()
        if ratio >= best_ratio and (best is None or ratio > best_ratio):
            best, best_ratio = candidate, ratio
    return best


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    # Imported here: ingest imports this module to flag, and need not load the renderers the diff uses.
    from .diff import text_diff

    return [(line.kind, line.text) for line in text_diff(old, new)]
