"""The provider's own front page and health endpoints."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from loket import db

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    from loket.models import Person
    from loket.sso.web import current_session

    sess = current_session(touch=False)
    person = db.session().get(Person, sess.person_id) if sess else None
    return render_template("home.html", person=person)


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness: the process answers (a trivial JSON route, also the benchmarks' baseline)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    """Readiness: the database answers."""
    db.ping()
    return jsonify({"status": "ready"})
