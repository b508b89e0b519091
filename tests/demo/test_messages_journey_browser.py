"""Issue 15's journey in real Chromium, with the provider and both demo sites as separate
processes: Groenbeek's back office publishes "Vraag nu je jeugdsubsidie aan" to the youth
associations of Groenbeek over the API; Jan, acting for Jeugdhuis De Schakel, sees the header's
badge on Groenbeek's site, reads the message in the <loket-messages> panel on "Mijn berichten",
and follows it to the product in the site's catalog; the badge goes down as he reads. Acting for
FC Groenbeek (a sports club) he never gets it."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import requests

from support.browser import assert_no_axe_violations
from support.demo import Demo, sign_in, switch_to
from support.dossiers import JAN

pytestmark = pytest.mark.browser
TAG = "loket-messages"
PUBLISHER = "catalog-groenbeek"
TITLE = "Vraag nu je jeugdsubsidie aan"


def publisher_token(demo: Demo) -> str:
    """Groenbeek's back office's token, the documented way (secret written by the seed)."""
    creds = json.loads((demo.provider.instance / "demo-catalog-clients.json").read_text())
    response = requests.post(f"{demo.provider.url}/oidc/token", timeout=15,
                             data={"grant_type": "client_credentials",
                                   "scope": "messages:publish"},
                             auth=(PUBLISHER, creds[PUBLISHER]["client_secret"]))
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def badge(page: Any) -> str:
    """The number on the header's account button ("" without a badge)."""
    return str(page.evaluate("""() => { const b = document.querySelector('loket-header')
        .shadowRoot.querySelector('[data-key=account-button] .badge');
        return b ? b.textContent : ''; }"""))


def settled(page: Any) -> str:
    page.wait_for_function(f"""() => {{ const el = document.querySelector('{TAG}');
        const s = el && el.shadowRoot && el.shadowRoot.querySelector('.status');
        return s && !/status--(loading|idle)/.test(s.className); }}""")
    return str(page.locator(f"{TAG} .status").get_attribute("class")).split("--")[-1]


def test_youth_grant_reaches_de_schakel_not_fc_groenbeek(browser, demo: Demo) -> None:
    tag = uuid.uuid4().hex[:8]
    text = f"Jeugdverenigingen uit Groenbeek kunnen tot 31 maart subsidie aanvragen ({tag})."
    sent = requests.post(f"{demo.provider.url}/api/v1/messages", timeout=15, headers={
        "Authorization": f"Bearer {publisher_token(demo)}"}, json={
        "categorie": "subsidie", "titel": {"nl": TITLE}, "tekst": {"nl": text},
        "productnummer": "GB-SUB-JEUGD", "sleutel": f"journey-{tag}",
        "doelgroep": {"filter": {"hoofdactiviteiten": ["JGDW"],
                                 "werkingsgebieden": ["BE23999001"]}}})
    assert sent.status_code == 201, sent.text
    assert sent.json()["bereikt"] >= 1

    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # Acting for FC Groenbeek (sports): not in its messages.
    sign_in(page, demo, "/mijn-berichten", JAN, "FC Groenbeek")
    assert settled(page) in ("loaded", "empty")
    assert page.locator(f"{TAG} .title").inner_text() == "Berichten voor FC Groenbeek"
    assert page.locator(f"{TAG} .list > li", has_text=tag).count() == 0

    # Acting for De Schakel: the badge on the header, the message in the panel, new, on top.
    switch_to(page, "Jeugdhuis De Schakel")
    assert settled(page) == "loaded"
    count = int(badge(page))
    assert count >= 1
    menu_link = page.locator("loket-header a.messages-link")
    page.locator("loket-header [data-key=account-button]").click()
    assert menu_link.inner_text() == (f"{count} nieuwe berichten" if count > 1
                                      else "1 nieuw bericht")
    page.keyboard.press("Escape")
    item = page.locator(f"{TAG} .list > li", has_text=tag)
    assert item.count() == 1
    assert item.locator(".name").inner_text() == TITLE
    assert item.locator(".new").inner_text() == "Nieuw"
    assert "Gemeente Groenbeek" in item.locator(".meta").inner_text()
    assert_no_axe_violations(page)

    # He follows it to the product: the site's own catalog, searched for it; the message is
    # read, and the badge went down by one before he left.
    product = item.get_by_role("link", name="Bekijk Werkingssubsidie jeugdwerk")
    with page.expect_navigation(url=demo.url("groenbeek", "/producten-en-diensten") + "?q=*"):
        product.click()
    page.wait_for_function("""() => { const el = document.querySelector('loket-catalog');
        const s = el && el.shadowRoot && el.shadowRoot.querySelector('.status');
        return s && !/status--(loading|idle)/.test(s.className); }""")
    names = page.locator("loket-catalog .list > li .name").all_inner_texts()
    assert names and names[0].startswith("Werkingssubsidie jeugdwerk")
    assert badge(page) == ("" if count == 1 else str(count - 1))

    # Back on "Mijn berichten" it is read (no "Nieuw"); the phone width fits.
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(demo.url("groenbeek", "/mijn-berichten"))
    assert settled(page) == "loaded"
    item = page.locator(f"{TAG} .list > li", has_text=tag)
    assert item.locator(".new").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert errors == []
    context.close()
