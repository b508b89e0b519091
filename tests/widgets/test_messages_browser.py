"""<loket-messages> on a municipality's page (127.0.0.2) under a strict CSP: its code is fetched
only where the element is used, every example is axe clean at desk and phone width without
horizontal scrolling, hostile data stays text, and with a real token it reads the capacity's
messages and marks them read, unread, archived and back through the API (CORS, bearer token,
no cookie), announcing each change politely."""

from __future__ import annotations

import json
from typing import Any

import pytest

from loket.widgets.examples import examples
from support import oidc
from support.browser import assert_no_axe_violations
from support.widgets import CSP_WATCH, panel_host_page, panel_settled
from support.widgets import example_script as shared_example_script

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("provider", ["sqlite"], indirect=True)]

EXAMPLES = examples()["messages"]
TAG = "loket-messages"


@pytest.fixture(scope="module")
def schakel_token(provider) -> str:
    """Jan's access token acting for Jeugdhuis De Schakel (scope messages)."""
    return oidc.club_token(provider, "messages-panel-rp", ["messages"], vcode="V0001002")


def panel_page(sites, name: str, script: str, *, panel: str = f"<{TAG}></{TAG}>") -> str:
    return panel_host_page(sites, name, script, panel, "Mijn berichten")


def example_script(sites, example: dict[str, Any]) -> str:
    return shared_example_script(sites, TAG, example)


def example(name: str) -> dict[str, Any]:
    return next(ex for ex in EXAMPLES if ex["name"] == name)


def settled(page: Any) -> str:
    return panel_settled(page, TAG)


def titles(page: Any) -> list[str]:
    return page.locator(f"{TAG} .list > li .name").all_inner_texts()


def said(page: Any) -> str:
    return str(page.locator(f"{TAG} .said").text_content())


@pytest.mark.parametrize("width", [1280, 320])
def test_every_example_is_axe_clean_and_fits(page, sites, width) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.add_init_script(CSP_WATCH)
    for ex in EXAMPLES:
        page.goto(panel_page(sites, f"msg-{ex['name']}", example_script(sites, ex)))
        expected = {"04-loading": "loading", "05-error": "error", "06-signed-out": "signed-out",
                    "03-empty": "empty"}.get(ex["name"], "loaded")
        if expected == "loading":
            page.locator(f"{TAG} .status--loading").wait_for()
        else:
            assert settled(page) == expected, ex["name"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, ex["name"]
        assert_no_axe_violations(page)
        assert page.evaluate("window.__csp") == [], ex["name"]
    page.page_log.assert_clean()


def test_new_first_marking_and_archiving_with_the_keyboard(page, sites) -> None:
    page.goto(panel_page(sites, "msg-actions", example_script(sites, example("01-association"))))
    assert settled(page) == "loaded"
    assert page.locator(f"{TAG} .title").inner_text() == "Berichten voor Jeugdhuis De Schakel"
    status = page.locator(f"{TAG} .status")
    assert status.inner_text() == "3 berichten, waarvan 2 nieuw."
    assert titles(page)[:2] == ["Vraag nu je jeugdsubsidie aan",
                                "Je erkenning als jeugdvereniging loopt af op 15 april 2025"]
    first = page.locator(f"{TAG} .list > li").first
    assert first.locator(".new").inner_text() == "Nieuw"
    # The product leads to its request form (no product-url on this page), the renewal link
    # to the sender's page.
    assert first.get_by_role("link").get_attribute("href") == (
        "https://loket.groenbeek.example/aanvragen/jeugdsubsidie")
    # By keyboard: the button names the message it acts on.
    button = first.get_by_role("button", name="Markeer als gelezen: Vraag nu je jeugdsubsidie aan")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector('{TAG}').shadowRoot"
                           ".querySelector('.said').textContent !== ''")
    assert said(page) == "„Vraag nu je jeugdsubsidie aan” is gelezen."
    assert status.inner_text() == "3 berichten, waarvan 1 nieuw."
    assert first.locator(".new").count() == 0
    # Focus stays on the same control (now "Markeer als ongelezen").
    assert page.evaluate(f"document.querySelector('{TAG}').shadowRoot.activeElement"
                         ".getAttribute('data-key')") == "unread-0"
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector('{TAG}').shadowRoot"
                           ".querySelector('.said').textContent.includes('weer nieuw')")
    assert status.inner_text() == "3 berichten, waarvan 2 nieuw."
    # Archive: it leaves the inbox, focus moves to the next message, and it is in the archive.
    first.get_by_role("button", name="Archiveer: Vraag nu je jeugdsubsidie aan").click()
    page.wait_for_function(f"() => document.querySelector('{TAG}').shadowRoot"
                           ".querySelector('.said').textContent.includes('archief')")
    assert "Vraag nu je jeugdsubsidie aan" not in titles(page)
    assert status.inner_text() == "2 berichten, waarvan 1 nieuw."
    assert page.evaluate(f"document.querySelector('{TAG}').shadowRoot.activeElement"
                         ".getAttribute('data-key')") == "item-0"
    page.locator(f"{TAG} input[value=archive]").check()
    assert settled(page) == "loaded"
    assert titles(page) == ["Vraag nu je jeugdsubsidie aan",
                            "Nieuwe openingsuren van de uitleendienst"]
    page.locator(f"{TAG} .list > li").first.get_by_role(
        "button", name="Terug naar postvak: Vraag nu je jeugdsubsidie aan").click()
    page.wait_for_function(f"() => document.querySelector('{TAG}').shadowRoot"
                           ".querySelectorAll('.list > li').length === 1")
    page.page_log.assert_clean()


def test_hostile_example_stays_text(page, sites) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(panel_page(sites, "msg-hostile", example_script(sites, example("07-hostile"))))
    assert settled(page) == "loaded"
    assert titles(page) == ["<script>alert(1)</script>"]
    assert page.locator(f"{TAG} .title").inner_text() == "Berichten voor <img src=x onerror=alert(1)>"
    inside = page.evaluate(f"""() => {{ const r = document.querySelector('{TAG}').shadowRoot;
        return {{bad: r.querySelectorAll('img, script, iframe, svg, b, i').length,
                 hrefs: [...r.querySelectorAll('[href]')].map(a => a.getAttribute('href')),
                 text: r.querySelector('.text').textContent}}; }}""")
    assert inside["bad"] == 0
    assert inside["hrefs"] == []  # javascript: and data: links are no links
    assert inside["text"] == "<img src=x onerror=alert(2)>"
    page.locator(f"{TAG} .list > li").first.get_by_role("button").first.click()
    page.wait_for_timeout(200)
    assert dialogs == []
    page.page_log.assert_clean()


def test_in_french_the_labels_follow_the_page(page, sites) -> None:
    page.goto(panel_page(sites, "msg-fr", example_script(sites, example("08-french"))))
    assert settled(page) == "loaded"
    assert page.locator(f"{TAG} .title").inner_text() == "Messages pour Jeugdhuis De Schakel"
    assert page.locator(f"{TAG} .status").inner_text() == "1 message, dont 1 nouveaux."
    assert page.locator(f"{TAG} .name").get_attribute("lang") == "fr"
    assert page.locator(f"{TAG} .new").inner_text() == "Nouveau"


def test_with_a_real_token_it_reads_and_marks_through_the_api(page, sites, schakel_token) -> None:
    script = f"""customElements.whenDefined('{TAG}').then(function () {{
        document.querySelector('{TAG}').setAccessToken({json.dumps(schakel_token)}); }});"""
    seen: list[tuple[str, str, dict[str, str]]] = []
    page.on("request", lambda r: seen.append((r.method, r.url, r.all_headers()))
            if "/api/v1/me/messages" in r.url else None)
    page.goto(panel_page(sites, "msg-token", script,
                         panel=f'<{TAG} product-url="/producten?q={{title}}"></{TAG}>'))
    assert settled(page) == "loaded"
    assert page.locator(f"{TAG} .title").inner_text() == "Berichten voor Jeugdhuis De Schakel"
    grant = page.locator(f"{TAG} .list > li").filter(has_text="Vraag nu je jeugdsubsidie aan")
    assert grant.count() == 1
    link = grant.get_by_role("link", name="Bekijk Werkingssubsidie jeugdwerk")
    assert link.get_attribute("href") == (
        f"{sites.host.url}/producten?q=Werkingssubsidie%20jeugdwerk")
    # The renewal reminder Loket wrote for Groenbeek's recognition: its category, its link.
    reminder = page.locator(f"{TAG} .list > li").filter(
        has_text="Vraag de hernieuwing van je erkenning aan")
    assert reminder.count() == 1
    assert reminder.locator("[part=category]").text_content() == "Soort: Erkenning"
    assert reminder.get_by_role("link", name="Meer lezen").get_attribute("href") == (
        "https://loket.groenbeek.example/aanvragen/erkenning")
    before = grant.locator(".new").count()
    grant.get_by_role("button", name="Markeer als gelezen: Vraag nu je jeugdsubsidie aan").click()
    page.wait_for_function(f"() => document.querySelector('{TAG}').shadowRoot"
                           ".querySelector('.said').textContent.includes('is gelezen')")
    assert before == 1 and grant.locator(".new").count() == 0
    # Reloaded from the API, it is still read; then back to unread (leaves the demo as it was).
    page.reload()
    assert settled(page) == "loaded"
    grant = page.locator(f"{TAG} .list > li").filter(has_text="Vraag nu je jeugdsubsidie aan")
    assert grant.locator(".new").count() == 0
    grant.get_by_role("button", name="Markeer als ongelezen: Vraag nu je jeugdsubsidie aan").click()
    page.wait_for_function(f"() => document.querySelector('{TAG}').shadowRoot"
                           ".querySelector('.said').textContent.includes('weer nieuw')")
    methods = [(m, url.split("/api/v1")[1].split("?")[0]) for m, url, _ in seen if m != "OPTIONS"]
    assert ("POST", f"/me/messages/{grant_id(methods)}/read") in methods
    assert ("DELETE", f"/me/messages/{grant_id(methods)}/read") in methods
    assert all(h.get("authorization") == f"Bearer {schakel_token}" and "cookie" not in h
               for m, _, h in seen if m != "OPTIONS")
    # The page switches to French: the messages are asked again, in French.
    seen.clear()
    page.evaluate("document.documentElement.lang = 'fr'")
    page.wait_for_function(f"""() => document.querySelector('{TAG}').shadowRoot
        .querySelector('.title').textContent.startsWith('Messages pour')""")
    assert settled(page) == "loaded"
    asked = [url for m, url, _ in seen if m == "GET" and "/api/v1/me/messages?" in url]
    assert asked and all("lang=fr" in url for url in asked)
    # (the demo's grant message has a French title of its own)
    french = page.locator(f"{TAG} .list > li").filter(has_text="Demandez maintenant")
    assert french.count() == 1 and french.locator(".name").get_attribute("lang") == "fr"
    page.page_log.assert_clean()


def grant_id(calls: list[tuple[str, str]]) -> str:
    return next(path.split("/")[3] for method, path in calls if method == "POST")
