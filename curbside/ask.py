"""From a question to a verified article: understand → safety → search → coverage → compose → verify.

Every article leaves through `verify`, so nothing unsupported reaches a reader whichever path
made it. The same library and question always give the same article.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .compose.article import compose, quotes_topic_sources_only
from .compose.references import closest_sources
from .compose.safety import emergency_article, out_of_scope_article
from .compose.suspected import with_suspected_condition
from .compose.topic_reading import focused_hits, topic_sources
from .errors import InputError
from .language.interventions import class_names
from .model import AUDIENCES, MAX_QUESTION_CHARS, Article, Hit
from .search.facets import answers_by_part, asked_drugs
from .search.retrieve import SearchOptions
from .search.topic import topical_evidence
from .search.understand import Question, understand
from .search.unmentioned import unmentioned_names
from .verify import verify

EVIDENCE_HITS = 40  # search hits the composer reads, after the passages of the topic sources
SCAN_HITS = 60  # search hits looked through for the sources the question is about
FOLLOW_UP_CHECK_HITS = 10  # search hits a suggested follow-up is first checked on (see _answered_from_evidence)
# Passages one source may give the composer: twice search's default (SearchOptions.per_source_cap,
# 3, which keeps one long guideline from filling a results page), because an article quotes
# several sections of its best source. No measured figure; bench/abstention.py calibrated the
# coverage gate on evidence read with this cap.
EVIDENCE_PER_SOURCE_CAP = 6

INSUFFICIENT_MESSAGE = (
    "The library does not hold enough evidence to answer this question. The closest sources it "
    "found are listed below; add guidelines or research on this topic and ask again."
)


@dataclass(frozen=True)
class Coverage:
    """Whether the retrieved evidence is about the question at all (the abstention gate).

    A question that asks about a drug needs a top hit that names it too. A question that names a
    condition is covered when a top hit's source names that condition (title, conditions or
    heading); a case description ("74F, CrCl 28, MI in 2019. What drug first?"), whose named
    findings are often not what any source is about, also when the best passage is close enough
    in meaning. One that names none is given only the hits whose source names its topic words
    (topic.py), and is covered when the best of those is close enough in meaning: `min_cosine` is the best balanced accuracy on the LiveQA dev set
    (bench/abstention.py: at 0.50 it answers 80 % of questions the collection covers and abstains
    on 54 % of those it does not; "covered" = an answer judged 3-4 exists).
    """

    min_cosine: float = 0.50
    top: int = 10

    def covers(self, q: Question, hits: list[Hit], about: bool = False) -> tuple[bool, dict]:
        """`about`: a source among the hits is about the question's condition or drug (by its
        title, conditions or headings; compose/topic_reading.py)."""
        top = hits[: self.top]
        best_cosine = max((h.explain.get("vector", 0.0) for h in top), default=0.0)
        condition_hit = any(h.explain.get("rerank_condition", 0.0) >= 1.0 for h in top)
        # The drugs the question asks about: in a case description ("on atorvastatin, CrCl 28.
        # Stop or switch?") the sentences that tell are context, and their lab values read as
        # substances ("creatinine").
        drugs = [d.lower() for d in asked_drugs(q)]
        # Named anywhere in the evidence the article reads, not only the first ten passages: a
        # guideline on meningitis names dexamethasone further down. A class is named by its
        # members too: evidence on clopidogrel is about antiplatelets.
        names = [name for d in drugs for name in [d, *class_names(d)]]
        drug_hit = not drugs or any(n in f"{h.source.title} {h.passage.text}".lower() for h in hits for n in names)
        facts = {
            "best_cosine": round(best_cosine, 3),
            "condition_in_top": condition_hit,
            "drug_in_top": drug_hit,
            "hits": len(hits),
        }
        if not top or not drug_hit:
            # A question about a drug the evidence never names is not answered by evidence on its condition.
            return False, facts
        if q.conditions and not answers_by_part(q.text):
            return condition_hit, facts
        # A case description names findings beside its diagnosis ("diffuse myalgias", "watery
        # diarrhoea"): evidence close in meaning covers it even when no source is about a finding.
        return condition_hit or about or best_cosine >= self.min_cosine, facts


def check_question(question: str) -> str:
    text = (question or "").strip()
    if not text:
        raise InputError("The question is empty; type a clinical question such as 'first-line treatment for gout'.")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(f"The question is {len(text)} characters long; shorten it to {MAX_QUESTION_CHARS} or fewer.")
    return text


def check_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise InputError(f"Unknown audience {audience!r}; use one of: {', '.join(AUDIENCES)}.")
    return audience


@dataclass
class _Route:
    """Which article a question gets, decided before anything is composed: "emergency",
    "out_of_scope", "unmentioned" (a drug or test the library never names), "compose" or
    "insufficient"; with what was read to decide it."""

    way: str
    q: Question
    hits: list[Hit]
    evidence: list[Hit]
    sources: list
    facts: dict
    missing: list[str]


def _route(library, text: str, audience: str, thread: list[Question] | None, coverage: Coverage) -> _Route:
    searcher = library.searcher
    q = understand(text, searcher.vocabulary, thread=thread)
    if q.is_emergency:
        return _Route("emergency", q, [], [], [], {}, [])
    options = SearchOptions(audience=audience, per_source_cap=EVIDENCE_PER_SOURCE_CAP)
    found = searcher.search_question(q, SCAN_HITS, options)
    # A case that names only findings ("fever, neck stiffness") is about the diagnosis they point to.
    q = with_suspected_condition(q, found, searcher.vocabulary)
    # With no recognised condition, only sources that name the question's topic are evidence;
    # the closest sources an abstention lists still come from every hit.
    hits = found[:EVIDENCE_HITS]
    evidence, topic = topical_evidence(q, hits, searcher.vocabulary)
    scan, _ = topical_evidence(q, found, searcher.vocabulary)
    chosen = topic_sources(q, scan, audience, vocabulary=searcher.vocabulary)
    covered, facts = coverage.covers(q, evidence, about=bool(chosen.named))
    facts.update(topic)
    if not q.is_clinical and not (thread or covered):
        # Refuse only what looks non-clinical and finds nothing close: a bare brand name
        # ("Will Xyzal work?") reads as non-clinical yet is answerable.
        return _Route("out_of_scope", q, hits, evidence, chosen.sources, facts, [])
    missing = unmentioned_names(text, library.db.connection())
    way = "unmentioned" if missing else "compose" if covered else "insufficient"
    return _Route(way, q, hits, evidence, chosen.sources, facts, missing)


def ask(
    library,
    question: str,
    *,
    audience: str = "physician",
    thread: list[Question] | None = None,
    coverage: Coverage = Coverage(),
    check_follow_ups: bool = True,
) -> Article:
    """The verified article. With `check_follow_ups`, a suggested follow-up is offered only if
    the library covers it (it would be answered with an article, not "not covered")."""
    text = check_question(question)
    audience = check_audience(audience)
    route = _route(library, text, audience, thread, coverage)
    q, hits, facts = route.q, route.hits, route.facts
    if route.way == "emergency":
        return emergency_article(q, audience)
    if route.way == "out_of_scope":
        return out_of_scope_article(q, audience)
    today_year = library.settings.today_year or date.today().year
    old_after = library.settings.superseded_after_years
    if route.way == "unmentioned":
        # Evidence on the condition does not answer a question about a drug or test the library
        # has never heard of: say so, and list what it has on the condition, marked as such.
        facts["unmentioned"] = route.missing
        message = unmentioned_message(route.missing, q.condition)
        article = insufficient_article(q, hits, audience, today_year, old_after, message=message)
    elif route.way == "compose":
        facts["topic_sources"] = [source.id for source in route.sources]
        article = compose(
            q,
            focused_hits(library.searcher, q, route.sources) + _evidence_for(q, route, audience),
            audience=audience,
            today_year=today_year,
            superseded_after_years=old_after,
            vocabulary=library.searcher.vocabulary,
        )
    else:
        article = insufficient_article(q, hits, audience, today_year, old_after)
    article = verify(article, library.passage_or_none)
    if article.kind == "article" and not article.all_claims():
        # Everything the composer found failed verification: say so rather than show an empty page.
        article = insufficient_article(q, hits, audience, today_year, old_after)
    article.continues = q.continues  # the earlier question this follow-up was read against
    if check_follow_ups:
        article.follow_ups = [text for text in article.follow_ups if answerable(library, text, audience, coverage)]
    article.explain["coverage"] = facts
    if audience == "patient" and article.kind == "article":
        from .compose.readability import PATIENT_GRADE_TARGET, article_grade

        # No timings here: the same question must give the same article.
        article.explain["readability"] = {
            "flesch_kincaid_grade": article_grade(article),
            "target": PATIENT_GRADE_TARGET,
        }
    return article


def _evidence_for(q: Question, route: _Route, audience: str) -> list[Hit]:
    """The search hits the composer reads after the topic sources' passages. A case answered part
    by part for a professional quotes only its topic sources (compose/article.py), so the others'
    statements would be read for nothing: a third of such an ask's time."""
    if route.sources and quotes_topic_sources_only(q, audience):
        chosen = {source.id for source in route.sources}
        return [hit for hit in route.evidence if hit.source.id in chosen]
    return route.evidence


def answerable(library, question: str, audience: str, coverage: Coverage) -> bool:
    """Whether asking `question` gives an article. Checked on the search evidence alone, without
    reading its topic sources whole (the costliest step of an ask): a question that evidence
    answers is answered when more is read too, so a suggestion is never one that leads to "not
    covered"; at worst one that would have been answered is not offered."""
    known = library.searcher.answerable
    key = (question, audience, coverage)
    if key not in known:
        try:
            text = check_question(question)
        except InputError:
            # Checking a suggestion never fails the answer it belongs to: one that cannot be asked is dropped.
            known[key] = False
        else:
            known[key] = _answered_from_evidence(library, _route(library, text, audience, None, coverage), audience)
    return known[key]


def _answered_from_evidence(library, route: _Route, audience: str) -> bool:
    if route.way != "compose":
        return False
    # The first hits answer almost every suggestion that the evidence answers at all: composing
    # from them first, and from all of it only when they give nothing, offered the same 135
    # follow-ups on 86 questions (40 load-style and the clinician set) at about three quarters of
    # the ask's time (bench/load.py's questions, one process: 305 -> 236 ms per ask).
    first = route.evidence[:FOLLOW_UP_CHECK_HITS]
    tries = [first, route.evidence] if len(route.evidence) > FOLLOW_UP_CHECK_HITS else [route.evidence]
    for evidence in tries:
        article = compose(
            route.q,
            evidence,
            audience=audience,
            today_year=library.settings.today_year or date.today().year,
            superseded_after_years=library.settings.superseded_after_years,
            vocabulary=library.searcher.vocabulary,
        )
        article = verify(article, library.passage_or_none)
        if article.kind == "article" and article.all_claims():
            return True
    return False


def unmentioned_message(names: list[str], condition: str) -> str:
    listed = " or ".join(names)
    about = f" on {condition}" if condition else ""
    return (
        f"The library has no evidence on {listed}: none of its sources mentions it. The sources it holds"
        f"{about} are listed below as what it does have, not as an answer; add guidance on {listed} and "
        "ask again."
    )


def insufficient_article(
    q: Question, hits: list[Hit], audience: str, today_year: int, old_after: int, message: str = INSUFFICIENT_MESSAGE
) -> Article:
    return Article(
        question=q.text,
        title=f"Not covered by this library: {q.text.strip()[:80]}",
        kind="insufficient",
        audience=audience,
        intent=q.intent,
        condition=q.condition,
        message=message,
        closest_sources=closest_sources(hits, today_year=today_year, superseded_after_years=old_after),
    )
