"""The `loket` command: configuration refusals, client registration, idempotent seeding."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from loket.config import ConfigError, load, production_problems
from support.servers import LOKET, make_provider


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LOKET, *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory):
    """One migrated, seeded provider (not started) for the tests that only add to it."""
    return make_provider(tmp_path_factory.mktemp("cli"), start=False)


@pytest.fixture
def fresh_cli(tmp_path: Path):
    """A provider of its own, for a test that counts everything in it."""
    return make_provider(tmp_path, start=False)


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOKET_")}
    env.update({"LOKET_INSTANCE_PATH": str(tmp_path / "inst"), **extra})
    return env


def test_production_refuses_the_test_login_and_weak_settings(tmp_path: Path) -> None:
    result = run(base_env(tmp_path, LOKET_ENV="production", LOKET_TEST_LOGIN="1"),
                 "serve", "--port", "1")
    assert result.returncode != 0
    assert "LOKET_ENV=production refuses to start" in result.stderr
    assert "test login" in result.stderr
    assert "LOKET_SECRET_KEY" in result.stderr
    assert "https" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_with_safe_settings_has_only_the_sign_in_problem() -> None:
    values = load({"LOKET_ENV": "production", "LOKET_ISSUER": "https://loket.example",
                   "LOKET_SECRET_KEY": "s" * 40, "LOKET_TEST_LOGIN": "0"})
    problems = production_problems(values)
    assert len(problems) == 1 and "LOKET_UPSTREAM_ISSUER" in problems[0]


@pytest.mark.parametrize("env, message", [
    ({"LOKET_ENV": "staging"}, "LOKET_ENV"),
    ({"LOKET_ISSUER": "ftp://x"}, "LOKET_ISSUER"),
    ({"LOKET_SESSION_MAX_MINUTES": "600"}, "at most 120"),
    ({"LOKET_SESSION_IDLE_MINUTES": "abc"}, "whole number"),
])
def test_bad_settings_say_what_to_fix(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load(env)
    assert message in str(exc.value)


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    from loket.config import secret_key

    first = secret_key({"SECRET_KEY": ""}, tmp_path)
    assert secret_key({"SECRET_KEY": ""}, tmp_path) == first and len(first) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("args, message", [
    (["--id", "Bad Id", "--name", "x", "--redirect-uri", "https://a.example/cb"], "id:"),
    (["--id", "site", "--name", "x"], "--redirect-uri"),
    (["--id", "site", "--name", "x", "--redirect-uri", "javascript:alert(1)"], "http(s)"),
    (["--id", "site", "--name", "x", "--redirect-uri", "https://a.example/cb#x"], "fragment"),
    (["--id", "site", "--name", "x", "--redirect-uri", "https://a.example/cb",
      "--origin", "https://a.example/path"], "no path"),
    (["--id", "site", "--name", "x", "--redirect-uri", "https://a.example/cb",
      "--scope", "telepathy"], "unknown"),
    (["--id", "bo", "--name", "x", "--grant-type", "client_credentials", "--public"],
     "public client"),
    (["--id", "site", "--name", "x", "--redirect-uri", "https://a.example/cb",
      "--scope", "dossiers:write"], "client_credentials"),
    (["--id", "bo", "--name", "x", "--grant-type", "client_credentials", "--scope",
      "dossiers:write", "--organisation-code", "OVO12"], "organisation code"),
    (["--id", "bo", "--name", "x", "--grant-type", "client_credentials", "--scope",
      "dossiers:write", "--organisation-code", "0412345615"], "organisation code"),
    (["--id", "site", "--name", "x", "--redirect-uri", "https://a.example/cb",
      "--grant-type", "refresh_token"], "authorization_code"),
    (["--id", "site", "--name", "x", "--redirect-uri", "https://a.example/cb",
      "--scope", "offline_access"], "refresh_token"),
])
def test_client_add_rejects_bad_registrations(cli, args: list[str], message: str) -> None:
    result = cli.cli("client", "add", *args, check=False)
    assert result.returncode == 1
    assert message in result.stderr
    assert "site" not in cli.cli("client", "list").stdout.split()


def test_client_add_prints_the_secret_once(cli) -> None:
    result = cli.cli("client", "add", "--id", "backoffice", "--name", "Back office",
                     "--grant-type", "client_credentials", "--scope", "dossiers:write", "--json")
    creds = json.loads(result.stdout)
    assert creds["client_id"] == "backoffice" and len(creds["client_secret"]) >= 40
    again = cli.cli("client", "add", "--id", "backoffice", "--name", "Again",
                    "--grant-type", "client_credentials", check=False)
    assert again.returncode == 1 and "exists already" in again.stderr
    assert creds["client_secret"] not in cli.cli("client", "list").stdout
    stored = cli.sql("SELECT secret_hash FROM clients WHERE id = 'backoffice'")[0][0]
    assert creds["client_secret"] not in stored


def test_a_back_office_is_registered_for_its_organisation(cli) -> None:
    added = cli.cli("client", "add", "--id", "bo-gb", "--name", "Back office GB",
                    "--organisation", "Gemeente  Groenbeek", "--organisation-code", "44021",
                    "--origin", "https://loket.groenbeek.be", "--grant-type",
                    "client_credentials", "--scope", "dossiers:write")
    assert "speaks for:  Gemeente Groenbeek (44021); links on https://loket.groenbeek.be" \
        in added.stdout


def test_client_remove(cli) -> None:
    cli.cli("client", "add", "--id", "gone", "--name", "Gone", "--redirect-uri",
            "https://gone.example/cb")
    assert "Removed" in cli.cli("client", "remove", "gone").stdout
    missing = cli.cli("client", "remove", "gone", check=False)
    assert missing.returncode == 1 and "no client" in missing.stderr


def test_seed_demo_is_idempotent(cli) -> None:
    counts = "SELECT (SELECT COUNT(*) FROM persons), (SELECT COUNT(*) FROM associations), " \
             "(SELECT COUNT(*) FROM representatives), (SELECT COUNT(*) FROM companies), " \
             "(SELECT COUNT(*) FROM clients)"
    before = tuple(cli.sql(counts)[0])
    secrets = json.loads(cli.cli("seed-demo", "--json").stdout)
    after = tuple(cli.sql(counts)[0])
    assert after == before and after[:4] == (3, 3, 3, 1)
    assert secrets["groenbeek"]["client_secret"] == cli.demo_clients["groenbeek"]["client_secret"]


def test_seed_demo_bulk_associations_shows_progress(fresh_cli) -> None:
    cli = fresh_cli
    result = cli.cli("seed-demo", "--associations", "300")
    assert "associations" in result.stderr
    assert cli.sql("SELECT COUNT(*) FROM associations")[0][0] == 303
    assert cli.sql("SELECT COUNT(DISTINCT vcode) FROM associations")[0][0] == 303
    from loket.identifiers import parse_kbo

    for (kbo,) in cli.sql("SELECT kbo FROM associations WHERE kbo IS NOT NULL"):
        assert parse_kbo(kbo) == kbo


def test_db_current_reports_the_schema(cli) -> None:
    result = cli.cli("db", "current")
    have, newest = (line.split(":", 1)[1].strip() for line in result.stdout.splitlines()[:2])
    assert have and have == newest


def test_keys_rotate_keeps_the_old_key_published(cli) -> None:
    cli.cli("keys", "rotate")
    listing = cli.cli("keys", "list").stdout
    assert listing.count("active") == 1 and "retired, published" in listing


def test_a_command_on_an_unprepared_database_says_what_to_run(tmp_path: Path) -> None:
    for args in (("audit", "verify"), ("officer", "list"), ("client", "list")):
        result = run(base_env(tmp_path), *args)
        assert result.returncode == 1, args
        assert "loket db upgrade" in result.stderr and "Traceback" not in result.stderr, args
    unreachable = run(base_env(tmp_path, LOKET_DATABASE_URL="postgresql://x@127.0.0.1:1/x"),
                      "audit", "verify")
    assert unreachable.returncode == 1 and "LOKET_DATABASE_URL" in unreachable.stderr
