"""Library and user text made safe to print: no control character reaches a terminal.

A source's title, a passage or a file name can hold ESC sequences (which recolour, retitle or
clear a terminal), carriage returns (which overwrite a line) or other C0/C1 controls.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0, DEL and C1 (0x9b is a one-byte ESC [ on some terminals)
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # passages keep their newlines and tabs


def printable(text: object) -> str:
    """`text` without control characters other than newline and tab."""
    return _CONTROL_BUT_LINES.sub("", str(text))


def visible(text: str) -> str:
    """`text` with every control character written as an escape (`\\n`, `\\x1b`), e.g. to name a file."""
    return CONTROL.sub(lambda m: repr(m.group())[1:-1], text)
