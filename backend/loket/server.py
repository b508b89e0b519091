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


def _logconfig(fmt: str, level: str) -> dict[str, Any]:
    formatter = {"()": "loket.logs.JsonFormatter"} if fmt == "json" else {
        "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "main",
                                "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": level,
                                       "propagate": False},
                    "gunicorn.access": {"handlers": [], "level": "CRITICAL",
                                        "propagate": False}},
    }


def run(host: str, port: int, workers: int, threads: int, log_format: str = "json",
        log_level: str = "INFO", tls: tuple[str, str] | None = None) -> None:
    options: dict[str, Any] = {"certfile": tls[0], "keyfile": tls[1]} if tls else {}
    LoketServer({
        **options,
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
        "loglevel": log_level.lower(),
        "logconfig_dict": _logconfig(log_format, log_level),
        # In-flight requests finish on SIGTERM (graceful_timeout above) before a worker exits.
    }).run()
