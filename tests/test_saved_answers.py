"""Saved answers under concurrent requests: asked at once, a question is composed once."""

from __future__ import annotations

import threading
import time

from synthetic_library import build


def test_requests_for_one_question_that_wait_their_turn_compose_it_once(tmp_path) -> None:
    lib = build(tmp_path / "lib")
    calls = []
    ask = lib.ask

    def slow_ask(*args, **kwargs):
        calls.append(args)
        time.sleep(0.2)  # long enough that the other requests arrive while it composes
        return ask(*args, **kwargs)

    lib.ask = slow_ask
    lib.answers._compose_slots = threading.BoundedSemaphore(1)
    records = []
    requests = [
        threading.Thread(
            target=lambda: records.append(lib.answers.answer(["first-line treatment of synthetic neuropathy"]))
        )
        for _ in range(3)
    ]
    for request in requests:
        request.start()
    for request in requests:
        request.join()
    assert len(calls) == 1
    assert len(records) == 3 and len({r.id for r in records}) == 1 and len({r.version for r in records}) == 1
