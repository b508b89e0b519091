"""Widget browser tests: a provider on 127.0.0.1 and host pages served by a small server on
127.0.0.2 (another host, as a municipality's site is), with the headers each test sets."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from support.servers import Provider, free_port

HOST_IP = "127.0.0.2"
THEMES = ("base", "groenbeek", "rivierstede")
STRICT_CSP = ("default-src 'self'; script-src {p}; style-src {p}; connect-src {p}")


@dataclass
class HostSite:
    """Pages of a fictional municipal site: ``put(path, body, headers)`` then open ``url + path``."""

    url: str
    pages: dict[str, tuple[bytes, str, dict[str, str]]] = field(default_factory=dict)

    def put(self, path: str, body: str, content_type: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None) -> str:
        self.pages[path] = (body.encode(), content_type, headers or {})
        return self.url + path


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


SETTINGS: dict[str, Any] = {
    "profile": {"loginUrl": "/auth/login", "logoutUrl": "/auth/logout",
                "switchCapacityUrl": "/auth/switch"},
    "mainLinks": [{"label": "Verenigingen", "href": "/verenigingen"},
                  {"label": {"nl": "Dossiers", "fr": "Dossiers", "de": "Akten", "en": "Cases"},
                   "href": "/dossiers"}],
    "contact": {"servicePoints": [
        {"label": "Onthaal", "description": "Ma–vr 9–12 u.", "phone": "+32 9 999 00 00",
         "email": "onthaal@example.org"},
        {"label": "Alle contactgegevens", "href": "/contact"}]},
}


@dataclass
class Sites:
    """One registered site per theme (widget id ``site-<theme>``) plus the provider."""

    provider: Provider
    host: HostSite
    secrets: dict[str, str]

    def script(self, theme: str = "groenbeek", kind: str = "embed") -> str:
        return f"{self.provider.url}/widgets/v1/site-{theme}/{kind}.js"

    def configure(self, theme: str, settings: dict[str, Any], tmp: Path) -> None:
        path = tmp / f"settings-{theme}.json"
        path.write_text(json.dumps(settings))
        self.provider.cli("client", "configure", f"site-{theme}", "--settings", str(path))


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


def page_html(body: str, *, head: str = "", lang: str = "nl", title: str = "Gemeente") -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title>{head}</head><body>{body}</body></html>")


def strict_csp(provider: Provider) -> dict[str, str]:
    return {"Content-Security-Policy": STRICT_CSP.format(p=provider.url)}
