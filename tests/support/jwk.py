"""Client keys and client assertions made independently of Loket's own JOSE code: JWKs from
``cryptography`` keys, and compact JWS signed by hand (so a test can also make the headers a
library never would: no kid, HS256, ``none``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int(value: int, size: int | None = None) -> str:
    return b64(value.to_bytes(size or (value.bit_length() + 7) // 8, "big"))


def public_jwk(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
               kid: str | None = None) -> dict[str, Any]:
    if isinstance(key, rsa.RSAPrivateKey):
        numbers = key.public_key().public_numbers()
        jwk: dict[str, Any] = {"kty": "RSA", "n": _int(numbers.n), "e": _int(numbers.e)}
    else:
        point = key.public_key().public_numbers()
        size = (key.curve.key_size + 7) // 8
        jwk = {"kty": "EC", "crv": f"P-{key.curve.key_size}", "x": _int(point.x, size),
               "y": _int(point.y, size)}
    if kid:
        jwk["kid"] = kid
    return jwk


def private_rsa_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    """The whole key as a JWK, as a client keeps it (and as WebCrypto imports it)."""
    private = key.private_numbers()
    return {**public_jwk(key, kid), "alg": "RS256", "d": _int(private.d), "p": _int(private.p),
            "q": _int(private.q), "dp": _int(private.dmp1), "dq": _int(private.dmq1),
            "qi": _int(private.iqmp)}


def sign(claims: dict[str, Any], key: Any, *, alg: str = "RS256", kid: str | None = None) -> str:
    header: dict[str, Any] = {"alg": alg, "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    signing_input = (f"{b64(json.dumps(header).encode())}."
                     f"{b64(json.dumps(claims).encode())}").encode("ascii")
    if alg == "RS256":
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    elif alg == "ES256":
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    elif alg == "HS256":
        signature = hmac.new(key.encode(), signing_input, hashlib.sha256).digest()
    else:  # "none"
        signature = b""
    return f"{signing_input.decode('ascii')}.{b64(signature)}"


def assertion_claims(client_id: str, audience: Any, **changes: Any) -> dict[str, Any]:
    """Claims of a good assertion; ``changes`` replace some (None removes one)."""
    now = int(time.time())
    claims: dict[str, Any] = {"iss": client_id, "sub": client_id, "aud": audience,
                              "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}
