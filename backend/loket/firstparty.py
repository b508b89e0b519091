"""The provider's own pages ("Mijn Verenigingsloket") as a site like the municipalities': the
built-in widget site ``loket`` for their header, footer and panels, and short-lived first-party
access tokens that those panels use (bound to the SSO session and the capacity acted in)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from loket import audit, clients
from loket.models import Client, Person, SsoSession
from loket.scopes import DEFAULT_RP_SCOPES
from loket.sso.capacities import Capacity
from loket.sso.provider import Provider

CLIENT_ID = "loket"
NAME = "Mijn Verenigingsloket"


def ensure_client(session: Session, issuer: str) -> Client:
    """The built-in site, created on first use and kept pointing at this issuer."""
    parts = urlsplit(issuer)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    existing = session.get(Client, CLIENT_ID)
    if existing is not None and existing.origins == [origin] and existing.settings:
        return existing
    client, _secret = clients.add(session, clients.Registration(
        id=CLIENT_ID, name=NAME, origins=[origin], grant_types=["client_credentials"],
        theme="base",
    ), allow_http_anywhere=True, replace=True, reserved_ok=True)
    # No secret anyone knows: this client signs nobody in and asks for no token itself.
    client.settings = {
        "host": {"label": NAME, "href": f"{issuer}/mijn-verenigingsloket"},
        "applicationName": NAME,
        "applicationLinks": [
            {"label": "Mijn Verenigingsloket", "href": f"{issuer}/mijn-verenigingsloket",
             "icon": "e-desk"},
            {"label": "Mijn gegevens", "href": f"{issuer}/mijn-gegevens", "icon": "e-desk-lock"},
        ],
        "skipTarget": "main",
    }
    session.flush()
    return client


def issue_token(session: Session, provider: Provider, person: Person, sess: SsoSession,
                capacity: Capacity) -> tuple[str, int]:
    """An access token for the panels on the provider's pages; revoked with the SSO session."""
    scope = " ".join(s for s in DEFAULT_RP_SCOPES if s != "openid")
    token = provider.issue_token(session, CLIENT_ID, f"openid {scope}", person=person,
                                 capacity=capacity.claim(), session_id=sess.id)
    audit.record(session, "token-issue", "token", actor=person.sub, client_id=CLIENT_ID,
                 capacity=audit.capacity_label(capacity.claim()), subject=person.sub,
                 detail={"grant": "first-party", "scope": scope})
    return token, provider.life.access_token


def header_profile(person: Person, caps: list[Capacity], active: Capacity,
                   switch_url: str, logout_url: str) -> dict[str, Any]:
    """What the header needs, in the Flemish header's shape (``setProfile``)."""

    def identity(cap: Capacity) -> dict[str, Any]:
        entity: dict[str, Any] = {"code": cap.code, "name": cap.name}
        if cap.code == "BUR":
            entity.update(firstName=person.given_name, name=person.family_name)
        else:
            entity["identifier"] = cap.identifier
        return {"onBehalfOf": entity, "loginHint": cap.login_hint}

    return {
        "active": True,
        "loginUrl": "/aanmelden",
        "logoutUrl": logout_url,
        "switchCapacityUrl": switch_url,
        "idpData": {"user": {"firstName": person.given_name, "name": person.family_name},
                    "activeIdentity": identity(active),
                    "identities": [identity(c) for c in caps if c.code in ("BUR", "VER")]},
    }
