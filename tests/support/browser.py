"""Real Chromium through Playwright, and axe-core, for the browser tests.

Chromium is Debian's (``make test`` installs it); Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("LOKET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


@contextmanager
def launch(extra_args: list[str] | None = None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS + (extra_args or []))
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageLog:
    """What a page said that a user would not want: console errors, failed requests, CSP."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", lambda msg: self.console_errors.append(msg.text)
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def assert_clean(self) -> None:
        assert not self.page_errors, f"uncaught errors: {self.page_errors}"
        assert not self.console_errors, f"console errors: {self.console_errors}"


def axe_violations(page: Any, context: Any = None) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (WCAG 2.x A and AA rules)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag",
                           "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                      "best-practice"]}}
    results = Axe().run(page, context=context, options=options)
    return list(results.response["violations"])


def assert_no_axe_violations(page: Any, context: Any = None) -> None:
    violations = axe_violations(page, context)
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                    for n in v["nodes"][:5])
        for v in violations
    ]
    assert not violations, "axe found:\n" + "\n".join(summary)


def sign_in_at_provider(page: Any, base: str, insz: str) -> None:
    """Sign ``insz`` in with the provider's test login at ``base``, in ``page``'s profile."""
    page.goto(f"{base}/aanmelden")
    page.get_by_label("Rijksregisternummer").fill(insz)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(f"{base}/")
