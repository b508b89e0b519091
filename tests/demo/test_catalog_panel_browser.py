"""Issue 6's must-show in real Chromium, with the provider and both demo sites as separate
processes: on Groenbeek's "Producten en diensten", Jan switched to FC Groenbeek in the header
sees the Groenbeek sport subsidy and the Flemish event permit, and Rivierstede's local subsidies
only after "Alle gebieden", and then after them; An as a citizen sees citizen products first;
signed out, search and filters work. Every state under axe, the keyboard, English, no console
errors."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import requests

from support.browser import assert_no_axe_violations
from support.demo import Demo, sign_in, switch_to
from support.oidc import AN, JAN, basic, bearer
from support.widgets import panel_settled

pytestmark = pytest.mark.browser
TAG = "loket-catalog"
PAGE = "/producten-en-diensten"
HOSTILE = "<img src=x onerror=alert(1)>"
SPORT = "Subsidie voor sportverenigingen"
PERMIT = "Evenementenvergunning voor gewestwegen"
RIVIERSTEDE_SUBSIDIES = ("Impulssubsidie sportclubs Rivierstede", "Subsidie culturele verenigingen",
                         "Natuurprojectsubsidie")


# ---- helpers ------------------------------------------------------------------------------------

def watch(page: Any) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"console": [], "errors": [], "api": []}
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["api"].append(json.dumps([r.url, r.all_headers()]))
            if "/api/v1/catalog" in r.url else None)
    return seen


def settled(page: Any) -> str:
    return panel_settled(page, TAG)


def title(page: Any) -> str:
    return str(page.locator(f"{TAG} .title").inner_text())


def status(page: Any) -> str:
    return str(page.locator(f"{TAG} .status").inner_text())


def names(page: Any) -> list[str]:
    return list(page.locator(f"{TAG} .list > li .name").all_inner_texts())


def load_all(page: Any) -> list[str]:
    """Press "Meer laden" until every result is there."""
    more = page.locator(f"{TAG} [data-key=more]")
    while more.count():
        before = len(names(page))
        more.click()
        page.wait_for_function(f"""n => document.querySelector('{TAG}').shadowRoot
            .querySelectorAll('.list > li').length > n""", arg=before)
    return names(page)


def item(page: Any, name: str) -> Any:
    return page.locator(f"{TAG} .list > li").filter(
        has=page.locator(".name", has_text=name)).first


def focused(page: Any) -> str | None:
    return page.evaluate(f"""() => {{ const r = document.querySelector('{TAG}').shadowRoot;
        return r.activeElement && r.activeElement.getAttribute('data-key'); }}""")


def api_requests(seen: dict[str, list[str]]) -> list[tuple[str, dict[str, str]]]:
    return [tuple(json.loads(line)) for line in seen["api"]]  # type: ignore[misc]


# ---- the must-show ---------------------------------------------------------------------------

def test_fc_groenbeek_sees_its_offer_first_and_rivierstede_only_when_asking(browser,
                                                                            demo: Demo) -> None:
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    seen = watch(page)
    sign_in(page, demo, PAGE, JAN, "Als burger")
    assert settled(page) == "loaded" and title(page) == "Aanbod voor jou"
    seen["api"].clear()  # before signing in, the page searched anonymously

    # He switches to FC Groenbeek in the header; the site brings him back to this page.
    switch_to(page, "FC Groenbeek")
    assert settled(page) == "loaded"
    assert title(page) == "Aanbod voor FC Groenbeek"
    first_page = names(page)
    assert SPORT in first_page and PERMIT in first_page, first_page
    sport = item(page, SPORT)
    assert sport.locator("[part=authority]").inner_text().endswith("Gemeente Groenbeek")
    why = sport.locator("[part=reasons]").inner_text()
    assert why.startswith("Waarom voor jou: Voor verenigingen in Groenbeek") and "sport" in why
    # its form on the site's own e-loket
    assert sport.locator("[part=request-link]").get_attribute("href") == demo.url(
        "groenbeek", "/aanvragen/sportsubsidie")
    assert "Voor verenigingen in Vlaanderen" in item(page, PERMIT).locator(
        "[part=reasons]").inner_text()
    assert_no_axe_violations(page)

    # Every result of his area: none of Rivierstede's local subsidies.
    everything = load_all(page)
    assert not set(RIVIERSTEDE_SUBSIDIES) & set(everything)
    assert not page.locator(f"{TAG} [part=authority]", has_text="Stad Rivierstede").count()

    # "Alle gebieden" (visible, by keyboard): they are listed, after his area's offer.
    area = page.locator(f"{TAG} [data-key=all-areas]")
    assert area.is_visible() and page.locator(f"{TAG} .group-area").inner_text().startswith(
        "Gebied")
    area.focus()
    page.keyboard.press("Space")
    assert settled(page) == "loaded" and focused(page) == "all-areas"
    everything = load_all(page)
    found = [everything.index(n) for n in RIVIERSTEDE_SUBSIDIES]
    assert everything.index(SPORT) < min(found) and everything.index(PERMIT) < min(found)
    outside = item(page, RIVIERSTEDE_SUBSIDIES[0]).locator("[part=reasons]").inner_text()
    assert outside.endswith("buiten je werkingsgebied")
    assert_no_axe_violations(page)

    # The token went only to the API, as a bearer token, without cookies; never into the page.
    requests_seen = api_requests(seen)
    assert requests_seen and all(h.get("authorization", "").startswith("Bearer lat_")
                                 and "cookie" not in h for _, h in requests_seen)
    assert "scope=all" in requests_seen[-1][0] and "municipality" not in requests_seen[-1][0]
    assert "lat_" not in page.content()
    assert seen["errors"] == [] and seen["console"] == []
    context.close()


def test_a_citizen_sees_citizen_products_at_rivierstede(browser, demo: Demo) -> None:
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    seen = watch(page)
    sign_in(page, demo, PAGE, AN, None, site="rivierstede")
    assert settled(page) == "loaded"
    assert title(page) == "Aanbod voor jou"
    listed = names(page)
    assert {"Premie regenwaterput", "Studietoelage"} <= set(listed)
    reasons = page.locator(f"{TAG} .list > li [part=reasons]").all_inner_texts()
    citizen = [r for r in reasons if "Voor burgers" in r]
    assert len(citizen) >= 4 and reasons[:len(citizen)] == citizen  # citizen products first
    # The site's municipality: nothing that is only for Groenbeek.
    everything = load_all(page)
    assert "Identiteitskaart aanvragen" not in everything
    assert not page.locator(f"{TAG} [part=authority]", has_text="Gemeente Groenbeek").count()
    # A citizen's results are not narrowed by an association's area: the toggle is the site's.
    assert page.locator(f"{TAG} [data-key=all-areas]").is_visible()
    assert_no_axe_violations(page)
    assert seen["errors"] == [] and seen["console"] == []
    context.close()


def test_anonymous_search_filters_states_keyboard_and_english(browser, demo: Demo) -> None:
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    seen = watch(page)
    page.goto(demo.url("groenbeek", PAGE))
    assert settled(page) == "loaded"
    assert title(page) == "Producten en diensten"
    assert status(page) == "18 producten en diensten gevonden. 10 getoond."
    assert page.locator(f"{TAG} [part=login-link]").get_attribute("href") == (
        "/auth/login?next=/producten-en-diensten")
    assert all("authorization" not in h for _, h in api_requests(seen))
    assert "municipality=BE23999001" in api_requests(seen)[0][0]
    assert_no_axe_violations(page)

    # Words and Enter, then a chip by keyboard: its count is what it gives.
    box = page.get_by_label("Zoeken in producten en diensten")
    box.fill("subsid")
    box.press("Enter")
    assert settled(page) == "loaded" and focused(page) == "q"
    assert SPORT in names(page)
    chip = page.locator(f"{TAG} [data-key=chip-level-Lokaal]")
    count = int(chip.locator("xpath=..").inner_text().rsplit("(", 1)[1].rstrip(")"))
    chip.focus()
    page.keyboard.press("Space")
    assert settled(page) == "loaded" and focused(page) == "chip-level-Lokaal"
    assert len(names(page)) == count and SPORT in names(page)
    assert status(page).startswith(f"{count} ")
    assert "q=subsid" in api_requests(seen)[-1][0] and "level=Lokaal" in api_requests(seen)[-1][0]
    assert_no_axe_violations(page)

    # Nothing found, then cleared by keyboard: focus back in the search box.
    box.fill("zwembadtoegang")
    box.press("Enter")
    assert settled(page) == "empty"
    assert_no_axe_violations(page)
    page.locator(f"{TAG} [data-key=clear]").focus()
    page.keyboard.press("Enter")
    assert settled(page) == "loaded" and focused(page) == "q"
    assert status(page) == "18 producten en diensten gevonden. 10 getoond."

    # "Meer laden": focus on the first new result.
    page.locator(f"{TAG} [data-key=more]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector('{TAG}').shadowRoot"
                           ".querySelectorAll('.list > li').length === 18")
    assert focused(page) == "item-10"

    # Loading (a request that does not answer) and error (unreachable), each under axe; retry.
    api = f"{demo.provider.url}/api/v1/catalog/products*"
    page.route(api, lambda route: None)
    page.locator(TAG).evaluate("el => { el.reload(); }")
    page.locator(f"{TAG} .status--loading").wait_for()
    assert status(page) == "Aanbod laden…"
    assert_no_axe_violations(page)
    page.unroute(api)
    page.route(api, lambda route: route.abort())
    page.locator(TAG).evaluate("el => { el.reload(); }")
    assert settled(page) == "error"
    assert status(page) == "Het aanbod kon niet geladen worden."
    assert_no_axe_violations(page)
    page.unroute(api)
    page.locator(f"{TAG} [data-key=retry]").focus()
    page.keyboard.press("Enter")
    assert settled(page) == "loaded" and focused(page) == "title"

    # <html lang="en">: English labels, English titles, facets asked in English.
    page.evaluate("document.documentElement.lang = 'en'")
    page.wait_for_function(f"""() => document.querySelector('{TAG}').shadowRoot
        .querySelector('[data-key=chip-doelgroep-Vereniging]').parentNode.textContent
        .startsWith('Association')""")
    assert settled(page) == "loaded"
    assert title(page) == "Products and services"
    assert page.get_by_label("Search products and services").count() == 1
    # Sorted by their English titles now.
    assert names(page)[:2] == ["Applying for an identity card", "Call for projects: social cohesion"]
    assert "Event permit for regional roads" in names(page)
    assert status(page) == "18 products and services found. 10 shown."
    assert "lang=en" in api_requests(seen)[-1][0]
    assert_no_axe_violations(page)
    assert seen["errors"] == []
    # The only console lines are Chromium's notes on the requests the test aborted.
    assert all("ERR_FAILED" in line for line in seen["console"]), seen["console"]
    context.close()


def test_rivierstede_shows_its_own_offer_in_english(browser, demo: Demo) -> None:
    context = browser.new_context(locale="en")
    page = context.new_page()
    seen = watch(page)
    page.goto(demo.url("rivierstede", PAGE))
    assert settled(page) == "loaded"
    page.evaluate("document.documentElement.lang = 'en'")
    page.wait_for_function(f"""() => document.querySelector('{TAG}').shadowRoot
        .querySelector('[data-key=chip-doelgroep-Vereniging]').parentNode.textContent
        .startsWith('Association')""")
    assert settled(page) == "loaded"
    everything = load_all(page)
    assert "Rainwater tank premium" in everything and "Discounted compost bin" not in everything
    assert "municipality=BE24999002" in api_requests(seen)[-1][0]
    assert_no_axe_violations(page)
    assert seen["errors"] == [] and seen["console"] == []
    context.close()


def publisher_token(demo: Demo, client_id: str) -> str:
    """A publisher's client-credentials token, the documented way (secrets from the seed)."""
    stored = json.loads((demo.provider.instance / "demo-catalog-clients.json").read_text())
    response = requests.post(f"{demo.provider.url}/oidc/token", timeout=15,
                             data={"grant_type": "client_credentials"},
                             headers=basic(client_id, stored[client_id]["client_secret"]))
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_a_published_hostile_product_stays_text(browser, demo: Demo) -> None:
    """Groenbeek publishes a product whose texts are markup (PUT, as a back office would): the
    panel shows them as text, and nothing runs."""
    tag = uuid.uuid4().hex[:8]
    url = f"{demo.provider.url}/api/v1/catalog/products/GB-HOSTILE-{tag}"
    token = publisher_token(demo, "catalog-groenbeek")
    body = {
        "title": {"nl": f"{HOSTILE} {tag}", "en": f"{HOSTILE} {tag}"},
        "description": {"nl": "<script>window.__pwned = 1</script>", "en": "x"},
        "type": "FinancieelVoordeel", "doelgroepen": ["Vereniging"], "themas": ["BurgerOverheid"],
        # the competent authority is the publisher's registered organisation (loket.trust);
        # the executing one is the publisher's free text
        "competentAuthority": {"level": "Lokaal"},
        "executingAuthority": {"level": "Derden", "name": '"><svg onload=alert(1)>'},
        "keywords": {"nl": [tag]}, "spatialScope": ["BE23999001"],
        "onlineRequestUrl": f"https://loket.groenbeek.example/{tag}?a=<b>",
    }
    assert requests.put(url, json=body, headers=bearer(token), timeout=15).status_code == 201
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    seen = watch(page)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(demo.url("groenbeek", PAGE))
        settled(page)
        box = page.get_by_label("Zoeken in producten en diensten")
        box.fill(tag)
        box.press("Enter")
        page.wait_for_function(f"""() => document.querySelector('{TAG}').shadowRoot
            .querySelectorAll('.list > li').length === 1""")
        assert names(page) == [f"{HOSTILE} {tag}"]
        shown = page.locator(f"{TAG} .list > li").first
        assert "<script>window.__pwned = 1</script>" in shown.inner_text()
        # the authority shown is the publisher's registered organisation, not the sent text
        assert shown.locator("[part=authority]").inner_text().endswith("Gemeente Groenbeek")
        inside = page.evaluate(f"""() => {{ const r = document.querySelector('{TAG}').shadowRoot;
            return r.querySelectorAll('img, script, svg, iframe').length; }}""")
        assert inside == 0
        assert shown.locator("[part=request-link]").get_attribute("href") == (
            f"https://loket.groenbeek.example/{tag}?a=<b>")
        shown.locator(".name").click()
        assert page.evaluate("window.__pwned") is None and dialogs == []
        assert_no_axe_violations(page)
        assert seen["errors"] == [] and seen["console"] == []
    finally:
        context.close()
        requests.delete(url, headers=bearer(token), timeout=15)
