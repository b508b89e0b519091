"""Federation to an upstream OpenID provider (ACM, or a Keycloak that brokers it).

The person proves who they are upstream (code flow with PKCE and nonce); Loket checks the
upstream ID token through discovery and JWKS — issuer, audience, nonce, expiry, signature,
algorithm — and maps its claims to a person. No Flask here.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlencode

import requests

from loket.identifiers import InvalidIdentifier, parse_insz
from loket.sso import jose

TIMEOUT = 5.0
CACHE_SECONDS = 300
ASSERTION_SECONDS = 60
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# Chosen from the upstream's discovery in this order when LOKET_UPSTREAM_AUTH_METHOD=auto;
# private_key_jwt only when set (the upstream must know Loket's jwks_uri first).
AUTO_METHODS = ("client_secret_basic", "client_secret_post", "client_secret_jwt")
Signer = Callable[[dict[str, Any]], str]  # signs a client assertion with Loket's own key


class UpstreamError(Exception):
    """Sign-in at the upstream failed; ``detail`` is fit to show the person."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class UpstreamConfig:
    issuer: str
    client_id: str
    client_secret: str
    insz_claim: str = "rrn"
    scope: str = "openid profile rrn"
    kind: str = "standard"        # "acm": ACM's citizen login_hint goes along
    auth_method: str = "auto"     # see AUTO_METHODS


@dataclass(frozen=True)
class UpstreamPerson:
    insz: str
    given_name: str
    family_name: str
    acr: str | None               # None: the upstream did not say (never invented)
    amr: list[str]
    auth_time: int | None
    id_token: str
    sid: str | None
    sub: str


class Upstream:
    """One upstream provider; discovery and keys are cached for a few minutes per process."""

    def __init__(self, config: UpstreamConfig) -> None:
        self.config = config
        self._metadata: tuple[float, dict[str, Any]] | None = None
        self._jwks: tuple[float, list[dict[str, Any]]] | None = None

    # ---- discovery and keys -------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        now = time.monotonic()
        if self._metadata and now - self._metadata[0] < CACHE_SECONDS:
            return self._metadata[1]
        url = f"{self.config.issuer.rstrip('/')}/.well-known/openid-configuration"
        data = self._get_json(url, "de configuratie")
        if data.get("issuer") != self.config.issuer:
            raise UpstreamError("upstream_misconfigured",
                                "De identiteitsprovider meldt een andere uitgever dan ingesteld.")
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(data.get(key), str):
                raise UpstreamError("upstream_misconfigured",
                                    f"De identiteitsprovider publiceert geen {key}.")
        self._metadata = (now, data)
        return data

    def _keys(self, refresh: bool = False) -> list[dict[str, Any]]:
        now = time.monotonic()
        if not refresh and self._jwks and now - self._jwks[0] < CACHE_SECONDS:
            return self._jwks[1]
        keys = self._get_json(self.metadata()["jwks_uri"], "de sleutels").get("keys")
        if not isinstance(keys, list):
            raise UpstreamError("upstream_misconfigured", "De sleutels van de identiteitsprovider "
                                "zijn onleesbaar.")
        self._jwks = (now, [k for k in keys if isinstance(k, dict)])
        return self._jwks[1]

    @staticmethod
    def _get_json(url: str, what: str) -> dict[str, Any]:
        try:
            response = requests.get(url, timeout=TIMEOUT)
            response.raise_for_status()
            data = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise UpstreamError("upstream_unavailable",
                                f"De identiteitsprovider is niet bereikbaar ({what}).") from exc
        if not isinstance(data, dict):
            raise UpstreamError("upstream_misconfigured", f"Onleesbaar antwoord ({what}).")
        return data

    # ---- the flow -------------------------------------------------------------------------

    def authorization_url(self, *, redirect_uri: str, state: str, nonce: str, challenge: str,
                          acr_values: list[str], prompt: str | None = None,
                          max_age: int | None = None) -> str:
        """Where to send the person; what the site asked of Loket (``acr_values``, ``prompt``,
        ``max_age``) is asked of the upstream as it is, and when and how they authenticated
        is asked for (the ``claims`` parameter, where the upstream takes it)."""
        meta = self.metadata()
        params = {
            "response_type": "code",
            "client_id": self.config.client_id,
            "redirect_uri": redirect_uri,
            "scope": self.config.scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        if self.config.kind == "acm":
            # ACM: Loket needs the natural person; capacities are Loket's own business. Any
            # other provider would take a hint as a user name (Keycloak fills it in).
            params["login_hint"] = _citizen_hint()
        if acr_values:
            params["acr_values"] = " ".join(acr_values)
        if prompt:
            params["prompt"] = prompt
        if max_age is not None:
            params["max_age"] = str(max_age)
        if meta.get("claims_parameter_supported") is True:
            asked: dict[str, Any] = {"auth_time": {"essential": True}, "amr": None,
                                     "acr": {"values": acr_values} if acr_values else None}
            params["claims"] = json.dumps({"id_token": asked}, separators=(",", ":"))
        return f"{meta['authorization_endpoint']}?{urlencode(params)}"

    def auth_method(self) -> str:
        """How Loket authenticates at the token endpoint: as configured, or the first of
        :data:`AUTO_METHODS` the upstream's discovery offers (``client_secret_basic``, the
        default of RFC 8414, when it lists none)."""
        if self.config.auth_method != "auto":
            return self.config.auth_method
        offered = self.metadata().get("token_endpoint_auth_methods_supported") or [
            "client_secret_basic"]
        for method in AUTO_METHODS:
            if method in offered:
                return method
        raise UpstreamError("upstream_misconfigured", "De identiteitsprovider biedt geen "
                            "aanmeldmethode voor toepassingen die Loket kent "
                            f"({', '.join(map(str, offered))[:200]}).")

    def algorithms(self) -> list[str]:
        """The signing algorithms the upstream's discovery advertises that Loket verifies
        (asymmetric only; RS256 when it says nothing, as OpenID Connect Discovery has it)."""
        advertised = self.metadata().get("id_token_signing_alg_values_supported") or ["RS256"]
        return [alg for alg in jose.VERIFY_ALGORITHMS if alg in advertised]

    def acr_values(self) -> list[str]:
        """The assurance levels the upstream advertises (ACM's URNs), passed on as they are."""
        try:
            values = self.metadata().get("acr_values_supported") or []
        except UpstreamError:
            return []
        return [str(v) for v in values if isinstance(v, str)][:20]

    def sign_in(self, *, code: str, verifier: str, redirect_uri: str, nonce: str,
                max_age: int | None = None, signer: Signer | None = None) -> UpstreamPerson:
        """The person the upstream signed in. ``max_age``: what was asked; an upstream that
        then does not say when the person authenticated is refused (OpenID Connect Core
        3.1.2.1 requires ``auth_time``). ``signer``: for ``private_key_jwt``."""
        tokens = self._exchange(code, verifier, redirect_uri, signer)
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise UpstreamError("upstream_token", "De identiteitsprovider gaf geen ID-token.")
        claims = self.validate_id_token(id_token, nonce)
        if max_age is not None and not isinstance(claims.get("auth_time"), int):
            raise UpstreamError("upstream_token_invalid", "De identiteitsprovider zei niet "
                                "wanneer je je aanmeldde, hoewel de website dat vroeg "
                                "(auth_time).")
        if self.config.insz_claim not in claims or "family_name" not in claims:
            claims = {**self._userinfo(tokens.get("access_token"), claims["sub"]), **claims}
        return self._person(claims, id_token)

    def client_authentication(self, signer: Signer | None = None,
                              ) -> tuple[dict[str, str], dict[str, str]]:
        """(form fields, headers) that authenticate Loket at the upstream's token endpoint."""
        method = self.auth_method()
        client_id, secret = self.config.client_id, self.config.client_secret
        if method == "client_secret_basic":
            # RFC 6749 2.3.1: both form-encoded before joining, so '+', '/', ':' survive
            raw = f"{quote_plus(client_id, safe='')}:{quote_plus(secret, safe='')}"
            return {}, {"Authorization": "Basic " + base64.b64encode(raw.encode()).decode()}
        if method == "client_secret_post":
            return {"client_id": client_id, "client_secret": secret}, {}
        now = int(time.time())
        claims = {"iss": client_id, "sub": client_id, "aud": self.metadata()["token_endpoint"],
                  "iat": now, "exp": now + ASSERTION_SECONDS, "jti": jose.new_kid()}
        if method == "client_secret_jwt":
            assertion = jose.sign_with_secret(claims, secret)
        else:
            if signer is None:
                raise UpstreamError("upstream_misconfigured", "private_key_jwt vraagt Loket's "
                                    "eigen sleutel, die hier ontbreekt.")
            assertion = signer(claims)
        return {"client_id": client_id, "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": assertion}, {}

    def _exchange(self, code: str, verifier: str, redirect_uri: str,
                  signer: Signer | None) -> dict[str, Any]:
        fields, headers = self.client_authentication(signer)
        try:
            response = requests.post(
                self.metadata()["token_endpoint"],
                data={"grant_type": "authorization_code", "code": code,
                      "redirect_uri": redirect_uri, "code_verifier": verifier, **fields},
                headers=headers,
                timeout=TIMEOUT,
            )
            data = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise UpstreamError("upstream_unavailable",
                                "De identiteitsprovider antwoordde niet op de tokenvraag.") from exc
        if response.status_code != 200 or not isinstance(data, dict):
            error = data.get("error") if isinstance(data, dict) else None
            raise UpstreamError("upstream_token",
                                f"De identiteitsprovider weigerde de code ({error or 'onbekend'}).")
        return data

    def validate_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        """Every check on the upstream's ID token; a refresh of the keys on an unknown kid."""
        claims = self._verified(id_token, ("sub", "nonce"))
        if claims.get("nonce") != nonce:
            raise UpstreamError("upstream_token_invalid",
                                "Het ID-token van de identiteitsprovider hoort niet bij deze "
                                "aanmelding (nonce).")
        azp = claims.get("azp")
        if azp is not None and azp != self.config.client_id:
            raise UpstreamError("upstream_token_invalid",
                                "Het ID-token is voor een andere toepassing bedoeld (azp).")
        return claims

    def _verified(self, token: str, require: tuple[str, ...]) -> dict[str, Any]:
        """The claims of a token the upstream signed, for Loket, with every check (issuer,
        audience, times, an advertised algorithm, ``require``d claims); the keys are fetched
        again once when the token names a key we do not have yet (rotation upstream)."""
        kwargs: dict[str, Any] = {"issuer": self.config.issuer, "audience": self.config.client_id,
                                  "require": require, "algorithms": self.algorithms()}
        try:
            try:
                return jose.verify(token, self._keys(), **kwargs)
            except jose.TokenError as exc:
                if exc.code != "unknown_key":
                    raise
                return jose.verify(token, self._keys(refresh=True), **kwargs)
        except jose.TokenError as exc:
            raise UpstreamError("upstream_token_invalid", _explain(exc)) from exc

    def _userinfo(self, access_token: Any, sub: str) -> dict[str, Any]:
        endpoint = self.metadata().get("userinfo_endpoint")
        if not endpoint or not isinstance(access_token, str):
            return {}
        try:
            response = requests.get(endpoint, headers={"Authorization": f"Bearer {access_token}"},
                                    timeout=TIMEOUT)
            data = response.json() if response.status_code == 200 else {}
        except (requests.RequestException, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("sub") != sub:
            return {}
        return data

    def _person(self, claims: dict[str, Any], id_token: str) -> UpstreamPerson:
        claim = self.config.insz_claim
        raw = claims.get(claim)
        if raw in (None, ""):
            raise UpstreamError(
                "missing_claim",
                f"De identiteitsprovider gaf geen rijksregisternummer door (claim '{claim}'). "
                "Vraag de beheerder om die claim vrij te geven voor Loket.",
            )
        try:
            insz = parse_insz(str(raw))
        except InvalidIdentifier as exc:
            raise UpstreamError("bad_claim", f"Het rijksregisternummer van de "
                                f"identiteitsprovider is ongeldig: {exc.message}") from exc
        given, family = claims.get("given_name"), claims.get("family_name")
        if not given or not family:
            missing = [n for n, v in (("given_name", given), ("family_name", family)) if not v]
            raise UpstreamError("missing_claim", "De identiteitsprovider gaf geen naam door "
                                f"(claim {', '.join(missing)}).")
        amr = claims.get("amr")
        auth_time = claims.get("auth_time")
        acr = claims.get("acr")
        return UpstreamPerson(
            insz=insz,
            given_name=str(given)[:200],
            family_name=str(family)[:200],
            # what the upstream said, or nothing: no stand-ins from iat or a made-up level
            acr=acr[:100] if isinstance(acr, str) and acr else None,
            amr=[str(a) for a in amr][:10] if isinstance(amr, list) else [],
            auth_time=auth_time if isinstance(auth_time, int) else None,
            id_token=id_token,
            sid=claims.get("sid") if isinstance(claims.get("sid"), str) else None,
            sub=str(claims["sub"]),
        )

    def validate_logout_token(self, token: str) -> dict[str, Any]:
        """A back-channel logout token from the upstream (OpenID Connect Back-Channel Logout
        2.6): its signature, issuer, audience, times, the logout event, a ``sid`` or ``sub``,
        and no ``nonce``."""
        claims = self._verified(token, ("jti", "events"))
        events = claims.get("events")
        if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_EVENT), dict):
            raise UpstreamError("upstream_token_invalid", "Dit is geen afmeldtoken (events).")
        if "nonce" in claims:
            raise UpstreamError("upstream_token_invalid", "Een afmeldtoken draagt geen nonce.")
        if not isinstance(claims.get("sid"), str) and not isinstance(claims.get("sub"), str):
            raise UpstreamError("upstream_token_invalid", "Het afmeldtoken noemt geen sessie "
                                "of persoon (sid, sub).")
        return claims

    def end_session_url(self, *, id_token_hint: str, post_logout_redirect_uri: str,
                        state: str) -> str | None:
        """Where to send the browser to end the upstream session, if the upstream supports it."""
        try:
            endpoint = self.metadata().get("end_session_endpoint")
        except UpstreamError:
            return None
        if not isinstance(endpoint, str):
            return None
        return f"{endpoint}?" + urlencode({
            "id_token_hint": id_token_hint, "post_logout_redirect_uri": post_logout_redirect_uri,
            "state": state, "client_id": self.config.client_id,
        })


def _citizen_hint() -> str:
    raw = json.dumps({"cap_hint": "BUR"}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


_EXPLAIN = {
    "expired": "het token is verlopen",
    "bad_algorithm": "het token gebruikt een algoritme dat we niet aanvaarden",
    "bad_signature": "de handtekening van het token klopt niet",
    "unknown_key": "het token is ondertekend met een onbekende sleutel",
    "bad_claims": "het token is voor een andere uitgever of toepassing bedoeld",
    "malformed": "het token is onleesbaar",
    "unsupported": "versleutelde tokens worden niet aanvaard",
    "too_large": "het token is te groot",
}


def _explain(exc: jose.TokenError) -> str:
    reason = _EXPLAIN.get(exc.code, "het token is ongeldig")
    return f"De aanmelding bij de identiteitsprovider kon niet worden gecontroleerd: {reason}."
