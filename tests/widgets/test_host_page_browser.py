"""The header on hostile host pages: a strict CSP, global CSS that tries to break it, and
hostile strings in every field it shows."""

from __future__ import annotations

import json

import pytest

from support.widgets import CSP_WATCH, page_html, shadow, strict_csp

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("provider", ["sqlite"], indirect=True)]


def test_strict_csp_renders_with_zero_violations(page, sites) -> None:
    page.add_init_script(CSP_WATCH)
    host = sites.host
    # Only the provider's scripts may run: the header, its menus and the footer need no more.
    url = host.put("/csp.html", page_html(
        f'<script src="{sites.script("rivierstede")}"></script>'
        '<main id="main"><h1>Strikt</h1></main><loket-footer></loket-footer>'),
        headers=strict_csp(sites.provider))
    page.goto(url)
    page.wait_for_load_state("load")
    shadow(page, "loket-header", "[data-key=contact-button]").click()
    assert shadow(page, "loket-header", "#contact-panel").is_visible()
    assert "+32 9 999 00 00" in shadow(page, "loket-header", "#contact-panel").inner_text()
    page.wait_for_timeout(200)
    assert shadow(page, "loket-header", "a.login").get_attribute("href") == "/auth/login"
    assert shadow(page, "loket-footer", "footer").is_visible()
    # The theme's colours applied: the bar's background is Rivierstede's dark blue.
    bg = page.evaluate("""() => getComputedStyle(document.querySelector('loket-header')
        .shadowRoot.querySelector('.root')).backgroundColor""")
    assert bg == "rgb(16, 42, 67)"
    assert page.evaluate("window.__csp") == []
    page.page_log.assert_clean()


HOSTILE_CSS = """
* { all: unset; }
:root { --loket-color-text: #ff0000; --loket-color-background: #00ff00; --loket-font-body: Impact; }
header { display: none !important; }
nav, a, button { display: none !important; color: red !important; }
html { font-size: 40px; }
"""

SNAPSHOT = """() => {
  const cs = (el) => { const s = getComputedStyle(el); const out = {};
    for (const p of ['display','color','background-color','font-family','font-size','margin-top','padding-top']) out[p] = s.getPropertyValue(p);
    return out; };
  const rootVars = {}; const rs = getComputedStyle(document.documentElement);
  for (const name of ['--loket-color-text', '--loket-color-background', '--loket-font-body', '--host-own']) rootVars[name] = rs.getPropertyValue(name);
  return {html: cs(document.documentElement), body: cs(document.body), main: cs(document.querySelector('main')),
          p: cs(document.querySelector('main p')), vars: rootVars,
          sheets: document.styleSheets.length, adopted: document.adoptedStyleSheets.length,
          htmlAttrs: [...document.documentElement.attributes].map(a => a.name + '=' + a.value),
          bodyAttrs: [...document.body.attributes].map(a => a.name + '=' + a.value),
          heads: document.head.children.length};
}"""


def test_hostile_global_css_leaves_header_intact_and_header_changes_nothing_outside(page, sites) -> None:
    host = sites.host
    host.put("/hostile.css", HOSTILE_CSS + ":root { --host-own: 1px; }", "text/css")
    host.put("/hostile-page.js", "document.getElementById('go').addEventListener('click', "
             "() => globalHeaderClient.mount(document.getElementById('slot')));", "text/javascript")
    url = host.put("/hostile-css.html", page_html(
        '<div id="slot"></div><main id="main"><p>Inhoud van de gemeente.</p>'
        '<p><span id="go" role="button" tabindex="0">mount</span></p></main>'
        f'<script src="{host.url}/hostile-page.js"></script>',
        head=f'<link rel="stylesheet" href="{host.url}/hostile.css">'
             f'<script src="{sites.script("groenbeek", "entry")}"></script>'))
    page.goto(url)
    before = page.evaluate(SNAPSHOT)
    page.click("#go", force=True)
    page.wait_for_selector("loket-header")
    after = page.evaluate(SNAPSHOT)
    assert before == after, "mounting the header changed the host page"
    bar = shadow(page, "loket-header", ".bar")
    box = bar.bounding_box()
    assert box is not None and box["height"] >= 56 and box["width"] > 300
    login = shadow(page, "loket-header", "a.login")
    assert login.is_visible() and login.inner_text() == "Aanmelden"
    styles = page.evaluate("""() => { const r = document.querySelector('loket-header').shadowRoot;
        const s = getComputedStyle(r.querySelector('.root')); const l = getComputedStyle(r.querySelector('a.login'));
        return {color: s.color, bg: s.backgroundColor, font: s.fontFamily, size: s.fontSize,
                loginBg: l.backgroundColor, loginColor: l.color}; }""")
    assert styles["color"] == "rgb(21, 40, 28)"        # Groenbeek's text colour, not the page's red
    assert styles["bg"] == "rgb(255, 255, 255)"
    assert "Trebuchet MS" in styles["font"] and styles["size"] == "16px"
    assert styles["loginBg"] == "rgb(11, 107, 53)" and styles["loginColor"] == "rgb(255, 255, 255)"
    page.page_log.assert_clean()


HOSTILE = '<img src=x onerror="window.pwned=1">'


def test_hostile_strings_never_execute_and_alert_keeps_only_simple_html(page, sites, tmp_path) -> None:
    provider, host = sites.provider, sites.host
    provider.add_client("site-hostile", "--redirect-uri", f"{host.url}/auth/callback",
                        "--origin", host.url)
    settings = {
        "alert": {"enabled": True, "modifier": "error", "message":
                  'Let op: <strong>vandaag</strong> <em>gesloten</em>. <a href="/uren">Uren</a> '
                  '<a href="javascript:window.pwned=2">klik</a><script>window.pwned=3</script>'
                  f'{HOSTILE}<a href="/x" onclick="window.pwned=4">x</a><iframe src="/x"></iframe>'},
        "host": {"label": HOSTILE, "href": "/"},
        "mainLinks": [{"label": HOSTILE, "href": "/ok"}],
        "footer": {"text": HOSTILE, "links": [{"label": HOSTILE, "href": "/ok"}]},
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(settings))
    provider.cli("client", "configure", "site-hostile", "--settings", str(path))
    refused = dict(settings, mainLinks=[{"label": "x", "href": "javascript:alert(1)"}])
    path.write_text(json.dumps(refused))
    result = provider.cli("client", "configure", "site-hostile", "--settings", str(path), check=False)
    assert result.returncode == 1 and "mainLinks[0].href" in result.stderr

    host.put("/hostile-strings.js", """
      globalHeaderClient.accessMenu.setProfile({active: true, switchCapacityUrl: 'javascript:window.pwned=5',
        logoutUrl: 'javascript:window.pwned=6',
        idpData: {user: {firstName: '%(h)s', name: '"><script>window.pwned=7</script>'},
          activeIdentity: {onBehalfOf: {code: 'VER', identifier: '%(h)s', name: '%(h)s'}, loginHint: 'x'},
          identities: [{onBehalfOf: {code: 'BUR', name: 'x'}, loginHint: '"><img src=x onerror=window.pwned=8>'},
                       {onBehalfOf: {code: 'VER', identifier: 'V1', name: '%(h)s'}, loginHint: 'x'}]}});
      globalHeaderClient.accessMenu.setApplicationMenuLinks([{label: '%(h)s', href: 'javascript:window.pwned=9'}]);
      globalHeaderClient.branding.setUmbrella({label: '%(h)s', href: 'data:text/html,<script>alert(1)</script>'});
      globalFooterClient.setNavigationLinks([{label: '%(h)s', href: ' javascript:window.pwned=10'}]);
    """.replace("%(h)s", HOSTILE.replace('"', '\\"')), "text/javascript")
    url = host.put("/hostile-strings.html", page_html(
        f'<script src="{provider.url}/widgets/v1/site-hostile/embed.js"></script>'
        f'<script src="{host.url}/hostile-strings.js"></script>'
        '<main id="main"><h1>x</h1></main><loket-footer></loket-footer>'),
        headers={"Content-Security-Policy": f"script-src {provider.url} {host.url}"})
    page.goto(url)
    shadow(page, "loket-header", "[data-key=account-button]").click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.pwned") is None
    found = page.evaluate("""() => ['loket-header', 'loket-footer'].map(tag => {
        const root = document.querySelector(tag).shadowRoot;
        return {imgs: root.querySelectorAll('img, script, iframe').length,
                handlers: [...root.querySelectorAll('*')].filter(el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
                badHrefs: [...root.querySelectorAll('a[href]')].map(a => a.getAttribute('href')).filter(h => !/^(\\/|#|https?:|mailto:|tel:)/.test(h.trim()))};
    })""")
    assert found == [{"imgs": 0, "handlers": 0, "badHrefs": []}] * 2
    text = shadow(page, "loket-header", "a.host").inner_text()
    assert HOSTILE in text                     # shown as text, exactly
    alert = shadow(page, "loket-header", ".alert-body")
    assert alert.locator("strong").inner_text() == "vandaag"
    assert alert.locator("em").inner_text() == "gesloten"
    assert alert.locator("a[href='/uren']").inner_text() == "Uren"
    assert alert.locator("a").count() == 3 and alert.locator("a[href^=javascript]").count() == 0
    assert "window.pwned=3" not in alert.inner_text()
    # No-JS rendering of the same settings escapes them as well.
    import requests

    nojs = requests.get(f"{provider.url}/widgets/v1/site-hostile/header.html", timeout=10).text
    assert "<img" not in nojs and "javascript:" not in nojs and "<script" not in nojs
    assert "&lt;img src=x" in nojs and "<strong>vandaag</strong>" in nojs
