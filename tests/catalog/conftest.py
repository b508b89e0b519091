"""Fixtures of the catalog tests: publishing clients and person tokens, in-process."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from support.catalog import basic
from support.servers import Provider


@pytest.fixture
def publisher(app: Flask, client: FlaskClient) -> Callable[..., str]:
    """Register a client-credentials client and return a token from the token endpoint."""
    from loket import clients, db

    def issue(client_id: str, scope: str = "catalog:write") -> str:
        reg = clients.Registration(id=client_id, name=f"Publisher {client_id}",
                                   grant_types=["client_credentials"], scopes=[scope],
                                   organisation="Gemeente Groenbeek",
                                   origins=["https://www.groenbeek.example",
                                            "https://loket.groenbeek.example"])
        with db.database(app).transaction() as session:
            _, secret = clients.add(session, reg, allow_http_anywhere=True)
        assert secret
        response = client.post("/oidc/token", data={"grant_type": "client_credentials"},
                               headers=basic(client_id, secret))
        assert response.status_code == 200, response.get_data(as_text=True)
        return str(response.get_json()["access_token"])

    return issue


# ---- live provider ------------------------------------------------------------------------

@dataclass
class CatalogRp:
    client_id: str
    secret: str
    redirect_uri: str


@pytest.fixture(scope="session")
def catalog_rp(provider: Provider, backchannel_receiver: Any) -> CatalogRp:
    """A municipal site that asks for the catalog scope."""
    redirect = f"{backchannel_receiver.base}/catalog-callback"
    secret = provider.add_client("catalog-rp", "--redirect-uri", redirect, "--scope", "openid",
                                 "--scope", "capacity", "--scope", "catalog")
    return CatalogRp("catalog-rp", secret, redirect)


@pytest.fixture(scope="session")
def publisher_tokens(provider: Provider) -> Callable[[str], str]:
    """A fresh client-credentials token of a demo publisher (secrets from the seed)."""
    stored = json.loads((provider.instance / "demo-catalog-clients.json").read_text())

    def issue(client_id: str) -> str:
        response = requests.post(f"{provider.url}/oidc/token",
                                 data={"grant_type": "client_credentials"},
                                 headers=basic(client_id, stored[client_id]["client_secret"]),
                                 timeout=15)
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    return issue
