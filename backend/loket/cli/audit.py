"""``loket audit …``: the audit log."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask

from loket import audit_checkpoints as checkpoints
from loket import audit_retention as retention
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
        emptied = (f" ({result.emptied} of them emptied under retention, their places kept)"
                   if result.emptied else "")
        click.echo(f"Hash chain intact: {result.entries} entries{emptied}.")
        if not with_checkpoints:
            return
        keys, path = _checkpoint_settings(app, checkpoint_file)
        try:
            taken = checkpoints.read(path)
            proof = checkpoints.verify(session, taken, keys)
        except checkpoints.CheckpointError as exc:
            raise click.ClickException(str(exc)) from exc
        if proof.ok:
            proof = _and(proof, retention.prove_cuts(session, taken))
    if proof.ok:
        click.echo(f"Checkpoints: {proof.message}.")
        return
    click.echo(f"Audit log not proven: {proof.message}.", err=True)
    sys.exit(1)


def _and(first: checkpoints.Proof, then: checkpoints.Proof) -> checkpoints.Proof:
    if not then.ok:
        return then
    return checkpoints.Proof(True, f"{first.message}; {then.message}", first.checkpoints,
                             first.last_good)


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


@group.command("prune")
@click.option("--dry-run", is_flag=True, help="Say what would be emptied; change nothing.")
def prune(dry_run: bool) -> None:
    """Empty the entries older than their retention (LOKET_AUDIT_RETENTION): who, from where,
    about whom and the details go; each entry's place in the chain, its time, operation and
    outcome stay, so `loket audit verify` still proves the log. The run is a cut, signed as a
    checkpoint (LOKET_AUDIT_CHECKPOINT_KEY/_FILE) so that no one else can empty entries unseen."""
    from datetime import UTC, datetime

    from loket import db as dbm

    app = bootstrap.app()
    try:
        rules = retention.Rules.parse(app.config.get("AUDIT_RETENTION") or "")
    except retention.RetentionProblem as exc:
        raise click.ClickException(str(exc)) from exc
    signing = None
    if app.config.get("AUDIT_CHECKPOINT_KEY"):
        signing = _checkpoint_settings(app, None)
    elif app.config.get("ENV") == "production" and not dry_run:
        raise click.ClickException(
            "set LOKET_AUDIT_CHECKPOINT_KEY and LOKET_AUDIT_CHECKPOINT_FILE first: in "
            "production a pruning is signed as a checkpoint, or whoever can write the database "
            "could empty entries unseen")
    now = datetime.now(UTC)
    database = dbm.database(app)
    before = rules.before(now)
    with database.read_sessions() as session:
        due = retention.plan(session, rules, now)
    for operation, count in due.items():
        until = retention.for_operation(before, operation) or ""
        click.echo(f"  {operation:<24} kept {rules.kept(operation)} days: {count:>9,} entries "
                   f"before {until[:10]}")
    total = sum(due.values())
    if dry_run or not total:
        click.echo(f"{total:,} entries {'would be' if dry_run else 'are'} due for emptying"
                   f"{'; nothing changed' if dry_run else ''}.")
        return

    def progress(done: int) -> None:
        click.echo(f"\r  emptied {done:,} of {total:,}", nl=False, err=True)

    with database.transaction() as session:
        try:
            cut = retention.prune(session, rules, now, progress)
        except retention.RetentionProblem as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo("", err=True)
    click.echo(f"Cut {cut.id}: emptied {cut.emptied:,} entries in "
               f"{len(cut.lanes)} lanes.")
    if signing is None:
        click.echo("No checkpoint key: the cut is recorded in the database only. Set "
                   "LOKET_AUDIT_CHECKPOINT_KEY so that a pruning is signed outside it.", err=True)
        return
    keys, path = signing
    with database.read_sessions() as session:
        taken = checkpoints.take(session, keys, cut=cut.signed_part())
    try:
        checkpoints.write(taken, path)
    except OSError as exc:
        raise click.ClickException(
            f"the entries are emptied, but the cut's checkpoint could not be appended to {path} "
            f"({exc.strerror}): until it is, `loket audit verify --checkpoints` reports cut "
            f"{cut.id} as tampering. Fix the file and tell the security officer") from exc
    click.echo(f"Checkpoint marking cut {cut.id} written to {path}.")


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
