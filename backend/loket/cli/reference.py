"""``loket reference …``: load reference data the shipped code lists do not carry."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from loket.cli import bootstrap


@click.group("reference")
def group() -> None:
    """Reference data: postcodes."""


@group.command("import-postcodes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Remove every postcode loaded before (also the demo ones) first.")
def import_postcodes(file: Path, replace: bool) -> None:
    """Load a postcode → municipality list (CSV: postcode,gemeente[,plaats]).

    `gemeente` is the municipality's werkingsgebied code (BE23444021) or its Dutch name as in
    the code list. The whole file is checked first: one bad line stores nothing.
    """
    from loket import audit
    from loket import db as dbm
    from loket.register import postcodes

    app = bootstrap.app()
    bootstrap.prepare(app, upgrade=False)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        click.echo(f"Error: {file} is not UTF-8 text: save it as UTF-8 CSV and try again.",
                   err=True)
        sys.exit(1)
    with dbm.database(app).transaction() as session:
        try:
            rows = postcodes.parse(text, postcodes.municipality_index(session))
        except postcodes.PostcodeFileError as exc:
            click.echo(f"Error: {file} was not imported (nothing changed):", err=True)
            for problem in exc.problems[:50]:
                click.echo(f"  {problem}", err=True)
            if len(exc.problems) > 50:
                click.echo(f"  … and {len(exc.problems) - 50} more", err=True)
            sys.exit(1)
        with click.progressbar(length=len(rows), label="postcodes", file=sys.stderr,
                               show_pos=True) as bar:
            stored = postcodes.store(session, rows, replace=replace, progress=bar.update)
        audit.record(session, "postcodes-import", "reference/postcodes", actor="cli",
                     detail={"rows": stored, "replace": replace, "file": file.name[:100]})
    places = len({r.werkingsgebied for r in rows})
    click.echo(f"Imported {stored} postcodes for {places} municipalities.")
