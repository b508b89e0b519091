"""Data exchange for governments (reason header, full record, change feed, audit) and the
person's AVG rights (export, access overview), against the live provider."""

from __future__ import annotations

import requests

from support.oidc import ELS, JAN
from support.register import (
    audit_rows,
    bearer,
    client_token,
    fresh_insz,
    last_audit_seq,
    make_association,
    person_sub,
    user_token,
)

REASON = "X-Loket-Reason"


def exchange(provider, path: str, token: str, reason: str | None = None,
             **params: str) -> requests.Response:
    headers = bearer(token)
    if reason is not None:
        headers[REASON] = reason
    return requests.get(f"{provider.url}/api/v1/exchange/{path}", headers=headers,
                        params=params, timeout=15)


def test_a_government_call_without_a_reason_is_refused_and_logged(provider, government) -> None:
    token = client_token(provider, government.client_id, government.secret,
                         "associations:exchange")
    start = last_audit_seq(provider)
    for reason in (None, ""):
        refused = exchange(provider, "associations/V0001001", token, reason)
        assert refused.status_code == 400
        assert refused.json()["error"] == "reason_required" and REASON in refused.json()["detail"]
        assert "vertegenwoordigers" not in refused.text
    assert exchange(provider, "changes", token).status_code == 400
    assert exchange(provider, "associations/V0001001", token, "x" * 301).status_code == 400
    refusals = audit_rows(provider, start, operation="exchange-read")
    assert len(refusals) == 4 and {r["outcome"] for r in refusals} == {"refused"}
    assert {r["client_id"] for r in refusals} == {government.client_id}


def test_with_a_reason_the_full_record_and_an_audited_read(provider, government,
                                                          register_rp) -> None:
    token = client_token(provider, government.client_id, government.secret,
                         "associations:exchange")
    start = last_audit_seq(provider)
    reason = "Subsidiedossier 2026/0815: controle vertegenwoordiging"
    response = exchange(provider, "associations/v0001001", token, reason)
    assert response.status_code == 200 and response.headers["ETag"]
    record = response.json()
    assert record["vCode"] == "V0001001"
    reps = record["vertegenwoordigers"]
    assert reps[0]["insz"] == JAN and reps[0]["isPrimair"] is True and reps[0]["email"]
    assert record["isUitgeschrevenUitPubliekeDatastroom"] is False
    logged = audit_rows(provider, start, operation="exchange-read")
    assert logged and all(r["reason"] == reason and r["outcome"] == "ok" for r in logged)
    jan = person_sub(provider, JAN)
    assert jan in {r["subject"] for r in logged}
    # and Jan sees it in his own access overview, with the reason
    jan_token = user_token(provider, register_rp, JAN, "VER:V0001001")
    overview = requests.get(f"{provider.url}/api/v1/me/access-log", headers=bearer(jan_token),
                            timeout=15)
    assert overview.status_code == 200
    seen = [t for t in overview.json()["toegangen"] if t["reden"] == reason]
    assert seen and seen[0]["wie"] == f"Test {government.client_id}"
    assert seen[0]["wat"] == "gegevens opgevraagd door een overheid"


def test_only_a_government_client_with_the_scope(provider, government, register_rp) -> None:
    person = user_token(provider, register_rp, JAN, "VER:V0001001")
    refused = exchange(provider, "associations/V0001001", person, "nieuwsgierig")
    assert refused.status_code == 403
    assert exchange(provider, "associations/V0001001", "lat_nope", "x").status_code == 401
    token = client_token(provider, government.client_id, government.secret,
                         "associations:exchange")
    assert exchange(provider, "associations/V9999999", token, "controle").status_code == 404


def test_the_change_feed_from_a_sequence_number(provider, government, register_rp) -> None:
    token = client_token(provider, government.client_id, government.secret,
                         "associations:exchange")
    head = exchange(provider, "changes", token, "synchronisatie", since="0", limit="2").json()
    assert [c["sequentie"] for c in head["changes"]] == [1, 2]
    assert head["changes"][0]["type"] == "VerenigingWerdGeregistreerd"
    assert head["links"]["next"].endswith("since=2&limit=2")
    following = requests.get(head["links"]["next"], timeout=15,
                             headers=bearer(token, **{REASON: "synchronisatie"})).json()
    assert following["since"] == 2 and following["changes"][0]["sequentie"] == 3

    # read to the end, make a change, and it is the one new event after that point
    since = 0
    while True:
        page = exchange(provider, "changes", token, "synchronisatie", since=str(since),
                        limit="500").json()
        seqs = [c["sequentie"] for c in page["changes"]]
        assert seqs == sorted(seqs) and all(s > since for s in seqs)
        since = page["last"]
        if "next" not in page["links"]:
            break
    primary = fresh_insz()
    made = make_association(provider, reps=[(primary, True)])
    rep_token = user_token(provider, register_rp, primary, f"VER:{made['vcode']}")
    patched = requests.patch(f"{provider.url}/api/v1/associations/{made['vcode']}",
                             json={"roepnaam": "Nieuw"}, timeout=15,
                             headers=bearer(rep_token, **{"If-Match": "*"}))
    assert patched.status_code == 200
    news = exchange(provider, "changes", token, "synchronisatie", since=str(since)).json()
    assert [c["type"] for c in news["changes"]] == [
        "VerenigingWerdGeregistreerd", "VertegenwoordigerWerdToegevoegd",
        "BasisgegevensWerdenGewijzigd"]
    change = news["changes"][-1]
    assert change["vCode"] == made["vcode"] and change["versie"] == 3
    assert change["door"] == {"actor": person_sub(provider, primary),
                              "hoedanigheid": f"VER:{made['vcode']}", "client": "register-rp"}
    only = exchange(provider, "changes", token, "synchronisatie", vCode=made["vcode"]).json()
    assert {c["vCode"] for c in only["changes"]} == {made["vcode"]}
    assert exchange(provider, "changes", token, "x", since="-1").status_code == 400


def test_the_avg_export_holds_everything_and_is_itself_logged(provider, register_rp) -> None:
    token = user_token(provider, register_rp, JAN, "VER:V0001001")
    start = last_audit_seq(provider)
    response = requests.get(f"{provider.url}/api/v1/me/personal-data", headers=bearer(token),
                            timeout=15)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.json()
    assert data["persoon"]["insz"] == JAN and data["persoon"]["voornaam"] == "Jan"
    # every association Jan represents: the demo's two, and any a test before this one
    # registered with him on this same provider
    held = {row[0] for row in provider.sql(
        "SELECT a.vcode FROM representatives r JOIN associations a ON a.id = r.association_id "
        "JOIN persons p ON p.id = r.person_id WHERE p.insz = :i", {"i": JAN})}
    assert {"V0001001", "V0001002"} <= held
    assert {r["vereniging"]["vCode"] for r in data["alsVertegenwoordiger"]} == held
    assert data["mandatenInOndernemingen"][0]["onderneming"]["kboNummer"] == "0412345614"
    assert data["aanmeldingen"] and data["toegangssleutels"]
    assert all("token_hash" not in t and "lat_" not in str(t) for t in data["toegangssleutels"])
    assert any(e["type"] == "VertegenwoordigerWerdToegevoegd"
               for e in data["wijzigingenInHetRegister"])
    # dossiers at any government in which Jan himself (his INSZ) is an agent
    mine = provider.sql("SELECT COUNT(*) FROM dossier_agents WHERE identifier = :i", {"i": JAN})
    assert len(data["dossiersOpJeNaam"]) == mine[0][0] > 0
    assert all(d["rechten"] and d["source"]["name"] for d in data["dossiersOpJeNaam"])
    exported = audit_rows(provider, start, operation="privacy-export")
    assert len(exported) == 1 and exported[0]["subject"] == person_sub(provider, JAN)
    log = requests.get(f"{provider.url}/api/v1/me/access-log", headers=bearer(token),
                       timeout=15).json()
    assert log["toegangen"][0]["wat"] == "al je gegevens gedownload"
    assert log["toegangen"][0]["wie"] == "jijzelf"
    # and that read of the overview is an entry about Jan the next read shows first
    again = requests.get(f"{provider.url}/api/v1/me/access-log", headers=bearer(token),
                         timeout=15).json()
    assert again["toegangen"][0]["wat"] == "je toegangsoverzicht bekeken"


def test_the_access_overview_is_only_the_persons_own(provider, register_rp) -> None:
    els = user_token(provider, register_rp, ELS, "VER:V0001003")
    entries = requests.get(f"{provider.url}/api/v1/me/access-log", headers=bearer(els),
                           timeout=15).json()["toegangen"]
    sub = person_sub(provider, ELS)
    rows = provider.sql("SELECT COUNT(*) FROM audit_log WHERE subject = :s", {"s": sub})
    assert 0 < len(entries) <= rows[0][0]
    others = {r[0] for r in provider.sql("SELECT seq FROM audit_log WHERE subject <> :s "
                                         "OR subject IS NULL", {"s": sub})}
    assert not others & {e["volgnummer"] for e in entries}
    paged = requests.get(f"{provider.url}/api/v1/me/access-log", headers=bearer(els),
                         params={"before": entries[-1]["volgnummer"]}, timeout=15)
    assert paged.status_code == 200
    assert all(e["volgnummer"] < entries[-1]["volgnummer"] for e in paged.json()["toegangen"])
    citizen_scope_only = requests.get(f"{provider.url}/api/v1/me/personal-data",
                                      headers=bearer("lat_nope"), timeout=15)
    assert citizen_scope_only.status_code == 401
