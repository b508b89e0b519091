"""<loket-associations> on a municipality's page (127.0.0.2) under a strict CSP: its code is
fetched only where the element is (with SRI), it searches the public API anonymously, every
example is axe clean at both widths (with a detail open too), the keyboard reaches everything
and focus lands where it should, hostile data stays text and personal data that an answer
should never hold is not shown, <html lang> picks the labels."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from loket.widgets.examples import examples
from support.browser import assert_no_axe_violations
from support.widgets import CSP_WATCH, page_html, panel_settled

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("provider", ["sqlite"], indirect=True)]

EXAMPLES = {ex["name"]: ex for ex in examples()["associations"]}
TAG = "loket-associations"


def panel_page(sites, name: str, *, example: dict[str, Any] | None = None, script: str = "",
               panel: str = "<loket-associations></loket-associations>", lang: str = "nl") -> str:
    """A host page with the examples' loader (when given one), the header's embed.js, the panel
    and the page's own script, under the contract's CSP."""
    host, issuer = sites.host, sites.provider.url
    if example is not None:
        # The page hands the fixture over as soon as the element is defined (before the
        # panel's own first search would start).
        script = (f"customElements.whenDefined({json.dumps(TAG)}).then(function () {{"
                  f"LoketExamples.show(document.querySelector({json.dumps(TAG)}), "
                  f"{json.dumps(example)}); }});" + script)
    host.put(f"/{name}.js", script, "text/javascript")
    head = f'<script src="{issuer}/static/widgets-examples.js"></script>' if example else ""
    return host.put(f"/{name}.html", page_html(
        f'<script src="{sites.script("groenbeek")}"></script>'
        f'<main id="main"><h1>Verenigingen zoeken</h1>{panel}</main><loket-footer></loket-footer>'
        f'<script src="{host.url}/{name}.js"></script>', head=head, lang=lang),
        headers={"Content-Security-Policy": f"default-src 'self'; script-src 'self' {issuer}; "
                                            f"style-src {issuer}; connect-src {issuer}"})


def settled(page: Any) -> str:
    return panel_settled(page, TAG)


def names(page: Any) -> list[str]:
    return page.locator(f"{TAG} .card .name").all_inner_texts()


def focused(page: Any) -> str | None:
    return page.evaluate(f"""() => {{ const a = document.querySelector('{TAG}').shadowRoot
        .activeElement; return a && (a.getAttribute('data-key') || a.id); }}""")


def test_code_loads_only_where_the_panel_is_and_searches_anonymously(page, sites) -> None:
    page.add_init_script(CSP_WATCH)
    fetched: list[str] = []
    api: list[dict[str, str]] = []
    page.on("request", lambda r: fetched.append(r.url) if "/assets/" in r.url else None)
    page.on("request", lambda r: api.append(r.all_headers()) if "/api/v1/associations" in r.url
            else None)
    page.goto(panel_page(sites, "no-panel", panel=""))
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert fetched == [] and page.evaluate(f"!!customElements.get('{TAG}')") is False

    page.goto(panel_page(sites, "with-panel",
                         panel=f'<{TAG} area="BE23999001" page-size="100"></{TAG}>'))
    assert settled(page) == "loaded"
    assert len(fetched) == 1 and f"/widgets/v1/assets/{TAG}." in fetched[0]
    tag = page.locator(f"script[src*='{TAG}.']")
    assert tag.get_attribute("integrity").startswith("sha384-")
    assert tag.get_attribute("crossorigin") == "anonymous"
    # The seeded register, for the site's municipality: no token, no cookie.
    assert "FC Groenbeek (FCG)" in names(page)
    assert not any("Rietgors" in name for name in names(page))
    assert api and all("authorization" not in h and "cookie" not in h for h in api)
    # The code the site gave reads as the place's name in the field.
    assert page.locator(f"{TAG} #area").input_value() == "Groenbeek"
    # (tests before this one may have registered associations in Groenbeek: more than a page)
    assert re.search(r"in Groenbeek\.( \d+ getoond\.)?$",
                     page.locator(f"{TAG} .status").inner_text())
    assert page.evaluate(f"LoketWidgets.load('{TAG}')") is True and len(fetched) == 1
    assert page.evaluate("window.__csp") == []
    page.page_log.assert_clean()


def test_a_token_handed_over_is_never_sent(page, sites) -> None:
    """The panel is public (LoketPanel with signIn "none"): the shared base's setAccessToken
    searches again, still without a token."""
    api: list[dict[str, str]] = []
    page.on("request", lambda r: api.append(r.all_headers()) if "/api/v1/associations" in r.url
            else None)
    page.goto(panel_page(sites, "token", panel=f'<{TAG} area="9999" q="voetbal"></{TAG}>'))
    assert settled(page) == "loaded" and names(page) == ["FC Groenbeek (FCG)"]
    assert page.evaluate(f"document.querySelector('{TAG}').setAccessToken('not-for-the-register')")
    assert names(page) == ["FC Groenbeek (FCG)"]
    assert len(api) == 2 and all("authorization" not in h and "cookie" not in h for h in api)
    page.page_log.assert_clean()


@pytest.mark.parametrize("width", [1280, 375])
def test_every_example_is_axe_clean(page, sites, width) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.add_init_script(CSP_WATCH)
    for name, example in EXAMPLES.items():
        page.goto(panel_page(sites, f"ex-{name}", example=example))
        expected = {"03-empty": "empty", "04-unknown-postcode": "invalid", "05-loading": "loading",
                    "06-error": "error"}.get(name, "loaded")
        if expected == "loading":
            page.locator(f"{TAG} .status--loading").wait_for()
        else:
            assert settled(page) == expected, name
        assert_no_axe_violations(page)
        if expected == "loaded":
            # With the first association's detail open, too.
            page.locator(f"{TAG} [data-key=open-0]").click()
            page.locator(f"{TAG} #detail-0:not([aria-busy]) .meta").wait_for()
            assert_no_axe_violations(page)
        # Nothing sticks out sideways, however long the names.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        assert page.evaluate("window.__csp") == [], name
    page.page_log.assert_clean()


def test_search_chips_more_and_details_by_keyboard(page, sites) -> None:
    page.goto(panel_page(sites, "keyboard", example=EXAMPLES["01-groenbeek"]))
    assert settled(page) == "loaded"
    status = page.locator(f"{TAG} .status")
    assert status.inner_text() == "8 verenigingen in Groenbeek. 4 getoond."
    # what is seen is hidden from screen readers; they hear the polite live region after it
    heard = page.locator(f"{TAG} .status + [role=status]")
    assert status.get_attribute("aria-hidden") == "true"
    assert heard.text_content() == "8 verenigingen in Groenbeek. 4 getoond."
    assert page.locator(f"{TAG} #area").input_value() == "Groenbeek"
    # The chips: each count is what choosing it would find.
    chips = page.locator(f"{TAG} .chip").all_inner_texts()
    assert chips[:2] == ["Buurtwerking & Wijkcomité (2)", "Jeugdwerk (2)"]
    assert "Sport (3)" in chips

    # Tab from the text field through the submit button to the first chip; Space chooses it.
    page.locator(f"{TAG} #q").focus()
    page.keyboard.press("Tab")
    assert focused(page) == "submit"
    page.keyboard.press("Tab")
    assert focused(page) == "act-BWWC"
    for _ in range(5):  # to Sport, in the register's order
        page.keyboard.press("Tab")
    assert focused(page) == "act-SPRT"
    page.keyboard.press("Space")
    assert settled(page) == "loaded"
    assert focused(page) == "act-SPRT"  # the chip keeps focus across the new results
    assert page.locator(f"{TAG} input[value=SPRT]").is_checked()
    assert status.inner_text() == "3 verenigingen in Groenbeek."
    assert names(page) == ["FC Groenbeek (FCG)", "Tennisclub De Beek (TC De Beek)",
                           "Wielerclub De Scheldespurters"]  # in name order, as the API
    page.keyboard.press("Space")  # and off again
    assert settled(page) == "loaded" and status.inner_text().startswith("8 verenigingen")

    # "Meer laden" by keyboard: focus moves to the first association it added.
    page.locator(f"{TAG} [data-key=more]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector('{TAG}').shadowRoot"
                           ".querySelectorAll('.card').length === 8")
    assert focused(page) == "item-4"
    assert page.locator(f"{TAG} [data-key=more]").count() == 0
    assert status.inner_text() == "8 verenigingen in Groenbeek."

    # A detail opens as a disclosure; focus stays on its button.
    toggle = page.locator(f"{TAG} [data-key=open-1]")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.inner_text() == "Meer over FC Groenbeek"
    toggle.focus()
    page.keyboard.press("Enter")
    detail = page.locator(f"{TAG} #detail-1")
    detail.locator(".meta").wait_for()
    assert toggle.get_attribute("aria-expanded") == "true" and focused(page) == "open-1"
    text = detail.inner_text()
    assert "Vereniging zonder winstoogmerk" in text and "1 september 1987" in text
    assert "Sportpark De Meersen, Kerkplein 1, 9999 Groenbeek" in text
    assert "Beekstraat" not in text  # a correspondence address is not shown
    links = detail.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert links == ["https://fcgroenbeek.example", "mailto:secretariaat@fcgroenbeek.example",
                     "tel:+3299991234"]
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "false" and detail.is_hidden()

    # Typing a search and pressing Enter in the field.
    page.locator(f"{TAG} #q").fill("voetbal")
    page.locator(f"{TAG} #area").fill("9999")
    page.locator(f"{TAG} #area").press("Enter")
    assert settled(page) == "loaded"
    assert names(page) == ["FC Groenbeek (FCG)"]
    assert status.inner_text() == "1 vereniging voor “voetbal” in Groenbeek."
    assert focused(page) == "area"
    page.page_log.assert_clean()


def test_the_search_text_attribute_is_q_and_the_old_query_still_works(page, sites) -> None:
    """`q` is the panels' common name for the search text; `query` (its name before) still
    starts a search where `q` is absent, and changing it searches again."""
    example = dict(EXAMPLES["02-voetbal"], attributes={"area": "9999", "query": "voetbal"})
    page.goto(panel_page(sites, "old-query", example=example))
    assert settled(page) == "loaded"
    assert names(page) == ["FC Groenbeek (FCG)"]
    assert page.locator(f"{TAG} #q").input_value() == "voetbal"
    status = page.locator(f"{TAG} .status")
    assert status.inner_text() == "1 vereniging voor “voetbal” in Groenbeek."

    def set_attribute(name: str, value: str | None) -> str:
        """Set (or, with None, remove) an attribute; the panel searches at once."""
        page.evaluate(f"""([name, value]) => {{ const el = document.querySelector('{TAG}');
            if (value === null) el.removeAttribute(name); else el.setAttribute(name, value); }}""",
                      [name, value])
        return settled(page)

    assert set_attribute("query", "tennis") == "loaded"
    assert names(page) == ["Tennisclub De Beek (TC De Beek)"]
    # With both, the new name wins; the old one changing then keeps the new one's text.
    assert set_attribute("q", "voetbal") == "loaded" and names(page) == ["FC Groenbeek (FCG)"]
    assert set_attribute("query", "wieler") == "loaded"
    assert page.locator(f"{TAG} #q").input_value() == "voetbal"
    assert names(page) == ["FC Groenbeek (FCG)"]
    assert set_attribute("q", None) == "loaded"
    assert page.locator(f"{TAG} #q").input_value() == "wieler"
    assert names(page) == ["Wielerclub De Scheldespurters"]
    page.page_log.assert_clean()


def test_unknown_postcode_empty_and_error_with_retry(page, sites) -> None:
    page.goto(panel_page(sites, "unknown", example=EXAMPLES["04-unknown-postcode"]))
    assert settled(page) == "invalid"
    area = page.locator(f"{TAG} #area")
    assert area.get_attribute("aria-invalid") == "true"
    assert area.get_attribute("aria-describedby") == "area-hint area-error"
    assert page.locator(f"{TAG} #area-error").inner_text() == (
        "Postcode 1234 kennen we niet. Probeer de naam van je gemeente.")
    assert page.locator(f"{TAG} .status").inner_text() == "Controleer de postcode of gemeente."
    # a page that loads with a bad area keeps its focus and scroll position ...
    assert page.evaluate("document.activeElement === document.body")
    area.fill("Groenbeek")
    page.keyboard.press("Enter")
    assert settled(page) == "loaded"
    assert area.get_attribute("aria-invalid") is None
    assert page.locator(f"{TAG} #area-error").is_hidden()
    page.locator(f"{TAG} #q").focus()
    area.fill("Atlantis")
    page.locator(f"{TAG} #q").press("Enter")
    assert settled(page) == "invalid"
    assert focused(page) == "area"  # ... someone who searched goes to the field to change
    assert page.locator(f"{TAG} #area-error").inner_text().startswith(
        "We kennen geen gemeente of provincie “Atlantis”.")

    page.goto(panel_page(sites, "empty", example=EXAMPLES["03-empty"]))
    assert settled(page) == "empty"
    assert page.locator(f"{TAG} .status").inner_text() == (
        "Geen verenigingen voor “curling” in Groenbeek.")
    assert page.locator(f"{TAG} .empty-hint").is_visible()

    # The real API, unreachable: a message and a retry; the retry moves focus to the heading.
    page.goto(panel_page(sites, "error", panel=f'<{TAG} area="9999"></{TAG}>'))
    assert settled(page) == "loaded"
    api = f"{sites.provider.url}/api/v1/associations*"
    page.route(api, lambda route: route.abort())
    page.locator(f"{TAG} #q").fill("voetbal")
    page.locator(f"{TAG} [data-key=submit]").click()
    assert settled(page) == "error"
    assert page.locator(f"{TAG} .status").inner_text() == "De verenigingen konden niet geladen worden."
    assert_no_axe_violations(page)
    page.unroute(api)
    page.locator(f"{TAG} [data-key=retry]").focus()
    page.keyboard.press("Enter")
    assert settled(page) == "loaded"
    assert names(page) == ["FC Groenbeek (FCG)"] and focused(page) == "title"
    assert page.page_log.page_errors == []
    # The only console lines are Chromium's notes on the request the test aborted.
    assert all("ERR_FAILED" in line for line in page.page_log.console_errors)


def test_hostile_example_stays_text_and_shows_nothing_personal(page, sites) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(panel_page(sites, "hostile", example=EXAMPLES["07-hostile"]))
    assert settled(page) == "loaded"
    assert names(page) == ["<img src=x onerror=alert(1)> Club (<b>K</b>)"]
    page.locator(f"{TAG} [data-key=open-0]").click()
    page.locator(f"{TAG} #detail-0 .meta").wait_for()
    inside = page.evaluate(f"""() => {{ const r = document.querySelector('{TAG}').shadowRoot;
        return {{bad: r.querySelectorAll('img, script, iframe, svg, b').length,
                 text: r.textContent,
                 hrefs: [...r.querySelectorAll('[href]')].map(a => a.getAttribute('href'))}}; }}""")
    assert inside["bad"] == 0
    assert "<script>window.__pwned = 1</script>" in inside["text"]
    # javascript: and data: are no links, nor a phone "number" without digits or a hostile
    # e-mail address; the one web address stays, its hostile description as text.
    assert inside["hrefs"] == ["https://evil.example/?q=<script>"]
    assert "<img src=x onerror=alert(1)>" in page.locator(f"{TAG} #detail-0 a").inner_text()
    # The answer carried a representative (it never should): none of it is on the page.
    for personal in ("85073003328", "jan.peeters@example.org", "+32 470 12 34 56", "Peeters"):
        assert personal not in inside["text"] and personal not in page.content()
    page.locator(f"{TAG} .card .name").click()
    assert dialogs == [] and page.evaluate("window.__pwned") is None
    page.page_log.assert_clean()


def test_html_lang_picks_the_labels(page, sites) -> None:
    page.goto(panel_page(sites, "german", panel=f'<{TAG} area="BE23999001"></{TAG}>', lang="de"))
    assert settled(page) == "loaded"
    assert page.locator(f"{TAG} .title").inner_text() == "Finden Sie einen Verein in Ihrer Nähe"
    assert page.locator(f"{TAG} label[for=area]").inner_text() == "Postleitzahl oder Gemeinde"
    assert page.locator(f"{TAG} legend").inner_text() == "Tätigkeiten"
    # (The session's provider may hold other tests' associations in Groenbeek: more pages.)
    assert re.fullmatch(r"\d+ Vereine in Groenbeek\.( \d+ angezeigt\.)?",
                        page.locator(f"{TAG} .status").inner_text())
    assert any(chip.startswith("Sport (") for chip in page.locator(f"{TAG} .chip").all_inner_texts())
    assert "Jugendarbeit" in page.locator(f"{TAG} .chips").inner_text()
    for lang, title, button in (("fr", "Trouvez une association près de chez vous", "Rechercher"),
                                ("en", "Find an association near you", "Search"),
                                ("nl", "Zoek een vereniging in je buurt", "Zoeken")):
        page.evaluate(f"document.documentElement.lang = '{lang}'")
        assert page.locator(f"{TAG} .title").inner_text() == title
        assert page.locator(f"{TAG} [data-key=submit]").inner_text() == button
    page.page_log.assert_clean()
