"""``loket client …``: relying parties, embedding sites, back offices and government clients."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from loket.cli import bootstrap


@click.group("client")
def group() -> None:
    """Relying parties, embedding sites, back offices and government clients."""


@group.command("add")
@click.option("--id", "client_id", required=True, help="Client id (also the widget id).")
@click.option("--name", required=True, help="Name shown to people signing in.")
@click.option("--redirect-uri", multiple=True, help="Exact redirect URI (repeatable).")
@click.option("--origin", multiple=True, help="Origin that may embed the widgets (repeatable).")
@click.option("--post-logout-uri", multiple=True, help="Allowed post_logout_redirect_uri.")
@click.option("--backchannel-logout-uri", help="Where back-channel logout tokens are POSTed.")
@click.option("--grant-type", multiple=True,
              type=click.Choice(["authorization_code", "client_credentials", "refresh_token"]),
              help="Grant types (default: authorization_code; refresh_token, with the "
                   "offline_access scope, gives refresh tokens).")
@click.option("--scope", multiple=True, help="Scopes the client may ask for (repeatable).")
@click.option("--public", is_flag=True, help="No secret (PKCE required), e.g. a mobile app.")
@click.option("--without-pkce", is_flag=True,
              help="Accept this confidential client's sign-ins without PKCE (only for software "
                   "that cannot send it; not with --public).")
@click.option("--theme", default="base", show_default=True, help="Theme of its widgets.")
@click.option("--organisation", help="The organisation a back office or publisher speaks for "
              "(default: --name): its dossiers' handler and its products' competent authority.")
@click.option("--organisation-code", help="That organisation's OVO code, KBO number or "
              "municipality NIS code.")
@click.option("--jwks", "jwks_file", type=click.File("r", encoding="utf-8"),
              help="JSON file with the public key(s) of the client's private_key_jwt "
                   "assertions: a JWK or a JWK Set; - for stdin.")
@click.option("--auth-method", type=click.Choice(["client_secret", "private_key_jwt"]),
              default="client_secret", show_default=True,
              help="client_secret: its secret (Basic or POST), or an assertion signed with a "
                   "registered key; private_key_jwt: signed assertions only, no secret.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"client_id", "client_secret"} as JSON.')
def add(client_id: str, name: str, redirect_uri: tuple[str, ...], origin: tuple[str, ...],
        post_logout_uri: tuple[str, ...], backchannel_logout_uri: str | None,
        grant_type: tuple[str, ...], scope: tuple[str, ...], public: bool, without_pkce: bool,
        theme: str, organisation: str | None, organisation_code: str | None,
        jwks_file: Any, auth_method: str, as_json: bool) -> None:
    """Register a client and print its secret (shown once)."""
    from loket import audit, client_keys, clients
    from loket import db as dbm

    if public and without_pkce:
        bootstrap.fail("a public client has no secret: only PKCE binds its codes to it, so "
                       "--without-pkce cannot be combined with --public")
    if public and jwks_file is not None:
        bootstrap.fail("a public client authenticates with nothing but its id: --jwks needs a "
                       "confidential client")
    keys: list[dict[str, Any]] = []
    if jwks_file is not None:
        try:
            keys = client_keys.read_keys(jwks_file.read(), jwks_file.name)
        except clients.ClientError as exc:
            bootstrap.fail(f"{exc} Nothing was registered.")
    app = bootstrap.app()
    bootstrap.prepare(app, upgrade=False)
    reg = clients.Registration(
        id=client_id, name=name, redirect_uris=list(redirect_uri), origins=list(origin),
        post_logout_uris=list(post_logout_uri), backchannel_logout_uri=backchannel_logout_uri,
        grant_types=list(grant_type), scopes=list(scope), public=public, theme=theme,
        pkce_required=not without_pkce, organisation=organisation,
        organisation_code=organisation_code, auth_method=auth_method,
    )
    try:
        with dbm.database(app).transaction() as session:
            added, secret = clients.add(
                session, reg, allow_http_anywhere=app.config["ENV"] == "development"
            )
            if keys:
                client_keys.add_keys(added, keys)
            audit.record(session, "client-add", f"client/{added.id}", actor="cli",
                         detail={"grant_types": added.grant_types, "scopes": added.scopes,
                                 "origins": added.origins,
                                 "auth_method": added.auth_method,
                                 "key_ids": [k["kid"] for k in keys],
                                 **{k: v for k, v in (added.settings or {}).items()
                                    if k.startswith("organisation")}})
    except clients.ClientError as exc:
        bootstrap.fail(str(exc))
    if as_json:
        click.echo(json.dumps({"client_id": added.id, "client_secret": secret}))
        return
    click.echo(f"Registered client {added.id!r} ({added.name}).")
    click.echo(f"  grant types: {', '.join(added.grant_types)}")
    click.echo(f"  scopes:      {' '.join(added.scopes)}")
    if not added.pkce_required:
        click.echo("  PKCE:        not required (registered --without-pkce)")
    for key in keys:
        click.echo(f"  key:         {key['kid']} ({_describe(key)})")
    if any(":" in scope for scope in added.scopes):
        settings = added.settings or {}
        code = f" ({settings['organisation_code']})" if settings.get("organisation_code") else ""
        click.echo(f"  speaks for:  {settings.get('organisation') or added.name}{code}; links "
                   f"on {', '.join(added.origins) or 'no origin (add --origin to send links)'}")
    if secret:
        click.echo(f"  secret:      {secret}")
        click.echo("Store the secret now: it is not shown again.")
    elif added.auth_method == "private_key_jwt":
        click.echo("  private_key_jwt only: no secret."
                   + ("" if keys else f" Add its public key: `loket client key add {added.id} "
                                      "FILE`."))
    else:
        click.echo("  public client: no secret; it must use PKCE.")


def _describe(key: dict[str, Any]) -> str:
    from loket.client_keys import thumbprint

    kind = f"EC {key['crv']}" if key["kty"] == "EC" else "RSA"
    return f"{kind}{', ' + key['alg'] if 'alg' in key else ''}, thumbprint {thumbprint(key)}"


@group.command("list")
def list_() -> None:
    """List registered clients."""
    from loket import clients
    from loket import db as dbm

    with dbm.database(bootstrap.app()).transaction() as session:
        for c in clients.all_clients(session):
            click.echo(f"{c.id:<20} {c.name:<30} {','.join(c.grant_types)}  "
                       f"{' '.join(c.redirect_uris)}")


@group.command("remove")
@click.argument("client_id")
def remove(client_id: str) -> None:
    """Remove a client; its tokens stop working."""
    from loket import audit, clients
    from loket import db as dbm

    with dbm.database(bootstrap.app()).transaction() as session:
        found = clients.get(session, client_id)
        if found is None:
            bootstrap.fail(f"no client with id {client_id!r} (see `loket client list`).")
        session.delete(found)
        audit.record(session, "client-remove", f"client/{client_id}", actor="cli")
    click.echo(f"Removed client {client_id!r}.")


@group.command("configure")
@click.argument("client_id")
@click.option("--settings", "settings_file", type=click.File("r", encoding="utf-8"),
              help="JSON file with the site's widget settings (see docs/embedding.md); - for stdin.")
@click.option("--theme", help="Theme of its widgets (a folder under themes/).")
@click.option("--show", is_flag=True, help="Print the stored settings as JSON.")
def configure(client_id: str, settings_file: Any, theme: str | None, show: bool) -> None:
    """Set a site's widget settings (branding, links, footer, alert, contact) and theme."""
    from loket import audit, clients
    from loket import db as dbm
    from loket.themes import ThemeError, ThemeRegistry
    from loket.widgets.settings import SettingsError, validate

    app = bootstrap.app()
    bootstrap.prepare(app, upgrade=False)
    new_settings = None
    if settings_file is not None:
        try:
            raw = json.load(settings_file)
        except json.JSONDecodeError as exc:
            bootstrap.fail(f"{settings_file.name}: not valid JSON (line {exc.lineno}: {exc.msg}).")
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
            bootstrap.fail(f"--theme: {exc.problems[0]}")
    with dbm.database(app).transaction() as session:
        found = clients.get(session, client_id)
        if found is None:
            bootstrap.fail(f"no client with id {client_id!r} (see `loket client list`).")
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


@group.group("key")
def key_group() -> None:
    """Public keys a client signs its private_key_jwt assertions with."""


@key_group.command("add")
@click.argument("client_id")
@click.argument("jwks_file", metavar="FILE", type=click.File("r", encoding="utf-8"))
def key_add(client_id: str, jwks_file: Any) -> None:
    """Add the public key(s) of FILE (a JWK or a JWK Set; - for stdin) to a client."""
    from loket import audit, client_keys, clients
    from loket import db as dbm

    try:
        keys = client_keys.read_keys(jwks_file.read(), jwks_file.name)
    except clients.ClientError as exc:
        bootstrap.fail(f"{exc} Nothing was added.")
    app = bootstrap.app()
    bootstrap.prepare(app, upgrade=False)
    try:
        with dbm.database(app).transaction() as session:
            found = clients.get(session, client_id)
            if found is None:
                bootstrap.fail(f"no client with id {client_id!r} (see `loket client list`).")
            client_keys.add_keys(found, keys)
            audit.record(session, "client-key-add", f"client/{client_id}", actor="cli",
                         detail={"key_ids": [k["kid"] for k in keys],
                                 "thumbprints": [client_keys.thumbprint(k) for k in keys]})
    except clients.ClientError as exc:
        bootstrap.fail(f"{exc} Nothing was added.")
    for key in keys:
        click.echo(f"Added key {key['kid']} ({_describe(key)}) to {client_id!r}.")


@key_group.command("list")
@click.argument("client_id")
@click.option("--json", "as_json", is_flag=True, help="Print the client's JWK Set as JSON.")
def key_list(client_id: str, as_json: bool) -> None:
    """List a client's public keys and how it authenticates."""
    from loket import client_keys, clients
    from loket import db as dbm

    with dbm.database(bootstrap.app()).transaction() as session:
        found = clients.get(session, client_id)
        if found is None:
            bootstrap.fail(f"no client with id {client_id!r} (see `loket client list`).")
        keys = client_keys.keys_of(found)
        method = found.auth_method
    if as_json:
        click.echo(json.dumps({"keys": keys}, indent=2))
        return
    click.echo(f"{client_id}: authenticates with "
               + ("private_key_jwt only" if method == "private_key_jwt"
                  else "its secret" + (" or private_key_jwt" if keys else "")))
    for key in keys:
        click.echo(f"  {key['kid']}  {_describe(key)}")
    if not keys:
        click.echo("  no keys")


@key_group.command("remove")
@click.argument("client_id")
@click.argument("kid")
def key_remove(client_id: str, kid: str) -> None:
    """Remove the key KID from a client; assertions signed with it are refused at once."""
    from loket import audit, client_keys, clients
    from loket import db as dbm

    try:
        with dbm.database(bootstrap.app()).transaction() as session:
            found = clients.get(session, client_id)
            if found is None:
                bootstrap.fail(f"no client with id {client_id!r} (see `loket client list`).")
            removed = client_keys.remove_key(found, kid)
            audit.record(session, "client-key-remove", f"client/{client_id}", actor="cli",
                         detail={"key_id": kid, "thumbprint": client_keys.thumbprint(removed)})
    except clients.ClientError as exc:
        bootstrap.fail(str(exc))
    click.echo(f"Removed key {kid} from {client_id!r}.")
