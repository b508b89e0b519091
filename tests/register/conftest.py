"""Fixtures of the register tests: a relying party allowed the register's scopes, and a
government client for the data exchange, both on the live provider."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from support.oidc import Receiver, RelyingParty
from support.servers import Provider


@pytest.fixture(scope="session")
def register_rp(provider: Provider, backchannel_receiver: Receiver) -> RelyingParty:
    redirect = f"{backchannel_receiver.base}/register-callback"
    secret = provider.add_client(
        "register-rp", "--redirect-uri", redirect,
        *[arg for s in ("openid", "profile", "capacity", "associations", "privacy")
          for arg in ("--scope", s)],
    )
    return RelyingParty("register-rp", secret, redirect, "")


@dataclass
class Government:
    client_id: str
    secret: str


@pytest.fixture(scope="session")
def government(provider: Provider) -> Government:
    secret = provider.add_client("gemeente-x", "--grant-type", "client_credentials",
                                 "--scope", "associations:exchange")
    return Government("gemeente-x", secret)
