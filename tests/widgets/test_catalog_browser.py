"""<loket-catalog> on a municipality's page (127.0.0.2) under a strict CSP: its code is fetched
only where the element is used, anonymous search against the live API, every example axe clean
at both widths, keyboard use (chips, area, search, meer laden, clearing) with focus where the
person expects it, languages, hostile data as text, and the token: in a closure, a fresh one
after a 401, anonymous results when it is refused."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests

from loket.widgets.examples import examples
from support import oidc
from support.browser import assert_no_axe_violations
from support.widgets import CSP_WATCH, panel_host_page, panel_settled
from support.widgets import example_script as shared_example_script

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("provider", ["sqlite"], indirect=True)]

EXAMPLES = {ex["name"]: ex for ex in examples()["catalog"]}
TAG = "loket-catalog"


@pytest.fixture(scope="module")
def club_token(provider) -> str:
    """Jan's access token acting for FC Groenbeek (scope catalog), as a site's server holds it."""
    return oidc.club_token(provider, "catalog-panel-rp", ["catalog"])


def panel_page(sites, name: str, script: str, *,
               panel: str = '<loket-catalog municipality="BE23999001"></loket-catalog>',
               lang: str = "nl") -> str:
    return panel_host_page(sites, name, script, panel, "Producten en diensten", lang)


def example_script(sites, example: dict[str, Any]) -> str:
    return shared_example_script(sites, TAG, example)


def example_page(sites, name: str) -> str:
    return panel_page(sites, f"cat-{name}", example_script(sites, EXAMPLES[name]), panel=f"<{TAG}></{TAG}>")


def settled(page: Any) -> str:
    return panel_settled(page, TAG)


def names(page: Any) -> list[str]:
    return page.locator(f"{TAG} .list > li .name").all_inner_texts()


def focused(page: Any) -> str | None:
    return page.evaluate(f"""() => {{ const r = document.querySelector('{TAG}').shadowRoot;
        return r.activeElement && r.activeElement.getAttribute('data-key'); }}""")


def status(page: Any) -> str:
    return page.locator(f"{TAG} .status").inner_text()


def test_code_loads_only_where_used_and_anonymous_search_uses_the_api(page, sites) -> None:
    page.add_init_script(CSP_WATCH)
    fetched: list[str] = []
    api: list[tuple[str, dict[str, str]]] = []
    page.on("request", lambda r: fetched.append(r.url) if "/assets/" in r.url else None)
    page.on("request", lambda r: api.append((r.url, r.all_headers()))
            if "/api/v1/catalog" in r.url else None)
    page.goto(panel_page(sites, "no-catalog", "", panel=""))
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert fetched == [] and page.evaluate(f"!!customElements.get('{TAG}')") is False

    page.goto(panel_page(sites, "with-catalog", ""))
    assert settled(page) == "loaded"
    assert len(fetched) == 1 and "/widgets/v1/assets/loket-catalog." in fetched[0]
    tag = page.locator("script[src*='loket-catalog.']")
    assert tag.get_attribute("integrity").startswith("sha384-")
    # No token handed over: one anonymous request, filtered for the municipality.
    assert len(api) == 1 and "authorization" not in api[0][1]
    assert "municipality=BE23999001" in api[0][0] and "lang=nl" in api[0][0]
    # What the API answers for the same search (the session's provider may hold products other
    # tests published): by title, not ranked.
    expected = requests.get(f"{sites.provider.url}/api/v1/catalog/products", timeout=15,
                            params={"municipality": "BE23999001", "limit": 10}).json()
    assert names(page) == [i["title"]["nl"] for i in expected["items"]]
    assert status(page) == f"{expected['total']} producten en diensten gevonden. 10 getoond."
    assert page.locator(f"{TAG} .title").inner_text() == "Producten en diensten"

    # A chip narrows the search at the API; its count was the number of results it gives.
    chip = page.locator(f"{TAG} [data-key=chip-doelgroep-Vereniging]")
    count = int(chip.locator("xpath=..").inner_text().rsplit("(", 1)[1].rstrip(")"))
    chip.check()
    assert settled(page) == "loaded"
    assert "doelgroep=Vereniging" in api[-1][0]
    assert page.locator(TAG).get_attribute("doelgroep") == "Vereniging"
    assert status(page).startswith(f"{count} producten en diensten gevonden.")
    # "Alle gebieden" drops the municipality: Rivierstede's offer is there too.
    page.locator(f"{TAG} [data-key=all-areas]").check()
    assert settled(page) == "loaded"
    assert "municipality" not in api[-1][0]
    assert page.evaluate("window.__csp") == []
    page.page_log.assert_clean()


def test_the_area_attribute_and_its_old_name_municipality_narrow_the_offer(page, sites) -> None:
    """`area` is the panels' common name for where a search applies; `municipality` (its name
    before) still works where `area` is absent."""
    api: list[str] = []
    page.on("request", lambda r: api.append(r.url) if "/api/v1/catalog" in r.url else None)
    page.goto(panel_page(sites, "catalog-area", "", panel=f'<{TAG} area="BE23999001"></{TAG}>'))
    assert settled(page) in ("loaded", "empty")
    assert len(api) == 1 and "municipality=BE23999001" in api[0]
    assert page.evaluate(f"document.querySelector('{TAG}').area") == ["BE23999001"]
    assert page.evaluate(f"document.querySelector('{TAG}').municipality") == ["BE23999001"]

    def change(script: str) -> str:
        """The panel's request after `script` changed its attributes."""
        with page.expect_request(lambda r: "/api/v1/catalog" in r.url) as request:
            page.evaluate(f"(el => {{ {script}; }})(document.querySelector('{TAG}'))")
        settled(page)
        return str(request.value.url)

    # With both, `area` wins; without it, the old name is read again.
    assert "municipality=BE23999001" in change("el.setAttribute('municipality', 'BE24999002')")
    assert "municipality=BE24999002" in change("el.removeAttribute('area')")
    assert re.search(r"municipality=BE23(&|$)", change("el.setAttribute('area', 'BE23')"))
    page.page_log.assert_clean()


@pytest.mark.parametrize("width", [1280, 375])
def test_every_example_is_axe_clean(page, sites, width) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.add_init_script(CSP_WATCH)
    expected = {"05-loading": "loading", "06-error": "error", "04-empty": "empty"}
    for name in EXAMPLES:
        page.goto(example_page(sites, name))
        if expected.get(name) == "loading":
            page.locator(f"{TAG} .status--loading").wait_for()
        else:
            assert settled(page) == expected.get(name, "loaded"), name
        assert_no_axe_violations(page)
        toggle = page.locator(f"{TAG} [data-key=filters-toggle]")
        if width < 720 and toggle.is_visible():  # narrow: the filters behind their button
            assert toggle.get_attribute("aria-expanded") == "false"
            assert not page.locator(f"{TAG} [part=filters]").is_visible()
            toggle.click()
            assert toggle.get_attribute("aria-expanded") == "true"
            assert page.locator(f"{TAG} [part=filters] input").first.is_visible()
            assert_no_axe_violations(page)
        overflow = page.evaluate(f"""() => {{ const r = document.querySelector('{TAG}');
            return r.scrollWidth - r.clientWidth; }}""")
        assert overflow <= 0, name
        assert page.evaluate("window.__csp") == [], name
    page.page_log.assert_clean()


def test_keyboard_chips_area_more_search_and_clear(page, sites) -> None:
    page.goto(example_page(sites, "01-association"))
    assert settled(page) == "loaded"
    assert page.locator(f"{TAG} .title").inner_text() == "Aanbod voor FC Groenbeek"
    first = names(page)
    assert first[:2] == ["Evenementenvergunning", "Subsidie voor sportverenigingen"]
    assert status(page) == "11 producten en diensten gevonden. 5 getoond."
    reasons = page.locator(f"{TAG} .list > li").nth(1).locator("[part=reasons]").inner_text()
    assert reasons == ("Waarom voor jou: Voor verenigingen in Groenbeek · jeugdwerk, sport "
                       "· nu aan te vragen")
    request = page.locator(f"{TAG} .list > li").nth(1).locator("[part=request-link]")
    assert request.get_attribute("href") == "https://loket.groenbeek.example/aanvragen/sportsubsidie"
    assert request.inner_text().startswith("Aanvragen")
    assert_no_axe_violations(page)

    # "Meer laden" by keyboard: focus lands on the first result it added.
    page.locator(f"{TAG} [data-key=more]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector('{TAG}').shadowRoot"
                           ".querySelectorAll('.list > li').length === 10")
    assert focused(page) == "item-5"
    assert status(page) == "11 producten en diensten gevonden. 10 getoond."

    # "Alle gebieden" (Space on the chip): Rivierstede's subsidies come after all of this area's.
    area = page.locator(f"{TAG} [data-key=all-areas]")
    area.focus()
    page.keyboard.press("Space")
    assert settled(page) == "loaded"
    assert focused(page) == "all-areas" and page.locator(TAG).get_attribute("all-areas") == ""
    assert status(page) == "14 producten en diensten gevonden. 5 getoond."
    while page.locator(f"{TAG} [data-key=more]").count():
        page.locator(f"{TAG} [data-key=more]").click()
        settled(page)
        page.wait_for_function(f"""() => !document.querySelector('{TAG}').shadowRoot
            .querySelector('[data-key=more][aria-disabled=true]')""")
    listed = names(page)
    assert len(listed) == 14 and listed[-3:] == [
        "Impulssubsidie sportclubs Rivierstede", "Subsidie culturele verenigingen",
        "Subsidie voor erfgoedprojecten"]
    area.focus()
    page.keyboard.press("Space")
    assert settled(page) == "loaded" and status(page).startswith("11 ")

    # A chip by keyboard: focus stays on it, the count is announced.
    chip = page.locator(f"{TAG} [data-key=chip-type-Toelating]")
    chip.focus()
    page.keyboard.press("Space")
    assert settled(page) == "loaded"
    assert focused(page) == "chip-type-Toelating"
    assert names(page) == ["Evenementenvergunning", "Evenementenvergunning voor gewestwegen"]
    assert status(page) == "2 producten en diensten gevonden."
    assert chip.is_checked()
    assert_no_axe_violations(page)
    page.keyboard.press("Space")
    assert settled(page) == "loaded" and status(page).startswith("11 ")

    # The search box: words, Enter; focus stays in the box.
    box = page.get_by_label("Zoeken in producten en diensten")
    box.fill("sport")
    box.press("Enter")
    assert settled(page) == "loaded"
    assert focused(page) == "q" and page.locator(TAG).get_attribute("q") == "sport"
    assert names(page) == ["Subsidie voor sportverenigingen", "Provinciale subsidie voor sportkampen"]
    assert status(page) == "2 producten en diensten gevonden."

    # Nothing found: what to do, and a button that clears everything; focus back to the box.
    box.fill("zwembad")
    box.press("Enter")
    assert settled(page) == "empty"
    assert status(page) == ("Geen producten of diensten gevonden. Pas je zoekwoorden of "
                            "filters aan.")
    assert_no_axe_violations(page)
    page.locator(f"{TAG} [data-key=clear]").focus()
    page.keyboard.press("Enter")
    assert settled(page) == "loaded"
    assert focused(page) == "q" and box.input_value() == ""
    assert page.locator(TAG).get_attribute("q") is None
    assert status(page) == "11 producten en diensten gevonden. 5 getoond."
    page.page_log.assert_clean()


def test_error_retry_and_languages(page, sites) -> None:
    page.goto(example_page(sites, "06-error"))
    assert settled(page) == "error"
    assert status(page) == "Het aanbod kon niet geladen worden."
    assert page.locator(f"{TAG} .status + [role=status]").text_content() == (
        "Het aanbod kon niet geladen worden.")  # what screen readers hear, politely
    page.locator(f"{TAG} [data-key=retry]").focus()
    page.keyboard.press("Enter")
    assert settled(page) == "error" and focused(page) == "title"

    page.goto(example_page(sites, "02-anonymous"))
    assert settled(page) == "loaded"
    assert page.locator(f"{TAG} [part=login-link]").get_attribute("href") == (
        "/auth/login?next=/producten-en-diensten")
    for lang, title, label, first in (
            ("en", "Products and services", "Search products and services", "Discounted compost bin"),
            ("fr", "Produits et services", "Rechercher dans les produits et services",
             "Compostvat met korting"),
            ("de", "Produkte und Dienstleistungen", "In Produkten und Dienstleistungen suchen",
             "Compostvat met korting"),
            ("nl", "Producten en diensten", "Zoeken in producten en diensten",
             "Compostvat met korting")):
        page.evaluate(f"document.documentElement.lang = '{lang}'")
        assert settled(page) == "loaded"
        assert page.locator(f"{TAG} .title").inner_text() == title
        assert page.locator(f"{TAG} .search-label").inner_text() == label
        assert names(page)[0] == first
        # A title the catalog has only in Dutch says so, for screen readers.
        span = page.locator(f"{TAG} .list > li .name span").first
        assert span.get_attribute("lang") == (None if lang in ("en", "nl") else "nl")
    page.evaluate("document.documentElement.lang = 'en'")
    # Facet labels come from the API in the page's language (the loader is asked in English).
    page.wait_for_function(f"""() => document.querySelector('{TAG}').shadowRoot
        .querySelector('[data-key=chip-doelgroep-Vereniging]').parentNode.textContent
        .startsWith('Association')""")
    assert page.locator(f"{TAG} .group-doelgroep legend").inner_text() == "For whom"
    assert page.locator(f"{TAG} .group-area legend").inner_text() == "Area"
    page.page_log.assert_clean()


def test_hostile_example_stays_text(page, sites) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(example_page(sites, "07-hostile"))
    assert settled(page) == "loaded"
    assert names(page) == ["<img src=x onerror=alert(1)> Subsidie", "Veilige link"]
    assert page.locator(f"{TAG} .title").inner_text() == "Aanbod voor <img src=x onerror=alert(2)>"
    first = page.locator(f"{TAG} .list > li").first
    assert "<script>alert(1)</script> Beschrijving" in first.inner_text()
    assert first.locator("[part=reasons]").inner_text().endswith(
        '<a href="javascript:alert(1)">Klik</a>')
    inside = page.evaluate(f"""() => {{ const r = document.querySelector('{TAG}').shadowRoot;
        return {{bad: r.querySelectorAll('img, script, iframe, svg, b, i').length,
                hrefs: [...r.querySelectorAll('[href]')].map(a => a.getAttribute('href'))}}; }}""")
    assert inside["bad"] == 0
    # javascript: and data: are no links; a mailto: website is no "meer informatie" either.
    assert inside["hrefs"] == ["https://loket.groenbeek.example/aanvragen/x"]
    assert "<b onmouseover=alert(3)>Vereniging</b> (2)" in page.locator(
        f"{TAG} [part=filters]").inner_text()
    page.locator(f"{TAG} .name").first.click()
    assert dialogs == []
    page.page_log.assert_clean()


def test_token_in_a_closure_fresh_after_401_and_anonymous_when_refused(page, sites,
                                                                        club_token) -> None:
    script = f"""
      window.__calls = 0; window.__events = [];
      ['loaded', 'error', 'signed-out'].forEach(function (n) {{
        document.addEventListener('loket:catalog-' + n, function (e) {{
          window.__events.push([n, e.detail.personalised, e.detail.status]); }}); }});
      customElements.whenDefined('{TAG}').then(function () {{
        document.querySelector('{TAG}').setAccessToken(function () {{
          window.__calls += 1;
          return Promise.resolve(window.__calls === 1 ? 'lat_expired' : {json.dumps(club_token)});
        }});
      }});"""
    seen: list[tuple[str, dict[str, str]]] = []
    page.on("request", lambda r: seen.append((r.url, r.all_headers()))
            if "/api/v1/catalog" in r.url else None)
    page.goto(panel_page(sites, "catalog-token", script))
    assert settled(page) == "loaded"
    assert page.evaluate("window.__calls") == 2
    assert page.evaluate("window.__events") == [["loaded", True, None]]
    assert page.locator(f"{TAG} .title").inner_text() == "Aanbod voor FC Groenbeek"
    listed = names(page)
    assert "Subsidie voor sportverenigingen" in listed and "Evenementenvergunning" in listed
    assert [h.get("authorization") for _, h in seen] == ["Bearer lat_expired",
                                                         f"Bearer {club_token}"]
    assert all("cookie" not in h for _, h in seen)
    assert club_token not in page.content()
    assert page.evaluate(f"""() => {{ const el = document.querySelector('{TAG}');
        const own = Object.getOwnPropertyNames(el).map(k => {{ try {{ return JSON.stringify(el[k]); }}
          catch (e) {{ return ''; }} }});
        return own.join() + [...el.attributes].map(a => a.value).join(); }}""").find(club_token) < 0

    # "Alle gebieden" asks again with the same token, now for every area (scope=all).
    page.locator(f"{TAG} [data-key=all-areas]").check()
    assert settled(page) == "loaded"
    assert "scope=all" in seen[-1][0] and "municipality" not in seen[-1][0]
    assert seen[-1][1]["authorization"] == f"Bearer {club_token}"
    assert page.evaluate("window.__calls") == 2

    # A fixed token that has expired: the offer for everyone, and the page is told.
    page.evaluate(f"document.querySelector('{TAG}').setAccessToken('lat_expired')")
    page.wait_for_function(f"""() => document.querySelector('{TAG}').shadowRoot
        .querySelector('.notice')""")
    assert settled(page) == "loaded"
    assert page.locator(f"{TAG} .notice").inner_text() == (
        "Je aanmelding is verlopen: je ziet het aanbod voor iedereen.")
    assert page.locator(f"{TAG} .title").inner_text() == "Producten en diensten"
    assert [h.get("authorization") for _, h in seen[-2:]] == ["Bearer lat_expired", None]
    assert page.evaluate("window.__events")[-2:] == [["signed-out", None, 401],
                                                      ["loaded", False, None]]
    # The refused token is not sent again; the notice stays.
    page.locator(f"{TAG} [data-key=chip-doelgroep-Vereniging]").check()
    assert settled(page) == "loaded" and "doelgroep=Vereniging" in seen[-1][0]
    assert "authorization" not in seen[-1][1] and "Bearer" not in json.dumps(seen[-2][1])
    assert page.locator(f"{TAG} .notice").is_visible()
    assert [e[0] for e in page.evaluate("window.__events")].count("signed-out") == 1
    assert_no_axe_violations(page)
    assert all("401" in line for line in page.page_log.console_errors)
    assert page.page_log.page_errors == []


def test_a_signed_in_page_that_hands_over_no_token_gets_the_anonymous_offer(page, sites) -> None:
    """The header says someone is signed in, but the page never calls setAccessToken: the panel
    waits a moment for the token (no anonymous flash before personalised results), then shows
    the offer for everyone instead of loading forever."""
    api: list[dict[str, str]] = []
    page.on("request", lambda r: api.append(r.all_headers()) if "/api/v1/catalog" in r.url else None)
    page.goto(panel_page(sites, "catalog-no-token",
                         "LoketWidgets.store().set({profile: {active: true}});"))
    page.wait_for_function(f"() => !!customElements.get('{TAG}')")
    page.locator(f"{TAG} .status--loading").wait_for()
    page.wait_for_timeout(800)
    assert api == [] and status(page) == "Aanbod laden…"
    assert settled(page) == "loaded"
    assert len(api) == 1 and "authorization" not in api[0]
    assert page.locator(f"{TAG} .title").inner_text() == "Producten en diensten"
    page.page_log.assert_clean()


@pytest.mark.parametrize("width", [1280, 320])
def test_an_imported_description_is_formatted_behind_read_more(page, sites, width) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(example_page(sites, "10-formatted"))
    assert settled(page) == "loaded"
    item = page.locator(f"{TAG} .list > li").first
    # the short plain description in the list, the formatted one folded away
    assert item.locator(".description").inner_text() == "Je krijgt steun voor elk kamp."
    details = item.locator("[part=details]")
    summary = details.locator("summary")
    assert summary.text_content() == "Lees meer over Subsidie voor jeugdkampen"
    rich = details.locator(".rich")
    assert not rich.is_visible()
    assert_no_axe_violations(page)
    summary.focus()  # by keyboard
    page.keyboard.press("Enter")
    assert rich.is_visible()
    assert rich.locator("ul > li").all_inner_texts() == ["Tot 500 euro per kamp",
                                                          "Voor erkende jeugdverenigingen"]
    assert rich.locator("p strong").first.inner_text() == "elk kamp"
    # a sub-heading is a bold line: the page's heading outline stays the panel's
    assert "Hoe aanvragen?" in rich.locator("p > strong").all_inner_texts()
    assert rich.locator("h1, h2, h3, h4, h5, h6").count() == 0
    assert rich.get_by_role("link", name="gids").get_attribute("href") == (
        "https://www.vlaanderen.example/gids")
    # what a description must not hold is not there, even had the server let it through
    inside = page.evaluate(f"""() => {{ const r = document.querySelector('{TAG}').shadowRoot
        .querySelector('.rich');
        return {{bad: r.querySelectorAll('script, img, iframe, [onmouseover], [onerror]').length,
                hrefs: [...r.querySelectorAll('[href]')].map(a => a.getAttribute('href'))}}; }}""")
    assert inside == {"bad": 0, "hrefs": ["https://www.vlaanderen.example/gids"]}
    assert "klik" in rich.inner_text()  # the javascript: link's text, as text
    assert_no_axe_violations(page)
    overflow = page.evaluate(f"""() => {{ const r = document.querySelector('{TAG}');
        return r.scrollWidth - r.clientWidth; }}""")
    assert overflow <= 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.page_log.assert_clean()
