"""What Loket sends an upstream provider, without one: the hint only to ACM, the site's max_age
as max_age (no prompt=login), the claims it needs asked for, client authentication as the
upstream offers it (Basic form-encoded, RFC 6749 2.3.1), and PS256 verified."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from loket.sso import jose
from loket.sso.upstream import Upstream, UpstreamConfig, UpstreamError

META = {"issuer": "https://idp.example", "authorization_endpoint": "https://idp.example/auth",
        "token_endpoint": "https://idp.example/token", "jwks_uri": "https://idp.example/jwks"}


def upstream(meta: dict | None = None, **config: str) -> Upstream:
    made = Upstream(UpstreamConfig(issuer="https://idp.example", client_id="loket",
                                   client_secret="a+b/c=d:e&f", **config))  # type: ignore[arg-type]
    made._metadata = (time.monotonic(), {**META, **(meta or {})})
    return made


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def authorize(made: Upstream, **kw) -> dict[str, str]:
    return query(made.authorization_url(redirect_uri="https://loket/cb", state="s", nonce="n",
                                        challenge="c" * 43, acr_values=kw.pop("acr", []), **kw))


def test_the_citizen_hint_goes_to_acm_only() -> None:
    assert "login_hint" not in authorize(upstream())
    hint = authorize(upstream(kind="acm"))["login_hint"]
    assert json.loads(base64.urlsafe_b64decode(hint + "==")) == {"cap_hint": "BUR"}


def test_max_age_is_forwarded_as_max_age_and_claims_are_asked_when_supported() -> None:
    sent = authorize(upstream({"claims_parameter_supported": True}), max_age=300,
                     acr=["urn:be:vlaanderen:authmech:eid"])
    assert sent["max_age"] == "300" and "prompt" not in sent
    asked = json.loads(sent["claims"])["id_token"]
    assert asked["auth_time"] == {"essential": True}
    assert asked["acr"] == {"values": ["urn:be:vlaanderen:authmech:eid"]}
    assert "claims" not in authorize(upstream())  # not offered: not sent


@pytest.mark.parametrize(("offered", "method"), [
    (None, "client_secret_basic"),
    (["client_secret_post", "private_key_jwt"], "client_secret_post"),
    (["client_secret_jwt"], "client_secret_jwt"),
])
def test_auto_picks_what_the_upstream_offers(offered, method) -> None:
    meta = {"token_endpoint_auth_methods_supported": offered} if offered else {}
    assert upstream(meta).auth_method() == method


def test_nothing_we_know_offered_is_a_clear_error() -> None:
    with pytest.raises(UpstreamError) as caught:
        upstream({"token_endpoint_auth_methods_supported": ["tls_client_auth"]}).auth_method()
    assert "tls_client_auth" in caught.value.detail


def test_basic_form_encodes_before_joining() -> None:
    fields, headers = upstream(auth_method="client_secret_basic").client_authentication()
    raw = base64.b64decode(headers["Authorization"].removeprefix("Basic ")).decode()
    client_id, secret = raw.split(":")
    assert "+" not in secret and "/" not in secret and ":" not in secret
    assert unquote_plus(secret) == "a+b/c=d:e&f" and client_id == "loket" and fields == {}


def test_client_secret_jwt_and_private_key_jwt_assertions() -> None:
    fields, _ = upstream(auth_method="client_secret_jwt").client_authentication()
    claims = jose.unverified_claims(fields["client_assertion"])
    assert claims["iss"] == claims["sub"] == "loket" and claims["aud"] == META["token_endpoint"]
    assert claims["exp"] - claims["iat"] <= 60 and claims["jti"]
    assert jose.unverified_header(fields["client_assertion"])["alg"] == "HS256"
    with pytest.raises(UpstreamError):
        upstream(auth_method="private_key_jwt").client_authentication(None)
    signed, _ = upstream(auth_method="private_key_jwt").client_authentication(
        lambda c: "signed:" + c["jti"])
    assert signed["client_assertion"].startswith("signed:")


def test_only_advertised_asymmetric_algorithms_are_accepted() -> None:
    assert upstream().algorithms() == ["RS256"]
    made = upstream({"id_token_signing_alg_values_supported": ["HS256", "PS256", "none", "ES256"]})
    assert made.algorithms() == ["PS256", "ES256"]


def _b64(n: int) -> str:
    return jose.b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def test_ps256_signatures_are_verified_and_pinned() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()
    jwk = {"kty": "RSA", "kid": "k", "n": _b64(numbers.n), "e": _b64(numbers.e)}
    now = int(time.time())
    head = jose.b64url(json.dumps({"alg": "PS256", "kid": "k"}).encode())
    body = jose.b64url(json.dumps({"iss": "i", "aud": "a", "iat": now, "exp": now + 60}).encode())
    signature = key.sign(f"{head}.{body}".encode(), padding.PSS(
        mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    token = f"{head}.{body}.{jose.b64url(signature)}"
    assert jose.verify(token, [jwk], issuer="i", audience="a", algorithms=["PS256"])["aud"] == "a"
    with pytest.raises(jose.TokenError) as default:
        jose.verify(token, [jwk], issuer="i", audience="a")  # Loket's own tokens: RS256/ES256
    assert default.value.code == "bad_algorithm"
    tampered = token[:-6] + ("A" * 6 if not token.endswith("A" * 6) else "B" * 6)
    with pytest.raises(jose.TokenError) as bad:
        jose.verify(tampered, [jwk], issuer="i", audience="a", algorithms=["PS256"])
    assert bad.value.code == "bad_signature"
    with pytest.raises(jose.TokenError) as other:
        jose.verify(token, [jwk], issuer="i", audience="b", algorithms=["PS256"])
    assert other.value.code == "bad_claims"
