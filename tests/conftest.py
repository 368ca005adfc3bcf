"""Shared fixtures. Real data is read from ../shared through `shared_path` only.

Under CI=true a missing ../shared is an error, never a skip: CI always has it beside the repo.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from curbside.library import Library

SHARED = Path(os.environ.get("CURBSIDE_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path inside ../shared; fails (CI) or skips (a laptop without it) when absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing; CI must run with ../shared beside the repository.")
        pytest.skip(f"{path} not present on this machine")
    return path


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path / "library")
    yield lib
    lib.close()
