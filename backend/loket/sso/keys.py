"""Signing keys: kept in the database (shared by every instance, kept across restarts), the
private half encrypted with a key derived from LOKET_SECRET_KEY, rotated with ``loket keys rotate``.

A retired key stays in the JWKS until every token it signed has expired.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from loket.models import SigningKey
from loket.sso import jose

DEFAULT_ALG = "RS256"


class KeyError_(RuntimeError):
    """A signing key cannot be used (for instance LOKET_SECRET_KEY changed)."""


@dataclass(frozen=True)
class ActiveKey:
    kid: str
    alg: str
    private_key: Any  # parsed once, see jose.signing_key


def _fernet(secret: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"loket-signing-keys",
                   info=b"fernet").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


class KeyStore:
    """Reads and rotates signing keys; caches decrypted keys per process."""

    def __init__(self, secret: str, retire_grace_seconds: int) -> None:
        self._fernet = _fernet(secret)
        self._grace = retire_grace_seconds
        self._private: dict[str, Any] = {}
        self._jwks_cache: tuple[float, dict[str, Any]] | None = None
        self._active_cache: tuple[float, ActiveKey] | None = None

    def _decrypt(self, row: SigningKey) -> Any:
        if row.kid not in self._private:
            try:
                pem = self._fernet.decrypt(row.private_key.encode()).decode()
                self._private[row.kid] = jose.signing_key(pem, row.alg)
            except InvalidToken as exc:
                raise KeyError_(
                    f"Signing key {row.kid} cannot be decrypted: LOKET_SECRET_KEY differs from "
                    "the one it was made with. Restore that secret, or run `loket keys rotate`."
                ) from exc
        return self._private[row.kid]

    def create(self, session: Session, alg: str = DEFAULT_ALG) -> SigningKey:
        """Add a new active key and retire the current one (it stays published for a while)."""
        now = int(time.time())
        for row in session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
            row.retired_at = now
            row.expires_at = now + self._grace
        pem = jose.generate_private_key(alg)
        kid = jose.new_kid()
        row = SigningKey(
            kid=kid,
            alg=alg,
            private_key=self._fernet.encrypt(pem.encode()).decode(),
            public_jwk=jose.public_jwk(pem, alg, kid),
            created_at=now,
        )
        session.add(row)
        session.flush()
        self._private[kid] = jose.signing_key(pem, alg)
        self.forget()
        return row

    def ensure(self, session: Session) -> None:
        """Create the first key when there is none.

        Two processes racing here may both create one; both are published and the newest signs.
        """
        if not session.scalar(select(SigningKey.kid).where(SigningKey.retired_at.is_(None))):
            self.create(session)

    def forget(self) -> None:
        self._jwks_cache = None
        self._active_cache = None

    def active(self, session: Session) -> ActiveKey:
        now = time.monotonic()
        if self._active_cache and now - self._active_cache[0] < 5:
            return self._active_cache[1]
        row = session.scalar(
            select(SigningKey).where(SigningKey.retired_at.is_(None))
            .order_by(SigningKey.created_at.desc()).limit(1)
        )
        if row is None:
            raise KeyError_("No signing key yet: run `loket keys rotate` or start `loket serve`.")
        key = ActiveKey(row.kid, row.alg, self._decrypt(row))
        self._active_cache = (now, key)
        return key

    def jwks(self, session: Session) -> dict[str, Any]:
        """Published keys: the active one and retired ones whose tokens may still be valid."""
        now = time.monotonic()
        if self._jwks_cache and now - self._jwks_cache[0] < 5:
            return self._jwks_cache[1]
        wall = int(time.time())
        rows = session.scalars(
            select(SigningKey)
            .where(or_(SigningKey.expires_at.is_(None), SigningKey.expires_at > wall))
            .order_by(SigningKey.created_at.desc())
        )
        value = {"keys": [dict(row.public_jwk) for row in rows]}
        self._jwks_cache = (now, value)
        return value

    def prune(self, session: Session) -> int:
        """Delete keys no token can need any more; returns how many."""
        wall = int(time.time())
        rows = list(session.scalars(select(SigningKey).where(SigningKey.expires_at <= wall)))
        for row in rows:
            session.delete(row)
            self._private.pop(row.kid, None)
        self.forget()
        return len(rows)
