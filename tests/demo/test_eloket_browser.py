"""Issue 16's journey in real Chromium, with the provider and both demo sites as separate
processes: Jan, acting for FC Groenbeek, finds "Subsidie voor sportverenigingen" in the catalog
on Groenbeek's site, opens its form, finds it prefilled from the register, submits; the dossier
shows on Rivierstede's site too; staff at Groenbeek ask for a budget; Jan sees "Actie nodig" and
uploads it; staff approve; Jan sees "Goedgekeurd". At desk width and at 320 px, by keyboard where
a person types, axe-clean at each step."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from support.browser import assert_no_axe_violations
from support.demo import Demo, sign_in, switch_to
from support.dossiers import JAN

pytestmark = pytest.mark.browser
PRODUCT = "Subsidie voor sportverenigingen"


def panel_settled(page: Any, tag: str) -> str:
    page.wait_for_function(f"""() => {{ const el = document.querySelector('{tag}');
        const s = el && el.shadowRoot && el.shadowRoot.querySelector('.status');
        return s && !/status--(loading|idle)/.test(s.className); }}""")
    return str(page.locator(f"{tag} .status").get_attribute("class")).split("--")[-1]


def fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), \
        page.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map(el => el.localName + '.' + el.className).slice(0, 8)""")


def dossier_item(page: Any, number: str) -> Any:
    """The panel's item of the e-loket request ``number`` (its link leads to the request)."""
    return page.locator("loket-dossiers .list > li").filter(
        has=page.locator(f'a[href$="/mijn-aanvragen/{number}"]'))


def staff_page(browser: Any, demo: Demo, width: int) -> Any:
    account = json.loads((demo.provider.instance / "groenbeek-staff.json").read_text())
    context = browser.new_context(locale="nl-BE", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(demo.url("groenbeek", "/balie"))
    page.get_by_label("Gebruikersnaam").fill(account["user"])
    page.get_by_label("Wachtwoord").fill(account["password"])
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url(demo.url("groenbeek", "/balie"))
    return page


def staff_act(page: Any, demo: Demo, number: str, action: str, text: str = "") -> None:
    page.goto(demo.url("groenbeek", f"/balie/aanvragen/{number}"))
    assert_no_axe_violations(page)
    fits(page)
    page.get_by_label(action).check()
    if text:
        page.get_by_label("Vraag of motivering voor de aanvrager").fill(text)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Opslaan en de aanvrager laten weten").click()
    assert "Gewijzigd; de aanvrager ziet het in Mijn dossiers" in page.locator(
        "main [role=status]").inner_text()


@pytest.mark.parametrize("width", [1280, 320])
def test_jan_requests_the_sports_grant_for_fc_groenbeek_and_follows_it(
        browser, demo: Demo, width: int, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:6]
    context = browser.new_context(locale="nl-BE", viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # The catalog on Groenbeek's site, acting for FC Groenbeek: the product's "Aanvragen".
    sign_in(page, demo, "/producten-en-diensten", JAN, "FC Groenbeek")
    panel_settled(page, "loket-catalog")
    product = page.locator("loket-catalog .list > li", has_text=PRODUCT).first
    link = product.locator("[part=request-link]")
    assert link.get_attribute("href") == demo.url("groenbeek", "/aanvragen/sportsubsidie")
    with page.expect_navigation(wait_until="load"):
        link.click()

    # The form, prefilled from his sign-in and from the register, each field saying so.
    assert page.get_by_role("heading", level=1).inner_text() == PRODUCT
    assert page.get_by_label("Je naam").input_value() == "Jan Peeters"
    club = page.get_by_label("Naam van de vereniging")
    assert club.input_value() == "FC Groenbeek"
    assert page.locator("#organisatie-source").inner_text() == "Uit het verenigingsregister"
    assert page.locator("#naam-source").inner_text() == "Uit je aanmelding"
    assert "9999 Groenbeek" in page.get_by_label("Adres van de vereniging", exact=True).input_value()
    assert_no_axe_violations(page)
    fits(page)
    # A mistake first: the error is said with the field, nothing is sent.
    page.get_by_label("Aantal actieve leden").fill("")
    page.get_by_role("button", name="Aanvraag indienen").click()
    page.wait_for_load_state("load")
    alert = page.locator("main [role=alert]")
    assert "Niet alles is in orde" in alert.inner_text()
    members = page.get_by_label("Aantal actieve leden")
    assert members.get_attribute("aria-invalid") == "true"
    assert "Vul het aantal leden in" in page.locator("#leden-error").inner_text()
    assert_no_axe_violations(page)
    # By keyboard, then sent.
    members.focus()
    page.keyboard.type("48")
    page.get_by_label("Toelichting").fill(f"Werking seizoen 2026 ({tag})")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Aanvraag indienen").click()
    received = page.locator("main [role=status]")
    assert "Je aanvraag is ontvangen" in received.inner_text()
    number = page.locator("main .meta").first.inner_text().split()[1]
    assert number.startswith("GB-E-")
    assert_no_axe_violations(page)
    fits(page)

    # On Rivierstede's site, "Mijn dossiers" shows it already: signed in there without a
    # click, in the same capacity.
    page.goto(demo.url("rivierstede", "/mijn-dossiers"))
    assert panel_settled(page, "loket-dossiers") == "loaded"
    item = dossier_item(page, number)
    assert item.locator(".name").inner_text() == PRODUCT
    assert "Gemeente Groenbeek" in item.locator(".meta").inner_text()
    assert item.locator(".name a").get_attribute("href") == demo.url(
        "groenbeek", f"/mijn-aanvragen/{number}")
    assert item.locator(".step--current").inner_text().startswith("Samenstelling")
    fits(page)

    # Staff at Groenbeek ask for the budget.
    desk = staff_page(browser, demo, width)
    assert desk.get_by_role("link", name=number).count() == 1
    assert_no_axe_violations(desk)
    fits(desk)
    staff_act(desk, demo, number, "Meer informatie vragen (de aanvrager ziet 'actie nodig')",
              "Bezorg de begroting van het seizoen als PDF.")

    # Jan sees "Actie nodig" in the panel, follows the dossier's link and uploads the budget.
    page.goto(demo.url("groenbeek", "/mijn-dossiers"))
    assert panel_settled(page, "loket-dossiers") == "loaded"
    item = dossier_item(page, number)
    assert "item--action" in str(item.get_attribute("class"))
    assert item.locator(".action").inner_text() == (
        "Actie nodig: Bezorg de begroting van het seizoen als PDF.")
    with page.expect_navigation(wait_until="load"):
        item.locator(".name a").click()
    assert page.url == demo.url("groenbeek", f"/mijn-aanvragen/{number}")
    budget = tmp_path / "begroting-2026.pdf"
    budget.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Je antwoord").fill("De begroting zit erbij.")
    page.get_by_label("Bijlage", exact=True).set_input_files(str(budget))
    assert_no_axe_violations(page)
    fits(page)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Antwoord versturen").click()
    assert page.locator("main [role=status]").inner_text() == "Je antwoord is ontvangen."
    assert page.get_by_role("link", name="begroting-2026.pdf").count() == 1

    # Staff see the answer and approve; Jan sees "Goedgekeurd" in the panel.
    staff_act(desk, demo, number, "Goedkeuren")
    page.goto(demo.url("groenbeek", "/mijn-dossiers"))
    panel_settled(page, "loket-dossiers")
    # (closed ones, newest first: other tests' open requests could fill a page)
    page.locator("loket-dossiers").evaluate("el => el.setAttribute('status', 'closed')")
    panel_settled(page, "loket-dossiers")
    assert "Goedgekeurd" in dossier_item(page, number).inner_text()
    fits(page)
    assert errors == []
    desk.context.close()
    context.close()


def test_acting_as_citizen_the_form_asks_what_applies(browser, demo: Demo) -> None:
    context = browser.new_context(locale="nl-BE", viewport={"width": 320, "height": 900})
    page = context.new_page()
    sign_in(page, demo, "/aanvragen/evenement", JAN, "Als burger")
    assert page.get_by_label("Je naam").input_value() == "Jan Peeters"
    assert page.get_by_label("Naam van de vereniging").count() == 0
    assert "als burger" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    fits(page)
    # switching to the company: the form for the company, its name from the capacity
    switch_to(page, "Peeters Bouw BV")
    assert page.get_by_label("Naam van de onderneming").input_value() == "Peeters Bouw BV"
    assert page.locator("#organisatie-source").inner_text() == "Waarvoor je aangemeld bent"
    context.close()


def test_hostile_text_and_file_names_stay_text_in_the_panels_and_for_staff(
        browser, demo: Demo, tmp_path: Path) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    tag = uuid.uuid4().hex[:6]
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, demo, "/aanvragen/evenement", JAN, "FC Groenbeek")
    page.get_by_label("Naam van het evenement").fill(f"{hostile} {tag}")
    page.get_by_label("Datum").fill("2027-05-01")
    page.get_by_label("Waar (adres of plek)").fill(hostile)
    page.get_by_label("Verwacht aantal bezoekers").fill("300")
    page.get_by_label("Wat gebeurt er?", exact=False).fill(f'"><script>alert(2)</script>{hostile}')
    upload = tmp_path / f"{hostile}.pdf"
    upload.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Bijlage (niet verplicht)").set_input_files(str(upload))
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Aanvraag indienen").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Evenement melden: {hostile} {tag}"
    # the file's name is shown without the characters a name on disk or in a download
    # header must not carry
    assert page.get_by_role("link", name="img src=x onerror=alert(1).pdf").count() == 1

    def inert(where: Any, root: str = "document") -> None:
        assert where.evaluate(f"""() => {{ const r = {root};
            return r.querySelectorAll('img[src=x], script:not([src]):not([type])').length; }}""") == 0

    inert(page)
    # the dossier panel on the site and in Mijn Verenigingsloket at the provider
    for url in (demo.url("groenbeek", "/mijn-dossiers"),
                f"{demo.provider.url}/mijn-verenigingsloket/V0001001"):
        page.goto(url)
        panel_settled(page, "loket-dossiers")
        item = page.locator("loket-dossiers .list > li", has_text=tag)
        assert item.locator(".name").inner_text() == f"Evenement melden: {hostile} {tag}"
        inert(page, "document.querySelector('loket-dossiers').shadowRoot")
    desk = staff_page(browser, demo, 1280)
    number = desk.locator("tbody tr", has_text=tag).locator("a").inner_text()
    desk.goto(demo.url("groenbeek", f"/balie/aanvragen/{number}"))
    assert hostile in desk.locator("main").inner_text()
    inert(desk)
    assert dialogs == []
    desk.context.close()
    context.close()
