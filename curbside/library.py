"""`Library`: the one object the CLI, the web app and the tests hold.

It owns a library folder (the SQLite store and the vector index) and exposes the
pipeline: ingest, browse sources, search, ask.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .config import Settings
from .errors import ConflictError, InputError, NotFoundError
from .ingest import run as ingest_stage
from .ingest.readers import get_reader
from .model import IngestReport, Passage, Source
from .store import sources as store
from .store.database import Database


class Library:
    def __init__(self, path: str | Path | None = None, *, create: bool = True, settings: Settings | None = None):
        self.settings = settings or Settings.load(path)
        self.path = self.settings.library
        self.db = Database(self.path, create=create)
        self._encoder = None
        self._bulk_encoder = None
        self._embedded = None  # how far this process has embedded (index/sync.Embedded)
        self._searcher = None
        self._answers = None
        self._editorial = None

    # -- ingest ---------------------------------------------------------------------------

    def ingest(
        self,
        reader_name: str,
        path: str | Path | None = None,
        *,
        embed: bool = True,
        on_item: Callable[[], None] | None = None,
        on_total: Callable[[int | None], None] | None = None,
        on_embedded: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Read `path` with the named reader and store what is new or changed."""
        from .publish.evidence import flag_source_change

        reader = get_reader(reader_name)
        source_path = Path(path).expanduser() if path is not None else None
        if source_path is None and not getattr(reader, "PATH_OPTIONAL", False):
            raise InputError(f"`curbside ingest {reader_name}` needs a PATH; give the file or folder to read.")
        items = reader.read(source_path, self.settings)
        if on_total is not None and hasattr(reader, "estimate"):
            on_total(reader.estimate(source_path))
        report = IngestReport(reader=reader.NAME, path=str(source_path or reader.NAME))
        after_batch = (lambda: self.embed_pending(on_embedded)) if embed else None
        flagged: list[str] = []
        report = ingest_stage.ingest(
            self.db,
            items,
            report,
            batch_size=self.settings.ingest_batch,
            on_item=on_item,
            after_batch=after_batch,
            on_flagged=flagged.extend,
            flag_change=flag_source_change,
        )
        if flagged:
            self._write_audit_head()  # flags for re-review extended the audit chain
        if report.added or report.updated:
            from .ingest.mesh import build_synonyms

            build_synonyms(self.db)  # focus <-> synonym pairs named in the new sources' metadata
        from .search import heading_file

        # The headings' intents, read once here rather than by every process that searches (a no-op when current).
        heading_file.write(self.db.connection(), self.db.path.parent)
        if self._searcher is not None:
            self._searcher.invalidate()  # the next search reloads vectors and vocabulary
        return report

    def withdraw_source(self, source_id: str, reason: str, actor: str = "curbside") -> list[str]:
        """Take a source out of the library for good (its passages stay readable for old citations)
        and flag every article in editorial care that cites it; returns the flagged article ids."""
        from .publish import audit
        from .publish.evidence import flag_source_change

        reason = " ".join((reason or "").split())
        if not reason:
            raise InputError(f"Withdrawing source {source_id!r} needs a reason; say why it is withdrawn.")
        with self.db.transaction() as conn:
            current = store.current_version(conn, source_id)
            if current is None:
                status = store.latest_status(conn, source_id)
                if status is None:
                    raise NotFoundError(f"No source {source_id!r} in this library; list them with `curbside sources`.")
                raise ConflictError(
                    f"Source {source_id!r} is already {status}; only a current source can be withdrawn."
                )
            pk, version, _ = current
            store.supersede(conn, pk, status="withdrawn")
            flagged = flag_source_change(conn, source_id, version, None)
            audit.append(
                conn,
                actor,
                "withdraw_source",
                source_id,
                detail={"reason": reason, "version": version, "flagged": flagged},
            )
        self._write_audit_head()
        if self._searcher is not None:
            self._searcher.invalidate()  # its passages left the search indexes
        return flagged

    def _write_audit_head(self) -> None:
        from .publish import audit

        audit.write_head(self.db.connection(), self.path)

    def embed_pending(self, on_embedded: Callable[[int], None] | None = None) -> int:
        """Embed every indexed passage that has no vector yet; returns how many were embedded."""
        from .index.sync import Embedded, embed_pending

        if self._embedded is None:
            self._embedded = Embedded()
        return embed_pending(
            self.db,
            self.bulk_encoder,
            batch_size=self.settings.embed_batch,
            on_embedded=on_embedded,
            skip_sections=tuple(self.settings.embed_skip_sections),
            progress=self._embedded,
        )

    @property
    def encoder(self):
        """The encoder for questions: its idle threads sleep, leaving the CPU to the server."""
        if self._encoder is None:
            from .index.embed import Encoder

            self._encoder = Encoder(max_tokens=self.settings.embed_max_tokens)
        return self._encoder

    @property
    def bulk_encoder(self):
        """The encoder for embedding passages: its threads spin between the encoder's steps, which
        encodes about 6 % faster when nothing else needs the CPU (bench/vectors.py). Its own
        session, so a server that embeds never makes its questions' encoder spin."""
        if self._bulk_encoder is None:
            from .index.embed import Encoder

            self._bulk_encoder = Encoder(max_tokens=self.settings.embed_max_tokens, spinning=True)
        return self._bulk_encoder

    def ingest_mesh(self, path: str | Path | None) -> dict:
        """Load the MeSH vocabulary (synonyms, drug names) from a folder of terms/tree TSVs."""
        from .ingest.mesh import ingest_mesh

        if path is None:
            raise InputError(
                "`curbside ingest mesh` needs a PATH; give the folder holding terms.tsv and tree-numbers.tsv."
            )
        summary = ingest_mesh(self.db, Path(path).expanduser())
        if self._searcher is not None:
            self._searcher.invalidate()
        return summary

    # -- search and ask -------------------------------------------------------------------

    @property
    def searcher(self):
        if self._searcher is None:
            from .search.retrieve import Searcher

            self._searcher = Searcher(self)
        return self._searcher

    def search(self, question: str, k: int = 10, options=None) -> list:
        """Ranked `Hit`s for a question (hybrid BM25 + vectors, reranked)."""
        from .ask import check_question
        from .search.retrieve import SearchOptions

        if k < 1 or k > 200:
            raise InputError(f"k={k} is out of range; ask for between 1 and 200 results.")
        return self.searcher.search(check_question(question), k, options or SearchOptions())[1]

    def ask(self, question: str, *, audience: str = "physician", thread=None):
        """A verified `Article` answering the question from this library."""
        from .ask import ask

        return ask(self, question, audience=audience, thread=thread)

    @property
    def answers(self):
        """Saved articles and conversation threads (what the web app and the API serve)."""
        if self._answers is None:
            from .saved import Answers

            self._answers = Answers(self)
        return self._answers

    @property
    def editorial(self):
        """Accounts, the review workflow, versions and the audit log (curbside/publish)."""
        if self._editorial is None:
            from .publish.editorial import Editorial

            self._editorial = Editorial(self)
        return self._editorial

    # -- browse ---------------------------------------------------------------------------

    def sources(self, kind: str | None = None, include_old: bool = False) -> list[Source]:
        return store.list_sources(self.db.connection(), kind, include_old)

    def source(self, source_id: str, version: int | None = None) -> tuple[Source, list[Passage]]:
        conn = self.db.connection()
        found = store.get_source(conn, source_id, version)
        if found is None:
            raise NotFoundError(f"No source {source_id!r} in this library; list them with `curbside sources`.")
        pk, src = found
        return src, store.passages_of(conn, pk, src.id)

    def browse_sources(
        self, *, kind: str = "", text: str = "", limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Source]]:
        """One page of current sources for the source browser, with the total that match."""
        return store.page_sources(self.db.connection(), kind=kind, text=text, limit=limit, offset=offset)

    def source_versions(self, source_id: str) -> list[tuple[int, str, str]]:
        return store.versions_of(self.db.connection(), source_id)

    def passage(self, passage_id: str) -> tuple[Passage, Source]:
        found = store.get_passage(self.db.connection(), passage_id)
        if found is None:
            raise NotFoundError(f"No passage {passage_id!r} in this library; passage ids look like SOURCE@VERSION#N.")
        return found

    def passage_or_none(self, passage_id: str) -> Passage | None:
        found = store.get_passage(self.db.connection(), passage_id)
        return found[0] if found else None

    def editorial_policy(self) -> str:
        """The editorial policy as Markdown: the library's own file, else the default one."""
        own = self.path / self.settings.editorial_policy_file
        chosen = own if own.is_file() else Path(__file__).parent / "data" / "editorial-policy.md"
        return chosen.read_text(encoding="utf-8")

    def stats(self) -> dict:
        return store.counts(self.db.connection()) | {"library": str(self.path)}

    def close(self) -> None:
        self.db.close()
