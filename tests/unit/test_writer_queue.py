"""SQLite writers queue on a lock file: one at a time across threads and processes."""

from __future__ import annotations

import multiprocessing as mp
import threading
import time
from pathlib import Path

import pytest

from loket.db import WriterQueue
from loket.errors import ServiceUnavailable


def test_threads_write_one_at_a_time(tmp_path: Path) -> None:
    queue = WriterQueue(str(tmp_path / "db-writers.lock"))
    inside, overlaps, done = [0], [0], []
    guard = threading.Lock()

    def writer() -> None:
        for _ in range(20):
            assert queue.acquire(5)
            with guard:
                inside[0] += 1
                overlaps[0] += inside[0] > 1
            time.sleep(0.001)
            with guard:
                inside[0] -= 1
            queue.release(threading.get_ident())
        done.append(1)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(done) == 4 and overlaps[0] == 0


def test_a_nested_writer_of_the_same_thread_does_not_wait_for_itself(tmp_path: Path) -> None:
    queue = WriterQueue(str(tmp_path / "db-writers.lock"))
    assert queue.acquire(1)
    started = time.monotonic()
    assert queue.acquire(1) is False  # left to SQLite's own busy handling
    assert time.monotonic() - started < 0.1
    queue.release(threading.get_ident())
    assert queue.acquire(1)
    queue.release(threading.get_ident())


def _hold(path: str, held: object, seconds: float) -> None:
    queue = WriterQueue(path)
    assert queue.acquire(5)
    held.set()  # type: ignore[attr-defined]
    time.sleep(seconds)
    queue.release(threading.get_ident())


def test_another_process_holding_the_queue_is_waited_for_then_refused(tmp_path: Path) -> None:
    path = str(tmp_path / "db-writers.lock")
    ctx = mp.get_context("fork")
    held = ctx.Event()
    child = ctx.Process(target=_hold, args=(path, held, 0.5))
    child.start()
    try:
        assert held.wait(10)
        queue = WriterQueue(path)
        started = time.monotonic()
        with pytest.raises(ServiceUnavailable) as refused:  # past the deadline: busy, no hang
            queue.acquire(0.05)
        assert refused.value.status == 503 and refused.value.headers["Retry-After"]
        assert 0.04 <= time.monotonic() - started < 0.4
        assert queue.acquire(5)  # the holder ends its transaction: next in line at once
        waited = time.monotonic() - started
        queue.release(threading.get_ident())
        assert waited < 1.5
    finally:
        child.join(10)
    assert child.exitcode == 0
