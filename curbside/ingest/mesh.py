"""MeSH as a vocabulary (not documents), and the synonyms sources name in their own metadata.

`ingest_mesh` reads `terms.tsv` (mesh_id, mesh_name) and `tree-numbers.tsv` (mesh_id,
mesh_name, mesh_tree_number; several rows per id) and stores each descriptor with its tree
numbers, a category from its tree letters, and the forms a question may use for it.
`build_synonyms` folds the focus <-> synonym pairs of ingested sources (MedQuAD stores them in
`metadata.focus` / `metadata.synonyms`) into the same tables, linked to a MeSH concept when one
has the same name. Both load everything in one transaction and change nothing on a second run.
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections import defaultdict
from pathlib import Path

from ..errors import InputError
from ..language.vocabulary import CATEGORY_ORDER, FORM_KINDS, category_of
from ..language.words import AMBIGUOUS_TERMS, EVERYDAY_WORDS, STOPWORDS, looks_like_condition, lookup_key
from ..store import vocabulary as store
from ..store.database import Database
from ..store.vocabulary import ConceptRow, FormRow

NAME = "mesh"
TERMS_FILE = "terms.tsv"
TREES_FILE = "tree-numbers.tsv"

# Salt and ester words MeSH adds to drug names ("Duloxetine Hydrochloride"), which people leave out.
_SALTS = frozenset(
    """
hydrochloride dihydrochloride hydrobromide sodium potassium calcium magnesium sulfate maleate succinate tartrate
besylate mesylate citrate acetate phosphate fumarate hyclate bromide chloride monohydrate dipropionate propionate
furoate valerate hydrate lactate gluconate carbonate nitrate tromethamine disodium
""".split()
)


def inverted(name: str) -> str:
    """ "Diabetes Mellitus, Type 2" -> "Type 2 Diabetes Mellitus"; '' when the comma is not an inversion."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) < 2 or len(parts) > 3 or "(" in name:
        return ""
    if any(" and " in p or " or " in p or p.startswith(("and ", "or ")) or not p for p in parts[1:]):
        return ""  # "Hand, Foot and Mouth Disease" is a list, not an inversion
    return " ".join(reversed(parts))


def _other_number(word: str) -> str:
    """The singular of a plural head word or the plural of a singular one ('' when unsure)."""
    if len(word) < 4 or not word.isalpha():
        return ""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return "" if word.endswith(("ss", "us", "is", "ys", "as", "os")) else word[:-1]
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def _with_head(words: list[str], head_index: int) -> str:
    other = _other_number(words[head_index])
    if not other:
        return ""
    return " ".join(words[:head_index] + [other] + words[head_index + 1 :])


def lookup_forms(name: str, category: str) -> list[tuple[str, str, str]]:
    """(key, kind, text) for each way a question may write a descriptor's name."""
    forms: list[tuple[str, str]] = [(name, "name")]
    flipped = inverted(name)
    if flipped:
        forms.append((flipped, "inverted"))
    first_part = name.split(",")[0].split()
    if first_part:
        # The head noun is the last word before any comma: "Kidney Diseases" -> "kidney disease".
        variant = _with_head(first_part, len(first_part) - 1)
        if variant:
            forms.append((variant + name[len(name.split(",")[0]) :], "variant"))
    if flipped:
        words = flipped.split()
        variant = _with_head(words, len(words) - 1)
        if variant:
            forms.append((variant, "variant"))
    words = name.split()
    if "," not in name and len(words) >= 2:
        if category == "drug" and words[-1].lower() in _SALTS and words[0].lower() not in _SALTS:
            forms.append((" ".join(words[:-1]), "variant"))  # "Duloxetine Hydrochloride" -> "duloxetine"
        if category == "condition" and words[-1].lower() in ("syndrome", "syndromes") and len(words) >= 3:
            forms.append((" ".join(words[:-1]), "variant"))  # "Restless Legs Syndrome" -> "restless legs"
        if category == "condition" and words[-1].lower() in ("neoplasm", "neoplasms"):
            # MeSH says neoplasm where people say cancer or tumor: "Breast Neoplasms" -> "breast cancer".
            stem = " ".join(words[:-1])
            forms += [(f"{stem} cancer", "variant"), (f"{stem} tumor", "variant")]
    out: dict[str, tuple[str, str, str]] = {}
    for text, kind in forms:
        key = lookup_key(text)
        if key and key not in out:
            out[key] = (key, kind, text)
    return list(out.values())


def _read_tsv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    f"{path} has no {', '.join(missing)} column; give the MeSH TSV files from dhimmel/mesh."
                )
            return [row for row in reader if row.get(columns[0])]
    except OSError as exc:
        raise InputError(
            f"Cannot read {path} ({exc.strerror}); give the folder holding {TERMS_FILE} and {TREES_FILE}."
        ) from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text; give the MeSH TSV files from dhimmel/mesh.") from None


def read_mesh(path: str | Path) -> tuple[list[ConceptRow], list[FormRow]]:
    """Descriptors and their lookup forms from a folder holding terms.tsv and tree-numbers.tsv."""
    folder = Path(path).expanduser()
    if folder.is_file():
        folder = folder.parent
    terms, trees = folder / TERMS_FILE, folder / TREES_FILE
    for needed in (terms, trees):
        if not needed.exists():
            raise InputError(f"{needed} does not exist; give the folder holding {TERMS_FILE} and {TREES_FILE}.")
    tree_numbers: dict[str, list[str]] = defaultdict(list)
    for row in _read_tsv(trees, ("mesh_id", "mesh_tree_number")):
        tree_numbers[row["mesh_id"].strip()].append(row["mesh_tree_number"].strip())
    concepts: list[ConceptRow] = []
    forms: list[FormRow] = []
    for row in _read_tsv(terms, ("mesh_id", "mesh_name")):
        mesh_id, name = row["mesh_id"].strip(), row["mesh_name"].strip()
        numbers = sorted(set(tree_numbers.get(mesh_id, [])))
        category = category_of(numbers)
        concepts.append(ConceptRow(mesh_id, name, category, " ".join(numbers)))
        forms += [FormRow(key, mesh_id, kind, text) for key, kind, text in lookup_forms(name, category)]
    return concepts, forms + _short_forms(concepts, forms)


def _short_forms(concepts: list[ConceptRow], forms: list[FormRow]) -> list[FormRow]:
    """ "type 2 diabetes" for "type 2 diabetes mellitus": a condition form without its last word,
    when what is left still ends in a disease word and no other form continues it that way."""
    conditions = {c.id for c in concepts if c.category == "condition"}
    known = {f.form for f in forms}
    completions: dict[str, set[str]] = defaultdict(set)
    for f in forms:
        if " " in f.form:
            completions[f.form.rsplit(" ", 1)[0]].add(f.concept_id)
    short = []
    for f in forms:
        prefix = f.form.rsplit(" ", 1)[0]
        if (
            f.concept_id in conditions
            and f.form.count(" ") >= 2
            and prefix not in known
            and completions[prefix] == {f.concept_id}
            and looks_like_condition(prefix.rsplit(" ", 1)[-1])
        ):
            short.append(FormRow(prefix, f.concept_id, "variant", prefix))
    return sorted(set(short))


def ingest_mesh(db: Database, path: str | Path) -> dict:
    """Load MeSH into the vocabulary in one transaction; a second run reports no changes."""
    started = time.perf_counter()
    concepts, forms = read_mesh(path)
    if not concepts:
        raise InputError(f"{path} holds no MeSH descriptors; give the folder holding {TERMS_FILE} and {TREES_FILE}.")
    with db.transaction() as conn:
        changes = store.sync(conn, NAME, concepts, forms)
    linked = build_synonyms(db)  # topics already in the library now link to MeSH concepts
    return {
        "descriptors": len(concepts),
        "tree_numbers": sum(len(c.tree_numbers.split()) for c in concepts),
        "forms": len(forms),
        **changes,
        "library_synonyms": linked["forms"],
        "seconds": round(time.perf_counter() - started, 2),
    }


def _usable_name(text: str, key: str, shortest: int) -> bool:
    """Short, specific names only: not sentences or lists, not everyday words, and no short
    all-capital codes, whose lowercase is too often a word ("ALPS", "ALMS")."""
    if text.isupper() and len(key) < 5 and not any(ch.isdigit() for ch in key):
        return False
    return (
        len(key) >= shortest
        and len(key.split()) <= 6
        and text.count(",") <= 1
        and not key.isdigit()
        and key not in STOPWORDS
        and key not in EVERYDAY_WORDS
        and key not in AMBIGUOUS_TERMS
    )


def _without_notes(text: str) -> str:
    """ "CPSQ4 (formerly)" -> "CPSQ4": bracketed remarks are not part of a name."""
    return re.sub(r"\s*\([^)]*\)", "", text).strip()


def _topic_category(semantic_group: str, focus_category: str) -> str:
    if focus_category.lower() == "drug" or semantic_group == "Chemicals & Drugs":
        return "drug"
    if focus_category.lower() == "disease" or semantic_group == "Disorders":
        return "condition"
    return "topic"


def build_synonyms(db: Database) -> dict[str, int]:
    """Fold the focus <-> synonym pairs in sources' metadata into the vocabulary (origin 'library')."""
    conn = db.connection()
    mesh_concept: dict[str, str] = {}
    for form, concept_id, _kind, _category in sorted(
        store.concept_ids_by_form(conn, NAME), key=lambda r: (FORM_KINDS.index(r[2]), CATEGORY_ORDER.index(r[3]), r[1])
    ):
        mesh_concept.setdefault(form, concept_id)
    topics: dict[str, tuple[str, list[str], str]] = {}  # focus key -> (focus, synonyms, category)
    for focus, synonyms_json, group, focus_category in store.topics_with_synonyms(conn):
        focus = _without_notes(focus)
        key = lookup_key(focus)
        if not _usable_name(focus, key, 3) or key in topics:
            continue
        try:
            synonyms = [_without_notes(s) for s in json.loads(synonyms_json) if isinstance(s, str)]
        except (json.JSONDecodeError, TypeError):
            synonyms = []
        topics[key] = (focus, synonyms, _topic_category(group, focus_category))
    # A synonym that several topics claim names none of them reliably.
    claims: dict[str, set[str]] = defaultdict(set)
    for key, (_, synonyms, _) in topics.items():
        for synonym in synonyms:
            claims[lookup_key(synonym)].add(key)
    concepts: dict[str, ConceptRow] = {}
    forms: set[FormRow] = set()
    for key, (focus, synonyms, category) in sorted(topics.items()):
        usable = [
            (s, k) for s in synonyms if (k := lookup_key(s)) != key and _usable_name(s, k, 4) and len(claims[k]) == 1
        ]
        concept_id = mesh_concept.get(key) or next((mesh_concept[k] for _, k in usable if k in mesh_concept), "")
        if not concept_id:
            concept_id = f"topic:{key}"
            concepts[concept_id] = ConceptRow(concept_id, focus, category, "")
        forms.add(FormRow(key, concept_id, "focus", focus))
        forms.update(FormRow(k, concept_id, "synonym", s) for s, k in usable)
    # One row per (form, concept): the first text seen for it, so re-runs agree.
    unique: dict[tuple[str, str], FormRow] = {}
    for row in sorted(forms, key=lambda f: (f.form, f.concept_id, FORM_KINDS.index(f.kind), f.text)):
        unique.setdefault((row.form, row.concept_id), row)
    with db.transaction() as tx:
        changes = store.sync(tx, "library", sorted(concepts.values()), list(unique.values()))
    return {"topics": len(topics), "concepts": len(concepts), "forms": len(unique), **changes}
