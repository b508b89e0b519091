"""The self-service forms in real Chromium: by keyboard alone, axe finding nothing in every
state (empty, with errors, stale), and hostile input shown as text."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from support.browser import assert_no_axe_violations, sign_in_at_provider
from support.oidc import JAN
from support.register import HOSTILE, fresh_insz, make_association

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("provider", ["sqlite"], indirect=True)]


def sign_in(page: Any, provider: Any, insz: str) -> None:
    sign_in_at_provider(page, provider.url, insz)


@pytest.fixture
def club(provider) -> dict[str, Any]:
    primary = fresh_insz()
    return {**make_association(provider, reps=[(primary, True)]), "primary": primary}


def test_onze_gegevens_and_its_forms_have_no_axe_violations(page, provider) -> None:
    sign_in(page, provider, JAN)
    page.get_by_role("link", name="Mijn Verenigingsloket").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mijn Verenigingsloket"
    assert_no_axe_violations(page)
    page.get_by_role("link", name="FC Groenbeek").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Onze gegevens")
    assert_no_axe_violations(page)
    for link in ("Basisgegevens wijzigen", "Activiteiten en werkingsgebied wijzigen",
                 "Contactgegeven toevoegen", "Locatie toevoegen", "Vertegenwoordiger uitnodigen"):
        page.get_by_role("link", name=link).click()
        page.wait_for_load_state()
        assert page.locator("main form button[type=submit]").last.is_visible(), link
        assert_no_axe_violations(page)
        page.go_back()
    # Loket's own header carries the links of Mijn Verenigingsloket, in its profile menu
    header = page.locator("loket-header")
    header.locator("[data-key=account-button]").click()
    header.locator("#account-panel").get_by_role("link", name="Mijn gegevens").click()
    page.wait_for_url("**/mijn-gegevens")
    page.get_by_role("button", name="Download mijn gegevens (JSON)").wait_for()
    assert_no_axe_violations(page)
    page.page_log.assert_clean()


def test_a_form_by_keyboard_with_errors_linked_to_their_fields(page, provider, club) -> None:
    sign_in(page, provider, club["primary"])
    page.goto(f"{provider.url}/mijn-verenigingsloket/{club['vcode']}/basisgegevens")
    page.get_by_label("Startdatum").focus()
    page.keyboard.type("2999-01-01")
    page.keyboard.press("Tab")  # to the minimum age
    page.keyboard.press("Tab")  # to the maximum age
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("151")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    assert "Er is een probleem" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.title().startswith("Fout:")
    assert page.get_by_label("Maximumleeftijd").get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page)
    page.keyboard.press("Tab")  # the first link of the summary
    assert "Startdatum" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "startdatum"
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("2001-05-04")
    page.get_by_label("Maximumleeftijd").fill("99")
    page.get_by_label("Maximumleeftijd").press("Enter")
    page.wait_for_url("**/mijn-verenigingsloket/*")
    # back at the part edited, the confirmation there
    assert page.url.endswith("#basis")
    saved = page.locator("section[aria-labelledby=basis] .alert-success")
    assert "De basisgegevens zijn bewaard." in saved.inner_text()
    page.page_log.assert_clean()


def test_hostile_input_is_shown_as_text(page, provider, club) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, provider, club["primary"])
    page.goto(f"{provider.url}/mijn-verenigingsloket/{club['vcode']}/contactgegevens/nieuw")
    page.get_by_label("Waarde").fill("https://club.example")
    page.get_by_label("Soort", exact=True).select_option("Website")
    page.get_by_label("Beschrijving (niet verplicht)").fill(HOSTILE)
    page.get_by_role("button", name="Bewaren").click()
    page.wait_for_url("**/mijn-verenigingsloket/*")
    assert HOSTILE in page.get_by_role("table").first.inner_text()
    assert page.locator("main img").count() == 0
    page.goto(f"{provider.url}/mijn-verenigingsloket/{club['vcode']}/basisgegevens")
    page.get_by_label("Roepnaam (niet verplicht)").fill(HOSTILE)
    page.get_by_label("Minimumleeftijd").fill(HOSTILE)
    page.get_by_role("button", name="Bewaren").click()
    page.wait_for_load_state()
    assert page.get_by_label("Minimumleeftijd").input_value() == HOSTILE
    assert page.locator("main img").count() == 0
    assert dialogs == []  # no alert(1) ran
    assert_no_axe_violations(page)
    page.page_log.assert_clean()


@pytest.mark.parametrize("width", [1280, 320])
def test_two_tabs_on_basisgegevens_lose_nothing(page, provider, club, width) -> None:
    """Tab 1 saves, tab 2 saves later: what only one of them changed is merged; where both
    changed a field, tab 2 sees both values and saves only what it chose."""
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, provider, club["primary"])
    url = f"{provider.url}/mijn-verenigingsloket/{club['vcode']}/basisgegevens"
    tab1, tab2 = page, page.context.new_page()
    tab2.set_viewport_size({"width": width, "height": 800})
    tab2.page_log = page.page_log
    page.page_log.attach(tab2)
    for tab in (tab1, tab2):
        tab.goto(url)
    tab1.get_by_label("Roepnaam").fill("Tab een")
    tab1.get_by_label("Korte naam").fill("T1")
    tab1.get_by_role("button", name="Bewaren").click()
    tab1.wait_for_url("**/mijn-verenigingsloket/*")
    tab2.get_by_label("Roepnaam").fill("Tab twee")
    tab2.get_by_label("Korte beschrijving").fill("Beschrijving van tab twee")
    tab2.get_by_role("button", name="Bewaren").click()
    tab2.wait_for_load_state()
    notice = tab2.locator("#stale-notice")
    assert "Iemand anders heeft deze gegevens intussen gewijzigd" in notice.inner_text()
    assert "Eén veld veranderden jullie allebei" in notice.inner_text()
    clash = tab2.get_by_role("group", name="Roepnaam: welke waarde blijft?")
    assert "Tab een" in clash.inner_text() and "Tab twee" in clash.inner_text()
    assert tab2.get_by_label("Korte naam").input_value() == "T1"  # tab 1's, merged in
    assert tab2.get_by_role("textbox", name="Roepnaam").input_value() == "Tab twee"
    assert tab2.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(tab2)
    # saving without a choice asks for one; nothing is saved
    tab2.get_by_role("button", name="Bewaren").click()
    tab2.wait_for_load_state()
    summary = tab2.get_by_role("alert")
    assert "Roepnaam: kies welke waarde blijft" in summary.inner_text()
    # the page moves focus to the summary once it has loaded (on a busy machine, after the
    # alert is already there): wait for it, a few seconds at most
    tab2.wait_for_function("document.activeElement && document.activeElement.id === "
                           "'error-summary'", timeout=5000)
    assert_no_axe_violations(tab2)
    assert _detail(provider, club)["roepnaam"] == "Tab een"
    # by keyboard: the radio for tab 2's own value, then save
    tab2.get_by_label("Wat jij invulde").focus()
    tab2.keyboard.press("Space")
    tab2.get_by_role("button", name="Bewaren").click()
    tab2.wait_for_url("**/mijn-verenigingsloket/*")
    assert "De basisgegevens zijn bewaard" in tab2.locator("main").inner_text()
    detail = _detail(provider, club)
    assert detail["roepnaam"] == "Tab twee"                      # chosen, having seen both
    assert detail["korteNaam"] == "T1"                           # tab 1's change survived
    assert detail["korteBeschrijving"] == "Beschrijving van tab twee"
    page.page_log.assert_clean()


def _detail(provider: Any, club: dict[str, Any]) -> dict[str, Any]:
    return requests.get(f"{provider.url}/api/v1/associations/{club['vcode']}",
                        timeout=15).json()
