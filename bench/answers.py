"""How good curbside's articles are on MedLFQA (K-QA silver, MedicationQA, LiveQA), and how fast `ask` is.

    python bench/answers.py [--library PATH] [--medlfqa DIR] [--sets kqa,medication,liveqa]
                            [--limit N] [--examples N] [--json]

Every question is asked once, in one warm process, after three warm-up questions. The figures are:

- must-have found: the share of MedLFQA must-have statements the article says. This is a proxy;
  the rule is in curbside/evaluate/medlfqa.py and is printed with the results. It is given over
  every question (an abstention finds none) and over answered questions only. The same rule
  applied to MedLFQA's own reference answers shows how strict it is: read the articles' share
  against that one;
- abstained: the share of questions that got no article (insufficient evidence, emergency or
  out of scope);
- citations resolvable: the share of articles whose numbering passes `check_citations` and whose
  every claim is found, word for word, in a passage the library holds. It must be 100 %;
- the mean length of the rendered text (in words), claims and references of the answered articles;
- the latency of `ask` (p50, p95 and max). The target is p50 <= 250 ms and p95 <= 1 s on 2 cores.

--examples N prints N found statements and the N closest misses per set, each with the article
sentence that matched, so a reader can judge the proxy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curbside.errors import CurbsideError  # noqa: E402
from curbside.evaluate import medlfqa  # noqa: E402
from curbside.evaluate.metrics import percentile  # noqa: E402
from curbside.library import Library  # noqa: E402

WARM_UP = 3
P50_TARGET_MS, P95_TARGET_MS = 250, 1000


def ask_all(lib: Library, items: list[medlfqa.Item]) -> list[tuple[medlfqa.Item, object, float]]:
    """(item, article, milliseconds) per question; the warm-up loads the encoder, vectors and caches."""
    for item in items[:WARM_UP]:
        lib.ask(item.question)
    asked = []
    for item in items:
        started = time.perf_counter()
        article = lib.ask(item.question)
        asked.append((item, article, (time.perf_counter() - started) * 1000))
    return asked


def score_all(lib: Library, asked, rule: medlfqa.MatchRule) -> list[medlfqa.ArticleScore]:
    texts = [s for item, _, _ in asked for s in item.must_have + tuple(medlfqa.answer_sentences(item))]
    texts += [s for _, article, _ in asked for s in medlfqa.article_sentences(article)]
    vectors = medlfqa.embed_texts(texts, lib.encoder.encode)
    return [medlfqa.score_article(item, article, ms, vectors, rule, lib.passage_or_none) for item, article, ms in asked]


def latency(millis: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(millis, 50), 1),
        "p95": round(percentile(millis, 95), 1),
        "max": round(max(millis), 1),
        "questions": len(millis),
    }


def report_of(lib: Library, scores: list[medlfqa.ArticleScore], rule: medlfqa.MatchRule) -> dict:
    overall = medlfqa.summarise(scores)
    return {
        "must_have_found": round(overall.must_have_found, 4),
        "must_have_found_answered": round(overall.must_have_found_answered, 4),
        "must_have_found_reference": round(overall.must_have_found_reference, 4),
        "abstained": round(overall.abstained, 4),
        "citations_resolvable": round(overall.citations_resolvable, 4),
        "article_words": round(overall.words, 1),
        "ask_ms": latency([score.ms for score in scores]),
        "overall": overall.to_dict(),
        "sets": {
            name: medlfqa.summarise([s for s in scores if s.set == name]).to_dict()
            for name in dict.fromkeys(score.set for score in scores)
        },
        "rule": {"min_cosine": rule.min_cosine, "min_overlap": rule.min_overlap, "text": rule.describe()},
        "library": str(lib.path),
    }


def print_table(report: dict) -> None:
    print(f"MedLFQA answers from {report['library']}")
    print(f"matching rule: {report['rule']['text']}")
    print(
        "found: share of every must-have statement (an abstention finds none); found (answered): over answered "
        "questions; in reference: the same rule on MedLFQA's own reference answers, the most a full answer scores"
    )
    heads = [
        "set",
        "questions",
        "answered",
        "abstained",
        "must-have",
        "found",
        "found (answered)",
        "in reference",
        "cites ok",
        "words",
        "claims",
        "refs",
    ]
    rows = [(medlfqa.SETS[name][0], s) for name, s in report["sets"].items()] + [("overall", report["overall"])]
    print(f"{heads[0]:<14}" + "".join(f"{h:>{len(h) + 2}}" for h in heads[1:]))
    for label, s in rows:
        cells = [
            s["questions"],
            s["answered"],
            f"{s['abstained']:.1%}",
            s["must_have"],
            f"{s['must_have_found']:.1%}",
            f"{s['must_have_found_answered']:.1%}",
            f"{s['must_have_found_reference']:.1%}",
            f"{s['citations_resolvable']:.1%}",
            f"{s['words']:.0f}",
            f"{s['claims']:.1f}",
            f"{s['references']:.1f}",
        ]
        print(f"{label:<14}" + "".join(f"{c:>{len(h) + 2}}" for c, h in zip(cells, heads[1:], strict=False)))
    kinds = ", ".join(f"{kind} {n}" for kind, n in report["overall"]["kinds"].items())
    print(f"article kinds: {kinds}")
    ms = report["ask_ms"]
    verdict = "meets" if ms["p50"] <= P50_TARGET_MS and ms["p95"] <= P95_TARGET_MS else "MISSES"
    print(
        f"ask latency over {ms['questions']} questions, warm: p50 {ms['p50']} ms, p95 {ms['p95']} ms, "
        f"max {ms['max']} ms ({verdict} the target p50 <= {P50_TARGET_MS} ms, p95 <= {P95_TARGET_MS} ms)"
    )


def print_examples(scores: list[medlfqa.ArticleScore], count: int) -> None:
    """Per set, the first `count` found statements and the `count` misses with the highest cosine."""
    for name in dict.fromkeys(score.set for score in scores):
        pairs = list(
            {
                (score.question, match.statement): (score, match)
                for score in scores
                if score.set == name
                for match in score.matches
                if match.sentence
            }.values()
        )  # a set may repeat a question
        found = [pair for pair in pairs if pair[1].found][:count]
        misses = sorted((pair for pair in pairs if not pair[1].found), key=lambda pair: -pair[1].cosine)[:count]
        for title, chosen in (
            (f"{medlfqa.SETS[name][0]}: found", found),
            (f"{medlfqa.SETS[name][0]}: closest misses", misses),
        ):
            print(f"\n== {title}" + ("" if chosen else ": none"))
            for score, match in chosen:
                print(
                    f"Q: {score.question}\n  must-have: {match.statement}\n  article:   {match.sentence}\n"
                    f"  cosine {match.cosine:.2f}, word overlap {match.overlap:.0%}"
                )


def broken_citations(scores: list[medlfqa.ArticleScore]) -> None:
    for score in scores:
        for problem in score.problems:
            print(f"broken citation in the article for {score.question!r}: {problem}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--library", default=None, help="library folder (default: $CURBSIDE_LIBRARY or the default path)"
    )
    parser.add_argument("--medlfqa", default=str(ROOT.parent / "shared" / "eval" / "medlfqa"))
    parser.add_argument("--sets", default=",".join(medlfqa.SETS), help=f"comma-separated: {','.join(medlfqa.SETS)}")
    parser.add_argument("--limit", type=int, default=None, help="ask only the first N questions of each set")
    parser.add_argument("--examples", type=int, default=0, help="print N found and N missed pairs per set")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args()
    if args.limit is not None and args.limit < 1:
        raise SystemExit(f"--limit {args.limit} asks for no questions; give 1 or more.")

    rule = medlfqa.MatchRule()
    try:
        sets = medlfqa.load_sets(Path(args.medlfqa), [n.strip() for n in args.sets.split(",") if n.strip()], args.limit)
        lib = Library(args.library, create=False)
    except CurbsideError as exc:
        raise SystemExit(str(exc)) from None
    if not lib.stats()["sources_total"]:
        raise SystemExit(f"The library at {lib.path} holds no sources; ingest some first (`curbside ingest starter`).")
    items = [item for chosen in sets.values() for item in chosen]
    if not items:
        raise SystemExit(f"The chosen MedLFQA sets in {args.medlfqa} hold no questions.")
    scores = score_all(lib, ask_all(lib, items), rule)
    report = report_of(lib, scores, rule)
    lib.close()
    broken_citations(scores)
    if args.json:
        print(json.dumps(report))
        return
    print_table(report)
    if args.examples:
        print_examples(scores, args.examples)


if __name__ == "__main__":
    main()
