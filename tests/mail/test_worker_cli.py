"""``loket worker``: ``--once`` sends the due mail and runs the due jobs, then exits; the loop
sends as mail comes in and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import select

from loket import db as dbm
from loket import mail, worker
from loket.models import MailOutbox
from support.mail import SmtpServer
from support.servers import LOKET, run_cli


def settings(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    return {"LOKET_INSTANCE_PATH": str(tmp_path / "instance"), "LOKET_DATABASE_URL": database_url,
            "LOKET_SECRET_KEY": "worker-test-secret-0123456789abcdef",
            "LOKET_MAIL_FROM": "Loket <no-reply@loket.example>", "LOKET_LOG_FORMAT": "text",
            **extra}


def queue(database: dbm.Database, key: str) -> None:
    with database.transaction() as session:
        mail.enqueue(session, "jan@fcgroenbeek.example", "Je erkenning verloopt",
                     "Vraag de verlenging aan.", key=key, lang="nl")


def statuses(database: dbm.Database) -> list[str]:
    with database.sessions() as session:
        return list(session.scalars(select(MailOutbox.status).order_by(MailOutbox.id)))


def test_worker_once_sends_the_due_mail_and_runs_the_due_jobs(
        tmp_path: Path, database_url: str, database: dbm.Database,
        smtp_server: SmtpServer) -> None:
    queue(database, "cli:1")
    env = settings(tmp_path, database_url, LOKET_SMTP_URL=smtp_server.url)
    first = run_cli(env, "worker", "--once")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == "mail: 1 sent"
    assert "job mail-prune: 0 done in" in first.stdout
    assert f"mail via smtp://127.0.0.1:{smtp_server.port} from no-reply@loket.example" \
        in first.stderr
    assert "outbox: 1 queued; jobs: mail-prune every 86400 s" in first.stderr
    assert [m["From"] for m in smtp_server.inbox.messages()] == ["Loket <no-reply@loket.example>"]

    again = run_cli(env, "worker", "--once")
    assert again.returncode == 0
    assert again.stdout.splitlines() == ["mail: 0 sent", "no job due"]
    assert len(smtp_server.inbox.received) == 1 and statuses(database) == ["sent"]


def test_worker_once_without_a_mail_server_keeps_the_mail(tmp_path: Path, database_url: str,
                                                         database: dbm.Database) -> None:
    queue(database, "cli:2")
    result = run_cli(settings(tmp_path, database_url), "worker", "--once")
    assert result.returncode == 0
    assert "mail: not sent, LOKET_SMTP_URL is not set" in result.stdout
    assert statuses(database) == ["queued"]


def test_worker_refuses_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    result = run_cli(settings(tmp_path, url), "worker", "--once")
    assert result.returncode == 1
    assert "run `loket db upgrade` first" in result.stderr and "Traceback" not in result.stderr


def test_modules_add_jobs_to_the_apps_worker(tmp_path: Path, database_url: str) -> None:
    from loket import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40,
                      "DATABASE_URL": database_url})
    worker.add_job(app, "digest", 3600, lambda session, now: 0)
    assert [(job.name, job.every) for job in worker.jobs(app)] == [
        ("mail-prune", 86400), ("recognition-statuses", 3600),
        ("recognition-reminders", 3600), ("message-mails", 60), ("message-digests", 3600),
        ("digest", 3600)]
    dbm.database(app).dispose()


def test_the_worker_sends_as_mail_comes_and_stops_on_sigterm(
        tmp_path: Path, database_url: str, database: dbm.Database,
        smtp_server: SmtpServer) -> None:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("LOKET_")},
           **settings(tmp_path, database_url, LOKET_SMTP_URL=smtp_server.url)}
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([LOKET, "worker", "--poll", "0.1"], env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "started" not in log.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.05)
        queue(database, "loop:1")  # queued while the worker runs
        while not smtp_server.inbox.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(smtp_server.inbox.received) == 1
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert "mail: 1 sent in" in text
    assert "SIGTERM, stopping after the work in hand" in text and "stopped" in text
    assert "jan@" not in text and "verlenging" not in text
    assert statuses(database) == ["sent"]
