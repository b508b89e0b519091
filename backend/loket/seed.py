"""``loket seed-demo``: the contract's fictional demo data, idempotent, plus bulk data on request."""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from loket import clients, reference
from loket.identifiers import format_vcode, make_insz, make_kbo
from loket.models import (
    Association,
    AssociationActivity,
    AssociationArea,
    AssociationEvent,
    Company,
    CompanyMandate,
    Person,
    Representative,
)
from loket.register import changes, representatives


@dataclass(frozen=True)
class DemoPerson:
    insz: str
    given_name: str
    family_name: str
    story: str


PERSONS = (
    DemoPerson("85073003328", "Jan", "Peeters",
               "burger; FC Groenbeek (primaire vertegenwoordiger), Jeugdhuis De Schakel, "
               "Peeters Bouw BV"),
    DemoPerson("92021411256", "An", "Janssens", "alleen burger"),
    DemoPerson("79050124561", "Els", "Claes", "burger; Vogelwerkgroep De Rietgors"),
)

# (code, name, province, postcode)
MUNICIPALITIES = (
    ("BE23999001", "Groenbeek", "BE23", "9999"),
    ("BE24999002", "Rivierstede", "BE24", "3999"),
)

ASSOCIATIONS: tuple[dict[str, Any], ...] = (
    {
        "vcode": "V0001001", "naam": "FC Groenbeek", "korte_naam": "FCG",
        "korte_beschrijving": "Voetbalclub voor jong en oud in Groenbeek, met jeugdwerking en "
                              "een damesploeg.",
        "verenigingstype": "VZW", "kbo": "0456789133", "startdatum": "1962-08-01",
        "activities": ["SPRT", "JGDW"], "areas": ["BE23999001"],
        "reps": [("85073003328", "voorzitter", True)],
        "roepnaam": "De Groene Leeuwen", "doelgroep": (5, 99),
        "contacts": [
            {"type": "E-mail", "waarde": "secretariaat@fcgroenbeek.example", "isPrimair": True,
             "beschrijving": "secretariaat"},
            {"type": "Website", "waarde": "https://fcgroenbeek.example", "isPrimair": True},
            {"type": "Telefoon", "waarde": "+32 9 999 12 34", "beschrijving": "kantine"},
        ],
        "locations": [
            {"type": "Activiteiten", "isPrimair": True, "naam": "Sportpark De Beek",
             "adres": {"straatnaam": "Beekstraat", "huisnummer": "12", "postcode": "9999",
                       "gemeente": "Groenbeek"}},
            {"type": "Maatschappelijke zetel",
             "adres": {"straatnaam": "Kerkplein", "huisnummer": "1", "postcode": "9999",
                       "gemeente": "Groenbeek"}},
        ],
    },
    {
        "vcode": "V0001002", "naam": "Jeugdhuis De Schakel", "korte_naam": "De Schakel",
        "korte_beschrijving": "Jeugdhuis met fuiven, workshops en een open huiswerkklas.",
        "verenigingstype": "FV", "kbo": None, "startdatum": "1998-09-15",
        "activities": ["JGDW", "SOVO"], "areas": ["BE23999001"],
        "reps": [("85073003328", "penningmeester", False)],
        "roepnaam": None, "doelgroep": (12, 30),
        "contacts": [{"type": "E-mail", "waarde": "info@deschakel.example", "isPrimair": True}],
        "locations": [
            {"type": "Activiteiten", "isPrimair": True, "naam": "Jeugdhuis",
             "adres": {"straatnaam": "Stationsstraat", "huisnummer": "5", "postcode": "9999",
                       "gemeente": "Groenbeek"}},
        ],
    },
    {
        "vcode": "V0001003", "naam": "Vogelwerkgroep De Rietgors", "korte_naam": "De Rietgors",
        "korte_beschrijving": "Vogeltellingen, nestkastjes en natuurwandelingen langs de rivier.",
        "verenigingstype": "FV", "kbo": None, "startdatum": "2004-03-21",
        "activities": ["NMDW"], "areas": ["BE24999002"],
        "reps": [("79050124561", "secretaris", True)],
        "roepnaam": None, "doelgroep": (0, 150),
        "contacts": [{"type": "Website", "waarde": "https://derietgors.example",
                      "isPrimair": True}],
        "locations": [
            {"type": "Correspondentie", "isPrimair": True,
             "adres": {"straatnaam": "Dijkweg", "huisnummer": "3", "busnummer": "A",
                       "postcode": "3999", "gemeente": "Rivierstede"}},
        ],
    },
)

# Representatives' own phone numbers (personal data: never in a public response).
REPRESENTATIVE_PHONES = {"85073003328": "+32 470 12 34 56", "79050124561": "+32 486 65 43 21"}
SEED_ACTOR = changes.Actor("seed")

COMPANIES = (("0412345614", "Peeters Bouw BV", ["85073003328"]),)


@dataclass(frozen=True)
class DemoSite:
    id: str
    name: str
    url: str
    theme: str


def demo_sites() -> tuple[DemoSite, ...]:
    return (
        DemoSite("groenbeek", "Gemeente Groenbeek",
                 os.environ.get("LOKET_DEMO_GROENBEEK_URL", "http://127.0.0.2:8001"), "groenbeek"),
        DemoSite("rivierstede", "Stad Rivierstede",
                 os.environ.get("LOKET_DEMO_RIVIERSTEDE_URL", "http://127.0.0.3:8002"),
                 "rivierstede"),
    )


def _person(session: Session, demo: DemoPerson, now: int) -> Person:
    person = session.scalar(select(Person).where(Person.insz == demo.insz))
    if person is None:
        person = Person(insz=demo.insz, created_at=now)
        session.add(person)
    person.given_name, person.family_name = demo.given_name, demo.family_name
    return person


def _association(session: Session, data: dict[str, Any], persons: dict[str, Person],
                 activities: set[str], areas: set[str]) -> Association:
    """Create or refresh one demo association; every difference is a recorded change."""
    basics = {"korteNaam": data["korte_naam"], "korteBeschrijving": data["korte_beschrijving"],
              "roepnaam": data["roepnaam"], "startdatum": data["startdatum"],
              "doelgroep": {"minimumleeftijd": data["doelgroep"][0],
                            "maximumleeftijd": data["doelgroep"][1]},
              "hoofdactiviteiten": data["activities"], "werkingsgebieden": data["areas"]}
    assoc = session.scalar(select(Association).where(Association.vcode == data["vcode"]))
    if assoc is None:
        assoc = changes.register(session, {
            "naam": data["naam"], "verenigingstype": data["verenigingstype"],
            "kboNummer": data["kbo"], **basics}, SEED_ACTOR, vcode=data["vcode"])
    else:
        identity = {"naam": data["naam"], "verenigingstype": data["verenigingstype"],
                    "kbo": data["kbo"], "status": "Actief"}
        changed = {k: {"oud": getattr(assoc, k), "nieuw": v} for k, v in identity.items()
                   if getattr(assoc, k) != v}
        if changed:
            for key, value in identity.items():
                setattr(assoc, key, value)
            changes.record_event(session, assoc, "BasisgegevensWerdenGewijzigd",
                                 {"gewijzigd": changed}, SEED_ACTOR)
        changes.update_basics(session, assoc, basics, SEED_ACTOR, activities=activities,
                              areas=areas)
    if not assoc.contacts:
        for contact in data["contacts"]:
            changes.add_contact(session, assoc, contact, SEED_ACTOR)
    if not assoc.locations:
        for location in data["locations"]:
            changes.add_location(session, assoc, location, SEED_ACTOR)
    session.flush()
    existing = {rep.person_id: rep for rep in assoc.representatives}
    for insz, role, primary in data["reps"]:
        person = persons[insz]
        wanted = {"rol": role, "isPrimair": primary,
                  "email": f"{person.given_name.lower()}.{person.family_name.lower()}@example.org",
                  "telefoon": REPRESENTATIVE_PHONES.get(insz)}
        rep = existing.get(person.id)
        if rep is None:
            representatives.add_representative(session, assoc, {"insz": insz, **wanted}, SEED_ACTOR,
                                       None)
        else:
            representatives.update_representative(session, assoc, rep.id, wanted, SEED_ACTOR, None)
    return assoc


def seed_demo(session: Session, instance: Path, *, allow_http_anywhere: bool) -> dict[str, Any]:
    """Load (or refresh) the demo data set; returns the demo clients' credentials."""
    now = int(time.time())
    reference.sync(session)
    for code, name, province, postcode in MUNICIPALITIES:
        reference.upsert_area(session, code, name, "municipality", province, [postcode])
    session.flush()
    persons = {demo.insz: _person(session, demo, now) for demo in PERSONS}
    session.flush()
    activities, areas = changes.known_codes(session)
    for data in ASSOCIATIONS:
        _association(session, data, persons, activities, areas)
    for kbo, name, insz_list in COMPANIES:
        company = session.scalar(select(Company).where(Company.kbo == kbo))
        if company is None:
            company = Company(kbo=kbo, naam=name, created_at=now)
            session.add(company)
        company.naam = name
        session.flush()
        have = {m.person_id for m in company.mandates}
        for insz in insz_list:
            if persons[insz].id not in have:
                session.add(CompanyMandate(company=company, person=persons[insz], rol="zaakvoerder"))
    from loket.dossiers import demo as dossier_demo

    dossier_demo.seed(session, instance, now, allow_http_anywhere=allow_http_anywhere)

    from loket.catalog import demo as catalog_demo

    catalog_demo.seed(session, instance, now, allow_http_anywhere=allow_http_anywhere)
    return _demo_clients(session, instance, allow_http_anywhere=allow_http_anywhere)


def _demo_clients(session: Session, instance: Path, *,
                  allow_http_anywhere: bool) -> dict[str, Any]:
    path = instance / "demo-clients.json"
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    result: dict[str, Any] = {}
    for site in demo_sites():
        known = stored.get(site.id, {})
        existing = clients.get(session, site.id)
        reg = clients.Registration(
            id=site.id, name=site.name,
            redirect_uris=[f"{site.url}/auth/callback"],
            origins=[site.url],
            post_logout_uris=[f"{site.url}/"],
            backchannel_logout_uri=f"{site.url}/auth/backchannel-logout",
            grant_types=["authorization_code"],
            theme=site.theme,
        )
        keep = known.get("client_secret") if existing is not None else None
        client, secret = clients.add(session, reg, allow_http_anywhere=allow_http_anywhere,
                                     secret=keep, replace=True)
        client.settings = _demo_site_settings(site)
        if existing is not None and keep is None:
            # The secret was lost with the instance folder: issue a fresh one.
            secret = clients.new_secret()
            client.secret_hash = clients.hash_secret(secret)
        result[site.id] = {"client_id": client.id, "client_secret": secret or keep,
                           "url": site.url, "name": site.name, "theme": site.theme}
    instance.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(result, handle, indent=2)
    return result


def _demo_site_settings(site: DemoSite) -> dict[str, Any]:
    """What the demo site's header and footer show (validated like `loket client configure`)."""
    from loket.widgets.settings import validate

    return validate({
        "host": {"label": site.name, "href": f"{site.url}/"},
        "applicationName": "Verenigingsloket",
        "applicationLinks": [
            {"label": "Mijn dossiers", "href": f"{site.url}/mijn-dossiers", "icon": "e-desk"},
            {"label": "Producten en diensten", "href": f"{site.url}/producten-en-diensten"},
        ],
        "contact": {"servicePoints": [
            {"label": "Dienst vrije tijd", "description": "Ma–vr 9–12 u.",
             "phone": "+32 9 999 00 10", "email": "vrijetijd@example.org"},
            {"label": "Alle contactgegevens", "href": f"{site.url}/"},
        ]},
    })


# ---- bulk data ---------------------------------------------------------------------------

_WORDS = ("Sportclub", "Harmonie", "Toneelkring", "Wandelclub", "Jeugdbeweging", "Buurtcomité",
          "Fotoclub", "Schaakclub", "Koor", "Volleybalclub", "Imkersbond", "Fietsclub",
          "Kookclub", "Dansschool", "Natuurpunt", "Muziekvereniging", "Zwemclub", "Gezinsbond")
_NAMES = ("De Vlinder", "Sint-Jan", "Vooruit", "De Eik", "Morgenrood", "Het Anker", "De Toekomst",
          "Zonnebloem", "Ons Dorp", "De Brug", "Kameleon", "Horizon", "De Linde", "Groen Licht")


def _bulk_insz(n: int) -> str:
    """A valid INSZ unique per n (< 2.2 million); serials 900+ never meet the demo persons."""
    k = n // 97
    birth = f"{30 + k % 70:02d}{1 + (k // 70) % 12:02d}{1 + (k // 840) % 28:02d}"
    return make_insz(birth, 900 + n % 97)


def _registered(session: Session, added: list[Association]) -> None:
    """The registration events of a batch, under one reservation of sequence numbers."""
    if not added:
        return
    first = changes.reserve_seqs(session, len(added))
    at = changes.now_iso()
    session.execute(insert(cast(Table, AssociationEvent.__table__)), [{
        "seq": first + i, "association_id": a.id, "vcode": a.vcode, "version": 1,
        "type": "VerenigingWerdGeregistreerd", "at": at, "actor": SEED_ACTOR.actor,
        "capacity": None, "client_id": None,
        "data": {"naam": a.naam, "verenigingstype": a.verenigingstype, "kboNummer": a.kbo,
                 "status": a.status},
    } for i, a in enumerate(added)])


def bulk_associations(session: Session, count: int, *, seed: int = 42,
                      progress: Callable[[int], None] | None = None) -> int:
    """Add ``count`` generated associations (with one representative each), in batches."""
    rng = random.Random(seed)
    areas = [r["code"] for r in reference.werkingsgebieden() if r["level"] == "municipality"]
    activities = [r["code"] for r in reference.hoofdactiviteiten()]
    now = int(time.time())
    start = (session.scalar(select(func.max(Association.id))) or 0) + 2000
    batch = 1000
    done = 0
    added: list[Association] = []
    while done < count:
        size = min(batch, count - done)
        for i in range(size):
            n = start + done + i
            person = Person(
                insz=_bulk_insz(n),
                given_name=rng.choice(("Lies", "Tom", "Sara", "Ahmed", "Noor", "Bart", "Ine")),
                family_name=rng.choice(("Maes", "Jacobs", "Willems", "Mertens", "Dubois")),
                created_at=now,
            )
            assoc = Association(
                vcode=format_vcode(n), naam=f"{rng.choice(_WORDS)} {rng.choice(_NAMES)} {n}",
                korte_beschrijving="Gegenereerde vereniging voor tests en metingen.",
                verenigingstype=rng.choice(("FV", "VZER", "VZW")), status="Actief",
                created_at=now, updated_at=now, version=1,
            )
            if assoc.verenigingstype == "VZW":
                assoc.kbo = make_kbo(10_000_000 + n)  # KBO numbers start with 0 or 1
            assoc.activities = [AssociationActivity(code=c)
                                for c in rng.sample(activities, rng.randint(1, 3))]
            assoc.areas = [AssociationArea(code=c) for c in rng.sample(areas, rng.randint(1, 2))]
            session.add(assoc)
            session.add(Representative(association=assoc, person=person, rol="voorzitter",
                                       is_primair=True))
            added.append(assoc)
        session.flush()
        _registered(session, added)
        added.clear()
        done += size
        if progress:
            progress(size)
    return done
