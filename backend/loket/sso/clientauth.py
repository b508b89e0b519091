"""Client authentication at the machine endpoints: HTTP Basic (``client_secret_basic``),
``client_secret_post``, ``private_key_jwt`` (RFC 7523, OpenID Connect Core 9) and public
clients with no secret where an endpoint allows them.

``client_secret_jwt`` cannot be offered: it needs the secret itself to check an HMAC, and
Loket keeps only a hash of each secret.

No Flask here: the caller passes the ``Authorization`` header and the form parameters.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from sqlalchemy import delete, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from loket import client_keys, clients
from loket.models import Client, ClientAssertionJti
from loket.models.base import table_of
from loket.sso import jose
from loket.sso.protocol import InvalidClient, OAuthError

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# The algorithms of client assertions: those of loket.sso.jose that a client key can have.
# What a site may sign its assertions with (loket.sso.jose verifies PS* with cryptography).
ASSERTION_ALGORITHMS = tuple(alg for alg in ("RS256", "PS256", "ES256")
                             if alg in jose.VERIFY_ALGORITHMS)
_KEY_TYPES = {"RS256": "RSA", "PS256": "RSA", "ES256": "EC"}
MAX_ASSERTION_SECONDS = 300  # an assertion lives at most this long (exp - iat, exp - now)
LEEWAY_SECONDS = 30          # for clocks that differ a little
MAX_JTI_CHARS = 255


@dataclass(frozen=True)
class AssertionCheck:
    """What an endpoint that accepts client assertions gives :func:`authenticate_client`.

    ``issuer``: Loket's issuer; an assertion's ``aud`` must contain the token endpoint
    (``{issuer}/oidc/token``) or the issuer itself. ``jtis``: a session that may write, where
    the ``jti`` of an accepted assertion is recorded and committed at once (so a request that
    fails later has still used its assertion up).
    """

    issuer: str
    jtis: Session

    @property
    def audiences(self) -> tuple[str, str]:
        return (f"{self.issuer}/oidc/token", self.issuer)


def authenticate_client(session: Session, authorization: str, form: Mapping[str, str], *,
                        public_ok: bool = True, assertions: AssertionCheck | None = None) -> Client:
    """The client the request's credentials prove, or :class:`InvalidClient` (``basic`` set
    when Basic was tried) or ``invalid_request`` for credentials that contradict each other.

    ``public_ok``: a public client may name itself by ``client_id`` alone. ``assertions``: the
    endpoint accepts ``private_key_jwt`` (refused without it).
    """
    if "client_assertion" in form or "client_assertion_type" in form:
        if authorization or "client_secret" in form:
            raise OAuthError("invalid_request", "Use one client authentication method.")
        return _by_assertion(session, form, assertions)
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "basic":
            raise InvalidClient("Use HTTP Basic or client_secret_post.", basic=True)
        if "client_secret" in form:
            raise OAuthError("invalid_request", "Use one client authentication method.")
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise InvalidClient("The Basic credentials cannot be read.", basic=True) from exc
        raw_id, sep, raw_secret = decoded.partition(":")
        # RFC 6749 2.3.1: id and secret are form-encoded before they are joined.
        client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        if not sep:
            raise InvalidClient("The Basic credentials cannot be read.", basic=True)
        if form.get("client_id") not in (None, client_id):
            raise OAuthError("invalid_request", "client_id differs from the authenticated client.")
        client = clients.get(session, client_id)
        if client is not None and client.auth_method == "private_key_jwt":
            raise InvalidClient(_KEYS_ONLY, basic=True)
        if client is None or client.public or not clients.secret_matches(client, secret):
            raise InvalidClient("Client authentication failed.", basic=True)
        return client
    client = clients.get(session, form.get("client_id"))
    if client is None:
        raise InvalidClient("Client authentication failed.")
    if client.public:
        if "client_secret" in form:
            raise InvalidClient("A public client has no secret.")
        if not public_ok:
            raise InvalidClient("Only a confidential client may call this endpoint.")
        return client
    if client.auth_method == "private_key_jwt":
        raise InvalidClient(_KEYS_ONLY)
    if not clients.secret_matches(client, form.get("client_secret", "")):
        raise InvalidClient("Client authentication failed.")
    return client


_KEYS_ONLY = ("This client authenticates with private_key_jwt only: send client_assertion_type "
              "and a client_assertion signed with one of its registered keys.")


def _by_assertion(session: Session, form: Mapping[str, str],
                  check: AssertionCheck | None) -> Client:
    """``private_key_jwt``: the client whose registered key signed ``client_assertion``."""
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise InvalidClient(f"client_assertion_type must be {ASSERTION_TYPE}.")
    assertion = form.get("client_assertion") or ""
    if not assertion:
        raise InvalidClient("client_assertion is missing.")
    if check is None:
        raise InvalidClient("This endpoint does not accept client assertions.")
    try:
        header = jose.unverified_header(assertion)
        claims = jose.unverified_claims(assertion)
    except jose.TokenError as exc:
        raise InvalidClient(f"client_assertion: {exc.detail}") from exc
    alg = header.get("alg")
    if isinstance(alg, str) and alg.upper().startswith("HS"):
        raise InvalidClient("client_assertion: client_secret_jwt (HMAC) is not supported, as "
                            "Loket keeps only a hash of client secrets; use private_key_jwt.")
    if alg not in ASSERTION_ALGORITHMS:
        raise InvalidClient(f"client_assertion: alg must be one of "
                            f"{', '.join(ASSERTION_ALGORITHMS)}.")
    # Which client: the form's client_id or else the (not yet verified) iss; the signature
    # check below is made with that client's keys and pins iss to it.
    client_id = form.get("client_id", claims.get("iss"))
    client = clients.get(session, client_id)
    if client is None:
        raise InvalidClient("Client authentication failed.")
    if claims.get("iss") != client.id:
        raise InvalidClient("client_assertion: iss must be the client id.")
    if claims.get("sub") != client.id:
        raise InvalidClient("client_assertion: sub must be the client id.")
    if client.public:
        raise InvalidClient("A public client has no keys; it cannot send a client_assertion.")
    keys = client_keys.keys_of(client)
    if not keys:
        raise InvalidClient("This client has registered no public keys for private_key_jwt.")
    for claim in ("exp", "iat", "jti"):
        if claim not in claims:
            raise InvalidClient(f"client_assertion: the {claim} claim is missing.")
    jti = claims["jti"]
    if not isinstance(jti, str) or not 0 < len(jti) <= MAX_JTI_CHARS:
        raise InvalidClient(f"client_assertion: jti must be a string of 1 to {MAX_JTI_CHARS} "
                            "characters.")
    aud = claims.get("aud")
    auds = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    audience = next((a for a in check.audiences if a in auds), None)
    if audience is None:
        raise InvalidClient(f"client_assertion: aud must contain the token endpoint "
                            f"{check.audiences[0]} or the issuer {check.issuer}.")
    verified = _verify(assertion, header, keys, client.id, audience)
    now = int(time.time())
    expires, issued = verified["exp"], verified["iat"]
    if not isinstance(expires, int | float):
        raise InvalidClient("client_assertion: exp is not a number.")
    if issued > now + LEEWAY_SECONDS:
        raise InvalidClient("client_assertion: iat is in the future.")
    if expires - issued > MAX_ASSERTION_SECONDS + LEEWAY_SECONDS or \
            expires > now + MAX_ASSERTION_SECONDS + LEEWAY_SECONDS:
        raise InvalidClient(f"client_assertion: it must expire within {MAX_ASSERTION_SECONDS} "
                            "seconds of iat and of now.")
    if not _first_use(check.jtis, client.id, jti, int(expires) + LEEWAY_SECONDS, now):
        raise InvalidClient("client_assertion: its jti was used already (a replayed assertion "
                            "is refused; sign a new one for every request).")
    return client


def _verify(assertion: str, header: Mapping[str, Any], keys: list[dict[str, Any]],
            client_id: str, audience: str) -> dict[str, Any]:
    """The assertion's claims, verified with the key its ``kid`` names or, without a kid,
    with each registered key of the algorithm's type in turn."""
    alg = header["alg"]
    kid = header.get("kid")
    if kid is not None:
        candidates = [k for k in keys if k.get("kid") == kid]
        if not candidates:
            raise InvalidClient("client_assertion: its kid is not one of the client's "
                                "registered keys.")
    else:
        candidates = [k for k in keys
                      if k.get("kty") == _KEY_TYPES[alg] and k.get("alg", alg) == alg]
        if not candidates:
            raise InvalidClient(f"client_assertion: it names no kid and the client has no "
                                f"registered key for {alg}.")
    for key in candidates:
        try:
            return jose.verify(assertion, [key], issuer=client_id, audience=audience,
                               algorithms=ASSERTION_ALGORITHMS, require=("sub", "jti"),
                               leeway=LEEWAY_SECONDS)
        except jose.TokenError as exc:
            if exc.code == "bad_signature":
                continue
            if exc.code == "expired":
                raise InvalidClient("client_assertion: it has expired (exp is past).") from exc
            if exc.code == "bad_algorithm":
                raise InvalidClient("client_assertion: its alg does not fit the key its kid "
                                    "names.") from exc
            raise InvalidClient(f"client_assertion: {exc.detail}") from exc
    raise InvalidClient("client_assertion: the signature does not verify with the client's "
                        "registered keys.")


def _first_use(session: Session, client_id: str, jti: str, expires_at: int, now: int) -> bool:
    """Record ``jti`` as used; False when it was used already. The client's expired jtis are
    pruned first, so the table holds at most the assertions of the last few minutes. The
    primary key decides a race: of two requests with one assertion, one inserts."""
    table = table_of(ClientAssertionJti)
    session.execute(delete(table).where(table.c.client_id == client_id,
                                        table.c.expires_at < now))
    values = {"client_id": client_id, "jti": jti, "expires_at": expires_at}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(table).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(table).values(values).on_conflict_do_nothing()
    else:  # pragma: no cover - Loket runs on SQLite and PostgreSQL
        statement = insert(table).values(values)
    # RETURNING, not rowcount: on PostgreSQL (psycopg) the row count of this statement comes
    # back as -1
    inserted = session.execute(statement.returning(table.c.jti)).first() is not None
    session.commit()
    return inserted
