"""The patient version of an article against the physician version: readability, citations, follow-ups.

    python bench/audiences.py [--library PATH] [--shared ../shared] [--seed 7] [--medlfqa-questions 10]
                              [--no-thread] [--json]

Twenty questions are asked for the physician and for the patient audience, in one warm process
after a short warm-up on other questions:

- ten MedLFQA questions (K-QA silver, MedicationQA and LiveQA pooled, shuffled with --seed): the
  first ten in that order that the library answers with an article for the physician. How many
  were skipped on the way (the physician version abstained) is reported;
- ten ordinary clinician questions written here (OWN_QUESTIONS: treatment, diagnosis, dosing,
  monitoring, adverse effects of common conditions and drugs), not chosen for any library.

The figures, per audience:

- Flesch–Kincaid grade (curbside.readability.article_grade) of articles of kind "article": mean
  and max, and the mean over questions both audiences answered (paired);
- patient claims cited: each claim of a patient article carries a number that resolves to a
  reference whose passage_ids hold the claim's passage. It must be 100 %. Also shown: the quote
  (claim.text) is found word for word in that passage;
- patient numbers kept: the plain text a patient reads (claim.plain, else claim.text) holds no
  number (curbside.doses.numbers) that the verbatim quote does not. It must be 100 %. Numbers
  taken out (doses are left to the clinician for patients) are counted, not faulted;
- follow-ups: every suggested follow-up of every physician and patient article is asked with the
  same audience, on its own (as `ask` checks it before offering it) and, unless --no-thread,
  after the question it was suggested for (as the web app asks it in a thread). The share that
  gives an article (kind "article") should be 100 %;
- abstentions (kind other than "article") and the latency of `ask` (p50, p95, max) over the 20
  questions. `ask` includes checking its own follow-ups, so this is what a reader waits. Each
  question is asked for the physician first; the patient ask after it finds the per-heading caches
  and the database pages of the same evidence warm, so the two latencies are not like for like.
  Each question is then asked again without the follow-up check, to show what the check costs;
  everything is warm by then, so those times are a lower bound.

The three patient articles with the highest grade are printed with their hardest sentences, and
text problems a reader would notice in patient claims are counted and shown with examples (found
by simple rules, so a lead, not a verdict, and judged on the text the patient reads): a number added
or a dose left in, a text cut mid-sentence or running list items together (how many verbatim quotes
are so is counted apart, in patient_claims.quote_problems), a stub or a subjectless sentence left by splitting a
long one, a list label cut from its list, a dose limit taken out ("in excess of 350 mg in persons"
becomes "in excess of in persons"), words that clash after a glossary replacement ("is not not safe
to use"), leftover punctuation ("Dose:;"), a glossary note inside
parentheses ("(IM (into a muscle))").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# One BLAS thread, as the curbside CLI and server run (curbside/cli.py), set before numpy loads.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from curbside.ask import ask  # noqa: E402
from curbside.compose.readability import PATIENT_GRADE_TARGET, article_grade, grade  # noqa: E402
from curbside.errors import CurbsideError  # noqa: E402
from curbside.evaluate import medlfqa  # noqa: E402
from curbside.evaluate.metrics import mean, percentile  # noqa: E402
from curbside.language.clean import normalize_space  # noqa: E402
from curbside.language.doses import numbers, parse_doses  # noqa: E402
from curbside.library import Library  # noqa: E402
from curbside.model import Article  # noqa: E402
from curbside.search.understand import understand  # noqa: E402

AUDIENCES = ("physician", "patient")
# Ordinary clinician questions about common conditions and drugs, written once and not changed to
# suit a library: four treatment, two diagnosis, two dosing, one monitoring, one adverse effects.
OWN_QUESTIONS = (
    "What is the first-line treatment for community-acquired pneumonia in adults?",
    "How should an acute asthma exacerbation be treated?",
    "What is the initial drug treatment for major depressive disorder?",
    "How is uncomplicated urinary tract infection treated in women?",
    "How is hypertension diagnosed?",
    "How is heart failure diagnosed?",
    "What is the dose of amoxicillin for acute otitis media in children?",
    "What is the starting dose of levothyroxine for hypothyroidism?",
    "What monitoring is needed for patients taking lithium?",
    "What are the adverse effects of statins?",
)
WARM_UP = ("How is gout treated?", "What are the side effects of ibuprofen?")
HARDEST = 3
EXAMPLES = 3  # per kind of text problem


@dataclass
class Asked:
    question: str
    origin: str  # "own" or "medlfqa:<set>:<line>"
    articles: dict[str, Article] = field(default_factory=dict)  # audience -> article
    ms: dict[str, float] = field(default_factory=dict)
    ms_alone: dict[str, float] = field(default_factory=dict)  # the same ask without checking follow-ups, again
    grades: dict[str, float | None] = field(default_factory=dict)
    # audience -> [(follow-up, kind alone, kind in the thread or None)]
    follow_ups: dict[str, list[tuple[str, str, str | None]]] = field(default_factory=dict)


def timed_ask(lib: Library, question: str, audience: str) -> tuple[Article, float]:
    started = time.perf_counter()
    article = lib.ask(question, audience=audience)
    return article, (time.perf_counter() - started) * 1000


def record(asked: Asked, audience: str, article: Article, ms: float) -> None:
    asked.articles[audience], asked.ms[audience] = article, ms
    asked.grades[audience] = article_grade(article) if article.kind == "article" else None


def medlfqa_items(folder: Path, seed: int) -> list[medlfqa.Item]:
    """Every MedLFQA question of the three sets, each text once, in a fixed shuffled order."""
    sets = medlfqa.load_sets(folder, list(medlfqa.SETS))
    first: dict[str, medlfqa.Item] = {}
    for chosen in sets.values():
        for item in chosen:
            first.setdefault(item.question, item)  # a repeated question counts once, where it first occurs
    pooled = list(first.values())
    random.Random(seed).shuffle(pooled)
    return pooled


def choose_medlfqa(lib: Library, items: list[medlfqa.Item], wanted: int) -> tuple[list[Asked], list[dict]]:
    """The first `wanted` questions the physician version answers; the physician ask is the measured one."""
    chosen, skipped = [], []
    for item in items:
        if len(chosen) == wanted:
            break
        article, ms = timed_ask(lib, item.question, "physician")
        if article.kind != "article":
            skipped.append({"question": item.question, "set": item.set, "line": item.line, "kind": article.kind})
            continue
        asked = Asked(item.question, f"medlfqa:{item.set}:{item.line}")
        record(asked, "physician", article, ms)
        chosen.append(asked)
    return chosen, skipped


def time_without_follow_ups(lib: Library, all_asked: list[Asked]) -> None:
    """Each question again without the follow-up check, to show what that check costs (caches are warm by now)."""
    for asked in all_asked:
        for audience in AUDIENCES:
            started = time.perf_counter()
            ask(lib, asked.question, audience=audience, check_follow_ups=False)
            asked.ms_alone[audience] = (time.perf_counter() - started) * 1000


def ask_follow_ups(lib: Library, all_asked: list[Asked], in_thread: bool) -> None:
    """Ask every suggested follow-up with its article's audience, alone and after its question."""
    alone: dict[tuple[str, str], str] = {}
    vocabulary = lib.searcher.vocabulary
    for asked in all_asked:
        for audience, article in asked.articles.items():
            results = []
            for text in article.follow_ups:
                if (audience, text) not in alone:
                    alone[audience, text] = lib.ask(text, audience=audience).kind
                threaded = None
                if in_thread:
                    context = [understand(asked.question, vocabulary)]
                    threaded = lib.ask(text, audience=audience, thread=context).kind
                results.append((text, alone[audience, text], threaded))
            asked.follow_ups[audience] = results


# -- what is wrong in a patient claim ---------------------------------------------------------

# A split sentence that starts with one of these lost its subject ("..., and is the preferred regimen").
_AUXILIARIES = {
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "can",
    "could",
    "may",
    "might",
    "should",
    "will",
    "would",
    "must",
}
_DOUBLED = re.compile(r"\(\s*\)|\s[,.;:]|[,;:]\s*[,;:.)]|\.\s*\.")
_LIMIT_BEFORE = re.compile(
    r"(?:[<>≤≥]|\b(?:exceed\w*|in excess of|more than|less than|greater than|fewer than|"
    r"at least|above|below|over|under|up to|maximum|max|minimum|no more than|not more than))"
    r"\s*\(?\s*$",
    re.IGNORECASE,
)
_LIMIT_AFTER = re.compile(
    r"\s*(?:or (?:more|less|greater|higher|lower|above|below)|and (?:above|over|below|under)|"
    r"\+|or over)\b",
    re.IGNORECASE,
)
_LIMIT_WORDS = r"\b(?:in excess of|more than|less than|greater than|exceeding|at least|up to)"
_ORPHAN_LIMIT = re.compile(
    rf"[<>≤≥]\s*[),;]|\(\s*or (?:more|less|greater|higher)\s*\)|"
    rf"{_LIMIT_WORDS}\s+(?:in|for|of|to|and|or|the)\b|{_LIMIT_WORDS}\s*[,.;)]",
    re.IGNORECASE,
)
# "acid acid reflux", "is not not safe to use", "another a single medicine on its own"
_CLASH = re.compile(r"\b(\w+)\s+\1\b|\b(?:a|an|the|another)\s+(?:a|an|the)\b", re.IGNORECASE)
_NESTED = re.compile(r"\([^()]*\([^()]*\)\s*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")


def _split_starts(plain: str, quote: str) -> list[str]:
    """The sentences of `plain` that start where the quote had no sentence start: made by splitting."""
    made = []
    for sentence in _SENTENCE_END.split(plain)[1:]:
        lead = " ".join(sentence.split()[:3]).lower()
        at = normalize_space(quote).lower().find(lead)
        if at > 0 and normalize_space(quote)[:at].rstrip()[-1:] not in ".!?":
            made.append(sentence)
        elif at < 0 and len(lead.split()) < 3:
            made.append(sentence)  # too short to find again: a stub
    return made


# A quote that stops on one of these, or on a comma, was cut mid-sentence ("... before a meal or").
_DANGLING = re.compile(r"(?:[,;]|\b(?:and|or|but|of|to|the|a|an|with|for|in|on|by|if|than|as|that|which))\s*$", re.I)


def limits_taken_out(claim) -> list[str]:
    """Doses of the quote that were a limit ("in excess of 350 mg", ">325 mg/day", "350 mg or more"),
    when the plain text kept the limit's words without them: what is left reads as advice about any
    amount. A limit taken out whole with its lead-in ("with a maximum dose of 4 g") is not counted."""
    if not _ORPHAN_LIMIT.search(claim.plain):
        return []
    found = []
    for dose in parse_doses(claim.text):
        if dose.unit == "%" or dose.text in claim.plain:
            continue
        before, after = claim.text[max(0, dose.start - 30) : dose.start], claim.text[dose.end : dose.end + 20]
        if dose.max or _LIMIT_BEFORE.search(before) or _LIMIT_AFTER.match(after):
            found.append(claim.text[max(0, dose.start - 15) : dose.end + 12].strip())
    return found


def claim_problems(claim) -> list[tuple[str, str]]:
    """(kind, detail) for each text problem a reader would notice in one patient claim."""
    found = []
    shown = claim.plain or claim.text
    added = Counter(numbers(shown)) - Counter(numbers(claim.text))
    if set(added) - set(numbers(claim.text)):
        found.append(("number added", f"{sorted(added)} in {shown!r} (quote {claim.text!r})"))
    left = [dose.text for dose in parse_doses(shown) if dose.unit != "%"]
    if left:
        found.append(("dose shown to a patient", f"{left} in {shown!r}"))
    if claim.plain and (limits := limits_taken_out(claim)):
        found.append(("a limit taken out with its dose", f"{limits} gone: {claim.plain!r} from {claim.text!r}"))
    clashes = [m.group(0) for m in _CLASH.finditer(claim.plain)]
    if len(clashes) > len(_CLASH.findall(claim.text)):
        found.append(("words clash after a glossary replacement", f"{clashes} in {claim.plain!r}"))
    if len(_NESTED.findall(claim.plain)) > len(_NESTED.findall(claim.text)):
        found.append(("glossary note inside parentheses", repr(claim.plain)))
    # Judged on what the patient reads: the verbatim quote stays as the source has it (counted apart below).
    if "\n" in shown.strip():
        found.append(("text spans lines (list items run together)", repr(shown)))
    if _DANGLING.search(shown.strip()):
        found.append(("text stops mid-sentence", repr(shown)))
    if claim.plain:
        for sentence in _split_starts(claim.plain, claim.text):
            words = sentence.split()
            if len(words) < 4 or words[0][:1].islower():
                found.append(("stub or lower-case start after splitting", f"{sentence!r} from {claim.text!r}"))
            elif words[0].lower() in _AUXILIARIES and not sentence.rstrip().endswith("?"):
                found.append(("sentence without a subject after splitting", f"{sentence!r} from {claim.text!r}"))
        for sentence in _SENTENCE_END.split(claim.plain):
            label = re.split(r"[;:]", sentence.rstrip(" .").strip())[-1].split()
            if 0 < len(label) <= 2 and f"{' '.join(label)}:" in claim.text and sentence.rstrip().endswith("."):
                found.append(("list label cut from its list", f"{sentence!r} from {claim.text!r}"))
        if len(_DOUBLED.findall(claim.plain)) > len(_DOUBLED.findall(claim.text)):
            found.append(("punctuation left over", f"{claim.plain!r} from {claim.text!r}"))
    return found


# -- the report -------------------------------------------------------------------------------


def latency(millis: list[float]) -> dict:
    if not millis:
        return {"p50": None, "p95": None, "max": None, "questions": 0}
    return {
        "p50": round(percentile(millis, 50), 1),
        "p95": round(percentile(millis, 95), 1),
        "max": round(max(millis), 1),
        "questions": len(millis),
    }


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def hardest_sentences(article: Article, count: int = 2) -> list[dict]:
    shown = [claim.plain or claim.text for claim in article.all_claims()]
    graded = {s: grade(s if s.strip()[-1:] in ".!?" else s + ".") for s in dict.fromkeys(shown) if s.strip()}
    return [
        {"sentence": s, "grade": g, "words": len(s.split())}
        for s, g in sorted(graded.items(), key=lambda pair: -pair[1])[:count]
    ]


def report_of(lib: Library, all_asked: list[Asked], skipped: list[dict], args, in_thread: bool) -> dict:
    audiences = {}
    for audience in AUDIENCES:
        rows = [a for a in all_asked if audience in a.articles]
        grades = [a.grades[audience] for a in rows if a.grades[audience] is not None]
        kinds = Counter(a.articles[audience].kind for a in rows)
        audiences[audience] = {
            "asked": len(rows),
            "kinds": dict(kinds),
            "abstained": len(rows) - kinds["article"],
            "abstained_medlfqa": sum(a.articles[audience].kind != "article" for a in rows if a.origin != "own"),
            "abstained_own": sum(a.articles[audience].kind != "article" for a in rows if a.origin == "own"),
            "grade_mean": round(mean(grades), 2) if grades else None,
            "grade_max": max(grades) if grades else None,
            "ask_ms": latency([a.ms[audience] for a in rows]),
            "ask_ms_without_follow_up_check": latency([a.ms_alone[audience] for a in rows if audience in a.ms_alone]),
        }
    both = [a for a in all_asked if all(a.grades.get(aud) is not None for aud in AUDIENCES)]
    paired = {aud: round(mean([a.grades[aud] for a in both]), 2) if both else None for aud in AUDIENCES}
    patient_grades = [a.grades["patient"] for a in all_asked if a.grades.get("patient") is not None]
    paired |= {
        "questions": len(both),
        "patient_lower": sum(a.grades["patient"] < a.grades["physician"] for a in both),
        "patient_at_or_below_target": sum(g <= PATIENT_GRADE_TARGET for g in patient_grades),
    }

    claims = cited = quoted = numbers_ok = 0
    dropped = 0
    problems: dict[str, list[dict]] = {}
    quote_problems: Counter = Counter()  # in the verbatim quotes, which the patient reads only as plain text
    for asked in all_asked:
        article = asked.articles.get("patient")
        if article is None or article.kind != "article":
            continue
        by_number = {ref.number: ref for ref in article.references}
        for claim in article.all_claims():
            claims += 1
            ref = by_number.get(claim.citation)
            cited += bool(ref and claim.passage_id in ref.passage_ids)
            passage = lib.passage_or_none(claim.passage_id) if claim.passage_id else None
            quoted += bool(passage and normalize_space(claim.text) in normalize_space(passage.text))
            shown, verbatim = numbers(claim.plain or claim.text), set(numbers(claim.text))
            numbers_ok += all(n in verbatim for n in shown)
            dropped += sum((Counter(numbers(claim.text)) - Counter(shown)).values())
            quote_problems["quote spans lines"] += "\n" in claim.text.strip()
            quote_problems["quote stops mid-sentence"] += bool(_DANGLING.search(claim.text.strip()))
            for kind, detail in claim_problems(claim):
                seen = problems.setdefault(kind, [])
                if {"question": asked.question, "detail": detail} not in seen:  # a claim may repeat in a section
                    seen.append({"question": asked.question, "detail": detail})
    patient_claims = {
        "claims": claims,
        "cited": cited,
        "cited_share": share(cited, claims),
        "quote_in_passage": quoted,
        "quote_in_passage_share": share(quoted, claims),
        "numbers_kept": numbers_ok,
        "numbers_kept_share": share(numbers_ok, claims),
        "numbers_taken_out": dropped,
        "quote_problems": dict(quote_problems),
    }

    follow_ups = {}
    for audience in AUDIENCES:
        results = [r for a in all_asked for r in a.follow_ups.get(audience, [])]
        distinct = {text: kind for text, kind, _ in results}
        threaded = [r for r in results if r[2] is not None]
        follow_ups[audience] = {
            "offered": len(results),
            "distinct": len(distinct),
            "article": sum(kind == "article" for _, kind, _ in results),
            "article_share": share(sum(kind == "article" for _, kind, _ in results), len(results)),
            "in_thread_article": sum(t == "article" for _, _, t in threaded) if in_thread else None,
            "in_thread_share": share(sum(t == "article" for _, _, t in threaded), len(threaded)) if in_thread else None,
            "failed": sorted({f"{text} -> {kind}" for text, kind, _ in results if kind != "article"}),
            "failed_in_thread": sorted({f"{text} -> {t}" for text, _, t in threaded if t != "article"}),
        }
    offered = sum(f["offered"] for f in follow_ups.values())
    follow_ups["overall"] = {
        "offered": offered,
        "article": sum(f["article"] for f in follow_ups.values()),
        "article_share": share(sum(f["article"] for f in follow_ups.values()), offered),
        "in_thread_share": share(sum(f["in_thread_article"] or 0 for f in follow_ups.values()), offered)
        if in_thread
        else None,
    }

    answered = sorted((a for a in all_asked if a.grades.get("patient") is not None), key=lambda a: -a.grades["patient"])
    hardest = [
        {
            "question": a.question,
            "origin": a.origin,
            "grade": a.grades["patient"],
            "physician_grade": a.grades.get("physician"),
            "claims": len(a.articles["patient"].all_claims()),
            "hardest_sentences": hardest_sentences(a.articles["patient"]),
        }
        for a in answered[:HARDEST]
    ]

    return {
        "library": str(lib.path),
        "seed": args.seed,
        "questions": {
            "medlfqa": sum(a.origin != "own" for a in all_asked),
            "own": sum(a.origin == "own" for a in all_asked),
            "medlfqa_skipped": len(skipped),
            "medlfqa_skipped_questions": skipped,
        },
        "audiences": audiences,
        "grade_paired": paired,
        "patient_claims": patient_claims,
        "follow_ups": follow_ups,
        "hardest_patient": hardest,
        "patient_text_problems": {
            kind: {"count": len(items), "examples": items[:EXAMPLES]} for kind, items in sorted(problems.items())
        },
        "per_question": [
            {
                "question": a.question,
                "origin": a.origin,
                **{
                    aud: {
                        "kind": a.articles[aud].kind,
                        "grade": a.grades[aud],
                        "ms": round(a.ms[aud], 1),
                        "claims": len(a.articles[aud].all_claims()),
                        "sections": [section.key for section in a.articles[aud].sections],
                        "follow_ups": [
                            {"question": t, "kind": k, "in_thread": th} for t, k, th in a.follow_ups.get(aud, [])
                        ],
                    }
                    for aud in AUDIENCES
                    if aud in a.articles
                },
            }
            for a in all_asked
        ],
    }


def print_table(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 120)
    q = report["questions"]
    console.print(
        f"Physician against patient articles from {report['library']}: {q['medlfqa']} MedLFQA questions "
        f"(seed {report['seed']}; {q['medlfqa_skipped']} skipped because the physician version abstained) "
        f"and {q['own']} written clinician questions",
        highlight=False,
    )
    table = Table()
    for head in ("figure", *AUDIENCES):
        table.add_column(head, justify="left" if head == "figure" else "right")
    aud = report["audiences"]

    def pct(value) -> str:
        return "-" if value is None else f"{value:.1%}"

    def row(label, *cells, **style):
        table.add_row(label, *("-" if c is None else str(c) for c in cells), **style)

    row("articles / asked", *(f"{a['kinds'].get('article', 0)} / {a['asked']}" for a in aud.values()))
    row(
        "abstained (MedLFQA + own)",
        *(f"{a['abstained']} ({a['abstained_medlfqa']} + {a['abstained_own']})" for a in aud.values()),
    )
    row("kinds", *(", ".join(f"{k} {n}" for k, n in a["kinds"].items()) for a in aud.values()))
    row("FK grade mean", *(a["grade_mean"] for a in aud.values()))
    row("FK grade max", *(a["grade_max"] for a in aud.values()))
    p = report["grade_paired"]
    row(f"FK grade mean, paired ({p['questions']} q)", *(p[a] for a in AUDIENCES), end_section=True)
    row("ask p50 ms", *(a["ask_ms"]["p50"] for a in aud.values()))
    row("ask p95 ms", *(a["ask_ms"]["p95"] for a in aud.values()))
    row("ask max ms", *(a["ask_ms"]["max"] for a in aud.values()))
    alone = [a["ask_ms_without_follow_up_check"] for a in aud.values()]
    row("  p50 / p95 ms, no follow-up check, warm", *(f"{ms['p50']} / {ms['p95']}" for ms in alone), end_section=True)
    f = report["follow_ups"]
    row("follow-ups offered (distinct)", *(f"{f[a]['offered']} ({f[a]['distinct']})" for a in AUDIENCES))
    row("follow-ups giving an article", *(f"{f[a]['article']} = {pct(f[a]['article_share'])}" for a in AUDIENCES))
    row("  ... asked in the thread", *(pct(f[a]["in_thread_share"]) for a in AUDIENCES), end_section=True)
    c = report["patient_claims"]
    row("patient claims", "", c["claims"])
    row("  cited (number -> reference holding its passage)", "", f"{c['cited']} = {pct(c['cited_share'])}")
    row("  quote word for word in its passage", "", f"{c['quote_in_passage']} = {pct(c['quote_in_passage_share'])}")
    row("  plain text adds no number", "", f"{c['numbers_kept']} = {pct(c['numbers_kept_share'])}")
    row("  numbers taken out (doses)", "", c["numbers_taken_out"])
    console.print(table)
    console.print(
        f"overall follow-ups giving an article: {f['overall']['article']}/{f['overall']['offered']} = "
        f"{pct(f['overall']['article_share'])}; in the thread {pct(f['overall']['in_thread_share'])}; "
        f"patient articles at grade <= {PATIENT_GRADE_TARGET}: {p['patient_at_or_below_target']}, "
        f"patient lower than physician: {p['patient_lower']} of {p['questions']}",
        highlight=False,
    )
    for audience in AUDIENCES:
        for failed in f[audience]["failed"]:
            console.print(f"[{audience}] follow-up without an article: {failed}", highlight=False)
        for failed in f[audience]["failed_in_thread"]:
            console.print(f"[{audience}] follow-up without an article in its thread: {failed}", highlight=False)
    console.print(f"\nThe {len(report['hardest_patient'])} patient articles with the highest grade:", highlight=False)
    for hard in report["hardest_patient"]:
        console.print(
            f"  grade {hard['grade']} (physician {hard['physician_grade']}, {hard['claims']} claims): "
            f"{hard['question']}",
            highlight=False,
        )
        for s in hard["hardest_sentences"]:
            text = s["sentence"] if len(s["sentence"]) <= 300 else s["sentence"][:300] + " ..."
            console.print(f"      {s['grade']:>5} ({s['words']} words) {text!r}", highlight=False)
    problems = report["patient_text_problems"]
    console.print("\nText problems in patient claims" + ("" if problems else ": none found"), highlight=False)
    for kind, found in problems.items():
        console.print(f"  {kind}: {found['count']}", highlight=False)
        for example in found["examples"]:
            console.print(f"      {example['question'][:70]!r}: {example['detail'][:260]}", highlight=False)
    if report["questions"]["medlfqa_skipped"]:
        console.print(f"\nMedLFQA questions skipped ({q['medlfqa_skipped']}):", highlight=False)
        for s in report["questions"]["medlfqa_skipped_questions"]:
            console.print(f"  {s['set']}:{s['line']} {s['kind']}: {s['question'][:100]!r}", highlight=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--library", default=None, help="library folder (default: $CURBSIDE_LIBRARY or the default path)"
    )
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared data folder (MedLFQA)")
    parser.add_argument("--seed", type=int, default=7, help="the order in which MedLFQA questions are tried")
    parser.add_argument("--medlfqa-questions", type=int, default=10, help="MedLFQA questions to use")
    parser.add_argument("--no-thread", action="store_true", help="ask follow-ups only on their own")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args()

    try:
        items = medlfqa_items(Path(args.shared) / "eval" / "medlfqa", args.seed)
        lib = Library(args.library, create=False)
    except CurbsideError as exc:
        raise SystemExit(str(exc)) from None
    if not lib.stats()["sources_total"]:
        raise SystemExit(f"The library at {lib.path} holds no sources; ingest some first (`curbside ingest starter`).")
    for question in WARM_UP:  # loads the encoder, vectors and caches
        for audience in AUDIENCES:
            lib.ask(question, audience=audience)
    chosen, skipped = choose_medlfqa(lib, items, args.medlfqa_questions)
    own = [Asked(question, "own") for question in OWN_QUESTIONS]
    for asked in own:
        record(asked, "physician", *timed_ask(lib, asked.question, "physician"))
    all_asked = chosen + own
    for asked in all_asked:
        record(asked, "patient", *timed_ask(lib, asked.question, "patient"))
    time_without_follow_ups(lib, all_asked)
    ask_follow_ups(lib, all_asked, in_thread=not args.no_thread)
    report = report_of(lib, all_asked, skipped, args, in_thread=not args.no_thread)
    lib.close()
    if args.json:
        print(json.dumps(report))
        return
    print_table(report)


if __name__ == "__main__":
    main()
