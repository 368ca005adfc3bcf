"""The import checker: it finds loops (late imports included) and imports that run up the layers."""

from __future__ import annotations

from pathlib import Path

from curbside.devtools import imports


def write(root: Path, files: dict[str, str]) -> Path:
    package = root / "curbside"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


def test_the_curbside_tree_has_no_loops_and_no_upward_imports() -> None:
    assert imports.problems() == []


def test_a_loop_held_by_a_function_level_import_is_found(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "__init__.py": "",
            "compose/__init__.py": "",
            "compose/article.py": "from .patient import choose\n",
            "compose/patient.py": "def choose():\n    from .article import compose\n",
        },
    )
    assert imports.problems(package) == [
        "import loop: curbside.compose.article -> curbside.compose.patient, "
        "curbside.compose.patient -> curbside.compose.article"
    ]


def test_an_import_of_a_module_that_is_not_there_is_found(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "__init__.py": "",
            "ask.py": "LIMIT = 1\n",
            "compose/__init__.py": "",
            "compose/followups.py": "def suggest():\n    from .ask import LIMIT  # left behind by a move\n",
        },
    )
    assert imports.problems(package) == [
        "missing module: curbside.compose.followups imports curbside.compose.ask, which does not exist"
    ]


def test_an_import_from_a_lower_layer_to_a_higher_one_is_found(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "__init__.py": "",
            "ingest/__init__.py": "",
            "ingest/run.py": "from ..publish.evidence import flag\n",
            "publish/__init__.py": "",
            "publish/evidence.py": "from ..ingest import run\n",
        },
    )
    found = imports.problems(package)
    assert "upward import: curbside.ingest.run (layer 3) imports curbside.publish.evidence (layer 9)" in found
    assert not any(line.startswith("upward import: curbside.publish") for line in found)


def test_the_command_exits_1_when_there_are_problems(tmp_path: Path, monkeypatch, capsys) -> None:
    package = write(tmp_path, {"__init__.py": "", "model.py": "from . import cli\n", "cli.py": ""})
    monkeypatch.setattr(imports, "ROOT", package)
    monkeypatch.setattr(imports.problems, "__defaults__", (package,))
    assert imports.main() == 1
    assert "upward import: curbside.model (layer 0) imports curbside.cli (layer 11)" in capsys.readouterr().out
