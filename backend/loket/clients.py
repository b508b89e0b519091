"""Client registry: relying parties, embedding sites, back offices and government clients."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.identifiers import InvalidIdentifier
from loket.models import Client
from loket.scopes import ALL_SCOPES, DEFAULT_RP_SCOPES, SERVICE_SCOPES

GRANT_TYPES = ("authorization_code", "client_credentials", "refresh_token")
# client_secret: the secret (Basic or POST), or a private_key_jwt assertion once keys are
# registered; private_key_jwt: assertions only, the client has no secret
AUTH_METHODS = ("client_secret", "private_key_jwt")
_CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_THEME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class ClientError(ValueError):
    """A registration that cannot be accepted; the message says what to change."""


@dataclass
class Registration:
    id: str
    name: str
    redirect_uris: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    post_logout_uris: list[str] = field(default_factory=list)
    backchannel_logout_uri: str | None = None
    grant_types: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=list)
    public: bool = False
    theme: str = "base"
    pkce_required: bool = True
    # what a back office or publisher says on behalf of (loket.trust): the organisation's name
    # (default: ``name``) and code (OVO code, KBO number or a municipality's NIS code)
    organisation: str | None = None
    organisation_code: str | None = None
    auth_method: str = "client_secret"


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, what: str, *, allow_http_anywhere: bool) -> str:
    """An absolute http(s) URL without fragment or credentials; http only where allowed."""
    if not isinstance(url, str) or not url or len(url) > 2000:
        raise ClientError(f"{what}: give an absolute URL of at most 2000 characters.")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ClientError(f"{what} {url!r}: must be an absolute http(s) URL.")
    if parts.fragment or "#" in url:
        raise ClientError(f"{what} {url!r}: must not contain a fragment (#).")
    if parts.username or parts.password:
        raise ClientError(f"{what} {url!r}: must not contain credentials.")
    if parts.scheme == "http" and not (allow_http_anywhere or is_loopback(parts.hostname)):
        raise ClientError(f"{what} {url!r}: use https (http only for loopback addresses).")
    return url


def check_origin(origin: str, *, allow_http_anywhere: bool) -> str:
    check_url(origin, "origin", allow_http_anywhere=allow_http_anywhere)
    parts = urlsplit(origin)
    if parts.path not in ("", "/") or parts.query:
        raise ClientError(f"origin {origin!r}: only scheme, host and port (no path).")
    return f"{parts.scheme}://{parts.netloc}".lower()


# Ids the service uses itself: "loket" is the widget site of its own pages (loket.firstparty),
# "assets" would clash with /widgets/v1/assets/.
RESERVED_IDS = {"loket", "assets"}


def validate(reg: Registration, *, allow_http_anywhere: bool,
             reserved_ok: bool = False) -> Registration:
    if reg.id in RESERVED_IDS and not reserved_ok:
        raise ClientError(f"id {reg.id!r} is reserved by Loket itself; choose another id.")
    if not _CLIENT_ID.match(reg.id or ""):
        raise ClientError(
            "id: 2-63 characters, lower-case letters, digits and '-', starting with a letter "
            "or digit (it is also the widget id in URLs)."
        )
    name = (reg.name or "").strip()
    if not name or len(name) > 200:
        raise ClientError("name: give a name of 1 to 200 characters.")
    grants = list(dict.fromkeys(reg.grant_types or ["authorization_code"]))
    for grant in grants:
        if grant not in GRANT_TYPES:
            raise ClientError(f"grant type {grant!r}: choose from {', '.join(GRANT_TYPES)}.")
    if "refresh_token" in grants and "authorization_code" not in grants:
        raise ClientError("refresh_token needs --grant-type authorization_code as well "
                          "(refresh tokens come from a person's sign-in).")
    if reg.public and "client_credentials" in grants:
        raise ClientError("a public client cannot use client_credentials (it has no secret).")
    if reg.auth_method not in AUTH_METHODS:
        raise ClientError(f"auth method {reg.auth_method!r}: choose from {', '.join(AUTH_METHODS)}.")
    if reg.public and reg.auth_method != "client_secret":
        raise ClientError("a public client authenticates with nothing but its id: "
                          "--auth-method private_key_jwt needs a confidential client.")
    scopes = list(dict.fromkeys(reg.scopes or _default_scopes(grants)))
    for scope in scopes:
        if scope not in ALL_SCOPES:
            raise ClientError(f"scope {scope!r} is unknown; known: {', '.join(sorted(ALL_SCOPES))}.")
        if scope in SERVICE_SCOPES and "client_credentials" not in grants:
            raise ClientError(f"scope {scope!r} needs --grant-type client_credentials.")
        if scope == "offline_access" and "refresh_token" not in grants:
            raise ClientError("scope 'offline_access' needs --grant-type refresh_token.")
    if "authorization_code" in grants:
        if not reg.redirect_uris:
            raise ClientError("a client that signs people in needs at least one --redirect-uri.")
        if "openid" not in scopes:
            scopes.insert(0, "openid")
    kw = {"allow_http_anywhere": allow_http_anywhere}
    if not _THEME.match(reg.theme or ""):
        raise ClientError("theme: a theme folder name (lower-case letters, digits, '-').")
    return Registration(
        id=reg.id,
        name=name,
        redirect_uris=[check_url(u, "redirect URI", **kw) for u in dict.fromkeys(reg.redirect_uris)],
        origins=[check_origin(o, **kw) for o in dict.fromkeys(reg.origins)],
        post_logout_uris=[
            check_url(u, "post-logout URI", **kw) for u in dict.fromkeys(reg.post_logout_uris)
        ],
        backchannel_logout_uri=(
            check_url(reg.backchannel_logout_uri, "back-channel logout URI", **kw)
            if reg.backchannel_logout_uri else None
        ),
        grant_types=grants,
        scopes=scopes,
        public=reg.public,
        theme=reg.theme,
        pkce_required=reg.pkce_required or reg.public,
        organisation=_organisation(reg.organisation),
        organisation_code=_organisation_code(reg.organisation_code),
        auth_method=reg.auth_method,
    )


_OVO = re.compile(r"^OVO\d{6}$")
_NIS = re.compile(r"^\d{5}$")


def _organisation(value: str | None) -> str | None:
    name = " ".join((value or "").split())
    if value is not None and not 1 <= len(name) <= 200:
        raise ClientError("organisation: give the name of 1 to 200 characters of the "
                          "organisation this client speaks for.")
    return name or None


def _organisation_code(value: str | None) -> str | None:
    """An OVO code (``OVO002949``), a KBO number or a municipality's NIS code (``44021``)."""
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if _OVO.match(code) or _NIS.match(code):
        return code
    try:
        from loket.identifiers import parse_kbo

        return parse_kbo(code)
    except InvalidIdentifier as exc:
        raise ClientError("organisation code: an OVO code (OVO + 6 digits), a KBO number or "
                          f"a municipality's NIS code (5 digits), not {value[:40]!r}.") from exc


def _default_scopes(grants: list[str]) -> list[str]:
    return list(DEFAULT_RP_SCOPES) if "authorization_code" in grants else []


def hash_secret(secret: str) -> str:
    # Secrets are 256-bit random values, so a fast hash is as strong as a slow one here.
    return "sha256$" + hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(client: Client, secret: str) -> bool:
    if not client.secret_hash or not isinstance(secret, str) or len(secret) > 512:
        return False
    return hmac.compare_digest(client.secret_hash, hash_secret(secret))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def add(session: Session, reg: Registration, *, allow_http_anywhere: bool,
        secret: str | None = None, replace: bool = False,
        reserved_ok: bool = False) -> tuple[Client, str | None]:
    """Register a client; returns it and its secret (None for public clients)."""
    clean = validate(reg, allow_http_anywhere=allow_http_anywhere, reserved_ok=reserved_ok)
    existing = session.get(Client, clean.id)
    if existing is not None and not replace:
        raise ClientError(f"a client with id {clean.id!r} exists already; remove it first "
                          f"(`loket client remove {clean.id}`) or choose another id.")
    now = int(time.time())
    client = existing or Client(id=clean.id, created_at=now)
    client.name = clean.name
    client.redirect_uris = clean.redirect_uris
    client.origins = clean.origins
    client.post_logout_uris = clean.post_logout_uris
    client.backchannel_logout_uri = clean.backchannel_logout_uri
    client.grant_types = clean.grant_types
    client.scopes = clean.scopes
    client.public = clean.public
    client.pkce_required = clean.pkce_required
    client.theme = clean.theme
    settings = {k: v for k, v in (client.settings or {}).items()
                if k not in ("organisation", "organisation_code")}
    if clean.organisation:
        settings["organisation"] = clean.organisation
    if clean.organisation_code:
        settings["organisation_code"] = clean.organisation_code
    client.settings = settings
    client.auth_method = clean.auth_method
    client.updated_at = now
    if clean.public or clean.auth_method == "private_key_jwt":
        client.secret_hash = None
        secret = None
    elif secret is None and existing is not None and existing.secret_hash:
        pass  # keep the secret the client already has
    else:
        secret = secret or new_secret()
        client.secret_hash = hash_secret(secret)
    if existing is None:
        session.add(client)
    session.flush()
    return client, secret


def get(session: Session, client_id: object) -> Client | None:
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        return None
    return session.get(Client, client_id)


def public_origins(session: Session) -> set[str]:
    """The origins registered for public clients (a browser app calling token and userinfo
    itself): the only origins those endpoints answer cross-origin."""
    found: set[str] = set()
    for origins in session.scalars(select(Client.origins).where(Client.public.is_(True))):
        found.update(origins or [])
    return found


def all_clients(session: Session) -> list[Client]:
    return list(session.scalars(select(Client).order_by(Client.id)))
