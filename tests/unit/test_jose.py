"""The one JOSE module: pinned algorithms, key by kid, no JWE, claims required."""

from __future__ import annotations

import base64
import hmac
import json
import time
from hashlib import sha256

import pytest

from loket.sso import jose

ISS = "https://loket.example"


@pytest.fixture(scope="module")
def rsa() -> tuple[str, dict]:
    pem = jose.generate_private_key("RS256")
    return pem, jose.public_jwk(pem, "RS256", "k1")


@pytest.fixture(scope="module")
def ec() -> tuple[str, dict]:
    pem = jose.generate_private_key("ES256")
    return pem, jose.public_jwk(pem, "ES256", "e1")


def claims(**extra) -> dict:
    now = int(time.time())
    return {"iss": ISS, "aud": "site", "sub": "p1", "iat": now, "exp": now + 60, **extra}


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_round_trip_rs256_and_es256(rsa, ec) -> None:
    for (pem, jwk), alg in ((rsa, "RS256"), (ec, "ES256")):
        token = jose.sign(claims(), pem, jwk["kid"], alg)
        assert jose.verify(token, [jwk], issuer=ISS, audience="site")["sub"] == "p1"
        assert "d" not in jwk and jwk["use"] == "sig"


def test_alg_none_is_refused(rsa) -> None:
    token = f"{b64({'alg': 'none', 'kid': 'k1'})}.{b64(claims())}."
    with pytest.raises(jose.TokenError) as exc:
        jose.verify(token, [rsa[1]], issuer=ISS, audience="site")
    assert exc.value.code in {"bad_algorithm", "malformed"}


def test_hs256_signed_with_the_public_key_is_refused(rsa) -> None:
    """The classic key-confusion attack: HMAC keyed with the RSA public key."""
    header = b64({"alg": "HS256", "kid": "k1", "typ": "JWT"})
    payload = b64(claims())
    secret = json.dumps(rsa[1]).encode()
    sig = base64.urlsafe_b64encode(hmac.new(secret, f"{header}.{payload}".encode(), sha256)
                                   .digest()).rstrip(b"=").decode()
    with pytest.raises(jose.TokenError) as exc:
        jose.verify(f"{header}.{payload}.{sig}", [rsa[1]], issuer=ISS, audience="site")
    assert exc.value.code == "bad_algorithm"


def test_alg_must_match_the_key(rsa, ec) -> None:
    token = jose.sign(claims(), ec[0], "k1", "ES256")  # claims to be k1, the RSA key
    with pytest.raises(jose.TokenError) as exc:
        jose.verify(token, [rsa[1]], issuer=ISS, audience="site")
    assert exc.value.code == "bad_algorithm"


def test_jwe_is_refused_before_parsing(rsa) -> None:
    with pytest.raises(jose.TokenError) as exc:
        jose.verify("a.b.c.d.e", [rsa[1]], issuer=ISS, audience="site")
    assert exc.value.code == "unsupported"


def test_unknown_kid_is_refused(rsa) -> None:
    token = jose.sign(claims(), rsa[0], "other", "RS256")
    with pytest.raises(jose.TokenError) as exc:
        jose.verify(token, [rsa[1]], issuer=ISS, audience="site")
    assert exc.value.code == "unknown_key"


@pytest.mark.parametrize("change, code", [
    ({"iss": "https://evil.example"}, "bad_claims"),
    ({"aud": "other-site"}, "bad_claims"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000}, "expired"),
])
def test_wrong_issuer_audience_or_expired(rsa, change, code) -> None:
    token = jose.sign(claims(**change), rsa[0], "k1", "RS256")
    with pytest.raises(jose.TokenError) as exc:
        jose.verify(token, [rsa[1]], issuer=ISS, audience="site")
    assert exc.value.code == code


@pytest.mark.parametrize("missing", ["iss", "aud", "exp", "iat"])
def test_required_claims(rsa, missing) -> None:
    body = claims()
    del body[missing]
    token = jose.sign(body, rsa[0], "k1", "RS256")
    with pytest.raises(jose.TokenError):
        jose.verify(token, [rsa[1]], issuer=ISS, audience="site")


def test_tampered_payload_is_refused(rsa) -> None:
    token = jose.sign(claims(), rsa[0], "k1", "RS256")
    head, _, sig = token.split(".")
    with pytest.raises(jose.TokenError) as exc:
        jose.verify(f"{head}.{b64(claims(sub='p2'))}.{sig}", [rsa[1]], issuer=ISS,
                    audience="site")
    assert exc.value.code == "bad_signature"


def test_oversized_token_is_refused_without_parsing(rsa) -> None:
    with pytest.raises(jose.TokenError) as exc:
        jose.verify("a" * 20000 + ".b.c", [rsa[1]], issuer=ISS, audience="site")
    assert exc.value.code == "too_large"


def test_at_hash_is_checked(rsa) -> None:
    token = jose.sign(claims(at_hash=jose.token_hash("lat_abc")), rsa[0], "k1", "RS256")
    jose.verify(token, [rsa[1]], issuer=ISS, audience="site", access_token="lat_abc")
    with pytest.raises(jose.TokenError):
        jose.verify(token, [rsa[1]], issuer=ISS, audience="site", access_token="lat_other")


def test_refuses_to_sign_with_symmetric_or_none() -> None:
    with pytest.raises(ValueError):
        jose.sign(claims(), "secret", "k", "HS256")


def test_only_this_module_imports_python_jose() -> None:
    from pathlib import Path

    here = Path(jose.__file__).resolve()
    direct = [p for p in here.parents[1].rglob("*.py")
              if p != here and any(line.strip().startswith(("from jose", "import jose"))
                                   for line in p.read_text().splitlines())]
    assert direct == [], f"python-jose used outside sso/jose.py: {direct}"
