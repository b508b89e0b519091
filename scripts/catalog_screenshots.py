"""Screenshots of <loket-catalog> for docs/embedding.md and widgets/catalog/README.md: the demo
(provider and both sites, seeded) with headless Chromium, signed in through the test login."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support.browser import launch  # noqa: E402
from support.demo import Demo, running_demo, sign_in  # noqa: E402

OUT = ROOT / "docs" / "img"
JAN, AN = "85073003328", "92021411256"
PAGE = "/producten-en-diensten"


def settled(page: Any) -> None:
    page.wait_for_function("""() => { const el = document.querySelector('loket-catalog');
        const s = el && el.shadowRoot && el.shadowRoot.querySelector('.status');
        return s && !/status--(loading|idle)/.test(s.className); }""")


def panel_top(page: Any, path: Path, height: int = 1100) -> None:
    """The panel's first part: heading, search, chips and the first results."""
    box = page.locator("loket-catalog").bounding_box()
    page.screenshot(path=path, full_page=True, clip={"x": box["x"] - 8, "y": box["y"] - 8,
                                                     "width": box["width"] + 16, "height": height})


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, running_demo(Path(tmp)) as demo, launch() as browser:
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="nl-BE")
        page = context.new_page()
        # Signed out: search words and a chip.
        page.goto(demo.url("groenbeek", PAGE))
        settled(page)
        box = page.get_by_label("Zoeken in producten en diensten")
        box.fill("subsid")
        box.press("Enter")
        settled(page)
        page.locator("loket-catalog [data-key=chip-level-Lokaal]").check()
        settled(page)
        panel_top(page, OUT / "catalog-anonymous.png", 900)

        shot_fc_groenbeek(page, demo)
        page.evaluate("document.documentElement.lang = 'en'")
        page.wait_for_function("""() => document.querySelector('loket-catalog').shadowRoot
            .querySelector('.reasons').textContent.includes('For associations')""")
        page.locator("loket-catalog .list > li").nth(1).screenshot(path=OUT / "catalog-en.png")
        context.close()

        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-BE")
        page = context.new_page()
        sign_in(page, demo, PAGE, AN, None, site="rivierstede")
        settled(page)
        page.locator("loket-catalog .title").evaluate("el => el.scrollIntoView()")
        page.screenshot(path=OUT / "catalog-rivierstede-mobile.png")
        page.locator("loket-catalog [data-key=filters-toggle]").click()
        page.screenshot(path=OUT / "catalog-rivierstede-mobile-filters.png")
        context.close()
    print(f"screenshots written to {OUT}")


def shot_fc_groenbeek(page: Any, demo: Demo) -> None:
    """Jan for FC Groenbeek: the page, then Rivierstede's offer after "Alle gebieden"."""
    sign_in(page, demo, PAGE, JAN, "Namens FC Groenbeek")
    settled(page)
    page.wait_for_function("""() => document.querySelector('loket-catalog').shadowRoot
        .querySelector('.title').textContent.includes('FC Groenbeek')""")
    page.screenshot(path=OUT / "catalog-groenbeek-page.png")
    panel_top(page, OUT / "catalog-groenbeek.png")
    page.locator("loket-catalog [data-key=all-areas]").check()
    settled(page)
    more = page.locator("loket-catalog [data-key=more]")
    while more.count():
        more.click()
        settled(page)
        page.wait_for_timeout(200)
    page.locator("loket-catalog .list > li").filter(
        has_text="Impulssubsidie sportclubs Rivierstede").screenshot(
        path=OUT / "catalog-all-areas.png")
    page.locator("loket-catalog [data-key=all-areas]").uncheck()
    settled(page)


if __name__ == "__main__":
    main()
