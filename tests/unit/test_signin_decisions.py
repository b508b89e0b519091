"""The provider's sign-in and logout decisions, without Flask or a database: one row per case."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import pytest

from loket.sso.capacities import Capacity, encode_hint
from loket.sso.decisions import (
    ChooseCapacity,
    ConfirmLogout,
    HintCheck,
    IssueCode,
    LogOut,
    LogoutClient,
    LogoutNotice,
    LogoutRequest,
    Refuse,
    RefuseLogout,
    SessionFacts,
    SignIn,
    decide_capacity,
    decide_logout,
    decide_sign_in,
    logout_client_id,
    logout_notices,
)
from loket.sso.protocol import AuthorizationParams
from loket.translated import every_language

NOW = 1_700_000_000
RP = "site-groenbeek"
JAN = "sub-jan"
ACR = "urn:loket:acr:test-login"

BUR = Capacity("BUR", "85073003328", "Jan Peeters")
FC = Capacity("VER", "V0001001", "FC Groenbeek")
SCHAKEL = Capacity("VER", "V0001002", "Jeugdhuis De Schakel")
BOUW = Capacity("EA", "0412345614", "Peeters Bouw BV")
JAN_CAPS = [BUR, FC, SCHAKEL, BOUW]


def params(prompt: str = "", max_age: int | None = None, acr: str = "",
           login_hint: str | None = None, scope: str = "openid profile capacity",
           id_token_hint: str | None = None) -> AuthorizationParams:
    return AuthorizationParams(client_id=RP, redirect_uri="https://rp.example/cb",
                               scope=scope.split(), prompt=prompt.split(), max_age=max_age,
                               acr_values=acr.split(), login_hint=login_hint,
                               id_token_hint=id_token_hint)


def session(sub: str = JAN, age: int = 60, acr: str = ACR, sid: str = "sid-1") -> SessionFacts:
    return SessionFacts(sid=sid, sub=sub, auth_time=NOW - age, acr=acr)


def hint(sub: str = JAN, aud: object = RP, sid: str | None = "sid-1") -> HintCheck:
    claims = {"sub": sub, "aud": aud}
    if sid is not None:
        claims["sid"] = sid
    return HintCheck(claims=claims)


BAD_HINT = HintCheck(error="The signature does not verify.")
NOBODY = Refuse("login_required", "Nobody is signed in at Loket.")
OTHER_PERSON = Refuse("login_required", "The signed-in person is not the one in id_token_hint.")


# ---- must the person sign in first? ------------------------------------------------------------

SIGN_IN_CASES = [
    # (case, request, session, hint, fresh, decision)
    ("nobody signed in", params(), None, None, False, SignIn()),
    ("nobody signed in, prompt=none", params("none"), None, None, False, NOBODY),
    ("session serves the request", params(), session(), None, False, None),
    ("prompt=none with a session", params("none"), session(), None, False, None),
    ("prompt=login asks again", params("login"), session(), None, False, SignIn()),
    ("prompt=login met by this request's sign-in", params("login"), session(), None, True, None),
    ("max_age exceeded", params(max_age=30), session(age=31), None, False, SignIn()),
    ("max_age not exceeded", params(max_age=30), session(age=30), None, False, None),
    ("max_age exceeded, signed in just now", params(max_age=0), session(age=5), None, True, None),
    ("max_age exceeded, prompt=none", params("none", max_age=30), session(age=31), None, False,
     NOBODY),
    ("acr not met", params(acr="urn:acr:high"), session(), None, False, SignIn()),
    ("acr met", params(acr=f"urn:acr:high {ACR}"), session(), None, False, None),
    ("acr not met, signed in just now", params(acr="urn:acr:high"), session(), None, True, None),
    ("hint that does not verify", params(), session(), BAD_HINT, False,
     Refuse("invalid_request", "id_token_hint is not valid: The signature does not verify.")),
    ("a bad hint is refused before prompt=none", params("none"), None, BAD_HINT, False,
     Refuse("invalid_request", "id_token_hint is not valid: The signature does not verify.")),
    ("hint for another client", params(), session(), hint(aud="site-rivierstede"), False,
     Refuse("invalid_request", "id_token_hint was issued to another client.")),
    ("hint with this client among its audiences", params(), session(),
     hint(aud=["other", RP]), False, None),
    ("hint for the signed-in person", params(), session(), hint(), False, None),
    ("hint for the signed-in person, prompt=login", params("login"), session(), hint(), False,
     SignIn()),
    ("hint for someone else", params(), session(), hint(sub="sub-els"), False, SignIn()),
    ("hint for someone else, signed in just now", params(), session(), hint(sub="sub-els"), True,
     None),
    ("hint for someone else, prompt=none", params("none"), session(), hint(sub="sub-els"), False,
     OTHER_PERSON),
    ("hint, nobody signed in", params(), None, hint(), False, SignIn()),
]


@pytest.mark.parametrize(("request_", "facts", "checked", "fresh", "expected"),
                         [row[1:] for row in SIGN_IN_CASES], ids=[row[0] for row in SIGN_IN_CASES])
def test_decide_sign_in(request_: AuthorizationParams, facts: SessionFacts | None,
                        checked: HintCheck | None, fresh: bool, expected: object) -> None:
    assert decide_sign_in(request_, facts, checked, fresh=fresh, now=NOW) == expected


# ---- which capacity? ------------------------------------------------------------------------------

def vhint(code: str, identifier: str | None = None) -> str:
    return encode_hint(code, identifier)


CAPACITY_CASES = [
    # (case, request, capacities, chosen in the chooser, decision)
    ("citizen only", params(), [BUR], None, IssueCode(BUR, "only")),
    ("several, the client does not ask for capacity", params(scope="openid profile"), JAN_CAPS,
     None, IssueCode(BUR, "only")),
    ("several: the chooser", params(), JAN_CAPS, None, ChooseCapacity()),
    ("several, prompt=none", params("none"), JAN_CAPS, None,
     Refuse("account_selection_required", "The person must choose a capacity.")),
    ("targeted login", params(login_hint=vhint("VER", "V0001001")), JAN_CAPS, None,
     IssueCode(FC, "login_hint")),
    ("targeted login, unpadded base64 with +/", params(login_hint=vhint("EA", "0412345614")
                                                        .replace("-", "+").replace("_", "/")),
     JAN_CAPS, None, IssueCode(BOUW, "login_hint")),
    ("hint by code alone, one such capacity", params(login_hint=vhint("EA")), JAN_CAPS, None,
     IssueCode(BOUW, "login_hint")),
    ("hint by code alone, two such capacities", params(login_hint=vhint("VER")), JAN_CAPS, None,
     ChooseCapacity(hint_refused=True)),
    ("forged hint: the chooser, never a grant", params(login_hint=vhint("VER", "V0001003")),
     JAN_CAPS, None, ChooseCapacity(hint_refused=True)),
    ("forged hint for a citizen-only person", params(login_hint=vhint("VER", "V0001001")), [BUR],
     None, ChooseCapacity(hint_refused=True)),
    ("forged hint, prompt=none", params("none", login_hint=vhint("VER", "V0001003")), JAN_CAPS,
     None, Refuse("account_selection_required", "The person must choose a capacity.")),
    ("garbage hint is no hint (citizen only)", params(login_hint="jan@example.org"), [BUR], None,
     IssueCode(BUR, "only")),
    ("garbage hint is no hint (several)", params(login_hint="e30"), JAN_CAPS, None,
     ChooseCapacity()),
    ("select_account shows the chooser despite a hint",
     params("select_account", login_hint=vhint("VER", "V0001001")), JAN_CAPS, None,
     ChooseCapacity()),
    ("select_account for a citizen only", params("select_account"), [BUR], None, ChooseCapacity()),
    ("picked in the chooser", params(), JAN_CAPS, FC.claim(), IssueCode(FC, "chooser")),
    ("picked in the chooser beats the hint", params(login_hint=vhint("VER", "V0001002")),
     JAN_CAPS, FC.claim(), IssueCode(FC, "chooser")),
    ("picked but no longer held: the hint decides", params(login_hint=vhint("EA", "0412345614")),
     JAN_CAPS, {"code": "VER", "identifier": "V0001003"}, IssueCode(BOUW, "login_hint")),
    ("picked but no longer held: choose again", params(), JAN_CAPS,
     {"code": "VER", "identifier": "V0001003"}, ChooseCapacity()),
]

# (case, request, capacities, the session's last capacity, decision)
LAST_CASES = [
    ("silent: the capacity last acted in", params("none"), JAN_CAPS, FC.claim(),
     IssueCode(FC, "session")),
    ("silent: last capacity no longer held", params("none"), JAN_CAPS,
     {"code": "VER", "identifier": "V0001003"},
     Refuse("account_selection_required", "The person must choose a capacity.")),
    ("silent: a hint beats the last capacity", params("none", login_hint=vhint("EA")), JAN_CAPS,
     FC.claim(), IssueCode(BOUW, "login_hint")),
    ("silent: a refused hint is not replaced by the last capacity",
     params("none", login_hint=vhint("VER", "V0001003")), JAN_CAPS, FC.claim(),
     Refuse("account_selection_required", "The person must choose a capacity.")),
    ("not silent: the chooser (it preselects the last one)", params(), JAN_CAPS, FC.claim(),
     ChooseCapacity()),
    ("silent, the client does not ask for capacity: the citizen",
     params("none", scope="openid profile"), JAN_CAPS, FC.claim(), IssueCode(BUR, "only")),
]


@pytest.mark.parametrize(("request_", "caps", "last", "expected"),
                         [row[1:] for row in LAST_CASES], ids=[row[0] for row in LAST_CASES])
def test_decide_capacity_remembers_the_last_one(request_: AuthorizationParams,
                                                caps: list[Capacity], last: dict | None,
                                                expected: object) -> None:
    assert decide_capacity(request_, caps, None, last) == expected


@pytest.mark.parametrize(("request_", "caps", "chosen", "expected"),
                         [row[1:] for row in CAPACITY_CASES],
                         ids=[row[0] for row in CAPACITY_CASES])
def test_decide_capacity(request_: AuthorizationParams, caps: list[Capacity],
                         chosen: dict | None, expected: object) -> None:
    assert decide_capacity(request_, caps, chosen) == expected


# ---- logout -----------------------------------------------------------------------------------------

AFTER = "https://rp.example/afgemeld"
RP_CLIENT = LogoutClient(RP, (AFTER, "https://rp.example/bye?lang=nl"))


def logout(hint_: str | None = None, after: str | None = None, client_id: str | None = None,
           state: str | None = None) -> LogoutRequest:
    return LogoutRequest(id_token_hint=hint_, post_logout_redirect_uri=after,
                         client_id=client_id, state=state)


def refused(error: str, dutch: str, **values: str) -> RefuseLogout:
    """A refusal as the person reads it: the Dutch text, in every language of the pages."""
    return RefuseLogout(error, every_language(dutch, **values))


UNKNOWN_SITE = ("De website die je vroeg af te melden, is niet gekend bij Loket. Je werd niet "
                "doorgestuurd.")
NAMELESS = ("De website vroeg je na het afmelden terug te sturen, maar zei niet wie ze is "
            "(client_id of id_token_hint). Je werd niet doorgestuurd.")
TOO_LONG = ("De website vroeg je af te melden met een te lange aanvraag (%(name)s). Je werd niet "
            "doorgestuurd.")

LOGOUT_CASES = [
    # (case, request, hint, client, session, confirmed, decision)
    ("nobody signed in, nothing asked", logout(), None, None, None, False, LogOut(None)),
    ("no hint: ask first", logout(), None, None, session(), False, ConfirmLogout(None)),
    ("no hint, confirmed", logout(), None, None, session(), True, LogOut(None)),
    ("hint for this session", logout("h"), hint(), RP_CLIENT, session(), False, LogOut(None)),
    ("hint without sid for this person", logout("h"), hint(sid=None), RP_CLIENT, session(), False,
     LogOut(None)),
    ("hint for another session: ask, naming the client", logout("h"), hint(sid="sid-2"),
     RP_CLIENT, session(), False, ConfirmLogout(RP)),
    ("hint for another person: ask", logout("h"), hint(sub="sub-els"), RP_CLIENT, session(), False,
     ConfirmLogout(RP)),
    ("hint, nobody signed in", logout("h"), hint(), RP_CLIENT, None, False, LogOut(None)),
    ("back to a registered address, state echoed", logout("h", AFTER, state="x y"), hint(),
     RP_CLIENT, session(), False, LogOut(f"{AFTER}?state=x+y")),
    ("registered address with a query", logout("h", "https://rp.example/bye?lang=nl", state="s"),
     hint(), RP_CLIENT, session(), False, LogOut("https://rp.example/bye?lang=nl&state=s")),
    ("client_id alone names the client", logout(after=AFTER, client_id=RP), None, RP_CLIENT, None,
     False, LogOut(AFTER)),
    ("hint that does not verify", logout("h", AFTER), BAD_HINT, None, session(), False,
     refused("invalid_request", "De website vroeg je af te melden met een bewijs van aanmelding "
             "dat Loket niet herkent (id_token_hint). Je werd niet doorgestuurd.")),
    ("client_id and hint disagree", logout("h", client_id="site-rivierstede"), hint(), None,
     session(), False,
     refused("invalid_request", "De afmeldvraag van de website spreekt zichzelf tegen: ze noemt "
             "een andere website dan die waar je aangemeld was (client_id, id_token_hint). Je "
             "werd niet doorgestuurd.")),
    ("unknown client", logout(client_id="nobody"), None, None, session(), False,
     refused("invalid_client", UNKNOWN_SITE)),
    ("hint for a client no longer registered", logout("h"), hint(), None, session(), False,
     refused("invalid_client", UNKNOWN_SITE)),
    ("return address without a client", logout(after=AFTER), None, None, session(), False,
     refused("invalid_request", NAMELESS)),
    ("hint with several audiences names no client", logout("h", AFTER), hint(aud=[RP, "x"]), None,
     session(), False,
     refused("invalid_request", NAMELESS)),
    ("unregistered return address", logout("h", "https://evil.example/"), hint(), RP_CLIENT,
     session(), False,
     refused("invalid_request", "De website wilde je na het afmelden naar een adres sturen dat "
             "niet voor haar geregistreerd is bij Loket. Voor je veiligheid werd je niet "
             "doorgestuurd.")),
    ("state too long", logout(state="s" * 4097), None, None, session(), True,
     refused("invalid_request", TOO_LONG, name="state")),
    ("return address too long, checked before the hint", logout("h", AFTER + "x" * 4096),
     BAD_HINT, None, session(), True,
     refused("invalid_request", TOO_LONG, name="post_logout_redirect_uri")),
]


@pytest.mark.parametrize(("request_", "checked", "client", "facts", "confirmed", "expected"),
                         [row[1:] for row in LOGOUT_CASES], ids=[row[0] for row in LOGOUT_CASES])
def test_decide_logout(request_: LogoutRequest, checked: HintCheck | None,
                       client: LogoutClient | None, facts: SessionFacts | None, confirmed: bool,
                       expected: object) -> None:
    assert decide_logout(request_, checked, client, facts, confirmed=confirmed) == expected


def test_a_refused_logout_says_why_in_each_language_without_flask() -> None:
    decision = decide_logout(logout(client_id="nobody"), None, None, session(), confirmed=False)
    assert isinstance(decision, RefuseLogout) and isinstance(decision.message, dict)
    assert decision.message["nl"] == UNKNOWN_SITE
    assert decision.message["fr"].startswith("Le site qui vous a demandé de vous déconnecter")
    assert decision.message["de"].startswith("Die Website, die Sie zum Abmelden")
    assert decision.message["en"].startswith("The website that asked you to sign out")
    too_long = decide_logout(logout(state="s" * 4097), None, None, None, confirmed=True)
    assert isinstance(too_long, RefuseLogout) and "(state)" in too_long.message["en"]


@pytest.mark.parametrize(("request_", "checked", "expected"), [
    (logout(client_id=RP), None, RP),
    (logout("h"), hint(aud="site-rivierstede"), "site-rivierstede"),
    (logout("h"), hint(aud=["site-rivierstede"]), "site-rivierstede"),
    (logout("h", client_id=RP), hint(aud="site-rivierstede"), RP),  # decide_logout refuses it
    (logout("h"), hint(aud=[RP, "x"]), None),
    (logout("h"), BAD_HINT, None),
    (logout(), None, None),
])
def test_logout_client_id(request_: LogoutRequest, checked: HintCheck | None,
                          expected: str | None) -> None:
    assert logout_client_id(request_, checked) == expected


@dataclass(frozen=True)
class Site:
    id: str
    backchannel_logout_uri: str | None


def test_logout_notices_go_to_sites_with_a_backchannel_uri() -> None:
    sites = [Site("a", "https://a.example/bc"), Site("b", None), Site("c", "https://c.example/bc")]
    assert logout_notices(sites, JAN, "sid-1") == [
        LogoutNotice(sites[0], JAN, "sid-1"), LogoutNotice(sites[2], JAN, "sid-1")]
    assert logout_notices(sites, None, "sid-1") == []  # whose session it was is unknown
    assert logout_notices([], JAN, "sid-1") == []


def test_the_decisions_import_without_flask() -> None:
    code = ("import sys, loket.sso.decisions, loket.sso.protocol, loket.sso.clientauth; "
            "assert not [m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug')], "
            "sorted(m for m in sys.modules if m.startswith(('flask', 'werkzeug')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr


# ---- ACM's switch ------------------------------------------------------------------------------

SWITCH_HINT = "eyJzd2l0Y2hfaWQiOiB0cnVlfQ"  # base64url of {"switch_id": true}


@pytest.mark.parametrize(("request_", "switching", "expected"), [
    (params(login_hint=vhint("VER", "V0001001")), True, ChooseCapacity()),
    (params("none"), True,
     Refuse("account_selection_required", "The person must choose a capacity.")),
    (params(), False, ChooseCapacity()),
], ids=["switching beats a hint", "switching is never silent", "not switching"])
def test_switching_shows_the_chooser(request_: AuthorizationParams, switching: bool,
                                     expected: object) -> None:
    from loket.sso.capacities import is_switch_hint

    assert is_switch_hint(SWITCH_HINT) and is_switch_hint(SWITCH_HINT + "==")
    assert not is_switch_hint(vhint("VER")) and not is_switch_hint("e30")
    assert decide_capacity(request_, JAN_CAPS, None, FC.claim(),
                           switching=switching) == expected


def test_switch_out_needs_this_sign_ins_hint() -> None:
    from loket.sso.decisions import SwitchOut

    asked = LogoutRequest(id_token_hint="h", post_logout_redirect_uri=AFTER, state="s",
                          switch=True)
    assert decide_logout(asked, hint(), RP_CLIENT, session(), confirmed=False) == SwitchOut(
        RP, f"{AFTER}?state=s")
    other = decide_logout(asked, hint(sid="sid-2"), RP_CLIENT, session(), confirmed=True)
    assert isinstance(other, RefuseLogout) and other.error == "invalid_request"
    # nobody signed in: nothing to switch, back to the site
    assert decide_logout(asked, hint(), RP_CLIENT, None, confirmed=False) == LogOut(
        f"{AFTER}?state=s")
