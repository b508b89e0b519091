"""Screenshots of <loket-messages> for docs/messages.md, docs/embedding.md and
widgets/messages/README.md: the demo (provider and both sites, seeded: Groenbeek's youth grant
message and De Schakel's renewal reminder) with headless Chromium, signed in through the test
login as Jan, acting for Jeugdhuis De Schakel."""

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
JAN = "85073003328"
PAGE = "/mijn-berichten"


def signed_in(page: Any, demo: Demo) -> None:
    page.goto(demo.url("groenbeek", PAGE))
    page.locator("loket-messages [part=login-link]").click()
    page.get_by_label("Rijksregisternummer").fill(JAN)
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_role("radio", name="Namens Jeugdhuis De Schakel").check()
    page.get_by_role("button", name="Verder").click()
    page.wait_for_url(demo.url("groenbeek", PAGE))
    page.locator("loket-messages .list").wait_for()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, running_demo(Path(tmp)) as demo, launch() as browser:
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="nl-BE")
        page = context.new_page()
        signed_in(page, demo)
        page.screenshot(path=OUT / "messages-groenbeek-page.png")
        page.locator("loket-messages").screenshot(path=OUT / "messages-groenbeek.png")
        page.evaluate("document.documentElement.lang = 'fr'")
        page.locator("loket-messages .list > li").first.wait_for()
        page.wait_for_function("""() => document.querySelector('loket-messages').shadowRoot
            .querySelector('.title').textContent.startsWith('Messages')""")
        page.locator("loket-messages").screenshot(path=OUT / "messages-fr.png")
        page.evaluate("document.documentElement.lang = 'nl'")
        page.set_viewport_size({"width": 320, "height": 900})
        page.locator("loket-messages").scroll_into_view_if_needed()
        page.screenshot(path=OUT / "messages-mobile.png")
        context.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
