"""Public keys of clients, for ``private_key_jwt`` (RFC 7523, OpenID Connect Core 9).

A client's keys are stored as a JWK Set in ``clients.jwks``. Only public keys are accepted: a
JWK with any private member is refused whole. RSA keys need at least 2048 bits, EC keys the
P-256 curve; each key gets a ``kid`` (its RFC 7638 thumbprint when the file names none). What
is stored is the key's public members, ``kid``, ``use: sig`` and ``alg`` when the file gave one.

Keys are checked here with ``cryptography`` alone; verifying signatures with them is
:mod:`loket.sso.jose`'s work.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from loket.clients import ClientError
from loket.models import Client

MIN_RSA_BITS = 2048
MAX_RSA_BITS = 8192
MAX_KEYS = 10
# the algorithms a key of each type may name in its "alg"; PS256 verifies once
# loket.sso.jose accepts it (clientauth checks the token's algorithm against jose's list)
KEY_ALGORITHMS = {"RSA": ("RS256", "PS256"), "EC": ("ES256",)}
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_KID = re.compile(r"^[\x21-\x7e]{1,128}$")


def _b64url_int(value: object, what: str) -> int:
    return int.from_bytes(_b64url_bytes(value, what), "big")


def _b64url_bytes(value: object, what: str) -> bytes:
    if not isinstance(value, str) or not value or not re.fullmatch(r"[A-Za-z0-9_-]+", value):
        raise ClientError(f"{what}: must be a base64url string (no padding).")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ClientError(f"{what}: not valid base64url.") from exc


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 thumbprint (SHA-256, base64url) of a public RSA or EC key."""
    members = ("e", "kty", "n") if jwk["kty"] == "RSA" else ("crv", "kty", "x", "y")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def check_key(raw: object, where: str = "key") -> dict[str, Any]:
    """One public JWK, checked and reduced to what is stored; :class:`ClientError` says why
    a key cannot be used."""
    if not isinstance(raw, dict):
        raise ClientError(f"{where}: a JWK is a JSON object.")
    kty = raw.get("kty")
    if kty == "oct":
        raise ClientError(f"{where}: symmetric keys (kty 'oct') are not accepted; register the "
                          "public key of a key pair.")
    private = [m for m in PRIVATE_MEMBERS if m in raw]
    if private:
        raise ClientError(
            f"{where}: this is a private key (it has {', '.join(repr(m) for m in private)}); "
            "register only the public key, and keep the private key with the client.")
    if kty not in KEY_ALGORITHMS:
        raise ClientError(f"{where}: kty must be 'RSA' or 'EC', got {kty!r}.")
    key: dict[str, Any] = {"kty": kty}
    if kty == "RSA":
        n = _b64url_int(raw.get("n"), f"{where}: n")
        e = _b64url_int(raw.get("e"), f"{where}: e")
        if n.bit_length() < MIN_RSA_BITS:
            raise ClientError(f"{where}: the RSA key has {n.bit_length()} bits; at least "
                              f"{MIN_RSA_BITS} are needed.")
        if n.bit_length() > MAX_RSA_BITS:
            raise ClientError(f"{where}: the RSA key has more than {MAX_RSA_BITS} bits.")
        try:
            rsa.RSAPublicNumbers(e, n).public_key()
        except ValueError as exc:
            raise ClientError(f"{where}: not a valid RSA public key ({exc}).") from exc
        key.update({"n": raw["n"], "e": raw["e"]})
    else:
        if raw.get("crv") != "P-256":
            raise ClientError(f"{where}: EC keys must use the P-256 curve, got "
                              f"{raw.get('crv')!r}.")
        x_bytes = _b64url_bytes(raw.get("x"), f"{where}: x")
        y_bytes = _b64url_bytes(raw.get("y"), f"{where}: y")
        if len(x_bytes) != 32 or len(y_bytes) != 32:
            raise ClientError(f"{where}: x and y of a P-256 key are 32 bytes each.")
        try:
            ec.EllipticCurvePublicNumbers(
                int.from_bytes(x_bytes, "big"), int.from_bytes(y_bytes, "big"), ec.SECP256R1()
            ).public_key()
        except ValueError as exc:
            raise ClientError(f"{where}: the point is not on the P-256 curve.") from exc
        key.update({"crv": "P-256", "x": raw["x"], "y": raw["y"]})
    alg = raw.get("alg")
    if alg is not None:
        if alg not in KEY_ALGORITHMS[kty]:
            raise ClientError(f"{where}: alg {alg!r} does not fit a {kty} key; use "
                              f"{' or '.join(KEY_ALGORITHMS[kty])}, or leave alg out.")
        key["alg"] = alg
    use = raw.get("use")
    if use is not None and use != "sig":
        raise ClientError(f"{where}: use must be 'sig' (the key signs client assertions).")
    ops = raw.get("key_ops")
    if ops is not None and (not isinstance(ops, list) or "verify" not in ops):
        raise ClientError(f"{where}: key_ops must include 'verify'.")
    kid = raw.get("kid")
    if kid is None:
        kid = thumbprint(key)
    elif not isinstance(kid, str) or not _KID.match(kid):
        raise ClientError(f"{where}: kid must be 1 to 128 printable ASCII characters "
                          "without spaces.")
    key["kid"] = kid
    key["use"] = "sig"
    return key


def read_keys(text: str, source: str) -> list[dict[str, Any]]:
    """The keys of a JWK or JWK Set file, every one checked; nothing when any fails."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClientError(f"{source}: not valid JSON (line {exc.lineno}: {exc.msg}).") from exc
    if isinstance(raw, dict) and "keys" in raw:
        if not isinstance(raw["keys"], list) or not raw["keys"]:
            raise ClientError(f"{source}: 'keys' must be a non-empty list of JWKs.")
        items = raw["keys"]
        keys = [check_key(item, f"{source}: key {i + 1}") for i, item in enumerate(items)]
    else:
        keys = [check_key(raw, source)]
    _check_distinct(keys, source)
    return keys


def _check_distinct(keys: list[dict[str, Any]], where: str) -> None:
    kids: set[str] = set()
    prints: dict[str, str] = {}
    for key in keys:
        if key["kid"] in kids:
            raise ClientError(f"{where}: kid {key['kid']!r} is given to two keys.")
        kids.add(key["kid"])
        print_ = thumbprint(key)
        if print_ in prints:
            raise ClientError(f"{where}: the same key is given twice (kids {prints[print_]!r} "
                              f"and {key['kid']!r}).")
        prints[print_] = key["kid"]
    if len(keys) > MAX_KEYS:
        raise ClientError(f"{where}: at most {MAX_KEYS} keys per client.")


def keys_of(client: Client) -> list[dict[str, Any]]:
    return [dict(k) for k in (client.jwks or {}).get("keys", [])]


def add_keys(client: Client, new: list[dict[str, Any]]) -> None:
    """Add checked keys to a confidential client; a kid or key it has already is refused."""
    if client.public:
        raise ClientError(f"{client.id!r} is a public client: it has no secret and cannot "
                          "authenticate with keys either.")
    combined = keys_of(client) + new
    _check_distinct(combined, client.id)
    client.jwks = {"keys": combined}


def remove_key(client: Client, kid: str) -> dict[str, Any]:
    """Remove the key ``kid``; a private_key_jwt client keeps at least one."""
    keys = keys_of(client)
    found = [k for k in keys if k["kid"] == kid]
    if not found:
        known = ", ".join(repr(k["kid"]) for k in keys) or "none"
        raise ClientError(f"{client.id!r} has no key with kid {kid!r} (its kids: {known}).")
    rest = [k for k in keys if k["kid"] != kid]
    if not rest and client.auth_method == "private_key_jwt":
        raise ClientError(f"{kid!r} is the last key of {client.id!r}, which authenticates with "
                          "private_key_jwt only: add its new key first.")
    client.jwks = {"keys": rest} if rest else None
    return found[0]
