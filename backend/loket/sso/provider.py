"""The provider's state changes: SSO sessions, codes, tokens, logout. No Flask request here.

Every secret handed out (session cookie, code, access token) is stored only as its SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any, NoReturn, cast

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from loket import audit
from loket.models import (
    AccessToken,
    AuthorizationCode,
    AuthorizationRequest,
    Client,
    ClientAssertionJti,
    Person,
    SessionClient,
    SsoSession,
)
from loket.models.base import table_of
from loket.scopes import PROFILE_SCOPE
from loket.sso import jose
from loket.sso.capacities import Capacity
from loket.sso.decisions import logout_notices
from loket.sso.keys import KeyStore
from loket.sso.protocol import AuthorizationParams, OAuthError, check_pkce

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
PROFILE_KIND = "profile"          # a profile token (papi_token): the header's profile API only
PROFILE_TOKEN_SECONDS = 300
REFRESH_KIND = "refresh"
REQUEST_SECONDS = 900
PRUNE_EVERY = 200        # one saved authorization request in this many prunes the tables
PRUNE_AFTER = 86400      # codes, tokens and sessions are kept this long after they expire


# Statements on the token and userinfo paths, built once (building them cost more than running).
_TOKEN_WITH_PERSON = (
    select(AccessToken, Person)
    .outerjoin(Person, Person.id == AccessToken.person_id)
    .where(AccessToken.token_hash == bindparam("token_hash"))
)
_CODE_WITH_SESSION = (
    select(AuthorizationCode, SsoSession.ended_at, Person)
    .join(Person, Person.id == AuthorizationCode.person_id)
    .outerjoin(SsoSession, SsoSession.id == AuthorizationCode.session_id)
    .where(AuthorizationCode.code_hash == bindparam("code_hash"))
)
# A code is claimed once, and only while the sign-in it came from is still on.
_CLAIM_CODE = (
    update(table_of(AuthorizationCode))
    .where(table_of(AuthorizationCode).c.code_hash == bindparam("b_code_hash"),
           table_of(AuthorizationCode).c.used_at.is_(None),
           ~select(table_of(SsoSession).c.id)
           .where(table_of(SsoSession).c.id == table_of(AuthorizationCode).c.session_id,
                  table_of(SsoSession).c.ended_at.is_not(None))
           .exists())
    .values(used_at=bindparam("b_now"))
)
_BURN_CODE = (
    update(table_of(AuthorizationCode))
    .where(table_of(AuthorizationCode).c.code_hash == bindparam("b_code_hash"),
           table_of(AuthorizationCode).c.used_at.is_(None))
    .values(used_at=bindparam("b_now"))
)
_INSERT_TOKEN = insert(table_of(AccessToken))
_ROTATE_REFRESH = (
    update(table_of(AccessToken))
    .where(table_of(AccessToken).c.token_hash == bindparam("b_token_hash"),
           table_of(AccessToken).c.revoked_at.is_(None))
    .values(revoked_at=bindparam("b_now"))
)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Lifetimes:
    code: int = 60
    access_token: int = 600
    id_token: int = 600
    session_idle: int = 1800
    session_max: int = 7200
    logout_token: int = 120
    refresh_token: int = 30 * 86400  # a refresh token family's whole life, rotations included


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    id_token: str | None
    expires_in: int
    scope: str
    refresh_token: str | None = None


def _short(value: object) -> str | None:
    """An upstream's sid or sub as stored (a string of at most 255 characters), else None."""
    return value if isinstance(value, str) and 0 < len(value) <= 255 else None


def _remember_upstream(row: SsoSession, upstream: dict[str, Any]) -> None:
    """The upstream's sign-in on the session, with its sid and sub where its back-channel
    logout looks for them."""
    row.upstream = upstream
    row.upstream_sid = _short(upstream.get("sid"))
    row.upstream_sub = _short(upstream.get("sub"))


def _revoke_family_of(db: Session, code_hash: str, now: int) -> int:
    """Revoke every live token issued from one code (access, refresh and their rotations:
    a family); returns how many."""
    return cast(CursorResult[Any], db.execute(
        update(AccessToken)
        .where(AccessToken.code_hash == code_hash, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )).rowcount


def acm_claims(person: Person, capacity: dict) -> dict[str, str]:
    """ACM's ``vo`` claims, saying what ``capacity`` says: the person's stable id, the
    doelgroep (BUR, VER, EA) and, acting for an organisation, its code (vCode or KBO number)
    and name."""
    claims = {"vo_id": person.sub, "vo_doelgroepcode": str(capacity.get("code") or "BUR")}
    if claims["vo_doelgroepcode"] != "BUR":
        claims["vo_orgcode"] = str(capacity.get("identifier") or "")
        claims["vo_orgnaam"] = str(capacity.get("name") or "")
    return claims


class Provider:
    def __init__(self, issuer: str, keys: KeyStore, lifetimes: Lifetimes) -> None:
        self.issuer = issuer
        self.keys = keys
        self.life = lifetimes

    # ---- SSO sessions -------------------------------------------------------------------

    def start_session(self, db: Session, person: Person, acr: str | None, amr: list[str],
                      upstream: dict[str, Any] | None = None,
                      auth_time: int | None = None) -> tuple[SsoSession, str]:
        """A new SSO session for ``person``; returns it and the cookie value.

        ``auth_time`` is when the person authenticated (upstream, that may be earlier than now;
        None when the upstream did not say); the session's lifetime counts from now.
        """
        now = int(time.time())
        cookie = new_secret()
        row = SsoSession(
            id=secrets.token_urlsafe(16),
            cookie_hash=digest(cookie),
            person_id=person.id,
            auth_time=None if auth_time is None else min(auth_time, now),
            acr=acr,
            amr=amr,
            created_at=now,
            last_seen_at=now,
            expires_at=now + self.life.session_max,
        )
        _remember_upstream(row, upstream or {})
        db.add(row)
        db.flush()
        return row, cookie

    def reauthenticate(self, db: Session, row: SsoSession, acr: str | None, amr: list[str],
                       auth_time: int | None = None,
                       upstream: dict[str, Any] | None = None) -> str:
        """The same person signed in again: new auth_time and a new cookie secret."""
        now = int(time.time())
        cookie = new_secret()
        row.cookie_hash = digest(cookie)
        row.auth_time = None if auth_time is None else min(auth_time, now)
        if upstream is not None:
            _remember_upstream(row, upstream)
        row.acr = acr
        row.amr = amr
        row.last_seen_at = now
        row.expires_at = now + self.life.session_max
        return cookie

    def find_session(self, db: Session, cookie: str | None, *,
                     touch: bool = True) -> SsoSession | None:
        """The live session named by the cookie, or None (ended, idle too long, or too old)."""
        if not cookie or len(cookie) > 200:
            return None
        row = db.scalar(select(SsoSession).where(SsoSession.cookie_hash == digest(cookie)))
        now = int(time.time())
        if row is None or row.ended_at is not None or now >= row.expires_at:
            return None
        if now - row.last_seen_at >= self.life.session_idle:
            return None
        if touch and now - row.last_seen_at >= 30:
            row.last_seen_at = now
        return row

    def end_session(self, db: Session, row: SsoSession, reason: str) -> list[tuple[Client, str]]:
        """End a session, revoke its tokens; returns (client, logout token) to send."""
        now = int(time.time())
        if row.ended_at is None:
            row.ended_at = now
        db.execute(
            update(AccessToken)
            .where(AccessToken.session_id == row.id, AccessToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        person = db.get(Person, row.person_id)
        audit.record(db, "sign-out", "sso-session", actor=person.sub if person else None,
                     detail={"reason": reason, "sid": row.id})
        sites = db.scalars(
            select(Client).join(SessionClient, SessionClient.client_id == Client.id)
            .where(SessionClient.session_id == row.id)
        )
        return [(n.site, self.logout_token(db, n.site.id, n.sub, n.sid))
                for n in logout_notices(sites, person.sub if person else None, row.id)]

    def switch_out(self, db: Session, row: SsoSession, client: Client) -> list[tuple[Client, str]]:
        """ACM's switch: sign the person out of ``client`` only. That site's tokens of this
        session are revoked and it is told by back-channel; the SSO session stays, and the
        site's next sign-in shows the chooser. Returns (client, logout token) to send."""
        now = int(time.time())
        db.execute(
            update(AccessToken)
            .where(AccessToken.session_id == row.id, AccessToken.client_id == client.id,
                   AccessToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        site = db.get(SessionClient, (row.id, client.id))
        if site is None:
            db.add(SessionClient(session_id=row.id, client_id=client.id, first_at=now,
                                 switch_pending=True))
        else:
            site.switch_pending = True
        person = db.get(Person, row.person_id)
        audit.record(db, "sign-out", "sso-session", actor=person.sub if person else None,
                     client_id=client.id, detail={"reason": "switch", "sid": row.id})
        return [(n.site, self.logout_token(db, n.site.id, n.sub, n.sid))
                for n in logout_notices([client], person.sub if person else None, row.id)]

    def switch_pending(self, db: Session, row: SsoSession, client_id: str) -> bool:
        """Whether ``client_id`` signed out of this session with ACM's switch since."""
        site = db.get(SessionClient, (row.id, client_id))
        return bool(site and site.switch_pending)

    def logout_token(self, db: Session, client_id: str, sub: str, sid: str) -> str:
        now = int(time.time())
        key = self.keys.active(db)
        claims = {
            "iss": self.issuer,
            "aud": client_id,
            "iat": now,
            "exp": now + self.life.logout_token,
            "jti": secrets.token_urlsafe(16),
            "sub": sub,
            "sid": sid,
            "events": {BACKCHANNEL_EVENT: {}},
        }
        return jose.sign(claims, key.private_key, key.kid, key.alg, typ="logout+jwt")

    # ---- authorization requests and codes -----------------------------------------------

    def save_request(self, db: Session, params: AuthorizationParams) -> str:
        now = int(time.time())
        if secrets.randbelow(PRUNE_EVERY) == 0:  # housekeeping, now and then
            self.prune(db)
        request_id = secrets.token_urlsafe(24)
        db.add(AuthorizationRequest(
            id=request_id, client_id=params.client_id, params=params.to_dict(),
            created_at=now, expires_at=now + REQUEST_SECONDS,
        ))
        return request_id

    def prune(self, db: Session) -> dict[str, int]:
        """Delete what can no longer be used: expired requests, old codes, tokens, sessions,
        and the jtis of client assertions that have expired."""
        now = int(time.time())
        long_ago = now - PRUNE_AFTER
        removed = {}
        for name, model, condition in (
            ("authorization requests", AuthorizationRequest,
             AuthorizationRequest.expires_at <= now),
            ("codes", AuthorizationCode, AuthorizationCode.expires_at <= long_ago),
            ("access tokens", AccessToken, AccessToken.expires_at <= long_ago),
            ("sessions", SsoSession, SsoSession.expires_at <= long_ago),
            ("client assertion jtis", ClientAssertionJti, ClientAssertionJti.expires_at < now),
        ):
            result = cast(CursorResult[Any], db.execute(delete(model).where(condition)))
            removed[name] = result.rowcount
        return removed

    def load_request(self, db: Session, request_id: object) -> AuthorizationRequest | None:
        if not isinstance(request_id, str) or len(request_id) > 64:
            return None
        row = db.get(AuthorizationRequest, request_id)
        if row is None or row.expires_at <= int(time.time()) or row.params.get("done"):
            return None
        return row

    def finish_request(self, row: AuthorizationRequest) -> None:
        """The request was answered: it can no longer be used, but until it expires its page
        (the browser's Back) still knows which site it came from, and in which language."""
        row.params = {"client_id": row.params.get("client_id"),
                      "redirect_uri": row.params.get("redirect_uri"),
                      "ui_locales": row.params.get("ui_locales"), "done": True}

    def issue_code(self, db: Session, params: AuthorizationParams, sess: SsoSession,
                   capacity: Capacity) -> str:
        now = int(time.time())
        code = new_secret()
        db.add(AuthorizationCode(
            code_hash=digest(code),
            client_id=params.client_id,
            redirect_uri=params.redirect_uri,
            code_challenge=params.code_challenge,
            nonce=params.nonce,
            scope=" ".join(params.scope),
            person_id=sess.person_id,
            capacity=capacity.claim(),
            session_id=sess.id,
            auth_time=sess.auth_time,
            acr=sess.acr,
            amr=sess.amr,
            created_at=now,
            expires_at=now + self.life.code,
        ))
        site = db.get(SessionClient, (sess.id, params.client_id))
        if site is None:
            db.add(SessionClient(session_id=sess.id, client_id=params.client_id, first_at=now))
        elif site.switch_pending:
            site.switch_pending = False
        last = {"code": capacity.code, "identifier": capacity.identifier}
        if sess.capacity != last:
            sess.capacity = last
        return code

    def exchange_code(self, read: Session, db: Session, client: Client, code: str | None,
                      redirect_uri: str | None, verifier: str | None) -> IssuedTokens:
        """Tokens for a code, once; a second use revokes what the first one issued.

        Everything that only reads (finding the code, its checks, the signature) happens on
        ``read`` (on SQLite a read snapshot outside the write transaction, see
        :func:`loket.db.lookup_session`); ``db`` then claims the code (only if it is unused and
        its sign-in still on), stores the token and the audit entry, so the part that excludes
        other writers is three statements long. Lost races end as before: a replay, or an
        ended sign-in.
        """
        if not code or len(code) > 200:
            raise OAuthError("invalid_grant", "The code is missing or not valid.")
        found = read.execute(_CODE_WITH_SESSION, {"code_hash": digest(code)}).first()
        now = int(time.time())
        if found is None:
            raise OAuthError("invalid_grant", "The code is not valid.")
        row, session_ended, person = found
        if row.client_id != client.id:
            self._burn(db, client, row.code_hash, now, OAuthError(
                "invalid_grant", "The code was issued to another client."))
        if row.used_at is not None:
            self._refuse_replay(db, client, row.code_hash, now)
        try:
            if row.expires_at <= now:
                raise OAuthError("invalid_grant", "The code has expired.")
            if redirect_uri != row.redirect_uri:
                raise OAuthError("invalid_grant",
                                 "redirect_uri differs from the authorization request.")
            check_pkce(row.code_challenge, verifier)
            if session_ended is not None:
                raise OAuthError("invalid_grant", "The sign-in this code came from has ended.")
        except OAuthError as refused:
            self._burn(db, client, row.code_hash, now, refused)
        access = new_secret("lat_")
        scopes = row.scope.split()
        papi = new_secret("lpt_") if "papi" in scopes else None
        refresh = (new_secret("lrt_") if "offline_access" in scopes
                   and "refresh_token" in client.grant_types else None)
        auth = {"sid": row.session_id, "auth_time": row.auth_time, "acr": row.acr,
                "amr": row.amr}
        id_token = self._id_token(read, client.id, person, scopes, row.capacity, auth,
                                  access, papi, nonce=row.nonce, now=now)

        claimed = cast(CursorResult[Any], db.connection().execute(
            _CLAIM_CODE, {"b_code_hash": row.code_hash, "b_now": now})).rowcount
        if claimed != 1:
            used = db.scalar(select(AuthorizationCode.used_at)
                             .where(AuthorizationCode.code_hash == row.code_hash))
            if used is not None:  # a parallel request with the same code won the race
                self._refuse_replay(db, client, row.code_hash, now)
            raise OAuthError("invalid_grant", "The sign-in this code came from has ended.")
        self.issue_token(
            db, client.id, row.scope, person=person, capacity=row.capacity,
            session_id=row.session_id, code_hash=row.code_hash, token=access,
        )
        if papi:
            self.issue_profile_token(db, client.id, person, row.capacity, row.session_id,
                                     token=papi)
        if refresh:
            # the family is named by the code it started from: a replayed code revokes it too
            self.issue_token(db, client.id, row.scope, person=person, capacity=row.capacity,
                             session_id=row.session_id, code_hash=row.code_hash, token=refresh,
                             kind=REFRESH_KIND, lifetime=self.life.refresh_token, auth=auth)
        audit.record(db, "token-issue", "token", actor=person.sub, client_id=client.id,
                     capacity=audit.capacity_label(row.capacity), subject=person.sub,
                     detail={"grant": "authorization_code", "scope": row.scope,
                             "refresh_token": bool(refresh)})
        return IssuedTokens(access, id_token, self.life.access_token, row.scope, refresh)

    def _id_token(self, read: Session, client_id: str, person: Person, scopes: list[str],
                  capacity: dict | None, auth: dict[str, Any], access: str, papi: str | None,
                  *, nonce: str | None, now: int) -> str:
        """The ID token: who signed in, when and how (``auth``: sid, auth_time, acr, amr, as
        the sign-in said them), the claims the scopes ask for, ``at_hash`` of ``access``."""
        key = self.keys.active(read)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": person.sub,
            "aud": client_id,
            "azp": client_id,
            "iat": now,
            "exp": now + self.life.id_token,
            "sid": auth["sid"],
            "at_hash": jose.token_hash(access, key.alg),
        }
        # how the person authenticated, only as far as it is known (never invented)
        if auth.get("auth_time") is not None:
            claims["auth_time"] = auth["auth_time"]
        if auth.get("acr"):
            claims["acr"] = auth["acr"]
        if auth.get("amr"):
            claims["amr"] = auth["amr"]
        if nonce is not None:
            claims["nonce"] = nonce
        claims.update(self.person_claims(scopes, person, capacity, None))
        if papi:
            claims["papi_token"] = papi
        return jose.sign(claims, key.private_key, key.kid, key.alg)

    def issue_profile_token(self, db: Session, client_id: str, person: Person | None,
                            capacity: dict | None, session_id: str | None, *,
                            token: str | None = None, until: int | None = None) -> tuple[str, int]:
        """A profile token (ACM's ``papi_token``) for ``client_id``'s header: it reads the
        person's name (and, with ``capacity``, the active capacity) through the profile API,
        for five minutes at most (never past ``until``), and is revoked with the sign-in."""
        now = int(time.time())
        lifetime = PROFILE_TOKEN_SECONDS if until is None else max(
            1, min(PROFILE_TOKEN_SECONDS, until - now))
        issued = self.issue_token(
            db, client_id, PROFILE_SCOPE + (" capacity" if capacity else ""), person=person,
            capacity=capacity, session_id=session_id, token=token or new_secret("lpt_"),
            kind=PROFILE_KIND, lifetime=lifetime)
        return issued, lifetime

    def refresh(self, read: Session, db: Session, client: Client, token: str | None,
                scope: str | None) -> IssuedTokens:
        """New tokens for a refresh token, which is used up (rotation). A refresh token
        presented again, or by another client, revokes its whole family (everything issued
        from the same sign-in to this site): someone else holds a copy. The capacity it was
        issued for is checked anew; a person who no longer holds it gets nothing."""
        if not token or len(token) > 200:
            raise OAuthError("invalid_grant", "The refresh token is missing or not valid.")
        found = read.execute(_TOKEN_WITH_PERSON, {"token_hash": digest(token)}).first()
        now = int(time.time())
        if found is None or found[0].kind != REFRESH_KIND:
            raise OAuthError("invalid_grant", "The refresh token is not valid.")
        old, person = found
        if old.client_id != client.id:
            self._revoke_family(db, client, old.code_hash, now, "refresh token of another client",
                                OAuthError("invalid_grant", "The refresh token was issued to "
                                           "another client."))
        if old.revoked_at is not None:
            self._revoke_family(db, client, old.code_hash, now, "refresh token reused",
                                OAuthError("invalid_grant", "The refresh token was used already "
                                           "or revoked; every token of its sign-in is revoked."))
        if old.expires_at <= now or person is None:
            raise OAuthError("invalid_grant", "The refresh token has expired.")
        scopes = old.scope.split()
        if scope is not None:
            asked = list(dict.fromkeys(scope.split()))
            if not asked or any(name not in scopes for name in asked):
                raise OAuthError("invalid_scope", "A refresh can only keep or narrow the "
                                 "scopes granted.")
            scopes = asked
        acting = old.capacity or {}
        if acting.get("code") in ("VER", "EA"):
            from loket.sso import capacities

            held = capacities.find(capacities.for_person(read, person), acting.get("code"),
                                   acting.get("identifier"))
            if held is None:
                self._revoke_family(db, client, old.code_hash, now, "capacity no longer held",
                                    OAuthError("invalid_grant", "The capacity this refresh "
                                               "token was issued for is no longer held; sign "
                                               "in again."))
        access = new_secret("lat_")
        refresh = new_secret("lrt_")
        papi = new_secret("lpt_") if "papi" in scopes else None
        auth = old.auth or None
        id_token = (self._id_token(read, client.id, person, scopes, old.capacity, auth, access,
                                   papi, nonce=None, now=now)
                    if auth and "openid" in scopes else None)
        rotated = cast(CursorResult[Any], db.connection().execute(
            _ROTATE_REFRESH, {"b_token_hash": old.token_hash, "b_now": now})).rowcount
        if rotated != 1:  # a parallel refresh with the same token came first: a copy exists
            self._revoke_family(db, client, old.code_hash, now, "refresh token reused",
                                OAuthError("invalid_grant", "The refresh token was used already; "
                                           "every token of its sign-in is revoked."))
        granted = " ".join(scopes)
        self.issue_token(db, client.id, granted, person=person, capacity=old.capacity,
                         session_id=old.session_id, code_hash=old.code_hash, token=access)
        self.issue_token(db, client.id, old.scope, person=person, capacity=old.capacity,
                         session_id=old.session_id, code_hash=old.code_hash, token=refresh,
                         kind=REFRESH_KIND, lifetime=old.expires_at - now, auth=auth)
        if papi:
            self.issue_profile_token(db, client.id, person, old.capacity, old.session_id,
                                     token=papi)
        audit.record(db, "token-issue", "token", actor=person.sub, client_id=client.id,
                     capacity=audit.capacity_label(old.capacity), subject=person.sub,
                     detail={"grant": "refresh_token", "scope": granted})
        return IssuedTokens(access, id_token, self.life.access_token, granted, refresh)

    def _revoke_family(self, db: Session, client: Client, family: str | None, now: int,
                       reason: str, refused: OAuthError) -> NoReturn:
        """Revoke every token of a refresh token's family; logged, committed, refused."""
        revoked = _revoke_family_of(db, family, now) if family else 0
        audit.record(db, "refresh-refused", "token", client_id=client.id, outcome="refused",
                     reason=reason, detail={"revoked_tokens": revoked})
        db.commit()
        raise refused

    def _burn(self, db: Session, client: Client, code_hash: str, now: int,
              refused: OAuthError) -> NoReturn:
        """A failed redemption uses the code up (whoever tried, with whatever was wrong): a
        second try, even with the right values, is a replay. Logged, committed, refused."""
        db.connection().execute(_BURN_CODE, {"b_code_hash": code_hash, "b_now": now})
        audit.record(db, "code-refused", "token", client_id=client.id, outcome="refused",
                     reason=refused.description[:200], detail={"error": refused.code})
        db.commit()
        raise refused

    def _refuse_replay(self, db: Session, client: Client, code_hash: str, now: int) -> NoReturn:
        """A code used twice: revoke what its first use issued, log it, refuse."""
        revoked = _revoke_family_of(db, code_hash, now)
        audit.record(db, "code-replay", "token", client_id=client.id, outcome="refused",
                     detail={"revoked_tokens": revoked})
        db.commit()
        raise OAuthError("invalid_grant", "The code was used already; the tokens it gave "
                         "are revoked.")

    def client_credentials(self, db: Session, client: Client, scopes: list[str]) -> IssuedTokens:
        scope = " ".join(scopes)
        access = self.issue_token(db, client.id, scope)
        audit.record(db, "token-issue", "token", actor=client.id, client_id=client.id,
                     detail={"grant": "client_credentials", "scope": scope})
        return IssuedTokens(access, None, self.life.access_token, scope)

    def issue_token(self, db: Session, client_id: str, scope: str, *,
                    person: Person | None = None, capacity: dict | None = None,
                    session_id: str | None = None, code_hash: str | None = None,
                    token: str | None = None, kind: str = "access",
                    lifetime: int | None = None, auth: dict[str, Any] | None = None) -> str:
        """Store a bearer token (its hash only) and return it; revoked with ``session_id``.

        ``token`` when the caller made it already (an ID token's ``at_hash`` names it);
        ``lifetime`` defaults to the access-token lifetime. One Core statement, no ORM flush:
        this runs inside the short write transaction of the token endpoint.
        """
        now = int(time.time())
        token = token or new_secret("lat_")
        db.connection().execute(_INSERT_TOKEN, {
            "token_hash": digest(token), "client_id": client_id,
            "person_id": person.id if person else None, "capacity": capacity, "scope": scope,
            "session_id": session_id, "code_hash": code_hash, "kind": kind,
            "created_at": now,
            "expires_at": now + (self.life.access_token if lifetime is None else lifetime),
            "revoked_at": None, "auth": auth,
        })
        return token

    def access_token(self, db: Session, token: str | None,
                     kind: str = "access") -> AccessToken | None:
        """A live token of ``kind``, or None (unknown, expired, revoked or another kind)."""
        found = self.access_token_and_person(db, token, kind)
        return found[0] if found else None

    def access_token_and_person(self, db: Session, token: str | None, kind: str = "access",
                                ) -> tuple[AccessToken, Person | None] | None:
        """A live token of ``kind`` with its person (None for client tokens), in one query: a
        refresh token or a profile token is no access token."""
        if not token or len(token) > 200:
            return None
        row = db.execute(_TOKEN_WITH_PERSON, {"token_hash": digest(token)}).first()
        if row is None:
            return None
        access, person = row
        if access.revoked_at is not None or access.expires_at <= int(time.time()):
            return None
        if access.kind != kind:
            return None
        return access, person

    # ---- claims ---------------------------------------------------------------------------

    def person_claims(self, scopes: list[str], person: Person, capacity: dict | None,
                      capacities: list[Capacity] | None) -> dict[str, Any]:
        claims: dict[str, Any] = {}
        if "profile" in scopes:
            claims["given_name"] = person.given_name
            claims["family_name"] = person.family_name
            claims["name"] = f"{person.given_name} {person.family_name}"
        if "rrn" in scopes:
            claims["rrn"] = person.insz
        if "vo" in scopes and capacity:
            claims.update(acm_claims(person, capacity))
        if "capacity" in scopes and capacity:
            claims["capacity"] = capacity
            if capacities is not None:
                claims["capacities"] = [
                    {**cap.claim(), "login_hint": cap.login_hint} for cap in capacities
                ]
        return claims

    # ---- our own tokens coming back ---------------------------------------------------------

    def verify_id_token_hint(self, db: Session, token: str) -> dict[str, Any]:
        """Claims of an ID token we issued (expired ones are accepted, as hints)."""
        try:
            return jose.verify(token, self.keys.jwks(db)["keys"], issuer=self.issuer,
                               audience=None, verify_exp=False, require=("sub", "aud"))
        except jose.TokenError as exc:
            if exc.code != "unknown_key":
                raise
        self.keys.forget()  # another instance may have rotated keys a moment ago
        return jose.verify(token, self.keys.jwks(db)["keys"], issuer=self.issuer,
                           audience=None, verify_exp=False, require=("sub", "aud"))
