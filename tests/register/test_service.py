"""The register's change service, on its own and through both of its doors (the self-service
pages and the JSON API), in-process: the version checked under the lock, the change, its event
and its audit entry committed together or not at all, and each refusal logged once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket import audit, db
from loket.models import Association, AssociationEvent, AuditEntry, Person
from loket.register import changes, service
from loket.register.validation import InvalidRecord
from support.oidc import AN, JAN

API = "/api/v1/associations"
PAGES = "/mijn-verenigingsloket"
FCG = "V0001001"  # Jan is its primary representative


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context(), db.database(app).sessions() as opened:
        yield opened


def person(session: Session, insz: str) -> Person:
    found = session.scalar(select(Person).where(Person.insz == insz))
    assert found is not None
    return found


def stored(app: Flask, vcode: str = FCG) -> tuple[int, int, int]:
    """The association's version, its number of events, and the audit log's last entry, as
    committed (read beside any writer)."""
    with db.database(app).read_sessions() as fresh:
        version = fresh.scalar(select(Association.version).where(Association.vcode == vcode))
        events = fresh.scalar(select(func.count()).select_from(AssociationEvent)
                              .where(AssociationEvent.vcode == vcode))
        last = fresh.scalar(select(func.coalesce(func.max(AuditEntry.seq), 0)))
    return int(version or 0), int(events or 0), int(last or 0)


def entries(app: Flask, after: int, **where: Any) -> list[AuditEntry]:
    with db.database(app).read_sessions() as fresh:
        found = list(fresh.scalars(select(AuditEntry).where(AuditEntry.seq > after)
                                   .order_by(AuditEntry.seq)))
    return [e for e in found if all(getattr(e, k) == v for k, v in where.items())]


def roepnaam(acting: service.Acting, value: str) -> Callable[[], object]:
    return lambda: changes.update_basics(acting.session, acting.assoc, {"roepnaam": value},
                                         acting.actor, activities=set(), areas=set())


# ---- the service itself ----------------------------------------------------------------------

def test_a_change_is_checked_applied_audited_and_committed_together(app, session) -> None:
    version, events, last = stored(app)
    acting = service.acting_for(session, person(session, JAN), FCG, lock=True, via="test")
    old = acting.assoc.roepnaam
    done = service.change(acting, {version}, roepnaam(acting, "De Groene"),
                          "BasisgegevensWerdenGewijzigd")
    assert (done.expected, done.before, done.after) == ({version}, version, version + 1)
    assert [(e.version, e.type, e.data) for e in done.recorded()] == [
        (version + 1, "BasisgegevensWerdenGewijzigd",
         {"gewijzigd": {"roepnaam": {"oud": old, "nieuw": "De Groene"}}})]
    assert stored(app)[:2] == (version + 1, events + 1)  # committed
    [entry] = entries(app, last)
    assert (entry.operation, entry.resource, entry.outcome, entry.actor, entry.capacity) == (
        "association-change", f"association/{FCG}", "ok", acting.person.sub, f"VER:{FCG}")
    assert entry.detail == {"event": "BasisgegevensWerdenGewijzigd", "version": version + 1,
                            "via": "test"}


def test_a_stale_version_is_refused_before_the_change_runs(app, session) -> None:
    version, events, last = stored(app)
    acting = service.acting_for(session, person(session, JAN), FCG, lock=True)
    ran: list[bool] = []
    with pytest.raises(changes.StaleVersion) as stale:
        service.change(acting, {version - 1}, lambda: ran.append(True), "X")
    assert not ran
    assert (stale.value.current, stale.value.expected) == (version, {version - 1})
    # what the others changed since the version this person saw
    assert [e.version for e in service.since(acting, version - 1)] == [version]
    with pytest.raises(changes.StaleVersion):
        service.change(acting, set(), lambda: ran.append(True), "X")  # no version: none fits
    assert not ran and stored(app) == (version, events, last)


def test_a_change_needs_the_association_locked(app, session) -> None:
    acting = service.acting_for(session, person(session, JAN), FCG)
    old = acting.assoc.roepnaam
    with pytest.raises(RuntimeError, match="locked"):
        service.change(acting, None, roepnaam(acting, "Ongesloten"), "X")
    assert acting.assoc.roepnaam == old


def test_a_change_whose_audit_write_fails_leaves_no_event(app, session, monkeypatch) -> None:
    before = stored(app)

    def broken(_session: Session) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(audit, "_flush_pending", broken)
    acting = service.acting_for(session, person(session, JAN), FCG, lock=True)
    with pytest.raises(RuntimeError, match="audit log"):
        service.change(acting, None, roepnaam(acting, "Zonder spoor"), "X")
    monkeypatch.undo()
    assert stored(app) == before
    assert not session.in_transaction()  # rolled back: the lock is gone with it


def test_a_change_that_fails_halfway_commits_nothing(app, session) -> None:
    before = stored(app)
    acting = service.acting_for(session, person(session, JAN), FCG, lock=True)

    def half() -> None:
        changes.record_event(session, acting.assoc, "BasisgegevensWerdenGewijzigd", {},
                             acting.actor)
        raise InvalidRecord.one("roepnaam", "halfweg mislukt")

    with pytest.raises(InvalidRecord):
        service.change(acting, None, half, "X")
    session.rollback()  # what a door's request does when it ends without a commit
    assert stored(app) == before


def test_acting_for_someone_without_the_capacity_is_refused_and_logged(app, session) -> None:
    last = stored(app)[2]
    with pytest.raises(Exception) as refused:
        service.acting_for(session, person(session, AN), FCG, lock=True)
    assert getattr(refused.value, "code", None) == "not_representative"
    service.refused(session, "association-read", f"association/{FCG}", None,
                    refused.value)  # passed on by another layer: still one entry
    [entry] = entries(app, last)
    assert (entry.operation, entry.resource, entry.outcome, entry.capacity) == (
        "association-read", f"association/{FCG}", "refused", f"VER:{FCG}")
    assert entry.detail == {"error": "not_representative"}


# ---- the API's door --------------------------------------------------------------------------

@pytest.fixture
def token(person_token) -> Callable[[str, str], str]:
    def issue(insz: str, vcode: str) -> str:
        return str(person_token(insz, {"code": "VER", "identifier": vcode, "name": vcode},
                                scope="openid capacity associations"))

    return issue


def api_call(client: FlaskClient, method: str, path: str, token: str, if_match: str | None,
             body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if if_match is not None:
        headers["If-Match"] = if_match
    return client.open(f"{API}/{path}", method=method, json=body, headers=headers)


def test_the_api_answers_a_stale_if_match_with_412_logged_once(app, client, token) -> None:
    jan = token(JAN, FCG)
    etag = client.get(f"{API}/{FCG}").headers["ETag"]
    done = api_call(client, "PATCH", FCG, jan, etag, {"roepnaam": "Eerst"})
    assert done.status_code == 200
    version, events, last = stored(app)
    stale = api_call(client, "PATCH", FCG, jan, etag, {"roepnaam": "Te laat"})
    assert stale.status_code == 412 and stale.json["error"] == "precondition_failed"
    assert stale.headers["ETag"] == done.headers["ETag"] == f'W/"{version}"'
    assert stored(app)[:2] == (version, events)
    [entry] = entries(app, last)
    assert (entry.operation, entry.resource, entry.outcome, entry.client_id) == (
        "association-change", f"association/{FCG}", "refused", "groenbeek")
    assert entry.detail == {"error": "precondition_failed"}


def test_an_api_change_is_audited_with_its_event_and_no_via(app, client, token) -> None:
    version, events, last = stored(app)
    done = api_call(client, "POST", f"{FCG}/contactgegevens", token(JAN, FCG), "*",
                    {"type": "Website", "waarde": "https://fcg.example"})
    assert done.status_code == 201 and done.headers["ETag"] == f'W/"{version + 1}"'
    assert stored(app)[:2] == (version + 1, events + 1)
    [entry] = entries(app, last, operation="association-change")
    assert entry.detail == {"event": "ContactgegevenWerdToegevoegd", "version": version + 1}


@pytest.mark.parametrize("who, acts_for, path, body, status, error", [
    (JAN, "V0001002", FCG, {"roepnaam": "x"}, 403, "wrong_capacity"),
    (AN, FCG, FCG, {"roepnaam": "x"}, 403, "not_representative"),
    (JAN, "V0001002", "V0001002/vertegenwoordigers",
     {"insz": "90010100159", "voornaam": "X", "achternaam": "Y"}, 403, "not_primary"),
    (JAN, FCG, f"{FCG}/vertegenwoordigers/999999", {"rol": "x"}, 404, None),
])
def test_each_refusal_of_the_api_is_logged_once(app, client, token, who: str, acts_for: str,
                                                path: str, body: Any, status: int,
                                                error: str | None) -> None:
    vcode = path.split("/")[0]
    version, events, last = stored(app, vcode)
    method = "POST" if path.endswith("vertegenwoordigers") else "PATCH"
    answer = api_call(client, method, path, token(who, acts_for), "*", body)
    assert answer.status_code == status
    if error:
        assert answer.json["error"] == error
    if error != "wrong_capacity":  # refused once the record was read: its version is told
        assert answer.headers["ETag"] == f'W/"{version}"'
    assert stored(app, vcode)[:2] == (version, events)
    refused = entries(app, last, outcome="refused")
    assert [e.detail["error"] for e in refused] == ([error] if error else [])


# ---- the pages' door -------------------------------------------------------------------------

def sign_in(client: FlaskClient, insz: str) -> None:
    form = client.get("/aanmelden").text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert csrf
    answer = client.post("/aanmelden", data={"csrf_token": csrf.group(1), "insz": insz,
                                              "request_id": ""})
    assert answer.status_code == 303


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or \
        re.search(rf'value="([^"]*)"[^>]*name="{name}"', page)
    assert found, name
    return found.group(1)


def basics(page: str, version: str, roepnaam_: str) -> dict[str, str]:
    return {"csrf_token": hidden(page, "csrf_token"), "version": version, "naam": "FC Groenbeek",
            "roepnaam": roepnaam_, "minimumleeftijd": "0", "maximumleeftijd": "150"}


def test_a_page_change_goes_through_the_service_via_self_service(app, client) -> None:
    sign_in(client, JAN)
    url = f"{PAGES}/{FCG}/basisgegevens"
    form = client.get(url).text
    version, events, last = stored(app)
    saved = client.post(url, data=basics(form, hidden(form, "version"), "Via de pagina"))
    assert saved.status_code == 303
    assert stored(app)[:2] == (version + 1, events + 1)
    [entry] = entries(app, last, operation="association-change")
    assert entry.detail == {"event": "BasisgegevensWerdenGewijzigd", "version": version + 1,
                            "via": "self-service"}


def test_a_stale_form_is_shown_again_not_refused(app, client, token) -> None:
    sign_in(client, JAN)
    url = f"{PAGES}/{FCG}/basisgegevens"
    form = client.get(url).text
    seen = hidden(form, "version")
    assert api_call(client, "PATCH", FCG, token(JAN, FCG), "*",
                    {"roepnaam": "Van iemand anders"}).status_code == 200
    version, events, last = stored(app)
    again = client.post(url, data=basics(form, seen, "Wat ik typte"))
    assert again.status_code == 200
    assert "Iemand anders heeft deze gegevens intussen gewijzigd" in again.text
    assert 'value="Wat ik typte"' in again.text and hidden(again.text, "version") == str(version)
    assert stored(app)[:2] == (version, events)
    assert entries(app, last, outcome="refused") == []


def test_a_page_visitor_without_the_capacity_is_refused_and_logged_once(app, client) -> None:
    sign_in(client, AN)
    last = stored(app)[2]
    answer = client.get(f"{PAGES}/{FCG}/basisgegevens")
    assert answer.status_code == 403 and "Je kunt niet optreden namens V0001001" in answer.text
    [entry] = entries(app, last, outcome="refused")
    assert (entry.operation, entry.resource, entry.capacity) == (
        "association-read", f"association/{FCG}", f"VER:{FCG}")
    assert entry.detail == {"error": "not_representative"}
