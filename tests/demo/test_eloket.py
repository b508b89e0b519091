"""The demo municipalities' e-loket, driven over HTTP: a request prefilled from the register,
submitted, pushed to Loket as a dossier (also when Loket was down), handled by staff, answered
with an attachment. The browser journey is in test_eloket_browser.py."""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Iterator

import pytest
import requests

from support.agent import Agent, forms
from support.demo import Demo
from support.oidc import JAN

from .test_relying_party import sign_in

HOSTILE = "<img src=x onerror=alert(1)>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SPORT = "/aanvragen/sportsubsidie"


@pytest.fixture
def jan(demo: Demo) -> Iterator[Agent]:
    """Jan, signed in at Groenbeek's site for FC Groenbeek."""
    agent = Agent(demo.provider.url)
    sign_in(demo, agent, "groenbeek", JAN, "VER:V0001001")
    yield agent
    agent.http.close()


def staff(demo: Demo, site: str = "groenbeek") -> requests.Session:
    """Staff of the site, signed in at its back office with the account of its first start."""
    account = json.loads((demo.provider.instance / f"{site}-staff.json").read_text())
    http = requests.Session()
    page = http.get(demo.url(site, "/balie/aanmelden"), timeout=15)
    form = forms(page.text)[0]
    done = http.post(demo.url(site, "/balie/aanmelden"), timeout=15, allow_redirects=False,
                     data={**form.fields, "gebruiker": account["user"],
                           "wachtwoord": account["password"]})
    assert done.status_code == 302, done.text
    return http


def value(page: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*\bname="{name}"[^>]*\bvalue="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def submit(demo: Demo, http: requests.Session, path: str, site: str = "groenbeek",
           files: dict[str, tuple[str, bytes, str]] | None = None,
           **fields: str) -> requests.Response:
    page = http.get(demo.url(site, path), timeout=15)
    assert page.status_code == 200, page.text
    form = next(f for f in forms(page.text) if f.method == "post")
    return http.post(demo.url(site, path), data={**form.fields, **fields}, files=files or {},
                     timeout=30, allow_redirects=False)


def sport_fields(**extra: str) -> dict[str, str]:
    return {"leden": "48", "trainers": "3", "toelichting": "Werking seizoen 2026", **extra}


def dossier(demo: Demo, number: str, source: str = "groenbeek-backoffice") -> list[object]:
    return demo.provider.sql(
        "SELECT status_code, phase, action_required, action_text, link, product_numbers, version"
        " FROM dossiers WHERE source = :s AND number = :n", {"s": source, "n": number})


def number_of(response: requests.Response) -> str:
    assert response.status_code == 302, response.text
    return response.headers["Location"].split("/mijn-aanvragen/")[1].split("?")[0]


def test_the_catalog_links_each_form_product_to_its_form_on_the_site(demo: Demo) -> None:
    links = dict(demo.provider.sql(
        "SELECT product_id, data FROM catalog_products WHERE product_id IN "
        "('GB-SUB-SPORT', 'GB-EVENEMENT', 'GB-ZAAL', 'GB-UITLEEN', 'GB-SUB-JEUGD', "
        "'RS-SUB-SPORT', 'RS-EVENEMENT', 'RS-ZAAL')"))
    urls = {k: (json.loads(v) if isinstance(v, str) else v)["onlineRequestUrl"]
            for k, v in links.items()}
    assert urls["GB-SUB-SPORT"] == demo.url("groenbeek", SPORT)
    assert urls["GB-EVENEMENT"] == demo.url("groenbeek", "/aanvragen/evenement")
    assert urls["GB-UITLEEN"] == demo.url("groenbeek", "/reserveren/materiaal")
    assert urls["RS-ZAAL"] == demo.url("rivierstede", "/zaalhuur")
    # a product without a form on the demo site keeps the link it was published with
    assert urls["GB-SUB-JEUGD"] == "https://loket.groenbeek.example/aanvragen/jeugdsubsidie"
    # signed out, a form asks to sign in first and brings the person back to it
    page = requests.get(demo.url("groenbeek", SPORT), timeout=15)
    assert page.status_code == 200 and f"/auth/login?next={SPORT}" in page.text


def test_the_form_is_prefilled_from_the_sign_in_and_the_register(demo: Demo, jan: Agent) -> None:
    before = demo.provider.sql("SELECT COALESCE(MAX(seq), 0) FROM audit_log")[0][0]
    page = jan.http.get(demo.url("groenbeek", SPORT), timeout=15).text
    assert value(page, "naam") == "Jan Peeters"
    record = requests.get(f"{demo.provider.url}/api/v1/associations/V0001001", timeout=15)
    assert value(page, "organisatie") == record.json()["naam"]
    assert value(page, "adres") and re.search(r"\b9999 Groenbeek\b", value(page, "adres") or "")
    # where each value came from, said with the field
    assert re.search(r'id="naam-source">Uit je aanmelding<', page)
    assert re.search(r'id="organisatie-source">Uit het verenigingsregister<', page)
    assert 'aria-describedby="naam-source"' in page
    # the read of the register is in Loket's audit log, with the e-loket's reason
    reads = demo.provider.sql(
        "SELECT client_id, reason FROM audit_log WHERE seq > :s AND operation = 'exchange-read'",
        {"s": before})
    assert reads and all(r[0] == "groenbeek-backoffice" for r in reads)
    assert "Subsidie voor sportverenigingen" in reads[0][1]


def test_a_submitted_request_is_one_dossier_on_both_sites(demo: Demo, jan: Agent) -> None:
    done = submit(demo, jan.http, SPORT, **sport_fields(adres="Kerkstraat 1, 9999 Groenbeek"))
    number = number_of(done)
    assert re.fullmatch(r"GB-E-\d{4}-\d{4}", number)
    page = jan.http.get(demo.url("groenbeek", done.headers["Location"]), timeout=15).text
    assert "Je aanvraag is ontvangen" in page and "Ingediend" in page
    # the corrected address: offered to correct it in the register too
    assert "pas ze ook aan in Onze gegevens" in page
    assert f'{demo.provider.url}/mijn-verenigingsloket/V0001001"' in page
    [(code, phase, action, _text, link, products, _v)] = dossier(demo, number)
    assert (code, phase, bool(action)) == ("Ingediend", "Samenstelling", False)
    assert link == demo.url("groenbeek", f"/mijn-aanvragen/{number}")
    assert "GB-SUB-SPORT" in str(products)
    # at Rivierstede, in the same capacity, the panel's API lists it, the product linked
    other = Agent(demo.provider.url)
    other.http.cookies.update(jan.http.cookies)  # the same browser: the provider's session
    sign_in(demo, other, "rivierstede", JAN, "VER:V0001001")
    token = other.http.get(demo.url("rivierstede", "/auth/api-token"), timeout=15).json()
    listed = requests.get(f"{demo.provider.url}/api/v1/me/dossiers?limit=100", timeout=15,
                          headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    mine = [d for d in listed["dossiers"] if d["number"] == number]
    assert len(mine) == 1 and mine[0]["productNumbers"] == ["GB-SUB-SPORT"]
    other.http.close()


def test_with_loket_down_the_site_accepts_and_pushes_once_it_is_back(demo: Demo,
                                                                     jan: Agent) -> None:
    page = jan.http.get(demo.url("groenbeek", SPORT), timeout=15)
    form = next(f for f in forms(page.text) if f.method == "post")
    demo.provider.stop()
    try:
        done = jan.http.post(demo.url("groenbeek", SPORT), timeout=30, allow_redirects=False,
                             data={**form.fields, **sport_fields()})
        number = number_of(done)
        shown = jan.http.get(demo.url("groenbeek", done.headers["Location"]), timeout=30).text
        assert "Je aanvraag is ontvangen" in shown and "zodra het Verenigingsloket" in shown
    finally:
        demo.provider.start()
    deadline = time.monotonic() + 40
    while not dossier(demo, number) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(dossier(demo, number)) == 1, "pushed once Loket was back"
    # and the site knows Loket has it (it marks that once Loket's answer is in): no further
    # push of the same version
    desk = staff(demo)
    row = ""
    while "bijgewerkt" not in row and time.monotonic() < deadline + 5:
        page = desk.get(demo.url("groenbeek", "/balie"), timeout=15).text
        row = page.split(f">{number}</a>")[1].split("</tr>")[0]
    assert "bijgewerkt" in row


def test_staff_ask_the_applicant_answers_with_a_file_staff_approve(demo: Demo,
                                                                   jan: Agent) -> None:
    number = number_of(submit(demo, jan.http, SPORT, **sport_fields()))
    desk = staff(demo)
    detail = demo.url("groenbeek", f"/balie/aanvragen/{number}")
    page = desk.get(detail, timeout=15)
    form = next(f for f in forms(page.text) if f.method == "post" and "version" in f.fields)
    asked = desk.post(detail, timeout=15, allow_redirects=False, data={
        **form.fields, "handeling": "vraag", "tekst": "Bezorg de begroting van het seizoen."})
    assert asked.status_code == 302, asked.text
    [(code, phase, action, text, *_)] = dossier(demo, number)
    assert (code, phase, bool(action), text) == ("DossierOnvolledig", "Samenstelling", True,
                                                 "Bezorg de begroting van het seizoen.")
    # a colleague's change on the version before is refused, the newer state shown
    stale = desk.post(detail, timeout=15, data={**form.fields, "handeling": "goedkeuren"})
    assert stale.status_code == 409 and "Iemand anders wijzigde" in stale.text
    assert dossier(demo, number)[0][0] == "DossierOnvolledig"
    # Jan answers, with the budget as PDF
    mine = demo.url("groenbeek", f"/mijn-aanvragen/{number}")
    page = jan.http.get(mine, timeout=15)
    assert "Actie nodig" in page.text and "Bezorg de begroting" in page.text
    answer = next(f for f in forms(page.text) if f.method == "post")
    sent = jan.http.post(mine, timeout=15, allow_redirects=False,
                         data={**answer.fields, "antwoord": "De begroting zit erbij."},
                         files={"bijlage": ("begroting 2026.pdf", PDF, "application/pdf")})
    assert sent.status_code == 302, sent.text
    [(code, phase, action, *_)] = dossier(demo, number)
    assert (code, bool(action)) == ("InBehandeling", False)
    # staff see the answer and the file, and approve
    page = desk.get(detail, timeout=15)
    assert "De begroting zit erbij." in page.text and "begroting 2026.pdf" in page.text
    href = re.search(r'href="([^"]*/bijlagen/\d+)"', page.text).group(1)  # type: ignore[union-attr]
    got = desk.get(demo.url("groenbeek", href), timeout=15)
    assert got.content == PDF and got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got.headers["Content-Security-Policy"]
    form = next(f for f in forms(page.text) if f.method == "post" and "version" in f.fields)
    approved = desk.post(detail, timeout=15, allow_redirects=False,
                         data={**form.fields, "handeling": "goedkeuren"})
    assert approved.status_code == 302
    assert dossier(demo, number)[0][:2] == ("Goedgekeurd", "Afgerond")
    assert "Goedgekeurd" in jan.http.get(mine, timeout=15).text
    # his list of requests on the site names it, for FC Groenbeek
    listed = jan.http.get(demo.url("groenbeek", "/mijn-aanvragen"), timeout=15).text
    assert f"/mijn-aanvragen/{number}" in listed and "FC Groenbeek" in listed


def test_an_answer_on_a_request_staff_changed_meanwhile_is_kept_not_sent(demo: Demo,
                                                                        jan: Agent) -> None:
    number = number_of(submit(demo, jan.http, SPORT, **sport_fields()))
    desk = staff(demo)
    detail = demo.url("groenbeek", f"/balie/aanvragen/{number}")

    def ask(text: str) -> None:
        page = desk.get(detail, timeout=15)
        form = next(f for f in forms(page.text) if f.method == "post" and "version" in f.fields)
        done = desk.post(detail, timeout=15, allow_redirects=False,
                         data={**form.fields, "handeling": "vraag", "tekst": text})
        assert done.status_code == 302

    ask("Bezorg de ledenlijst.")
    mine = demo.url("groenbeek", f"/mijn-aanvragen/{number}")
    shown = next(f for f in forms(jan.http.get(mine, timeout=15).text) if f.method == "post")
    ask("Bezorg ook de begroting.")  # while Jan writes his answer
    sent = jan.http.post(mine, timeout=15, data={**shown.fields, "antwoord": "De ledenlijst."})
    assert sent.status_code == 400
    assert "De gemeente wijzigde deze aanvraag terwijl je antwoordde" in sent.text
    main = sent.text[sent.text.find("<main"):]
    assert "Bezorg ook de begroting." in main and "De ledenlijst.</textarea>" in main, main
    [(code, _phase, action, text, *_)] = dossier(demo, number)
    assert (code, bool(action), text) == ("DossierOnvolledig", True, "Bezorg ook de begroting.")
    # staff close it: no request of this test stays "actie nodig" on top of FC Groenbeek's
    # dossiers for the panel tests that share this demo
    page = desk.get(detail, timeout=15)
    form = next(f for f in forms(page.text) if f.method == "post" and "version" in f.fields)
    assert desk.post(detail, timeout=15, allow_redirects=False, data={
        **form.fields, "handeling": "weigeren", "tekst": "Test afgesloten."}).status_code == 302
    assert dossier(demo, number)[0][:3] == ("Geweigerd", "Afgerond", False)


def test_uploads_that_are_no_pdf_or_image_are_refused_and_nothing_is_stored(
        demo: Demo, jan: Agent) -> None:
    desk = staff(demo)
    before = desk.get(demo.url("groenbeek", "/balie"), timeout=15).text.count("<tr>")
    for name, content in (("begroting.pdf", b"MZ\x90\x00 an executable"),
                          ("begroting.html", PDF),
                          ("begroting.pdf.exe", PDF),
                          ("x.pdf", b"<html><script>alert(1)</script>")):
        refused = submit(demo, jan.http, SPORT, files={"bijlage": (name, content, "application/pdf")},
                         **sport_fields())
        assert refused.status_code == 400, name
        assert "Een bijlage is een PDF, PNG of JPEG" in refused.text
    big = submit(demo, jan.http, SPORT, **sport_fields(),
                 files={"bijlage": ("groot.pdf", PDF + b"0" * (7 * 1024 * 1024), "application/pdf")})
    assert big.status_code == 413 and "hoogstens 5 MB" in big.text
    after = desk.get(demo.url("groenbeek", "/balie"), timeout=15).text.count("<tr>")
    assert after == before


def test_forms_need_their_csrf_token(demo: Demo, jan: Agent) -> None:
    refused = jan.http.post(demo.url("groenbeek", SPORT), data=sport_fields(naam="x"),
                            timeout=15)
    assert refused.status_code == 400
    refused = requests.post(demo.url("groenbeek", "/balie/aanmelden"), timeout=15,
                            data={"gebruiker": "balie", "wachtwoord": "x"})
    assert refused.status_code == 400
    # and the back office is for staff only
    away = requests.get(demo.url("groenbeek", "/balie"), timeout=15, allow_redirects=False)
    assert away.status_code == 302 and "/balie/aanmelden" in away.headers["Location"]
    # a request is seen only in the capacity it was made for
    number = number_of(submit(demo, jan.http, SPORT, **sport_fields()))
    citizen = Agent(demo.provider.url)
    sign_in(demo, citizen, "groenbeek", JAN, f"BUR:{JAN}")
    assert citizen.http.get(demo.url("groenbeek", f"/mijn-aanvragen/{number}"),
                            timeout=15).status_code == 404
    citizen.http.close()


def test_hostile_text_and_file_names_are_inert_for_staff_and_applicant(demo: Demo,
                                                                       jan: Agent) -> None:
    number = number_of(submit(
        demo, jan.http, "/aanvragen/evenement", evenement=HOSTILE, datum="2027-05-01",
        plaats=HOSTILE, bezoekers="300", toelichting=HOSTILE, adres=HOSTILE,
        files={"bijlage": (f"{HOSTILE}.pdf", PDF, "application/pdf")}))
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    mine = jan.http.get(demo.url("groenbeek", f"/mijn-aanvragen/{number}"), timeout=15).text
    desk = staff(demo)
    for page in (mine, desk.get(demo.url("groenbeek", f"/balie/aanvragen/{number}"),
                                timeout=15).text,
                 desk.get(demo.url("groenbeek", "/balie"), timeout=15).text):
        assert HOSTILE not in page
        assert escaped in page
    # the dossier's name carries the event's name as text (the panels escape it)
    name = demo.provider.sql("SELECT name FROM dossiers WHERE number = :n", {"n": number})[0][0]
    assert name == f"Evenement melden: {HOSTILE}"
