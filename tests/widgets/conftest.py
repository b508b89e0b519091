"""Widget browser tests: a provider on 127.0.0.1 and host pages served by a small server on
127.0.0.2 (another host, as a municipality's site is), with the headers each test sets."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from support.servers import Provider, free_port
from support.widgets import HOST_IP, SETTINGS, THEMES, HostSite, Sites


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


