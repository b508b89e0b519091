"""Screenshots of <loket-dossiers> for docs/embedding.md and widgets/dossiers/README.md: the demo
(provider and both sites, seeded) with headless Chromium, signed in through the test login."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support.browser import launch  # noqa: E402
from support.demo import Demo, running_demo  # noqa: E402

OUT = ROOT / "docs" / "img"
JAN, ELS = "85073003328", "79050124561"


def signed_in(page: Any, demo: Demo, site: str, insz: str, choice: str) -> None:
    page.goto(demo.url(site, "/mijn-dossiers"))
    page.locator("loket-dossiers [part=login-link]").click()
    page.get_by_label("Rijksregisternummer").fill(insz)
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_role("radio", name=choice).check()
    page.get_by_role("button", name="Verder").click()
    page.wait_for_url(demo.url(site, "/mijn-dossiers"))
    page.locator("loket-dossiers .list").wait_for()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, running_demo(Path(tmp)) as demo, launch() as browser:
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="nl-BE")
        page = context.new_page()
        page.goto(demo.url("groenbeek", "/mijn-dossiers"))
        page.locator("loket-dossiers .status--signed-out").wait_for()
        page.locator("loket-dossiers").screenshot(path=OUT / "dossiers-signed-out.png")
        signed_in(page, demo, "groenbeek", JAN, "Namens FC Groenbeek")
        page.screenshot(path=OUT / "dossiers-groenbeek-page.png")
        page.locator("loket-dossiers").screenshot(path=OUT / "dossiers-groenbeek.png")
        page.evaluate("document.documentElement.lang = 'fr'")
        page.locator("loket-dossiers .list > li").first.screenshot(path=OUT / "dossiers-fr.png")
        context.close()

        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-BE",
                                      device_scale_factor=1)
        page = context.new_page()
        signed_in(page, demo, "rivierstede", ELS, "Namens Vogelwerkgroep De Rietgors")
        page.locator("loket-dossiers").scroll_into_view_if_needed()
        page.screenshot(path=OUT / "dossiers-rivierstede-mobile.png")
        context.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
