"""Same-run A/B of the condition-specificity signal (curbside/search/rerank.py, `narrower`) on the answer
bench: the same MedLFQA questions asked with the signal off (no question condition is read, so no
factor, penalty or demotion) and on, in one warm process; prints one JSON object.

    python bench/condition_specificity.py LIBRARY LIMIT    (LIMIT questions per MedLFQA set)

Recorded: bench/results/condition-specificity-ab.json (the library needs the MeSH vocabulary:
`curbside ingest mesh ../shared/corpora/mesh`; without it the signal does nothing)."""

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))
import answers

from curbside.evaluate import medlfqa
from curbside.library import Library
from curbside.search import rerank

library, limit = sys.argv[1], int(sys.argv[2])
rule = medlfqa.MatchRule()
sets = medlfqa.load_sets(REPO.parent / "shared" / "eval" / "medlfqa", list(medlfqa.SETS), limit)
items = [item for chosen in sets.values() for item in chosen]
lib = Library(library, create=False)
original = rerank._asked_conditions
out = {}
for name, patch in (("before", lambda *a, **k: []), ("after", original)):
    rerank._asked_conditions = patch
    lib.searcher.answerable = {}
    asked = answers.ask_all(lib, items)
    scores = answers.score_all(lib, asked, rule)
    report = answers.report_of(lib, scores, rule)
    report["articles"] = {a.question: sorted({r.source_id for r in a.references}) for _, a, _ in asked}
    out[name] = report
    print(
        name,
        {
            k: report[k]
            for k in (
                "must_have_found",
                "must_have_found_answered",
                "abstained",
                "citations_resolvable",
                "article_words",
                "ask_ms",
            )
        },
        file=sys.stderr,
    )
rerank._asked_conditions = original
lib.close()
changed = [q for q in out["after"]["articles"] if out["after"]["articles"][q] != out["before"]["articles"].get(q)]
out["articles_with_changed_references"] = len(changed)
out["changed_questions"] = changed
out["command"] = f"python bench/condition_specificity.py {library} {limit}"
print(json.dumps(out))
