"""Every JOSE operation of the service, and the only module that imports python-jose.

python-jose's defaults are unsafe, so nothing here relies on them: the accepted algorithms are
pinned per call (asymmetric only, never ``none`` or HS*), the key is chosen by ``kid`` from keys
we trust and must be of the algorithm the header names, JWE (five-part tokens) is refused before
parsing, and audience, issuer, expiry and issued-at are required and checked.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from jose import jwk as _jwk
from jose import jwt as _jwt
from jose.exceptions import ExpiredSignatureError, JWTClaimsError, JWTError

SIGNING_ALGORITHMS = ("RS256", "ES256")  # what Loket signs with, and accepts of its own tokens
# What another issuer (an upstream provider, a client's assertion) may sign with, where the
# caller pins which of these it accepts: asymmetric only. python-jose has no RSASSA-PSS, so
# PS* signatures are checked with cryptography here, the claims then as for every token.
VERIFY_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                     "ES256", "ES384", "ES512")
_HASHES: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
MAX_TOKEN_BYTES = 16 * 1024
_REQUIRED = ("iss", "aud", "exp", "iat")


class TokenError(Exception):
    """A token that must not be trusted; ``code`` names why."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_kid() -> str:
    return secrets.token_urlsafe(12)


def generate_private_key(alg: str = "RS256") -> str:
    """A new private key as PKCS#8 PEM (RSA 2048 for RS256, P-256 for ES256)."""
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    if alg == "RS256":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif alg == "ES256":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        raise ValueError(f"unsupported signing algorithm {alg}")
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_jwk(private_pem: str, alg: str, kid: str) -> dict[str, Any]:
    """The public half of a private key as a JWK with ``kid``, ``alg`` and ``use``."""
    key = _jwk.construct(private_pem, alg)
    public = key.public_key().to_dict()
    public.update({"kid": kid, "alg": alg, "use": "sig"})
    return {k: v.decode() if isinstance(v, bytes) else v for k, v in public.items()}


def signing_key(private_pem: str, alg: str) -> Any:
    """A private key parsed once: loading a PEM validates the RSA key, which costs ~30 ms."""
    if alg not in SIGNING_ALGORITHMS:
        raise ValueError(f"refusing to sign with {alg}")
    return _jwk.construct(private_pem, alg)


def sign(claims: Mapping[str, Any], key: Any, kid: str, alg: str,
         typ: str | None = None) -> str:
    """A compact JWS of ``claims``, signed with ``key`` (from :func:`signing_key`, or a PEM)."""
    if alg not in SIGNING_ALGORITHMS:
        raise ValueError(f"refusing to sign with {alg}")
    headers: dict[str, Any] = {"kid": kid}
    if typ:
        headers["typ"] = typ
    return str(_jwt.encode(dict(claims), key, algorithm=alg, headers=headers))


def sign_with_secret(claims: Mapping[str, Any], secret: str) -> str:
    """A client assertion for ``client_secret_jwt`` at another provider (HS256 with the
    secret it gave us): the one HMAC token Loket makes, and never one it accepts."""
    return str(_jwt.encode(dict(claims), secret, algorithm="HS256"))


def token_hash(value: str, alg: str = "RS256") -> str:
    """``at_hash`` / ``c_hash``: left half of the SHA-256 of the value, base64url."""
    if alg not in SIGNING_ALGORITHMS:
        raise ValueError(alg)
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return b64url(digest[: len(digest) // 2])


def unverified_header(token: str) -> dict[str, Any]:
    """The JOSE header, for choosing a key; never trust anything else in it."""
    _check_shape(token)
    try:
        header = _jwt.get_unverified_header(token)
    except JWTError as exc:
        raise TokenError("malformed", "The token's header cannot be read.") from exc
    if not isinstance(header, dict):
        raise TokenError("malformed", "The token's header is not an object.")
    return header


def unverified_claims(token: str) -> dict[str, Any]:
    """The payload without any check: only for choosing which issuer's keys to verify with."""
    _check_shape(token)
    try:
        claims = json.loads(b64url_decode(token.split(".")[1]))
    except (ValueError, UnicodeDecodeError) as exc:
        raise TokenError("malformed", "The token's payload cannot be read.") from exc
    if not isinstance(claims, dict):
        raise TokenError("malformed", "The token's payload is not an object.")
    return claims


def _check_shape(token: object) -> None:
    if not isinstance(token, str) or not token:
        raise TokenError("malformed", "No token given.")
    if len(token) > MAX_TOKEN_BYTES:
        raise TokenError("too_large", "The token is too large.")
    parts = token.split(".")
    if len(parts) == 5:
        raise TokenError("unsupported", "Encrypted tokens (JWE) are not accepted.")
    if len(parts) != 3 or not all(parts[:2]):
        raise TokenError("malformed", "The token is not a signed JWT.")


def _verify_pss(token: str, key: Mapping[str, Any], alg: str) -> None:
    """An RSASSA-PSS signature (RFC 7518 3.5: MGF1 with the same hash, salt as long as it)."""
    try:
        numbers = rsa.RSAPublicNumbers(int.from_bytes(b64url_decode(str(key["e"])), "big"),
                                       int.from_bytes(b64url_decode(str(key["n"])), "big"))
        public = numbers.public_key()
        head, payload, signature = token.split(".")
        digest = _HASHES[alg[2:]]()
        public.verify(b64url_decode(signature), f"{head}.{payload}".encode("ascii"),
                      padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size),
                      digest)
    except (InvalidSignature, KeyError, ValueError, TypeError) as exc:
        raise TokenError("bad_signature", "The token's signature is not valid.") from exc
    if public.key_size < 2048:
        raise TokenError("bad_signature", "The token's RSA key is shorter than 2048 bits.")


def verify(
    token: str,
    keys: Iterable[Mapping[str, Any]],
    *,
    issuer: str,
    audience: str | None,
    algorithms: Iterable[str] = SIGNING_ALGORITHMS,
    verify_exp: bool = True,
    require: Iterable[str] = (),
    access_token: str | None = None,
    leeway: int = 30,
) -> dict[str, Any]:
    """Claims of a token signed by one of ``keys`` (public JWKs), after every check.

    ``audience=None`` is allowed only for our own tokens whose audience the caller checks
    itself (``id_token_hint`` at logout, where any of our clients may be the audience).
    ``algorithms``: what the caller accepts, among :data:`VERIFY_ALGORITHMS`.
    """
    allowed = [alg for alg in algorithms if alg in VERIFY_ALGORITHMS]
    header = unverified_header(token)
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in allowed:
        raise TokenError("bad_algorithm", f"Algorithm {alg!r} is not accepted.")
    if "crit" in header:
        raise TokenError("unsupported", "Critical header parameters are not supported.")
    kid = header.get("kid")
    candidates = [dict(k) for k in keys if kid is None or k.get("kid") == kid]
    if not candidates:
        raise TokenError("unknown_key", "The token was signed with a key we do not know.")
    if kid is None and len(candidates) != 1:
        raise TokenError("unknown_key", "The token names no key and several could apply.")
    key = candidates[0]
    if key.get("alg", alg) != alg or key.get("kty") != ("EC" if alg.startswith("ES") else "RSA"):
        raise TokenError("bad_algorithm", "The token's algorithm does not match its key.")
    pss = alg.startswith("PS")
    if pss:
        _verify_pss(token, key, alg)
    options = {
        "verify_signature": not pss,  # PS*: checked above
        "verify_aud": audience is not None,
        "verify_iat": True,
        "verify_exp": verify_exp,
        "verify_nbf": True,
        "verify_iss": True,
        "verify_sub": True,
        "verify_jti": True,
        "verify_at_hash": access_token is not None,
        "leeway": leeway,
    }
    for claim in set(_REQUIRED) | set(require):
        if claim == "aud" and audience is None:
            continue
        if claim == "exp" and not verify_exp:
            continue
        options[f"require_{claim}"] = True
    try:
        claims = _jwt.decode(
            token,
            key,
            algorithms=[alg],
            options=options,
            audience=audience,
            issuer=issuer,
            access_token=access_token,
        )
    except ExpiredSignatureError as exc:
        raise TokenError("expired", "The token has expired.") from exc
    except JWTClaimsError as exc:
        raise TokenError("bad_claims", f"The token's claims are not valid: {exc}.") from exc
    except JWTError as exc:
        raise TokenError("bad_signature", "The token's signature is not valid.") from exc
    for claim in require:
        if claim not in claims:
            raise TokenError("bad_claims", f"The token has no {claim!r} claim.")
    if not isinstance(claims.get("iat"), int | float):
        raise TokenError("bad_claims", "The token's 'iat' is not a number.")
    if verify_exp and claims["exp"] <= claims["iat"]:
        raise TokenError("bad_claims", "The token expires before it was issued.")
    return dict(claims)
