"""The provider's own pages in real Chromium: test login and capacity chooser, by keyboard,
with axe finding nothing, hostile input shown as text."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from support.agent import pkce_pair
from support.browser import assert_no_axe_violations

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("provider", ["sqlite"], indirect=True)]


def start(page, provider, rp, **extra) -> None:
    _, challenge = pkce_pair()
    params = {"client_id": rp.client_id, "redirect_uri": rp.redirect_uri,
              "response_type": "code", "scope": "openid profile capacity", "state": "s1",
              "code_challenge": challenge, "code_challenge_method": "S256", **extra}
    page.goto(f"{provider.url}/oidc/authorize?{urlencode(params)}")


def test_login_and_chooser_by_keyboard_with_no_axe_violations(page, provider, rp) -> None:
    start(page, provider, rp)
    assert page.title().startswith("Aanmelden")
    assert page.get_by_role("banner").is_visible()
    assert_no_axe_violations(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the banner's brand link into the form
    field = page.get_by_label("Rijksregisternummer")
    field.focus()
    page.keyboard.type("12345678901")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "controlegetal" in alert.inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page)

    field.fill("85.07.30-033.28")
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url("**/hoedanigheid*")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hoe wil je")
    assert_no_axe_violations(page)
    first = page.get_by_role("radio", name="Als burger")
    assert first.is_checked()
    first.focus()
    page.keyboard.press("ArrowDown")  # associations follow the citizen, by name
    assert page.get_by_role("radio", name="Namens FC Groenbeek").is_checked()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{rp.redirect_uri}*")
    query = parse_qs(urlsplit(page.url).query)
    assert query["state"] == ["s1"] and query["code"][0]
    page.page_log.assert_clean()


def test_hostile_input_is_shown_as_text(page, provider, rp) -> None:
    start(page, provider, rp)
    page.get_by_label("Rijksregisternummer").fill('<img src=x onerror="window.pwned=1">')
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_load_state()
    assert page.evaluate("window.pwned") is None
    assert page.locator("img").count() == 0
    assert page.get_by_label("Rijksregisternummer").input_value().startswith("<img")


def test_error_page_for_unknown_client_is_accessible(page, provider) -> None:
    page.goto(f"{provider.url}/oidc/authorize?client_id=nobody&redirect_uri=http://x/")
    assert "niet geregistreerd" in page.get_by_role("alert").inner_text()
    assert_no_axe_violations(page)
