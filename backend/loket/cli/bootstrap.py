"""What every ``loket`` command starts from: the app, a ready database, errors and progress bars."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn

import click
from flask import Flask

from loket.config import ConfigError


def app() -> Flask:
    """The app from the LOKET_* environment; a bad setting is a one-line error, not a traceback."""
    from loket import create_app

    try:
        made = create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    context = click.get_current_context(silent=True)
    if context is not None:  # the command's connections close with it, not at process exit
        from loket import db

        context.call_on_close(db.database(made).dispose)
    return made


def prepare(app: Flask, *, upgrade: bool) -> None:
    """Migrate (or insist on a current schema), sync the code lists, make sure keys exist."""
    from loket import db as dbm
    from loket import firstparty, migrate, reference

    database = dbm.database(app)
    if upgrade:
        migrate.upgrade(database.url)
    elif not migrate.is_current(database.engine, database.url):
        raise click.ClickException(
            "The database schema is not up to date: run `loket db upgrade` first."
        )
    with database.transaction() as session:
        reference.sync(session)
        app.extensions["loket.keys"].ensure(session)
        firstparty.ensure_client(session, app.config["ISSUER"])


def database_problem(error: Exception) -> str:
    """What a database error at the start of a command means, and what to run."""
    text = str(getattr(error, "orig", error)).strip().splitlines()[0][:200]
    missing = ("no such table", "does not exist", "undefinedtable")
    if any(word in text.lower() for word in missing):
        return (f"The database has no Loket schema yet, or an older one ({text}). Run "
                "`loket db upgrade` first (it creates or updates it), then try again.")
    return (f"The database cannot be used ({text}). Check LOKET_DATABASE_URL and that the "
            "database server answers, then try again.")


def fail(message: str) -> NoReturn:
    """``Error: message`` on standard error, exit status 1."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def progress(label: str, total: int) -> Callable[[int], None]:
    """A progress bar on standard error, advanced by ``step(n)``; it closes itself at ``total``."""
    bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True,
                            show_eta=True)
    bar.__enter__()
    state = {"done": 0}

    def step(n: int) -> None:
        bar.update(n)
        state["done"] += n
        if state["done"] >= total:
            bar.__exit__(None, None, None)

    return step
