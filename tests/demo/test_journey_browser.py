"""The product as a municipality and a citizen meet it, in real Chromium: provider and both demo
sites as separate server processes on three loopback hosts."""

from __future__ import annotations

import os
from typing import Any

import pytest

from support.browser import assert_no_axe_violations, sign_in_at_provider
from support.demo import Demo
from support.oidc import AN, ELS, JAN

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LOKET_SCREENSHOTS")  # a folder: the journey also takes screenshots


def header(page: Any) -> Any:
    return page.locator("loket-header")


def header_text(page: Any) -> str:
    return str(page.evaluate("document.querySelector('loket-header').shadowRoot.textContent"))


def check_page(page: Any) -> None:
    page.wait_for_load_state("load")
    assert_no_axe_violations(page)


def sign_in_at(page: Any, demo: Demo, site: str, insz: str | None, choice: str | None) -> None:
    page.goto(demo.url(site))
    header(page).get_by_role("link", name="Aanmelden").click()
    if insz is not None:
        page.wait_for_url(f"{demo.provider.url}/aanmelden*")
        check_page(page)
        page.get_by_label("Rijksregisternummer").fill(insz)
        page.get_by_role("button", name="Aanmelden").click()
    if choice is not None:
        page.wait_for_url(f"{demo.provider.url}/hoedanigheid*")
        check_page(page)
        page.get_by_role("radio", name=choice).check()
        page.get_by_role("button", name="Verder").click()
    page.wait_for_url(f"{demo.sites[site].url}/**")
    check_page(page)


def open_account_menu(page: Any) -> Any:
    button = header(page).locator("[data-key=account-button]")
    button.click()
    return header(page).locator("#account-panel")


def site_session(page: Any, demo: Demo, site: str) -> dict[str, Any]:
    """What the site's own session holds, read as the page does (the profile JSON)."""
    import json

    return dict(json.loads(page.locator("#loket-profile").text_content()))


def test_sign_in_switch_sso_and_logout_across_sites(browser, demo: Demo) -> None:
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    # Jan signs in at Groenbeek as a citizen: the header shows his name
    sign_in_at(page, demo, "groenbeek", JAN, "Als burger")
    assert "Jan Peeters" in header_text(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/groenbeek-signed-in.png")

    # he switches to FC Groenbeek in the header: no credential prompt, no chooser
    panel = open_account_menu(page)
    assert panel.is_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/groenbeek-account-menu.png")
    panel.get_by_role("link", name="FC Groenbeek").click()
    page.wait_for_url(f"{demo.sites['groenbeek'].url}/**")
    check_page(page)
    assert "FC Groenbeek" in header_text(page)
    profile = site_session(page, demo, "groenbeek")
    active = profile["idpData"]["activeIdentity"]["onBehalfOf"]
    assert (active["code"], active["identifier"]) == ("VER", "V0001001")
    assert "namens de vereniging" in page.locator("main").inner_text()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/groenbeek-fc-groenbeek.png")

    # Rivierstede, new to him in this browser session: signed in as FC Groenbeek, no click
    page.goto(demo.url("rivierstede"))
    check_page(page)
    assert "FC Groenbeek" in header_text(page)
    active = site_session(page, demo, "rivierstede")["idpData"]["activeIdentity"]["onBehalfOf"]
    assert (active["code"], active["identifier"]) == ("VER", "V0001001")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/rivierstede-signed-in-without-a-click.png")

    # and back to citizen there
    open_account_menu(page).get_by_role("link", name="als burger").click()
    page.wait_for_url(f"{demo.sites['rivierstede'].url}/**")
    assert site_session(page, demo, "rivierstede")["idpData"]["activeIdentity"]["onBehalfOf"][
        "code"] == "BUR"
    assert "Jan Peeters" in header_text(page)

    # the provider's cookie never reaches the sites' hosts; each site's cookie stays home
    cookies = context.cookies()
    sso = [c for c in cookies if c["name"].startswith("loket_sso")]
    assert sso and all(c["domain"] == "127.0.0.1" for c in sso)
    assert all(c["httpOnly"] for c in sso)
    for site, host in (("groenbeek", "127.0.0.2"), ("rivierstede", "127.0.0.3")):
        own = [c for c in cookies if c["name"] == f"{site}_session"]
        assert own and all(c["domain"] == host and c["httpOnly"] for c in own)

    # he signs out at Rivierstede: Groenbeek is signed out too, on its next request
    open_account_menu(page).get_by_role("link", name="Afmelden").click()
    page.wait_for_url(f"{demo.sites['rivierstede'].url}/**")
    check_page(page)
    assert header(page).get_by_role("link", name="Aanmelden").is_visible()
    page.goto(demo.url("groenbeek"))
    assert header(page).get_by_role("link", name="Aanmelden").is_visible()
    assert "Jan Peeters" not in header_text(page)
    # and the provider's session is gone: a new sign-in asks for credentials
    header(page).get_by_role("link", name="Aanmelden").click()
    page.wait_for_url(f"{demo.provider.url}/aanmelden*")
    for page_name in ("mijn-dossiers", "producten-en-diensten", "verenigingen-zoeken"):
        page.goto(demo.url("groenbeek", f"/{page_name}"))
        check_page(page)
    assert not errors, errors
    context.close()


def test_the_silent_check_is_one_round_trip_per_browser_session(browser, demo: Demo) -> None:
    """Signed in nowhere: the first page asks the provider once (prompt=none) and shows the
    page; the next pages do not ask again. Signed in at the provider as An (one capacity): the
    first page of a site comes signed in."""
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/oidc/authorize" in r.url else None)
    page.goto(demo.url("rivierstede", "/verenigingen-zoeken?q=voetbal"))
    check_page(page)
    assert page.url == demo.url("rivierstede", "/verenigingen-zoeken?q=voetbal")
    assert header(page).get_by_role("link", name="Aanmelden").is_visible()
    assert len(asked) == 1 and "prompt=none" in asked[0]
    page.goto(demo.url("rivierstede", "/mijn-dossiers"))
    page.goto(demo.url("rivierstede"))
    check_page(page)
    assert len(asked) == 1                        # once per browser session, not per page
    context.close()

    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    sign_in_at_provider(page, demo.provider.url, AN)
    page.goto(demo.url("groenbeek", "/producten-en-diensten"))
    check_page(page)
    assert page.url == demo.url("groenbeek", "/producten-en-diensten")
    assert "An Janssens" in header_text(page)
    context.close()


def test_an_sees_no_other_identities(browser, demo: Demo) -> None:
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    sign_in_at(page, demo, "groenbeek", AN, None)
    panel = open_account_menu(page)
    assert "An Janssens" in header_text(page)
    assert panel.locator(".identities").count() == 0
    check_page(page)
    context.close()


def test_els_cannot_reach_fc_groenbeek_by_crafting_the_switch_url(browser, demo: Demo) -> None:
    import base64
    import json

    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    sign_in_at(page, demo, "groenbeek", ELS, "Als burger")
    switch = site_session(page, demo, "groenbeek")["switchCapacityUrl"]
    forged = base64.urlsafe_b64encode(json.dumps(
        {"cap_hint": "VER", "code_hint": "V0001001"}).encode()).decode().rstrip("=")
    page.goto(demo.url("groenbeek", f"{switch}&login_hint={forged}"))
    page.wait_for_url(f"{demo.provider.url}/hoedanigheid*")
    assert "FC Groenbeek" not in page.content()
    assert page.get_by_role("radio", name="Namens Vogelwerkgroep De Rietgors").count() == 1
    check_page(page)
    context.close()
