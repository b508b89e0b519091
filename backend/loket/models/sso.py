"""State of the OpenID provider: signing keys, SSO sessions, codes and tokens.

Secrets (session cookies, codes, tokens) are stored only as SHA-256 hashes.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from loket.models.base import Base


class SigningKey(Base):
    """A key pair; the private half is encrypted with a key derived from LOKET_SECRET_KEY."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    alg: Mapped[str] = mapped_column(String(10))
    private_key: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict] = mapped_column()
    created_at: Mapped[int] = mapped_column(BigInteger)
    retired_at: Mapped[int | None] = mapped_column(BigInteger)
    expires_at: Mapped[int | None] = mapped_column(BigInteger)


class SsoSession(Base):
    """One sign-in at the provider. ``id`` is the public ``sid`` in tokens; the browser holds a
    secret whose hash is ``cookie_hash`` (replaced at every re-authentication)."""

    __tablename__ = "sso_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    cookie_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    # how the person authenticated, as far as known: an upstream that does not say leaves
    # auth_time and acr empty (never invented), and a max_age then asks it anew
    auth_time: Mapped[int | None] = mapped_column(BigInteger)
    acr: Mapped[str | None] = mapped_column(String(100))
    amr: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[int] = mapped_column(BigInteger)
    last_seen_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)
    ended_at: Mapped[int | None] = mapped_column(BigInteger)
    upstream: Mapped[dict] = mapped_column(default=dict)
    # the upstream's session and subject, for its back-channel logout
    upstream_sid: Mapped[str | None] = mapped_column(String(255), index=True)
    upstream_sub: Mapped[str | None] = mapped_column(String(255), index=True)
    # {"code", "identifier"} of the capacity the session last signed in to a site with
    capacity: Mapped[dict | None] = mapped_column(nullable=True)


class SessionClient(Base):
    """A client the session signed in to, to be told by back-channel logout."""

    __tablename__ = "session_clients"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("sso_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    client_id: Mapped[str] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    first_at: Mapped[int] = mapped_column(BigInteger)
    # ACM's switch: the site signed out with ``switch``; its next sign-in shows the chooser
    switch_pending: Mapped[bool] = mapped_column(default=False, server_default=sa_false())


class AuthorizationRequest(Base):
    """A validated authorization request waiting for sign-in or a capacity choice."""

    __tablename__ = "authorization_requests"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    params: Mapped[dict] = mapped_column()
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)
    login_done_at: Mapped[int | None] = mapped_column(BigInteger)


class AuthorizationCode(Base):
    __tablename__ = "authorization_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(String(2000))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    nonce: Mapped[str | None] = mapped_column(String(512))
    scope: Mapped[str] = mapped_column(String(1000))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    capacity: Mapped[dict] = mapped_column()
    session_id: Mapped[str] = mapped_column(String(64))
    auth_time: Mapped[int | None] = mapped_column(BigInteger)
    acr: Mapped[str | None] = mapped_column(String(100))
    amr: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)
    used_at: Mapped[int | None] = mapped_column(BigInteger)


class AccessToken(Base):
    """An opaque bearer token; revoked when its code is replayed or its session ends."""

    __tablename__ = "access_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    capacity: Mapped[dict | None] = mapped_column()
    scope: Mapped[str] = mapped_column(String(1000))
    session_id: Mapped[str | None] = mapped_column(String(64), index=True)
    code_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="access")
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger)
    # a refresh token: how its sign-in went (sid, auth_time, acr, amr), for the ID tokens it
    # gives later
    auth: Mapped[dict | None] = mapped_column()
