"""Screenshots for docs/embedding.md and docs/theming.md: each theme's header states, taken
from the preview pages of a throw-away provider with headless Chromium."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support.browser import launch  # noqa: E402
from support.servers import make_provider  # noqa: E402

OUT = ROOT / "docs" / "img"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        provider = make_provider(Path(tmp))
        try:
            with launch() as browser:
                tab = browser.new_page(viewport={"width": 1280, "height": 900})
                for theme in ("base", "groenbeek", "rivierstede"):
                    tab.goto(f"{provider.url}/themes/{theme}/preview")
                    slots = tab.locator(".slot.desktop")
                    header = "loket-header"
                    slots.nth(2).locator(header).screenshot(
                        path=OUT / f"header-{theme}-association.png")
                    slots.nth(0).locator(header).screenshot(
                        path=OUT / f"header-{theme}-anonymous.png")
                    slots.nth(6).locator("loket-footer").screenshot(path=OUT / f"footer-{theme}.png")
                    mobile = tab.locator(".slot.mobile").nth(2)
                    mobile.locator("loket-header").screenshot(path=OUT / f"header-{theme}-mobile.png")
                tab.goto(f"{provider.url}/themes/groenbeek/preview")
                slot = tab.locator(".slot.desktop").nth(2)
                slot.locator("loket-header").evaluate("el => el.toggleMenu('account', true)")
                slot.screenshot(path=OUT / "header-groenbeek-menu-open.png")
                slot = tab.locator(".slot.desktop").nth(5)
                slot.locator("loket-header").screenshot(path=OUT / "header-groenbeek-alert.png")
        finally:
            provider.stop()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
