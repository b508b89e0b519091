"""``loket worker``: scheduled jobs and queued mail, in a loop or once."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType

import click

from loket.cli import bootstrap

log = logging.getLogger("loket.worker")


@click.command("worker")
@click.option("--once", is_flag=True,
              help="Send the due mail and run each due job once, then exit (for cron and tests); "
                   "exit 1 when a job failed.")
@click.option("--poll", default=5.0, show_default=True, type=click.FloatRange(0.05, 3600),
              help="Seconds between rounds (a look at the mail queue and the jobs).")
def worker(once: bool, poll: float) -> None:
    """Run the scheduled jobs and send queued mail until SIGTERM or Ctrl-C.

    Safe on several instances at once: each mail is sent by one worker, each job runs once per
    interval whichever worker takes it. The round in hand finishes before the worker stops.
    """
    from loket import db as dbm
    from loket import mail, mail_sender, migrate
    from loket import worker as jobs_mod

    app = bootstrap.app()
    database = dbm.database(app)
    if not migrate.is_current(database.engine, database.url):
        raise click.ClickException(
            "The database schema is not up to date: run `loket db upgrade` first.")
    sender = mail_sender.from_config(app, database)
    runner = jobs_mod.Worker(database, jobs_mod.jobs(app), [sender] if sender else [])
    with database.read_sessions() as session:
        waiting = mail_sender.counts(session)
    outbox = ", ".join(f"{n} {status}" for status, n in sorted(waiting.items())) or "empty"
    how = (f"mail via {sender.settings.describe()} from {sender.from_.address}" if sender
           else "no mail sent (LOKET_SMTP_URL is not set): it stays queued")
    schedule = ", ".join(f"{job.name} every {job.every} s" for job in runner.jobs) or "none"
    log.info("worker %s started: %s; outbox: %s; jobs: %s", runner.owner[:8], how, outbox,
             schedule)
    if once:
        done = runner.run_once()
        if not mail.configured(app.config):
            click.echo("mail: not sent, LOKET_SMTP_URL is not set")
        for name, report in done.queues.items():
            click.echo(f"{name}: {report}")
        for run in done.jobs:
            click.echo(str(run))
        if not done.jobs:
            click.echo("no job due")
        if done.failures:
            click.echo("failed: " + "; ".join(done.failures), err=True)
            sys.exit(1)
        return
    stop = threading.Event()

    def ask_to_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("worker %s: %s, stopping after the work in hand", runner.owner[:8],
                 signal.Signals(signum).name)
        stop.set()
        for sig in (signal.SIGTERM, signal.SIGINT):  # a second one acts at once
            signal.signal(sig, signal.SIG_DFL if sig == signal.SIGTERM else signal.default_int_handler)

    previous = {sig: signal.signal(sig, ask_to_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        runner.run_forever(stop, poll)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("worker %s stopped", runner.owner[:8])
