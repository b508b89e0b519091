"""The register's demo persons, associations and companies (contract §7), loaded by
``loket seed-demo``.

Idempotent: a second run changes nothing. Demo associations are written through the register's
own :mod:`changes` and :mod:`representatives`, so whatever the seed sets is an event like any
other change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.models import Association, Company, CompanyMandate, Person
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

ASSOCIATIONS: tuple[dict[str, Any], ...] = (
    {
        "vcode": "V0001001", "naam": "FC Groenbeek", "korte_naam": "FCG",
        "korte_beschrijving": "Voetbalclub voor jong en oud in Groenbeek, met jeugdwerking en "
                              "een damesploeg.",
        "verenigingstype": "VZW", "kbo": "0456789133", "startdatum": "1962-08-01",
        "activities": ["SPRT"], "areas": ["BE23999001"],
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


def _companies(session: Session, persons: dict[str, Person], now: int) -> None:
    """The demo companies, and a mandate for each person who may act for one."""
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


def seed(session: Session, now: int) -> None:
    """Load (or refresh) the demo persons, then their associations and companies.

    The demo municipalities must be in the code list already (see :mod:`loket.seed`).
    """
    persons = {demo.insz: _person(session, demo, now) for demo in PERSONS}
    session.flush()
    activities, areas = changes.known_codes(session)
    for data in ASSOCIATIONS:
        _association(session, data, persons, activities, areas)
    _companies(session, persons, now)
