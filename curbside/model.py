"""The data model, in one place.

Every pipeline stage takes and returns these plain dataclasses, so each stage can be
tested alone and the CLI, web app and tests all speak the same types.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# What a source is, which decides how it is typed in a reference list and ranked.
SOURCE_KINDS = ("guideline", "systematic_review", "research", "consumer", "drug_label", "local")

# How a reference is labelled for a reader, by source kind.
REFERENCE_TYPES = {
    "guideline": "Guideline",
    "systematic_review": "Systematic review",
    "research": "Research",
    "consumer": "Patient information",
    "drug_label": "Drug label",
    "local": "Local",
}

SOURCE_STATUSES = ("current", "superseded", "withdrawn")


@dataclass
class Source:
    """One document from one origin (a guideline summary, a QA pair, an abstract, a file).

    `id` is stable and derived from the origin (e.g. ``ngc:10000``, ``pmid:21645374``), so
    re-ingesting the same document finds the same source; a changed document becomes a new
    `version` of it and the old version is marked superseded.
    """

    id: str
    kind: str
    title: str
    origin: str  # the reader that produced it: ngc, medquad, cochrane, pubmed, openmedicine, files
    developer: str = ""  # guideline developer, organisation or journal
    year: int | None = None
    date: str = ""  # as precise as the source gives it
    identifiers: dict[str, str] = field(default_factory=dict)  # doi, pmid, ngc, qid, cui, path ...
    url: str = ""
    licence: str = ""
    conditions: list[str] = field(default_factory=list)  # from the source's own metadata
    metadata: dict[str, Any] = field(default_factory=dict)  # reader-specific extras
    content_hash: str = ""
    version: int = 1
    status: str = "current"

    @property
    def reference_type(self) -> str:
        return REFERENCE_TYPES.get(self.kind, "Source")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Passage:
    """A citable span of a source: a recommendation, a QA answer, an abstract section.

    `section` is the path of headings it sits under ("Major Recommendations › Pharmacological
    treatment"); `start`/`end` are character offsets of `text` in the cleaned text of that
    section, so a reader can be shown exactly where it came from. `grade` is the evidence
    grade when the text states one ("Grade 1B", "Level A", "Strong, High").
    """

    source_id: str
    order: int
    section: str
    text: str
    start: int = 0
    end: int = 0
    grade: str = ""
    id: str = ""  # assigned by the store: "<source id>@<version>#<order>"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Document:
    """What a reader yields for one source: the source and its passages, in order."""

    source: Source
    passages: list[Passage]


@dataclass
class Skipped:
    """What a reader yields for an input it cannot use, with a reason a person can act on."""

    origin: str  # file path or record identifier
    reason: str


@dataclass
class IngestReport:
    """The outcome of one ingest run."""

    reader: str
    path: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)
    skipped_examples: list[Skipped] = field(default_factory=list)
    passages_added: int = 0
    embedded: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Hit:
    """One search result: a passage, its source, and how its score was made."""

    passage: Passage
    source: Source
    score: float
    explain: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passage": self.passage.to_dict(),
            "source": self.source.to_dict(),
            "score": self.score,
            "explain": self.explain,
        }


# -- articles ---------------------------------------------------------------------------------

ARTICLE_KINDS = ("article", "insufficient", "emergency", "out_of_scope")
AUDIENCES = ("physician", "pharmacist", "nurse", "student", "patient")
# The longest question asked, in characters: the API, the page's text box and ask() all hold it.
MAX_QUESTION_CHARS = 2000


@dataclass
class Claim:
    """One sentence taken from one passage, as the source wrote it (trimmed, never reworded).

    `citation` is the reference number it carries; `passage_id` the exact passage the reader
    can open; `quote_start`/`quote_end` locate the sentence inside that passage's text.
    """

    text: str
    citation: int
    passage_id: str
    quote_start: int = 0
    quote_end: int = 0
    grade: str = ""
    roles: list[str] = field(default_factory=list)
    doses: list[str] = field(default_factory=list)  # dose mentions as written
    # The sentence as this article's audience reads it (plain words, abbreviations expanded, doses
    # left to the clinician); "" = the quote itself. `text` stays the verbatim quote the citation
    # is checked against, and `plain` may hold no number the quote does not.
    plain: str = ""

    @property
    def shown(self) -> str:
        return self.plain or self.text


@dataclass
class Bullet:
    """A point in a section, usually one intervention, with every claim that supports it."""

    label: str  # the intervention or topic ("Duloxetine", "Exercise"); "" for a plain point
    claims: list[Claim]
    differ: str = ""  # a "sources differ" note for this point, citing both sides


@dataclass
class Section:
    key: str  # first_line, second_line, refractory, algorithm, considerations, avoid, ...
    title: str
    bullets: list[Bullet]
    numbered: bool = False  # an ordered algorithm rather than a list


@dataclass
class Reference:
    number: int
    source_id: str
    source_version: int
    type: str  # Guideline, Systematic review, Research, Patient information, Drug label, Local
    title: str
    developer: str
    year: int | None
    identifier: str  # "doi:...", "PMID ...", "NGC 10000", ...
    url: str
    passage_ids: list[str]
    possibly_superseded: bool = False


@dataclass
class SourcesDiffer:
    topic: str  # the intervention or point they disagree on
    text: str  # what each side says, in one sentence
    citations: list[int]


@dataclass
class Verification:
    claims_checked: int = 0
    claims_dropped: int = 0
    problems: list[str] = field(default_factory=list)  # one line per dropped claim or broken link
    citations_resolve: bool = True  # every number resolves and every reference is cited

    @property
    def ok(self) -> bool:
        return self.citations_resolve


@dataclass
class Article:
    question: str
    title: str
    kind: str = "article"  # one of ARTICLE_KINDS
    audience: str = "physician"
    intent: str = ""
    condition: str = ""
    bottom_line: list[Claim] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    differ: list[SourcesDiffer] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    evidence_newest: int | None = None
    evidence_oldest: int | None = None
    superseded_after_years: int = 5
    message: str = ""  # the plain answer when kind != "article" (insufficient evidence, emergency, ...)
    closest_sources: list[Reference] = field(default_factory=list)  # what was found when insufficient
    disclaimer: str = ""
    care_advice: str = ""  # for patients: when to talk to a clinician and when to get urgent care
    follow_ups: list[str] = field(default_factory=list)
    continues: str = ""  # the earlier question this follow-up continues, if any
    status: str = "draft"
    verification: Verification = field(default_factory=Verification)
    explain: dict[str, Any] = field(default_factory=dict)

    def all_claims(self) -> list[Claim]:
        claims = list(self.bottom_line)
        for section in self.sections:
            for bullet in section.bullets:
                claims.extend(bullet.claims)
        # The bottom line repeats section claims; each claim counts once.
        return list({id(c): c for c in claims}.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def article_from_dict(data: dict[str, Any]) -> Article:
    """The inverse of `Article.to_dict()` (for articles read back from the store or the API)."""

    def claims(items):
        return [Claim(**c) for c in items]

    def references(items):
        return [Reference(**r) for r in items]

    fields_ = dict(data)
    fields_.pop("schema", None)
    fields_["bottom_line"] = claims(data.get("bottom_line", []))
    fields_["sections"] = [
        Section(
            key=s["key"],
            title=s["title"],
            numbered=s.get("numbered", False),
            bullets=[
                Bullet(label=b["label"], claims=claims(b["claims"]), differ=b.get("differ", "")) for b in s["bullets"]
            ],
        )
        for s in data.get("sections", [])
    ]
    fields_["differ"] = [SourcesDiffer(**d) for d in data.get("differ", [])]
    fields_["references"] = references(data.get("references", []))
    fields_["closest_sources"] = references(data.get("closest_sources", []))
    fields_["verification"] = Verification(**data.get("verification", {}))
    return Article(**fields_)


# -- saved articles and threads ---------------------------------------------------------------

ARTICLE_STATUSES = ("draft", "submitted", "under review", "changes requested", "revised", "approved", "retracted")


@dataclass
class ArticleRecord:
    """A saved article: the latest version of the answer to one question (in its thread's context)
    for one audience. `context` holds the earlier questions of the thread it follows up."""

    id: str
    question: str
    audience: str
    status: str
    version: int
    created_at: str
    updated_at: str
    article: Article
    context: list[str] = field(default_factory=list)
    reviewed_by: str = ""  # "NAME (role)" of the reviewers who approved this version, once approved
    reviewed_at: str = ""
    author: str = ""  # "NAME (role)" of the author who saved it; "" while nobody has
    edited_by: str = ""  # who made this version; "" = composed by curbside
    note: str = ""  # the change note of this version
    published_version: int | None = None  # the latest approved version, the one readers are shown
    latest_version: int = 0  # the newest version, approved or not
    needs_rereview: bool = False  # a source it cites changed or was withdrawn since
    status_note: str = ""  # the editors' reason, shown with a retraction
    review_status: str = ""  # the workflow state of the article (its latest version); `status` is the shown version's


@dataclass
class ArticleSummary:
    """One row of the article library listing."""

    id: str
    title: str
    question: str
    audience: str
    status: str
    kind: str
    intent: str
    condition: str
    updated_at: str


@dataclass
class ThreadTurn:
    turn: int
    question: str
    created_at: str


@dataclass
class Thread:
    """A conversation: a first question and its follow-ups, answered for one audience."""

    id: str
    audience: str
    created_at: str
    turns: list[ThreadTurn] = field(default_factory=list)

    @property
    def questions(self) -> list[str]:
        return [t.question for t in self.turns]


@dataclass
class User:
    """An account of the editorial workflow (readers need none)."""

    id: int
    name: str  # the sign-in name
    full_name: str  # how the public page names them ("Reviewed by ...")
    role: str  # author, reviewer, editor, admin
    disabled: bool
    created_at: str

    @property
    def label(self) -> str:
        return f"{self.full_name or self.name} ({self.role})"
