"""Encoder throughput, query latency, and exact against approximate vector search.

    python bench/vectors.py [--shared ../shared] [--texts 2000] [--sizes 10000,50000,100000,200000]
                            [--queries 200] [--threads 2] [--json]

(a) Encoder: PubMedQA abstract sections (real passages, `corpora/pubmedqa/ori_pqal.json`) encoded
    at max_tokens 128 and 256; tokens are counted after truncation, with [CLS] and [SEP].
(b) Search: a matrix of `size` real-looking vectors, each a real passage vector from (a) plus
    Gaussian noise (cosine about 0.8 to its parent, so the data keeps the clusters of real
    text), searched with real PubMedQA questions as queries. Exact is VectorIndex's matrix
    product; approximate is VectorIndex with its usearch graph (built on one thread, as it ships).
    recall@10 is the share of the exact top 10 that the approximate top 10 contains.
(c) Query encoding: one question at a time, as a search does it.

Wall times depend on what else the machine runs (a shared 2-core box can be several times
slower than an idle one), so costs are also given in CPU time, which does not.

The threshold in curbside/index/vectors.py (APPROXIMATE_FROM) is read off (b): the smallest size
at which one exact search costs more than CPU_BUDGET_MS of CPU while the graph keeps recall@10
>= 0.98; if no size measured gets there, the size where it would is extrapolated (exact search
is linear in the number of vectors) and printed as "above". The budget is high because the
graph is not free: it is built on one thread each time an index is loaded (see build s).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curbside.index import vectors  # noqa: E402
from curbside.index.embed import Encoder  # noqa: E402
from curbside.index.vectors import VectorIndex  # noqa: E402

# CPU an exact search may cost a question (~50-100 ms wall on 2 idle cores) before a graph is
# worth its build time at every index load and its memory.
CPU_BUDGET_MS = 100.0
RECALL_NEEDED = 0.98
NOISE = 0.75  # noise norm relative to the unit parent: cosine to the parent ~ 1/sqrt(1 + 0.75^2) = 0.8
SEED = 20240611


def load_pubmedqa(shared: Path, limit: int) -> tuple[list[str], list[str]]:
    """(passages, questions) from PubMedQA, in file order, so every run reads the same texts."""
    path = shared / "corpora" / "pubmedqa" / "ori_pqal.json"
    if not path.exists():
        sys.exit(f"{path} is missing; pass --shared pointing at the shared data folder.")
    records = json.loads(path.read_text(encoding="utf-8"))
    passages = [text for record in records.values() for text in record["CONTEXTS"]][:limit]
    questions = [record["QUESTION"] for record in records.values()]
    return passages, questions


def percentiles(seconds: list[float]) -> tuple[float, float]:
    ms = np.asarray(seconds) * 1000
    return round(float(np.percentile(ms, 50)), 2), round(float(np.percentile(ms, 95)), 2)


def bench_encoder(texts: list[str], max_tokens: int, threads: int) -> tuple[dict, np.ndarray]:
    encoder = Encoder(max_tokens=max_tokens, threads=threads)
    encoder.encode(texts[:16])  # warm-up: first-run allocations are not throughput
    tokens = encoder.count_tokens(texts)
    started, cpu_started = time.perf_counter(), time.process_time()
    matrix = encoder.encode(texts)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    row = {
        "max_tokens": max_tokens,
        "passages": len(texts),
        "mean_tokens": round(tokens / len(texts), 1),
        "seconds": round(seconds, 1),
        "passages_per_s": round(len(texts) / seconds, 1),
        "tokens_per_s": round(tokens / seconds),
        # Per CPU-second, summed over threads: what the work costs whatever else the machine runs.
        "tokens_per_cpu_s": round(tokens / cpu_seconds),
    }
    return row, matrix


def bench_query_encoding(questions: list[str], threads: int) -> dict:
    encoder = Encoder(max_tokens=128, threads=threads)
    encoder.encode(questions[:1])  # encode, not encode_query: that one keeps recent vectors
    times = []
    for question in questions:
        started = time.perf_counter()
        encoder.encode([question])
        times.append(time.perf_counter() - started)
    p50, p95 = percentiles(times)
    return {"queries": len(questions), "p50_ms": p50, "p95_ms": p95}


def real_looking(parents: np.ndarray, size: int) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    chosen = parents[rng.integers(0, len(parents), size)]
    noise = rng.standard_normal((size, parents.shape[1]), dtype=np.float32)
    noise *= NOISE / np.linalg.norm(noise, axis=1, keepdims=True)
    out = chosen + noise
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out.astype(np.float32)


def timed_searches(index: VectorIndex, queries: np.ndarray, k: int = 10) -> tuple[list[list[int]], list[float], float]:
    """(top-k pks per query, wall seconds per query, mean CPU seconds per query)."""
    index.search(queries[0], k)
    results, times = [], []
    cpu_started = time.process_time()
    for query in queries:
        started = time.perf_counter()
        hits = index.search(query, k)
        times.append(time.perf_counter() - started)
        results.append([pk for pk, _ in hits])
    return results, times, (time.process_time() - cpu_started) / len(queries)


def bench_search(parents: np.ndarray, queries: np.ndarray, sizes: list[int]) -> list[dict]:
    matrix = real_looking(parents, max(sizes))
    rows = []
    for size in sizes:
        pks = np.arange(size, dtype=np.int64)
        exact = VectorIndex(pks, matrix[:size], approximate_from=size + 1)
        truth, exact_times, exact_cpu = timed_searches(exact, queries)
        started = time.perf_counter()
        approximate = VectorIndex(pks, matrix[:size], approximate_from=0)
        build = time.perf_counter() - started
        row = {"vectors": size, "matrix_mb": round(exact.matrix.nbytes / 1e6, 1)}
        row["exact_p50_ms"], row["exact_p95_ms"] = percentiles(exact_times)
        row["exact_cpu_ms"] = round(exact_cpu * 1000, 2)
        if approximate.approximate:
            found, approx_times, _ = timed_searches(approximate, queries)
            row["approx_build_s"] = round(build, 1)
            row["approx_p50_ms"], row["approx_p95_ms"] = percentiles(approx_times)
            row["recall_at_10"] = round(
                float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth, strict=False)])), 4
            )
            row["graph_mb"] = round(approximate._graph.memory_usage / 1e6, 1)
        rows.append(row)
        del approximate
    return rows


def threshold(rows: list[dict]) -> dict:
    for row in rows:
        if row["exact_cpu_ms"] > CPU_BUDGET_MS and row.get("recall_at_10", 0) >= RECALL_NEEDED:
            return {"vectors": row["vectors"], "measured": True}
    largest = rows[-1]
    projected = int(largest["vectors"] * CPU_BUDGET_MS / max(largest["exact_cpu_ms"], 1e-3))
    return {"vectors": max(projected, largest["vectors"]), "measured": False}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("CURBSIDE_SHARED", ROOT.parent / "shared")))
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--sizes", default="10000,50000,100000,200000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    passages, questions = load_pubmedqa(args.shared, args.texts)
    questions = questions[: args.queries]
    encoder_rows = []
    for max_tokens in (128, 256):
        row, encoded = bench_encoder(passages, max_tokens, args.threads)
        encoder_rows.append(row)
        if max_tokens == 128:
            parents = encoded
    query_row = bench_query_encoding(questions, args.threads)
    query_vectors = Encoder(max_tokens=128, threads=args.threads).encode(questions)
    search_rows = bench_search(parents, query_vectors, sizes)
    result = {
        "threads": args.threads,
        "cpu_count": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "encoder": encoder_rows,
        "query_encode": query_row,
        "search": search_rows,
        "matrix_mb_per_100k": round(100_000 * parents.shape[1] * 4 / 1e6, 1),
        "approximate_from_in_code": vectors.APPROXIMATE_FROM,
        "approximate_from_measured": threshold(search_rows)
        | {"cpu_budget_ms": CPU_BUDGET_MS, "recall_needed": RECALL_NEEDED},
    }
    if args.json:
        print(json.dumps(result))
    else:
        print_tables(result)


def print_tables(result: dict) -> None:
    print(f"Encoder ({result['threads']} threads, {result['cpu_count']} cores, load {result['load_average_1m']}):")
    print(
        f"{'max_tokens':>10} {'passages':>9} {'mean tok':>9} {'seconds':>8} {'passages/s':>11} {'tokens/s':>9} "
        f"{'tokens/cpu-s':>13}"
    )
    for r in result["encoder"]:
        print(
            f"{r['max_tokens']:>10} {r['passages']:>9} {r['mean_tokens']:>9} {r['seconds']:>8} "
            f"{r['passages_per_s']:>11} {r['tokens_per_s']:>9} {r['tokens_per_cpu_s']:>13}"
        )
    q = result["query_encode"]
    print(f"\nQuery encoding: p50 {q['p50_ms']} ms, p95 {q['p95_ms']} ms over {q['queries']} questions")
    print(f"\nSearch, k=10 (float32 matrix: {result['matrix_mb_per_100k']} MB per 100k vectors):")
    print(
        f"{'vectors':>8} {'exact p50':>10} {'exact p95':>10} {'exact cpu':>10} {'approx p50':>11} {'approx p95':>11} "
        f"{'recall@10':>10} {'build s':>8} {'graph MB':>9}"
    )
    for r in result["search"]:
        print(
            f"{r['vectors']:>8} {r['exact_p50_ms']:>10} {r['exact_p95_ms']:>10} {r['exact_cpu_ms']:>10} "
            f"{r.get('approx_p50_ms', '-'):>11} "
            f"{r.get('approx_p95_ms', '-'):>11} {r.get('recall_at_10', '-'):>10} {r.get('approx_build_s', '-'):>8} "
            f"{r.get('graph_mb', '-'):>9}"
        )
    t = result["approximate_from_measured"]
    where = "at" if t["measured"] else "above (extrapolated)"
    print(
        f"\nApproximate search pays from {where} {t['vectors']} vectors (exact search > {t['cpu_budget_ms']} CPU ms, "
        f"recall@10 >= {t['recall_needed']}); the code uses {result['approximate_from_in_code']}."
    )


if __name__ == "__main__":
    main()
