"""How curbside's articles answer the clinician question set (../shared/eval/clinician), and how fast.

    python bench/clinician.py --library PATH [--questions FILE] [--limit N] [--ids da02,db01]
                              [--json] [--out FILE] [--show ID]

Every question is asked once for a physician through `Library.ask` (the product's path), in one
process, after one untimed warm-up ask. The figures, each next to its target, and how they are
counted are in curbside/evaluate/clinician.py: must-haves found (overall, per half, in the bottom
line), their source among the references, abstain questions abstained, answerable questions
refused, doses without a drug, repeated claims, claims citing the question's sources,
disagreements shown where the set's note names one, and ask latency p50/p95.

--out FILE also writes the JSON object to FILE. --show ID asks that one question and prints its
article as Markdown, then each must-have found or missed with the claim that came closest.
Asking does not write to the library.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curbside.errors import CurbsideError  # noqa: E402
from curbside.evaluate import clinician  # noqa: E402
from curbside.evaluate.metrics import percentile  # noqa: E402
from curbside.library import Library  # noqa: E402
from curbside.render import render  # noqa: E402

TARGETS = {
    "found_share": 0.70,
    "half_found_share": 0.5,
    "refused": 0,
    "doses_without_drug": 0,
    "repeated": 0,
    "p50_ms": 300,
    "p95_ms": 1000,
}  # and every abstain question abstained


def timed_ask(lib: Library, question: str) -> tuple[object, float]:
    started = time.perf_counter()
    article = lib.ask(question, audience="physician")
    return article, (time.perf_counter() - started) * 1000


def ask_all(lib: Library, questions: list[clinician.Question]) -> list[clinician.QuestionScore]:
    lib.ask(questions[0].question, audience="physician")  # warm-up: loads the encoder, vectors and vocabulary
    vocabulary = lib.searcher.vocabulary
    scores = []
    for question in questions:
        article, ms = timed_ask(lib, question.question)
        scores.append(clinician.score(question, article, ms, vocabulary))
    return scores


def report_of(lib: Library, scores: list[clinician.QuestionScore]) -> dict:
    millis = [s.ms for s in scores]
    return {
        "overall": clinician.summarise(scores),
        "ask_ms": {
            "p50": round(percentile(millis, 50), 1),
            "p95": round(percentile(millis, 95), 1),
            "max": round(max(millis), 1),
            "questions": len(millis),
        },
        "targets": TARGETS,
        "rule": clinician.RULE,
        "questions": [s.to_dict() for s in scores],
        "library": str(lib.path),
    }


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSES"


def fraction(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.2f})" if whole else f"{part}/0"


def print_table(report: dict) -> None:
    o, ms = report["overall"], report["ask_ms"]
    print(f"Clinician questions on {report['library']}: {o['answerable']} answerable, {o['abstain_questions']} abstain")
    print(f"matching rule: {report['rule']}")
    print(
        f"{'id':<6}{'kind':<14}{'found':>7}{'in refs':>9}{'claims':>8}{'own src':>9}{'dose/no drug':>14}"
        f"{'repeated':>10}{'differ':>8}{'ms':>8}"
    )
    for q in report["questions"]:
        marked = "*" if q["names_disagreement"] else ""
        differ = f"{len(q['differ_notes'])}{marked}" if q["kind"] == "article" else "-"
        print(
            f"{q['id']:<6}{q['kind']:<14}{q['found']:>3}/{q['must_have']:<3}{q['source_referenced']:>6}/{q['must_have']:<2}"
            f"{q['claims']:>8}{q['claims_citing_sources']:>9}{len(q['doses_without_drug']):>14}"
            f"{len(q['repeated']):>10}{differ:>8}{q['ms']:>8.0f}"
        )
    print("(* the set's note names a disagreement)")
    rows = [
        (
            "must-haves found",
            fraction(o["found"], o["must_have"]),
            f">= {TARGETS['found_share']}",
            o["must_have"] and o["found"] / o["must_have"] >= TARGETS["found_share"],
        ),
        ("  in the bottom line", fraction(o["found_in_bottom_line"], o["must_have"]), "", None),
    ]
    rows += [
        (
            f"  half {half}",
            fraction(h["found"], h["must_have"]),
            f">= {TARGETS['half_found_share']}",
            h["must_have"] and h["found"] / h["must_have"] >= TARGETS["half_found_share"],
        )
        for half, h in o["halves"].items()
    ]
    rows += [
        ("right source among references", f"{o['source_referenced_share']}", "", None),
        (
            "abstain questions abstained",
            f"{o['abstained']}/{o['abstain_questions']}",
            "{0}/{0}".format(o["abstain_questions"]),
            o["abstained"] == o["abstain_questions"],
        ),
        ("answerable questions refused", f"{o['refused']}/{o['answerable']}", "0", o["refused"] == TARGETS["refused"]),
        ("dose claims without a drug", str(o["doses_without_drug"]), "0", o["doses_without_drug"] == 0),
        ("repeated claims", str(o["repeated"]), "0", o["repeated"] == 0),
        ("claims citing listed sources", fraction(o["claims_citing_sources"], o["claims"]), "", None),
        ("disagreements shown", f"{o['disagreement_shown']}/{o['disagreement_questions']}", "", None),
        ("ask p50 ms", f"{ms['p50']}", f"<= {TARGETS['p50_ms']}", ms["p50"] <= TARGETS["p50_ms"]),
        ("ask p95 ms", f"{ms['p95']} (max {ms['max']})", f"<= {TARGETS['p95_ms']}", ms["p95"] <= TARGETS["p95_ms"]),
    ]
    print()
    for label, figure, target, ok in rows:
        print(f"{label:<32}{figure:<24}{target:<10}{'' if ok is None else verdict(bool(ok))}")
    if o["refused_ids"]:
        print(f"refused: {', '.join(o['refused_ids'])}")
    answered_abstain = [
        q["id"] for q in report["questions"] if q["expect"] == "abstain" and q["kind"] != "insufficient"
    ]
    if answered_abstain:
        print(f"abstain questions not abstained: {', '.join(answered_abstain)}")


def show(lib: Library, question: clinician.Question) -> None:
    """The article as a developer reads it, then each must-have with the claim that came closest."""
    article, ms = timed_ask(lib, question.question)
    scored = clinician.score(question, article, ms, lib.searcher.vocabulary)
    print(f"{question.id} ({question.intent}, expect {question.expect}): {question.question}\n")
    print(render(article, "md"))
    print(f"== must-haves: {scored.found}/{len(scored.matches)} found ({clinician.RULE})")
    for match in scored.matches:
        state = "FOUND" if match.found else "missed"
        where = " (bottom line)" if match.in_bottom_line else ""
        cited = "cited" if match.source_referenced else "NOT among the references"
        print(
            f"- {state}{where}: {match.must_have.fact}\n  source {match.must_have.source} ({cited})\n"
            f"  quote: {match.must_have.quote}\n  claim: {match.claim or '(no claim)'}\n"
            f"  holds {match.quote_share:.0%} of the quote's words; {match.inside:.0%} of its own words are in it"
        )
    for label, items in (("dose without a drug", scored.doses_without_drug), ("repeated", scored.repeated)):
        for text in items:
            print(f"! {label}: {text}")
    if question.names_disagreement:
        print(f"note (names a disagreement): {question.note}")
        print(f"sources-differ notes shown: {len(scored.differ_notes)}")
    print(f"asked in {ms:.0f} ms (cold)")


def select(questions: list[clinician.Question], ids: str | None, limit: int | None) -> list[clinician.Question]:
    if ids:
        wanted = [i.strip() for i in ids.split(",") if i.strip()]
        known = {q.id for q in questions}
        unknown = [i for i in wanted if i not in known]
        if unknown:
            raise SystemExit(f"No question {', '.join(unknown)} in the set; ids look like da01 or db12.")
        questions = [q for q in questions if q.id in wanted]
    return questions[:limit] if limit else questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--library", default=None, help="library folder (default: $CURBSIDE_LIBRARY or the default path)"
    )
    shared = Path(os.environ.get("CURBSIDE_SHARED", ROOT.parent / "shared"))  # as tests/conftest.py finds it
    parser.add_argument("--questions", default=str(shared / "eval" / "clinician" / "questions.jsonl"))
    parser.add_argument("--limit", type=int, default=None, help="ask only the first N (chosen) questions")
    parser.add_argument("--ids", default=None, help="comma-separated question ids, e.g. da02,db01")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--out", default=None, help="also write the JSON object to this file")
    parser.add_argument("--show", default=None, metavar="ID", help="print one question's article and its must-haves")
    args = parser.parse_args()
    if args.limit is not None and args.limit < 1:
        raise SystemExit(f"--limit {args.limit} asks for no questions; give 1 or more.")
    try:
        questions = clinician.load_questions(Path(args.questions))
        lib = Library(args.library, create=False)
    except CurbsideError as exc:
        raise SystemExit(str(exc)) from None
    if not lib.stats()["sources_total"]:
        raise SystemExit(f"The library at {lib.path} holds no sources; ingest some first (`curbside ingest starter`).")
    if args.show:
        show(lib, select(questions, args.show, None)[0])
        return
    chosen = select(questions, args.ids, args.limit)
    if not chosen:
        raise SystemExit(f"{args.questions} holds no questions.")
    report = report_of(lib, ask_all(lib, chosen))
    lib.close()
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(report))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
