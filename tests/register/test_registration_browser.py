"""The volunteer's journey in real Chromium, at desk width and at 320 px: a citizen registers a
feitelijke vereniging (a similar name in the same municipality needs the confirmation), acts for
it at once, invites a second person, who signs in and accepts; axe finds nothing on the way."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from support.browser import assert_no_axe_violations, sign_in_at_provider
from support.register import add_person, fresh_insz, make_association, word

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("provider", ["sqlite"], indirect=True)]


def sign_in(page: Any, provider: Any, insz: str) -> None:
    sign_in_at_provider(page, provider.url, insz)


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("width", [1280, 320])
def test_register_act_at_once_invite_and_accept(page, browser, provider, width) -> None:
    marker = word()
    make_association(provider, naam=f"Buurtcomité {marker} vzw")   # active in Groenbeek
    founder, second = fresh_insz(), fresh_insz()
    add_person(provider, founder, "Fien", "Stichter")
    add_person(provider, second, "Sam", "Tweede")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, provider, founder)
    page.goto(f"{provider.url}/mijn-verenigingsloket")
    page.get_by_role("link", name="Vereniging registreren").click()
    page.wait_for_url("**/registreren")
    assert fits(page)
    assert_no_axe_violations(page)
    page.get_by_label("Naam van de vereniging").fill(f"Buurtcomite {marker}")
    page.get_by_label("Buurtwerking & Wijkcomité").check()
    page.get_by_role("textbox", name="Straat", exact=True).fill("Lindestraat")
    page.get_by_role("textbox", name="Huisnummer").fill("4")
    page.get_by_role("textbox", name="Postcode", exact=True).fill("9999")
    # the postcode suggests the municipality, in a live region that was there all along
    # (expect polls without evaluating code in the page: its CSP forbids eval)
    expect(page.locator("#gemeente-suggestion")).to_have_text("Postcode 9999 ligt in Groenbeek.")
    assert page.get_by_role("textbox", name="Gemeente").input_value() == "Groenbeek"
    page.get_by_label("E-mailadres van de vereniging").fill(f"{marker}@buurt.example")
    page.get_by_role("button", name="Vereniging registreren").click()
    page.wait_for_load_state()
    notice = page.locator("#duplicate-notice")
    assert "Is dit jullie vereniging?" in notice.inner_text()
    assert f"Buurtcomité {marker} vzw" in notice.inner_text()
    assert fits(page)
    assert_no_axe_violations(page)
    page.get_by_label("Dit is een andere vereniging: toch registreren").check()
    page.get_by_role("button", name="Vereniging registreren").click()
    page.wait_for_url("**/mijn-verenigingsloket/V*")
    vcode = page.url.rsplit("/", 1)[1]
    main = page.locator("main").inner_text()
    assert f"is geregistreerd met vCode {vcode}" in main
    assert "Groenbeek" in main                     # the municipality from the postcode
    # acting for it at once: the header says so, without signing in again
    header = page.locator("loket-header")
    header.locator("[data-key=account-button]").wait_for()
    assert f"Buurtcomite {marker}" in header.locator("[data-key=account-button]").inner_text()
    assert fits(page)
    assert_no_axe_violations(page)
    # invite the second person
    page.get_by_role("link", name="Vertegenwoordiger uitnodigen").click()
    page.get_by_label("Rijksregisternummer").fill(second)
    page.get_by_role("textbox", name="E-mailadres").fill("sam@buurt.example")
    page.get_by_role("button", name="Uitnodiging maken").click()
    page.wait_for_url(f"**/{vcode}#vertegenwoordigers")   # back where the invitation is listed
    assert "Wacht op antwoord" in page.locator("main").inner_text()
    assert "Sam Tweede" not in page.locator("main").inner_text()
    # the second person signs in (another browser profile) and accepts
    context = browser.new_context(locale="nl-BE", viewport={"width": width, "height": 900})
    try:
        other = context.new_page()
        sign_in(other, provider, second)
        other.goto(f"{provider.url}/mijn-verenigingsloket")
        invitation = other.locator("li.invitation")
        assert f"Buurtcomite {marker}" in invitation.inner_text()
        assert fits(other)
        assert_no_axe_violations(other)
        invitation.get_by_role("button", name="Aanvaarden").click()
        other.wait_for_url(f"**/{vcode}")
        assert "Je bent nu vertegenwoordiger" in other.locator("main").inner_text()
    finally:
        context.close()
    page.reload()
    listed = page.locator("section[aria-labelledby=vertegenwoordigers]").inner_text()
    assert "Sam Tweede" in listed and "Aanvaard" in listed
    page.page_log.assert_clean()
