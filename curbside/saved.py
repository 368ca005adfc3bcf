"""Saved answers and conversation threads.

An answer is identified by what determines it: the audience and the questions of its thread up to
and including its own (a follow-up such as "and in pregnancy?" means nothing alone). Asking again
over an unchanged library returns the saved article; after the library changes, a draft is
re-composed and saved as a new version only if its content changed. Articles an author has saved,
edited or had reviewed keep their text: re-review when evidence changes belongs to the editorial
workflow (curbside/publish).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading

from . import __version__
from .ask import check_audience, check_question
from .errors import InputError, NotFoundError
from .model import ArticleRecord, Thread
from .render.jsonout import render as article_json
from .search.understand import Question, understand
from .store import articles as store

# Articles one server process composes at once; the others wait their turn (see Answers).
# bench/load.py, demo library, 2 workers, 50 clients, 60 s, one sitting: no limit 474 requests,
# 29 time-outs, p95 30.0 s, workers' PSS 1,802/1,283 MB; 2 slots 1,069 requests, 0 errors, p95
# 9.7 s, 800/705 MB; 1 slot 1,108 requests, 0 errors, p95 9.8 s. Two let a single-worker server
# use both cores while one composition waits on the encoder or SQLite.
COMPOSE_SLOTS = 2
MAX_THREAD_TURNS = 20  # a longer conversation is better started afresh; it also bounds the work per page


def _recomposable(record: ArticleRecord) -> bool:
    """Only what curbside composed and nobody has taken into editorial care follows the library by
    itself; anything saved, edited or reviewed changes through the workflow (and is flagged for
    re-review when its evidence changes)."""
    return record.status == "draft" and not record.author and not record.edited_by and not record.published_version


def article_id(questions: list[str], audience: str) -> str:
    key = json.dumps([audience, [" ".join(q.split()) for q in questions]], ensure_ascii=False)
    return "a" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


class Answers:
    """What the web app and the API use to ask, save and re-read articles and threads."""

    def __init__(self, library):
        self.library = library
        self._seen_generation = ""
        self._lock = threading.Lock()
        # Composing is CPU work under one interpreter lock: requests that compose at once share
        # the CPU and all finish late together (and each holds its passages in memory meanwhile);
        # taking turns, the first finish first and none waits past a client's time-out.
        self._compose_slots = threading.BoundedSemaphore(COMPOSE_SLOTS)

    # -- articles ------------------------------------------------------------------------------

    def answer(self, questions: list[str], audience: str = "physician") -> ArticleRecord:
        """The saved article answering the last question, read in the context of the earlier ones."""
        questions = [check_question(q) for q in questions]
        audience = check_audience(audience)
        aid = article_id(questions, audience)
        db = self.library.db
        # A new curbside composes differently, so its version is part of the state a draft is kept for.
        generation = f"{__version__}:{store.library_generation(db.connection())}"
        found = store.latest(db.connection(), aid)
        if found and (found[2] == generation or not _recomposable(found[0])):
            # The saved-answer path: most articles have no approved version, and then readers see the latest.
            return found[0] if not found[0].published_version else store.published(db.connection(), aid)
        self._follow_library(generation)
        with self._compose_slots:
            # Asked again while this request waited for a slot: the article is saved by now.
            found = store.latest(db.connection(), aid)
            if found and found[2] == generation:
                return found[0] if not found[0].published_version else store.published(db.connection(), aid)
            article = self.library.ask(questions[-1], audience=audience, thread=self.understood(questions[:-1]))
            content_hash = hashlib.sha256(article_json(article).encode("utf-8")).hexdigest()
            with db.transaction() as conn:
                again = store.latest(conn, aid)  # another process may have saved it meanwhile
                if again and again[1] == content_hash:
                    store.mark_generation(conn, aid, generation)
                else:
                    store.save(conn, aid, questions[:-1], article, content_hash, generation)
        return store.published(db.connection(), aid)

    def article(self, article_id: str, version: int | None = None, *, newest: bool = False) -> ArticleRecord:
        """A saved article as readers see it (its latest approved version, else its latest), one
        given version, or with `newest` the latest version whatever its review state."""
        conn = self.library.db.connection()
        if version:
            record = store.version(conn, article_id, version)
        elif newest:
            record = (store.latest(conn, article_id) or (None,))[0]
        else:
            record = store.published(conn, article_id)
        if record is None:
            which = f"version {version} of article" if version else "article"
            raise NotFoundError(
                f"No {which} {article_id!r} in this library; find articles at /library or GET /api/articles."
            )
        return record

    def for_audience(self, article_id: str, audience: str) -> ArticleRecord:
        """The same question (in the same thread context) answered for another audience."""
        record = self.article(article_id)
        return self.answer(record.context + [record.question], audience)

    def listing(self, **filters):
        return store.listing(self.library.db.connection(), **filters)

    def counts(self) -> dict[str, int]:
        return store.counts(self.library.db.connection())

    def facets(self):
        return store.facets(self.library.db.connection())

    # -- threads -------------------------------------------------------------------------------

    def start_thread(self, question: str, audience: str = "physician") -> tuple[Thread, ArticleRecord]:
        record = self.answer([question], audience)  # answer first: a refused question makes no thread
        thread_id = "t" + secrets.token_hex(6)
        with self.library.db.transaction() as conn:
            store.create_thread(conn, thread_id, audience, check_question(question))
        return self.thread(thread_id), record

    def thread_from(self, article_id: str, question: str) -> Thread:
        """A thread that begins with a saved article's question (and the ones it followed up),
        continued by `question`."""
        record = self.article(article_id)
        question = check_question(question)
        self.answer(record.context + [record.question, question], record.audience)
        earlier = record.context + [record.question]
        thread_id = "t" + secrets.token_hex(6)
        with self.library.db.transaction() as conn:
            store.create_thread(conn, thread_id, record.audience, earlier[0])
            for text in earlier[1:] + [question]:
                store.add_turn(conn, thread_id, text)
        return self.thread(thread_id)

    def follow_up(self, thread_id: str, question: str) -> tuple[Thread, ArticleRecord]:
        thread = self.thread(thread_id)
        if len(thread.turns) >= MAX_THREAD_TURNS:
            raise InputError(
                f"Thread {thread_id} already has {MAX_THREAD_TURNS} questions; start a new one from the home page."
            )
        record = self.answer(thread.questions + [question], thread.audience)
        with self.library.db.transaction() as conn:
            store.add_turn(conn, thread_id, check_question(question))
        return self.thread(thread_id), record

    def thread(self, thread_id: str) -> Thread:
        thread = store.get_thread(self.library.db.connection(), thread_id)
        if thread is None:
            raise NotFoundError(f"No thread {thread_id!r} in this library; start one by asking a question.")
        return thread

    def thread_articles(self, thread: Thread, audience: str | None = None) -> list[ArticleRecord]:
        """Each turn's article, oldest first, for the thread's audience or another one."""
        questions = thread.questions
        return [self.answer(questions[: n + 1], audience or thread.audience) for n in range(len(questions))]

    def _follow_library(self, generation: str) -> None:
        """Reload vectors and vocabulary once another process (an ingest) has changed the library."""
        with self._lock:
            if self._seen_generation and generation != self._seen_generation:
                self.library.searcher.invalidate()
            self._seen_generation = generation

    def understood(self, earlier: list[str]) -> list[Question]:
        """The earlier questions understood in order, each in the light of those before it."""
        vocabulary = self.library.searcher.vocabulary
        understood: list[Question] = []
        for text in earlier:
            understood.append(understand(text, vocabulary, thread=understood or None))
        return understood
