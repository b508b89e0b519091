"""Fixtures of the catalog tests: publishing clients and person tokens, in-process."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from support.catalog import basic


@pytest.fixture
def publisher(app: Flask, client: FlaskClient) -> Callable[..., str]:
    """Register a client-credentials client and return a token from the token endpoint."""
    from loket import clients, db

    def issue(client_id: str, scope: str = "catalog:write") -> str:
        reg = clients.Registration(id=client_id, name=f"Publisher {client_id}",
                                   grant_types=["client_credentials"], scopes=[scope])
        with db.database(app).transaction() as session:
            _, secret = clients.add(session, reg, allow_http_anywhere=True)
        assert secret
        response = client.post("/oidc/token", data={"grant_type": "client_credentials"},
                               headers=basic(client_id, secret))
        assert response.status_code == 200, response.get_data(as_text=True)
        return str(response.get_json()["access_token"])

    return issue


@pytest.fixture
def person_token(app: Flask) -> Callable[..., str]:
    """An access token as the provider issues it after a sign-in in ``capacity``."""
    from loket import db
    from loket.models import Person

    def issue(insz: str, capacity: dict[str, str] | None = None,
              scope: str = "openid capacity catalog") -> str:
        with db.database(app).transaction() as session:
            person = session.scalar(select(Person).where(Person.insz == insz))
            assert person is not None
            cap = capacity or {"code": "BUR", "identifier": insz,
                               "name": f"{person.given_name} {person.family_name}"}
            return str(app.extensions["loket.provider"]._store_access_token(
                session, "groenbeek", scope, person=person, capacity=cap))

    return issue
