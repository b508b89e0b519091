"""Small helpers for reading the widgets' shadow DOM from tests."""

from __future__ import annotations

from typing import Any

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
                text: inner ? inner.textContent.trim() : (host ? host.textContent.trim().slice(0, 80) : null)};
    }"""))
