"""Screenshots of <loket-associations> for docs/embedding.md and widgets/associations/README.md:
the demo (provider and both sites, seeded) with headless Chromium; the panel is anonymous."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support.browser import launch  # noqa: E402
from support.demo import running_demo  # noqa: E402

OUT = ROOT / "docs" / "img"
TAG = "loket-associations"


def settled(page: Any) -> None:
    page.wait_for_function(f"""() => {{ const s = document.querySelector('{TAG}').shadowRoot
        .querySelector('.status'); return s && !/status--(loading|idle)/.test(s.className); }}""")


def search(page: Any, area: str, text: str) -> None:
    panel = page.locator(TAG)
    panel.get_by_label("Postcode of gemeente").fill(area)
    panel.get_by_label("Naam of trefwoord").fill(text)
    panel.get_by_role("button", name="Zoeken").click()
    settled(page)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, running_demo(Path(tmp)) as demo, launch() as browser:
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="nl-BE")
        page = context.new_page()
        page.goto(demo.url("groenbeek", "/verenigingen-zoeken"))
        settled(page)
        page.locator(TAG).screenshot(path=OUT / "associations-groenbeek.png")
        search(page, "9999", "voetbal")
        page.locator(TAG).get_by_role("button", name="Meer over FC Groenbeek").click()
        page.locator(f"{TAG} .detail:not([aria-busy]) .meta").wait_for()
        page.screenshot(path=OUT / "associations-groenbeek-page.png", full_page=True)
        search(page, "1234", "")
        page.locator(TAG).screenshot(path=OUT / "associations-unknown-postcode.png")
        search(page, "Groenbeek", "")
        page.evaluate("document.documentElement.lang = 'de'")
        page.locator(TAG).screenshot(path=OUT / "associations-de.png")
        context.close()

        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-BE")
        page = context.new_page()
        page.goto(demo.url("rivierstede", "/verenigingen-zoeken"))
        settled(page)
        page.locator(TAG).scroll_into_view_if_needed()
        page.screenshot(path=OUT / "associations-rivierstede-mobile.png", full_page=True)
        context.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
