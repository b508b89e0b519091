"""<loket-dossiers> on a municipality's page (127.0.0.2) under a strict CSP: its code is fetched
only where the element is used (with SRI), every example is axe clean at both widths, the token
handed over through JavaScript stays out of the DOM and a 401 asks the page for a fresh one,
hostile data stays text."""

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

EXAMPLES = examples()["dossiers"]


@pytest.fixture(scope="module")
def club_token(provider) -> str:
    """Jan's access token acting for FC Groenbeek (scope dossiers), as a site's server holds it."""
    return oidc.club_token(provider, "panel-test-rp", ["dossiers"])


def panel_page(sites, name: str, script: str, *, panel: str = "<loket-dossiers></loket-dossiers>",
               lang: str = "nl") -> str:
    return panel_host_page(sites, name, script, panel, "Mijn dossiers", lang)


def example_script(sites, example: dict[str, Any]) -> str:
    return shared_example_script(sites, "loket-dossiers", example)


def settled(page: Any) -> str:
    return panel_settled(page, "loket-dossiers")


def test_the_panel_code_loads_only_where_the_panel_is(page, sites) -> None:
    page.add_init_script(CSP_WATCH)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/assets/" in r.url else None)
    page.goto(panel_page(sites, "no-panel", "", panel=""))
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert fetched == [] and page.evaluate("!!customElements.get('loket-dossiers')") is False
    page.goto(panel_page(sites, "with-panel", ""))
    page.wait_for_function("() => !!customElements.get('loket-dossiers')")
    assert len(fetched) == 1 and "/widgets/v1/assets/loket-dossiers." in fetched[0]
    tag = page.locator("script[src*='loket-dossiers.']")
    assert tag.get_attribute("integrity").startswith("sha384-")
    assert tag.get_attribute("crossorigin") == "anonymous"
    assert settled(page) == "signed-out"  # no profile, no token: it asks to sign in
    # A panel the page adds later: LoketWidgets.load() is a no-op once the code is there.
    assert page.evaluate("LoketWidgets.load('loket-dossiers')") is True
    assert len(fetched) == 1
    assert page.evaluate("window.__csp") == []
    page.page_log.assert_clean()


@pytest.mark.parametrize("width", [1280, 375])
def test_every_example_is_axe_clean(page, sites, width) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.add_init_script(CSP_WATCH)
    for example in EXAMPLES:
        page.goto(panel_page(sites, f"ex-{example['name']}", example_script(sites, example)))
        expected = {"04-loading": "loading", "05-error": "error", "06-signed-out": "signed-out",
                    "03-empty": "empty"}.get(example["name"], "loaded")
        if expected == "loading":
            page.locator("loket-dossiers .status--loading").wait_for()
        else:
            assert settled(page) == expected, example["name"]
        assert_no_axe_violations(page)
        assert page.evaluate("window.__csp") == [], example["name"]
    page.page_log.assert_clean()


def test_hostile_example_stays_text(page, sites) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = next(ex for ex in EXAMPLES if ex["name"] == "07-hostile")
    page.goto(panel_page(sites, "hostile", example_script(sites, hostile)))
    assert settled(page) == "loaded"
    names = page.locator("loket-dossiers .name").all_inner_texts()
    assert names == ["<img src=x onerror=alert(1)> Subsidie", "Data link"]
    assert page.locator("loket-dossiers .title").inner_text() == (
        "Dossiers van <img src=x onerror=alert(2)>")
    inside = page.evaluate("""() => { const r = document.querySelector('loket-dossiers').shadowRoot;
        return {bad: r.querySelectorAll('img, script, iframe, svg, b').length,
                hrefs: [...r.querySelectorAll('[href]')].map(a => a.getAttribute('href'))}; }""")
    assert inside["bad"] == 0
    # javascript: and data: dossier links are no links; the hostile phone number is no tel: link
    assert inside["hrefs"] == ["mailto:x@example.org"]
    page.locator("loket-dossiers .name").first.click()
    assert dialogs == []
    page.page_log.assert_clean()


def test_token_stays_in_a_closure_and_a_401_asks_for_a_fresh_one(page, sites, club_token) -> None:
    # The page hands over a function: its first token is dead, the second one good.
    script = f"""
      window.__calls = 0; window.__events = [];
      ['loaded', 'error', 'signed-out'].forEach(function (n) {{
        document.addEventListener('loket:dossiers-' + n, function (e) {{
          window.__events.push([n, e.detail && e.detail.total]); }}); }});
      customElements.whenDefined('loket-dossiers').then(function () {{
        document.querySelector('loket-dossiers').setAccessToken(function () {{
          window.__calls += 1;
          return Promise.resolve(window.__calls === 1 ? 'lat_expired' : {json.dumps(club_token)});
        }});
      }});"""
    seen: list[dict[str, str]] = []
    page.on("request", lambda r: seen.append(r.all_headers()) if "/me/dossiers" in r.url else None)
    page.goto(panel_page(sites, "token", script))
    assert settled(page) == "loaded"
    assert page.evaluate("window.__calls") == 2
    events = page.evaluate("window.__events")
    assert len(events) == 1 and events[0][0] == "loaded" and events[0][1] >= 4
    assert page.locator("loket-dossiers .title").inner_text() == "Dossiers van FC Groenbeek"
    assert [h["authorization"] for h in seen] == ["Bearer lat_expired", f"Bearer {club_token}"]
    assert all("cookie" not in h for h in seen)
    # Nowhere to be read: not in the DOM, not on the element.
    assert club_token not in page.content()
    assert page.evaluate("""() => { const el = document.querySelector('loket-dossiers');
        const own = Object.getOwnPropertyNames(el).map(k => { try { return JSON.stringify(el[k]); }
          catch (e) { return ''; } });
        return own.join() + [...el.attributes].map(a => a.value).join(); }""").find(
        club_token) < 0
    # The filter asks the API again with the same token (the function is not called again).
    page.locator("loket-dossiers input[value=closed]").check()
    assert settled(page) == "loaded"
    assert page.evaluate("window.__calls") == 2
    assert seen[-1]["authorization"] == f"Bearer {club_token}"

    # A fixed token that has expired: signed out, no retry.
    page.evaluate("document.querySelector('loket-dossiers').setAccessToken('lat_expired')")
    assert settled(page) == "signed-out"
    assert page.evaluate("window.__events").pop() == ["signed-out", None]
    # Chromium notes each 401 in the console; nothing else may be there.
    assert all("401" in line for line in page.page_log.console_errors)
    assert page.page_log.page_errors == []


def test_an_appeal_is_a_phase_only_of_a_dossier_in_appeal(page, sites) -> None:
    """A finished or refused dossier is not said to have passed through an appeal (Beroep); the
    one in appeal shows it as its current phase. The current phase is said in words, once."""
    long = next(ex for ex in EXAMPLES if ex["name"] == "08-long")
    page.goto(panel_page(sites, "phases", example_script(sites, long)))
    assert settled(page) == "loaded"
    lists = page.locator("loket-dossiers .phases").evaluate_all(
        "ols => ols.map(ol => [...ol.children].map(li => li.textContent))")
    with_appeal = [steps for steps in lists if any("Beroep" in s for s in steps)]
    assert len(with_appeal) == 1 and "Beroep (huidige fase)" in with_appeal[0]
    others = [steps for steps in lists if steps not in with_appeal]
    assert others and all(len(steps) == 5 for steps in others)
    assert page.locator("loket-dossiers [aria-current]").count() == 0
