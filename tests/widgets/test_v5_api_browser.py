"""A page written only against the Flanders Global Header v5 API works unchanged with our
script; the header follows <html lang>; an unknown widget id fails cleanly."""

from __future__ import annotations

import pytest

from support.widgets import page_html, shadow

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("provider", ["sqlite"], indirect=True)]

# Only the v5 client API, as a Flemish-header integration would have it.
V5_PAGE_SCRIPT = """
(async function () {
  const client = window.globalHeaderClient;
  await client.accessMenu.setProfile({
    active: true,
    loginUrl: '/v5/login', logoutUrl: '/v5/logout', switchCapacityUrl: '/v5/switch?x=1',
    idpData: {
      user: { firstName: 'Jan', name: 'Peeters' },
      activeIdentity: { onBehalfOf: { code: 'VER', identifier: 'V0001001', name: 'FC Groenbeek' },
                        loginHint: 'eyJjYXBfaGludCI6IlZFUiIsImNvZGVfaGludCI6IlYwMDAxMDAxIn0' },
      identities: [
        { onBehalfOf: { code: 'BUR', firstName: 'Jan', name: 'Peeters' }, loginHint: 'eyJjYXBfaGludCI6IkJVUiJ9' },
        { onBehalfOf: { code: 'VER', identifier: 'V0001001', name: 'FC Groenbeek' },
          loginHint: 'eyJjYXBfaGludCI6IlZFUiIsImNvZGVfaGludCI6IlYwMDAxMDAxIn0' },
        { onBehalfOf: { code: 'EA', identifier: '0412345614', name: 'Peeters Bouw BV' },
          loginHint: 'eyJjYXBfaGludCI6IkVBIiwiY29kZV9oaW50IjoiMDQxMjM0NTYxNCJ9' }
      ]
    }
  });
  await client.accessMenu.setMainLinks([
    { label: 'Sport in Groenbeek', href: '/sport' },
    { label: { nl: 'Subsidies', fr: 'Subsides', de: 'Zuschüsse', en: 'Grants' }, href: '/subsidies', isExternal: false }
  ]);
  await client.branding.setHost({ label: 'Gemeente Groenbeek (v5)', href: '/home' });
  const mounted = await client.mount();
  document.body.setAttribute('data-mounted', String(mounted));
})();
"""


def test_v5_page_renders_names_and_links_unchanged(page, sites) -> None:
    host = sites.host
    host.put("/v5.js", V5_PAGE_SCRIPT, "text/javascript")
    url = host.put("/v5.html", page_html(
        '<main id="main"><h1>Sport</h1><p><a href="/x">Een link</a></p></main>'
        f'<script src="{host.url}/v5.js"></script>',
        head=f'<script src="{sites.script("groenbeek", "entry")}"></script>'))
    page.goto(url)
    page.wait_for_selector("body[data-mounted=true]")
    assert page.locator("loket-header").count() == 1
    # mount() with no element puts the header at the top of the page.
    assert page.evaluate("document.body.firstElementChild.localName") == "loket-header"
    button = shadow(page, "loket-header", "[data-key=account-button]")
    assert "Jan Peeters" in button.inner_text()
    assert "namens FC Groenbeek" in button.inner_text()
    host_link = shadow(page, "loket-header", "a.host")
    assert host_link.inner_text().strip() == "Gemeente Groenbeek (v5)"
    assert host_link.get_attribute("href") == "/home"
    links = shadow(page, "loket-header", "nav.main-links a")
    assert links.all_inner_texts() == ["Sport in Groenbeek", "Subsidies"]
    assert [a.get_attribute("href") for a in links.all()] == ["/sport", "/subsidies"]
    button.click()
    panel = shadow(page, "loket-header", "#account-panel")
    assert panel.is_visible()
    assert "V0001001" in panel.inner_text()
    switch = {a.inner_text().split("\n")[0]: a.get_attribute("href")
              for a in shadow(page, "loket-header", ".identities a.identity").all()}
    assert switch == {
        "als burger": "/v5/switch?x=1&login_hint=eyJjYXBfaGludCI6IkJVUiJ9",
        "namens Peeters Bouw BV": "/v5/switch?x=1&login_hint=eyJjYXBfaGludCI6IkVBIiwiY29kZV9oaW50IjoiMDQxMjM0NTYxNCJ9",
    }
    assert "0412.345.614" in panel.inner_text()
    current = shadow(page, "loket-header", ".identity.current")
    assert current.get_attribute("aria-current") == "true" and "FC Groenbeek" in current.inner_text()
    assert shadow(page, "loket-header", "a.logout").get_attribute("href") == "/v5/logout"
    profile = page.evaluate("globalHeaderClient.accessMenu.getProfile()")
    assert profile["idpData"]["user"] == {"firstName": "Jan", "name": "Peeters"}
    page.page_log.assert_clean()


def test_follows_html_lang_including_variants(page, sites) -> None:
    url = sites.host.put("/lang.html", page_html(
        f'<script src="{sites.script("base")}"></script><main id="main">x</main>', lang="nl-BE"))
    page.goto(url)
    login = shadow(page, "loket-header", "a.login")
    assert login.inner_text() == "Aanmelden"
    for lang, text in (("fr", "Se connecter"), ("de-DE", "Anmelden"), ("en", "Log in"),
                       ("xx", "Aanmelden")):
        page.evaluate("lang => document.documentElement.lang = lang", lang)
        assert login.inner_text() == text, lang
    page.evaluate("document.documentElement.lang = 'fr-BE'")
    links = shadow(page, "loket-header", "nav.main-links a").all_inner_texts()
    assert links == ["Verenigingen", "Dossiers"]
    page.evaluate("document.documentElement.lang = 'de'")
    assert shadow(page, "loket-header", "nav.main-links a").all_inner_texts()[1] == "Akten"
    page.page_log.assert_clean()


def test_unknown_widget_id_is_a_clear_404_not_a_broken_page(page, sites) -> None:
    import requests

    response = requests.get(f"{sites.provider.url}/widgets/v1/nobody/entry.js", timeout=10)
    assert response.status_code == 404
    assert "not registered" in response.text and response.text.startswith("console.error(")
    url = sites.host.put("/unknown.html", page_html(
        f'<script src="{sites.provider.url}/widgets/v1/nobody/embed.js"></script>'
        '<main id="main"><h1>Still here</h1></main>'))
    page.goto(url)
    assert page.get_by_role("heading", name="Still here").is_visible()
    assert not page.page_log.page_errors
    assert any("404" in line for line in page.page_log.console_errors)
    assert page.locator("loket-header").count() == 0


# What a page written for the real header's v2 loader has: its entry (or embed) URL and a
# listener for the window event the header fires once mounted.
MOUNTED_LISTENER = """
window.__mounted = [];
window.addEventListener('widget.global_header.mounted', function (event) {
  window.__mounted.push(event.detail && event.detail.element ? event.detail.element.localName : '?');
});
"""


@pytest.mark.parametrize("kind", ["entry", "embed"])
def test_pages_written_for_the_v2_loader_work_with_its_urls(page, sites, kind) -> None:
    host = sites.host
    loader = f"{sites.provider.url}/api/v2/widget/site-groenbeek/{kind}"
    host.put("/listen.js", MOUNTED_LISTENER, "text/javascript")
    host.put(f"/v2-{kind}.js", V5_PAGE_SCRIPT, "text/javascript")
    listen = f'<script src="{host.url}/listen.js"></script>'
    if kind == "entry":  # in <head>; the page mounts it (v5 API)
        url = host.put("/v2-entry.html", page_html(
            f'<main id="main"><h1>Sport</h1></main><script src="{host.url}/v2-entry.js"></script>',
            head=listen + f'<script src="{loader}"></script>'))
    else:  # where the header must appear; it renders there by itself
        url = host.put("/v2-embed.html", page_html(
            f'{listen}<script src="{loader}"></script><main id="main"><h1>Sport</h1></main>'))
    page.goto(url)
    page.wait_for_function("window.__mounted && window.__mounted.length > 0")
    assert page.evaluate("window.__mounted") == ["loket-header"]
    assert page.locator("loket-header").count() == 1
    # the same script as the stable v1 URL
    import requests

    v1 = requests.get(sites.script("groenbeek", kind), timeout=15)
    v2 = requests.get(loader, timeout=15)
    assert v2.status_code == 200 and v2.text == v1.text
    assert v2.headers["Content-Type"].startswith("text/javascript")
    assert v2.headers["ETag"] == v1.headers["ETag"]
    assert requests.get(f"{sites.provider.url}/api/v2/widget/no-such-site/entry",
                        timeout=15).status_code == 404
