"""Client authentication: HTTP Basic and client_secret_post without Flask, one row per case;
private_key_jwt on the in-process app's database (assertions signed here with
``cryptography``, not with Loket's own JOSE code), at the token endpoint, and the
``loket client key`` commands that register the keys."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Flask
from sqlalchemy import select

from loket import client_keys, clients, db
from loket.clients import hash_secret
from loket.models import AuditEntry, Client, ClientAssertionJti
from loket.sso.clientauth import AssertionCheck, authenticate_client
from loket.sso.protocol import InvalidClient, OAuthError
from support.jwk import ASSERTION_TYPE, assertion_claims, private_rsa_jwk, public_jwk, sign
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



# ---- private_key_jwt ---------------------------------------------------------------------------


ISSUER = "http://127.0.0.1:8000"  # the in-process app's (tests/conftest.py)
TOKEN_URL = f"{ISSUER}/oidc/token"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_KEY_2 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
STRANGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def keyed(app: Flask) -> Flask:
    """Three clients: ``site-keys`` (secret, two RSA keys and an EC key without kid), ``site-pkj``
    (private_key_jwt only, one RSA key) and ``site-bare`` (a secret, no keys)."""
    with db.database(app).transaction() as session:
        for client_id, method in [("site-keys", "client_secret"), ("site-pkj", "private_key_jwt"),
                                  ("site-bare", "client_secret")]:
            added, _secret = clients.add(session, clients.Registration(
                id=client_id, name=client_id, grant_types=["client_credentials"],
                scopes=["dossiers:write"], auth_method=method,
            ), allow_http_anywhere=True, secret=SECRET)
            if client_id == "site-keys":
                client_keys.add_keys(added, client_keys.read_keys(json.dumps({"keys": [
                    public_jwk(RSA_KEY, "rsa-1"), public_jwk(RSA_KEY_2, "rsa-2"),
                    public_jwk(EC_KEY)]}), "test"))
            if client_id == "site-pkj":
                client_keys.add_keys(added, [client_keys.check_key(public_jwk(RSA_KEY, "pkj-1"))])
    return app


def authenticate(app: Flask, form: dict[str, str], header: str = "", *,
                 accepts_assertions: bool = True) -> str:
    with db.database(app).sessions() as session:
        check = AssertionCheck(ISSUER, session) if accepts_assertions else None
        return authenticate_client(session, header, form, assertions=check).id


def assertion_form(token: str, **extra: str) -> dict[str, str]:
    return {"client_assertion_type": ASSERTION_TYPE, "client_assertion": token, **extra}


def good(client_id: str = "site-keys", **changes: Any) -> str:
    return sign(assertion_claims(client_id, TOKEN_URL, **changes), RSA_KEY,
                kid="rsa-1" if client_id == "site-keys" else "pkj-1")


NOW = int(time.time())
ACCEPTED: list[tuple[str, Callable[[], dict[str, str]], str]] = [
    ("RS256 with kid, aud the token endpoint", lambda: assertion_form(good()), "site-keys"),
    ("aud the issuer, in a list", lambda: assertion_form(
        sign(assertion_claims("site-keys", ["other", ISSUER]), RSA_KEY, kid="rsa-1")), "site-keys"),
    ("with the same client_id", lambda: assertion_form(good(), client_id="site-keys"),
     "site-keys"),
    ("ES256 without kid (the thumbprint kid)", lambda: assertion_form(
        sign(assertion_claims("site-keys", TOKEN_URL), EC_KEY, alg="ES256")), "site-keys"),
    ("RS256 without kid: each RSA key is tried", lambda: assertion_form(
        sign(assertion_claims("site-keys", TOKEN_URL), RSA_KEY_2)), "site-keys"),
    ("nbf now, iat a little ahead of our clock", lambda: assertion_form(
        good(nbf=int(time.time()), iat=int(time.time()) + 10)), "site-keys"),
    ("the private_key_jwt-only client", lambda: assertion_form(good("site-pkj")), "site-pkj"),
    ("a client with keys still may use its secret",
     lambda: {"client_id": "site-keys", "client_secret": SECRET}, "site-keys"),
]


@pytest.mark.parametrize(("make_form", "expected"), [row[1:] for row in ACCEPTED],
                         ids=[row[0] for row in ACCEPTED])
def test_accepted_assertions(keyed: Flask, make_form: Callable[[], dict[str, str]],
                             expected: str) -> None:
    assert authenticate(keyed, make_form()) == expected


def _claims(**changes: Any) -> str:
    return sign(assertion_claims("site-keys", TOKEN_URL, **changes), RSA_KEY, kid="rsa-1")


REFUSED: list[tuple[str, Callable[[], tuple[dict[str, str], str]], str]] = [
    ("expired", lambda: (assertion_form(_claims(iat=NOW - 400, exp=NOW - 100)), ""),
     "client_assertion: it has expired (exp is past)."),
    ("lives too long", lambda: (assertion_form(_claims(exp=int(time.time()) + 3600)), ""),
     "client_assertion: it must expire within 300 seconds of iat and of now."),
    ("exp far after an old iat", lambda: (assertion_form(
        _claims(iat=int(time.time()) - 300, exp=int(time.time()) + 200)), ""),
     "client_assertion: it must expire within 300 seconds of iat and of now."),
    ("iat in the future", lambda: (assertion_form(
        _claims(iat=int(time.time()) + 120, exp=int(time.time()) + 180)), ""),
     "client_assertion: iat is in the future."),
    ("no iat", lambda: (assertion_form(_claims(iat=None)), ""),
     "client_assertion: the iat claim is missing."),
    ("wrong aud", lambda: (assertion_form(sign(assertion_claims(
        "site-keys", "https://elsewhere.example/token"), RSA_KEY, kid="rsa-1")), ""),
     f"client_assertion: aud must contain the token endpoint {TOKEN_URL} or the issuer {ISSUER}."),
    ("unknown kid", lambda: (assertion_form(sign(assertion_claims("site-keys", TOKEN_URL),
                                                 RSA_KEY, kid="nope")), ""),
     "client_assertion: its kid is not one of the client's registered keys."),
    ("bad signature", lambda: (assertion_form(sign(assertion_claims("site-keys", TOKEN_URL),
                                                   STRANGER, kid="rsa-1")), ""),
     "client_assertion: the signature does not verify with the client's registered keys."),
    ("no kid, no key verifies", lambda: (assertion_form(sign(
        assertion_claims("site-keys", TOKEN_URL), STRANGER)), ""),
     "client_assertion: the signature does not verify with the client's registered keys."),
    ("a kid of another key type", lambda: (assertion_form(sign(
        assertion_claims("site-keys", TOKEN_URL), EC_KEY, alg="ES256", kid="rsa-1")), ""),
     "client_assertion: its alg does not fit the key its kid names."),
    ("wrong iss", lambda: (assertion_form(_claims(iss="site-bare"), client_id="site-keys"), ""),
     "client_assertion: iss must be the client id."),
    ("wrong sub", lambda: (assertion_form(_claims(sub="someone")), ""),
     "client_assertion: sub must be the client id."),
    ("client_id differs from iss", lambda: (assertion_form(_claims(), client_id="site-bare"), ""),
     "client_assertion: iss must be the client id."),
    ("no jti", lambda: (assertion_form(_claims(jti=None)), ""),
     "client_assertion: the jti claim is missing."),
    ("no exp", lambda: (assertion_form(_claims(exp=None)), ""),
     "client_assertion: the exp claim is missing."),
    ("jti too long", lambda: (assertion_form(_claims(jti="x" * 256)), ""),
     "client_assertion: jti must be a string of 1 to 255 characters."),
    ("client_secret_jwt", lambda: (assertion_form(sign(assertion_claims("site-keys", TOKEN_URL),
                                                       SECRET, alg="HS256")), ""),
     "client_assertion: client_secret_jwt (HMAC) is not supported, as Loket keeps only a hash "
     "of client secrets; use private_key_jwt."),
    ("alg none", lambda: (assertion_form(sign(assertion_claims("site-keys", TOKEN_URL), None,
                                              alg="none")), ""),
     "client_assertion: alg must be one of RS256, PS256, ES256."),
    ("not a JWT", lambda: (assertion_form("abc"), ""),
     "client_assertion: The token is not a signed JWT."),
    ("no assertion", lambda: ({"client_assertion_type": ASSERTION_TYPE}, ""),
     "client_assertion is missing."),
    ("another assertion type", lambda: (
        {"client_assertion_type": "urn:x:saml", "client_assertion": good()}, ""),
     "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer."),
    ("an unknown client", lambda: (assertion_form(sign(assertion_claims("nobody", TOKEN_URL),
                                                       RSA_KEY, kid="rsa-1")), ""),
     "Client authentication failed."),
    ("a client without keys", lambda: (assertion_form(sign(assertion_claims("site-bare", TOKEN_URL),
                                                           RSA_KEY, kid="rsa-1")), ""),
     "This client has registered no public keys for private_key_jwt."),
    ("private_key_jwt only: secret by post",
     lambda: ({"client_id": "site-pkj", "client_secret": SECRET}, ""),
     "This client authenticates with private_key_jwt only: send client_assertion_type and a "
     "client_assertion signed with one of its registered keys."),
    ("private_key_jwt only: secret by basic", lambda: ({}, basic("site-pkj", SECRET)),
     "This client authenticates with private_key_jwt only: send client_assertion_type and a "
     "client_assertion signed with one of its registered keys."),
]


@pytest.mark.parametrize(("make", "description"), [row[1:] for row in REFUSED],
                         ids=[row[0] for row in REFUSED])
def test_refused_assertions(keyed: Flask, make: Callable[[], tuple[dict[str, str], str]],
                            description: str) -> None:
    form, header = make()
    with pytest.raises(InvalidClient) as caught:
        authenticate(keyed, form, header)
    assert caught.value.status == 401 and caught.value.error == "invalid_client"
    assert caught.value.description == description
    assert str(caught.value.description).isascii()


def test_an_assertion_beside_a_secret_is_one_method_too_many(keyed: Flask) -> None:
    with pytest.raises(OAuthError) as caught:
        authenticate(keyed, assertion_form(good(), client_secret=SECRET))
    assert (caught.value.error, caught.value.description) == (
        "invalid_request", "Use one client authentication method.")
    with pytest.raises(OAuthError) as caught:
        authenticate(keyed, assertion_form(good()), basic("site-keys", SECRET))
    assert caught.value.error == "invalid_request"


def test_an_endpoint_without_assertions_refuses_them(keyed: Flask) -> None:
    with pytest.raises(InvalidClient) as caught:
        authenticate(keyed, assertion_form(good()), accepts_assertions=False)
    assert caught.value.description == "This endpoint does not accept client assertions."


def test_a_replayed_assertion_is_refused_and_old_jtis_are_pruned(keyed: Flask) -> None:
    with db.database(keyed).transaction() as session:
        session.add(ClientAssertionJti(client_id="site-keys", jti="long-gone",
                                       expires_at=int(time.time()) - 1))
        session.add(ClientAssertionJti(client_id="site-pkj", jti="other-client",
                                       expires_at=int(time.time()) - 1))
    token = good(jti="once")
    assert authenticate(keyed, assertion_form(token)) == "site-keys"
    with pytest.raises(InvalidClient) as caught:
        authenticate(keyed, assertion_form(token))
    assert caught.value.description == (
        "client_assertion: its jti was used already (a replayed assertion is refused; sign a new "
        "one for every request).")
    # the same jti from another client is its own
    assert authenticate(keyed, assertion_form(good("site-pkj", jti="once"))) == "site-pkj"
    with db.database(keyed).transaction() as session:
        kept = session.execute(select(ClientAssertionJti.client_id, ClientAssertionJti.jti)
                               .order_by(ClientAssertionJti.client_id)).all()
    assert [tuple(row) for row in kept] == [("site-keys", "once"), ("site-pkj", "once")]


def test_db_prune_removes_every_expired_jti(keyed: Flask) -> None:
    with db.database(keyed).transaction() as session:
        session.add(ClientAssertionJti(client_id="site-keys", jti="old",
                                       expires_at=int(time.time()) - 1))
        session.add(ClientAssertionJti(client_id="site-keys", jti="live",
                                       expires_at=int(time.time()) + 300))
    with db.database(keyed).transaction() as session:
        assert keyed.extensions["loket.provider"].prune(session)["client assertion jtis"] == 1
        assert session.scalars(select(ClientAssertionJti.jti)).all() == ["live"]


def test_private_key_jwt_at_the_token_endpoint(keyed: Flask) -> None:
    http = keyed.test_client()
    doc = http.get("/.well-known/openid-configuration").get_json()
    assert "private_key_jwt" in doc["token_endpoint_auth_methods_supported"]
    assert doc["token_endpoint_auth_signing_alg_values_supported"] == ["RS256", "PS256", "ES256"]
    token = sign(assertion_claims("site-pkj", doc["token_endpoint"]), RSA_KEY, kid="pkj-1")
    form = {"grant_type": "client_credentials", **assertion_form(token)}
    issued = http.post("/oidc/token", data=form)
    assert issued.status_code == 200, issued.get_json()
    assert issued.get_json()["scope"] == "dossiers:write"
    replayed = http.post("/oidc/token", data=form)
    assert replayed.status_code == 401
    assert replayed.get_json()["error"] == "invalid_client"
    assert "used already" in replayed.get_json()["error_description"]
    # an assertion is used up by a request that fails after it was accepted
    fresh = sign(assertion_claims("site-pkj", ISSUER), RSA_KEY, kid="pkj-1")
    bad_grant = {"grant_type": "refresh_token", "refresh_token": "x", **assertion_form(fresh)}
    assert http.post("/oidc/token", data=bad_grant).get_json()["error"] == "unauthorized_client"
    again = http.post("/oidc/token", data={"grant_type": "client_credentials",
                                           **assertion_form(fresh)})
    assert "used already" in again.get_json()["error_description"]
    secret = http.post("/oidc/token", data={"grant_type": "client_credentials"},
                       headers={"Authorization": basic("site-pkj", SECRET)})
    assert secret.status_code == 401 and "private_key_jwt only" in \
        secret.get_json()["error_description"]


def test_private_key_jwt_at_profile_token(keyed: Flask) -> None:
    """The widgets' profile-token exchange takes an assertion as the token endpoint does, and
    says what was wrong with a refused one."""
    from loket.models import Person

    with db.database(keyed).transaction() as session:
        person = session.scalars(select(Person).limit(1)).one()
        access = keyed.extensions["loket.provider"].issue_token(
            session, "site-pkj", "openid profile", person=person,
            capacity={"code": "BUR", "identifier": person.insz, "name": person.given_name})
    http = keyed.test_client()
    token = sign(assertion_claims("site-pkj", ISSUER), RSA_KEY, kid="pkj-1")
    ok = http.post("/widgets/v1/profile-token", data={"access_token": access,
                                                       **assertion_form(token)})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["widget_id"] == "site-pkj"
    replayed = http.post("/widgets/v1/profile-token", data={"access_token": access,
                                                             **assertion_form(token)})
    assert replayed.status_code == 401
    assert "used already" in replayed.get_json()["detail"]  # this endpoint's error shape
    secret = http.post("/widgets/v1/profile-token", data={"access_token": access},
                       headers={"Authorization": basic("site-pkj", SECRET)})
    assert secret.status_code == 401


# ---- loket client key ------------------------------------------------------------------------

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
    # "--": a thumbprint may start with "-" (base64url), which would read as an option
    last = cli(app, "client", "key", "remove", "site-cli", "--", thumb)
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
