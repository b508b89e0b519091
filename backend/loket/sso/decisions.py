"""The provider's decisions at sign-in and logout, as functions of plain facts.

The views gather the facts (the SSO session, the request's parameters, the person's
capacities, the verified ``id_token_hint``), ask here what to do, and then act on the answer:
commit, audit, redirect or render. Nothing here knows Flask or runs a query, so every rule
can be tested with a table of cases (``tests/unit/test_signin_decisions.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from loket.errors import Text
from loket.sso.capacities import Capacity, decode_hint, find, select_named
from loket.sso.protocol import AuthorizationParams, OAuthError, add_query
from loket.translated import every_language

MAX_LOGOUT_PARAM = 4096
TEST_LOGIN_ACR = "urn:loket:acr:test-login"  # the acr of a sign-in by the built-in test login


# ---- facts the views gather -----------------------------------------------------------------

@dataclass(frozen=True)
class SessionFacts:
    """The live SSO session: whose it is, and when and how they authenticated."""

    sid: str
    sub: str
    auth_time: int | None  # None: the upstream did not say
    acr: str | None


@dataclass(frozen=True)
class HintCheck:
    """An ``id_token_hint`` after its signature was checked: its claims, or why it failed."""

    claims: Mapping[str, Any] | None = None
    error: str | None = None

    @property
    def audiences(self) -> list[Any]:
        aud = (self.claims or {}).get("aud")
        return aud if isinstance(aud, list) else [aud]


@dataclass(frozen=True)
class LogoutRequest:
    """The parameters of an RP-initiated logout (empty ones as None)."""

    id_token_hint: str | None = None
    post_logout_redirect_uri: str | None = None
    client_id: str | None = None
    state: str | None = None
    switch: bool = False  # ACM's switch: sign out of this site only, to choose anew


@dataclass(frozen=True)
class LogoutClient:
    """The client a logout request names, as far as the decision needs it."""

    id: str
    post_logout_uris: Collection[str] = field(default_factory=tuple)


class LogoutSite(Protocol):
    """A site the session was used at."""

    @property
    def id(self) -> str: ...

    @property
    def backchannel_logout_uri(self) -> str | None: ...


S = TypeVar("S", bound=LogoutSite)


# ---- decisions ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refuse:
    """Send the client this OAuth error (to its redirect URI)."""

    error: str
    description: str

    def as_error(self) -> OAuthError:
        return OAuthError(self.error, self.description)


@dataclass(frozen=True)
class SignIn:
    """The person must sign in (again) before the client gets a code."""


@dataclass(frozen=True)
class ChooseCapacity:
    """The person picks a capacity; ``hint_refused`` when a login_hint named one they lack."""

    hint_refused: bool = False


@dataclass(frozen=True)
class IssueCode:
    """Give the client a code for ``capacity``; ``selected_by`` (audited) says how it was picked."""

    capacity: Capacity
    selected_by: str  # "only", "chooser" or "login_hint"


AuthorizationDecision = SignIn | ChooseCapacity | IssueCode | Refuse


@dataclass(frozen=True)
class RefuseLogout:
    """Show the person this error; send them nowhere. ``message`` is in every language (the
    error page picks the page's), read from the catalogs without Flask."""

    error: str
    message: Text


@dataclass(frozen=True)
class ConfirmLogout:
    """Ask the person whether to sign out; the form carries ``client_id`` along."""

    client_id: str | None


@dataclass(frozen=True)
class LogOut:
    """End the session (if any) and go to ``destination``, or show our signed-out page."""

    destination: str | None


@dataclass(frozen=True)
class SwitchOut:
    """ACM's switch: sign out of ``client_id`` only (the SSO session stays), go to
    ``destination``; the site's next sign-in shows the chooser."""

    client_id: str
    destination: str | None


LogoutDecision = RefuseLogout | ConfirmLogout | LogOut | SwitchOut


@dataclass(frozen=True)
class LogoutNotice(Generic[S]):
    """A back-channel logout token to send: to ``site``, about ``sub``'s session ``sid``."""

    site: S
    sub: str
    sid: str


# ---- authorization --------------------------------------------------------------------------

def decide_sign_in(params: AuthorizationParams, session: SessionFacts | None,
                   hint: HintCheck | None, *, fresh: bool,
                   now: float) -> SignIn | Refuse | None:
    """Whether the person must sign in first; None when the session serves this request.

    ``fresh``: the person signed in for this very request, which satisfies ``prompt=login``,
    ``max_age`` and ``acr_values`` (upstream, the provider there was asked for the same).
    """
    hinted_sub = None
    if hint is not None:
        if hint.claims is None:
            return Refuse("invalid_request", f"id_token_hint is not valid: {hint.error}")
        if params.client_id not in hint.audiences:
            return Refuse("invalid_request", "id_token_hint was issued to another client.")
        hinted_sub = str(hint.claims["sub"])
    if session is None:
        stale = True
    elif hinted_sub is not None and session.sub != hinted_sub:
        if "none" in params.prompt:
            return Refuse("login_required",
                          "The signed-in person is not the one in id_token_hint.")
        stale = not fresh
    else:
        stale = not fresh and (
            "login" in params.prompt
            or (params.max_age is not None and (session.auth_time is None
                                                 or now - session.auth_time > params.max_age))
            or bool(params.acr_values and session.acr not in params.acr_values)
        )
    if not stale:
        return None
    if "none" in params.prompt:
        return Refuse("login_required", "Nobody is signed in at Loket.")
    return SignIn()


def decide_capacity(params: AuthorizationParams, caps: Sequence[Capacity],
                    chosen: Mapping[str, Any] | None,
                    last: Mapping[str, Any] | None = None, *,
                    switching: bool = False) -> IssueCode | ChooseCapacity | Refuse:
    """Which capacity the code is for, or whether the person must choose one.

    ``caps`` are the person's capacities, the citizen first; ``chosen`` is what they picked
    in the chooser for this request; ``last`` the capacity this SSO session last signed in to a
    site with. A login_hint selects a capacity only if the person holds it; otherwise they see
    the chooser, never a silent grant. A silent request (``prompt=none``) without a hint gets
    the capacity the person last acted in, if they still hold it: moving from one site to the
    next, they stay who they were.

    ``switching``: the person asked to choose anew (ACM's ``switch_id`` hint, or the site
    signed out with ``switch``): the chooser, as with ``prompt=select_account``.
    """
    picked = None
    how = "chooser" if chosen else "only"
    if chosen:
        picked = find(caps, chosen.get("code"), chosen.get("identifier"))
    hint_refused = False
    if picked is None and "select_account" not in params.prompt and not switching:
        named = decode_hint(params.login_hint) if params.login_hint else None
        if named is not None:
            picked = select_named(caps, named)
            how = "login_hint"
            hint_refused = picked is None
        elif len(caps) == 1 or "capacity" not in params.scope:
            picked = caps[0]  # the citizen: nothing to choose, or the client does not ask
        elif "none" in params.prompt and last:
            picked = find(caps, last.get("code"), last.get("identifier"))
            how = "session"
    if picked is not None:
        return IssueCode(picked, how)
    if "none" in params.prompt:
        return Refuse("account_selection_required", "The person must choose a capacity.")
    return ChooseCapacity(hint_refused=hint_refused)


# ---- logout -----------------------------------------------------------------------------------

def logout_client_id(request: LogoutRequest, hint: HintCheck | None) -> str | None:
    """The client a logout request names: its client_id, else the hint's only audience."""
    if request.client_id or hint is None or hint.claims is None:
        return request.client_id
    audiences = hint.audiences
    return audiences[0] if len(audiences) == 1 else None


def decide_logout(request: LogoutRequest, hint: HintCheck | None,
                  client: LogoutClient | None, session: SessionFacts | None, *,
                  confirmed: bool) -> LogoutDecision:
    """Refuse, ask to confirm, or log out and say where to go.

    ``client`` is the registered client :func:`logout_client_id` names (None when unknown);
    ``confirmed``: the person submitted our confirmation form. Without a hint for this very
    session we ask first, so a link elsewhere cannot sign anyone out.
    """
    for name, value in (("state", request.state),
                        ("post_logout_redirect_uri", request.post_logout_redirect_uri)):
        if value and len(value) > MAX_LOGOUT_PARAM:
            return RefuseLogout("invalid_request", every_language(
                "De website vroeg je af te melden met een te lange aanvraag (%(name)s). Je werd "
                "niet doorgestuurd.", name=name))
    claims = None
    if hint is not None:
        if hint.claims is None:
            return RefuseLogout("invalid_request", every_language(
                "De website vroeg je af te melden met een bewijs van aanmelding dat Loket niet "
                "herkent (id_token_hint). Je werd niet doorgestuurd."))
        claims = hint.claims
        if request.client_id and request.client_id not in hint.audiences:
            return RefuseLogout("invalid_request", every_language(
                "De afmeldvraag van de website spreekt zichzelf tegen: ze noemt een andere website "
                "dan die waar je aangemeld was (client_id, id_token_hint). Je werd niet "
                "doorgestuurd."))
    client_id = logout_client_id(request, hint)
    if client_id and client is None:
        return RefuseLogout("invalid_client", every_language(
            "De website die je vroeg af te melden, is niet gekend bij Loket. Je werd niet "
            "doorgestuurd."))
    post_logout = request.post_logout_redirect_uri
    if post_logout:
        if client is None:
            return RefuseLogout("invalid_request", every_language(
                "De website vroeg je na het afmelden terug te sturen, maar zei niet wie ze is "
                "(client_id of id_token_hint). Je werd niet doorgestuurd."))
        if post_logout not in client.post_logout_uris:
            return RefuseLogout("invalid_request", every_language(
                "De website wilde je na het afmelden naar een adres sturen dat niet voor haar "
                "geregistreerd is bij Loket. Voor je veiligheid werd je niet doorgestuurd."))
    hinted_same = bool(claims and session and claims.get("sid") in (None, session.sid)
                       and session.sub == claims.get("sub"))
    if request.switch and session is not None:
        # one site only, without a question: so only for that site's own sign-in
        if client is None or not hinted_same:
            return RefuseLogout("invalid_request", every_language(
                "De website vroeg om van hoedanigheid te wisselen, maar gaf niet mee van welke "
                "aanmelding (id_token_hint). Je bent nergens afgemeld."))
        return SwitchOut(client.id, add_query(post_logout, {"state": request.state})
                         if post_logout else None)
    if session is not None and not hinted_same and not confirmed:
        return ConfirmLogout(client_id)
    return LogOut(add_query(post_logout, {"state": request.state}) if post_logout else None)


def logout_notices(sites: Iterable[S], sub: str | None, sid: str) -> list[LogoutNotice[S]]:
    """The sites that get a back-channel logout token: those that registered a URI for it,
    when we still know whose session it was."""
    if sub is None:
        return []
    return [LogoutNotice(site, sub, sid) for site in sites if site.backchannel_logout_uri]
