"""Issue 7's must-show for the <loket-associations> panel in real Chromium, with the provider and
both demo sites as separate processes: a citizen on Groenbeek's "Verenigingen zoeken" searching
"voetbal" near 9999 finds FC Groenbeek; every activity chip's count is what choosing it finds;
no INSZ, e-mail or phone of any representative is on the page or in any answer the panel got.
Plus each state under axe, the keyboard, <html lang="de"> and Rivierstede's own default."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from support.browser import assert_no_axe_violations
from support.demo import Demo
from support.register import fresh_insz, make_association, word
from support.widgets import panel_settled

pytestmark = pytest.mark.browser
TAG = "loket-associations"
PAGE = "/verenigingen-zoeken"


def watch(page: Any) -> dict[str, list[Any]]:
    seen: dict[str, list[Any]] = {"console": [], "errors": [], "dialogs": [], "requests": [],
                                  "responses": []}
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: seen["requests"].append(r.all_headers())
            if "/api/v1/associations" in r.url else None)
    page.on("response", lambda r: seen["responses"].append(r)
            if "/api/v1/associations" in r.url else None)
    return seen


def settled(page: Any) -> str:
    return panel_settled(page, TAG)


def names(page: Any) -> list[str]:
    return page.locator(f"{TAG} .card .name").all_inner_texts()


def status(page: Any) -> str:
    return str(page.locator(f"{TAG} .status").inner_text())


def focused(page: Any) -> str | None:
    return page.evaluate(f"""() => {{ const a = document.querySelector('{TAG}').shadowRoot
        .activeElement; return a && a.getAttribute('data-key'); }}""")


def representatives(demo: Demo) -> list[tuple[str, str | None, str | None]]:
    """Every representative's INSZ, e-mail and phone in the demo's register."""
    rows = demo.provider.sql("SELECT p.insz, r.email, r.telefoon FROM representatives r "
                             "JOIN persons p ON p.id = r.person_id")
    return [(row[0], row[1], row[2]) for row in rows]


def personal_strings(demo: Demo) -> list[str]:
    """What must never show: each INSZ (bare and written 85.07.30-033.28), e-mail and phone
    (as stored and as bare digits)."""
    out: list[str] = []
    for insz, email, phone in representatives(demo):
        out += [insz, f"{insz[:2]}.{insz[2:4]}.{insz[4:6]}-{insz[6:9]}.{insz[9:]}"]
        out += [email] if email else []
        out += [phone, re.sub(r"\D", "", phone)] if phone else []
    return out


# ---- the must-show ---------------------------------------------------------------------------

def test_a_citizen_finds_fc_groenbeek_and_nothing_personal_reaches_the_page(browser,
                                                                           demo: Demo) -> None:
    # Another football club in Groenbeek, with a representative whose data the search must
    # never carry (besides FC Groenbeek's own: Jan Peeters).
    insz = fresh_insz()
    other = make_association(demo.provider, reps=[(insz, True)], naam=f"Zaalvoetbal {word()}",
                             korteBeschrijving="Voetbal in de zaal, op dinsdagavond in de sporthal.",
                             hoofdactiviteiten=["SPRT", "HOSP"])
    personal = personal_strings(demo)
    assert insz in personal and "jan.peeters@example.org" in personal

    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    seen = watch(page)
    page.goto(demo.url("groenbeek", PAGE))
    # The site's municipality by default, by name in the field.
    assert settled(page) == "loaded"
    area = page.locator(TAG).get_by_label("Postcode of gemeente")
    assert area.input_value() == "Groenbeek"
    assert re.fullmatch(r"\d+ verenigingen in Groenbeek\.( \d+ getoond\.)?", status(page))
    assert_no_axe_violations(page)

    # "voetbal" near 9999, by keyboard: type, Enter.
    area.fill("")
    area.focus()
    page.keyboard.type("9999")
    page.keyboard.press("Tab")
    assert focused(page) == "q"
    page.keyboard.type("voetbal")
    page.keyboard.press("Enter")
    assert settled(page) == "loaded"
    found = names(page)
    assert "FC Groenbeek (FCG)" in found and other["naam"] in found
    assert status(page) == f"{len(found)} verenigingen voor “voetbal” in Groenbeek."
    assert_no_axe_violations(page)

    # The facets count right: each chip's number is what choosing it alone finds — on the page
    # and in the API's own answer.
    api = requests.get(f"{demo.provider.url}/api/v1/associations",
                       params={"q": "voetbal", "werkingsgebied": "9999"}, timeout=15).json()
    chips = page.locator(f"{TAG} .chip").all_inner_texts()
    counts = {m.group(1): int(m.group(2)) for m in (re.fullmatch(r"(.+) \((\d+)\)", c) for c in chips) if m}
    assert counts == {f["naam"]: f["count"] for f in api["facets"]["hoofdactiviteiten"]}
    assert counts["Sport"] == 2 and counts["Hobby & Spel"] == 1 and "Jeugdwerk" not in counts
    for chip_name, count in counts.items():
        page.locator(TAG).get_by_role("checkbox", name=f"{chip_name} ({count})").check()
        assert settled(page) == "loaded"
        assert len(names(page)) == count, chip_name
        assert status(page).startswith("1 vereniging " if count == 1 else f"{count} verenigingen ")
        page.locator(TAG).get_by_role("checkbox", name=re.compile(re.escape(chip_name))).uncheck()
        assert settled(page) == "loaded" and len(names(page)) == len(found)

    # FC Groenbeek's detail: its website, from the public detail.
    card = page.locator(f"{TAG} .card", has_text="FC Groenbeek")
    toggle = card.get_by_role("button", name="Meer over FC Groenbeek")
    toggle.focus()
    page.keyboard.press("Enter")
    card.locator(".detail:not([aria-busy]) .meta").wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert card.get_by_role("link", name="fcgroenbeek.example", exact=True).get_attribute("href") == (
        "https://fcgroenbeek.example")
    assert_no_axe_violations(page)
    other_card = page.locator(f"{TAG} .card", has_text=other["naam"])
    other_card.get_by_role("button").click()
    other_card.locator(".detail:not([aria-busy]) .meta").wait_for()
    assert other_card.locator(".detail dd").all_inner_texts() == ["Feitelijke vereniging"]

    # Nothing personal: not in the page, not in the panel, not in any answer it received
    # (search and detail), which were anonymous requests.
    bodies = [r.text() for r in seen["responses"]]
    assert any("/api/v1/associations/V0001001" in r.url for r in seen["responses"])
    assert len(bodies) >= 4 + 2 * len(counts)
    shadow = page.evaluate(f"document.querySelector('{TAG}').shadowRoot.textContent")
    html = page.content()
    for value in personal:
        assert all(value not in body for body in bodies), value
        assert value not in shadow and value not in html, value
    assert all("vertegenwoordigers" not in body for body in bodies)
    assert all("authorization" not in h and "cookie" not in h for h in seen["requests"])
    assert seen["errors"] == [] and seen["console"] == [] and seen["dialogs"] == []
    context.close()


def test_unknown_postcode_empty_error_and_german(browser, demo: Demo) -> None:
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    seen = watch(page)
    page.goto(demo.url("groenbeek", PAGE))
    assert settled(page) == "loaded"
    panel = page.locator(TAG)

    # A postcode the register does not know: the API says so, the field says so.
    area = panel.get_by_label("Postcode of gemeente")
    area.fill("1234")
    area.press("Enter")
    assert settled(page) == "invalid"
    assert area.get_attribute("aria-invalid") == "true" and focused(page) == "area"
    assert page.locator(f"{TAG} #area-error").inner_text() == (
        "Postcode 1234 kennen we niet. Probeer de naam van je gemeente.")
    assert_no_axe_violations(page)
    # Chromium notes the API's 400 in the console; nothing else is there.
    assert len(seen["console"]) == 1 and "400" in seen["console"][0]
    # Of several places, the message names the one the register does not know.
    area.fill("9999, 1234")
    area.press("Enter")
    assert settled(page) == "invalid"
    assert page.locator(f"{TAG} #area-error").inner_text().startswith("Postcode 1234 kennen we niet.")

    # Nothing found: said in words, with a hint.
    area.fill("Groenbeek")
    panel.get_by_label("Naam of trefwoord").fill("curling")
    panel.get_by_role("button", name="Zoeken").click()
    assert settled(page) == "empty"
    assert status(page) == "Geen verenigingen voor “curling” in Groenbeek."
    assert_no_axe_violations(page)

    # The register unreachable: a message and a retry, by keyboard; focus to the heading.
    api = f"{demo.provider.url}/api/v1/associations*"
    page.route(api, lambda route: route.abort())
    panel.get_by_label("Naam of trefwoord").fill("")
    panel.get_by_role("button", name="Zoeken").click()
    assert settled(page) == "error"
    assert status(page) == "De verenigingen konden niet geladen worden."
    assert_no_axe_violations(page)
    page.unroute(api)
    page.locator(f"{TAG} [data-key=retry]").focus()
    page.keyboard.press("Enter")
    assert settled(page) == "loaded" and focused(page) == "title"
    assert "FC Groenbeek (FCG)" in names(page)

    # <html lang="de">: German labels, activities and count at once.
    page.evaluate("document.documentElement.lang = 'de'")
    assert page.locator(f"{TAG} .title").inner_text() == "Finden Sie einen Verein in Ihrer Nähe"
    assert panel.get_by_label("Postleitzahl oder Gemeinde").input_value() == "Groenbeek"
    assert panel.get_by_role("button", name="Suchen").is_visible()
    assert page.locator(f"{TAG} legend").inner_text() == "Tätigkeiten"
    assert "Jugendarbeit" in page.locator(f"{TAG} .chips").inner_text()
    assert re.fullmatch(r"\d+ Vereine in Groenbeek\.", status(page))
    assert panel.get_by_role("button", name="Mehr über FC Groenbeek").is_visible()
    assert_no_axe_violations(page)
    assert seen["errors"] == [] and seen["dialogs"] == []
    assert all("400" in line or "ERR_FAILED" in line for line in seen["console"]), seen["console"]
    context.close()


def test_rivierstede_starts_in_rivierstede_and_the_visitor_can_look_elsewhere(browser,
                                                                            demo: Demo) -> None:
    context = browser.new_context(locale="nl-BE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    seen = watch(page)
    page.goto(demo.url("rivierstede", PAGE))
    assert settled(page) == "loaded"
    assert page.locator(TAG).get_attribute("area") == "BE24999002"
    assert page.locator(TAG).get_by_label("Postcode of gemeente").input_value() == "Rivierstede"
    assert "Vogelwerkgroep De Rietgors" in names(page)
    assert not any("FC Groenbeek" in name for name in names(page))
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator(TAG).get_by_label("Postcode of gemeente").fill("9999")
    page.locator(TAG).get_by_role("button", name="Zoeken").click()
    assert settled(page) == "loaded"
    assert "FC Groenbeek (FCG)" in names(page) and "Vogelwerkgroep De Rietgors" not in names(page)
    assert seen["errors"] == [] and seen["console"] == []
    context.close()


def test_without_javascript_the_page_says_what_to_do(browser, demo: Demo) -> None:
    context = browser.new_context(locale="nl-BE", java_script_enabled=False)
    page = context.new_page()
    page.goto(demo.url("groenbeek", PAGE))
    assert page.get_by_role("heading", level=1).inner_text() == "Verenigingen zoeken"
    message = page.locator("main noscript p")  # (text selectors skip <noscript>)
    assert message.is_visible()
    assert message.inner_text() == "Zet JavaScript aan om verenigingen te zoeken."
    context.close()
