"""``loket keys …``: token signing keys."""

from __future__ import annotations

import click

from loket.cli import bootstrap


@click.group("keys")
def group() -> None:
    """Token signing keys."""


@group.command("rotate")
@click.option("--alg", default="RS256", show_default=True, type=click.Choice(["RS256", "ES256"]))
def rotate(alg: str) -> None:
    """Make a new signing key; the old one stays published until its tokens expire."""
    from loket import audit
    from loket import db as dbm

    app = bootstrap.app()
    bootstrap.prepare(app, upgrade=False)
    store = app.extensions["loket.keys"]
    with dbm.database(app).transaction() as session:
        row = store.create(session, alg)
        pruned = store.prune(session)
        audit.record(session, "key-rotate", f"key/{row.kid}", actor="cli", detail={"alg": alg})
    click.echo(f"New signing key {row.kid} ({alg}) is active.")
    if pruned:
        click.echo(f"Removed {pruned} expired key(s) from the JWKS.")


@group.command("list")
def list_() -> None:
    """List signing keys and whether they are active, retired or expired."""
    import time

    from sqlalchemy import select

    from loket import db as dbm
    from loket.models import SigningKey

    with dbm.database(bootstrap.app()).transaction() as session:
        now = int(time.time())
        for row in session.scalars(select(SigningKey).order_by(SigningKey.created_at)):
            if row.retired_at is None:
                state = "active"
            elif row.expires_at and row.expires_at <= now:
                state = "expired"
            else:
                state = f"retired, published for {max(0, (row.expires_at or now) - now)} s more"
            click.echo(f"{row.kid}  {row.alg}  {state}")
