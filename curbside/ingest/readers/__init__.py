"""Readers: one module per input format, each turning files into `Document`s.

A reader module exposes:

    NAME: str                      the word used on the command line (`curbside ingest NAME PATH`)
    DESCRIPTION: str               one line for `--help`
    def read(path: Path, settings: Settings) -> Iterator[Document | Skipped]
    def estimate(path: Path) -> int | None     (optional) how many items `read` will yield

Readers never touch the store and never raise for bad input: a file or record they cannot
use is yielded as `Skipped(origin, reason)`. A missing or unusable PATH as a whole raises
`InputError` before anything is yielded.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ...errors import InputError

# name on the command line -> module under curbside.ingest.readers
READER_MODULES = {
    "starter": "openmedicine",
    "openmedicine": "openmedicine",
    "ngc": "ngc",
    "medquad": "medquad",
    "cochrane": "cochrane",
    "pubmed": "pubmed",
    "files": "files",
}


def get_reader(name: str) -> ModuleType:
    module = READER_MODULES.get(name)
    if module is None:
        choices = ", ".join(sorted(READER_MODULES))
        raise InputError(f"Unknown source type {name!r}; use one of: {choices}.")
    return importlib.import_module(f"{__name__}.{module}")
