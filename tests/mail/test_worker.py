"""The worker's periodic jobs: run once per interval however many workers there are, retried
after a failure or a worker that stopped, and changing nothing when they fail."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket import db as dbm
from loket import mail, worker
from loket.models import MailOutbox, WorkerJob
from support.mail import T0, Clock
from support.servers import BACKENDS


class Calls:
    """A job that counts its runs (and writes a mail per run, to show its work commits)."""

    def __init__(self, pause: float = 0.0) -> None:
        self.runs: list[int] = []
        self.pause = pause
        self.lock = threading.Lock()

    def __call__(self, session: Session, now: int) -> int:
        with self.lock:
            self.runs.append(now)
            run = len(self.runs)
        time.sleep(self.pause)  # so that two workers are at it at the same time
        mail.enqueue(session, "jan@fcgroenbeek.example", "Herinnering", "Tekst",
                     key=f"job-run:{now}:{run}", lang="nl", now=now)
        return 1


def job_row(database: dbm.Database, name: str) -> WorkerJob:
    with database.sessions() as session:
        row = session.get(WorkerJob, name)
        assert row is not None
        return row


def mails(database: dbm.Database) -> int:
    with database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(MailOutbox)) or 0)


def registry(run: Any, every: int = 3600, lease: int = 600) -> worker.Jobs:
    jobs = worker.Jobs()
    jobs.add("recognition-statuses", every, run, lease=lease)
    return jobs


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_workers_run_a_job_once_per_interval(database: dbm.Database,
                                                 another_database: dbm.Database,
                                                 clock: Clock) -> None:
    job = Calls(pause=0.05)
    jobs = registry(job)
    workers = [worker.Worker(db, jobs, clock=clock) for db in (database, another_database)]

    def together() -> list[worker.Round]:
        start = threading.Barrier(2)
        rounds: list[worker.Round] = []

        def go(one: worker.Worker) -> None:
            start.wait()
            rounds.append(one.run_once())

        threads = [threading.Thread(target=go, args=(one,)) for one in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        return rounds

    first = together()
    assert job.runs == [T0]
    assert sorted(len(r.jobs) for r in first) == [0, 1]
    assert not any(r.failures for r in first)
    clock.advance(3599)
    together()
    assert job.runs == [T0]  # not due yet, for either
    clock.advance(1)
    together()
    together()
    assert job.runs == [T0, T0 + 3600]
    row = job_row(database, "recognition-statuses")
    assert (row.runs, row.due_at, row.lease_owner, row.last_outcome) == (2, T0 + 7200, None, "1")
    assert mails(database) == 2


def test_a_job_whose_worker_stopped_runs_again_when_its_lease_ends(
        database: dbm.Database, another_database: dbm.Database, clock: Clock) -> None:
    class Crash(BaseException):
        pass

    def dies(_session: Session, _now: int) -> int:
        raise Crash()

    with pytest.raises(Crash):
        worker.Worker(database, registry(dies, lease=120), clock=clock).run_once()
    assert mails(database) == 0
    job = Calls()
    survivor = worker.Worker(another_database, registry(job, lease=120), clock=clock)
    clock.advance(119)
    assert survivor.run_once().jobs == [] and job.runs == []
    clock.advance(1)
    [done] = survivor.run_once().jobs
    assert done.result == 1 and job.runs == [T0 + 120]


def test_a_failing_job_changes_nothing_and_is_tried_again_soon(database: dbm.Database,
                                                               clock: Clock) -> None:
    attempts: list[int] = []

    def flaky(session: Session, now: int) -> int:
        attempts.append(now)
        mail.enqueue(session, "jan@fcgroenbeek.example", "x", "y", key=f"flaky:{now}",
                     lang="nl", now=now)
        if len(attempts) == 1:
            raise ValueError("the register did not answer")
        return 1

    one = worker.Worker(database, registry(flaky, every=86400), clock=clock)
    [failed] = one.run_once().jobs
    assert failed.error == "ValueError: the register did not answer"
    assert mails(database) == 0  # its work was rolled back
    row = job_row(database, "recognition-statuses")
    assert row.last_outcome.startswith("failed: ValueError") and row.due_at == T0 + 300
    assert row.runs == 0 and row.lease_owner is None
    clock.advance(299)
    assert one.run_once().jobs == []
    clock.advance(1)
    [done] = one.run_once().jobs
    assert done.error is None and mails(database) == 1
    assert job_row(database, "recognition-statuses").due_at == T0 + 300 + 86400


def test_a_run_that_outlived_its_lease_is_rolled_back(database: dbm.Database,
                                                      another_database: dbm.Database,
                                                      clock: Clock) -> None:
    other = Calls()
    taker = worker.Worker(another_database, registry(other, lease=60), clock=clock)

    def slow(session: Session, now: int) -> int:
        clock.advance(61)  # the run takes longer than its lease: another worker takes over
        assert taker.run_once().jobs
        mail.enqueue(session, "jan@fcgroenbeek.example", "x", "y", key="slow", lang="nl",
                     now=now)
        return 1

    [lost] = worker.Worker(database, registry(slow, lease=60), clock=clock).run_once().jobs
    assert lost.error is not None and "took it over" in lost.error
    assert other.runs == [T0 + 61]
    with database.sessions() as session:  # the slow run's mail is gone, the other's is there
        assert session.scalars(select(MailOutbox.key)).all() == [f"job-run:{T0 + 61}:1"]


def test_a_worker_stops_between_rounds_when_asked(database: dbm.Database, clock: Clock) -> None:
    job = Calls()
    one = worker.Worker(database, registry(job, every=1), clock=clock)
    stop = threading.Event()
    thread = threading.Thread(target=one.run_forever, args=(stop, 0.01))
    thread.start()
    while not job.runs:
        time.sleep(0.01)
    stop.set()
    thread.join(5)
    assert not thread.is_alive() and job.runs == [T0]


def test_jobs_have_unique_sane_names() -> None:
    jobs = worker.Jobs()
    jobs.add("recognition-statuses", 3600, lambda s, n: None)
    with pytest.raises(ValueError, match="registered already"):
        jobs.add("recognition-statuses", 60, lambda s, n: None)
    for bad in ("Recognitions", "a b", "", "x" * 101):
        with pytest.raises(ValueError, match="job name"):
            jobs.add(bad, 60, lambda s, n: None)
    with pytest.raises(ValueError, match="at least 1"):
        jobs.add("never", 0, lambda s, n: None)
    assert [job.name for job in jobs] == ["recognition-statuses"]
