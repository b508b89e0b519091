"""Requests to the provider answered in-process: the CSRF token alone suffices over https,
RP-initiated logout by POST, odd authorization parameters, and pruning what cannot be used."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask


def test_forms_work_over_https_without_a_referer(tmp_path: Path) -> None:
    """Browsers send no Referer when told not to; the CSRF token alone must suffice."""
    from loket import create_app, db, migrate, reference, seed

    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "ISSUER": "https://loket.example",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite'}",
                      "SECRET_KEY": "s" * 40, "ENV": "development"})
    migrate.upgrade(db.database(app).url)
    with db.database(app).transaction() as session:
        reference.sync(session)
        app.extensions["loket.keys"].ensure(session)
        seed.seed_demo(session, tmp_path / "i", allow_http_anywhere=True)
    client = app.test_client()
    page = client.get("/aanmelden", base_url="https://loket.example")
    assert page.headers["Referrer-Policy"] == "same-origin"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    answer = client.post("/aanmelden", base_url="https://loket.example",
                         data={"csrf_token": token, "insz": "92021411256", "request_id": ""})
    assert answer.status_code == 303
    db.database(app).dispose()


def test_rp_initiated_logout_by_post(client) -> None:
    answer = client.post("/oidc/logout", data={"client_id": "groenbeek"})
    assert answer.status_code == 200 and "afgemeld" in answer.text


def test_unicode_digits_in_max_age_are_a_clear_error(client) -> None:
    answer = client.get("/oidc/authorize?client_id=groenbeek&redirect_uri=http://127.0.0.2:8001"
                        "/auth/callback&response_type=code&scope=openid&max_age=%C2%B2")
    assert answer.status_code == 302 and "error=invalid_request" in answer.headers["Location"]


def test_authorization_parameters_are_capped_together(client) -> None:
    big = "x" * 3000
    answer = client.get("/oidc/authorize", query_string={
        "client_id": "groenbeek", "redirect_uri": "http://127.0.0.2:8001/auth/callback",
        "response_type": "code", "scope": "openid", "state": big, "nonce": big[:500],
        "login_hint": big, "acr_values": big})
    assert "error=invalid_request" in answer.headers["Location"]


def test_prune_removes_what_can_no_longer_be_used(app: Flask) -> None:
    from sqlalchemy import func, select

    from loket import db
    from loket.models import AuthorizationRequest
    from loket.sso.protocol import AuthorizationParams

    provider = app.extensions["loket.provider"]
    with db.database(app).transaction() as session:
        provider.save_request(session, AuthorizationParams("groenbeek", "http://x/cb", ["openid"]))
        session.flush()
        session.execute(AuthorizationRequest.__table__.update().values(expires_at=1))
    with db.database(app).transaction() as session:
        removed = provider.prune(session)
        assert removed["authorization requests"] == 1
        assert session.scalar(select(func.count()).select_from(AuthorizationRequest)) == 0
