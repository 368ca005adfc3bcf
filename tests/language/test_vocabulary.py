"""The vocabulary: MeSH ingest, lookup forms, matching, library synonyms, and understanding with them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shared_path

from curbside.errors import InputError
from curbside.ingest.mesh import build_synonyms, ingest_mesh, inverted, read_mesh
from curbside.ingest.run import ingest
from curbside.language.vocabulary import Vocabulary
from curbside.library import Library
from curbside.model import Document, IngestReport, Passage, Source
from curbside.search.understand import understand
from curbside.store.vocabulary import counts

pytestmark = pytest.mark.slow  # loads the shared MeSH vocabulary

# Real descriptor names and tree numbers (names are vocabulary, not claims), a handful of each kind.
TREES = {
    "D003920": ("Diabetes Mellitus", ["C19.246"]),
    "D003924": ("Diabetes Mellitus, Type 2", ["C18.452.394.750.149", "C19.246.300"]),
    "D003929": ("Diabetic Neuropathies", ["C10.668.829.300", "C19.246.099.937"]),
    "D006973": ("Hypertension", ["C14.907.489"]),
    "D051436": ("Renal Insufficiency, Chronic", ["C12.777.419.780.050"]),
    "D001943": ("Breast Neoplasms", ["C04.588.180", "C17.800.090.500"]),
    "D012148": ("Restless Legs Syndrome", ["C10.886.425.800.750"]),
    "D010146": ("Pain", ["C10.597.617", "C23.888.592.612", "F02.830.816.444"]),
    "D002908": ("Chronic Disease", ["C23.550.291.500"]),
    "D017367": ("Serotonin Uptake Inhibitors", ["D27.505.519.389.745.800"]),
    "D008687": ("Metformin", ["D02.078.370.141.450"]),
    "D000068736": ("Duloxetine Hydrochloride", ["D02.065.277.500"]),
    "D007854": ("Lead", ["D01.268.556.435"]),
    "D013607": ("Tablets", ["D26.255.830"]),
}


def write_mesh(folder: Path, trees: dict = TREES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "terms.tsv").write_text(
        "mesh_id\tmesh_name\n" + "".join(f"{i}\t{name}\n" for i, (name, _) in trees.items()), encoding="utf-8"
    )
    (folder / "tree-numbers.tsv").write_text(
        "mesh_id\tmesh_name\tmesh_tree_number\n"
        + "".join(f"{i}\t{name}\t{t}\n" for i, (name, numbers) in trees.items() for t in numbers),
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def vocab_library(library: Library, tmp_path: Path) -> Library:
    ingest_mesh(library.db, write_mesh(tmp_path / "mesh"))
    return library


def test_ingest_is_idempotent_and_follows_changes(library: Library, tmp_path: Path) -> None:
    folder = write_mesh(tmp_path / "mesh")
    first = ingest_mesh(library.db, folder)
    assert (first["descriptors"], first["added"], first["tree_numbers"]) == (len(TREES), len(TREES), 19)
    again = ingest_mesh(library.db, folder / "terms.tsv")  # the file itself works too
    assert [again[k] for k in ("added", "updated", "removed", "forms_added", "forms_removed")] == [0, 0, 0, 0, 0]
    changed = dict(TREES)
    changed["D006973"] = ("Hypertension", ["C14.907.489", "C14.907.489.480"])
    del changed["D007854"]
    third = ingest_mesh(library.db, write_mesh(tmp_path / "mesh2", changed))
    assert (third["added"], third["updated"], third["removed"]) == (0, 1, 1)
    assert counts(library.db.connection())["mesh_concepts"] == len(TREES) - 1


def test_categories_and_forms(tmp_path: Path) -> None:
    concepts, forms = read_mesh(write_mesh(tmp_path / "mesh"))
    category = {c.id: c.category for c in concepts}
    assert (category["D003924"], category["D010146"], category["D008687"]) == ("condition", "condition", "drug")
    assert (category["D002908"], category["D013607"]) == ("attribute", "dosage_form")
    by_concept = {}
    for f in forms:
        by_concept.setdefault(f.concept_id, set()).add(f.form)
    assert "type 2 diabetes mellitus" in by_concept["D003924"]
    assert "diabetic neuropathy" in by_concept["D003929"]
    assert {"breast cancer", "breast tumor"} <= by_concept["D001943"]
    assert "restless legs" in by_concept["D012148"]
    assert "duloxetine" in by_concept["D000068736"]
    assert "chronic renal insufficiency" in by_concept["D051436"]
    assert inverted("Hand, Foot and Mouth Disease") == ""


def test_missing_or_wrong_files_are_refused(library: Library, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="terms.tsv"):
        ingest_mesh(library.db, tmp_path)
    (tmp_path / "terms.tsv").write_text("id\tname\nD1\tX\n")
    (tmp_path / "tree-numbers.tsv").write_text("mesh_id\tmesh_name\tmesh_tree_number\n")
    with pytest.raises(InputError, match="mesh_id"):
        ingest_mesh(library.db, tmp_path)
    assert counts(library.db.connection()) == {}


def test_matching(vocab_library: Library) -> None:
    vocab = Vocabulary.from_db(vocab_library.db)
    found = vocab.match("Type 2 diabetes mellitus with diabetic neuropathy and lead pain")
    assert [(m.mesh_id, m.term) for m in found] == [
        ("D003924", "type 2 diabetes mellitus"),
        ("D003929", "diabetic neuropathy"),
        ("D010146", "pain"),
    ]  # "lead" is a MeSH chemical, but in a question it is the verb
    assert (found[1].start, found[1].end, found[1].category) == (30, 49, "condition")
    assert vocab.expansions_for("D003924") == ["diabetes mellitus, type 2", "type 2 diabetes mellitus"]
    assert vocab.is_drug("metformin") and vocab.is_drug("Duloxetine") and not vocab.is_drug("hypertension")
    assert Vocabulary().is_drug("pregabalin")  # a drug-name stem, with no vocabulary at all
    assert vocab.broader("D003924") == ["D003920"] and "D003924" in vocab.narrower("D003920")


def test_empty_vocabulary(library: Library) -> None:
    vocab = Vocabulary.from_db(library.db)
    assert len(vocab) == 0 and vocab.match("type 2 diabetes") == []
    assert understand("T2DM and HTN", vocab).conditions == ["type 2 diabetes mellitus", "hypertension"]


def test_understand_with_mesh(vocab_library: Library) -> None:
    vocab = Vocabulary.from_db(vocab_library.db)
    q = understand("Which SSRI for DM2 neuropathy?", vocab)
    assert "serotonin uptake inhibitors" in q.expansions
    assert q.condition == "type 2 diabetes mellitus neuropathy"
    q = understand("HTN in CKD", vocab)
    assert {m.mesh_id for m in q.matches} == {"D006973", "D051436"}
    assert "renal insufficiency, chronic" in q.condition_expansions
    q = understand("breast cancer treatment after metformin", vocab)
    assert (q.condition, q.drugs) == ("breast cancer", ["metformin"])
    assert "breast neoplasms" in q.condition_expansions


def _topic(source_id: str, focus: str, synonyms: list[str]) -> Document:
    source = Source(
        id=source_id,
        kind="consumer",
        title=f"What is {focus}?",
        origin="medquad",
        metadata={"focus": focus, "synonyms": synonyms, "semantic_group": "Disorders"},
    )
    return Document(source, [Passage(source_id=source_id, order=0, section="", text=f"{focus} is a condition.")])


def test_synonyms_from_the_library(vocab_library: Library) -> None:
    docs = [
        _topic(
            "medquad:t:1", "Restless legs syndrome", ["Willis-Ekbom disease", "RLS", "WEDS", "Ekbom syndrome (older)"]
        ),
        _topic(
            "medquad:t:2",
            "Flynn Aird syndrome",
            ["Flynn-Aird syndrome", "Cataracts, retinitis pigmentosa, hearing loss, ataxia"],
        ),
    ]
    ingest(vocab_library.db, docs, IngestReport(reader="medquad", path="test"))
    first = build_synonyms(vocab_library.db)
    assert (first["topics"], first["concepts"]) == (2, 1)  # RLS links to MeSH; Flynn-Aird becomes a topic
    again = build_synonyms(vocab_library.db)
    assert [again[k] for k in ("added", "updated", "removed", "forms_added", "forms_removed")] == [0, 0, 0, 0, 0]
    vocab = Vocabulary.from_db(vocab_library.db)
    assert vocab.lookup("Willis-Ekbom disease").id == "D012148"
    assert vocab.lookup("Ekbom syndrome").id == "D012148"  # "(older)" is a remark, not part of the name
    assert vocab.lookup("rls") is None and vocab.lookup("weds") is None  # short capital codes are often words
    q = understand("What is the treatment for Willis-Ekbom disease?", vocab)
    assert q.condition == "willis-ekbom disease" and "restless legs syndrome" in q.condition_expansions
    q = understand("is flynn aird syndrome inherited", vocab)
    assert q.matches[0].mesh_id == "topic:flynn aird syndrome" and q.matches[0].category == "condition"


@pytest.fixture(scope="module")
def real_mesh(tmp_path_factory) -> tuple[Library, dict, dict]:
    folder = shared_path("corpora", "mesh")
    lib = Library(tmp_path_factory.mktemp("real") / "library")
    first, second = ingest_mesh(lib.db, folder), ingest_mesh(lib.db, folder)
    yield lib, first, second
    lib.close()


def test_real_mesh_loads_every_descriptor_once(real_mesh) -> None:
    _, first, second = real_mesh
    assert (first["descriptors"], first["added"], first["tree_numbers"]) == (27455, 27455, 56341)
    assert [second[k] for k in ("added", "updated", "removed", "forms_added", "forms_removed")] == [0, 0, 0, 0, 0]


def test_real_mesh_understanding(real_mesh) -> None:
    vocab = Vocabulary.from_db(real_mesh[0].db)
    q = understand("What is the first-line treatment for type 2 diabetes in CKD?", vocab)
    assert q.matches[0].mesh_id == "D003924" and q.condition == "type 2 diabetes"
    assert "diabetes mellitus, type 2" in q.condition_expansions
    q = understand("side effects of duloxetine in older adults", vocab)
    assert (q.intent, q.drugs, q.modifiers) == ("adverse_effects", ["duloxetine"], ["older_adults"])


def test_epidemiologic_methods_are_not_interventions_even_in_a_library_read_before_the_rule():
    from curbside.language.vocabulary import category_of

    assert category_of(["E05.318.740.600.800", "N06.850.520.830.600.800"]) == "method"  # a risk
    assert category_of(["E04.100"]) == "procedure"
    # Stored as a procedure by an older rule: read by the rule of today.
    vocabulary = Vocabulary([("D0001", "Synthetic Risk", "procedure", "E05.318.740.600.800")], [])
    assert vocabulary.concepts["D0001"].category == "method"
