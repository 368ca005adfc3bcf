"""SIGKILL an ingest mid-way, run it again, and get exactly the library an uninterrupted run makes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # kills and resumes the CLI in subprocesses

DOCUMENTS = 1500


def _write_corpus(folder: Path) -> None:
    # Synthetic notes, numbered so each file has distinct text.
    folder.mkdir()
    for i in range(DOCUMENTS):
        (folder / f"note-{i:05d}.md").write_text(
            f"# Synthetic note {i}\n\n## Part A\n\nExamplamab note {i} first paragraph.\n\n"
            f"## Part B\n\n- item one of note {i}\n- item two of note {i}\n",
            encoding="utf-8",
        )


def _ingest_cmd(library: Path, corpus: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "curbside.cli",
        "ingest",
        "files",
        str(corpus),
        "--library",
        str(library),
        "--no-embed",
    ]


def _snapshot(library: Path) -> dict:
    conn = sqlite3.connect(library / "library.sqlite3")
    try:
        return {
            "sources": conn.execute(
                "SELECT id, version, content_hash, status FROM sources ORDER BY id, version"
            ).fetchall(),
            "passages": conn.execute("SELECT id, text FROM passages ORDER BY id").fetchall(),
            "fts": conn.execute("SELECT COUNT(*) FROM passages_fts").fetchone()[0],
        }
    finally:
        conn.close()


def _source_count(library: Path) -> int:
    try:
        conn = sqlite3.connect(library / "library.sqlite3", timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _small_batches(library: Path) -> None:
    library.mkdir(parents=True)
    (library / "settings.toml").write_text("ingest_batch = 25\n", encoding="utf-8")


def test_sigkill_mid_ingest_then_rerun_matches_uninterrupted(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write_corpus(corpus)
    reference, killed = tmp_path / "reference", tmp_path / "killed"
    _small_batches(reference)
    _small_batches(killed)
    subprocess.run(_ingest_cmd(reference, corpus), check=True, capture_output=True)

    proc = subprocess.Popen(_ingest_cmd(killed, corpus), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _source_count(killed) < DOCUMENTS // 5 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "ingest finished before it could be killed; make the corpus larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _source_count(killed)
    assert 0 < partial < DOCUMENTS

    subprocess.run(_ingest_cmd(killed, corpus), check=True, capture_output=True)
    assert _snapshot(killed) == _snapshot(reference)
    # And a third run adds nothing.
    again = subprocess.run(_ingest_cmd(killed, corpus) + ["--json"], check=True, capture_output=True, text=True)
    assert '"added": 0' in again.stdout and '"updated": 0' in again.stdout
