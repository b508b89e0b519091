"""The ``loket`` command: serve, migrate, seed, register clients, rotate keys, verify the audit log."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click
from flask import Flask

from loket.catalog.cli import group as catalog_group
from loket.config import ConfigError


def _app() -> Flask:
    from loket import create_app

    try:
        app = create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    context = click.get_current_context(silent=True)
    if context is not None:  # the command's connections close with it, not at process exit
        from loket import db

        context.call_on_close(db.database(app).dispose)
    return app


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="loket")
def main() -> None:
    """Loket: single sign-on with identity switching and the association desk's building blocks.

    Settings come from LOKET_* environment variables (see docs/operations.md).
    """


# ---- database ----------------------------------------------------------------------------

@main.group()
def db() -> None:
    """Database schema."""


def _prepare(app: Flask, *, upgrade: bool) -> None:
    from loket import db as dbm
    from loket import migrate, reference

    database = dbm.database(app)
    if upgrade:
        migrate.upgrade(database.url)
    elif not migrate.is_current(database.engine, database.url):
        raise click.ClickException(
            "The database schema is not up to date: run `loket db upgrade` first."
        )
    from loket import firstparty

    with database.transaction() as session:
        reference.sync(session)
        app.extensions["loket.keys"].ensure(session)
        firstparty.ensure_client(session, app.config["ISSUER"])


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration and sync the shipped code lists."""
    app = _app()
    _prepare(app, upgrade=True)
    click.echo("Database is up to date.")


@db.command("prune")
def db_prune() -> None:
    """Delete expired authorization requests, and codes, tokens and sessions a day past expiry."""
    from loket import db as dbm

    app = _app()
    with dbm.database(app).transaction() as session:
        removed = app.extensions["loket.provider"].prune(session)
    click.echo("Removed " + ", ".join(f"{n} {what}" for what, n in removed.items()) + ".")


@db.command("current")
def db_current() -> None:
    """Show the schema revision of the database and whether it is the newest."""
    from loket import db as dbm
    from loket import migrate

    database = dbm.database(_app())
    have, want = migrate.current(database.engine), migrate.heads(database.url)
    click.echo(f"database: {', '.join(sorted(have)) or '(empty)'}")
    click.echo(f"newest:   {', '.join(sorted(want))}")
    if have != want:
        sys.exit(1)


# ---- serving -----------------------------------------------------------------------------

@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker.")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Run the provider on gunicorn (a production WSGI server)."""
    from loket.server import run

    app = _app()
    _prepare(app, upgrade=app.config["ENV"] == "development")
    run(host=host, port=port, workers=workers, threads=threads,
        log_format=app.config["LOG_FORMAT"], log_level=app.config["LOG_LEVEL"])


# ---- demo data ---------------------------------------------------------------------------

def _progress(label: str, total: int) -> Callable[[int], None]:
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


@main.command("seed-demo")
@click.option("--associations", default=0, type=click.IntRange(0, 2_000_000),
              help="Also add this many generated associations.")
@click.option("--dossiers", default=0, type=click.IntRange(0, 10_000_000),
              help="Also add this many generated dossiers (see docs/performance.md).")
@click.option("--products", default=0, type=click.IntRange(0, 1_000_000),
              help="Also add this many generated catalog products.")
@click.option("--json", "as_json", is_flag=True, help="Print the demo clients as JSON.")
def seed_demo(associations: int, dossiers: int, products: int, as_json: bool) -> None:
    """Load the demo persons, associations, companies and the two demo sites (idempotent)."""
    from loket import db as dbm
    from loket import seed

    app = _app()
    _prepare(app, upgrade=app.config["ENV"] == "development")
    allow_http = app.config["ENV"] == "development"
    with dbm.database(app).transaction() as session:
        sites = seed.seed_demo(session, _instance(app), allow_http_anywhere=allow_http)
    if associations:
        with dbm.database(app).transaction() as session:
            seed.bulk_associations(session, associations,
                                   progress=_progress("associations", associations))
    if dossiers:
        from loket.dossiers import bulk as dossier_bulk

        dossier_bulk.add(dbm.database(app), dossiers, now=dbm.now(),
                         progress=_progress("dossiers", dossiers))
    if products:
        from loket.catalog import bulk as catalog_bulk

        with dbm.database(app).transaction() as session:
            catalog_bulk.add(session, products, progress=_progress("products", products))
    if as_json:
        click.echo(json.dumps(sites, indent=2))
        return
    click.echo("Demo data loaded.")
    for demo in seed.PERSONS:
        name = f"{demo.given_name} {demo.family_name}"
        click.echo(f"  {name:<12} INSZ {demo.insz}  {demo.story}")
    for site in sites.values():
        click.echo(f"  site {site['client_id']:<12} {site['url']}  (client secret in "
                   f"{_instance(app) / 'demo-clients.json'})")


def _instance(app: Flask) -> Any:
    from pathlib import Path

    return Path(app.instance_path)


# ---- clients -----------------------------------------------------------------------------

@main.group()
def client() -> None:
    """Relying parties, embedding sites, back offices and government clients."""


@client.command("add")
@click.option("--id", "client_id", required=True, help="Client id (also the widget id).")
@click.option("--name", required=True, help="Name shown to people signing in.")
@click.option("--redirect-uri", multiple=True, help="Exact redirect URI (repeatable).")
@click.option("--origin", multiple=True, help="Origin that may embed the widgets (repeatable).")
@click.option("--post-logout-uri", multiple=True, help="Allowed post_logout_redirect_uri.")
@click.option("--backchannel-logout-uri", help="Where back-channel logout tokens are POSTed.")
@click.option("--grant-type", multiple=True,
              type=click.Choice(["authorization_code", "client_credentials"]),
              help="Grant types (default: authorization_code).")
@click.option("--scope", multiple=True, help="Scopes the client may ask for (repeatable).")
@click.option("--public", is_flag=True, help="No secret (PKCE required), e.g. a mobile app.")
@click.option("--theme", default="base", show_default=True, help="Theme of its widgets.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"client_id", "client_secret"} as JSON.')
def client_add(client_id: str, name: str, redirect_uri: tuple[str, ...], origin: tuple[str, ...],
               post_logout_uri: tuple[str, ...], backchannel_logout_uri: str | None,
               grant_type: tuple[str, ...], scope: tuple[str, ...], public: bool, theme: str,
               as_json: bool) -> None:
    """Register a client and print its secret (shown once)."""
    from loket import clients
    from loket import db as dbm

    app = _app()
    _prepare(app, upgrade=False)
    reg = clients.Registration(
        id=client_id, name=name, redirect_uris=list(redirect_uri), origins=list(origin),
        post_logout_uris=list(post_logout_uri), backchannel_logout_uri=backchannel_logout_uri,
        grant_types=list(grant_type), scopes=list(scope), public=public, theme=theme,
    )
    try:
        with dbm.database(app).transaction() as session:
            added, secret = clients.add(
                session, reg, allow_http_anywhere=app.config["ENV"] == "development"
            )
            from loket import audit

            audit.record(session, "client-add", f"client/{added.id}", actor="cli",
                         detail={"grant_types": added.grant_types, "scopes": added.scopes})
    except clients.ClientError as exc:
        _fail(str(exc))
        return
    if as_json:
        click.echo(json.dumps({"client_id": added.id, "client_secret": secret}))
        return
    click.echo(f"Registered client {added.id!r} ({added.name}).")
    click.echo(f"  grant types: {', '.join(added.grant_types)}")
    click.echo(f"  scopes:      {' '.join(added.scopes)}")
    if secret:
        click.echo(f"  secret:      {secret}")
        click.echo("Store the secret now: it is not shown again.")
    else:
        click.echo("  public client: no secret; it must use PKCE.")


@client.command("list")
def client_list() -> None:
    """List registered clients."""
    from loket import clients
    from loket import db as dbm

    with dbm.database(_app()).transaction() as session:
        for c in clients.all_clients(session):
            click.echo(f"{c.id:<20} {c.name:<30} {','.join(c.grant_types)}  "
                       f"{' '.join(c.redirect_uris)}")


@client.command("remove")
@click.argument("client_id")
def client_remove(client_id: str) -> None:
    """Remove a client; its tokens stop working."""
    from loket import audit, clients
    from loket import db as dbm

    with dbm.database(_app()).transaction() as session:
        found = clients.get(session, client_id)
        if found is None:
            _fail(f"no client with id {client_id!r} (see `loket client list`).")
        session.delete(found)
        audit.record(session, "client-remove", f"client/{client_id}", actor="cli")
    click.echo(f"Removed client {client_id!r}.")


@client.command("configure")
@click.argument("client_id")
@click.option("--settings", "settings_file", type=click.File("r", encoding="utf-8"),
              help="JSON file with the site's widget settings (see docs/embedding.md); - for stdin.")
@click.option("--theme", help="Theme of its widgets (a folder under themes/).")
@click.option("--show", is_flag=True, help="Print the stored settings as JSON.")
def client_configure(client_id: str, settings_file: Any, theme: str | None, show: bool) -> None:
    """Set a site's widget settings (branding, links, footer, alert, contact) and theme."""
    from loket import audit, clients
    from loket import db as dbm
    from loket.themes import ThemeError, ThemeRegistry
    from loket.widgets.settings import SettingsError, validate

    app = _app()
    _prepare(app, upgrade=False)
    new_settings = None
    if settings_file is not None:
        try:
            raw = json.load(settings_file)
        except json.JSONDecodeError as exc:
            _fail(f"{settings_file.name}: not valid JSON (line {exc.lineno}: {exc.msg}).")
            return
        try:
            new_settings = validate(raw)
        except SettingsError as exc:
            click.echo(f"{settings_file.name}: {len(exc.problems)} problem(s); nothing was changed:",
                       err=True)
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(1)
    if theme is not None:
        try:
            ThemeRegistry(app.config.get("THEMES_PATH") or None).get(theme)
        except ThemeError as exc:
            _fail(f"--theme: {exc.problems[0]}")
    with dbm.database(app).transaction() as session:
        found = clients.get(session, client_id)
        if found is None:
            _fail(f"no client with id {client_id!r} (see `loket client list`).")
            return
        if new_settings is not None:
            found.settings = new_settings
        if theme is not None:
            found.theme = theme
        if new_settings is not None or theme is not None:
            audit.record(session, "client-configure", f"client/{client_id}", actor="cli",
                         detail={"settings": sorted(new_settings or {}), "theme": theme})
        stored = dict(found.settings or {})
        current_theme = found.theme
    if show:
        click.echo(json.dumps(stored, indent=2, ensure_ascii=False))
    elif new_settings is not None or theme is not None:
        click.echo(f"Configured {client_id!r}: theme {current_theme}, settings "
                   f"{', '.join(sorted(stored)) or '(none)'}. Sites see it within 5 minutes.")
    else:
        click.echo("Nothing to do: give --settings FILE, --theme NAME or --show.")


# ---- themes ------------------------------------------------------------------------------

@main.group()
def theme() -> None:
    """Widget themes."""


@theme.command("check")
@click.argument("folder", type=click.Path(file_okay=False, path_type=str))
def theme_check(folder: str) -> None:
    """Validate a theme folder; exit 1 with one line per problem."""
    from pathlib import Path

    from loket import themes

    path = Path(folder)
    if not (path / "theme.toml").is_file():
        _fail(f"{folder}: no theme.toml here; a theme is a folder with a theme.toml.")
    loaded, problems = themes.load(path, themes.search_path(None))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    assert loaded is not None
    click.echo(f"{folder}: theme {loaded.title!r} is valid (extends: "
               f"{' -> '.join(loaded.chain)}).")


# ---- keys --------------------------------------------------------------------------------

@main.group()
def keys() -> None:
    """Token signing keys."""


@keys.command("rotate")
@click.option("--alg", default="RS256", show_default=True, type=click.Choice(["RS256", "ES256"]))
def keys_rotate(alg: str) -> None:
    """Make a new signing key; the old one stays published until its tokens expire."""
    from loket import audit
    from loket import db as dbm

    app = _app()
    _prepare(app, upgrade=False)
    store = app.extensions["loket.keys"]
    with dbm.database(app).transaction() as session:
        row = store.create(session, alg)
        pruned = store.prune(session)
        audit.record(session, "key-rotate", f"key/{row.kid}", actor="cli", detail={"alg": alg})
    click.echo(f"New signing key {row.kid} ({alg}) is active.")
    if pruned:
        click.echo(f"Removed {pruned} expired key(s) from the JWKS.")


@keys.command("list")
def keys_list() -> None:
    """List signing keys and whether they are active, retired or expired."""
    import time

    from sqlalchemy import select

    from loket import db as dbm
    from loket.models import SigningKey

    with dbm.database(_app()).transaction() as session:
        now = int(time.time())
        for row in session.scalars(select(SigningKey).order_by(SigningKey.created_at)):
            if row.retired_at is None:
                state = "active"
            elif row.expires_at and row.expires_at <= now:
                state = "expired"
            else:
                state = f"retired, published for {max(0, (row.expires_at or now) - now)} s more"
            click.echo(f"{row.kid}  {row.alg}  {state}")


# ---- audit -------------------------------------------------------------------------------

@main.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Check the hash chain; exit 1 naming the first broken entry."""
    from loket import audit
    from loket import db as dbm

    with dbm.database(_app()).read_sessions() as session:
        result = audit.verify(session)
    if result.ok:
        click.echo(f"Audit log intact: {result.entries} entries.")
        return
    click.echo(f"Audit log broken: {result.problem} ({result.entries} entries checked before "
               "it were intact).", err=True)
    sys.exit(1)


main.add_command(catalog_group)


def _add_feature_commands() -> None:
    from loket.register.cli import reference

    main.add_command(reference)


_add_feature_commands()

if __name__ == "__main__":
    main()
