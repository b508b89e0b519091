"""The demo's back offices and dossiers (contract §7), loaded by ``loket seed-demo``.

Idempotent: a second run changes nothing. A demo dossier keeps the last-change date it got when
it was first loaded ("3 days ago" then), so re-seeding adds no versions and no history.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from loket import clients, demo_municipalities
from loket.dossiers import store, validation
from loket.trust import origin_of

JAN, AN, ELS = "85073003328", "92021411256", "79050124561"
FC_GROENBEEK, DE_SCHAKEL, DE_RIETGORS = "V0001001", "V0001002", "V0001003"
PEETERS_BOUW = "0412345614"
DAY = 86400

# (client id = source id, organisation name)
BACK_OFFICES = (
    ("groenbeek-backoffice", "Gemeente Groenbeek"),
    ("rivierstede-backoffice", "Stad Rivierstede"),
    ("vlaanderen-vrijetijd", "Vlaams Agentschap Vrije Tijd"),
)

_GB_HANDLER = {"name": "Sofie Van Damme", "department": "Dienst Vrije Tijd",
               "phone": "09 999 12 34", "email": "vrijetijd@groenbeek.example",
               "website": "https://www.groenbeek.example/vrije-tijd"}
_RS_HANDLER = {"name": "Karim El Idrissi", "department": "Omgeving en Natuur",
               "phone": "016 99 45 00", "email": "omgeving@rivierstede.example",
               "website": "https://www.rivierstede.example/omgeving"}
_VVT_HANDLER = {"department": "Team Subsidies Verenigingen", "phone": "02 999 80 00",
                "email": "subsidies@vrijetijd.vlaanderen.example",
                "website": "https://vrijetijd.vlaanderen.example"}


def _agent(identifier: str, rights: str = "beheren") -> dict[str, str]:
    return {"identifier": identifier, "rights": rights}


def _status(code: str, phase: str, detail: str | None = None,
            action: str | None = None) -> dict[str, Any]:
    status: dict[str, Any] = {"code": code, "phase": phase}
    if detail:
        status["detail"] = detail
    if action:
        status["action"] = {"required": True, "text": action}
    return status


# (source, number, days since the last change, payload without lastChange)
DOSSIERS: tuple[tuple[str, str, int, dict[str, Any]], ...] = (
    ("groenbeek-backoffice", "GB-2025-0142", 3, {
        "name": "Subsidie jeugdwerking 2025", "type": "Subsidie",
        "status": _status("DossierOnvolledig", "Samenstelling",
                          "De ledenlijst van het seizoen 2024-2025 ontbreekt.",
                          "Bezorg de ledenlijst van je jeugdspelers via het e-loket."),
        "link": "https://loket.groenbeek.example/dossiers/GB-2025-0142",
        "productNumbers": ["GB-SUB-JEUGD"], "handler": _GB_HANDLER,
        "agents": [_agent(FC_GROENBEEK)],
    }),
    ("groenbeek-backoffice", "GB-2024-0877", 200, {
        "name": "Evenementvergunning Groenbeekse Voetbaldag 2024", "type": "Vergunning",
        "status": _status("Goedgekeurd", "Afgerond", "De vergunning is verleend."),
        "link": "https://loket.groenbeek.example/dossiers/GB-2024-0877",
        "productNumbers": ["GB-EVENEMENT"], "handler": _GB_HANDLER,
        "agents": [_agent(FC_GROENBEEK)],
    }),
    ("groenbeek-backoffice", "GB-2025-0201", 10, {
        "name": "Gebruik sporthal De Meersen, seizoen 2025-2026", "type": "Reservatie",
        "status": _status("InBehandeling", "Behandeling"),
        "link": "https://loket.groenbeek.example/dossiers/GB-2025-0201",
        "handler": _GB_HANDLER, "agents": [_agent(FC_GROENBEEK)],
    }),
    ("groenbeek-backoffice", "GB-2025-0188", 6, {
        "name": "Fuifmelding Schakelfuif", "type": "Melding",
        "status": _status("Ontvankelijk", "Behandeling"),
        "link": "https://loket.groenbeek.example/dossiers/GB-2025-0188",
        "handler": _GB_HANDLER, "agents": [_agent(DE_SCHAKEL)],
    }),
    ("groenbeek-backoffice", "GB-2025-0033", 20, {
        "name": "Bewonerskaart parkeren", "type": "Vergunning",
        "status": _status("InBehandeling", "Behandeling"),
        "link": "https://loket.groenbeek.example/dossiers/GB-2025-0033",
        "handler": {"department": "Mobiliteit", "phone": "09 999 12 00"},
        "agents": [_agent(JAN)],
    }),
    ("groenbeek-backoffice", "GB-2025-0099", 4, {
        "name": "Inname openbaar domein: stelling Dorpsstraat 12", "type": "Vergunning",
        "status": _status("Goedgekeurd", "Uitvoering", None,
                          "Plaats de signalisatieborden ten laatste twee dagen voor de start."),
        "link": "https://loket.groenbeek.example/dossiers/GB-2025-0099",
        "handler": {"department": "Openbaar Domein", "email": "od@groenbeek.example"},
        "agents": [_agent(PEETERS_BOUW)],
    }),
    ("rivierstede-backoffice", "RS-25-00412", 15, {
        "name": "Natuurprojectsubsidie: nestkasten langs de Rivierdijk", "type": "Subsidie",
        "status": _status("InWacht", "Behandeling", "Wacht op het advies van de natuurdienst."),
        "link": "https://e-loket.rivierstede.example/dossier/RS-25-00412",
        "handler": _RS_HANDLER, "agents": [_agent(DE_RIETGORS)],
    }),
    ("rivierstede-backoffice", "RS-25-00505", 2, {
        "name": "Zaalhuur cultuurcentrum De Oever (vogeltentoonstelling)", "type": "Reservatie",
        "status": _status("Aangevraagd", "Samenstelling", None,
                          "Bevestig de datum en betaal het voorschot."),
        "link": "https://e-loket.rivierstede.example/dossier/RS-25-00505",
        "handler": _RS_HANDLER, "agents": [_agent(DE_RIETGORS), _agent(ELS, "raadplegen")],
    }),
    ("rivierstede-backoffice", "RS-24-01977", 120, {
        "name": "Premie regenwaterput", "type": "Premie",
        "status": _status("Betaald", "Afgerond", "De premie is uitbetaald."),
        "link": "https://e-loket.rivierstede.example/dossier/RS-24-01977",
        "handler": _RS_HANDLER, "agents": [_agent(AN)],
    }),
    ("rivierstede-backoffice", "RS-25-00090", 30, {
        "name": "Omgevingsvergunning tuinhuis", "type": "Vergunning",
        "status": _status("InBehandeling", "Beroep", "Een buur tekende beroep aan."),
        "link": "https://e-loket.rivierstede.example/dossier/RS-25-00090",
        "handler": _RS_HANDLER, "agents": [_agent(ELS)],
    }),
    ("vlaanderen-vrijetijd", "VVT-2025-1234", 25, {
        "name": "Subsidie sportinfrastructuur: verlichting oefenveld", "type": "Subsidie",
        "status": _status("InBehandeling", "Beslissing", "De beslissing volgt in het voorjaar."),
        "link": "https://vrijetijd.vlaanderen.example/dossiers/VVT-2025-1234",
        "productNumbers": ["VVT-SPORTINFRA"], "handler": _VVT_HANDLER,
        "agents": [_agent(FC_GROENBEEK)],
    }),
    ("vlaanderen-vrijetijd", "VVT-2025-0456", 40, {
        "name": "Projectsubsidie jeugdwerk: zomerkamp", "type": "Subsidie",
        "status": _status("Betaald", "Uitvoering", "Het voorschot van 70 % is betaald."),
        "link": "https://vrijetijd.vlaanderen.example/dossiers/VVT-2025-0456",
        "handler": _VVT_HANDLER, "agents": [_agent(DE_SCHAKEL)],
    }),
    ("vlaanderen-vrijetijd", "VVT-2023-0999", 400, {
        "name": "Erkenning jeugdsportcoördinator", "type": "Erkenning",
        "status": _status("Geweigerd", "Afgerond", "De opleiding voldeed niet aan de eisen."),
        "link": "https://vrijetijd.vlaanderen.example/dossiers/VVT-2023-0999",
        "handler": _VVT_HANDLER, "agents": [_agent(FC_GROENBEEK)],
    }),
)


def register_back_offices(session: Session, instance: Path, *,
                          allow_http_anywhere: bool) -> dict[str, Any]:
    """The demo back offices as client-credentials clients; secrets kept in the instance folder."""
    path = instance / "demo-backoffices.json"
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    result: dict[str, Any] = {}
    links: dict[str, set[str]] = {}
    for source, _number, _days, payload in DOSSIERS:  # where each back office links to
        urls = [payload.get("link"), (payload.get("handler") or {}).get("website")]
        links.setdefault(source, set()).update(origin_of(u) for u in urls if u)
    # a municipality's back office is its demo site's too: the dossiers of requests made on the
    # site's e-loket link there, and its forms are prefilled from the register's exchange
    municipal = {site.back_office: site for site in demo_municipalities.demo_sites()}
    for client_id, site in municipal.items():
        links.setdefault(client_id, set()).add(origin_of(site.url))
    for client_id, name in BACK_OFFICES:
        existing = clients.get(session, client_id)
        keep = stored.get(client_id, {}).get("client_secret") if existing is not None else None
        scopes = ["dossiers:write", *(["associations:exchange"] if client_id in municipal else [])]
        reg = clients.Registration(id=client_id, name=name, grant_types=["client_credentials"],
                                   scopes=scopes,
                                   origins=sorted(links.get(client_id, ())))
        client, secret = clients.add(session, reg, allow_http_anywhere=allow_http_anywhere,
                                     secret=keep, replace=True)
        if existing is not None and keep is None:
            # The secret was lost with the instance folder: issue a fresh one.
            secret = clients.new_secret()
            client.secret_hash = clients.hash_secret(secret)
        result[client_id] = {"client_id": client_id, "client_secret": secret or keep,
                             "name": name}
    instance.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(result, handle, indent=2)
    return result


def seed(session: Session, instance: Path, now: int, *, allow_http_anywhere: bool) -> int:
    """Register the demo back offices and load their dossiers; returns how many changed."""
    register_back_offices(session, instance, allow_http_anywhere=allow_http_anywhere)
    changed = 0
    for source, number, days, payload in DOSSIERS:
        existing = store.find(session, source, number)
        last_change = existing.last_change if existing is not None else now - days * DAY
        body = {**payload, "lastChange": validation.format_timestamp(last_change)}
        record = validation.parse_dossier(body, number_value=number, now=now)
        if store.upsert(session, source, record, now).result != store.UNCHANGED:
            changed += 1
    return changed
