"""The security officer's desk in the browser's way (plain HTTP, CSRF-protected forms): only a
granted officer gets in (others 403, logged); a search needs a reason, finds every access to
Jan's data with IP and reason, pages, exports, and is itself logged."""

from __future__ import annotations

import html
import json
import re

import pytest

from support.agent import Agent
from support.oidc import AN, JAN
from support.register import HOSTILE

DESK = "/veiligheidsconsulent"


def _csrf(text: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', text)
    assert match, "no csrf token"
    return html.unescape(match.group(1))


@pytest.fixture
def officer(provider):
    provider.cli("officer", "grant", AN)
    agent = Agent(provider.url)
    agent.submit_login(agent.get("/aanmelden"), AN)
    yield agent
    agent.http.close()
    provider.cli("officer", "revoke", AN)


def test_only_a_granted_officer_gets_in_and_refusals_are_logged(provider) -> None:
    agent = Agent(provider.url)
    try:
        assert agent.get(DESK).status_code == 401           # not signed in
        agent.submit_login(agent.get("/aanmelden"), JAN)
        before = int(provider.sql("SELECT COALESCE(MAX(seq), 0) FROM audit_log")[0][0])
        refused = agent.get(DESK)
        assert refused.status_code == 403 and "veiligheidsconsulent" in refused.text
        logged = provider.sql("SELECT operation, outcome FROM audit_log WHERE seq > :s",
                              {"s": before})
        assert ("audit-desk", "refused") in [tuple(r) for r in logged]
    finally:
        agent.http.close()
    listed = provider.cli("officer", "list").stdout
    assert "Jan" not in listed


def test_a_search_needs_a_reason_and_is_logged(provider, officer) -> None:
    jan = Agent(provider.url)   # something about Jan to find, whatever ran before
    try:
        jan.submit_login(jan.get("/aanmelden"), JAN)
        assert jan.get("/mijn-gegevens").status_code == 200
    finally:
        jan.http.close()
    page = officer.get(DESK)
    assert page.status_code == 200 and "Auditlogboek raadplegen" in page.text
    assert "Signalen van de laatste dagen" in page.text and "Mislukte aanmeldingen" in page.text
    # a signal's link fills the filters in; the reason stays the officer's to give
    prefilled = officer.get(f"{DESK}?client=gemeente-y&outcome=refused&since=2026-11-29")
    assert 'value="gemeente-y"' in prefilled.text and 'value="2026-11-29"' in prefilled.text
    no_reason = officer.post(DESK, data={"csrf_token": _csrf(page.text), "person": JAN})
    assert no_reason.status_code == 200 and "Geef de reden" in no_reason.text
    assert 'href="#reason"' in no_reason.text
    bad = officer.post(DESK, data={"csrf_token": _csrf(page.text), "person": "123",
                                   "reason": "onderzoek"})
    assert "--person" in bad.text or "rijksregisternummer" in bad.text.lower()
    found = officer.post(DESK, data={"csrf_token": _csrf(page.text), "person": JAN,
                                     "reason": f"melding {HOSTILE}"})
    assert found.status_code == 200 and "regel" in found.text
    assert "127.0.0.1" in found.text
    sub = str(provider.sql("SELECT sub FROM persons WHERE insz = :i", {"i": JAN})[0][0])
    search = provider.sql("SELECT actor, reason, subject FROM audit_log WHERE operation = "
                          "'audit-search' ORDER BY seq DESC LIMIT 1")[0]
    officer_sub = str(provider.sql("SELECT sub FROM persons WHERE insz = :i",
                                   {"i": AN})[0][0])
    assert (search[0], search[1], search[2]) == (officer_sub, f"melding {HOSTILE}", sub)
    # the reason shows inert where it is displayed (the next search lists this one)
    again = officer.post(DESK, data={"csrf_token": _csrf(page.text),
                                     "operation": "audit-search", "reason": "controle"})
    assert HOSTILE not in again.text and "&lt;img src=x onerror=alert(1)&gt;" in again.text


def test_an_export_has_every_entry_and_is_logged(provider, officer) -> None:
    page = officer.get(DESK)
    sub = str(provider.sql("SELECT sub FROM persons WHERE insz = :i", {"i": JAN})[0][0])
    total = int(provider.sql("SELECT COUNT(*) FROM audit_log WHERE subject = :s",
                             {"s": sub})[0][0])
    export = officer.post(DESK, data={"csrf_token": _csrf(page.text), "person": JAN,
                                      "reason": "export", "shape": "jsonl"})
    assert export.status_code == 200
    assert export.headers["Content-Disposition"] == 'attachment; filename="auditlog.jsonl"'
    rows = [json.loads(line) for line in export.text.splitlines()]
    assert len(rows) == total and all(r["subject"] == sub for r in rows)
    csv = officer.post(DESK, data={"csrf_token": _csrf(page.text), "person": JAN,
                                   "reason": "export", "shape": "csv"})
    assert csv.text.splitlines()[0].startswith("seq,at,ip")
    assert officer.post(DESK, data={"person": JAN, "reason": "x"}).status_code == 400  # CSRF


@pytest.mark.browser
@pytest.mark.parametrize("provider", ["sqlite"], indirect=True)
@pytest.mark.parametrize("width", [1280, 320])
def test_the_desk_in_chromium_by_keyboard_axe_clean_at_both_widths(page, provider,
                                                                   width) -> None:
    from support.browser import assert_no_axe_violations, sign_in_at_provider

    provider.cli("officer", "grant", AN)
    try:
        page.set_viewport_size({"width": width, "height": 900})
        sign_in_at_provider(page, provider.url, AN)
        page.goto(f"{provider.url}{DESK}")
        assert_no_axe_violations(page)
        page.get_by_label("Reden van deze opzoeking").fill("melding 2026/12")
        page.get_by_label("Rijksregisternummer van de persoon").fill(JAN)
        # (the answer's load: measured before its stylesheet arrives, a page is unstyled)
        with page.expect_navigation(wait_until="load"):
            page.get_by_label("Rijksregisternummer van de persoon").press("Enter")
        page.get_by_role("heading", name=re.compile("regel")).wait_for()
        wider = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map(el => el.localName + '.' + el.className + ': ' + el.textContent.slice(0, 60))""")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), wider
        assert_no_axe_violations(page)
        page.page_log.assert_clean()
    finally:
        provider.cli("officer", "revoke", AN)
