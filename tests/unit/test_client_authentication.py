"""Client authentication: HTTP Basic and client_secret_post without Flask, one row per case;
and the ``loket client key`` commands that register the keys of private_key_jwt."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Flask
from sqlalchemy import select

from loket import client_keys, db
from loket.clients import hash_secret
from loket.models import AuditEntry, Client
from loket.sso.clientauth import authenticate_client
from loket.sso.protocol import InvalidClient, OAuthError
from support.jwk import private_rsa_jwk, public_jwk
from support.servers import run_cli

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


# ---- loket client key ------------------------------------------------------------------------

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())

def cli(app: Flask, *args: str) -> Any:
    env = {"LOKET_DATABASE_URL": app.config["DATABASE_URL"],
           "LOKET_INSTANCE_PATH": app.config["INSTANCE_PATH"],
           "LOKET_SECRET_KEY": app.config["SECRET_KEY"], "LOKET_ISSUER": app.config["ISSUER"],
           "LOKET_ENV": "development"}
    return run_cli(env, *args)


def write(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(content))
    return str(path)


def test_the_cli_registers_public_keys_only(app: Flask, tmp_path: Path) -> None:
    added = cli(app, "client", "add", "--id", "site-cli", "--name", "Site", "--redirect-uri",
                "https://site.example/cb", "--auth-method", "private_key_jwt", "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout) == {"client_id": "site-cli", "client_secret": None}

    private = write(tmp_path, "private.json", private_rsa_jwk(RSA_KEY, "k1"))
    refused = cli(app, "client", "key", "add", "site-cli", private)
    assert refused.returncode == 1
    assert "this is a private key (it has 'd', 'p', 'q', 'dp', 'dq', 'qi')" in refused.stderr
    assert "Nothing was added." in refused.stderr
    mixed = write(tmp_path, "mixed.json", {"keys": [public_jwk(RSA_KEY, "k1"),
                                                    {**public_jwk(EC_KEY, "k2"), "d": "AAAA"}]})
    assert "key 2: this is a private key" in cli(app, "client", "key", "add", "site-cli",
                                                 mixed).stderr
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - refused
    weak = cli(app, "client", "key", "add", "site-cli",
               write(tmp_path, "weak.json", public_jwk(small, "w")))
    assert weak.returncode == 1 and "at least 2048 are needed" in weak.stderr
    curve = cli(app, "client", "key", "add", "site-cli", write(tmp_path, "p384.json", {
        **public_jwk(ec.generate_private_key(ec.SECP384R1()), "p384")}))
    assert curve.returncode == 1 and "EC keys must use the P-256 curve" in curve.stderr
    secret_key = cli(app, "client", "key", "add", "site-cli",
                     write(tmp_path, "oct.json", {"kty": "oct", "k": "c2VjcmV0"}))
    assert secret_key.returncode == 1 and "symmetric keys" in secret_key.stderr
    assert json.loads(cli(app, "client", "key", "list", "site-cli", "--json").stdout) == \
        {"keys": []}

    good_file = write(tmp_path, "jwks.json", {"keys": [public_jwk(RSA_KEY, "k1"),
                                                       public_jwk(EC_KEY)]})
    ok = cli(app, "client", "key", "add", "site-cli", good_file)
    assert ok.returncode == 0, ok.stderr
    thumb = client_keys.thumbprint(public_jwk(EC_KEY))
    listed = json.loads(cli(app, "client", "key", "list", "site-cli", "--json").stdout)["keys"]
    assert [k["kid"] for k in listed] == ["k1", thumb]
    assert all(set(k) <= {"kty", "n", "e", "crv", "x", "y", "kid", "use", "alg"} for k in listed)
    assert "private_key_jwt only" in cli(app, "client", "key", "list", "site-cli").stdout
    again = cli(app, "client", "key", "add", "site-cli",
                write(tmp_path, "again.json", public_jwk(RSA_KEY, "k9")))
    assert again.returncode == 1 and "the same key is given twice" in again.stderr

    assert cli(app, "client", "key", "remove", "site-cli", "k1").returncode == 0
    last = cli(app, "client", "key", "remove", "site-cli", thumb)
    assert last.returncode == 1 and "last key" in last.stderr
    unknown = cli(app, "client", "key", "remove", "site-cli", "k1")
    assert unknown.returncode == 1 and "no key with kid 'k1'" in unknown.stderr

    with db.database(app).transaction() as session:
        entries = session.execute(
            select(AuditEntry.operation, AuditEntry.detail)
            .where(AuditEntry.resource == "client/site-cli").order_by(AuditEntry.seq)).all()
    assert [e[0] for e in entries] == ["client-add", "client-key-add", "client-key-remove"]
    assert entries[0][1]["auth_method"] == "private_key_jwt"
    assert entries[1][1]["key_ids"] == ["k1", thumb]
    assert entries[2][1]["key_id"] == "k1"


def test_client_add_takes_keys_and_keeps_a_secret_by_default(app: Flask, tmp_path: Path) -> None:
    keys = write(tmp_path, "k.json", public_jwk(RSA_KEY, "site-key"))
    added = cli(app, "client", "add", "--id", "site-both", "--name", "Both", "--redirect-uri",
                "https://both.example/cb", "--jwks", keys, "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["client_secret"]
    shown = cli(app, "client", "key", "list", "site-both").stdout
    assert "its secret or private_key_jwt" in shown and "site-key" in shown
    private = write(tmp_path, "p.json", {"keys": [private_rsa_jwk(RSA_KEY, "x")]})
    refused = cli(app, "client", "add", "--id", "site-never", "--name", "Never",
                  "--redirect-uri", "https://never.example/cb", "--jwks", private)
    assert refused.returncode == 1 and "Nothing was registered." in refused.stderr
    public = cli(app, "client", "add", "--id", "spa-keys", "--name", "SPA", "--public",
                 "--redirect-uri", "https://spa.example/cb", "--auth-method", "private_key_jwt")
    assert public.returncode == 1 and "confidential client" in public.stderr
