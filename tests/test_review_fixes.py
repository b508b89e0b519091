"""Defects a security review found, each with the behaviour that now holds."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parents[1]


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


def test_deeply_nested_json_is_a_clear_400(client, app: Flask) -> None:
    from support.oidc import bearer

    secret = _backoffice(app)
    token = client.post("/oidc/token", data={"grant_type": "client_credentials"},
                        auth=("deep-bo", secret)).json["access_token"]
    for url in ("/api/v1/dossiers/deep-bo/X-1", "/api/v1/catalog/products/DEEP-1"):
        answer = client.put(url, data="[" * 50000, headers={**bearer(token),
                                                           "Content-Type": "application/json"})
        assert answer.status_code == 400 and answer.json["error"] == "invalid_json"


def _backoffice(app: Flask) -> str:
    from loket import clients, db

    with db.database(app).transaction() as session:
        _, secret = clients.add(session, clients.Registration(
            id="deep-bo", name="Deep", grant_types=["client_credentials"],
            scopes=["dossiers:write", "catalog:write"]), allow_http_anywhere=True)
    return str(secret)


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


@pytest.mark.parametrize("svg, problem", [
    ('<svg xmlns="http://www.w3.org/2000/svg"><?x ><img src=x onerror=alert(1)>?></svg>',
     "processing instruction"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><!-- --><rect width="1" height="1"/></svg>',
     "comment"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><title><![CDATA[<img>]]></title></svg>', "CDATA"),
])
def test_theme_check_refuses_svg_an_html_page_would_read_as_markup(svg: str,
                                                                   problem: str) -> None:
    from loket.themes import svg_problems

    assert any(problem in p for p in svg_problems(svg))


def test_logos_are_served_re_serialised() -> None:
    from loket.themes import ThemeRegistry

    theme = ThemeRegistry(None).get("groenbeek")
    assert theme.logo_svg.startswith("<svg") and "<!--" not in theme.logo_svg


@pytest.mark.parametrize("target, safe", [
    ("/mijn-dossiers", True), ("/ok?x=1", True), ("/\t/evil.example", False),
    ("/\n/evil", False), ("//evil", False), ("/a\\b", False), ("https://evil", False),
    (" /x", False), ("", False),
])
def test_demo_site_returns_only_to_its_own_paths(target: str, safe: bool) -> None:
    sys.path.insert(0, str(ROOT))
    from demo_site.app import _safe_next

    assert (_safe_next(target) == target) is safe
