"""``loket audit …``: the audit log."""

from __future__ import annotations

import sys

import click

from loket.cli import bootstrap


@click.group("audit")
def group() -> None:
    """The audit log."""


@group.command("verify")
def verify() -> None:
    """Check the hash chain; exit 1 naming the first broken entry."""
    from loket import audit
    from loket import db as dbm

    with dbm.database(bootstrap.app()).read_sessions() as session:
        result = audit.verify(session)
    if result.ok:
        click.echo(f"Audit log intact: {result.entries} entries.")
        return
    click.echo(f"Audit log broken: {result.problem} ({result.entries} entries checked before "
               "it were intact).", err=True)
    sys.exit(1)
