"""Issue 5's must-show in real Chromium, with the provider and both demo sites as separate
processes: a back office pushes a dossier with its client-credentials token; Jan acting for FC
Groenbeek sees it in the <loket-dossiers> panel on Groenbeek's "Mijn dossiers" within one page
load, and as a citizen he does not. Plus every panel state under axe, the keyboard, languages and
hostile strings."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
import requests

from support.browser import assert_no_axe_violations
from support.demo import Demo, sign_in, switch_to
from support.dossiers import JAN, bearer, dossier_body

pytestmark = pytest.mark.browser
SOURCE = "groenbeek-backoffice"
HOSTILE = "<img src=x onerror=alert(1)>"


# ---- helpers ------------------------------------------------------------------------------------

def backoffice_token(demo: Demo) -> str:
    """The demo back office's token, the documented way (credentials written by the seed)."""
    creds = json.loads((demo.provider.instance / "demo-backoffices.json").read_text())[SOURCE]
    response = requests.post(f"{demo.provider.url}/oidc/token", timeout=15,
                             data={"grant_type": "client_credentials", "scope": "dossiers:write"},
                             auth=(creds["client_id"], creds["client_secret"]))
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def push(demo: Demo, token: str, number: str, body: dict[str, Any]) -> None:
    response = requests.put(f"{demo.provider.url}/api/v1/dossiers/{SOURCE}/{number}", json=body,
                            headers=bearer(token), timeout=15)
    assert response.status_code == 201, response.text


def recent(seconds_ago: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - seconds_ago))


def watch(page: Any) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"console": [], "errors": [], "dialogs": [], "api": []}
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: seen["api"].append(json.dumps(r.all_headers()))
            if "/api/v1/me/dossiers" in r.url else None)
    return seen


def panel_state(page: Any) -> str:
    """Wait until the panel has shown a result; its status line says which."""
    page.wait_for_function("""() => {
        const el = document.querySelector('loket-dossiers');
        const s = el && el.shadowRoot && el.shadowRoot.querySelector('.status');
        return s && !/status--(loading|idle)/.test(s.className); }""")
    return str(page.locator("loket-dossiers .status").get_attribute("class")).split("--")[-1]


def names(page: Any) -> list[str]:
    return page.locator("loket-dossiers .list > li .name").all_inner_texts()


def shadow_eval(page: Any, script: str) -> Any:
    return page.evaluate(f"(() => {{ const root = document.querySelector('loket-dossiers')"
                         f".shadowRoot; return {script}; }})()")


# ---- the must-show ---------------------------------------------------------------------------

def test_pushed_dossier_shows_for_fc_groenbeek_and_not_for_jan_as_citizen(browser,
                                                                           demo: Demo) -> None:
    tag = uuid.uuid4().hex[:8]
    name = f"Subsidie zomerkamp {tag}"
    link = f"https://loket.groenbeek.example/dossiers/ZK-{tag}"
    token = backoffice_token(demo)
    push(demo, token, f"HOSTILE-{tag}", dossier_body(
        name=f"{HOSTILE} {tag}", lastChange=recent(120), link=link + "-x",
        status={"code": "Ingediend", "phase": "Behandeling",
                "detail": "<script>window.__pwned = 1</script>",
                "action": {"required": True, "text": '<a href="javascript:alert(1)">Klik</a>'}},
        handler={"name": '"><svg onload=alert(1)>', "email": "x@groenbeek.example"}))
    push(demo, token, f"ZK-{tag}", dossier_body(
        name=name, lastChange=recent(30), link=link,
        status={"code": "DossierOnvolledig", "phase": "Samenstelling",
                "detail": "Het budget ontbreekt.",
                "action": {"required": True, "text": "Bezorg het budget van het zomerkamp."}},
        # links only on the back office's registered origins (loket.trust)
        handler={"name": "Sofie Van Damme", "website": "https://www.groenbeek.example/"}))

    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    seen = watch(page)

    # As a citizen: his own dossier, not the club's.
    sign_in(page, demo, "/mijn-dossiers", JAN, "Als burger")
    assert panel_state(page) == "loaded"
    assert names(page) == ["Bewonerskaart parkeren"]
    assert page.locator("loket-dossiers .title").inner_text() == "Dossiers op je eigen naam"

    # He switches to FC Groenbeek in the header: the pushed dossier is there, on top, on the
    # page the switch brings him back to (no reload needed).
    switch_to(page, "FC Groenbeek")
    assert panel_state(page) == "loaded"
    assert page.locator("loket-dossiers .title").inner_text() == "Dossiers van FC Groenbeek"
    listed = names(page)
    assert listed[0] == name and f"{HOSTILE} {tag}" in listed
    first = page.locator("loket-dossiers .list > li").first
    assert "item--action" in str(first.get_attribute("class"))
    assert first.locator(".action").inner_text() == "Actie nodig: Bezorg het budget van het zomerkamp."
    assert first.locator(".name a").get_attribute("href") == link
    assert first.locator(".step--current").inner_text().startswith("Samenstelling")
    assert "Gemeente Groenbeek" in first.locator(".meta").inner_text()
    assert "actie nodig" in page.locator("loket-dossiers .status").inner_text()
    assert_no_axe_violations(page)

    # Hostile strings are text: no element made from them, nothing ran.
    hostile = page.locator("loket-dossiers .list > li", has_text=tag).filter(has_text="onerror")
    assert hostile.locator(".name").inner_text() == f"{HOSTILE} {tag}"
    assert "<script>window.__pwned = 1</script>" in hostile.inner_text()
    assert shadow_eval(page, "root.querySelectorAll('img, script, svg, iframe').length") == 0
    assert shadow_eval(page, "[...root.querySelectorAll('[href]')].filter(a => "
                             "!/^(https?|mailto|tel):/.test(a.getAttribute('href'))).length") == 0
    assert page.evaluate("window.__pwned") is None and seen["dialogs"] == []

    # The token went only to the API, as a bearer token, without cookies; it is nowhere in
    # the page.
    assert seen["api"], "the panel called the API"
    for headers in map(json.loads, seen["api"]):
        assert headers["authorization"].startswith("Bearer lat_") and "cookie" not in headers
    assert "lat_" not in page.content()
    assert page.evaluate("""() => { const el = document.querySelector('loket-dossiers');
        return JSON.stringify([...el.attributes].map(a => a.value)) + Object.keys(el).join(); }"""
                         ).find("lat_") < 0

    # "Meer laden" with the API's cursor, by keyboard: focus lands on the first new dossier.
    page.locator("loket-dossiers").evaluate("el => el.setAttribute('page-size', '2')")
    assert panel_state(page) == "loaded" and len(names(page)) == 2
    more = page.locator("loket-dossiers [data-key=more]")
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('loket-dossiers').shadowRoot"
                           ".querySelectorAll('.list > li').length === 4")
    focused = shadow_eval(page, "root.activeElement && root.activeElement.getAttribute('data-key')")
    assert focused == "item-2"
    assert names(page)[:2] == listed[:2] and names(page)[2:] == listed[2:4]

    # And back as a citizen: the club's dossier is gone from his list.
    switch_to(page, "als burger")
    assert panel_state(page) == "loaded"
    assert name not in names(page)
    assert seen["errors"] == [] and seen["console"] == []
    context.close()


def test_states_keyboard_and_languages(browser, demo: Demo) -> None:
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    seen = watch(page)

    # Signed out: a clear prompt; its link signs in and comes back here.
    page.goto(demo.url("groenbeek", "/mijn-dossiers"))
    assert panel_state(page) == "signed-out"
    assert page.locator("loket-dossiers .status").inner_text() == (
        "Meld je aan om de stand van je dossiers te zien.")
    login = page.locator("loket-dossiers [part=login-link]")
    assert login.get_attribute("href") == "/auth/login?next=/mijn-dossiers"
    assert_no_axe_violations(page)
    assert seen["api"] == []  # nothing asked without a session
    login.click()
    page.wait_for_url(f"{demo.provider.url}/aanmelden*")
    page.get_by_label("Rijksregisternummer").fill(JAN)
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_role("radio", name="Als burger").check()
    page.get_by_role("button", name="Verder").click()
    page.wait_for_url(demo.url("groenbeek", "/mijn-dossiers"))
    assert panel_state(page) == "loaded"
    assert_no_axe_violations(page)

    # The filter by keyboard: arrow keys move through the options, the list follows.
    page.locator("loket-dossiers input[value=all]").focus()
    page.keyboard.press("ArrowRight")
    assert panel_state(page) == "loaded" and names(page) == ["Bewonerskaart parkeren"]
    page.keyboard.press("ArrowRight")
    assert panel_state(page) == "empty"
    assert page.locator("loket-dossiers .status").inner_text() == "Geen afgesloten dossiers."
    assert shadow_eval(page, "root.activeElement.getAttribute('data-key')") == "filter-closed"
    assert page.locator("loket-dossiers").get_attribute("status") == "closed"
    assert_no_axe_violations(page)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert panel_state(page) == "loaded"
    page.keyboard.press("Tab")  # from the filter to the first dossier's link
    assert shadow_eval(page, "root.activeElement.textContent") == "Bewonerskaart parkeren"

    # <html lang> switches the labels (and the date format) at once.
    for lang, title, legend in (("fr", "Dossiers à votre nom", "Afficher"),
                                ("de", "Akten auf Ihren Namen", "Anzeigen"),
                                ("en", "Cases in your own name", "Show"),
                                ("nl", "Dossiers op je eigen naam", "Toon")):
        page.evaluate(f"document.documentElement.lang = '{lang}'")
        assert page.locator("loket-dossiers .title").inner_text() == title
        assert page.locator("loket-dossiers legend").inner_text() == legend
    page.evaluate("document.documentElement.lang = 'fr'")
    assert "Traitement" in page.locator("loket-dossiers .step--current").inner_text()
    assert "Dernière modification" in page.locator("loket-dossiers .meta").inner_text()
    page.evaluate("document.documentElement.lang = 'nl'")
    assert seen["errors"] == [] and seen["console"] == []

    # The API cannot be reached: a message and a retry, by keyboard; focus goes to the heading.
    api = f"{demo.provider.url}/api/v1/me/dossiers*"
    page.route(api, lambda route: route.abort())
    page.locator("loket-dossiers").evaluate("el => el.reload()")
    assert panel_state(page) == "error"
    assert page.locator("loket-dossiers .status").inner_text() == (
        "Je dossiers konden niet geladen worden.")
    assert page.locator("loket-dossiers .status + [role=status]").text_content() == (
        "Je dossiers konden niet geladen worden.")  # what screen readers hear, politely
    assert_no_axe_violations(page)
    page.unroute(api)
    page.locator("loket-dossiers [data-key=retry]").focus()
    page.keyboard.press("Enter")
    assert panel_state(page) == "loaded"
    assert shadow_eval(page, "root.activeElement.getAttribute('data-key')") == "title"
    assert seen["errors"] == []
    # The only console line is Chromium's note on the request the test aborted.
    assert all("ERR_FAILED" in line for line in seen["console"]), seen["console"]
    context.close()


# ---- the site's token endpoint ---------------------------------------------------------------

def test_token_endpoint_needs_the_session_and_stays_on_the_site(browser, demo: Demo) -> None:
    endpoint = demo.url("groenbeek", "/auth/api-token")
    anonymous = requests.get(endpoint, timeout=15)
    assert anonymous.status_code == 401 and anonymous.headers["Cache-Control"] == "no-store"
    assert "access_token" not in anonymous.json()

    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    sign_in(page, demo, "/mijn-dossiers", JAN, "Als burger")
    cookies = {c["name"]: c["value"] for c in context.cookies(demo.url("groenbeek"))}
    # From the site's own page: the token, never cached, no CORS.
    answer = page.evaluate("""() => fetch('/auth/api-token').then(async r => ({status: r.status,
        cache: r.headers.get('cache-control'), body: await r.json()}))""")
    assert answer["status"] == 200 and answer["cache"] == "no-store"
    assert answer["body"]["access_token"].startswith("lat_")
    # With the session cookie but from another site: refused, and never readable there.
    cross = requests.get(endpoint, cookies=cookies, timeout=15, headers={
        "Sec-Fetch-Site": "cross-site", "Origin": demo.url("rivierstede").rstrip("/")})
    assert cross.status_code == 403 and "access_token" not in cross.text
    assert "Access-Control-Allow-Origin" not in cross.headers
    same = requests.get(endpoint, cookies=cookies, timeout=15,
                        headers={"Origin": demo.url("rivierstede").rstrip("/")})
    assert "Access-Control-Allow-Origin" not in same.headers
    # Another site's page cannot read it either (the browser's own check).
    page.goto(demo.url("rivierstede"))
    blocked = page.evaluate(f"""() => fetch({json.dumps(endpoint)}, {{credentials: 'include'}})
        .then(() => 'read', () => 'blocked')""")
    assert blocked == "blocked"
    context.close()
