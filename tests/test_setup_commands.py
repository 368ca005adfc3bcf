"""The README's two commands work alone on a fresh machine: `make test` installs what the tests
need (chromium included), and CI runs nothing but `make test`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs make and the set-up script

ROOT = Path(__file__).resolve().parents[1]


def test_make_test_installs_chromium_before_running_the_tests():
    plan = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    lines = plan.splitlines()
    ensure = next(i for i, line in enumerate(lines) if "scripts/ensure-chromium" in line)
    pytest_line = next(i for i, line in enumerate(lines) if "-m pytest" in line)
    assert ensure < pytest_line


def test_ci_runs_only_make_test():
    commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert "make test" in commands
    assert not any("apt-get" in line for line in commands)


def test_ensure_chromium_is_a_no_op_when_the_browser_is_there(tmp_path):
    browser = tmp_path / "synthetic-chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    done = subprocess.run(
        [str(ROOT / "scripts" / "ensure-chromium")],
        capture_output=True,
        text=True,
        env={**os.environ, "CURBSIDE_CHROMIUM": str(browser)},
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout == "" and done.stderr == ""
