"""Fixtures: an in-process app for fast tests, live providers (SQLite, and PostgreSQL when
127.0.0.1:5432 answers) for the protocol tests, and a municipality's site on 127.0.0.2 for the
widget tests and the browser sweep."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

from support import sweep
from support.agent import Agent
from support.browser import PageLog, chromium_available, launch
from support.catalog import basic, bearer, product
from support.oidc import Receiver, RelyingParty
from support.servers import (
    BACKENDS,
    Provider,
    free_port,
    make_provider,
    postgres_available,
    postgres_database,
    redis_available,
    redis_env,
    skip_without_postgres,
)
from support.widgets import HOST_IP, SETTINGS, THEMES, HostSite, Sites

# What the property tests check is the rule, not how fast a shared 2-core machine runs it (the
# suite runs in two processes beside Chromium and the servers): no deadline per example.
settings.register_profile("loket", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("loket")


@pytest.fixture(scope="session")
def pg_ok() -> bool:
    return postgres_available()


# ---- in-process app ------------------------------------------------------------------------

APP_SETTINGS = {
    "SECRET_KEY": "in-process-test-secret-0123456789abcdef",
    "ISSUER": "http://127.0.0.1:8000",
    "ENV": "development",
}


@dataclass(frozen=True)
class AppTemplate:
    """A migrated, seeded database and its instance folder, built once per session; every
    in-process test starts from a copy of it (the same state a fresh migrate + seed gives)."""

    instance: Path
    database_url: str


def _create_app(instance: Path, url: str, extra: dict[str, str]) -> Flask:
    from loket import create_app

    application = create_app({
        "INSTANCE_PATH": str(instance), "DATABASE_URL": url, **APP_SETTINGS,
        **{k.removeprefix("LOKET_"): v for k, v in extra.items()},
    })
    application.config["TESTING"] = True
    return application


def _build_template(instance: Path, url: str) -> AppTemplate:
    """Migrate and seed the template as `loket db upgrade` + `loket seed-demo` would."""
    from loket import db, firstparty, migrate, reference, seed

    application = _create_app(instance, url, {})
    database = db.database(application)
    migrate.upgrade(database.url)
    with database.transaction() as session:
        reference.sync(session)
        application.extensions["loket.keys"].ensure(session)
        firstparty.ensure_client(session, application.config["ISSUER"])
        seed.seed_demo(session, instance, allow_http_anywhere=True)
    database.dispose()  # a template has no open connections (SQLite: its log is folded in)
    return AppTemplate(instance, url)


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppTemplate]:
    """A migrated, seeded PostgreSQL database that each in-process test copies when asked to."""
    skip_without_postgres("postgresql")
    with postgres_database() as url:
        yield _build_template(tmp_path_factory.mktemp("pg-template") / "instance", url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> AppTemplate:
    folder = tmp_path_factory.mktemp("sqlite-template")
    return _build_template(folder / "instance", f"sqlite:///{folder / 'app.sqlite'}")


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app in-process, on SQLite — or, with ``LOKET_TEST_APP_BACKEND=postgresql`` (as
    ``make test-postgres`` sets), on PostgreSQL with Redis; either way a fresh copy of the
    session's migrated and seeded template."""
    from loket import db

    instance = tmp_path / "instance"
    if os.environ.get("LOKET_TEST_APP_BACKEND") == "postgresql":
        template: AppTemplate = request.getfixturevalue("pg_template")
        shutil.copytree(template.instance, instance)
        with postgres_database(template.database_url) as url:
            application = _create_app(instance, url, redis_env())
            yield application
            db.database(application).dispose()
    else:
        template = request.getfixturevalue("sqlite_template")
        shutil.copytree(template.instance, instance)
        copy = tmp_path / "app.sqlite"
        shutil.copyfile(template.database_url.removeprefix("sqlite:///"), copy)
        application = _create_app(instance, f"sqlite:///{copy}", {})
        yield application
        db.database(application).dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def person_token(app: Flask) -> Callable[..., str]:
    """An access token as the in-process provider issues it after a sign-in in ``capacity``."""
    from sqlalchemy import select

    from loket import db
    from loket.models import Person

    def issue(insz: str, capacity: dict[str, str] | None = None,
              scope: str = "openid capacity dossiers catalog associations") -> str:
        with db.database(app).transaction() as session:
            person = session.scalar(select(Person).where(Person.insz == insz))
            assert person is not None
            cap = capacity or {"code": "BUR", "identifier": insz,
                               "name": f"{person.given_name} {person.family_name}"}
            return str(app.extensions["loket.provider"].issue_token(
                session, "groenbeek", scope, person=person, capacity=cap))

    return issue


GOV_SCOPES = ("catalog:write", "associations:recognitions", "associations:exchange",
              "messages:publish")


@pytest.fixture
def gov_client(app: Flask, client: FlaskClient) -> Callable[..., str]:
    """In-process: a government client that publishes a product of its own (``GX-ERKENNING``)
    and may record recognitions, send messages and read the exchange; returns a token."""
    from loket import clients, db

    def issue(client_id: str = "gemeente-gx", organisation: str = "Gemeente Gx",
              product_id: str = "GX-ERKENNING", scopes: tuple[str, ...] = GOV_SCOPES) -> str:
        reg = clients.Registration(id=client_id, name=organisation,
                                   grant_types=["client_credentials"], scopes=list(scopes),
                                   organisation=organisation,
                                   origins=["https://www.gx.example"])
        with db.database(app).transaction() as session:
            _, secret = clients.add(session, reg, allow_http_anywhere=True)
        assert secret
        answer = client.post("/oidc/token", data={"grant_type": "client_credentials",
                                                  "scope": " ".join(scopes)},
                             headers=basic(client_id, secret))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        token = str(answer.get_json()["access_token"])
        if "catalog:write" in scopes:
            put = client.put(f"/api/v1/catalog/products/{product_id}", headers=bearer(token),
                             json=product(competentAuthority={"level": "Lokaal",
                                                              "name": organisation},
                                          websites=[], onlineRequestUrl=None,
                                          executingAuthority=None))
            assert put.status_code in (200, 201), put.get_data(as_text=True)
        return token

    return issue


# ---- back-channel logout receiver -----------------------------------------------------------

@pytest.fixture(scope="session")
def backchannel_receiver() -> Iterator[Receiver]:
    tokens: list[str] = []
    status = [200]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", 0))
            body = parse_qs(self.rfile.read(length).decode())
            tokens.extend(body.get("logout_token", []))
            self.send_response(status[0])
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802
            body = b"<!doctype html><html lang=en><title>RP</title><main>back at the RP</main>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Receiver(f"http://127.0.0.1:{server.server_address[1]}/bcl", tokens, status)
    server.shutdown()
    server.server_close()


# ---- live provider ---------------------------------------------------------------------------

@pytest.fixture(scope="session", params=BACKENDS)
def provider(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    backend = request.param
    skip_without_postgres(backend)
    tmp = tmp_path_factory.mktemp(f"provider-{backend}")
    if backend == "postgresql":
        # the scaled-out setup: PostgreSQL for data, Redis (when it answers) for shared state
        with postgres_database() as url:
            live = make_provider(tmp, url, extra_env=redis_env() if redis_available() else None)
            try:
                yield live
            finally:
                live.stop()
    else:
        live = make_provider(tmp)
        try:
            yield live
        finally:
            live.stop()


@pytest.fixture(scope="session")
def rp(provider: Provider, backchannel_receiver: Receiver) -> RelyingParty:
    """A confidential test client registered through `loket client add`."""
    redirect = f"{backchannel_receiver.base}/callback"
    bye = f"{backchannel_receiver.base}/bye"
    secret = provider.add_client(
        "test-rp", "--redirect-uri", redirect, "--post-logout-uri", bye,
        "--backchannel-logout-uri", backchannel_receiver.url,
        "--scope", "openid", "--scope", "profile", "--scope", "capacity", "--scope", "rrn",
    )
    return RelyingParty("test-rp", secret, redirect, bye)


@pytest.fixture(scope="session")
def other_rp(provider: Provider, backchannel_receiver: Receiver) -> RelyingParty:
    redirect = f"{backchannel_receiver.base}/other-callback"
    secret = provider.add_client("other-rp", "--redirect-uri", redirect,
                                 "--scope", "openid", "--scope", "profile")
    return RelyingParty("other-rp", secret, redirect, "")


@pytest.fixture
def agent(provider: Provider) -> Iterator[Agent]:
    browserless = Agent(provider.url)
    yield browserless
    browserless.http.close()


@pytest.fixture(scope="session")
def discovery(provider: Provider) -> dict[str, Any]:
    import requests

    return json.loads(requests.get(f"{provider.url}/.well-known/openid-configuration",
                                   timeout=10).text)


# ---- real browser ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not chromium_available():
        pytest.fail("Chromium is not installed: run `make test` (it installs Debian's chromium) "
                    "or set LOKET_CHROMIUM to its path.")
    with launch() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser profile (no cookies) and page; fails the test on console errors."""
    context = browser.new_context(locale="nl-BE")
    tab = context.new_page()
    log = PageLog()
    log.attach(tab)
    tab.page_log = log
    yield tab
    context.close()


# ---- a municipality's site for the widgets ---------------------------------------------------
# A host page server on 127.0.0.2 (another host, as a municipality's site is) serving the
# headers each test sets, and one registered site per theme (widget id ``site-<theme>``).

@pytest.fixture(scope="session")
def host_site() -> Iterator[HostSite]:
    port = free_port(HOST_IP)
    site = HostSite(f"http://{HOST_IP}:{port}")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = self.path.split("?", 1)[0]
            found = site.pages.get(path)
            if path == "/favicon.ico":
                self.send_response(204)
                self.end_headers()
                return
            if found is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body, content_type, headers = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((HOST_IP, port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def sites(provider: Provider, host_site: HostSite,
          tmp_path_factory: pytest.TempPathFactory) -> Sites:
    tmp = tmp_path_factory.mktemp("sites")
    secrets = {}
    for theme in THEMES:
        secrets[theme] = provider.add_client(
            f"site-{theme}", "--redirect-uri", f"{host_site.url}/auth/callback",
            "--origin", host_site.url, "--theme", theme)
    registered = Sites(provider, host_site, secrets)
    for theme in THEMES:
        registered.configure(theme, SETTINGS, tmp)
    return registered




# ---- the browser sweep's table ------------------------------------------------------------------
# tests/test_sweep_browser.py keeps its figures in its reports; here (in the controller when
# pytest-xdist runs the suite) they are gathered and printed after the run.

_SWEEP_ROWS: list[dict[str, Any]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        _SWEEP_ROWS.extend(sweep.rows_of(report))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _SWEEP_ROWS:
        return
    terminalreporter.section("browser sweep: axe violations, sideways overflow, layout shift")
    for line in sweep.table(_SWEEP_ROWS):
        terminalreporter.write_line(line)
