"""Client authentication (HTTP Basic and client_secret_post), without Flask: one row per case."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

import pytest

from loket.clients import hash_secret
from loket.models import Client
from loket.sso.clientauth import authenticate_client
from loket.sso.protocol import InvalidClient, OAuthError

SECRET = "s3cret:%41 odd"  # unquoted, %41 would turn into "A"


class Clients:
    """Stands in for the database session: ``clients.get`` only calls ``get``."""

    def __init__(self, *rows: Client) -> None:
        self.rows = {row.id: row for row in rows}

    def get(self, _model: type, client_id: str) -> Client | None:
        return self.rows.get(client_id)


CLIENTS = Clients(
    Client(id="site-a", name="A", public=False, secret_hash=hash_secret(SECRET)),
    Client(id="spa-b", name="B", public=True, secret_hash=None),
)


def basic(client_id: str, secret: str, *, encode: bool = True) -> str:
    pair = f"{quote(client_id)}:{quote(secret)}" if encode else f"{client_id}:{secret}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


CASES: list[tuple[str, str, dict[str, str], bool, Any]] = [
    # (case, Authorization header, form, public_ok, client id or (error, description, basic))
    ("basic", basic("site-a", SECRET), {}, True, "site-a"),
    ("basic, lower-case scheme", basic("site-a", SECRET).replace("Basic", "basic"), {}, True,
     "site-a"),
    ("basic with the same client_id in the form", basic("site-a", SECRET),
     {"client_id": "site-a"}, True, "site-a"),
    ("client_secret_post", "", {"client_id": "site-a", "client_secret": SECRET}, True, "site-a"),
    ("public client by id", "", {"client_id": "spa-b"}, True, "spa-b"),
    ("public client where only confidential ones may call", "", {"client_id": "spa-b"}, False,
     ("invalid_client", "Only a confidential client may call this endpoint.", False)),
    ("public client with a secret", "", {"client_id": "spa-b", "client_secret": "x"}, True,
     ("invalid_client", "A public client has no secret.", False)),
    ("public client by basic", basic("spa-b", ""), {}, True,
     ("invalid_client", "Client authentication failed.", True)),
    ("wrong secret, basic", basic("site-a", "nope"), {}, True,
     ("invalid_client", "Client authentication failed.", True)),
    ("secret not form-encoded in basic", basic("site-a", SECRET, encode=False), {}, True,
     ("invalid_client", "Client authentication failed.", True)),
    ("wrong secret, post", "", {"client_id": "site-a", "client_secret": "nope"}, True,
     ("invalid_client", "Client authentication failed.", False)),
    ("no secret, post", "", {"client_id": "site-a"}, True,
     ("invalid_client", "Client authentication failed.", False)),
    ("unknown client", "", {"client_id": "nobody", "client_secret": "x"}, True,
     ("invalid_client", "Client authentication failed.", False)),
    ("nothing at all", "", {}, True, ("invalid_client", "Client authentication failed.", False)),
    ("another scheme", "Bearer abc", {}, True,
     ("invalid_client", "Use HTTP Basic or client_secret_post.", True)),
    ("basic that is not base64", "Basic !!!", {}, True,
     ("invalid_client", "The Basic credentials cannot be read.", True)),
    ("basic without a colon", "Basic " + base64.b64encode(b"site-a").decode(), {}, True,
     ("invalid_client", "The Basic credentials cannot be read.", True)),
    ("two methods at once", basic("site-a", SECRET), {"client_secret": SECRET}, True,
     ("invalid_request", "Use one client authentication method.", False)),
    ("basic and another client_id", basic("site-a", SECRET), {"client_id": "spa-b"}, True,
     ("invalid_request", "client_id differs from the authenticated client.", False)),
]


@pytest.mark.parametrize(("header", "form", "public_ok", "expected"),
                         [row[1:] for row in CASES], ids=[row[0] for row in CASES])
def test_authenticate_client(header: str, form: dict[str, str], public_ok: bool,
                             expected: Any) -> None:
    if isinstance(expected, str):
        client = authenticate_client(CLIENTS, header, form, public_ok=public_ok)  # type: ignore[arg-type]
        assert client.id == expected
        return
    error, description, asks_basic = expected
    with pytest.raises(OAuthError) as caught:
        authenticate_client(CLIENTS, header, form, public_ok=public_ok)  # type: ignore[arg-type]
    assert (caught.value.error, caught.value.description) == (error, description)
    assert caught.value.status == (401 if error == "invalid_client" else 400)
    assert isinstance(caught.value, InvalidClient) == (error == "invalid_client")
    if isinstance(caught.value, InvalidClient):
        assert caught.value.basic is asks_basic
