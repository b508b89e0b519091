"""Publishing and finding products against a live `loket serve` (SQLite and PostgreSQL): a real
sign-in with a targeted login_hint, real tokens, the CLI importer, real HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from support.agent import Agent
from support.catalog import HOSTILE, bearer, ids, product
from support.oidc import AN, JAN, full_flow, hint
from support.servers import Provider

SCOPE = "openid capacity catalog"


def products(provider: Provider, token: str | None = None, **params: Any) -> dict[str, Any]:
    response = requests.get(f"{provider.url}/api/v1/catalog/products",
                            params={"limit": 100, **params},
                            headers=bearer(token) if token else {}, timeout=15)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()  # type: ignore[no-any-return]


def sign_in(provider: Provider, rp: Any, agent: Agent, insz: str, **extra: Any) -> str:
    flow = full_flow(provider, rp, agent, insz, scope=SCOPE, **extra)
    return str(flow["tokens"]["access_token"])


def test_fc_groenbeek_sees_its_products_first_and_rivierstede_only_when_asking_for_all(
        provider: Provider, catalog_rp: Any, agent: Agent) -> None:
    token = sign_in(provider, catalog_rp, agent, JAN, login_hint=hint("VER", "V0001001"))
    mine = products(provider, token)
    assert mine["capacity"]["identifier"] == "V0001001" and mine["scope"] == "mine"
    order = ids(mine)
    assert "GB-SUB-SPORT" in order and "VL-EVENEMENT-GEWESTWEG" in order
    assert not any(i.startswith("RS-") for i in order)
    sport = mine["items"][order.index("GB-SUB-SPORT")]["relevance"]
    assert "voor verenigingen in groenbeek" in sport["text"].lower()
    assert any(r["code"] == "activity" and r["text"] == "sport" for r in sport["reasons"])
    permit = mine["items"][order.index("VL-EVENEMENT-GEWESTWEG")]["relevance"]
    assert "voor verenigingen in vlaanderen" in permit["text"].lower()

    everything = ids(products(provider, token, scope="all"))
    local_rs = [i for i in everything if i.startswith("RS-SUB-")]
    assert local_rs, everything
    first_rs = min(everything.index(i) for i in local_rs)
    assert everything.index("GB-SUB-SPORT") < first_rs
    assert everything.index("VL-EVENEMENT-GEWESTWEG") < first_rs


def test_a_citizen_sees_citizen_products(provider: Provider, catalog_rp: Any,
                                         agent: Agent) -> None:
    token = sign_in(provider, catalog_rp, agent, AN)
    body = products(provider, token)
    assert body["capacity"]["code"] == "BUR"
    citizen = [i for i in body["items"] if "Burger" in i["doelgroepen"]]
    assert {"GB-IDKAART", "RS-REGENWATER", "VL-STUDIETOELAGE"} <= set(ids({"items": citizen}))
    open_items = [i for i in body["items"] if i["open"]]
    leading = open_items[:len(citizen)]
    assert all("Burger" in i["doelgroepen"] for i in leading)
    assert leading[0]["relevance"]["text"].startswith("Voor burgers")


def test_anonymous_search_with_filters_and_facets(provider: Provider) -> None:
    body = products(provider, q="subsid", doelgroep="Vereniging", municipality="BE24999002")
    found = ids(body)
    assert "RS-SUB-NATUUR" in found and "VVT-SPORTINFRA" in found
    assert not any(i.startswith(("GB-", "OVL-")) for i in found)
    assert body["personalised"] is False and all("relevance" not in i for i in body["items"])
    assert body["total"] == len(found) == sum(f["count"] for f in body["facets"]["type"])
    for entry in body["facets"]["thema"]:
        narrowed = products(provider, q="subsid", doelgroep="Vereniging",
                            municipality="BE24999002", thema=entry["code"], facets="false")
        assert narrowed["total"] == entry["count"]


def test_an_import_with_one_broken_record_imports_nothing(provider: Provider,
                                                          tmp_path: Path) -> None:
    good = [{**product(), "id": f"IMP-{n}", "publisher": "catalog-groenbeek"} for n in (1, 2, 3)]
    broken = [good[0], {**good[1], "themas": ["Sport"]}, good[2]]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"format": "loket-catalog", "version": 1, "products": broken}))
    result = provider.cli("catalog", "import", str(path), check=False)
    assert result.returncode == 1
    assert "record 1 (id IMP-2): themas[0]: unknown code 'Sport'" in result.stderr
    assert "nothing was imported" in result.stderr and "Traceback" not in result.stderr
    assert products(provider, q="buurtfeest")["total"] == 0
    path.write_text(json.dumps({"format": "loket-catalog", "version": 1, "products": good}))
    result = provider.cli("catalog", "import", str(path))
    assert "3 created" in result.stdout
    assert {"IMP-1", "IMP-2", "IMP-3"} <= set(ids(products(provider, q="buurtfeest")))


def test_another_municipality_cannot_overwrite_a_product(
        provider: Provider, publisher_tokens: Callable[[str], str]) -> None:
    url = f"{provider.url}/api/v1/catalog/products/GB-SUB-SPORT"
    before = requests.get(url, timeout=15).json()
    hijack = {**product(), "title": {"nl": "Van Rivierstede", "en": "From Rivierstede"}}
    response = requests.put(url, json=hijack, headers=bearer(publisher_tokens("catalog-rivierstede")),
                            timeout=15)
    assert response.status_code == 403 and response.json()["error"] == "not_owner"
    assert requests.get(url, timeout=15).json() == before
    own = requests.put(url, json={k: v for k, v in before.items()
                                  if k not in ("publisher", "version", "updatedAt", "open")},
                       headers=bearer(publisher_tokens("catalog-groenbeek")), timeout=15)
    assert own.status_code == 200 and own.json()["result"] == "unchanged"


def test_wrong_scope_and_expired_tokens_are_refused(
        provider: Provider, catalog_rp: Any, agent: Agent,
        publisher_tokens: Callable[[str], str]) -> None:
    from loket.sso.provider import digest

    narrow = full_flow(provider, catalog_rp, agent, AN, scope="openid capacity")
    response = requests.get(f"{provider.url}/api/v1/catalog/products",
                            headers=bearer(narrow["tokens"]["access_token"]), timeout=15)
    assert response.status_code == 403 and response.json()["error"] == "insufficient_scope"
    user = sign_in(provider, catalog_rp, agent, AN)
    writer = publisher_tokens("catalog-groenbeek")
    for token in (user, writer):
        provider.sql("UPDATE access_tokens SET expires_at = 1 WHERE token_hash = :h",
                     {"h": digest(token)})
    expired = requests.get(f"{provider.url}/api/v1/catalog/products", headers=bearer(user),
                           timeout=15)
    assert expired.status_code == 401 and expired.json()["error"] == "invalid_token"
    put = requests.put(f"{provider.url}/api/v1/catalog/products/GB-NEW", json=product(),
                       headers=bearer(writer), timeout=15)
    assert put.status_code == 401
    assert requests.get(f"{provider.url}/api/v1/catalog/products/GB-NEW",
                        timeout=15).status_code == 404


def test_hostile_titles_stay_data(provider: Provider,
                                  publisher_tokens: Callable[[str], str]) -> None:
    url = f"{provider.url}/api/v1/catalog/products/GB-HOSTILE"
    body = product(title={"nl": HOSTILE, "en": HOSTILE}, description={"nl": HOSTILE, "en": "x"})
    assert requests.put(url, json=body, headers=bearer(publisher_tokens("catalog-groenbeek")),
                        timeout=15).status_code == 201
    shown = requests.get(url, timeout=15)
    assert shown.headers["Content-Type"].startswith("application/json")
    assert shown.json()["title"] == {"nl": HOSTILE, "en": HOSTILE}
    assert ids(products(provider, q="onerror alert")) == ["GB-HOSTILE"]
