"""Mijn Verenigingsloket on the provider itself: the one starting point for a person acting for
an association — Loket's own header (identity switch included) and the dossier panel for the
capacity acted in."""

from __future__ import annotations

import os
from typing import Any

import pytest

from support.browser import assert_no_axe_violations
from support.oidc import JAN

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("provider", ["sqlite"], indirect=True)]
SHOTS = os.environ.get("LOKET_SCREENSHOTS")


def shadow_text(page: Any, tag: str) -> str:
    return str(page.evaluate(f"document.querySelector('{tag}').shadowRoot.textContent"))


def test_the_starting_point_for_an_association(page, provider) -> None:
    page.goto(f"{provider.url}/aanmelden")
    page.get_by_label("Rijksregisternummer").fill(JAN)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(f"{provider.url}/")
    page.goto(f"{provider.url}/mijn-verenigingsloket")
    header = page.locator("loket-header")
    header.wait_for()
    assert "Jan Peeters" in shadow_text(page, "loket-header")
    page.get_by_role("link", name="FC Groenbeek").click()
    page.wait_for_url("**/mijn-verenigingsloket/V0001001")
    panel = page.locator("loket-dossiers")
    panel.get_by_text("Actie nodig").first.wait_for()
    assert "FC Groenbeek" in shadow_text(page, "loket-header")
    assert "Subsidie jeugdwerking 2025" in shadow_text(page, "loket-dossiers")
    # the catalog, ranked for the club: Groenbeek's sport subsidy, and why
    page.locator("loket-catalog").get_by_text("Subsidie voor sportverenigingen").first.wait_for()
    assert "Groenbeek" in shadow_text(page, "loket-catalog")
    assert_no_axe_violations(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/mijn-verenigingsloket.png", full_page=False)
    # the header's identity switch goes to the other association's page
    header.locator("[data-key=account-button]").click()
    header.locator("#account-panel").get_by_role("link", name="Jeugdhuis De Schakel").click()
    page.wait_for_url("**/mijn-verenigingsloket/V0001002")
    assert "Jeugdhuis De Schakel" in shadow_text(page, "loket-header")
    panel.get_by_role("heading").first.wait_for()
    assert "Subsidie jeugdwerking 2025" not in shadow_text(page, "loket-dossiers")
    assert_no_axe_violations(page)
    page.page_log.assert_clean()


def test_the_panel_token_is_for_this_origin_only(page, provider) -> None:
    import requests

    answer = requests.get(f"{provider.url}/mijn-verenigingsloket/api-token",
                          headers={"Sec-Fetch-Site": "cross-site"}, timeout=10)
    assert answer.status_code == 403
    anonymous = requests.get(f"{provider.url}/mijn-verenigingsloket/api-token", timeout=10)
    assert anonymous.status_code == 401
