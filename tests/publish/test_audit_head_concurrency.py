"""audit.head under concurrent writers (issue 12, item 6): editorial actions committed at the same
moment by several threads or worker processes each write the head; none may fail after its commit,
and the head only ever moves forward."""

from __future__ import annotations

import fcntl
import threading
import time

from curbside.library import Library
from curbside.publish import audit

WRITERS, ENTRIES_EACH = 6, 40


def _read_seq(library: Library) -> int:
    text = (
        (library.path / audit.HEAD_FILE).read_text(encoding="utf-8")
        if (library.path / audit.HEAD_FILE).exists()
        else ""
    )
    return int(text.split()[0]) if text.strip() else 0


def test_concurrent_writers_never_fail_after_their_commit_and_the_head_only_moves_forward(library: Library) -> None:
    failures: list[BaseException] = []
    seen: list[int] = []
    start, done = threading.Barrier(WRITERS + 1), threading.Event()

    def writer(number: int) -> None:
        start.wait()
        try:
            for entry in range(ENTRIES_EACH):
                with library.db.transaction() as conn:
                    audit.append(
                        conn, f"synthetic-writer-{number}", "comment", f"article-{number}", detail={"n": entry}
                    )
                audit.write_head(library.db.connection(), library.path)  # after the commit, as Editorial does
        except BaseException as error:  # noqa: BLE001 - any failure after a commit is the defect
            failures.append(error)

    def watcher() -> None:
        start.wait()
        while not done.is_set():
            try:
                seen.append(_read_seq(library))
            except (OSError, ValueError) as error:  # a half-written or missing head
                failures.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    observer = threading.Thread(target=watcher)
    for thread in (*threads, observer):
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    observer.join()

    assert failures == []
    assert seen == sorted(seen), "the head moved backward"
    assert _read_seq(library) == WRITERS * ENTRIES_EACH
    assert audit.verify(library.db.connection(), library.path) == []
    leftovers = [p.name for p in library.path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_the_head_waits_for_the_lock_other_processes_hold(library: Library) -> None:
    """Worker processes share the head through an OS lock on a file in the library folder; while
    another process holds it, nobody replaces the head."""
    with library.db.transaction() as conn:
        audit.append(conn, "synthetic-actor", "comment", "article-1")
    with open(library.path / audit.LOCK_FILE, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        writing = threading.Thread(target=audit.write_head, args=(library.db.connection(), library.path))
        writing.start()
        time.sleep(0.3)
        assert not (library.path / audit.HEAD_FILE).exists() and writing.is_alive()
    writing.join(10)
    assert _read_seq(library) == 1
