"""The ``loket`` command: serve, migrate, seed, register clients, rotate keys, verify the audit log,
run the worker.

Each command group is a module of this package; they share only :mod:`loket.cli.bootstrap`.
"""

from __future__ import annotations

import click

from loket.cli import (
    audit,
    bootstrap,
    catalog,
    clients,
    db,
    keys,
    officer,
    reference,
    seed,
    serve,
    themes,
    worker,
)


class LoketGroup(click.Group):
    """A database that is not there or not migrated is a one-line error naming the command to
    run, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as exc:
            raise click.ClickException(bootstrap.database_problem(exc)) from exc


@click.group(cls=LoketGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="loket")
def main() -> None:
    """Loket: single sign-on with identity switching and the association desk's building blocks.

    Settings come from LOKET_* environment variables (see docs/operations.md).
    """


main.add_command(db.group)
main.add_command(serve.serve)
main.add_command(seed.seed_demo)
main.add_command(clients.group)
main.add_command(themes.group)
main.add_command(keys.group)
main.add_command(audit.group)
main.add_command(officer.group)
main.add_command(catalog.group)
main.add_command(reference.group)
main.add_command(worker.worker)
