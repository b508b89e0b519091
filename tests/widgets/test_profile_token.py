"""Profile-token mode: the site's server exchanges the person's access token for a short-lived
profile token; the header keeps it in memory and reads name and capacities from a registered
origin only; every read is audited."""

from __future__ import annotations

import json

import pytest
import requests

from support.agent import Agent, pkce_pair
from support.widgets import page_html, shadow

pytestmark = [pytest.mark.parametrize("provider", ["sqlite"], indirect=True)]


def _access_token(sites, insz: str = "85073003328", capacity: str = "VER:V0001001",
                  scope: str = "openid profile capacity") -> str:
    agent = Agent(sites.provider.url)
    verifier, challenge = pkce_pair()
    redirect = f"{sites.host.url}/auth/callback"
    params = agent.sign_in(insz, capacity, client_id="site-groenbeek", redirect_uri=redirect,
                           response_type="code", scope=scope, state="s",
                           code_challenge=challenge, code_challenge_method="S256")
    token = requests.post(f"{sites.provider.url}/oidc/token", data={
        "grant_type": "authorization_code", "code": params["code"], "redirect_uri": redirect,
        "code_verifier": verifier}, auth=("site-groenbeek", sites.secrets["groenbeek"]), timeout=10)
    assert token.status_code == 200, token.text
    return str(token.json()["access_token"])


def _profile_token(sites, access: str, client: str = "site-groenbeek",
                   secret: str | None = None) -> requests.Response:
    return requests.post(f"{sites.provider.url}/widgets/v1/profile-token",
                         data={"access_token": access},
                         auth=(client, secret or sites.secrets["groenbeek"]), timeout=10)


def test_exchange_and_read_rules(sites) -> None:
    url = sites.provider.url
    access = _access_token(sites)
    issued = _profile_token(sites, access)
    assert issued.status_code == 200, issued.text
    body = issued.json()
    token = body["profile_token"]
    assert token.startswith("lpt_") and 0 < body["expires_in"] <= 300
    assert _profile_token(sites, access, secret="wrong").status_code == 401
    # Another site cannot exchange this site's token.
    other = _profile_token(sites, access, client="site-base", secret=sites.secrets["base"])
    assert other.status_code == 400 and "another client" in other.json()["detail"]
    # A profile token is not an access token, and not for another widget id.
    assert requests.get(f"{url}/oidc/userinfo", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).status_code in (401, 403)
    assert _profile_token(sites, token).status_code == 400
    read = requests.get(f"{url}/widgets/v1/site-base/profile",
                        headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert read.status_code == 401
    # An unregistered origin is refused; the registered one may read.
    refused = requests.get(f"{url}/widgets/v1/site-groenbeek/profile",
                           headers={"Authorization": f"Bearer {token}",
                                    "Origin": "http://127.0.0.3:9"}, timeout=10)
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers
    preflight = requests.options(f"{url}/widgets/v1/site-groenbeek/profile", headers={
        "Origin": sites.host.url, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"}, timeout=10)
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == sites.host.url
    ok = requests.get(f"{url}/widgets/v1/site-groenbeek/profile",
                      headers={"Authorization": f"Bearer {token}", "Origin": sites.host.url},
                      timeout=10)
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "no-store"
    idp = ok.json()["idpData"]
    assert idp["user"] == {"firstName": "Jan", "name": "Peeters"}
    assert idp["activeIdentity"]["onBehalfOf"] == {"code": "VER", "identifier": "V0001001",
                                                   "name": "FC Groenbeek"}
    codes = [i["onBehalfOf"]["code"] for i in idp["identities"]]
    # citizen, then associations (the demo's two, and any a test before registered with Jan
    # on this provider), then the company
    assert codes[0] == "BUR" and codes[-1] == "EA" and codes.count("VER") >= 2
    assert set(codes[1:-1]) == {"VER"}
    assert "85073003328" not in ok.text  # the INSZ is not needed to show a name
    rows = sites.provider.sql("SELECT operation, resource, client_id FROM audit_log "
                              "WHERE resource = 'widget-profile'")
    assert ("read", "widget-profile", "site-groenbeek") in [tuple(r) for r in rows]
    # Expired: the token stops working.
    sites.provider.sql("UPDATE access_tokens SET expires_at = 1 WHERE kind = 'profile'")
    gone = requests.get(f"{url}/widgets/v1/site-groenbeek/profile",
                        headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert gone.status_code == 401


def test_without_profile_scope_no_token(sites) -> None:
    access = _access_token(sites, "92021411256", None, scope="openid")
    refused = _profile_token(sites, access)
    assert refused.status_code == 400 and "profile" in refused.json()["detail"]


@pytest.mark.browser
def test_header_shows_person_from_profile_token_kept_out_of_the_dom(page, sites) -> None:
    token = _profile_token(sites, _access_token(sites, capacity="EA:0412345614")).json()["profile_token"]
    host = sites.host
    # The site's own endpoint hands its page the token (same origin, its own session).
    host.put("/my-profile-token", json.dumps({"token": token}), "application/json")
    host.put("/token-page.js", """
      globalHeaderClient.accessMenu.setProfileToken(() =>
        fetch('/my-profile-token').then(r => r.json()).then(b => b.token));
    """, "text/javascript")
    url = host.put("/token.html", page_html(
        f'<script src="{sites.script("groenbeek")}"></script>'
        f'<script src="{host.url}/token-page.js"></script><main id="main">x</main>'),
        headers={"Content-Security-Policy": f"default-src 'self'; script-src 'self' {sites.provider.url}; "
                 f"style-src {sites.provider.url}; connect-src 'self' {sites.provider.url}"})
    page.goto(url)
    button = shadow(page, "loket-header", "[data-key=account-button]")
    button.wait_for()
    assert "Jan Peeters" in button.inner_text() and "namens Peeters Bouw BV" in button.inner_text()
    button.click()
    switch = shadow(page, "loket-header", ".identities a.identity").first.get_attribute("href")
    assert switch.startswith("/auth/switch?login_hint=")
    html = page.evaluate("""() => document.documentElement.outerHTML +
        [...document.querySelectorAll('*')].filter(e => e.shadowRoot).map(e => e.shadowRoot.innerHTML).join('')""")
    assert token not in html
    profile = page.evaluate("globalHeaderClient.accessMenu.getProfile()")
    assert token not in json.dumps(profile)
    page.page_log.assert_clean()


@pytest.mark.browser
def test_acm_style_set_profile_with_idp_profile_token(page, sites) -> None:
    """A site written for ACM hands the header its `papi_token` (a profile token) through
    `setProfile({active: true, idpProfileToken})`; the header reads the person itself and the
    token stays out of the profile the page can read back."""
    token = _profile_token(sites, _access_token(sites)).json()["profile_token"]
    host = sites.host
    host.put("/acm-page.js", f"""
      globalHeaderClient.accessMenu.setProfile({{active: true, idpProfileToken: '{token}',
                                                 logoutUrl: '/afmelden'}})
        .then(ok => document.body.setAttribute('data-loaded', String(ok)));
    """, "text/javascript")
    url = host.put("/acm.html", page_html(
        f'<script src="{sites.script("groenbeek")}"></script>'
        f'<script src="{host.url}/acm-page.js"></script><main id="main">x</main>'))
    page.goto(url)
    page.wait_for_selector("body[data-loaded=true]")
    button = shadow(page, "loket-header", "[data-key=account-button]")
    assert "Jan Peeters" in button.inner_text() and "namens FC Groenbeek" in button.inner_text()
    profile = page.evaluate("globalHeaderClient.accessMenu.getProfile()")
    assert token not in json.dumps(profile) and profile["logoutUrl"] == "/afmelden"
    page.page_log.assert_clean()


@pytest.mark.browser
def test_unregistered_origin_gets_no_profile(page, sites) -> None:
    token = _profile_token(sites, _access_token(sites)).json()["profile_token"]
    import threading
    from http.server import ThreadingHTTPServer

    from support.servers import free_port
    from support.widgets import HostSite  # a second site on another loopback host, not registered

    other = HostSite(f"http://127.0.0.3:{free_port('127.0.0.3')}")
    pages = {
        "/p.js": (f"globalHeaderClient.accessMenu.setProfileToken({json.dumps(token)})"
                  ".then(ok => document.body.dataset.loaded = String(ok));").encode(),
        "/p.html": page_html(f'<script src="{sites.script("groenbeek")}"></script>'
                             f'<main id="main">x</main><script src="/p.js"></script>').encode(),
    }
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/javascript" if self.path.endswith(".js") else "text/html")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    host, port = other.url.rsplit("//", 1)[1].split(":")
    server = ThreadingHTTPServer((host, int(port)), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"{other.url}/p.html")
        page.wait_for_selector("body[data-loaded=false]")
        assert shadow(page, "loket-header", "a.login").is_visible()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_the_header_shows_the_unread_count_of_the_active_capacity(page, sites) -> None:
    provider = sites.provider
    secret = provider.add_client("badge-sender", "--grant-type", "client_credentials",
                                 "--scope", "messages:publish", "--organisation",
                                 "Gemeente Badge")
    sender = requests.post(f"{provider.url}/oidc/token", data={"grant_type": "client_credentials"},
                           auth=("badge-sender", secret), timeout=10).json()["access_token"]
    sent = requests.post(f"{provider.url}/api/v1/messages", json={
        "categorie": "info", "titel": "Verenigingsbeurs", "tekst": "Vergeet morgen de beurs niet.",
        "doelgroep": {"verenigingen": ["V0001003"]}},
        headers={"Authorization": f"Bearer {sender}"}, timeout=10)
    assert sent.status_code == 201, sent.text
    # Els acts for De Rietgors; what she has not read of its messages is the count
    token = _profile_token(sites, _access_token(sites, "79050124561", "VER:V0001003")).json()[
        "profile_token"]
    [(unread,)] = provider.sql(
        "SELECT count(*) FROM message_recipients r WHERE r.identifier = 'V0001003' AND NOT EXISTS "
        "(SELECT 1 FROM message_states s JOIN persons p ON p.sub = s.person_sub WHERE "
        "s.message_id = r.message_id AND s.identifier = r.identifier AND p.insz = '79050124561' "
        "AND s.read_at IS NOT NULL)")
    assert unread >= 1
    profile = requests.get(f"{provider.url}/widgets/v1/site-groenbeek/profile",
                           headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert profile["idpData"]["messages"] == {
        "unread": unread, "url": f"{provider.url}/mijn-verenigingsloket/v0001003/berichten"}
    host = sites.host
    host.put("/badge-token", json.dumps({"token": token}), "application/json")
    url = host.put("/badge.html", page_html(
        f'<script src="{sites.script("groenbeek")}"></script><script>'
        "globalHeaderClient.accessMenu.setProfileToken(() => fetch('/badge-token')"
        ".then(r => r.json()).then(b => b.token));</script><main id=main>x</main>"))
    page.goto(url)
    badge = shadow(page, "loket-header", "[data-key=account-button] .badge")
    badge.wait_for()
    assert badge.inner_text() == str(unread)
    said = f"{unread} nieuwe berichten" if unread > 1 else "1 nieuw bericht"
    button = shadow(page, "loket-header", "[data-key=account-button]")
    assert said in button.text_content()  # the button's name says it, not only a number
    assert shadow(page, "loket-header", "[role=status]").text_content() == said
    button.click()  # the menu leads to where they are read
    link = shadow(page, "loket-header", "a.messages-link")
    assert link.inner_text() == said
    assert link.get_attribute("href") == profile["idpData"]["messages"]["url"]
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.page_log.assert_clean()
