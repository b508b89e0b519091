"""Scheduled and queued work (``loket worker``): periodic jobs that modules register, each run
guarded by a database lease, and queues (the mail sender) that every worker drains.

A module registers a job in its ``init_app``::

    worker.add_job(app, "recognition-statuses", every=3600, run=update_statuses)

``run(session, now)`` gets a session and the time (whole seconds since the epoch) and returns
how many things it did (or None). What it leaves uncommitted commits together with the job's
completion, so a run that fails or loses its lease changes nothing; a long job may commit in
batches itself, and then must pick up where an interrupted run stopped.

With several workers (processes, machines) on one database a job runs once per interval: a
worker runs it only after taking its row in ``worker_jobs`` (``due_at`` passed, no live lease),
and the next run is due ``every`` seconds after that start. A worker that stops mid-run leaves
the lease to run out (``lease`` seconds), then another runs the job. Queues need no job lease:
each of their items is leased on its own, so every worker drains them side by side.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from loket import db as dbm
from loket.models import WorkerJob
from loket.models.base import table_of

log = logging.getLogger(__name__)

JobFunction = Callable[[Session, int], "int | None"]
DEFAULT_LEASE = 600
RETRY_SECONDS = 300
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
JOBS = table_of(WorkerJob)


class LeaseLost(Exception):  # noqa: N818 - a state, named as the log reads it
    """Another worker took the job over while this one ran it (its lease ran out first)."""


@dataclass(frozen=True)
class Job:
    """A periodic job: ``run(session, now)`` every ``every`` seconds, by one worker at a time
    holding a lease of ``lease`` seconds (longer than a run can take). After a failure the job
    is due again in ``min(every, 300)`` seconds."""

    name: str
    every: int
    run: JobFunction
    lease: int = DEFAULT_LEASE


class Jobs:
    """The periodic jobs of one app (``app.extensions["loket.jobs"]``), by name."""

    def __init__(self) -> None:
        self._by_name: dict[str, Job] = {}

    def add(self, name: str, every: int, run: JobFunction, *, lease: int = DEFAULT_LEASE) -> Job:
        if not _NAME.match(name):
            raise ValueError(f"job name {name!r}: lower-case letters, digits and dashes")
        if name in self._by_name:
            raise ValueError(f"a job named {name!r} is registered already")
        if every < 1 or lease < 1:
            raise ValueError("every and lease are whole seconds, at least 1")
        job = Job(name, int(every), run, int(lease))
        self._by_name[name] = job
        return job

    def __iter__(self) -> Iterator[Job]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def __getitem__(self, name: str) -> Job:
        return self._by_name[name]


def init_app(app: Flask) -> None:
    app.extensions["loket.jobs"] = Jobs()


def jobs(app: Flask) -> Jobs:
    return app.extensions["loket.jobs"]  # type: ignore[no-any-return]


def add_job(app: Flask, name: str, every: int, run: JobFunction, *,
            lease: int = DEFAULT_LEASE) -> Job:
    """Register a periodic job with the app's worker (call it from a module's ``init_app``)."""
    return jobs(app).add(name, every, run, lease=lease)


class Queue(Protocol):
    """Work every worker drains on each round (its items leased one by one)."""

    name: str

    def run(self, should_stop: Callable[[], bool]) -> Any:
        """Do what is due; the result is true when something happened and prints as counts."""


@dataclass
class JobRun:
    """One run of a job by this worker."""

    name: str
    result: int | None = None
    error: str | None = None
    ms: int = 0

    def __str__(self) -> str:
        outcome = f"failed: {self.error}" if self.error else (
            "done" if self.result is None else f"{self.result} done")
        return f"job {self.name}: {outcome} in {self.ms} ms"


@dataclass
class Round:
    """What one round of the worker did."""

    jobs: list[JobRun] = field(default_factory=list)
    queues: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


class Worker:
    """Runs due jobs and drains queues; one instance per worker process (or thread)."""

    def __init__(self, database: dbm.Database, jobs: Iterable[Job], queues: Sequence[Queue] = (),
                 *, clock: Callable[[], int] = dbm.now, owner: str | None = None) -> None:
        self.database = database
        self.jobs = list(jobs)
        self.queues = list(queues)
        self.clock = clock
        self.owner = owner or uuid.uuid4().hex
        # when to look at a job again: its next due time or its lease's end, as last seen
        self._not_before: dict[str, int] = {}

    def run_once(self, should_stop: Callable[[], bool] = lambda: False) -> Round:
        """Drain each queue once and run each job that is due and not held by another worker."""
        round_ = Round()
        for queue in self.queues:
            if should_stop():
                return round_
            started = time.monotonic()
            try:
                report = queue.run(should_stop)
            except Exception as exc:  # noqa: BLE001 - one bad round must not end the worker
                round_.failures.append(f"{queue.name}: {type(exc).__name__}")
                log.error("%s: failed: %s: %s", queue.name, type(exc).__name__, exc)
                continue
            round_.queues[queue.name] = report
            for problem in getattr(report, "errors", ()):
                round_.failures.append(f"{queue.name}: {problem}")
            if report:
                log.info("%s: %s in %d ms", queue.name, report,
                         (time.monotonic() - started) * 1000)
        for job in self.jobs:
            if should_stop():
                break
            done = self.run_job(job)
            if done is not None:
                round_.jobs.append(done)
                if done.error:
                    round_.failures.append(f"job {job.name}: {done.error}")
        return round_

    def run_forever(self, stop: threading.Event, poll: float) -> None:
        """Rounds every ``poll`` seconds until ``stop`` is set (the round in hand finishes)."""
        while not stop.is_set():
            self.run_once(stop.is_set)
            stop.wait(poll)

    # ---- one job ----------------------------------------------------------------------------

    def run_job(self, job: Job) -> JobRun | None:
        """Run ``job`` if it is due and this worker gets its lease; None otherwise."""
        now = self.clock()
        if self._not_before.get(job.name, 0) > now:
            return None
        if not self._take(job, now):
            return None
        started = time.monotonic()
        done = JobRun(job.name)
        try:
            with self.database.sessions() as session:
                try:
                    done.result = job.run(session, now)
                    self._finish(session, job, now + job.every, str(
                        "ok" if done.result is None else done.result))
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
            self._not_before[job.name] = now + job.every
        except LeaseLost:
            done.error = "another worker took it over (the run took longer than its lease)"
        except Exception as exc:  # noqa: BLE001 - recorded, retried, the worker goes on
            done.error = f"{type(exc).__name__}: {exc}"[:300]
            log.error("job %s failed", job.name, exc_info=True)
            retry_at = now + min(job.every, RETRY_SECONDS)
            try:
                with self.database.transaction() as session:
                    self._finish(session, job, retry_at, f"failed: {done.error}", counts=False)
            except Exception:  # noqa: BLE001 - then its lease runs out instead
                log.error("job %s: its failure could not be recorded", job.name, exc_info=True)
            self._not_before[job.name] = retry_at
        done.ms = int((time.monotonic() - started) * 1000)
        (log.warning if done.error else log.info)("%s", done)
        return done

    def _take(self, job: Job, now: int) -> bool:
        """Take the job's lease if it is due and nobody holds it (one write transaction)."""
        with self.database.transaction() as session:
            row = session.execute(select(JOBS).where(JOBS.c.name == job.name)
                                  .with_for_update(skip_locked=True)).first()
            if row is None:
                if not self._insert(session, job.name, now):
                    return False  # another worker is taking it at this moment
                due_at, lease_until = now, None
            else:
                due_at, lease_until = row.due_at, row.lease_until
            if due_at > now or (lease_until is not None and lease_until > now):
                self._not_before[job.name] = max(due_at, lease_until or 0)
                return False
            session.execute(update(JOBS).where(JOBS.c.name == job.name).values(
                lease_owner=self.owner, lease_until=now + job.lease, last_started_at=now))
        return True

    @staticmethod
    def _insert(session: Session, name: str, now: int) -> bool:
        values = {"name": name, "due_at": now, "runs": 0}
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(JOBS).values(values).on_conflict_do_nothing(index_elements=["name"])
        return session.execute(statement.returning(JOBS.c.name)).first() is not None

    def _finish(self, session: Session, job: Job, due_at: int, outcome: str, *,
                counts: bool = True) -> None:
        values: dict[str, Any] = {"due_at": due_at, "lease_owner": None, "lease_until": None,
                                  "last_finished_at": self.clock(), "last_outcome": outcome[:500]}
        if counts:
            values["runs"] = JOBS.c.runs + 1
        held = session.execute(
            update(JOBS).where(JOBS.c.name == job.name, JOBS.c.lease_owner == self.owner)
            .values(**values).returning(JOBS.c.name)).first()
        if held is None:
            raise LeaseLost(job.name)


def schedule(session: Session) -> list[dict[str, Any]]:
    """Each job's row: when it is due, who holds it, what its last run did."""
    return [dict(row._mapping) for row in session.execute(select(JOBS).order_by(JOBS.c.name))]
