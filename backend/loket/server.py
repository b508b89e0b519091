"""``loket serve``: the app on gunicorn, each worker building its own app from the factory."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class LoketServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from loket import create_app

        return create_app()


def run(host: str, port: int, workers: int, threads: int) -> None:
    LoketServer({
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 30,
        "graceful_timeout": 20,
        "keepalive": 5,
        # Long enough for an authorization request with a 1 KB unicode state, no longer.
        "limit_request_line": 8190,
        "limit_request_field_size": 8190,
        "limit_request_fields": 100,
        "proc_name": "loket",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
    }).run()
