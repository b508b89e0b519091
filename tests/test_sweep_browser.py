"""The browser sweep: every provider page and every widget state, in each theme and language, at
1280 and 320 px, in real Chromium: axe finds nothing, the page does not scroll sideways (nor does
anything stick out past its right edge), and nothing shifts from load until the page has
settled. The figures are printed as a table at the end of the run (tests/conftest.py).

One test per group of pages (or widget state) and width; it goes through the languages (and
themes) in one browser profile, signed in once, and measures them all before it asserts, so a
failure names every combination that failed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from support import oidc
from support.agent import Agent, pkce_pair
from support.register import add_person, fresh_insz
from support.servers import Provider
from support.sweep import CLS_OBSERVER, HEIGHTS, LANGUAGES, WIDTHS, Rows, measure
from support.widgets import THEMES, Sites, page_html

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("provider", ["sqlite"], indirect=True)]

LOKET = "loket"          # the provider's own pages have Loket's theme
FCG = "V0001001"         # FC Groenbeek, which Jan represents
MUNICIPALITY = "BE23999001"


@pytest.fixture
def rows(request: pytest.FixtureRequest) -> Rows:
    return Rows(request)


@pytest.fixture
def sweep_page(page: Any) -> Any:
    page.add_init_script(CLS_OBSERVER)
    return page


def at_width(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": HEIGHTS[width]})


def speak(page: Any, provider: Provider, lang: str) -> None:
    """The language a person chose with the switch (its cookie; ``?lang=`` sets the same)."""
    page.context.add_cookies([{"name": "loket_lang", "value": lang, "url": provider.url}])


PANELS = ("loket-dossiers", "loket-catalog", "loket-associations", "loket-messages")
SHOWN = ".status:is(.status--loaded, .status--empty)"   # a panel's first answer, shown


def shown(page: Any, selector: str) -> None:
    """Wait until ``selector`` is visible (polled by the page's frames, not by the test: the
    signal an expect() would wait for, sooner)."""
    page.locator(selector).first.wait_for(state="visible")


def settled(page: Any, lang: str) -> None:
    """Wait for what a provider page renders after load: on the signed-in pages Loket's own
    header and footer widgets, and the panels' first answer; every page says its language."""
    page.locator(f"html[lang='{lang}']").wait_for(state="attached")
    if page.locator("loket-header").count():
        shown(page, "loket-header [data-key=account-button]")
    if page.locator("loket-footer").count():
        shown(page, "loket-footer footer")
    for tag in PANELS:
        for n in range(page.locator(tag).count()):
            page.locator(tag).nth(n).locator(SHOWN).wait_for()


def finish(rows: Rows, page: Any) -> None:
    assert not page.page_log.page_errors, page.page_log.page_errors
    problems = rows.problems()
    assert not problems, f"{len(problems)} of {len(rows.rows)} combinations:\n" + "\n".join(problems)


def sign_in(page: Any, provider: Provider, insz: str) -> None:
    page.goto(f"{provider.url}/aanmelden")
    page.locator("#insz").fill(insz)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{provider.url}/")


# ---- the provider's pages -----------------------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_pages_anyone_sees(sweep_page, provider, rows, width) -> None:
    page = sweep_page
    at_width(page, width)
    for lang in LANGUAGES:
        speak(page, provider, lang)
        for what, path in (("home", "/"), ("signed out", "/afgemeld"),
                           ("error: unknown page", "/geen-pagina-hier")):
            page.goto(provider.url + path)
            settled(page, lang)
            rows.add(measure(page, what, LOKET, lang, width))
    finish(rows, page)


@pytest.mark.parametrize("width", WIDTHS)
def test_sign_in_and_capacity_chooser(sweep_page, provider, rp, rows, width) -> None:
    page = sweep_page
    at_width(page, width)
    for lang in LANGUAGES:
        page.context.clear_cookies()   # signed out again, the language chosen as before
        speak(page, provider, lang)
        _, challenge = pkce_pair()
        page.goto(f"{provider.url}/oidc/authorize?" + urlencode({
            "client_id": rp.client_id, "redirect_uri": rp.redirect_uri, "response_type": "code",
            "scope": "openid profile capacity", "state": "sweep", "code_challenge": challenge,
            "code_challenge_method": "S256"}))
        shown(page, "#insz")
        settled(page, lang)
        rows.add(measure(page, "test login", LOKET, lang, width))
        page.locator("#insz").fill(oidc.JAN)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/hoedanigheid*")
        page.locator("input[type=radio]:checked").wait_for(state="attached")
        settled(page, lang)
        rows.add(measure(page, "capacity chooser", LOKET, lang, width))
    finish(rows, page)


@pytest.mark.parametrize("width", WIDTHS)
def test_mijn_verenigingsloket_signed_in(sweep_page, provider, rows, width) -> None:
    page = sweep_page
    at_width(page, width)
    sign_in(page, provider, oidc.JAN)
    base = f"{provider.url}/mijn-verenigingsloket"
    for lang in LANGUAGES:
        speak(page, provider, lang)
        for what, url, shows in (
                ("Mijn Verenigingsloket", base, "main a[href$='/V0001001']"),
                ("Onze gegevens", f"{base}/{FCG}", "main section table"),
                ("registration", f"{base}/registreren", "main form"),
                ("Mijn gegevens", f"{provider.url}/mijn-gegevens", "main form"),
                ("logout confirmation", f"{provider.url}/oidc/logout", "main form")):
            page.goto(url)
            shown(page, shows)
            settled(page, lang)
            rows.add(measure(page, what, LOKET, lang, width))
        # an edit form that refused what was typed (nothing is saved)
        page.goto(f"{base}/{FCG}/basisgegevens")
        page.locator("#maximumleeftijd").fill("151")
        page.locator("main form button[type=submit]").last.click()
        shown(page, "#error-summary")
        settled(page, lang)
        rows.add(measure(page, "edit form with an error", LOKET, lang, width))
    finish(rows, page)


@pytest.fixture
def officer(provider: Provider) -> Iterator[str]:
    """A person of their own granted the security officer's role for the test."""
    insz = fresh_insz()
    add_person(provider, insz, "Sweep", "Consulent")
    provider.cli("officer", "grant", insz)
    yield insz
    provider.cli("officer", "revoke", insz)


@pytest.mark.parametrize("width", WIDTHS)
def test_officer_desk(sweep_page, provider, officer, rows, width) -> None:
    page = sweep_page
    at_width(page, width)
    sign_in(page, provider, officer)
    for lang in LANGUAGES:
        speak(page, provider, lang)
        page.goto(f"{provider.url}/veiligheidsconsulent")
        shown(page, "main form")
        settled(page, lang)
        rows.add(measure(page, "officer desk", LOKET, lang, width))
    finish(rows, page)


# ---- the widgets on a municipality's page ------------------------------------------------------

HEADINGS = {"nl": "Welkom bij de gemeente", "fr": "Bienvenue à la commune",
            "de": "Willkommen in der Gemeinde", "en": "Welcome to the municipality"}


def host_page(sites: Sites, name: str, theme: str, lang: str, *, panel: str = "",
              script: str = "") -> str:
    """A municipality's page in ``lang`` with the theme's embed.js (the header), ``panel`` in its
    content, the footer and the page's own script, under the widgets' strict CSP."""
    host, issuer = sites.host, sites.provider.url
    stem = f"/sweep-{name}-{theme}-{lang}"
    page_script = ""
    if script:
        host.put(f"{stem}.js", script, "text/javascript")
        page_script = f'<script src="{host.url}{stem}.js"></script>'
    text = "<p>" + " ".join([HEADINGS[lang]] * 12) + "</p>"
    return host.put(f"{stem}.html", page_html(
        f'<script src="{sites.script(theme)}"></script>'
        f'<main id="main"><h1>{HEADINGS[lang]}</h1>{text}{panel}</main>'
        f"<loket-footer></loket-footer>{page_script}", lang=lang),
        headers={"Content-Security-Policy": f"default-src 'self'; script-src 'self' {issuer}; "
                                            f"style-src {issuer}; connect-src 'self' {issuer}"})


def header_and_footer(page: Any) -> None:
    shown(page, "loket-header .bar")
    shown(page, "loket-footer footer")


def panel_loaded(tag: str) -> Callable[[Any], None]:
    def wait(page: Any) -> None:
        header_and_footer(page)
        shown(page, f"{tag} .status.status--loaded")
    return wait


def profile_token(sites: Sites, theme: str) -> str:
    """Jan, signed in at the theme's site acting for FC Groenbeek: the profile token the site's
    server hands its page for the header."""
    agent = Agent(sites.provider.url)
    redirect = f"{sites.host.url}/auth/callback"
    client, secret = f"site-{theme}", sites.secrets[theme]
    try:
        verifier, challenge = pkce_pair()
        params = agent.sign_in(oidc.JAN, f"VER:{FCG}", client_id=client, redirect_uri=redirect,
                               response_type="code", scope="openid profile capacity",
                               state="s", code_challenge=challenge,
                               code_challenge_method="S256")
    finally:
        agent.http.close()
    access = requests.post(f"{sites.provider.url}/oidc/token", auth=(client, secret), timeout=15,
                           data={"grant_type": "authorization_code", "code": params["code"],
                                 "redirect_uri": redirect, "code_verifier": verifier})
    assert access.status_code == 200, access.text
    issued = requests.post(f"{sites.provider.url}/widgets/v1/profile-token", auth=(client, secret),
                           data={"access_token": access.json()["access_token"]}, timeout=15)
    assert issued.status_code == 200, issued.text
    return str(issued.json()["profile_token"])


def sweep_widgets(page: Any, rows: Rows, width: int, what: str,
                  url_for: Callable[[str, str], str], wait: Callable[[Any], None],
                  after: Callable[[Any, str, str], None] | None = None) -> None:
    at_width(page, width)
    for theme in THEMES:
        for lang in LANGUAGES:
            page.goto(url_for(theme, lang))
            wait(page)
            rows.add(measure(page, what, theme, lang, width))
            if after:
                after(page, theme, lang)
    finish(rows, page)


@pytest.mark.parametrize("width", WIDTHS)
def test_header_and_footer_signed_out(sweep_page, sites, rows, width) -> None:
    def wait(page: Any) -> None:
        header_and_footer(page)
        shown(page, "loket-header a.login")

    sweep_widgets(sweep_page, rows, width, "header + footer, signed out",
                  lambda theme, lang: host_page(sites, "signed-out", theme, lang), wait)


def serve_profile_tokens(sites: Sites) -> None:
    """Jan's header profile token per theme's site, where the host page's script fetches it."""
    for theme in THEMES:
        token = profile_token(sites, theme)
        sites.host.put(f"/sweep-profile-token-{theme}", json.dumps({"token": token}),
                       "application/json")


def signed_in_script(theme: str) -> str:
    """The host page's script that shows the person signed in (the header's profile token)."""
    return ("globalHeaderClient.accessMenu.setProfileToken(function () {"
            f"  return fetch('/sweep-profile-token-{theme}')"
            "    .then(function (r) { return r.json(); }).then(function (b) { return b.token; });"
            "});")


@pytest.mark.parametrize("width", WIDTHS)
def test_header_signed_in_and_its_menu(sweep_page, sites, rows, width) -> None:
    serve_profile_tokens(sites)

    def url_for(theme: str, lang: str) -> str:
        return host_page(sites, "signed-in", theme, lang, script=signed_in_script(theme))

    def wait(page: Any) -> None:
        header_and_footer(page)
        shown(page, "loket-header [data-key=account-button]:has-text('Jan Peeters')")

    def menu_open(page: Any, theme: str, lang: str) -> None:
        page.locator("loket-header [data-key=account-button]").click()
        shown(page, "loket-header #account-panel")
        rows.add(measure(page, "header signed in, menu open", theme, lang, width))

    sweep_widgets(sweep_page, rows, width, "header signed in", url_for, wait, menu_open)


# A data panel renders after the host page's first paint (its code, then its answer, come later)
# and must move nothing that was in view: it keeps the rest of the viewport below its top from
# before its code arrives (client.js reservePanels, LoketPanel._reserve), so what follows it (here
# the footer) is out of view when the answer grows it or leaves it short; inside the panel, what
# the answer changes above the status line (a heading that names the capacity, the catalog's
# filter button, the association search's chips) moves only nodes made anew. These sweeps held
# CLS 0.05-0.7 per page before; now they assert 0 like every other row.


@pytest.fixture(scope="module")
def dossier_token(provider: Provider) -> str:
    """Jan's access token acting for FC Groenbeek (scope dossiers), as a site's server holds it."""
    import uuid

    return oidc.club_token(provider, f"sweep-dossiers-{uuid.uuid4().hex[:8]}", ["dossiers"])


def sweep_signed_in_panel(page: Any, sites: Sites, rows: Rows, width: int, what: str,
                          tag: str, token: str) -> None:
    """A panel as a site shows it: the person signed in in the header (its profile token) and
    the panel given the access token the site's server keeps."""
    serve_profile_tokens(sites)
    panel = (f"customElements.whenDefined('{tag}').then(function () {{"
             f"  document.querySelector('{tag}').setAccessToken({json.dumps(token)}); }});")
    sweep_widgets(page, rows, width, what,
                  lambda theme, lang: host_page(sites, tag, theme, lang,
                                                script=signed_in_script(theme) + panel,
                                                panel=f"<{tag}></{tag}>"),
                  panel_loaded(tag))


@pytest.mark.parametrize("width", WIDTHS)
def test_dossier_panel(sweep_page, sites, dossier_token, rows, width) -> None:
    sweep_signed_in_panel(sweep_page, sites, rows, width, "dossier panel", "loket-dossiers",
                          dossier_token)


@pytest.mark.parametrize("width", WIDTHS)
def test_catalog_panel(sweep_page, sites, rows, width) -> None:
    panel = f'<loket-catalog municipality="{MUNICIPALITY}"></loket-catalog>'
    sweep_widgets(sweep_page, rows, width, "catalog panel",
                  lambda theme, lang: host_page(sites, "catalog", theme, lang, panel=panel),
                  panel_loaded("loket-catalog"))


@pytest.mark.parametrize("width", WIDTHS)
def test_association_search_panel(sweep_page, sites, rows, width) -> None:
    panel = f'<loket-associations area="{MUNICIPALITY}"></loket-associations>'
    sweep_widgets(sweep_page, rows, width, "association search panel",
                  lambda theme, lang: host_page(sites, "associations", theme, lang, panel=panel),
                  panel_loaded("loket-associations"))


@pytest.fixture(scope="module")
def messages_token(provider: Provider) -> str:
    """Jan's access token acting for FC Groenbeek (scope messages), after Groenbeek's back office
    sent the club a message (so the panel shows a list, with its buttons and links)."""
    import uuid

    creds = json.loads((provider.instance / "demo-catalog-clients.json").read_text())
    sender = requests.post(f"{provider.url}/oidc/token", timeout=15, data={
        "grant_type": "client_credentials", "scope": "messages:publish"},
        auth=("catalog-groenbeek", creds["catalog-groenbeek"]["client_secret"]))
    assert sender.status_code == 200, sender.text
    sent = requests.post(f"{provider.url}/api/v1/messages", timeout=15, headers={
        "Authorization": f"Bearer {sender.json()['access_token']}"}, json={
        "categorie": "evenement", "titel": {"nl": "Verenigingsbeurs op 14 maart",
                                            "fr": "Salon des associations le 14 mars"},
        "tekst": {"nl": "Schrijf je club in voor een stand op de verenigingsbeurs."},
        "productnummer": "GB-SUB-JEUGD", "sleutel": f"sweep-{uuid.uuid4().hex[:8]}",
        "doelgroep": {"verenigingen": [FCG]}})
    assert sent.status_code == 201, sent.text
    return oidc.club_token(provider, f"sweep-messages-{uuid.uuid4().hex[:8]}", ["messages"])


@pytest.mark.parametrize("width", WIDTHS)
def test_messages_panel(sweep_page, sites, messages_token, rows, width) -> None:
    """As a site's "Mijn berichten" shows it: signed in in the header, the club's messages."""
    sweep_signed_in_panel(sweep_page, sites, rows, width, "messages panel", "loket-messages",
                          messages_token)
