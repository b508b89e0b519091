"""Registered clients: relying parties and embedding sites (the id is also the widget id),
back offices and government clients using client credentials."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column

from loket.models.base import Base


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str | None] = mapped_column(String(128))
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    # sign-ins must send PKCE (S256); only a confidential client may be registered without
    pkce_required: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    redirect_uris: Mapped[list] = mapped_column(default=list)
    origins: Mapped[list] = mapped_column(default=list)
    post_logout_uris: Mapped[list] = mapped_column(default=list)
    backchannel_logout_uri: Mapped[str | None] = mapped_column(String(2000))
    grant_types: Mapped[list] = mapped_column(default=list)
    scopes: Mapped[list] = mapped_column(default=list)
    theme: Mapped[str] = mapped_column(String(64), default="base")
    settings: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)
    # public keys for private_key_jwt, as a JWK Set ({"keys": [...]}); None: no keys
    jwks: Mapped[dict | None] = mapped_column(nullable=True)
    # "client_secret": the secret (Basic or POST), or an assertion signed by a registered key;
    # "private_key_jwt": signed assertions only, no secret
    auth_method: Mapped[str] = mapped_column(String(32), default="client_secret",
                                             server_default="client_secret")


class ClientAssertionJti(Base):
    """A ``jti`` of a client assertion (private_key_jwt) that was accepted, kept until the
    assertion expires so that it cannot be used twice; the primary key makes a second insert
    of the same pair fail even when two requests race."""

    __tablename__ = "client_assertion_jtis"

    client_id: Mapped[str] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)
