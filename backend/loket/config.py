"""Configuration: safe defaults, ``LOKET_*`` environment, and production checks."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from loket import inputs


class ConfigError(RuntimeError):
    """A setting that makes it unsafe or impossible to start; the message says what to fix."""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    kind: type = str
    help: str = ""


# Every setting the service reads, with its default; docs/operations.md lists the same.
SETTINGS: tuple[Setting, ...] = (
    Setting("ENV", "development", str, "development | production"),
    Setting("ISSUER", "http://127.0.0.1:8000", str, "public base URL of the provider"),
    Setting("DATABASE_URL", "", str, "SQLAlchemy URL; default SQLite under the instance folder"),
    Setting("SECRET_KEY", "", str, "signs cookies, encrypts signing keys; generated when unset"),
    Setting("REDIS_URL", "", str, "optional shared state for several instances"),
    Setting("INSTANCE_PATH", "", str, "folder for the SQLite database and generated secret"),
    Setting("TEST_LOGIN", "", str, "enable the built-in test login (default: on in development)"),
    Setting("SESSION_IDLE_MINUTES", 30, int, "SSO session ends after this much inactivity"),
    Setting("SESSION_MAX_MINUTES", 120, int, "SSO session ends this long after sign-in"),
    Setting("CODE_SECONDS", 60, int, "authorization code lifetime"),
    Setting("ACCESS_TOKEN_SECONDS", 600, int, "access token lifetime"),
    Setting("ID_TOKEN_SECONDS", 600, int, "ID token lifetime"),
    Setting("INVITATION_DAYS", 14, int, "how long an invitation to represent an association waits"),
    Setting("RETENTION_DAYS", 365, int,
            "personal data of a removed representative or a closed invitation is kept this long"),
    Setting("AUDIT_CHECKPOINT_KEY", "", str,
            "signs audit checkpoints; keep it outside the database (none: no checkpoints)"),
    Setting("AUDIT_CHECKPOINT_OLD_KEYS", "", str, "earlier checkpoint keys, comma-separated"),
    Setting("AUDIT_CHECKPOINT_FILE", "", str, "file the checkpoints are appended to"),
    Setting("AUDIT_CHECKPOINT_EVERY", 1000, int, "a checkpoint after this many entries"),
    Setting("AUDIT_CHECKPOINT_MINUTES", 10, int, "and at least this often while entries come"),
    Setting("AUDIT_RETENTION", "", str,
            "days each operation's audit entries are kept: sign-in=400,…,*=1830 (see docs)"),
    Setting("LOG_LEVEL", "INFO", str, "logging level"),
    Setting("LOG_FORMAT", "json", str, "json (one object per line) or text"),
    Setting("REDIS_PREFIX", "loket:", str, "prefix of every Redis key (several Lokets, one Redis)"),
    Setting("RATE_LIMITS", "", str, "overrides, e.g. signin=20/60,token_ip=3000/60,search=600/60"),
    Setting("PROXY_COUNT", 0, int, "reverse proxies in front whose X-Forwarded-* headers to trust"),
    Setting("THEMES_PATH", "", str, "extra theme folders (colon-separated), searched first"),
    Setting("UPSTREAM_ISSUER", "", str, "upstream OpenID provider (ACM, Keycloak) people sign in at"),
    Setting("UPSTREAM_CLIENT_ID", "", str, "Loket's client id at the upstream provider"),
    Setting("UPSTREAM_CLIENT_SECRET", "", str, "Loket's client secret at the upstream provider"),
    Setting("UPSTREAM_INSZ_CLAIM", "rrn", str, "the upstream claim carrying the rijksregisternummer"),
    Setting("UPSTREAM_SCOPE", "openid profile rrn", str, "scopes asked of the upstream provider"),
    Setting("UPSTREAM_KIND", "standard", str,
            "acm (hand the upstream ACM's citizen login_hint) or standard (any other provider)"),
    Setting("SMTP_URL", "", str,
            "mail server: smtp://[user:password@]host:port[?starttls=true], smtps://…; "
            "none: mail stays queued, unsent"),
    Setting("MAIL_FROM", "", str,
            "From of every mail, e.g. 'Loket <no-reply@loket.example.be>' "
            "(default: no-reply at the issuer's host)"),
    Setting("MAIL_KEEP_DAYS", 30, int,
            "a sent or given-up mail's recipient and text are emptied after this many days"),
    Setting("VR_API_KEYS", "", str,
            "keys (comma-separated) the register's compatible API (/v1/verenigingen) asks in "
            "vr-api-key; empty: no key asked"),
    Setting("UPSTREAM_AUTH_METHOD", "auto", str,
            "auto (from the upstream's discovery), client_secret_basic, client_secret_post, "
            "client_secret_jwt or private_key_jwt (with Loket's own keys, its jwks_uri)"),
)

UPSTREAM_KINDS = ("standard", "acm")
UPSTREAM_AUTH_METHODS = ("auto", "client_secret_basic", "client_secret_post",
                         "client_secret_jwt", "private_key_jwt")


def _parse(setting: Setting, raw: str) -> Any:
    if setting.kind is int:
        try:
            value = inputs.whole_number(raw.strip())
        except inputs.NotAWholeNumber as exc:
            raise ConfigError(f"LOKET_{setting.name} must be a whole number, got {raw!r}.") from exc
        if value == 0 and setting.default != 0:
            raise ConfigError(f"LOKET_{setting.name} must be positive, got {value}.")
        return value
    return raw.strip()


def load(environ: dict[str, str] | None = None, overrides: dict[str, Any] | None = None) -> dict:
    """Read every ``LOKET_*`` setting; ``overrides`` (tests) win over the environment."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(f"LOKET_{setting.name}")
        values[setting.name] = setting.default if not raw else _parse(setting, raw)
    for key, value in (overrides or {}).items():
        values[key.removeprefix("LOKET_")] = value
    values["ISSUER"] = str(values["ISSUER"]).rstrip("/")
    if values["ENV"] not in {"development", "production"}:
        raise ConfigError(f"LOKET_ENV must be 'development' or 'production', got {values['ENV']!r}.")
    if values["SESSION_IDLE_MINUTES"] > values["SESSION_MAX_MINUTES"]:
        raise ConfigError("LOKET_SESSION_IDLE_MINUTES cannot exceed LOKET_SESSION_MAX_MINUTES.")
    if values["SESSION_MAX_MINUTES"] > 120:
        raise ConfigError("LOKET_SESSION_MAX_MINUTES is at most 120 (two hours, as ACM).")
    if values["TEST_LOGIN"] in ("", None):
        values["TEST_LOGIN"] = values["ENV"] == "development"
    elif isinstance(values["TEST_LOGIN"], str):
        values["TEST_LOGIN"] = _bool(values["TEST_LOGIN"])
    _check_issuer(values["ISSUER"])
    _check_upstream(values)
    if values["LOG_FORMAT"] not in {"json", "text"}:
        raise ConfigError(f"LOKET_LOG_FORMAT must be 'json' or 'text', got {values['LOG_FORMAT']!r}.")
    if values["REDIS_URL"] and urlsplit(values["REDIS_URL"]).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError("LOKET_REDIS_URL must be a redis://, rediss:// or unix:// URL.")
    _check_mail(values)
    from loket.ratelimit import parse_limits

    try:
        values["LIMITS"] = parse_limits(str(values["RATE_LIMITS"] or ""))
    except ValueError as exc:
        raise ConfigError(f"LOKET_RATE_LIMITS: {exc}.") from exc
    return values


def _check_mail(values: dict) -> None:
    from loket import smtp

    for name, parse in (("SMTP_URL", smtp.parse_url), ("MAIL_FROM", smtp.parse_sender)):
        if values[name]:
            try:
                parse(str(values[name]))
            except smtp.SmtpUrlProblem as exc:  # the message never repeats a password
                raise ConfigError(f"LOKET_{name}: {exc}.") from None


def _check_upstream(values: dict) -> None:
    if not values["UPSTREAM_ISSUER"]:
        return
    parts = urlsplit(values["UPSTREAM_ISSUER"])
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"LOKET_UPSTREAM_ISSUER must be an http(s) URL, "
                          f"got {values['UPSTREAM_ISSUER']!r}.")
    if values["UPSTREAM_KIND"] not in UPSTREAM_KINDS:
        raise ConfigError(f"LOKET_UPSTREAM_KIND: choose {' or '.join(UPSTREAM_KINDS)}, "
                          f"not {values['UPSTREAM_KIND']!r}.")
    if values["UPSTREAM_AUTH_METHOD"] not in UPSTREAM_AUTH_METHODS:
        raise ConfigError(f"LOKET_UPSTREAM_AUTH_METHOD: choose one of "
                          f"{', '.join(UPSTREAM_AUTH_METHODS)}, not "
                          f"{values['UPSTREAM_AUTH_METHOD']!r}.")
    needed = ("CLIENT_ID",) if values["UPSTREAM_AUTH_METHOD"] == "private_key_jwt" \
        else ("CLIENT_ID", "CLIENT_SECRET")
    missing = [f"LOKET_UPSTREAM_{name}" for name in needed if not values[f"UPSTREAM_{name}"]]
    if missing:
        raise ConfigError(f"LOKET_UPSTREAM_ISSUER is set, so set {' and '.join(missing)} too "
                          "(Loket's registration at the upstream provider).")
    if "openid" not in values["UPSTREAM_SCOPE"].split():
        raise ConfigError("LOKET_UPSTREAM_SCOPE must include openid.")


def _check_issuer(issuer: str) -> None:
    parts = urlsplit(issuer)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"LOKET_ISSUER must be an http(s) URL, got {issuer!r}.")
    if parts.query or parts.fragment:
        raise ConfigError("LOKET_ISSUER cannot have a query or fragment.")


def instance_path(values: dict) -> Path:
    configured = values.get("INSTANCE_PATH")
    return Path(configured).resolve() if configured else Path.cwd() / "instance"


def database_url(values: dict, instance: Path) -> str:
    return values["DATABASE_URL"] or f"sqlite:///{instance / 'loket.sqlite'}"


def secret_key(values: dict, instance: Path) -> str:
    """The configured secret, or one generated once and kept (mode 0600) under the instance folder."""
    if values["SECRET_KEY"]:
        return str(values["SECRET_KEY"])
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def production_problems(values: dict) -> list[str]:
    """Every reason the configuration is unsafe for production, as an instruction."""
    problems = []
    if values["TEST_LOGIN"]:
        problems.append("the built-in test login is on: unset LOKET_TEST_LOGIN")
    if not values["UPSTREAM_ISSUER"]:
        problems.append(
            "no way to sign in: set LOKET_UPSTREAM_ISSUER, LOKET_UPSTREAM_CLIENT_ID and "
            "LOKET_UPSTREAM_CLIENT_SECRET (see docs/operations.md, 'Sign-in at ACM or Keycloak')"
        )
    elif urlsplit(values["UPSTREAM_ISSUER"]).scheme != "https":
        problems.append("LOKET_UPSTREAM_ISSUER must use https")
    if not values["SECRET_KEY"] or len(str(values["SECRET_KEY"])) < 32:
        problems.append("set LOKET_SECRET_KEY to a random value of at least 32 characters")
    if urlsplit(values["ISSUER"]).scheme != "https":
        problems.append("LOKET_ISSUER must use https")
    if values.get("SMTP_URL"):
        from loket import smtp

        if smtp.parse_url(str(values["SMTP_URL"])).password_in_clear:
            problems.append("LOKET_SMTP_URL sends its password unencrypted: use smtps:// or "
                            "add ?starttls=true")
    return problems
