"""One catalog record, validated: the canonical form, and every problem named by its field."""

from __future__ import annotations

from typing import Any

import pytest

from loket.catalog.validation import InvalidProduct, parse_product
from support.catalog import HOSTILE, product

AREAS = {"BE2", "BE23", "BE24", "BE23999001", "BE24999002", "BE23444021"}


def fields(record: Any, **kw: Any) -> dict[str, str]:
    with pytest.raises(InvalidProduct) as exc:
        parse_product(record, AREAS, **kw)
    return {e.field: e.detail for e in exc.value.errors}


def test_a_valid_record_comes_back_canonical() -> None:
    data = parse_product({**product(), "id": "GB-BUURT"}, AREAS)
    assert data["id"] == "GB-BUURT"
    assert list(data)[:5] == ["id", "title", "description", "type", "doelgroepen"]
    assert data["spatialScope"] == ["BE23999001"]
    assert data["requirements"] == {"nl": "Minstens tien buren doen mee."}


def test_id_comes_from_the_url_and_must_agree() -> None:
    assert parse_product(product(), AREAS, product_id="X1")["id"] == "X1"
    assert "id" in fields({**product(), "id": "X2"}, product_id="X1")


@pytest.mark.parametrize("change, field, words", [
    ({"title": {"nl": "Alleen Nederlands"}}, "title.en", "required"),
    ({"title": {"nl": "x", "en": "y", "xx": "z"}}, "title.xx", "unknown language"),
    ({"title": {"nl": "", "en": "y"}}, "title.nl", "empty"),
    ({"title": {"nl": "x" * 201, "en": "y"}}, "title.nl", "at most 200"),
    ({"title": "Subsidie"}, "title", "object by language"),
    ({"description": None}, "description", "required"),
    ({"type": "Subsidie"}, "type", "unknown code 'Subsidie'"),
    ({"doelgroepen": []}, "doelgroepen", "at least one"),
    ({"themas": ["CultuurSportVrijeTijd", "Sport"]}, "themas[1]", "unknown code 'Sport'"),
    ({"competentAuthority": {"level": "Gemeentelijk", "name": "x"}}, "competentAuthority.level",
     "unknown code"),
    ({"competentAuthority": {"level": "Lokaal"}}, "competentAuthority.name", "string"),
    ({"executingAuthority": {"level": "Derden", "boss": "x"}}, "executingAuthority.boss",
     "unknown field"),
    ({"spatialScope": ["BE23999001", "Groenbeek"]}, "spatialScope[1]", "unknown werkingsgebied"),
    ({"startDate": "2025-02-30"}, "startDate", "not a date in the calendar"),
    ({"startDate": "1/2/2025"}, "startDate", "YYYY-MM-DD"),
    ({"startDate": "2025-06-01", "endDate": "2025-01-01"}, "endDate", "before startDate"),
    ({"onlineRequestUrl": "javascript:alert(1)"}, "onlineRequestUrl", "http(s)"),
    ({"onlineRequestUrl": "/relative"}, "onlineRequestUrl", "http(s)"),
    ({"onlineRequestUrl": "https://user:pw@x.example/"}, "onlineRequestUrl", "credentials"),
    ({"websites": [{"url": "ftp://x.example"}]}, "websites[0].url", "http(s)"),
    ({"contactPoints": [{"email": "not-an-address"}]}, "contactPoints[0].email", "e-mail"),
    ({"contactPoints": [{"phone": "call me"}]}, "contactPoints[0].phone", "phone"),
    ({"contactPoints": [{"openingHours": {"nl": "altijd"}}]}, "contactPoints[0]",
     "at least an email"),
    ({"keywords": {"nl": "sport"}}, "keywords.nl", "list"),
    ({"requirements": {"nl": "a\x00b"}}, "requirements.nl", "control characters"),
    ({"price": 12}, "price", "unknown field"),
    ({"publisher": "catalog-groenbeek"}, "publisher", "unknown field"),
])
def test_each_problem_names_its_field(change: dict[str, Any], field: str, words: str) -> None:
    found = fields(product(**change))
    assert field in found, found
    assert words in found[field]


def test_all_problems_are_reported_at_once() -> None:
    found = fields(product(type="X", themas=["Y"], startDate="gisteren"))
    assert {"type", "themas[0]", "startDate"} <= set(found)


def test_publisher_is_accepted_where_allowed() -> None:
    data = parse_product({**product(), "id": "A", "publisher": "catalog-groenbeek"}, AREAS,
                         allow_publisher=True)
    assert data["publisher"] == "catalog-groenbeek"


def test_not_an_object() -> None:
    assert "" in fields(["a", "list"])


def test_hostile_text_is_kept_as_data() -> None:
    data = parse_product(product(title={"nl": HOSTILE, "en": HOSTILE}), AREAS, product_id="H")
    assert data["title"] == {"nl": HOSTILE, "en": HOSTILE}
