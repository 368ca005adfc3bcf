"""Reading and writing the vocabulary: concepts (MeSH descriptors, library topics) and the
lookup forms that name them.

Rows belong to an origin ('mesh', 'library'); `sync` makes one origin's rows equal to a given
set and says what it changed, so loading the same vocabulary twice changes nothing.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple


class ConceptRow(NamedTuple):
    id: str
    name: str
    category: str
    tree_numbers: str  # space-separated


class FormRow(NamedTuple):
    form: str  # lookup key
    concept_id: str
    kind: str  # name, inverted, variant, focus, synonym
    text: str  # as written at the origin


def sync(conn: sqlite3.Connection, origin: str, concepts: list[ConceptRow], forms: list[FormRow]) -> dict[str, int]:
    """Make `origin`'s concepts and forms exactly these; returns what was added, updated, removed."""
    stored = {
        r["id"]: ConceptRow(r["id"], r["name"], r["category"], r["tree_numbers"])
        for r in conn.execute(
            "SELECT id, name, category, tree_numbers FROM vocabulary_concepts WHERE origin = ?", (origin,)
        )
    }
    wanted = {c.id: c for c in concepts}
    added = [c for i, c in wanted.items() if i not in stored]
    updated = [c for i, c in wanted.items() if i in stored and stored[i] != c]
    removed = [i for i in stored if i not in wanted]
    conn.executemany(
        "INSERT INTO vocabulary_concepts (id, name, category, tree_numbers, origin) VALUES (?, ?, ?, ?, ?)",
        [(*c, origin) for c in added],
    )
    conn.executemany(
        "UPDATE vocabulary_concepts SET name = ?, category = ?, tree_numbers = ? WHERE id = ?",
        [(c.name, c.category, c.tree_numbers, c.id) for c in updated],
    )
    conn.executemany("DELETE FROM vocabulary_concepts WHERE id = ? AND origin = ?", [(i, origin) for i in removed])

    stored_forms = {
        FormRow(*r)
        for r in conn.execute("SELECT form, concept_id, kind, text FROM vocabulary_forms WHERE origin = ?", (origin,))
    }
    wanted_forms = set(forms)
    new_forms = sorted(wanted_forms - stored_forms)
    old_forms = sorted(stored_forms - wanted_forms)
    conn.executemany(
        "DELETE FROM vocabulary_forms WHERE form = ? AND concept_id = ? AND origin = ?",
        [(f.form, f.concept_id, origin) for f in old_forms],
    )
    conn.executemany(
        "INSERT INTO vocabulary_forms (form, concept_id, kind, text, origin) VALUES (?, ?, ?, ?, ?)",
        [(*f, origin) for f in new_forms],
    )
    return {
        "added": len(added),
        "updated": len(updated),
        "removed": len(removed),
        "forms_added": len(new_forms),
        "forms_removed": len(old_forms),
    }


def concept_ids_by_form(conn: sqlite3.Connection, origin: str) -> list[tuple[str, str, str, str]]:
    """(form, concept_id, kind, category) of one origin, for linking other names to its concepts."""
    return [
        tuple(r)
        for r in conn.execute(
            """SELECT f.form, f.concept_id, f.kind, c.category FROM vocabulary_forms f
               JOIN vocabulary_concepts c ON c.id = f.concept_id WHERE f.origin = ? ORDER BY f.form, f.concept_id""",
            (origin,),
        )
    ]


def load(conn: sqlite3.Connection) -> tuple[list[ConceptRow], list[FormRow]]:
    """Every concept and every form (unordered: the in-memory vocabulary sorts what it needs)."""
    concepts = [
        ConceptRow(*r) for r in conn.execute("SELECT id, name, category, tree_numbers FROM vocabulary_concepts")
    ]
    forms = [FormRow(*r) for r in conn.execute("SELECT form, concept_id, kind, text FROM vocabulary_forms")]
    return concepts, forms


def topics_with_synonyms(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """(focus, synonyms as JSON, semantic group, focus category) named in current sources' metadata."""
    return [
        tuple(r)
        for r in conn.execute(
            """SELECT DISTINCT json_extract(metadata, '$.focus'), COALESCE(json_extract(metadata, '$.synonyms'), '[]'),
                      COALESCE(json_extract(metadata, '$.semantic_group'), ''),
                      COALESCE(json_extract(metadata, '$.focus_category'), '')
               FROM sources WHERE status = 'current' AND COALESCE(json_extract(metadata, '$.focus'), '') != ''
               ORDER BY 1, 2, 3, 4"""
        )
    ]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Concepts and forms by origin, e.g. {'mesh_concepts': 27455, 'mesh_forms': ...}."""
    out: dict[str, int] = {}
    for table, label in (("vocabulary_concepts", "concepts"), ("vocabulary_forms", "forms")):
        for origin, n in conn.execute(f"SELECT origin, COUNT(*) FROM {table} GROUP BY origin ORDER BY origin"):
            out[f"{origin}_{label}"] = n
    return out
