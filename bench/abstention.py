"""Calibrate the coverage gate's cosine threshold on the LiveQA dev collection.

    python bench/abstention.py [--library bench/.cache/liveqa-library] [--json]

A question counts as covered when the collection holds an answer judged 3 or 4 for it. For each
candidate threshold the script reports how often the gate answers covered questions and
abstains on uncovered ones, using the same `Coverage` rule `ask` uses. The threshold kept in
`curbside/ask.py` is the one with the best balanced accuracy, ties to the lower (answer more).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curbside.ask import EVIDENCE_HITS, EVIDENCE_PER_SOURCE_CAP, Coverage  # noqa: E402
from curbside.evaluate import liveqa  # noqa: E402
from curbside.search.retrieve import SearchOptions  # noqa: E402

THRESHOLDS = [round(0.20 + 0.05 * i, 2) for i in range(11)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--library", default=str(ROOT / "bench" / ".cache" / "liveqa-library"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    eval_dir = Path(args.shared) / "eval" / "liveqa"
    judged_zip = eval_dir / liveqa.JUDGED_ZIP
    questions = liveqa.load_questions(eval_dir / liveqa.QUESTIONS_FILE)
    collection, _ = liveqa.open_collection(
        Path(args.library), Path(args.shared) / "corpora" / "medquad-xml.tar.gz", judged_zip, embed=True, rebuild=False
    )
    grades, _ = liveqa.collection_judgements(liveqa.load_judgements(judged_zip), collection)
    searcher = collection.library.searcher
    cases = []
    for question in questions:
        q, hits = searcher.search(question.text, EVIDENCE_HITS, SearchOptions(per_source_cap=EVIDENCE_PER_SOURCE_CAP))
        covered = any(g >= 3 for g in grades.get(question.number, {}).values())
        cases.append((q, hits, covered))
    rows = []
    for threshold in THRESHOLDS:
        gate = Coverage(min_cosine=threshold)
        answered = [(gate.covers(q, hits)[0], covered) for q, hits, covered in cases]
        tp = sum(1 for a, c in answered if a and c)
        tn = sum(1 for a, c in answered if not a and not c)
        pos = sum(1 for _, c in answered if c) or 1
        neg = sum(1 for _, c in answered if not c) or 1
        rows.append(
            {
                "min_cosine": threshold,
                "answers_covered": round(tp / pos, 3),
                "abstains_uncovered": round(tn / neg, 3),
                "balanced": round((tp / pos + tn / neg) / 2, 3),
            }
        )
    best = max(rows, key=lambda r: (r["balanced"], -r["min_cosine"]))
    report = {
        "questions": len(cases),
        "covered": sum(1 for *_, c in cases if c),
        "by_condition_rule": sum(1 for q, *_ in cases if q.conditions),
        "thresholds": rows,
        "best": best,
    }
    collection.library.close()
    if args.json:
        print(json.dumps(report))
        return
    print(
        f"{report['questions']} questions, {report['covered']} covered; {report['by_condition_rule']} decided by the condition rule"
    )
    print("min_cosine | answers covered | abstains on uncovered | balanced")
    for r in rows:
        print(f"{r['min_cosine']:>10} | {r['answers_covered']:>15} | {r['abstains_uncovered']:>21} | {r['balanced']}")
    print(f"best: {best}")


if __name__ == "__main__":
    main()
