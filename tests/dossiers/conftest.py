"""Fixtures of the dossier tests: back-office clients and person tokens in-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from support.dossiers import basic


@pytest.fixture
def register(app: Flask) -> Callable[..., str]:
    """Register a client in-process; returns its secret."""
    from loket import clients, db

    def add(client_id: str, *scopes: str, grant: str = "client_credentials") -> str:
        reg = clients.Registration(id=client_id, name=f"Back office {client_id}",
                                   grant_types=[grant], scopes=list(scopes),
                                   origins=["https://backoffice.example"])
        with db.database(app).transaction() as session:
            _, secret = clients.add(session, reg, allow_http_anywhere=True)
        assert secret
        return secret

    return add


@pytest.fixture
def cc_token(client: FlaskClient, register: Callable[..., str]) -> Callable[..., str]:
    """A client-credentials token from the token endpoint for a newly registered client."""

    def issue(client_id: str, *scopes: str) -> str:
        secret = register(client_id, *(scopes or ("dossiers:write",)))
        response = client.post("/oidc/token", data={"grant_type": "client_credentials"},
                               headers=basic(client_id, secret))
        assert response.status_code == 200, response.get_data(as_text=True)
        return str(response.get_json()["access_token"])

    return issue


@pytest.fixture
def backoffice(cc_token: Callable[..., str]) -> str:
    return cc_token("bo-test")


@pytest.fixture
def count_rows(app: Flask) -> Callable[[Any], int]:
    from loket import db

    def count(model: Any) -> int:
        with db.database(app).read_sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    return count
