"""The demo catalog and its publishing clients, loaded by ``loket seed-demo`` (idempotent: a
second run on the same day changes nothing; demo dates follow the current year)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from loket import clients, demo_municipalities
from loket.catalog import relevance, store, validation
from loket.catalog.areas import AreaTree
from loket.catalog.demo_data import PRODUCTS, PUBLISHERS
from loket.trust import origin_of

CLIENTS_FILE = "demo-catalog-clients.json"
_RELATIVE = re.compile(r"^Y([+-]\d+)?-(\d{2}-\d{2})$")


def register_publishers(session: Session, instance: Path, *,
                        allow_http_anywhere: bool) -> dict[str, Any]:
    """The demo publishers as client-credentials clients (scope ``catalog:write``); their
    secrets are kept in ``instance/demo-catalog-clients.json`` (mode 0600)."""
    path = instance / CLIENTS_FILE
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    result: dict[str, Any] = {}
    links: dict[str, set[str]] = {}
    for owner, record in records(2000):  # the origins each publisher's products link to
        urls = [w.get("url") for w in record.get("websites", [])] + [
            c.get("url") for c in record.get("contactPoints", [])] + [
            record.get("onlineRequestUrl")]
        links.setdefault(owner, set()).update(origin_of(u) for u in urls if u)
    for client_id, name, authority, *_ in PUBLISHERS:
        existing = clients.get(session, client_id)
        keep = stored.get(client_id, {}).get("client_secret") if existing is not None else None
        reg = clients.Registration(id=client_id, name=name, grant_types=["client_credentials"],
                                   scopes=["catalog:write", "associations:recognitions",
                                           "messages:publish"],
                                   organisation=authority,
                                   origins=sorted(links.get(client_id, ())))
        client, secret = clients.add(session, reg, allow_http_anywhere=allow_http_anywhere,
                                     secret=keep, replace=True)
        if existing is not None and keep is None:
            # The secret was lost with the instance folder: issue a fresh one.
            secret = clients.new_secret()
            client.secret_hash = clients.hash_secret(secret)
        result[client_id] = {"client_id": client_id, "client_secret": secret or keep, "name": name}
    instance.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(result, handle, indent=2)
    return result


def resolve_date(value: str | None, year: int) -> str | None:
    """``"Y+1-01-01"`` → January 1st of next year; other values are returned as they are."""
    if value is None:
        return None
    found = _RELATIVE.match(value)
    if not found:
        return value
    return f"{year + int(found.group(1) or 0):04d}-{found.group(2)}"


def records(year: int) -> list[tuple[str, dict[str, Any]]]:
    """(publisher, record) for every demo product, dates filled in for ``year``."""
    out = []
    for publisher, _, authority, level, scope in PUBLISHERS:
        for product in PRODUCTS[publisher]:
            record = {**product, "competentAuthority": {"level": level, "name": authority},
                      "executingAuthority": {"level": level, "name": authority},
                      "spatialScope": [scope]}
            for key in ("startDate", "endDate"):
                if key in record:
                    record[key] = resolve_date(record[key], year)
            if record.get("onlineRequestUrl"):
                record["onlineRequestUrl"] = on_demo_site(record["onlineRequestUrl"])
            out.append((publisher, record))
    return out


def on_demo_site(url: str) -> str:
    """A product's request link on the e-loket of a demo municipality's own website (where the
    demo site has its forms: demo_site/eloket.py); other links as they are."""
    for site in demo_municipalities.demo_sites():
        path = url[len(site.eloket):] if url.startswith(site.eloket + "/") else None
        if path in demo_municipalities.FORM_PATHS[site.id]:
            return site.url + path
    return url


def seed(session: Session, instance: Path, now: int, *, allow_http_anywhere: bool) -> int:
    """Register the publishers and load their products; returns how many changed."""
    register_publishers(session, instance, allow_http_anywhere=allow_http_anywhere)
    known = set(AreaTree.load(session).areas)
    year = int(relevance.today()[:4])
    changed = 0
    for publisher, record in records(year):
        data = validation.parse_product(record, known)
        if store.upsert(session, publisher, data, now).result != store.UNCHANGED:
            changed += 1
    return changed
