"""The OpenID provider: protocol and decisions (no Flask) in protocol.py and decisions.py, state
in provider.py, views on top."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Set up keys, provider and (when configured) the upstream, and register the views."""
    # Imported here: loket.sso.decisions and protocol are the Flask-free core, and importing
    # them imports this package first.
    from loket.sso.keys import KeyStore
    from loket.sso.provider import Lifetimes, Provider

    cfg = app.config
    life = Lifetimes(
        code=cfg["CODE_SECONDS"],
        access_token=cfg["ACCESS_TOKEN_SECONDS"],
        id_token=cfg["ID_TOKEN_SECONDS"],
        session_idle=cfg["SESSION_IDLE_MINUTES"] * 60,
        session_max=cfg["SESSION_MAX_MINUTES"] * 60,
    )
    # A retired key stays published as long as anything it signed may still be presented
    # (ID tokens as logout hints are accepted expired, so a day).
    keys = KeyStore(cfg["SECRET_KEY"], retire_grace_seconds=max(86400, life.id_token * 2))
    app.extensions["loket.keys"] = keys
    app.extensions["loket.provider"] = Provider(cfg["ISSUER"], keys, life)
    app.extensions["loket.upstream"] = None
    if cfg["UPSTREAM_ISSUER"]:
        from loket.sso.upstream import Upstream, UpstreamConfig

        app.extensions["loket.upstream"] = Upstream(UpstreamConfig(
            issuer=cfg["UPSTREAM_ISSUER"], client_id=cfg["UPSTREAM_CLIENT_ID"],
            client_secret=cfg["UPSTREAM_CLIENT_SECRET"], insz_claim=cfg["UPSTREAM_INSZ_CLAIM"],
            scope=cfg["UPSTREAM_SCOPE"], kind=cfg["UPSTREAM_KIND"],
            auth_method=cfg["UPSTREAM_AUTH_METHOD"],
        ))

    # Each module adds its routes to the one blueprint before it is registered.
    from loket.sso import endpoints, signin, views  # noqa: F401
    from loket.sso.web import bp

    app.register_blueprint(bp)
