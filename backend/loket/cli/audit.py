"""``loket audit …``: the audit log."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask

from loket import audit_checkpoints as checkpoints
from loket import audit_search
from loket.cli import bootstrap


@click.group("audit")
def group() -> None:
    """The audit log."""


@group.command("verify")
@click.option("--checkpoints", "with_checkpoints", is_flag=True,
              help="Also prove the log against the signed checkpoints (LOKET_AUDIT_CHECKPOINT_"
                   "FILE): finds a lane rewritten together with its head row.")
@click.option("--file", "checkpoint_file", type=click.Path(path_type=Path),
              help="The checkpoint file (default: LOKET_AUDIT_CHECKPOINT_FILE).")
def verify(with_checkpoints: bool, checkpoint_file: Path | None) -> None:
    """Check the hash chain; exit 1 naming the first broken entry."""
    from loket import audit
    from loket import db as dbm

    app = bootstrap.app()
    with dbm.database(app).read_sessions() as session:
        result = audit.verify(session)
        if not result.ok:
            click.echo(f"Audit log broken: {result.problem} ({result.entries} entries checked "
                       "before it were intact).", err=True)
            sys.exit(1)
        click.echo(f"Hash chain intact: {result.entries} entries.")
        if not with_checkpoints:
            return
        keys, path = _checkpoint_settings(app, checkpoint_file)
        try:
            proof = checkpoints.verify(session, checkpoints.read(path), keys)
        except checkpoints.CheckpointError as exc:
            raise click.ClickException(str(exc)) from exc
    if proof.ok:
        click.echo(f"Checkpoints: {proof.message}.")
        return
    click.echo(f"Audit log not proven: {proof.message}.", err=True)
    sys.exit(1)


def _checkpoint_settings(app: Flask, given: Path | None) -> tuple[checkpoints.Keys, Path]:
    key = app.config.get("AUDIT_CHECKPOINT_KEY") or ""
    if not key:
        raise click.ClickException("LOKET_AUDIT_CHECKPOINT_KEY is not set: checkpoints are "
                                   "signed and checked with it (keep it outside the database)")
    try:
        keys = checkpoints.Keys.of(key, app.config.get("AUDIT_CHECKPOINT_OLD_KEYS") or "")
    except checkpoints.CheckpointError as exc:
        raise click.ClickException(str(exc)) from exc
    path = given or (Path(app.config["AUDIT_CHECKPOINT_FILE"])
                     if app.config.get("AUDIT_CHECKPOINT_FILE") else None)
    if path is None:
        raise click.ClickException("LOKET_AUDIT_CHECKPOINT_FILE is not set (or give --file): "
                                   "where the checkpoints are appended")
    return keys, path


@group.command("checkpoint")
def checkpoint() -> None:
    """Sign the lanes' heads now and append the checkpoint to LOKET_AUDIT_CHECKPOINT_FILE (and
    the log stream). Run it from cron as well: the service also takes one every
    LOKET_AUDIT_CHECKPOINT_EVERY entries or LOKET_AUDIT_CHECKPOINT_MINUTES minutes."""
    from loket import db as dbm

    app = bootstrap.app()
    keys, path = _checkpoint_settings(app, None)
    with dbm.database(app).read_sessions() as session:
        taken = checkpoints.take(session, keys)
    try:
        checkpoints.write(taken, path)
    except OSError as exc:
        raise click.ClickException(f"cannot append to {path}: {exc.strerror}") from exc
    click.echo(f"Checkpoint of {taken['at']} written to {path}: up to entry {taken['seq']}, "
               f"{len(taken['lanes'])} lanes, key {taken['kid']}.")


@group.command("search")
@click.option("--reason", required=True, help="Why you search (logged with the search).")
@click.option("--person", help="INSZ: every access to this person's data.")
@click.option("--by-person", help="INSZ: everything this person did.")
@click.option("--association", help="vCode: about the association or done acting for it.")
@click.option("--company", help="KBO number: done acting for the company.")
@click.option("--actor", help="An actor as logged (a person's sub or a client id).")
@click.option("--client", help="A client id.")
@click.option("--ip", help="An address or a network (192.0.2.0/24).")
@click.option("--resource", help="A resource or its kind (association, catalog/product).")
@click.option("--operation", help="read, sign-in, association-change, …")
@click.option("--outcome", type=click.Choice(["ok", "refused"]))
@click.option("--since", help="From this date or time (UTC), e.g. 2026-12-01.")
@click.option("--until", help="Before this date or time (UTC).")
@click.option("--after", type=int, default=0, help="Only entries after this seq (paging).")
@click.option("--limit", type=click.IntRange(1, audit_search.MAX_PAGE), default=50)
@click.option("--all", "everything", is_flag=True, help="Every match, not one page.")
@click.option("--format", "shape", type=click.Choice(["table", "csv", "jsonl"]),
              default="table")
def search(reason: str, everything: bool, shape: str, **given: Any) -> None:
    """Search the audit log; the search itself is logged with your reason (and shows in the
    access overview of the person searched for)."""
    import getpass

    from loket import db as dbm

    filters = audit_search.Filters(**given)
    app = bootstrap.app()
    database = dbm.database(app)
    with database.transaction() as session:
        try:
            if everything:
                found = list(audit_search.every(session, filters))
                more = None
            else:
                page = audit_search.search(session, filters)
                found, more = page.entries, page.next_after
            audit_search.record_search(session, filters, officer=f"cli:{getpass.getuser()}",
                                       reason=reason, found=len(found), via="cli")
        except audit_search.SearchProblem as exc:
            raise click.ClickException(str(exc)) from exc
        rows = [audit_search.row(e) for e in found]
    if shape == "csv":
        click.echo("".join(audit_search.as_csv(rows)), nl=False)
    elif shape == "jsonl":
        click.echo("".join(audit_search.as_jsonl(rows)), nl=False)
    else:
        for entry in rows:
            click.echo(f"{entry['seq']:>8}  {entry['at'][:19]}  {entry['ip'] or '-':<15} "
                       f"{entry['operation']:<20} {entry['outcome']:<8} {entry['resource'][:40]:<40} "
                       f"{(entry['actor'] or '-')[:24]}  {entry['reason'] or ''}")
        click.echo(f"{len(rows)} entries" + (f"; more after {more}: --after {more}" if more
                                             else "."), err=True)
