"""Screenshots of the register's self-service for docs/register.md: two tabs saving the same
record (the clash, at desk width and at 320 px) and "Vereniging registreren" with a possible
duplicate. Runs the demo provider (seeded) with headless Chromium; signs in as Jan Peeters."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support.browser import launch, sign_in_at_provider  # noqa: E402
from support.oidc import JAN  # noqa: E402
from support.servers import make_provider  # noqa: E402

OUT = ROOT / "docs" / "img"


def sign_in(page: Any, base: str) -> None:
    sign_in_at_provider(page, base, JAN)


def clash(browser: Any, base: str, width: int, name: str, roepnaam: tuple[str, str]) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-BE")
    tab1 = context.new_page()
    sign_in(tab1, base)
    tab2 = context.new_page()
    url = f"{base}/mijn-verenigingsloket/V0001001/basisgegevens"
    tab1.goto(url)
    tab2.goto(url)
    tab1.get_by_role("textbox", name="Roepnaam").fill(roepnaam[0])
    tab1.get_by_role("button", name="Bewaren").click()
    tab1.wait_for_url("**/V0001001#basis")
    tab2.get_by_role("textbox", name="Roepnaam").fill(roepnaam[1])
    tab2.get_by_role("textbox", name="Korte beschrijving").fill(
        "Voetbal voor jong en oud in Groenbeek.")
    tab2.get_by_role("button", name="Bewaren").click()
    tab2.wait_for_load_state()
    tab2.screenshot(path=OUT / name, full_page=True)
    context.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, launch() as browser:
        provider = make_provider(Path(tmp))
        try:
            clash(browser, provider.url, 1100, "register-clash.png", ("De Groenen", "FC G"))
            clash(browser, provider.url, 320, "register-clash-mobile.png",
                  ("De Leeuwen", "FC Groen"))
            context = browser.new_context(viewport={"width": 1100, "height": 900},
                                          locale="nl-BE")
            page = context.new_page()
            sign_in(page, provider.url)
            page.goto(f"{provider.url}/mijn-verenigingsloket/registreren")
            page.get_by_label("Naam van de vereniging").fill("FC Groenbeek vzw")
            page.get_by_role("textbox", name="Straat", exact=True).fill("Kerkstraat")
            page.get_by_role("textbox", name="Huisnummer").fill("12")
            page.get_by_role("textbox", name="Postcode", exact=True).fill("9999")
            page.get_by_label("E-mailadres van de vereniging").fill("bestuur@fcg.example")
            page.get_by_role("button", name="Vereniging registreren").click()
            page.wait_for_load_state()
            page.screenshot(path=OUT / "register-duplicate.png", full_page=True)
            context.close()
        finally:
            provider.stop()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
