"""``loket theme …``: widget themes."""

from __future__ import annotations

import sys

import click

from loket.cli import bootstrap


@click.group("theme")
def group() -> None:
    """Widget themes."""


@group.command("check")
@click.argument("folder", type=click.Path(file_okay=False, path_type=str))
def check(folder: str) -> None:
    """Validate a theme folder; exit 1 with one line per problem."""
    from pathlib import Path

    from loket import themes

    path = Path(folder)
    if not (path / "theme.toml").is_file():
        bootstrap.fail(f"{folder}: no theme.toml here; a theme is a folder with a theme.toml.")
    loaded, problems = themes.load(path, themes.search_path(None))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    assert loaded is not None
    click.echo(f"{folder}: theme {loaded.title!r} is valid (extends: "
               f"{' -> '.join(loaded.chain)}).")
