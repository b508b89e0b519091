"""Start real server processes for tests: ``loket serve`` (gunicorn) on a free port."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
LOKET = str(Path(sys.executable).with_name("loket"))
PG_ADMIN_URL = os.environ.get("LOKET_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``loket ARGS`` in this process with exactly ``env``'s ``LOKET_*`` settings.

    The same command line as the console script, without starting Python and importing the
    service anew each time (most of a short command's cost); what it prints, its exit code and
    an unexpected traceback come back as from a subprocess. The console script itself is tested
    by the tests that start ``loket serve`` and in tests/test_cli.py.
    """
    import logging
    import traceback

    from click.testing import CliRunner

    from loket.cli import main

    settings: dict[str, str | None] = {k: None for k in os.environ if k.startswith("LOKET_")}
    settings.update({k: v for k, v in env.items() if k.startswith("LOKET_")})
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        outcome = CliRunner(env=settings).invoke(main, list(args), prog_name="loket")
    finally:  # the command points logging at its captured stderr; give the tests theirs back
        root.handlers[:] = handlers
        root.setLevel(level)
    stderr = outcome.stderr
    if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
        stderr += "".join(traceback.format_exception(outcome.exception))
    return subprocess.CompletedProcess(["loket", *args], outcome.exit_code, outcome.stdout, stderr)


PORTS_PER_WORKER = 2000


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on. Each pytest-xdist worker takes its ports from a range of its
    own (below the kernel's ephemeral ports), so two workers never start servers on one port
    and mistake each other's provider for their own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        with socket.socket() as sock:
            sock.bind((host, 0))
            return int(sock.getsockname()[1])
    first = 20000 + int(worker[2:]) * PORTS_PER_WORKER
    for port in random.sample(range(first, first + PORTS_PER_WORKER), PORTS_PER_WORKER):
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port for {worker} from {first} on {host}")


def wait_for(url: str, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException as exc:
            last = exc
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s: {last}")


# the databases every live-server test runs on
BACKENDS = ["sqlite", "postgresql"]

REDIS_URL = os.environ.get("LOKET_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


def redis_env() -> dict[str, str]:
    """Settings for a provider that shares its ephemeral state in Redis (own key prefix)."""
    return {"LOKET_REDIS_URL": REDIS_URL, "LOKET_REDIS_PREFIX": f"loket-test-{uuid.uuid4().hex[:8]}:"}


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


@contextmanager
def postgres_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (empty, or a copy of ``template``'s URL); dropped afterwards."""
    import psycopg
    from psycopg import sql

    name = f"loket_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        if template:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template.rsplit("/", 1)[1])))
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


@dataclass
class Provider:
    """A running ``loket serve`` with its own instance folder and database."""

    url: str
    env: dict[str, str]
    instance: Path
    database_url: str
    proc: subprocess.Popen | None = None
    demo_clients: dict[str, Any] = field(default_factory=dict)
    log_path: Path | None = None
    serve_args: tuple[str, ...] = ()  # e.g. ("--certfile", c, "--keyfile", k) for HTTPS

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``loket ARGS`` with this provider's settings, run in this process (see :func:`run_cli`)."""
        result = run_cli(self.env, *args)
        if check and result.returncode != 0:
            raise AssertionError(f"loket {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def add_client(self, client_id: str, *args: str) -> str:
        out = self.cli("client", "add", "--id", client_id, "--name", f"Test {client_id}",
                       *args, "--json")
        return str(json.loads(out.stdout)["client_secret"])

    def sql(self, statement: str, params: dict[str, Any] | None = None) -> list[Any]:
        """Run SQL directly against the provider's database (to simulate time passing etc.)."""
        from sqlalchemy import create_engine, text

        url = self.database_url
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params or {})
                return list(result) if result.returns_rows else []
        finally:
            engine.dispose()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def start(self, extra_env: dict[str, str] | None = None) -> None:
        env = {**self.env, **(extra_env or {})}
        port = self.url.rsplit(":", 1)[1]
        host = self.url.split("//", 1)[1].rsplit(":", 1)[0]
        self.log_path = self.instance / "serve.log"
        with open(self.log_path, "ab") as log:  # the child keeps its own copy
            self.proc = subprocess.Popen(
                [LOKET, "serve", "--host", host, "--port", port, "--workers", "2",
                 *self.serve_args],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        wait_for(f"{self.url}/healthz", proc=self.proc)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""


def make_provider(tmp: Path, database_url: str | None = None, host: str = "127.0.0.1",
                  extra_env: dict[str, str] | None = None, seed: bool = True,
                  start: bool = True, port: int | None = None,
                  tls: tuple[str, str] | None = None) -> Provider:
    """Migrate, seed and (unless ``start=False``) start a provider; the caller stops it.
    ``tls`` (certificate, key): served over HTTPS, the issuer an https URL."""
    port = port or free_port(host)
    url = f"{'https' if tls else 'http'}://{host}:{port}"
    instance = tmp / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    db_url = database_url or f"sqlite:///{instance / 'loket.sqlite'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LOKET_")},
        "LOKET_ENV": "development",
        "LOKET_ISSUER": url,
        "LOKET_INSTANCE_PATH": str(instance),
        "LOKET_DATABASE_URL": db_url,
        "LOKET_SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        # one test IP signs in hundreds of times a minute; rate-limit tests set their own
        "LOKET_RATE_LIMITS": ("signin=100000/60,token_ip=1000000/60,search=1000000/60,"
                              "authorize=1000000/60,token_client=1000000/60"),
        **(extra_env or {}),
    }
    provider = Provider(url=url, env=env, instance=instance, database_url=db_url,
                        serve_args=("--certfile", tls[0], "--keyfile", tls[1]) if tls else ())
    provider.cli("db", "upgrade")
    if seed:
        provider.demo_clients = json.loads(provider.cli("seed-demo", "--json").stdout)
    if start:
        provider.start()
    return provider


def copytree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, dirs_exist_ok=True)


@contextmanager
def database_for(backend: str) -> Iterator[str | None]:
    """The database URL for a test parametrised by backend: None for SQLite (the provider's
    own file), a fresh PostgreSQL database otherwise (the test is skipped when none answers)."""
    skip_without_postgres(backend)
    if backend == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        yield None


def skip_without_postgres(backend: str) -> None:
    if backend == "postgresql" and not postgres_available():
        import pytest

        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432 (set LOKET_TEST_POSTGRES_URL); "
                    "these tests ran against SQLite only")
