"""The command line: a thin layer over `Library`.

Every user-caused error ends in one line on stderr and exit code 2; no traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

# One BLAS thread: the vector search is one matrix-vector product per query, which BLAS's own
# threads slow down (10-20 ms instead of ~1 ms) and which fights the web server's request threads
# for the same cores (bench/load.py: 24 -> 44 requests/s with 2 workers). Set before numpy loads.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .errors import CurbsideError, InputError
from .ingest.readers import READER_MODULES, get_reader
from .language.terminal import printable, visible
from .library import Library

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="curbside: cited clinical answers from your own library."
)


class _PlainConsole(Console):
    """Prints every string as the text it is: a passage holding "[/bold]" or ":x:" is not Rich
    markup or an emoji code, and no control character (ESC, CR) from a title, file name or
    question reaches the terminal. Styled output is built with `_line`, never with markup."""

    def render_str(self, text: str, **options) -> Text:
        return super().render_str(printable(text), **(options | {"markup": False, "emoji": False}))


out = _PlainConsole(soft_wrap=True, markup=False, emoji=False, highlight=False)
err = _PlainConsole(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)

LibraryOption = typer.Option(
    None, "--library", "-l", help="Library folder (default: $CURBSIDE_LIBRARY or ~/.local/share/curbside/library)."
)


def _line(*parts: str | tuple[str, str]) -> Text:
    """Plain parts and (part, style) pairs as one Text, with control characters removed."""
    return Text.assemble(*((printable(p[0]), p[1]) if isinstance(p, tuple) else printable(p) for p in parts))


def _open(library: Optional[Path], create: bool = False) -> Library:
    return Library(library, create=create)


@app.command()
def ingest(
    reader: str = typer.Argument(..., help=f"Source type: {', '.join(sorted(set(READER_MODULES) | {'mesh'}))}."),
    path: Optional[Path] = typer.Argument(None, help="File or folder to read (not needed for `starter`)."),
    library: Optional[Path] = LibraryOption,
    no_embed: bool = typer.Option(
        False, "--no-embed", help="Skip computing vectors now (search falls back to BM25 until `curbside embed`)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Read guidelines, research or your own files into the library."""
    if reader != "mesh":
        get_reader(reader)  # refuse an unknown type before creating a library folder
    lib = _open(library, create=True)
    if reader == "mesh":
        summary = lib.ingest_mesh(path)
        out.print_json(data=summary) if as_json else out.print(f"MeSH vocabulary: {summary}")
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=as_json or not err.is_terminal,
    ) as progress:
        reading = progress.add_task(f"reading {reader}", total=None)
        embedding = progress.add_task("embedding", total=None, visible=not no_embed)
        report = lib.ingest(
            reader,
            path,
            embed=not no_embed,
            on_item=lambda: progress.advance(reading),
            on_total=lambda n: progress.update(reading, total=n),
            on_embedded=lambda n: progress.advance(embedding, n),
        )
    if as_json:
        out.print_json(data=report.to_dict())
        return
    out.print(
        _line(
            (report.reader, "bold"),
            f" {report.path}: added {report.added}, updated {report.updated}, "
            f"unchanged {report.unchanged}, skipped {report.skipped}; {report.passages_added} passages written, "
            f"{report.embedded} embedded in {report.seconds:.1f} s",
        )
    )
    for reason, n in report.skip_reasons.items():
        out.print(f"  skipped {n}: {reason}")
    for item in report.skipped_examples[:5]:
        # Escaped, not stripped: the file must stay recognisable to be renamed or removed.
        out.print(f"  e.g. {visible(item.origin)}: {item.reason}")


@app.command()
def embed(library: Optional[Path] = LibraryOption) -> None:
    """Compute vectors for passages that have none (after `ingest --no-embed`)."""
    lib = _open(library)
    out.print(f"embedded {lib.embed_pending()} passages")


@app.command()
def sources(
    kind: Optional[str] = typer.Option(
        None, "--kind", help="guideline, systematic_review, research, consumer, drug_label or local."
    ),
    library: Optional[Path] = LibraryOption,
    as_json: bool = typer.Option(False, "--json"),
    limit: int = typer.Option(50, "--limit", help="Rows to show in the table (JSON lists all)."),
) -> None:
    """List the sources in the library."""
    items = _open(library).sources(kind)
    if as_json:
        out.print_json(data=[s.to_dict() for s in items])
        return
    table = Table("id", "kind", "year", "developer", "title")
    for s in items[:limit]:
        table.add_row(s.id, s.kind, str(s.year or ""), s.developer[:30], s.title[:70])
    out.print(table)
    if len(items) > limit:
        out.print(f"... {len(items) - limit} more (use --limit or --json)")


@app.command()
def show(
    source_id: str, library: Optional[Path] = LibraryOption, as_json: bool = typer.Option(False, "--json")
) -> None:
    """Show one source's metadata and passages."""
    src, passages = _open(library).source(source_id)
    if as_json:
        out.print_json(data={"source": src.to_dict(), "passages": [p.to_dict() for p in passages]})
        return
    out.print(
        _line(
            (src.title, "bold"),
            f"\n{src.reference_type} · {src.developer} · {src.year or 'n.d.'} · v{src.version} ({src.status})",
        )
    )
    for key, value in sorted(src.identifiers.items()):
        out.print(f"  {key}: {value}")
    for p in passages:
        grade = f" [{p.grade}]" if p.grade else ""
        out.print(_line("\n", (f"{p.id} · {p.section}{grade}", "dim"), "\n", p.text))


@app.command()
def stats(library: Optional[Path] = LibraryOption, as_json: bool = typer.Option(False, "--json")) -> None:
    """Counts of sources and passages by kind."""
    data = _open(library).stats()
    if as_json:
        out.print(json.dumps(data, indent=2))
        return
    table = Table("kind", "sources", "passages")
    for kind in sorted(set(data["sources"]) | set(data["passages"])):
        table.add_row(kind, str(data["sources"].get(kind, 0)), str(data["passages"].get(kind, 0)))
    table.add_row(Text("total", style="bold"), str(data["sources_total"]), str(data["passages_total"]))
    out.print(table)
    out.print(f"library: {data['library']}; embedded passages: {data['passages_embedded']}")


@app.command()
def search(
    question: str = typer.Argument(..., help="The question, in plain words."),
    k: int = typer.Option(10, "--k", help="How many passages to return."),
    library: Optional[Path] = LibraryOption,
    as_json: bool = typer.Option(False, "--json"),
    explain: bool = typer.Option(False, "--explain", help="Show the BM25, vector and rerank parts of each score."),
) -> None:
    """Find the passages that best answer a question (hybrid BM25 + vectors, reranked)."""
    hits = _open(library).search(question, k)
    if as_json:
        out.print(json.dumps([h.to_dict() for h in hits], indent=2))
        return
    for rank, h in enumerate(hits, 1):
        out.print(
            _line(
                (f"{rank}. {h.source.title}", "bold"),
                " ",
                (f"({h.source.reference_type}, {h.source.year or 'n.d.'}; {h.passage.id})", "dim"),
            )
        )
        out.print(_line("   ", (h.passage.section, "dim")))
        out.print(f"   {h.passage.text[:300]}")
        if explain:
            parts = ", ".join(
                f"{key}={value:.4g}" for key, value in sorted(h.explain.items()) if isinstance(value, (int, float))
            )
            out.print(_line("   ", (f"score={h.score:.5f}: {parts}", "cyan")))


@app.command()
def ask(
    question: str = typer.Argument(..., help="A clinical question in plain words."),
    audience: str = typer.Option("physician", "--audience", help="physician, pharmacist, nurse, student or patient."),
    fmt: str = typer.Option("text", "--format", help="text, md, json or html."),
    library: Optional[Path] = LibraryOption,
    explain: bool = typer.Option(False, "--explain", help="Also print how the article was built."),
) -> None:
    """Answer a question with a structured, fully cited article."""
    from .render import FORMATS

    if fmt not in FORMATS:
        raise InputError(f"Unknown format {fmt!r}; use one of: {', '.join(FORMATS)}.")
    lib = _open(library)
    article = lib.ask(question, audience=audience)
    _print_article(lib, article, fmt)
    if explain:
        err.print(
            json.dumps(
                {"explain": article.explain, "verification": article.verification.__dict__}, indent=2, default=str
            ),
            highlight=False,
            markup=False,
        )


thread_app = typer.Typer(
    no_args_is_help=True, help="Continue a conversation: follow-ups keep the earlier question's condition."
)
app.add_typer(thread_app, name="thread")


def _print_article(lib: Library, article, fmt: str) -> None:
    from .render import FORMATS, render

    if fmt not in FORMATS:
        raise InputError(f"Unknown format {fmt!r}; use one of: {', '.join(FORMATS)}.")
    color = out.is_terminal and fmt == "text"
    text = render(article, fmt, passage_lookup=lib.passage_or_none, color=color)
    # The text renderer strips control characters from library text before adding its own bold,
    # which is kept as style here; every other format's control characters are removed in print.
    out.print(Text.from_ansi(text) if color else text)


@thread_app.command("start")
def thread_start(
    question: str = typer.Argument(..., help="The first question."),
    audience: str = typer.Option("physician", "--audience", help="physician, pharmacist, nurse, student or patient."),
    fmt: str = typer.Option("text", "--format", help="text, md, json or html."),
    library: Optional[Path] = LibraryOption,
) -> None:
    """Ask a first question and keep it as a thread; prints the thread id, then the article."""
    lib = _open(library)
    thread, record = lib.answers.start_thread(question, audience)
    err.print(f'thread {thread.id}: continue with `curbside thread ask {thread.id} "..."`', highlight=False)
    _print_article(lib, record.article, fmt)


@thread_app.command("ask")
def thread_ask(
    thread_id: str = typer.Argument(..., help="The id `curbside thread start` printed."),
    question: str = typer.Argument(..., help="A follow-up, e.g. 'and in pregnancy?'."),
    fmt: str = typer.Option("text", "--format", help="text, md, json or html."),
    library: Optional[Path] = LibraryOption,
) -> None:
    """Ask a follow-up in a thread, read in the light of the earlier questions."""
    lib = _open(library)
    thread, record = lib.answers.follow_up(thread_id, question)
    _print_article(lib, record.article, fmt)


@thread_app.command("show")
def thread_show(
    thread_id: str, library: Optional[Path] = LibraryOption, as_json: bool = typer.Option(False, "--json")
) -> None:
    """The questions of a thread and the article that answered each."""
    lib = _open(library)
    thread = lib.answers.thread(thread_id)
    records = lib.answers.thread_articles(thread)
    if as_json:
        out.print_json(
            data={
                "thread": {"id": thread.id, "audience": thread.audience, "created_at": thread.created_at},
                "turns": [
                    {
                        "turn": t.turn,
                        "question": t.question,
                        "article": r.id,
                        "title": r.article.title,
                        "kind": r.article.kind,
                    }
                    for t, r in zip(thread.turns, records, strict=False)
                ],
            }
        )
        return
    out.print(_line((f"thread {thread.id}", "bold"), f" · for {thread.audience} · started {thread.created_at[:16]}"))
    for turn, record in zip(thread.turns, records, strict=False):
        out.print(
            _line(
                f"{turn.turn}. {turn.question}\n   → {record.article.title} ",
                (f"({record.id}, {record.article.kind})", "dim"),
            )
        )


# -- the editorial workflow: accounts, the audit log, withdrawn sources ------------------------------
# Run by the operator at the server's command line (actor=None in `library.editorial`): having the
# library folder is what makes someone the operator, so these need no sign-in. Each is audited.

users_app = typer.Typer(
    no_args_is_help=True, help="Editorial accounts: add, list, disable, enable, replace API tokens."
)
app.add_typer(users_app, name="users")
audit_app = typer.Typer(no_args_is_help=True, help="The hash-chained audit log of editorial actions.")
app.add_typer(audit_app, name="audit")


def _read_password(name: str, from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError(
                f"No password for {name} on standard input; pipe it in as the first line, or leave out --password-stdin to be asked."
            )
        return password
    # Prompts on stderr, so stdout holds only the token.
    return typer.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True, err=True)


def _print_token(name: str, token: str) -> None:
    # The token alone on stdout, so a script can capture it; the note goes to stderr.
    err.print(
        f"API token for {name} below, shown this once: curbside stores only its hash. "
        f"Keep it safe; `curbside users token {name}` replaces it.",
        highlight=False,
        markup=False,
    )
    out.print(token, highlight=False, markup=False)


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="Sign-in name: 2-40 letters, digits, dots, dashes or underscores."),
    role: str = typer.Option(..., "--role", help="author, reviewer, editor or admin."),
    full_name: str = typer.Option("", "--full-name", help='How public pages name them, e.g. "Dr A. Name".'),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin instead of asking."
    ),
    library: Optional[Path] = LibraryOption,
) -> None:
    """Create an account; prints its API token once."""
    from .publish.users import MIN_PASSWORD, check_new_account

    lib = _open(library)
    # Refuse a bad name or role before asking for a password (the placeholder passes the length check).
    check_new_account(name, role, "-" * MIN_PASSWORD)
    password = _read_password(name, password_stdin)
    user, token = lib.editorial.add_user(name, role, password, full_name)
    err.print(f"added {user.label} as {user.name}", highlight=False, markup=False)
    _print_token(user.name, token)


@users_app.command("list")
def users_list(library: Optional[Path] = LibraryOption, as_json: bool = typer.Option(False, "--json")) -> None:
    """The accounts: name, full name, role, disabled, created."""
    accounts = _open(library).editorial.users()
    if as_json:
        out.print_json(
            data=[
                {
                    "name": u.name,
                    "full_name": u.full_name,
                    "role": u.role,
                    "disabled": u.disabled,
                    "created_at": u.created_at,
                }
                for u in accounts
            ]
        )
        return
    if not accounts:
        out.print(
            "no accounts yet; create the first admin with `curbside users add NAME --role admin`",
            highlight=False,
            markup=False,
        )
        return
    table = Table("name", "full name", "role", "disabled", "created")
    for u in accounts:
        table.add_row(u.name, u.full_name, u.role, "yes" if u.disabled else "", u.created_at[:16])
    out.print(table)


@users_app.command("disable")
def users_disable(name: str, library: Optional[Path] = LibraryOption) -> None:
    """Stop an account signing in; its sessions end and its API token stops working."""
    user = _open(library).editorial.set_disabled(name, True)
    out.print(
        f"disabled {user.name}: signed out everywhere, password and API token refused", highlight=False, markup=False
    )


@users_app.command("enable")
def users_enable(name: str, library: Optional[Path] = LibraryOption) -> None:
    """Let a disabled account sign in again."""
    user = _open(library).editorial.set_disabled(name, False)
    out.print(f"enabled {user.name}", highlight=False, markup=False)


@users_app.command("token")
def users_token(name: str, library: Optional[Path] = LibraryOption) -> None:
    """Replace an account's API token (the old one stops working); prints the new one once."""
    token = _open(library).editorial.replace_token(name)
    _print_token(name, token)


@audit_app.command("verify")
def audit_verify(library: Optional[Path] = LibraryOption) -> None:
    """Check the audit log's hash chain and its head file; exit 1 naming every broken entry."""
    from .publish import audit

    lib = _open(library)
    problems = lib.editorial.verify_audit()
    if problems:
        for problem in problems:
            out.print(problem, highlight=False, markup=False)
        err.print(f"audit log broken: {len(problems)} problem{'s' if len(problems) != 1 else ''}", highlight=False)
        raise typer.Exit(1)
    total, _ = audit.entries(lib.db.connection(), limit=0)
    out.print(f"audit log intact: {total} entries", highlight=False)


@audit_app.command("show")
def audit_show(
    target: str = typer.Option("", "--target", help="Only entries about this article id, user name or source id."),
    limit: int = typer.Option(50, "--limit", help="How many of the newest entries."),
    library: Optional[Path] = LibraryOption,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The newest audit entries (who did what to which article, user or source, and when)."""
    from dataclasses import asdict

    from .publish import audit

    if limit < 1:
        raise InputError(f"--limit {limit} shows nothing; give 1 or more.")
    # Read directly, not through Editorial.audit_entries, which asks a signed-in admin: the operator
    # holds the database itself.
    total, found = audit.entries(_open(library).db.connection(), target=target, limit=limit)
    if as_json:
        out.print_json(data={"total": total, "entries": [asdict(entry) for entry in found]})
        return
    # One line per entry, not a table: the detail is the part worth reading and a table squeezes it.
    for entry in found:
        detail = json.dumps(entry.detail, ensure_ascii=False, sort_keys=True) if entry.detail else ""
        out.print(
            f"#{entry.seq} {entry.at[:19].replace('T', ' ')} {entry.actor} {entry.action} {entry.target} {detail}".rstrip(),
            highlight=False,
            markup=False,
        )
    if total > len(found):
        out.print(f"... {total - len(found)} older (use --limit)", highlight=False)


@app.command()
def withdraw(
    source_id: str = typer.Argument(..., help="The source's id, as `curbside sources` lists it."),
    reason: str = typer.Option(..., "--reason", help="Why it is withdrawn; kept in the audit log."),
    library: Optional[Path] = LibraryOption,
) -> None:
    """Withdraw a source for good; articles in editorial care that cite it are flagged for re-review."""
    from .publish.editorial import OPERATOR

    flagged = _open(library).withdraw_source(source_id, reason, actor=OPERATOR.name)
    out.print(f"withdrew {source_id}", highlight=False, markup=False)
    if flagged:
        out.print(f"flagged for re-review ({len(flagged)}): {', '.join(flagged)}", highlight=False, markup=False)
    else:
        out.print("no article in editorial care cites it; nothing flagged", highlight=False)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for every interface)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    workers: int = typer.Option(1, "--workers", help="Worker processes; each loads the vectors once."),
    library: Optional[Path] = LibraryOption,
) -> None:
    """Start the web app and the REST API (OpenAPI at /docs)."""
    import socket

    import uvicorn

    lib = _open(library)  # a missing library is refused here, before the server starts
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
        except OSError as exc:
            raise InputError(
                f"Cannot listen on {host}:{port} ({exc.strerror}); choose another --port or --host."
            ) from None
    err.print(f"curbside: serving {lib.path} at http://{host}:{port}/ (API docs at /docs); Ctrl-C stops it.")
    if workers > 1:
        os.environ["CURBSIDE_LIBRARY"] = str(lib.path)
        lib.close()
        uvicorn.run(
            "curbside.web.app:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            proxy_headers=False,
        )
        return
    from .web import create_app

    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from any local client;
    # the app reads it only from the proxies named in settings (web/auth.py client_address).
    uvicorn.run(create_app(lib), host=host, port=port, log_level="warning", proxy_headers=False)


def main() -> None:
    try:
        app()
    except CurbsideError as exc:
        err.print(f"error: {exc}")
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted; every completed batch is saved and a re-run continues from there.")
        sys.exit(130)


if __name__ == "__main__":
    main()
