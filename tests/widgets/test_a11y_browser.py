"""Keyboard use, landmarks and axe over every example in every theme, layout shift with the
documented snippet, the header without JavaScript, and the designers' preview page."""

from __future__ import annotations

import json

import pytest
import requests
from playwright.sync_api import expect

from loket.widgets.examples import examples
from support.browser import assert_no_axe_violations, axe_violations
from support.widgets import THEMES, active_in_shadow, page_html, shadow

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("provider", ["sqlite"], indirect=True)]

EXAMPLES = examples()


def _example_page(sites, theme: str, kind: str, name: str) -> str:
    """A host page showing one example fixture (state set through LoketWidgets' store)."""
    host = sites.host
    state = next(ex for ex in EXAMPLES[kind] if ex["name"] == name)["state"]
    host.put(f"/ex-{kind}-{name}.js", f"LoketWidgets.store().set({json.dumps(state)});",
             "text/javascript")
    return host.put(f"/ex-{theme}-{kind}-{name}.html", page_html(
        f'<script src="{sites.script(theme)}"></script>'
        f'<script src="{host.url}/ex-{kind}-{name}.js"></script>'
        '<main id="main"><h1>Voorbeeld</h1><p><a href="/a">Eerste link in de inhoud</a></p></main>'
        '<loket-footer></loket-footer>'))


@pytest.mark.parametrize("theme", THEMES)
def test_axe_finds_nothing_in_any_state_or_theme(page, sites, theme) -> None:
    for example in EXAMPLES["header"]:
        page.goto(_example_page(sites, theme, "header", example["name"]))
        assert page.get_by_role("banner").count() == 1, example["name"]
        assert page.get_by_role("contentinfo").count() == 1
        assert_no_axe_violations(page)
        for menu in ("account", "contact"):
            button = shadow(page, "loket-header", f"[data-key={menu}-button]")
            if button.count():
                button.click()
                assert shadow(page, "loket-header", f"#{menu}-panel").is_visible()
                assert_no_axe_violations(page)
        page.set_viewport_size({"width": 375, "height": 700})
        assert_no_axe_violations(page)
        page.set_viewport_size({"width": 1280, "height": 720})
    for example in EXAMPLES["footer"]:
        page.goto(_example_page(sites, theme, "footer", example["name"]))
        assert_no_axe_violations(page)
    page.page_log.assert_clean()


def test_keyboard_skip_link_menus_escape_and_focus_return(page, sites) -> None:
    page.goto(_example_page(sites, "groenbeek", "header", "03-association"))
    page.keyboard.press("Tab")
    assert active_in_shadow(page) == {"host": "loket-header", "key": "skip", "text": "Naar de inhoud"}
    assert shadow(page, "loket-header", "a.skip").bounding_box()["y"] >= 0  # visible on focus
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Eerste link in de inhoud"

    account = shadow(page, "loket-header", "[data-key=account-button]")
    account.focus()
    assert account.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    panel = shadow(page, "loket-header", "#account-panel")
    assert panel.is_visible() and account.get_attribute("aria-expanded") == "true"
    focused = active_in_shadow(page)
    assert focused["host"] == "loket-header" and focused["key"] == "app-link"  # first item
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    assert not panel.is_visible() and account.get_attribute("aria-expanded") == "false"
    assert active_in_shadow(page)["key"] == "account-button"

    contact = shadow(page, "loket-header", "[data-key=contact-button]")
    contact.focus()
    page.keyboard.press("Enter")
    assert shadow(page, "loket-header", "#contact-panel").is_visible()
    page.keyboard.press("Escape")
    assert not shadow(page, "loket-header", "#contact-panel").is_visible()
    assert active_in_shadow(page)["key"] == "contact-button"
    # The API opens and closes the same menu.
    assert page.evaluate("globalHeaderClient.contact.open()") is True
    assert page.evaluate("globalHeaderClient.contact.isOpen()") is True
    page.evaluate("globalHeaderClient.contact.close()")
    assert not shadow(page, "loket-header", "#contact-panel").is_visible()
    # Opening one menu closes the other; a click outside closes it.
    account.click()
    contact.click()
    assert not panel.is_visible()
    page.mouse.click(5, 600)
    assert not shadow(page, "loket-header", "#contact-panel").is_visible()
    page.page_log.assert_clean()


CLS_WATCH = """
window.__cls = 0; window.__shifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) {
  if (!e.hadRecentInput) { window.__cls += e.value; window.__shifts.push(e.value); } } })
  .observe({type: 'layout-shift', buffered: true});
"""

# The snippet documented in docs/embedding.md: embed.js where the header goes,
# <loket-footer> where the footer goes.
SNIPPET = ('<script src="{script}"></script>\n<main id="main">{content}</main>\n'
           '<loket-footer></loket-footer>')


@pytest.mark.parametrize("width", [1280, 375])
def test_layout_shift_with_documented_snippet_is_zero(page, sites, width) -> None:
    page.add_init_script(CLS_WATCH)
    page.set_viewport_size({"width": width, "height": 800})
    content = "<h1>Welkom in Groenbeek</h1>" + "<p>Nieuws van de gemeente en haar verenigingen.</p>" * 30
    url = sites.host.put(f"/cls-{width}.html", page_html(
        SNIPPET.format(script=sites.script("groenbeek"), content=content)))
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__shifts") == []
    assert page.evaluate("window.__cls") == 0
    assert shadow(page, "loket-header", ".bar").is_visible()


def test_without_javascript_header_and_footer_work(browser, sites) -> None:
    provider, host = sites.provider, sites.host
    header = requests.get(f"{provider.url}/widgets/v1/site-groenbeek/header.html",
                          headers={"Accept-Language": "fr-BE,fr;q=0.9"}, timeout=10)
    footer = requests.get(f"{provider.url}/widgets/v1/site-groenbeek/footer.html?lang=fr", timeout=10)
    assert header.status_code == 200 and footer.status_code == 200
    assert "Se connecter" in header.text
    # What a server-side include produces: the fragments inside the site's own page.
    url = host.put("/nojs.html", page_html(
        header.text + '<main id="main"><h1>Sans JavaScript</h1></main>' + footer.text, lang="fr"))
    host.put("/auth/login", page_html("<main><h1>Login page of the site</h1></main>"))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(url)
        assert page.get_by_role("banner").is_visible()
        assert page.get_by_role("contentinfo").is_visible()
        bar_bg = page.locator(".loket-nojs-login").evaluate("el => getComputedStyle(el).backgroundColor")
        assert bar_bg == "rgb(11, 107, 53)"  # Groenbeek's accent from nojs.css
        links = page.get_by_role("navigation", name="Liens rapides").get_by_role("link")
        assert links.all_inner_texts() == ["Verenigingen", "Dossiers"]
        page.get_by_text("Besoin d'aide ?").click()
        assert page.get_by_role("link", name="onthaal@example.org").is_visible()
        page.get_by_role("link", name="Se connecter").click()
        page.wait_for_url(f"{host.url}/auth/login")
        assert page.get_by_role("heading").inner_text() == "Login page of the site"
    finally:
        context.close()
    check = browser.new_context()
    page = check.new_page()
    try:
        page.goto(url)
        assert_no_axe_violations(page)
    finally:
        check.close()
    assert requests.get(f"{provider.url}/widgets/v1/nobody/header.html", timeout=10).status_code == 404


@pytest.mark.parametrize("theme", THEMES)
def test_preview_page_shows_every_state_at_both_widths(page, sites, theme) -> None:
    page.goto(f"{sites.provider.url}/themes/{theme}/preview")
    count = len(EXAMPLES["header"])
    assert page.locator(".slot.mobile loket-header").count() == count
    assert page.locator(".slot.desktop loket-header").count() == count
    assert page.locator("loket-footer").count() == 2 * len(EXAMPLES["footer"])
    mobile = page.locator(".slot.mobile loket-header").first.bounding_box()
    assert mobile is not None and mobile["width"] <= 320
    # every panel has loaded its example, yet the page is where it opened: at the top, nothing
    # focused, no skip link showing
    expect(page.locator("loket-associations .status--invalid").first).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
    assert page.evaluate("document.activeElement === document.body")
    skips = page.locator("loket-header").evaluate_all(
        "els => els.map(el => el.shadowRoot.querySelector('.skip').getBoundingClientRect())"
        ".filter(r => r.right > 0).length")
    assert skips == 0
    assert "namens FC Groenbeek" in page.locator(".slot.desktop loket-header").nth(2).evaluate(
        "el => el.shadowRoot.textContent")
    # The preview repeats the same header on purpose, so its landmarks repeat their names.
    found = [v["id"] for v in axe_violations(page) if v["id"] != "landmark-unique"]
    assert found == []
    page.page_log.assert_clean()


@pytest.mark.parametrize("theme", THEMES)
def test_every_header_state_fits_320_px(page, sites, theme) -> None:
    """At 320 px (WCAG reflow) no state of the header, menus open or closed, makes the page
    scroll sideways: the actions wrap and long names end in an ellipsis."""
    page.set_viewport_size({"width": 320, "height": 700})
    for example in EXAMPLES["header"]:
        page.goto(_example_page(sites, theme, "header", example["name"]))
        shadow(page, "loket-header", ".bar").wait_for()
        widest = page.evaluate("""() => {
            const root = document.querySelector('loket-header').shadowRoot;
            return Math.max(document.documentElement.scrollWidth, ...[...root.querySelectorAll(
                '.bar *')].filter(e => e.getClientRects().length && !e.closest('[hidden]'))
                .map(e => Math.ceil(e.getBoundingClientRect().right)));
        }""")
        assert widest <= 320, (theme, example["name"], widest)
