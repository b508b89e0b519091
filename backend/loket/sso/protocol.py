"""OpenID Connect protocol rules, without Flask or a database.

Validation of authorization and token requests, PKCE, and the errors they raise. The Flask
views in :mod:`loket.sso.views` turn these errors into redirects, pages or JSON.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from loket import inputs
from loket.errors import LoketError, Text
from loket.scopes import SERVICE_SCOPES, USER_SCOPES
from loket.translated import every_language

MAX_STATE = 4096
MAX_NONCE = 512
MAX_PARAM = 4096
MAX_STORED = 8192  # all parameters of one request that waits for sign-in, together
PROMPTS = {"none", "login", "select_account", "consent"}
_PKCE_VALUE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


class OAuthError(LoketError):
    """An error with an OAuth/OIDC error code; its JSON is OAuth's own
    ``{"error", "error_description"}`` (English ASCII for the client's developer, RFC 6749).

    ``redirect`` says whether it may be sent to the client's redirect URI (only after the
    client and redirect URI were checked); otherwise the person sees an error page, and the
    description may be a text in every language (:data:`loket.errors.Text`) written for them.
    """

    status = 400

    def __init__(self, error: str, description: Text, *, redirect: bool = True,
                 status: int | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(error, description, status, headers)
        self.redirect = redirect

    @property
    def error(self) -> str:
        return self.code

    @property
    def description(self) -> str:
        return self.detail

    def to_dict(self, lang: str = "") -> dict[str, Any]:
        return {"error": self.code, "error_description": self.detail}


class InvalidClient(OAuthError):
    """Client authentication failed; with HTTP Basic the answer asks for it again."""

    status = 401

    def __init__(self, description: str, *, basic: bool = False) -> None:
        super().__init__("invalid_client", description, redirect=False, status=401,
                         headers={"WWW-Authenticate": 'Basic realm="loket"'} if basic else None)
        self.basic = basic


class BearerError(OAuthError):
    """A protected resource refuses the access token (RFC 6750 §3): the answer says why in
    ``WWW-Authenticate`` as well."""

    def __init__(self, error: str, description: str, status: int = 401, *,
                 challenge_only: bool = False) -> None:
        # A request without any token gets the bare challenge (RFC 6750 §3.1: no error code
        # nor other error information in it); a refused token hears why.
        challenge = ('Bearer realm="loket"' if challenge_only else
                     f'Bearer realm="loket", error="{error}", error_description="{description}"')
        super().__init__(error, description, redirect=False, status=status,
                         headers={"WWW-Authenticate": challenge})


@dataclass
class AuthorizationParams:
    """A checked authorization request, kept while the person signs in or chooses."""

    client_id: str
    redirect_uri: str
    scope: list[str]
    state: str | None = None
    nonce: str | None = None
    code_challenge: str | None = None
    prompt: list[str] = field(default_factory=list)
    max_age: int | None = None
    login_hint: str | None = None
    id_token_hint: str | None = None
    acr_values: list[str] = field(default_factory=list)
    ui_locales: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuthorizationParams:
        names = cls.__dataclass_fields__.keys()
        return cls(**{k: v for k, v in data.items() if k in names})


def _single(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise OAuthError("invalid_request", f"Parameter {name!r} is given more than once.")
    return values[0] if values else None


def check_client_and_redirect(params: Mapping[str, list[str]], lookup: Any) -> tuple[Any, str]:
    """The registered client and its redirect URI, or an error for the person (no redirect).

    Nothing can be sent back to the site then, so the person reads what happened, in plain
    words and in their language (:func:`loket.translated.every_language`); the code stays the
    OAuth error's."""
    try:
        client_id = _single(params, "client_id")
        redirect_uri = _single(params, "redirect_uri")
    except OAuthError as exc:
        raise OAuthError(exc.error, every_language(
            "De website stuurde je met een onvolledige of dubbele aanvraag naar Loket. Je "
            "werd niet doorgestuurd; ga terug naar de website en probeer het opnieuw."),
            redirect=False) from exc
    if not client_id:
        raise OAuthError("invalid_request", every_language(
            "De website die je naar Loket stuurde, zei niet wie ze is (client_id). Je werd "
            "niet doorgestuurd; ga terug naar de website en probeer het opnieuw."),
            redirect=False)
    client = lookup(client_id)
    if client is None:
        raise OAuthError("invalid_client", every_language(
            "De website die je naar Loket stuurde, is niet geregistreerd bij Loket: je kunt je "
            "er niet via Loket aanmelden. Je werd niet doorgestuurd."), redirect=False)
    if "authorization_code" not in client.grant_types:
        raise OAuthError("unauthorized_client", every_language(
            "Bij %(site)s kun je je niet via Loket aanmelden: de website is daar niet voor "
            "ingesteld.", site=client.name), redirect=False)
    if not redirect_uri:
        raise OAuthError("invalid_request", every_language(
            "%(site)s zei niet naar welk adres je na het aanmelden terug moet. Je werd niet "
            "doorgestuurd.", site=client.name), redirect=False)
    if redirect_uri not in client.redirect_uris:
        raise OAuthError("invalid_request", every_language(
            "%(site)s wilde je na het aanmelden naar een adres sturen dat niet geregistreerd is "
            "bij Loket. Voor je veiligheid werd je niet doorgestuurd.", site=client.name),
            redirect=False)
    return client, redirect_uri


def parse_authorization(params: Mapping[str, list[str]], client: Any,
                        redirect_uri: str) -> AuthorizationParams:
    """Check everything after client and redirect URI; errors from here may be redirected."""
    for name in ("request", "request_uri"):
        if params.get(name):
            raise OAuthError(f"{name}_not_supported", f"Parameter {name!r} is not supported.")
    response_type = _single(params, "response_type")
    if response_type != "code":
        raise OAuthError("unsupported_response_type",
                         "Only the authorization code flow (response_type=code) is supported.")
    response_mode = _single(params, "response_mode")
    if response_mode not in (None, "query"):
        raise OAuthError("invalid_request", "Only response_mode=query is supported.")
    state = _single(params, "state")
    if state is not None and len(state) > MAX_STATE:
        raise OAuthError("invalid_request", f"state is longer than {MAX_STATE} characters.")
    scope = parse_scope(_single(params, "scope"), client, user=True)
    nonce = _single(params, "nonce")
    if nonce is not None and len(nonce) > MAX_NONCE:
        raise OAuthError("invalid_request", f"nonce is longer than {MAX_NONCE} characters.")
    challenge = _single(params, "code_challenge")
    method = _single(params, "code_challenge_method")
    if method is not None and method != "S256":
        raise OAuthError("invalid_request", "Only PKCE with code_challenge_method=S256 is supported.")
    if challenge is None and method is not None:
        raise OAuthError("invalid_request", "code_challenge_method is given without code_challenge.")
    if challenge is not None:
        if method is None:
            raise OAuthError("invalid_request", "PKCE needs code_challenge_method=S256 "
                             "(plain is not supported).")
        if not re.fullmatch(r"[A-Za-z0-9\-_]{43}", challenge):
            raise OAuthError("invalid_request", "code_challenge is not a base64url SHA-256 value.")
    elif client.public or client.pkce_required:
        # every client unless registered otherwise: a code without a verifier is worth stealing
        raise OAuthError("invalid_request", "PKCE is required: send code_challenge with "
                         "code_challenge_method=S256.")
    prompt = (_single(params, "prompt") or "").split()
    unknown = [p for p in prompt if p not in PROMPTS]
    if unknown:
        raise OAuthError("invalid_request", f"Unknown prompt value {unknown[0]!r}.")
    if "none" in prompt and len(prompt) > 1:
        raise OAuthError("invalid_request", "prompt=none cannot be combined with other values.")
    max_age_raw = _single(params, "max_age")
    max_age = None
    if max_age_raw is not None:
        max_age = inputs.whole_number_or_none(max_age_raw, max_digits=9)
        if max_age is None:
            raise OAuthError("invalid_request", "max_age must be a whole number of seconds.")
    values = {}
    for name in ("login_hint", "id_token_hint", "acr_values", "ui_locales"):
        value = _single(params, name)
        if value is not None and len(value) > MAX_PARAM:
            raise OAuthError("invalid_request", f"{name} is too long.")
        values[name] = value
    stored = sum(len(v or "") for v in (state, nonce, *values.values()))
    if stored > MAX_STORED:
        raise OAuthError("invalid_request", "The request's parameters are too long together.")
    return AuthorizationParams(
        client_id=client.id,
        redirect_uri=redirect_uri,
        scope=scope,
        state=state,
        nonce=nonce,
        code_challenge=challenge,
        prompt=prompt,
        max_age=max_age,
        login_hint=values["login_hint"],
        id_token_hint=values["id_token_hint"],
        acr_values=(values["acr_values"] or "").split(),
        ui_locales=values["ui_locales"],
    )


def parse_scope(raw: str | None, client: Any, *, user: bool) -> list[str]:
    """Requested scopes, each allowed for the client; ``openid`` required for users.

    A sign-in ignores scopes it does not know (OpenID Connect Core 3.1.2.1: ``email``, or a
    library's default set, must not break it); the token answer's ``scope`` says what was
    granted. A back office's unknown scope is refused: it is a configuration to correct."""
    if raw is not None and len(raw) > 1000:
        raise OAuthError("invalid_scope", "scope is too long.")
    scopes = list(dict.fromkeys((raw or "").split()))
    known = USER_SCOPES if user else SERVICE_SCOPES
    if user:
        # offline_access too, from a site not registered for refresh tokens (OpenID Connect
        # Core 11: the request for offline access may be ignored)
        scopes = [scope for scope in scopes if scope in known
                  and (scope != "offline_access" or scope in client.scopes)]
    for scope in scopes:
        if scope not in known:
            raise OAuthError("invalid_scope", f"Scope {scope!r} is not known here.")
        if scope not in client.scopes:
            raise OAuthError("invalid_scope", f"This client may not ask for scope {scope!r}.")
    if user and "openid" not in scopes:
        raise OAuthError("invalid_scope", "The openid scope is required.")
    return scopes


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def check_pkce(stored_challenge: str | None, verifier: str | None) -> None:
    """The verifier must match the challenge; a verifier without challenge is a downgrade."""
    if stored_challenge is None:
        if verifier is not None:
            raise OAuthError("invalid_grant", "code_verifier given, but no PKCE was used.")
        return
    if verifier is None:
        raise OAuthError("invalid_grant", "code_verifier is missing.")
    if not _PKCE_VALUE.match(verifier):
        raise OAuthError("invalid_grant", "code_verifier is not a valid PKCE verifier.")
    if not hmac.compare_digest(pkce_challenge(verifier), stored_challenge):
        raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge.")


def add_query(url: str, values: Mapping[str, str | None]) -> str:
    """``url`` with ``values`` added to its query (keeping what it had)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in values.items() if v is not None]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def error_redirect(params_redirect_uri: str, error: OAuthError, state: str | None,
                   issuer: str) -> str:
    return add_query(params_redirect_uri, {
        "error": error.error,
        "error_description": error.description,
        "state": state,
        "iss": issuer,
    })
