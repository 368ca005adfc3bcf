"""Retrieval on the 104 TREC 2017 LiveQA medical questions: plain BM25 against curbside's search.

    python bench/retrieval.py [--shared ../shared] [--medquad PATH] [--library bench/.cache/liveqa-library] [--rebuild]
                              [--no-vectors] [--systems bm25,vectors,rrf,curbside,...|all] [--json]

The query is the consumer's original question (SUBJECT + MESSAGE). The collection is every
answered MedQuAD pair plus the judged answers MedQuAD lacks (curbside/evaluate/liveqa.py), built
once and cached at --library. Every system runs in the same process on the same collection and
returns ranked source ids; a document repeated in a ranking counts once. Measures (see
curbside/evaluate/metrics.py): graded nDCG@10 (gain = grade - 1) over questions with any judged
answer, and again over questions with a relevant answer ("rel-q"); binary nDCG@10, P@5 and MRR@10
(relevant = graded 3 or 4) over questions with a relevant answer; unjudged documents in the top 10, which count as not relevant (P@5 max shows what they
may hide). Latency is per question after one warm-up query.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curbside.errors import CurbsideError  # noqa: E402
from curbside.evaluate import liveqa  # noqa: E402
from curbside.evaluate.metrics import percentile, score_run  # noqa: E402
from curbside.library import Library  # noqa: E402
from curbside.store import sources as store  # noqa: E402

TOP = 10
CANDIDATES = 100  # what each retriever hands to reciprocal rank fusion
RRF_K = 60
_WORD = re.compile(r"[^\W_]+")

SearchFn = Callable[[str], list[str]]  # question text -> ranked source ids


class Unavailable(Exception):
    """A system this checkout cannot run yet (a module or method not written, no vectors)."""


# -- the reference systems --------------------------------------------------------------------


def plain_bm25(lib: Library, question: str, limit: int) -> list[tuple[int, float]]:
    """FTS5 bm25() with default weights over the question's words OR-ed; (passage pk, -bm25)."""
    terms = list(dict.fromkeys(_WORD.findall(question.lower())))
    if not terms:
        return []
    query = " OR ".join(f'"{term}"' for term in terms)
    rows = (
        lib.db.connection()
        .execute(
            "SELECT rowid, bm25(passages_fts) AS rank FROM passages_fts WHERE passages_fts MATCH ? "
            "ORDER BY rank, rowid LIMIT ?",
            (query, limit),
        )
        .fetchall()
    )
    return [(row[0], -row[1]) for row in rows]


def vector_search(lib: Library, index, question: str, limit: int) -> list[tuple[int, float]]:
    return index.search(lib.encoder.encode_query(question), limit)


def source_ids(lib: Library, ranked: list[tuple[int, float]]) -> list[str]:
    found = store.passages_by_pk(lib.db.connection(), [pk for pk, _ in ranked])
    return [found[pk][1].id for pk, _ in ranked if pk in found]


def vector_index(lib: Library, vectors_on: bool):
    if not vectors_on:
        raise Unavailable("run without --no-vectors")
    try:
        from curbside.index.vectors import VectorIndex
    except ImportError as exc:
        raise Unavailable(f"curbside.index.vectors not importable ({exc})") from None
    index = VectorIndex.from_db(lib.db)
    if not len(index):
        raise Unavailable("the library has no vectors")
    return index


def bm25_system(lib: Library, vectors_on: bool) -> SearchFn:
    return lambda question: source_ids(lib, plain_bm25(lib, question, TOP))


def vectors_system(lib: Library, vectors_on: bool) -> SearchFn:
    index = vector_index(lib, vectors_on)
    return lambda question: source_ids(lib, vector_search(lib, index, question, TOP))


def rrf_system(lib: Library, vectors_on: bool) -> SearchFn:
    """Reciprocal rank fusion (k = 60) of BM25's and the vectors' top 100 passages."""
    index = vector_index(lib, vectors_on)

    def search(question: str) -> list[str]:
        fused: dict[int, float] = {}
        for ranked in (plain_bm25(lib, question, CANDIDATES), vector_search(lib, index, question, CANDIDATES)):
            for rank, (pk, _) in enumerate(ranked, start=1):
                fused[pk] = fused.get(pk, 0.0) + 1.0 / (RRF_K + rank)
        best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:TOP]
        return source_ids(lib, best)

    return search


def curbside_system(**changes) -> Callable[[Library, bool], SearchFn]:
    """curbside's own search; `changes` switch parts off through its SearchOptions (ablations)."""

    def make(lib: Library, vectors_on: bool) -> SearchFn:
        if not hasattr(lib, "search"):
            raise Unavailable("Library.search is not written yet")
        if not changes:
            return lambda question: [hit.source.id for hit in lib.search(question, k=TOP)]
        try:
            from curbside.search.retrieve import SearchOptions

            options = SearchOptions().but(**changes)
        except (ImportError, TypeError) as exc:
            raise Unavailable(f"SearchOptions cannot take {changes} ({exc})") from None
        return lambda question: [hit.source.id for hit in lib.search(question, k=TOP, options=options)]

    return make


# name -> factory(library, vectors on?) returning a search function, or raising Unavailable.
SYSTEMS: dict[str, Callable[[Library, bool], SearchFn]] = {
    "bm25": bm25_system,
    "vectors": vectors_system,
    "rrf": rrf_system,
    "curbside": curbside_system(),
    # Ablations: curbside's search with one part changed, to show what each part adds.
    "curbside-no-expansion": curbside_system(expansion=False),
    "curbside-no-understand": curbside_system(understand=False),
    "curbside-no-vectors": curbside_system(vectors=False),
    "curbside-no-lexical": curbside_system(lexical=False),
    "curbside-weighted-fusion": curbside_system(fusion="weighted"),
    "curbside-no-rerank": curbside_system(rerank=False),
}


# -- running and reporting ----------------------------------------------------------------------


def run_system(
    search: SearchFn, questions: list[liveqa.Question], collection: liveqa.Collection
) -> tuple[dict, list[float]]:
    """Rankings (canonical source ids) per question number, and milliseconds per question."""
    search(questions[0].text)  # warm-up: caches, matrices and the encoder load here, not in the timings
    run, millis = {}, []
    for question in questions:
        started = time.perf_counter()
        ranked = search(question.text)
        millis.append((time.perf_counter() - started) * 1000)
        run[question.number] = [collection.canonical(source_id) for source_id in ranked[:TOP]]
    return run, millis


def evaluate(names: list[str], collection: liveqa.Collection, questions, grades, vectors_on: bool) -> dict:
    results: dict[str, dict] = {}
    for name in names:
        try:
            search = SYSTEMS[name](collection.library, vectors_on)
        except Unavailable as exc:
            results[name] = {"available": False, "reason": str(exc)}
            continue
        run, millis = run_system(search, questions, collection)
        results[name] = score_run(run, grades).to_dict() | {
            "ms_p50": round(percentile(millis, 50), 2),
            "ms_p95": round(percentile(millis, 95), 2),
        }
    baseline = results.get("bm25", {}).get("ndcg10")
    for scores in results.values():
        if baseline and "ndcg10" in scores:
            scores["vs_bm25"] = round(scores["ndcg10"] / baseline, 3)
    return results


def demo_library_latency(path: Path, questions: list[liveqa.Question]) -> dict:
    """curbside's search timed on a whole demo library (warm), over the same questions."""
    lib = Library(path, create=False)
    try:
        lib.search(questions[0].text, k=TOP)  # warm-up: vector matrix, vocabulary and encoder load here
        millis = []
        for question in questions:
            started = time.perf_counter()
            lib.search(question.text, k=TOP)
            millis.append((time.perf_counter() - started) * 1000)
        stats = lib.stats()
    finally:
        lib.close()
    return {
        "p50": round(percentile(millis, 50), 2),
        "p95": round(percentile(millis, 95), 2),
        "passages": stats["passages_total"],
        "embedded": stats["passages_embedded"],
    }


def print_table(report: dict) -> None:
    q, c = report["questions"], report["collection"]
    print(
        f"TREC 2017 LiveQA medical: {q['total']} questions; graded measures over {q['with_judgements']} "
        f"with a judged answer ({q['no_positive_gain']} of them have only 1-Incorrect answers, 0 for every system), "
        f"binary over {q['with_relevant']} with an answer graded 3-4; MRR within the top {TOP}"
    )
    print(
        f"collection: {c['sources']} sources ({c['medquad_sources']} MedQuAD + {c['judged_added']} judged answers "
        f"MedQuAD lacks); {c['judged_ids']} judged ids: {c['judged_mapped_to_medquad']} found in MedQuAD, "
        f"{c['judged_merged']} merged with an identical one; {c['passages_embedded']} passages embedded; "
        f"{c['grade_conflicts']} judged twice with different grades (higher kept); "
        f"{'built now' if c['built_now'] else 'cached, built'} in {c['build_seconds']} s"
    )
    if "demo_search_ms" in report:
        d = report["demo_search_ms"]
        print(
            f"curbside search on the whole demo library ({d['passages']} passages, {d['embedded']} embedded), warm: "
            f"p50 {d['p50']} ms, p95 {d['p95']} ms"
        )
    if not c["vectors"]:
        print("VECTORS OFF (--no-vectors): curbside's search runs without its vector retriever")
    cols = [
        "ndcg10",
        "vs_bm25",
        "ndcg10_relevant_questions",
        "ndcg10_binary",
        "p5",
        "p5_upper",
        "mrr",
        "unjudged10",
        "ms_p50",
        "ms_p95",
    ]
    heads = [
        "system",
        "nDCG@10",
        "x BM25",
        "nDCG rel-q",
        "nDCG@10 bin",
        "P@5",
        "P@5 max",
        "MRR@10",
        "unjudged@10",
        "p50 ms",
        "p95 ms",
    ]
    width = max(len(name) for name in report["systems"]) + 2
    print("".join([heads[0].ljust(width)] + [h.rjust(12) for h in heads[1:]]))
    for name, scores in report["systems"].items():
        if not scores.get("available", True):
            print(f"{name.ljust(width)}not available: {scores['reason']}")
            continue
        print("".join([name.ljust(width)] + [f"{scores.get(col, ''):>12}" for col in cols]))


def require_vector_modules() -> None:
    """Stop before building anything when vectors were asked for but cannot be made."""
    try:
        import curbside.index.sync  # noqa: F401
        import curbside.index.vectors  # noqa: F401
    except ImportError as exc:
        raise SystemExit(
            f"vectors need {exc.name}, which this checkout lacks; pass --no-vectors to evaluate without them"
        ) from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--library", default=str(ROOT / "bench" / ".cache" / "liveqa-library"))
    parser.add_argument("--medquad", default=None, help="MedQuAD .tar.gz or unpacked folder (default: in --shared)")
    parser.add_argument("--rebuild", action="store_true", help="build the cached collection again")
    parser.add_argument("--no-vectors", action="store_true", help="build and search without embeddings")
    parser.add_argument("--systems", default="all", help=f"comma-separated, or all: {','.join(SYSTEMS)}")
    parser.add_argument("--demo-library", default=None, help="also time curbside's search on this whole library")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    names = list(SYSTEMS) if args.systems == "all" else [n.strip() for n in args.systems.split(",") if n.strip()]
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        raise SystemExit(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")
    if not args.no_vectors:
        require_vector_modules()
    shared = Path(args.shared)
    eval_dir = shared / "eval" / "liveqa"
    judged_zip = eval_dir / liveqa.JUDGED_ZIP
    try:
        questions = liveqa.load_questions(eval_dir / liveqa.QUESTIONS_FILE)
        judgements = liveqa.load_judgements(judged_zip)
        collection, built = liveqa.open_collection(
            Path(args.library),
            Path(args.medquad or shared / "corpora" / "medquad-xml.tar.gz"),
            judged_zip,
            embed=not args.no_vectors,
            rebuild=args.rebuild,
        )
    except CurbsideError as exc:
        raise SystemExit(str(exc)) from None
    grades, conflicts = liveqa.collection_judgements(judgements, collection)
    systems = evaluate(names, collection, questions, grades, not args.no_vectors)
    curbside = systems.get("curbside", {})
    report = systems | {
        "search_ms": {"p50": curbside.get("ms_p50"), "p95": curbside.get("ms_p95")},
        "questions": {
            "total": len(questions),
            "with_judgements": sum(1 for g in grades.values() if g),
            "no_positive_gain": sum(1 for g in grades.values() if g and max(g.values()) == 1),
            "with_relevant": sum(1 for g in grades.values() if any(v >= 3 for v in g.values())),
        },
        "collection": collection.counts
        | {
            "grade_conflicts": conflicts,
            "built_now": built,
            "vectors": not args.no_vectors,
        },
    }
    collection.library.close()
    if args.demo_library:
        report["demo_search_ms"] = demo_library_latency(Path(args.demo_library), questions)
    if args.json:
        print(json.dumps(report, sort_keys=False))
        return
    print_table(report | {"systems": systems})


if __name__ == "__main__":
    main()
