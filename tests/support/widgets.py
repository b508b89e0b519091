"""Small helpers for reading the widgets' shadow DOM from tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.servers import Provider

# The host page listens for CSP violations from the very start (before any script runs).
CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '')));
"""


def shadow(page: Any, tag: str, selector: str) -> Any:
    """A locator inside the element's open shadow root (Playwright pierces it with CSS)."""
    return page.locator(f"{tag} {selector}")


def header_text(page: Any) -> str:
    return str(page.evaluate(
        "() => document.querySelector('loket-header').shadowRoot.textContent"))


def active_in_shadow(page: Any) -> dict[str, Any]:
    """What has focus: the host element's tag and, inside its shadow root, the element's key."""
    return dict(page.evaluate("""() => {
        const host = document.activeElement;
        const inner = host && host.shadowRoot ? host.shadowRoot.activeElement : null;
        return {host: host ? host.localName : null,
                key: inner ? (inner.getAttribute('data-key') || inner.className || inner.localName) : null,
                text: inner ? inner.textContent.trim()
                            : (host ? host.textContent.trim().slice(0, 80) : null)};
    }"""))


HOST_IP = "127.0.0.2"
THEMES = ("base", "groenbeek", "rivierstede")
STRICT_CSP = ("default-src 'self'; script-src {p}; style-src {p}; connect-src {p}")


@dataclass
class HostSite:
    """Pages of a fictional municipal site: ``put(path, body, headers)`` then open ``url + path``."""

    url: str
    pages: dict[str, tuple[bytes, str, dict[str, str]]] = field(default_factory=dict)

    def put(self, path: str, body: str, content_type: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None) -> str:
        self.pages[path] = (body.encode(), content_type, headers or {})
        return self.url + path


SETTINGS: dict[str, Any] = {
    "profile": {"loginUrl": "/auth/login", "logoutUrl": "/auth/logout",
                "switchCapacityUrl": "/auth/switch"},
    "mainLinks": [{"label": "Verenigingen", "href": "/verenigingen"},
                  {"label": {"nl": "Dossiers", "fr": "Dossiers", "de": "Akten", "en": "Cases"},
                   "href": "/dossiers"}],
    "contact": {"servicePoints": [
        {"label": "Onthaal", "description": "Ma–vr 9–12 u.", "phone": "+32 9 999 00 00",
         "email": "onthaal@example.org"},
        {"label": "Alle contactgegevens", "href": "/contact"}]},
}


@dataclass
class Sites:
    """One registered site per theme (widget id ``site-<theme>``) plus the provider."""

    provider: Provider
    host: HostSite
    secrets: dict[str, str]

    def script(self, theme: str = "groenbeek", kind: str = "embed") -> str:
        return f"{self.provider.url}/widgets/v1/site-{theme}/{kind}.js"

    def configure(self, theme: str, settings: dict[str, Any], tmp: Path) -> None:
        path = tmp / f"settings-{theme}.json"
        path.write_text(json.dumps(settings))
        self.provider.cli("client", "configure", f"site-{theme}", "--settings", str(path))


def page_html(body: str, *, head: str = "", lang: str = "nl", title: str = "Gemeente") -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title>{head}</head><body>{body}</body></html>")


def strict_csp(provider: Provider) -> dict[str, str]:
    return {"Content-Security-Policy": STRICT_CSP.format(p=provider.url)}


def panel_settled(page: Any, tag: str) -> str:
    """Wait until a data panel has shown a result; its status line's class says which
    (``done``, ``empty``, ``error``, ``signedout`` …)."""
    page.wait_for_function(f"""() => {{ const el = document.querySelector('{tag}');
        const s = el && el.shadowRoot && el.shadowRoot.querySelector('.status');
        return s && !/status--(loading|idle)/.test(s.className); }}""")
    return str(page.locator(f"{tag} .status").get_attribute("class")).split("--")[-1]


def panel_host_page(sites: Any, name: str, script: str, panel: str, heading: str,
                    lang: str = "nl") -> str:
    """A municipality's page with the header's embed.js, ``panel`` under ``heading``, the footer
    and the page's own script file, under the contract's policy plus that script; its URL."""
    host, issuer = sites.host, sites.provider.url
    host.put(f"/{name}.js", script, "text/javascript")
    return str(host.put(f"/{name}.html", page_html(
        f'<script src="{sites.script("groenbeek")}"></script>'
        f'<main id="main"><h1>{heading}</h1>{panel}</main><loket-footer></loket-footer>'
        f'<script src="{host.url}/{name}.js"></script>', lang=lang),
        headers={"Content-Security-Policy": f"default-src 'self'; script-src 'self' {issuer}; "
                                            f"style-src {issuer}; connect-src {issuer}"}))


def example_script(sites: Any, tag: str, example: dict[str, Any]) -> str:
    """The page's script for one fixture: the examples' loader (the preview's) on ``tag``."""
    return (f"var s=document.createElement('script');s.src={json.dumps(sites.provider.url)}"
            "+'/static/widgets-examples.js';s.onload=function(){"
            f"customElements.whenDefined('{tag}').then(function(){{"
            f"LoketExamples.show(document.querySelector('{tag}'),{json.dumps(example)});"
            "});};document.head.append(s);")
