"""The provider's own front page and health endpoints."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from loket import db

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    from loket.sso.web import current_sign_in

    who = current_sign_in(touch=False)
    return render_template("home.html", person=who.person if who else None)


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness: the process answers (a trivial JSON route, also the benchmarks' baseline)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    """Readiness: the database answers, and Redis when one is configured."""
    from flask import current_app

    from loket.errors import ServiceUnavailable

    db.ping()
    if current_app.config["REDIS_URL"]:
        try:
            current_app.extensions["loket.shared"].ping()
        except Exception as exc:  # noqa: BLE001 - any client error means "not ready"
            raise ServiceUnavailable("redis", "Redis antwoordt niet.") from exc
    return jsonify({"status": "ready"})
