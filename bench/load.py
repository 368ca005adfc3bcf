"""Load on a real `curbside serve`: N concurrent clients asking a mix of questions over loopback.

    python bench/load.py --library PATH [--copy] [--workers 1] [--clients 50] [--seconds 60] [--questions FILE]
                         [--repeat 0.3] [--seed 7] [--mix ask=60,thread=15,search=15,article=10] [--json]
                         [--writers N]
    python bench/load.py --url http://127.0.0.1:8000 [...]

Without --url the script starts `curbside serve --library PATH --workers N` on a free loopback
port, waits for /api/health, and stops it at the end; with --copy it serves a temporary copy of
the library, so a fresh library gives the same cold start on every run (the server saves every
article it composes). The server inherits this script's environment (e.g. OPENBLAS_NUM_THREADS,
which is reported). Each client (its own httpx.AsyncClient, so its own keep-alive connection, all
in one asyncio loop) repeats until the time is up, drawing its next request from a seeded mix:

- 60 % POST /api/ask with a question;
- 15 % POST /api/threads with a question, then POST /api/threads/{id}/follow-ups ("and in pregnancy?");
- 15 % GET /api/search?q=question;
- 10 % GET /articles/{id}, the HTML page of an article an earlier request saved.

With --writers N (and --copy) the script also creates, with `curbside users add` in the copy before
serving it, one author, one reviewer and one editor per writer, and runs N editorial clients with their Bearer
tokens next to the readers: each asks a question of its own (POST /api/ask), and its author saves
and submits the article, its reviewer starts the review, comments, and alternately requests changes
or approves; an editor then retracts the approved article and reopens it (every one an audited action, its
audit entry and head written after the commit). After the run the script runs `curbside audit
verify` on the copy and reports it; the target then also needs it intact.

The questions are ~20 generic templates (treatment, diagnosis, dosing, adverse effects,
monitoring, ...) filled with the conditions the library's own guidelines name (GET /api/sources:
a source's `conditions` entry that its title names, else the subject of the title), shuffled with
the seed, or the lines of --questions FILE. A share --repeat of the questions asked again one
already answered in this run (a clinic asks the same things; the app returns the saved article).
Asks are reported apart as first-in-this-run and repeated, and every answering request (ask,
thread, follow-up) as composed by that request (the article's updated_at is not older than the
moment it was sent) or answered with an article saved before, so the cold path is visible.

An error is a non-2xx status, an unreadable body, or a transport error or timeout (30 s).
Latency is per request, in the client; a client finishes its last request after the time is
up, and requests/s divides by the time until the last one ended. The client runs on the same
machine as the server and takes CPU from it: its CPU seconds and the server's are reported.
The target (the load issue) is 0 errors and p95 <= 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curbside.evaluate.metrics import percentile  # noqa: E402

TIMEOUT_S = 30.0
TARGET_P95_MS, TARGET_ERRORS = 2000, 0
MIX = (("ask", 0.60), ("thread", 0.15), ("search", 0.15), ("article", 0.10))
# Rows of the table, in order; "thread" in MIX makes one "thread start" and one "follow-up".
ENDPOINTS = (
    "ask (first)",
    "ask (repeat)",
    "thread start",
    "follow-up",
    "search",
    "article page",
    "writer ask",
    "editorial action",
)
KIND_OF = {
    "ask (first)": "ask",
    "ask (repeat)": "ask",
    "thread start": "thread",
    "follow-up": "thread",
    "search": "search",
    "article page": "article",
    "writer ask": "writer",
    "editorial action": "writer",
}
ANSWERING = ("ask (first)", "ask (repeat)", "thread start", "follow-up")

TEMPLATES = (
    "What is the first-line treatment for {c}?",
    "How is {c} diagnosed?",
    "What are the diagnostic criteria for {c}?",
    "What is the recommended dose of the first-line drug for {c}?",
    "How should drug doses be adjusted for kidney impairment when treating {c}?",
    "What are the adverse effects of the drugs used to treat {c}?",
    "What monitoring is recommended for patients treated for {c}?",
    "What laboratory tests should be ordered for suspected {c}?",
    "What are the treatment targets in {c}?",
    "What is the second-line treatment for {c} when first-line therapy fails?",
    "What are the contraindications to the usual treatment of {c}?",
    "How is {c} managed in pregnancy?",
    "How is {c} managed in older adults?",
    "When should a patient with {c} be referred to a specialist?",
    "What are the risk factors for {c}?",
    "How can {c} be prevented?",
    "How long should treatment for {c} continue?",
    "What are the complications of {c}?",
    "Which patients with {c} should be admitted to hospital?",
    "What is the initial management of {c} in the emergency department?",
)
FOLLOW_UPS = (
    "and in pregnancy?",
    "What about patients with chronic kidney disease?",
    "and in children?",
    "What monitoring is needed?",
    "What are the side effects?",
    "What is the dose?",
    "What if the first-line drug is not tolerated?",
    "How long should it be continued?",
)
AUDIENCES = (("physician", 0.85), ("nurse", 0.05), ("pharmacist", 0.05), ("student", 0.05))

# Title subjects: "... Management of [Patients With] X", or the part before a colon.
_SUBJECT = re.compile(
    r"\b(?:management|treatment|diagnosis|evaluation|assessment|prevention|therapy|screening|detection|care)\s+"
    r"(?:of|for|in)\s+(?:(?:adults?|patients|people|women|men|children)\s+(?:with|who have)\s+)?(?:the\s+)?"
    r"(?P<c>[^:,.;()\u2014]+)",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"\s+(?:in|among|for|across|after|before|with)\s+.*$|\s+(?:guidelines?|report|update)\b.*$", re.IGNORECASE
)
_GENERIC = re.compile(
    r"\b(?:guidelines?|guidance|consensus|statement|standards|strategy|report|recommendations?|"
    r"practice|committee|opinion|criteria|society|association|college|campaign|score|"
    r"management|treatment|evaluation|assessment|care)\b",
    re.IGNORECASE,
)
# Who wrote it is not what it is about: "American College of Rheumatology", "Surviving Sepsis Campaign".
_ORGANISATION = re.compile(
    r"(?:[A-Z][\w'\u2019-]*\s+)*(?:Society|Association|College|Academy|Campaign|Institute|Score)"
    r"(?:\s+of(?:\s+[A-Z][\w'\u2019-]*)+)?"
)


# -- the questions ------------------------------------------------------------------------------


def readable(name: str) -> str:
    """'Atrial Fibrillation' -> 'atrial fibrillation'; acronyms and mixed case (COPD, ST-elevation) stay."""
    return " ".join(w.lower() if w[:1].isupper() and w[1:].islower() else w for w in name.split())


def title_subject(title: str) -> str | None:
    text = re.sub(r"\([^)]*\)|\b(?:19|20)\d\d\b", " ", title)
    found = _SUBJECT.search(text)
    subject = found.group("c") if found else text.split(":")[0]
    subject = _TRAILING.sub("", " ".join(subject.split())).strip(" -\u2014")
    if not subject or _GENERIC.search(subject) or len(subject) < 4 or len(subject.split()) > 6:
        return None
    return readable(subject)


def condition_of(source: dict) -> str | None:
    """The condition a source is about: one of its `conditions` that the title's subject or else the
    title names (the longest), else the title's subject itself."""
    title = _ORGANISATION.sub(" ", source.get("title") or "")
    listed = [c for c in source.get("conditions") or [] if len(c) > 3 and not _GENERIC.search(c)]
    subject = title_subject(title)
    for text in (subject, title):
        named = [c for c in listed if text and c.lower() in text.lower()]
        if named:
            return readable(max(named, key=len))
    return subject


async def library_conditions(http: httpx.AsyncClient, most: int = 100) -> list[str]:
    """Conditions from the library's guidelines (any kind when it has none), first named first."""
    found: dict[str, str] = {}  # words, lower case -> the name as written
    for kind in ("guideline", ""):
        offset = 0
        while len(found) < most:
            page = (
                (await http.get("/api/sources", params={"kind": kind, "limit": 100, "offset": offset}))
                .raise_for_status()
                .json()
            )
            for source in page["items"]:
                condition = condition_of(source)
                key = condition and " ".join(re.findall(r"[^\W_]+", condition.lower()))
                if key and key not in found:
                    found[key] = condition
            offset += 100
            if offset >= page["total"] or offset >= 1000:
                break
        if found:
            break
    return list(found.values())[:most]


def question_pool(conditions: list[str], seed: int) -> list[str]:
    """Every template x condition, shuffled so a run spreads over conditions and intents."""
    pool = [t.format(c=c) for c in conditions for t in TEMPLATES]
    random.Random(seed).shuffle(pool)
    return pool


# -- the clients --------------------------------------------------------------------------------


@dataclass
class Sample:
    endpoint: str
    ms: float
    ok: bool
    error: str = ""
    composed: bool | None = None  # for answering requests: composed by this request, or read saved


@dataclass
class Run:
    pool: list[str]
    repeat: float
    samples: list[Sample] = field(default_factory=list)
    cursor: int = 0
    asked: set = field(default_factory=set)  # (question, audience) sent at least once
    answered: list = field(default_factory=list)  # (question, audience) answered at least once, in order
    answered_set: set = field(default_factory=set)
    article_ids: list = field(default_factory=list)  # each saved article once, for the article pages
    article_set: set = field(default_factory=set)

    def question(self, rng: random.Random) -> tuple[str, str]:
        if self.answered and rng.random() < self.repeat:
            return rng.choice(self.answered)
        question = self.pool[self.cursor % len(self.pool)]
        self.cursor += 1
        audience = rng.choices([a for a, _ in AUDIENCES], [w for _, w in AUDIENCES])[0]
        return question, audience


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


async def timed(http: httpx.AsyncClient, run: Run, endpoint: str, method: str, url: str, **kwargs) -> dict | None:
    """Send one request and record it; the JSON body of a 2xx JSON answer, {} for other 2xx, None on error."""
    sent_iso, started = now_iso(), time.perf_counter()
    try:
        response = await http.request(method, url, **kwargs)
        body = response.content
    except httpx.HTTPError as exc:
        run.samples.append(Sample(endpoint, (time.perf_counter() - started) * 1000, False, type(exc).__name__))
        return None
    ms = (time.perf_counter() - started) * 1000
    if not response.is_success:
        detail = ""
        try:
            detail = response.json().get("detail", "")
        except ValueError:
            pass
        run.samples.append(Sample(endpoint, ms, False, f"HTTP {response.status_code} {detail}"[:200]))
        return None
    if not response.headers.get("content-type", "").startswith("application/json"):
        run.samples.append(Sample(endpoint, ms, True))
        return {}
    try:
        data = json.loads(body)
    except ValueError:
        run.samples.append(Sample(endpoint, ms, False, "unreadable JSON body"))
        return None
    # /api/ask returns the ArticleRecord; /api/threads... return {"thread": ..., "article": ArticleRecord}.
    record = (data.get("article") if "thread" in data else data) if endpoint in ANSWERING else None
    composed = None
    if isinstance(record, dict) and "updated_at" in record:
        # Saved (or re-versioned) while this request ran; both are ISO 8601 UTC to the second, so a
        # repeat within the second its article was composed in counts as composed too (rare).
        composed = record["updated_at"] >= sent_iso
        if record["id"] not in run.article_set:
            run.article_set.add(record["id"])
            run.article_ids.append(record["id"])
    run.samples.append(Sample(endpoint, ms, True, composed=composed))
    return data


async def client(number: int, url: str, run: Run, deadline: float, seed: int, mix: dict[str, float]) -> None:
    rng = random.Random(f"{seed}:{number}")
    kinds, weights = list(mix), list(mix.values())
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT_S) as http:
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            if kind == "article" and not run.article_ids:
                kind = "ask" if mix.get("ask") else "search"
            if kind == "ask":
                question, audience = run.question(rng)
                endpoint = "ask (repeat)" if (question, audience) in run.asked else "ask (first)"
                run.asked.add((question, audience))
                if (
                    await timed(
                        http, run, endpoint, "POST", "/api/ask", json={"question": question, "audience": audience}
                    )
                    is not None
                ):
                    if (question, audience) not in run.answered_set:
                        run.answered_set.add((question, audience))
                        run.answered.append((question, audience))
            elif kind == "thread":
                question, audience = run.question(rng)
                run.asked.add((question, audience))
                data = await timed(
                    http, run, "thread start", "POST", "/api/threads", json={"question": question, "audience": audience}
                )
                if data and time.monotonic() < deadline:
                    await timed(
                        http,
                        run,
                        "follow-up",
                        "POST",
                        f"/api/threads/{data['thread']['id']}/follow-ups",
                        json={"question": rng.choice(FOLLOW_UPS)},
                    )
            elif kind == "search":
                await timed(http, run, "search", "GET", "/api/search", params={"q": rng.choice(run.pool)})
            else:
                await timed(http, run, "article page", "GET", f"/articles/{rng.choice(run.article_ids)}")


# -- the editorial writers --------------------------------------------------------------------------

WRITER_PASSWORD = "load-writer-password"  # accounts exist only in the temporary copy the script serves
REASON = "Load test: a synthetic editorial action."


def create_writer_accounts(library: Path, writers: int) -> list[dict[str, str]]:
    """One author, one reviewer and one editor per writer, made with the real CLI in the served copy; their tokens."""
    exe = Path(sys.executable).with_name("curbside")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "curbside.cli"]
    accounts = []
    for number in range(writers):
        tokens = {}
        for role in ("author", "reviewer", "editor"):
            name = f"load-{role}-{number}"
            done = subprocess.run(
                [*command, "users", "add", name, "--role", role, "--password-stdin", "--library", str(library)],
                input=WRITER_PASSWORD + "\n",
                capture_output=True,
                text=True,
                cwd=ROOT,
                timeout=120,
                check=False,
            )
            if done.returncode != 0:
                raise SystemExit(f"`curbside users add {name}` failed: {done.stderr.strip()}")
            tokens[role] = done.stdout.strip().splitlines()[-1]
        accounts.append(tokens)
    return accounts


async def writer(number: int, url: str, run: Run, deadline: float, tokens: dict[str, str], writers: int) -> None:
    """Editorial work on questions no other writer takes (every writers-th of the pool, physician)."""
    author = {"Authorization": f"Bearer {tokens['author']}"}
    reviewer = {"Authorization": f"Bearer {tokens['reviewer']}"}
    editor = {"Authorization": f"Bearer {tokens['editor']}"}
    mine = run.pool[number::writers] or run.pool
    approve_next = number % 2 == 0
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT_S) as http:

        async def step(headers: dict, path: str, body: dict | None = None) -> dict | None:
            return await timed(http, run, "editorial action", "POST", path, headers=headers, json=body or {})

        for question in mine:
            if time.monotonic() >= deadline:
                break
            record = await timed(
                http, run, "writer ask", "POST", "/api/ask", json={"question": question, "audience": "physician"}
            )
            if not record or record.get("article", {}).get("kind") != "article" or record.get("author"):
                continue  # nothing to review (the library cannot answer it), or taken already
            workflow = f"/api/articles/{record['id']}/workflow"
            steps = [
                (author, f"{workflow}/save", None),
                (author, f"{workflow}/submit", None),
                (reviewer, f"{workflow}/start_review", None),
                (reviewer, f"/api/articles/{record['id']}/comments", {"body": "Load test: a synthetic comment."}),
            ]
            if approve_next:
                steps += [
                    (reviewer, f"{workflow}/approve", None),
                    (editor, f"{workflow}/retract", {"reason": REASON}),
                    (editor, f"{workflow}/reopen", {"reason": REASON}),
                ]
            else:
                steps += [(reviewer, f"{workflow}/request_changes", {"reason": REASON})]
            approve_next = not approve_next
            for headers, path, body in steps:
                if await step(headers, path, body) is None or time.monotonic() >= deadline:
                    break


# -- the server ---------------------------------------------------------------------------------


def copy_library(library: str) -> Path:
    """The library folder copied into a new temporary folder; the database through SQLite's
    backup API, which is safe while another process uses it."""
    source = Path(library)
    target = Path(tempfile.mkdtemp(prefix="curbside-load-")) / "library"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("library.sqlite3*"))
    with (
        closing(sqlite3.connect(source / "library.sqlite3")) as src,
        closing(sqlite3.connect(target / "library.sqlite3")) as dst,
    ):
        src.backup(dst)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(library: str, workers: int, log) -> tuple[subprocess.Popen, str]:
    exe = Path(sys.executable).with_name("curbside")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "curbside.cli"]
    port = free_port()
    command += ["serve", "--library", library, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return process, f"http://127.0.0.1:{port}"


def wait_healthy(url: str, process: subprocess.Popen | None, log_path: str | None, limit_s: float = 600) -> dict:
    """/api/health once it answers; stops with the server's log if the server dies or never answers."""
    deadline = time.monotonic() + limit_s
    while True:
        try:
            response = httpx.get(f"{url}/api/health", timeout=5)
            if response.is_success:
                return response.json()
        except httpx.HTTPError:
            pass
        if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
            tail = Path(log_path).read_text(errors="replace")[-3000:] if log_path else ""
            raise SystemExit(
                f"curbside serve at {url} did not answer /api/health"
                + (f" (exit code {process.returncode})" if process and process.poll() is not None else "")
                + (f"; its output:\n{tail}" if tail else "")
            )
        time.sleep(0.25)


def stop_server(process: subprocess.Popen) -> None:
    """Ctrl-C first (uvicorn shuts down gracefully), then TERM and KILL to the server's own process group."""
    for sig, wait in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue


def cpu_seconds(root_pid: int) -> float:
    """CPU seconds (user + system) of a process and its live descendants, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        times[pid] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo += children.get(pid, [])
    return total


def process_tree(root_pid: int) -> list[int]:
    """The process and its live descendants (the server and its worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return sorted(found)


def memory_of(root_pid: int) -> list[dict]:
    """Each server process's memory in MB, from /proc: resident now (rss), its peak (hwm), and its
    proportional share (pss: a page shared by n processes counts 1/n in each, so memory-mapped
    vectors shared by the workers count once in the sum)."""
    out = []
    for pid in process_tree(root_pid):
        try:
            status = (Path("/proc") / str(pid) / "status").read_text()
            rollup = (Path("/proc") / str(pid) / "smaps_rollup").read_text()
        except OSError:
            continue
        fields = {}
        for line in (status + rollup).splitlines():
            name, _, value = line.partition(":")
            if value.split():
                fields[name] = value.split()[0]
        out.append(
            {
                "pid": pid,
                "rss_mb": round(int(fields.get("VmRSS", 0)) / 1024, 1),
                "hwm_mb": round(int(fields.get("VmHWM", 0)) / 1024, 1),
                "pss_mb": round(int(fields.get("Pss", 0)) / 1024, 1),
            }
        )
    return out


# -- running and reporting ----------------------------------------------------------------------


def summary(samples: list[Sample], seconds: float) -> dict:
    millis = [s.ms for s in samples]
    if not millis:
        return {"requests": 0, "errors": 0, "rps": 0.0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "requests": len(samples),
        "errors": sum(not s.ok for s in samples),
        "rps": round(len(samples) / seconds, 2),
        "p50_ms": round(percentile(millis, 50), 1),
        "p95_ms": round(percentile(millis, 95), 1),
        "p99_ms": round(percentile(millis, 99), 1),
        "max_ms": round(max(millis), 1),
    }


async def load(
    url: str,
    pool: list[str],
    clients: int,
    seconds: float,
    repeat: float,
    seed: int,
    mix: dict[str, float],
    accounts: list[dict[str, str]] = (),
) -> tuple[Run, float]:
    run = Run(pool, repeat)
    started = time.monotonic()
    await asyncio.gather(
        *(client(n, url, run, started + seconds, seed, mix) for n in range(clients)),
        *(writer(n, url, run, started + seconds, tokens, len(accounts)) for n, tokens in enumerate(accounts)),
    )
    return run, time.monotonic() - started


def verify_audit(library: Path) -> dict:
    """`curbside audit verify` on the served library (after the server stopped): intact, and what it printed."""
    exe = Path(sys.executable).with_name("curbside")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "curbside.cli"]
    done = subprocess.run(
        [*command, "audit", "verify", "--library", str(library)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    return {"intact": done.returncode == 0, "output": (done.stdout + done.stderr).strip()[-2000:]}


def report_of(
    run: Run, duration: float, args, health: dict, after: dict, conditions: int, cpu: dict, audit: dict | None = None
) -> dict:
    samples = run.samples
    report = summary(samples, duration)
    answering = [s for s in samples if s.ok and s.composed is not None]
    errors: dict[str, int] = {}
    for s in samples:
        if not s.ok:
            errors[f"{s.endpoint}: {s.error}"] = errors.get(f"{s.endpoint}: {s.error}", 0) + 1
    first = sum(s.endpoint == "ask (first)" for s in samples)
    repeated = sum(s.endpoint == "ask (repeat)" for s in samples)
    report |= {
        "target": {
            "errors": TARGET_ERRORS,
            "p95_ms": TARGET_P95_MS,
            "met": report["errors"] <= TARGET_ERRORS
            and (report["p95_ms"] or 0) <= TARGET_P95_MS
            and (audit is None or audit["intact"]),
        },
        "endpoints": {name: summary([s for s in samples if s.endpoint == name], duration) for name in ENDPOINTS},
        "asks": {"first": first, "repeat": repeated, "repeat_share": round(repeated / max(1, first + repeated), 3)},
        "answers": {
            "composed": summary([s for s in answering if s.composed], duration),
            "saved": summary([s for s in answering if not s.composed], duration),
        },
        "error_kinds": dict(sorted(errors.items(), key=lambda item: -item[1])),
        "clients": args.clients,
        "writers": args.writers,
        "audit_verify": audit,
        "seconds": args.seconds,
        "duration_s": round(duration, 2),
        "workers": args.workers if not args.url else None,
        "url": args.url or "started by the script",
        "seed": args.seed,
        "repeat": args.repeat,
        "questions": len(run.pool),
        "conditions": conditions,
        "mix": args.mix,
        "cpu_count": os.cpu_count(),
        "copied_from": args.library if args.copy else None,
        # The server inherits these; OPENBLAS_NUM_THREADS=1 changes the figures a lot (see bench/results/README.md).
        "environment": {
            k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS") if k in os.environ
        },
        "load_average_at_start": cpu["load"],
        "server_cpu_s": cpu.get("server"),
        "client_cpu_s": cpu["client"],
        "library": {
            key: health.get(key)
            for key in ("library", "sources_total", "passages_total", "passages_embedded", "vector_index", "encoder")
        }
        | {
            "articles_before": health.get("articles"),
            "articles_after": after.get("articles"),
            "threads_before": health.get("threads"),
            "threads_after": after.get("threads"),
        },
    }
    return report


def print_table(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    lib = report["library"]
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(
        f"{report['clients']} clients for {report['seconds']} s ({report['duration_s']} s until the last "
        f"request ended) against {report['url']}, workers {report['workers'] or 'unknown'}; "
        f"{os.cpu_count()} CPUs, load average at start {report['load_average_at_start']}",
        highlight=False,
    )
    copied = f" (a copy of {report['copied_from']})" if report["copied_from"] else ""
    env = "".join(f", {k}={v}" for k, v in report["environment"].items())
    console.print(
        f"library {lib['library']}{copied}: {lib['sources_total']} sources, {lib['passages_total']} passages "
        f"({lib['vector_index']}); articles {lib['articles_before']} -> {lib['articles_after']}, "
        f"threads {lib['threads_before']} -> {lib['threads_after']}; {report['questions']} questions from "
        f"{report['conditions']} conditions, seed {report['seed']}{env}",
        highlight=False,
    )
    table = Table()
    for head in ("endpoint", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"):
        table.add_column(head, justify="left" if head == "endpoint" else "right")

    def row(label: str, s: dict, **style) -> None:
        table.add_row(
            label,
            *(
                str(s[k]) if s[k] is not None else "-"
                for k in ("requests", "errors", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms")
            ),
            **style,
        )

    for name, s in report["endpoints"].items():
        if s["requests"] or report["mix"].get(KIND_OF[name]) or (KIND_OF[name] == "writer" and report["writers"]):
            row(name, s)
    row("total", report, end_section=True, style="bold")
    row("answer composed", report["answers"]["composed"])
    row("answer was saved", report["answers"]["saved"])
    console.print(table)
    asks = report["asks"]
    console.print(
        f"asks: {asks['first']} first in this run, {asks['repeat']} repeated ({asks['repeat_share']:.0%}); "
        "'answer' rows: ask, thread start and follow-up, by whether the request composed its article "
        "or read a saved one",
        highlight=False,
    )
    cpu = f"server CPU {report['server_cpu_s']} s, " if report["server_cpu_s"] is not None else ""
    console.print(f"{cpu}client CPU {report['client_cpu_s']} s over {report['duration_s']} s wall", highlight=False)
    for proc in report.get("server_memory_mb", []):
        console.print(
            f"server process {proc['pid']}: RSS {proc['rss_mb']} MB (peak {proc['hwm_mb']} MB), "
            f"proportional share {proc['pss_mb']} MB",
            highlight=False,
        )
    for kind, count in list(report["error_kinds"].items())[:10]:
        console.print(f"error x{count}: {kind}", highlight=False)
    if report["audit_verify"] is not None:
        console.print(f"curbside audit verify on the served copy: {report['audit_verify']['output']}", highlight=False)
    verdict = "meets" if report["target"]["met"] else "MISSES"
    console.print(
        f"{verdict} the target: {TARGET_ERRORS} errors and p95 <= {TARGET_P95_MS} ms "
        f"(measured {report['errors']} errors, p95 {report['p95_ms']} ms)",
        highlight=False,
    )


def parse_mix(text: str) -> dict[str, float]:
    mix: dict[str, float] = {}
    for part in text.split(","):
        name, _, share = part.partition("=")
        if name.strip() not in dict(MIX):
            raise argparse.ArgumentTypeError(
                f"unknown request kind {name.strip()!r}; choose from {', '.join(dict(MIX))}"
            )
        try:
            mix[name.strip()] = float(share)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{part!r} needs a number after '=', e.g. ask=60") from None
    if not any(v > 0 for v in mix.values()) or any(v < 0 for v in mix.values()):
        raise argparse.ArgumentTypeError("give at least one positive share and no negative ones")
    total = sum(mix.values())
    return {name: round(share / total, 4) for name, share in mix.items() if share > 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", default=None, help="library folder to serve (required unless --url)")
    parser.add_argument("--url", default=None, help="an already running server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=1, help="worker processes of the server this script starts")
    parser.add_argument(
        "--copy",
        action="store_true",
        help="serve a temporary copy of --library (deleted at the end), "
        "so the run leaves it unchanged and a fresh library gives the same cold start every time",
    )
    parser.add_argument(
        "--questions",
        default=None,
        help="a file with one question per line (default: templates x the conditions the library's sources name)",
    )
    parser.add_argument("--repeat", type=float, default=0.3, help="share of questions that repeat one already answered")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--mix",
        type=parse_mix,
        default=dict(MIX),
        help="request shares, e.g. ask=60,thread=15,search=15,article=10 (the default)",
    )
    parser.add_argument(
        "--writers",
        type=int,
        default=0,
        help="editorial clients (needs --copy): accounts made in "
        "the copy with the CLI save, submit, review, comment, approve, retract and reopen via the API",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args()
    if not args.url and not args.library:
        parser.error("give --library PATH (the script starts the server) or --url of a running server")
    if args.url and args.copy:
        parser.error("--copy copies the --library the script serves; it cannot copy the library behind --url")
    if args.writers and not args.copy:
        parser.error("--writers creates accounts and articles in the served library, so it needs --copy (and no --url)")
    if args.writers < 0 or args.clients < 1 or args.seconds <= 0 or args.workers < 1 or not 0 <= args.repeat < 1:
        parser.error("--clients and --workers must be >= 1, --writers >= 0, --seconds > 0 and 0 <= --repeat < 1")
    if args.library and not args.url and not Path(args.library, "library.sqlite3").exists():
        raise SystemExit(
            f"No curbside library at {args.library}; create one with "
            f"`curbside ingest starter --library {args.library}`."
        )
    fixed: list[str] = []
    if args.questions:
        fixed = [line.strip() for line in Path(args.questions).read_text(encoding="utf-8").splitlines() if line.strip()]
        if not fixed:
            raise SystemExit(f"{args.questions} holds no questions (one per line).")

    process = log = copy = audit = None
    accounts: list[dict[str, str]] = []
    url = (args.url or "").rstrip("/")
    try:
        if not args.url:
            copy = copy_library(args.library) if args.copy else None
            accounts = create_writer_accounts(copy, args.writers) if args.writers else []
            log = tempfile.NamedTemporaryFile("w+b", prefix="curbside-serve-", suffix=".log", delete=False)
            process, url = start_server(str(copy or args.library), args.workers, log)
        health = wait_healthy(url, process, log.name if log else None)
        if fixed:
            pool, conditions = fixed, 0
        else:

            async def read_conditions() -> list[str]:
                async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT_S) as http:
                    return await library_conditions(http)

            names = asyncio.run(read_conditions())
            if not names:
                raise SystemExit(
                    f"The library at {url} names no conditions in its source titles; pass --questions FILE."
                )
            pool, conditions = question_pool(names, args.seed), len(names)
        cpu = {"load": [round(x, 2) for x in os.getloadavg()]}
        server_cpu = cpu_seconds(process.pid) if process else None
        client_cpu = time.process_time()
        run, duration = asyncio.run(
            load(url, pool, args.clients, args.seconds, args.repeat, args.seed, args.mix, accounts)
        )
        cpu["client"] = round(time.process_time() - client_cpu, 1)
        if process:
            cpu["server"] = round(cpu_seconds(process.pid) - server_cpu, 1)
        memory = memory_of(process.pid) if process else []
        after = httpx.get(f"{url}/api/health", timeout=TIMEOUT_S).json()
    finally:
        if process is not None:
            stop_server(process)
        if log is not None:
            log.close()
            if process is None or process.returncode in (0, -signal.SIGINT, None):
                os.unlink(log.name)
            else:
                print(f"the server's output is in {log.name}", file=sys.stderr)
        if copy is not None:
            if args.writers and process is not None and process.poll() is not None:
                audit = verify_audit(copy)  # the server has stopped: every head write is done
            shutil.rmtree(copy.parent, ignore_errors=True)
    report = report_of(run, duration, args, health, after, conditions, cpu, audit)
    report["server_memory_mb"] = memory
    if args.json:
        print(json.dumps(report))
        return
    print_table(report)


if __name__ == "__main__":
    main()
