"""Screenshots of the demo e-loket for docs/integrating.md: the demo (provider and both sites,
seeded) with headless Chromium; Jan, acting for FC Groenbeek, opens the sports grant's form
(prefilled from the register), sends it; staff at Groenbeek ask for the budget; his request page
then shows "Actie nodig". At desk width and at 320 px."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support.browser import launch  # noqa: E402
from support.demo import Demo, running_demo, sign_in  # noqa: E402

OUT = ROOT / "docs" / "img"
JAN = "85073003328"
FORM = "/aanvragen/sportsubsidie"


def staff_asks(browser: Any, demo: Demo, number: str) -> None:
    account = json.loads((demo.provider.instance / "groenbeek-staff.json").read_text())
    context = browser.new_context(viewport={"width": 1100, "height": 1000}, locale="nl-BE")
    page = context.new_page()
    page.goto(demo.url("groenbeek", "/balie"))
    page.get_by_label("Gebruikersnaam").fill(account["user"])
    page.get_by_label("Wachtwoord").fill(account["password"])
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(demo.url("groenbeek", "/balie"))
    page.screenshot(path=OUT / "eloket-staff-list.png")
    page.goto(demo.url("groenbeek", f"/balie/aanvragen/{number}"))
    page.get_by_label("Meer informatie vragen", exact=False).check()
    page.get_by_label("Vraag of motivering voor de aanvrager").fill(
        "Bezorg de begroting van het seizoen als PDF.")
    page.screenshot(path=OUT / "eloket-staff-detail.png", full_page=True)
    page.get_by_role("button", name="Opslaan en de aanvrager laten weten").click()
    page.wait_for_load_state("load")
    context.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, running_demo(Path(tmp)) as demo, launch() as browser:
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="nl-BE")
        page = context.new_page()
        sign_in(page, demo, FORM, JAN, "FC Groenbeek")
        page.screenshot(path=OUT / "eloket-form.png", full_page=True)
        page.set_viewport_size({"width": 320, "height": 900})
        page.screenshot(path=OUT / "eloket-form-mobile.png", full_page=True)
        page.set_viewport_size({"width": 1100, "height": 900})
        page.get_by_label("Aantal actieve leden").fill("48")
        page.get_by_role("button", name="Aanvraag indienen").click()
        page.wait_for_load_state("load")
        number = page.locator("main .meta").first.inner_text().split()[1]
        staff_asks(browser, demo, number)
        page.reload()
        page.screenshot(path=OUT / "eloket-request-action.png", full_page=True)
        page.set_viewport_size({"width": 320, "height": 900})
        page.screenshot(path=OUT / "eloket-request-action-mobile.png", full_page=True)
        context.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
