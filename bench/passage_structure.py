"""How the NGC reader cuts passages: fragments joined, list items kept together, dose rows given
their drug, footnote marks set apart, short passages, years from the release date.

    python bench/passage_structure.py --ngc ../shared/corpora/ngc-summaries.tar.gz [--json]

Reads the corpus with the reader on the import path (no library, no embeddings). For the figures
before a change, run it with PYTHONPATH pointing at a checkout of the older code: the counters the
older reader does not keep print as 0.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from curbside.ingest.readers import ngc
from curbside.ingest.readers.common import iter_members
from curbside.model import Document

_SET_APART = re.compile(r"[A-Za-z]{3} \^\S")
_IN_WORD = re.compile(r"[A-Za-z]{3}\^\S")
_ALL_YEARS = re.compile(r"\b(?:19|20)\d\d\b")


def measure(archive: Path) -> dict:
    counts: Counter = Counter()
    takes_counts = "counts" in inspect.signature(ngc.read_summary).parameters
    passages = under_40 = under_8_words = set_apart = in_word = years_changed = documents = 0
    started = time.perf_counter()
    for origin, data in iter_members(archive, ".xml", 1 << 26):
        if not isinstance(data, bytes):
            continue
        args = (origin, data, 1 << 26, counts) if takes_counts else (origin, data, 1 << 26)
        doc = ngc.read_summary(*args)
        if not isinstance(doc, Document):
            continue
        documents += 1
        years = [int(y) for y in _ALL_YEARS.findall(doc.source.date)]
        years_changed += bool(years) and doc.source.year != max(years)
        for p in doc.passages:
            passages += 1
            under_40 += len(p.text) < 40
            under_8_words += len(p.text.split()) < 8
            set_apart += len(_SET_APART.findall(p.text))
            in_word += len(_IN_WORD.findall(p.text))
    return {
        "documents": documents,
        "passages": passages,
        "merged_label_fragments": counts["merged_labels"],
        "rejoined_split_sentences": counts["rejoined_sentences"],
        "list_items_kept_together": counts["list_items_kept_together"],
        "dose_rows_given_their_drug": counts["dose_rows_given_their_drug"],
        "footnote_marks_set_apart": set_apart,
        "footnote_marks_inside_words": in_word,
        "passages_under_40_chars": under_40,
        "passages_under_8_words": under_8_words,
        "years_not_the_latest_in_date": years_changed,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ngc", type=Path, required=True, help="the ngc-summaries .tar.gz or its folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not args.ngc.exists():
        print(f"{args.ngc} does not exist; pass --ngc the NGC summaries .tar.gz or its folder.", file=sys.stderr)
        return 2
    figures = measure(args.ngc)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key.replace('_', ' '):32} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
