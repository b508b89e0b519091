"""Loket: an ACM-style OpenID provider and the association desk's building blocks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from loket import config as config_mod

if TYPE_CHECKING:
    from flask import Flask

__version__ = "0.1.0"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from ``LOKET_*`` settings; ``config`` overrides them (tests)."""
    # Imported here, not at the top: the Flask-free core (loket.sso.decisions, protocol, jose)
    # must import without Flask, and importing it imports this package first.
    from flask import Flask

    values = config_mod.load(overrides=config)
    instance = config_mod.instance_path(values)
    app = Flask(__name__, instance_path=str(instance))
    db_url = config_mod.database_url(values, instance)
    if values["ENV"] == "production":
        problems = config_mod.production_problems(values)
        if problems:
            raise config_mod.ConfigError(
                "LOKET_ENV=production refuses to start:\n- " + "\n- ".join(problems)
            )
    secure = urlsplit(values["ISSUER"]).scheme == "https"
    app.config.update(values)
    app.config.update(
        DATABASE_URL=db_url,
        SECRET_KEY=config_mod.secret_key(values, instance),
        SECURE_COOKIES=secure,
        SESSION_COOKIE_NAME="__Host-loket" if secure else "loket",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=values.get("MAX_CONTENT_LENGTH", 2 * 1024 * 1024),
        WTF_CSRF_TIME_LIMIT=3600,
        # The CSRF token and the SameSite cookie protect every form; a Referer check on top
        # would refuse browsers that send none (and our pages ask for same-origin only).
        WTF_CSRF_SSL_STRICT=False,
        JSON_SORT_KEYS=False,
    )
    from loket import logs

    logs.configure(values["LOG_LEVEL"], values["LOG_FORMAT"])

    from loket import (
        api,
        audit,
        db,
        http_errors,
        i18n,
        mail_sender,
        officer_desk,
        request_checks,
        security,
        sso,
        widgets,
        worker,
    )
    from loket.home import bp as home_bp
    from loket.messages import jobs as message_jobs
    from loket.register.pages import bp as register_pages
    from loket.shared import make_state

    if values["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = values["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.extensions["loket.shared"] = make_state(values["REDIS_URL"], values["REDIS_PREFIX"])
    app.extensions["loket.limits"] = values["LIMITS"]
    logs.init_app(app)
    http_errors.init_app(app)
    i18n.init_app(app)
    db.init_app(app)
    audit.init_app(app)
    request_checks.init_app(app)  # before security: CSRF reads the form
    security.init_app(app)
    sso.init_app(app)
    api.init_app(app)
    widgets.init_app(app)
    worker.init_app(app)
    mail_sender.init_app(app)  # after worker: it registers the outbox's pruning
    message_jobs.init_app(app)  # recognitions moving by date, renewal reminders
    app.register_blueprint(home_bp)
    app.register_blueprint(register_pages)
    app.register_blueprint(officer_desk.bp)
    return app
