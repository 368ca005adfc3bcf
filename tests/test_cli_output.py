"""The CLI prints library and user text as the text it is (issue 12, item 4).

A passage holding "[/bold]" is not Rich markup, ":x:" is not an emoji code, and an ESC sequence
or BEL in a title, heading, file name or question never reaches the terminal. The library is one
synthetic note read by the real `files` reader; the CLI runs in a subprocess, as a user runs it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from curbside.library import Library

pytestmark = pytest.mark.slow  # the real CLI in a subprocess

ESCAPES = "\x1b[31m\x1b]0;retitled\x07"
NOTE = f"""# Synthetic neuropathy guideline [red]:x:

## Pharmacological treatment {ESCAPES}[/bold]

Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy.

A synthetic remark that closes a tag [/bold], opens [red] and names :x: here.
"""
SOURCE = "file:notes/neuropathy.md"
QUESTION = "What is the first-line treatment for synthetic neuropathy?"
# Anything but newline that is a C0/C1 control character: what must not reach a terminal raw.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
SGR = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cli-output")
    (root / "notes").mkdir()
    (root / "notes" / "neuropathy.md").write_text(NOTE, encoding="utf-8")
    lib = Library(root / "library")
    lib.ingest("files", root / "notes", embed=False)
    lib.close()
    return root / "library"


def curbside(folder: Path, *args: str, colour: bool = False) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE")}
    env["COLUMNS"] = "200"  # tables wide enough to keep a title on one line
    if colour:
        env["FORCE_COLOR"] = "1"  # Rich then writes styles as to a terminal
    return subprocess.run(
        [sys.executable, "-m", "curbside.cli", *args, "--library", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def assert_plain(result: subprocess.CompletedProcess, *, colour: bool = False) -> str:
    """The output of a run that succeeded, with no control character but Rich's own styles."""
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr
    shown = SGR.sub("", result.stdout) if colour else result.stdout
    assert not CONTROL.search(shown), repr(shown)
    assert "\u274c" not in shown  # ":x:" printed as the emoji
    return shown


@pytest.mark.parametrize("colour", [False, True])
def test_show_prints_markup_and_emoji_codes_as_text(folder: Path, colour: bool) -> None:
    shown = assert_plain(curbside(folder, "show", SOURCE, colour=colour), colour=colour)
    assert "Synthetic neuropathy guideline [red]:x:" in shown
    assert "Pharmacological treatment [31m]0;retitled[/bold]" in shown
    assert "A synthetic remark that closes a tag [/bold], opens [red] and names :x: here." in shown


@pytest.mark.parametrize("colour", [False, True])
def test_search_prints_markup_and_emoji_codes_as_text(folder: Path, colour: bool) -> None:
    shown = assert_plain(
        curbside(folder, "search", "synthetic remark closes a tag", "--explain", colour=colour), colour=colour
    )
    assert "A synthetic remark that closes a tag [/bold], opens [red] and names :x: here." in shown
    assert "Synthetic neuropathy guideline [red]:x:" in shown


def test_sources_and_stats_tables_print_titles_as_text(folder: Path) -> None:
    assert "Synthetic neuropathy guideline [red]:x:" in assert_plain(curbside(folder, "sources"))
    assert re.search(r"total\W+1\W+2", assert_plain(curbside(folder, "stats")))


def test_ask_keeps_only_the_renderers_bold(folder: Path) -> None:
    result = curbside(folder, "ask", QUESTION, colour=True)
    shown = assert_plain(result, colour=True)
    assert set(SGR.findall(result.stdout)) <= {"\x1b[1m", "\x1b[0m", "\x1b[22m"}, "only bold styling"
    assert "Synthetic neuropathy guideline [red]:x:" in shown


def test_thread_show_prints_the_question_as_text(folder: Path, tmp_path: Path) -> None:
    question = f"{QUESTION} [/bold] :x: {ESCAPES}"
    started = curbside(folder, "thread", "start", question)
    assert started.returncode == 0, started.stderr
    thread_id = re.search(r"thread (\S+):", started.stderr).group(1)
    shown = assert_plain(curbside(folder, "thread", "show", thread_id))
    assert "[/bold] :x: [31m]0;retitled" in shown


def test_error_naming_user_text_is_one_plain_line(folder: Path) -> None:
    result = curbside(folder, "show", f"file:missing[/bold]:x:{ESCAPES}")
    assert result.returncode == 2
    assert result.stderr == (
        "error: No source 'file:missing[/bold]:x:\\x1b[31m\\x1b]0;retitled\\x07' in this library; "
        "list them with `curbside sources`.\n"
    )


def test_ingest_names_each_refused_file_on_one_plain_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "fine.md").write_text("# Synthetic\n\nA synthetic note.\n", encoding="utf-8")
    (notes / "two\nlines.md").write_text("# Synthetic\n\nA synthetic note with an awkward name.\n", encoding="utf-8")
    (notes / "red\x1b[31m.md").write_text("# Synthetic\n\nAnother synthetic note.\n", encoding="utf-8")
    os.mkfifo(notes / "pipe.md")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "curbside.cli",
            "ingest",
            "files",
            str(notes),
            "--no-embed",
            "--library",
            str(tmp_path / "library"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    shown = assert_plain(result)
    assert "added 1, updated 0, unchanged 0, skipped 3;" in shown
    named = "file name holds a control character (such as a newline); rename the file and ingest again"
    assert f"  e.g. {notes}/two\\nlines.md: {named}" in shown.splitlines()
    assert f"  e.g. {notes}/red\\x1b[31m.md: {named}" in shown.splitlines()
    assert f"  e.g. {notes}/pipe.md: not a regular file (a FIFO); only regular files are read" in shown.splitlines()


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_ask_prints_the_question_in_its_title_without_control_characters(folder: Path, fmt: str) -> None:
    result = curbside(folder, "ask", f"What is examplitis? [/bold] :x: {ESCAPES}", "--format", fmt, colour=True)
    shown = assert_plain(result, colour=True)
    assert set(SGR.findall(result.stdout)) <= {"\x1b[1m", "\x1b[0m", "\x1b[22m"}, "only bold styling"
    unescaped = shown.replace("\\[", "[").replace("\\]", "]")  # Markdown escapes brackets
    assert "What is examplitis? [/bold] :x: [31m]0;retitled" in unescaped
