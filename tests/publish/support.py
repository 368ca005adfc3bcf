"""What the editorial tests share: a small library made from one synthetic note, a copy of it per
test, and the real CLI run in a subprocess against a library folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from curbside.library import Library


def library_from_note(root: Path, note: str, question: str) -> tuple[Library, str]:
    """An open library at root/library holding the note (read by the real `files` reader) and the
    composed article answering `question`; the caller closes it."""
    (root / "notes").mkdir()
    (root / "notes" / "neuropathy.md").write_text(note, encoding="utf-8")
    lib = Library(root / "library")
    lib.ingest("files", root / "notes", embed=False)
    return lib, lib.answers.answer([question]).id


def copy_of(library_folder: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "library"
    shutil.copytree(library_folder, copy)
    return copy


def curbside(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "curbside.cli", *args, "--library", str(folder)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
