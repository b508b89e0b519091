"""Validation of pushed dossiers (pure, no Flask): every field checked, the field named, hostile
text kept verbatim as data."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loket.dossiers.validation import (
    MAX_BULK,
    InvalidField,
    parse_bulk,
    parse_dossier,
)

NOW = int(time.time())
HOSTILE = (
    "<img src=x onerror=alert(1)>",
    "\"><script>alert('x')</script>",
    "'; DROP TABLE dossiers; --",
    "{{7*7}} ${jndi:ldap://x/a} %s %n",
    "  leading and trailing spaces  ",
    "\u202eRTL override \U0001f600 émoji",
)


def valid(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Subsidie jeugdwerking 2025",
        "type": "Subsidie",
        "lastChange": "2025-03-01T14:30:00+01:00",
        "status": {"code": "DossierOnvolledig", "phase": "Samenstelling",
                   "detail": "De ledenlijst ontbreekt.\nBezorg ze ten laatste vrijdag.",
                   "action": {"required": True, "text": "Bezorg de ledenlijst."}},
        "link": "https://loket.groenbeek.example/dossiers/GB-1",
        "productNumbers": ["GB-SUB-JEUGD", "1502"],
        "handler": {"name": "Sofie", "department": "Vrije Tijd", "phone": "+32 9 999 12 34",
                    "email": "vrijetijd@groenbeek.example",
                    "website": "http://www.groenbeek.example/"},
        "agents": [{"identifier": "V0001001", "rights": "beheren"},
                   {"identifier": "85073003328", "rights": "raadplegen"}],
    }
    body.update(changes)
    return body


def parse(body: Any, number: str = "GB-1") -> Any:
    return parse_dossier(body, number_value=number, now=NOW)


def field_of(body: Any) -> str | None:
    with pytest.raises(InvalidField) as caught:
        parse(body)
    return caught.value.field


def test_a_full_dossier_parses_with_canonical_identifiers() -> None:
    body = valid(agents=[{"identifier": "v0001001", "rights": "beheren"},
                         {"identifier": "85.07.30-033.28", "type": "INSZ", "rights": "raadplegen"},
                         {"identifier": "BE 0412.345.614", "rights": "raadplegen"}])
    record = parse(body)
    assert [(a.kind, a.identifier) for a in record.agents] == [
        ("vCode", "V0001001"), ("INSZ", "85073003328"), ("KBO", "0412345614")]
    assert record.last_change == 1740835800
    assert record.action_required is True and record.is_open
    assert record.handler and record.handler["phone"] == "+32 9 999 12 34"


def test_only_the_required_fields() -> None:
    record = parse({"name": "x", "lastChange": "2025-01-01T00:00:00Z",
                    "status": {"code": "Ingediend", "phase": "Behandeling"},
                    "agents": [{"identifier": "V0001001", "rights": "raadplegen"}]})
    assert (record.type, record.link, record.handler, record.product_numbers) == (None, None,
                                                                                 None, ())
    assert record.action_required is False and record.action_text is None


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_kept_verbatim(hostile: str) -> None:
    record = parse(valid(name=hostile, type=hostile[:100],
                         status={"code": "InBehandeling", "phase": "Behandeling",
                                 "detail": hostile, "action": {"required": True,
                                                               "text": hostile}},
                         handler={"name": hostile, "department": hostile}))
    assert record.name == hostile
    assert record.status_detail == hostile and record.action_text == hostile
    assert record.handler == {"name": hostile, "department": hostile}


@pytest.mark.parametrize(("change", "field"), [
    (lambda b: b.pop("name"), "name"),
    (lambda b: b.update(name=""), "name"),
    (lambda b: b.update(name="   "), "name"),
    (lambda b: b.update(name=42), "name"),
    (lambda b: b.update(name="x" * 301), "name"),
    (lambda b: b.update(name="line\nbreak"), "name"),
    (lambda b: b.update(name="nul\x00byte"), "name"),
    (lambda b: b.update(name="lone \ud800 surrogate"), "name"),
    (lambda b: b.update(type=""), "type"),
    (lambda b: b.update(type="t" * 101), "type"),
    (lambda b: b.update(colour="red"), "colour"),
    (lambda b: b.pop("lastChange"), "lastChange"),
    (lambda b: b.update(lastChange="2025-03-01"), "lastChange"),
    (lambda b: b.update(lastChange="2025-03-01T10:00:00"), "lastChange"),
    (lambda b: b.update(lastChange="2025-13-01T10:00:00Z"), "lastChange"),
    (lambda b: b.update(lastChange="1969-12-31T23:59:59Z"), "lastChange"),
    (lambda b: b.update(lastChange="2999-01-01T00:00:00Z"), "lastChange"),
    (lambda b: b.update(lastChange=1740835800), "lastChange"),
    (lambda b: b.pop("status"), "status"),
    (lambda b: b.update(status="Ingediend"), "status"),
    (lambda b: b["status"].update(code="Onbekend"), "status.code"),
    (lambda b: b["status"].update(code="ingediend"), "status.code"),
    (lambda b: b["status"].update(phase="Klaar"), "status.phase"),
    (lambda b: b["status"].pop("phase"), "status.phase"),
    (lambda b: b["status"].update(detail="d" * 2001), "status.detail"),
    (lambda b: b["status"].update(extra=1), "status.extra"),
    (lambda b: b["status"].update(action={"required": "yes", "text": "x"}),
     "status.action.required"),
    (lambda b: b["status"].update(action={"required": True}), "status.action.text"),
    (lambda b: b["status"].update(action=[]), "status.action"),
    (lambda b: b["status"].update(phase="Afgerond"), "status.action.required"),
    (lambda b: b.update(link="javascript:alert(1)"), "link"),
    (lambda b: b.update(link="data:text/html,<script>alert(1)</script>"), "link"),
    (lambda b: b.update(link="ftp://files.example/x"), "link"),
    (lambda b: b.update(link="/relative/path"), "link"),
    (lambda b: b.update(link="https://user:pw@evil.example/"), "link"),
    (lambda b: b.update(link="https://exa mple.org/"), "link"),
    (lambda b: b.update(link="https:\\\\evil.example"), "link"),
    (lambda b: b.update(link="https://"), "link"),
    (lambda b: b.update(link="https://[::1/"), "link"),
    (lambda b: b.update(link="https://x.example/" + "a" * 2000), "link"),
    (lambda b: b.update(productNumbers="1502"), "productNumbers"),
    (lambda b: b.update(productNumbers=["ok", "not ok"]), "productNumbers[1]"),
    (lambda b: b.update(productNumbers=["a", "a"]), "productNumbers[1]"),
    (lambda b: b.update(productNumbers=[str(i) for i in range(51)]), "productNumbers"),
    (lambda b: b.update(handler="Sofie"), "handler"),
    (lambda b: b["handler"].update(phone="call me"), "handler.phone"),
    (lambda b: b["handler"].update(email="not-an-address"), "handler.email"),
    (lambda b: b["handler"].update(website="javascript:alert(1)"), "handler.website"),
    (lambda b: b["handler"].update(fax="09"), "handler.fax"),
    (lambda b: b.pop("agents"), "agents"),
    (lambda b: b.update(agents=[]), "agents"),
    (lambda b: b.update(agents={"identifier": "V0001001"}), "agents"),
    (lambda b: b.update(agents=[{"identifier": "V0001001", "rights": "beheren"}] * 51), "agents"),
    (lambda b: b["agents"].append("V0001002"), "agents[2]"),
    (lambda b: b["agents"][1].update(identifier="85073003329"), "agents[1].identifier"),
    (lambda b: b["agents"][1].update(identifier="0412345615"), "agents[1].identifier"),
    (lambda b: b["agents"][1].update(identifier="V0000999"), "agents[1].identifier"),
    (lambda b: b["agents"][1].update(identifier="V12"), "agents[1].identifier"),
    (lambda b: b["agents"][1].update(identifier="123"), "agents[1].identifier"),
    (lambda b: b["agents"][1].update(identifier=85073003328), "agents[1].identifier"),
    (lambda b: b["agents"][1].update(identifier="v0001001"), "agents[1].identifier"),
    (lambda b: b["agents"][1].update(type="KBO"), "agents[1].type"),
    (lambda b: b["agents"][1].update(rights="alles"), "agents[1].rights"),
    (lambda b: b["agents"][1].pop("rights"), "agents[1].rights"),
    (lambda b: b["agents"][0].update(role="x"), "agents[0].role"),
    (lambda b: b.update(number="GB-2"), "number"),
])
def test_each_problem_names_its_field(change: Any, field: str) -> None:
    body = valid()
    change(body)
    assert field_of(body) == field


def test_a_body_that_is_no_object_names_no_field() -> None:
    for body in ([], "x", None, 3):
        assert field_of(body) is None


def test_the_number_in_the_body_may_repeat_the_url() -> None:
    assert parse(valid(number="GB-1")).number == "GB-1"


def test_http_and_https_links_are_both_fine() -> None:
    assert parse(valid(link="http://127.0.0.1:8080/d?id=1#top")).link == \
        "http://127.0.0.1:8080/d?id=1#top"


def test_a_repeated_push_has_the_same_hash_whatever_the_agent_order() -> None:
    first = parse(valid())
    again = parse(copy.deepcopy(valid()))
    body = valid()
    body["agents"].reverse()
    assert first.content_hash() == again.content_hash() == parse(body).content_hash()
    other = valid()
    other["status"]["code"] = "InBehandeling"
    assert parse(other).content_hash() != first.content_hash()


def record(number: str, **changes: Any) -> dict[str, Any]:
    return {**valid(**changes), "number": number}


def test_bulk_names_the_record_and_the_field() -> None:
    records = [record("A-1"), record("A-2"), record("A-3")]
    records[2]["agents"][0]["identifier"] = "V0001"
    with pytest.raises(InvalidField) as caught:
        parse_bulk({"dossiers": records}, now=NOW)
    assert caught.value.field == "dossiers[2].agents[0].identifier"
    assert caught.value.index == 2


@pytest.mark.parametrize(("body", "field", "index"), [
    ({}, "dossiers", None),
    ({"dossiers": []}, "dossiers", None),
    ({"dossiers": "x"}, "dossiers", None),
    ({"dossiers": [], "more": 1}, "more", None),
    ({"dossiers": [record("A-1"), record("A-1")]}, "dossiers[1].number", 1),
    ({"dossiers": [record("A-1"), valid()]}, "dossiers[1].number", 1),
    ({"dossiers": [record("A 1")]}, "dossiers[0].number", 0),
    ({"dossiers": [record("A-1"), 7]}, "dossiers[1]", 1),
    ({"dossiers": [record(f"A-{i}") for i in range(MAX_BULK + 1)]}, "dossiers", None),
])
def test_bulk_problems(body: Any, field: str, index: int | None) -> None:
    with pytest.raises(InvalidField) as caught:
        parse_bulk(body, now=NOW)
    assert (caught.value.field, caught.value.index) == (field, index)


def test_bulk_accepts_many() -> None:
    parsed = parse_bulk({"dossiers": [record(f"A-{i}") for i in range(MAX_BULK)]}, now=NOW)
    assert [p.number for p in parsed[:2]] == ["A-0", "A-1"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=320))
def test_any_name_is_kept_verbatim_or_refused_naming_the_name(name: str) -> None:
    try:
        record_ = parse(valid(name=name))
    except InvalidField as problem:
        assert problem.field == "name"
    else:
        assert record_.name == name


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.integers(), st.none(), st.lists(st.text(max_size=5))))
def test_any_agent_identifier_is_accepted_only_when_it_checks(value: Any) -> None:
    body = valid(agents=[{"identifier": value, "rights": "beheren"}])
    try:
        parsed = parse(body)
    except InvalidField as problem:
        assert problem.field == "agents[0].identifier"
    else:
        assert parsed.agents[0].kind in ("INSZ", "KBO", "vCode")
