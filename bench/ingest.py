"""Ingest the whole demo library and print wall time, passages/s and peak memory per source.

    python bench/ingest.py [--shared ../shared] [--library PATH] [--no-embed] [--json]

Each source is ingested in its own child process so its peak memory (max RSS) is its own.
A second pass over every source checks that re-running adds nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (reader, path inside ../shared or None for the installed starter library)
DEMO_SOURCES = [
    ("starter", None),
    ("ngc", "corpora/ngc-summaries.tar.gz"),
    ("medquad", "corpora/medquad-xml.tar.gz"),
    ("cochrane", "corpora/cochrane-pls"),
    ("pubmed", "corpora/pubmedqa/ori_pqal.json"),
]


def ingest_one(reader: str, path: str | None, library: str, embed: bool) -> dict:
    """Child-process body: ingest one source and print its report plus peak RSS."""
    sys.path.insert(0, str(ROOT))
    from curbside.library import Library

    lib = Library(library)
    started = time.perf_counter()
    report = lib.ingest(reader, path, embed=embed)
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"report": report.to_dict(), "wall_s": wall, "peak_rss_mb": peak_mb}


def run_child(reader: str, path: str | None, library: Path, embed: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", reader, path or "", str(library)] + ([] if embed else ["--no-embed"])
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"ingest {reader} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--library", default=None, help="where to build it (default: a fresh temporary folder)")
    parser.add_argument("--no-embed", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("READER", "PATH", "LIBRARY"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        reader, path, library = args.child
        print(json.dumps(ingest_one(reader, path or None, library, not args.no_embed)))
        return

    library = Path(args.library or tempfile.mkdtemp(prefix="curbside-bench-"))
    shared = Path(args.shared)
    rows, total_wall, total_passages, peak = [], 0.0, 0, 0.0
    for reader, rel in DEMO_SOURCES:
        path = str(shared / rel) if rel else None
        first = run_child(reader, path, library, not args.no_embed)
        second = run_child(reader, path, library, not args.no_embed)
        r = first["report"]
        rows.append(
            {
                "reader": reader,
                "sources_added": r["added"],
                "skipped": r["skipped"],
                "passages": r["passages_added"],
                "embedded": r["embedded"],
                "wall_s": round(first["wall_s"], 2),
                "passages_per_s": round(r["passages_added"] / first["wall_s"], 1) if first["wall_s"] else 0.0,
                "peak_rss_mb": round(first["peak_rss_mb"], 1),
                "rerun_added": second["report"]["added"] + second["report"]["updated"],
                "rerun_wall_s": round(second["wall_s"], 2),
            }
        )
        total_wall += first["wall_s"]
        total_passages += r["passages_added"]
        peak = max(peak, first["peak_rss_mb"])
    summary = {
        "library": str(library),
        "embed": not args.no_embed,
        "sources": rows,
        "total": {
            "wall_s": round(total_wall, 1),
            "passages": total_passages,
            "passages_per_s": round(total_passages / total_wall, 1) if total_wall else 0.0,
            "peak_rss_mb": round(peak, 1),
            "db_mb": round((library / "library.sqlite3").stat().st_size / 1e6, 1),
        },
    }
    if args.json:
        print(json.dumps(summary))
        return
    cols = [
        "reader",
        "sources_added",
        "skipped",
        "passages",
        "embedded",
        "wall_s",
        "passages_per_s",
        "peak_rss_mb",
        "rerun_added",
        "rerun_wall_s",
    ]
    print(" | ".join(cols))
    for row in rows:
        print(" | ".join(str(row[c]) for c in cols))
    t = summary["total"]
    print(
        f"total: {t['passages']} passages in {t['wall_s']} s ({t['passages_per_s']}/s), peak RSS {t['peak_rss_mb']} MB, "
        f"database {t['db_mb']} MB at {library}"
    )


if __name__ == "__main__":
    main()
