"""``loket db …``: the database schema and housekeeping."""

from __future__ import annotations

import sys

import click

from loket.cli import bootstrap


@click.group("db")
def group() -> None:
    """Database schema."""


@group.command("upgrade")
def upgrade() -> None:
    """Apply every pending migration and sync the shipped code lists."""
    app = bootstrap.app()
    bootstrap.prepare(app, upgrade=True)
    click.echo("Database is up to date.")


@group.command("prune")
def prune() -> None:
    """Delete expired authorization requests and client assertion jtis, and codes, tokens and
    sessions a day past expiry; empty the personal data of representatives removed, and of invitations closed,
    longer ago than LOKET_RETENTION_DAYS."""
    from loket import db as dbm
    from loket.register import invitations

    app = bootstrap.app()
    with dbm.database(app).transaction() as session:
        removed = app.extensions["loket.provider"].prune(session)
    with dbm.database(app).transaction() as session:
        emptied = invitations.prune(session, invitations.policy(app.config))
    click.echo("Removed " + ", ".join(f"{n} {what}" for what, n in removed.items()) + "; "
               + ", ".join(f"{n} {what}" for what, n in emptied.items()) + ".")


@group.command("current")
def current() -> None:
    """Show the schema revision of the database and whether it is the newest."""
    from loket import db as dbm
    from loket import migrate

    database = dbm.database(bootstrap.app())
    have, want = migrate.current(database.engine), migrate.heads(database.url)
    click.echo(f"database: {', '.join(sorted(have)) or '(empty)'}")
    click.echo(f"newest:   {', '.join(sorted(want))}")
    if have != want:
        sys.exit(1)
