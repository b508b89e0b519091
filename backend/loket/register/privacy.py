"""AVG (GDPR) for a signed-in person: everything stored about them, and who accessed their
personal data, when and why (the audit log's entries whose ``subject`` is their ``sub``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from loket.errors import DEFAULT_LANGUAGE, Text, in_language
from loket.models import (
    AccessToken,
    AssociationEvent,
    AuditEntry,
    Client,
    Company,
    CompanyMandate,
    Dossier,
    DossierAgent,
    Person,
    Representative,
    SsoSession,
)
from loket.register import views, wording

MAX_ROWS = 1000
REPORT_PAGE = 50

# What each operation of the audit log did, as the person reads it (in each language; the
# API and the download keep Dutch).
OPERATIONS: dict[str, Text] = {
    "sign-in": wording.gettext("aangemeld"),
    "sign-out": wording.gettext("afgemeld"),
    "authorize": wording.gettext("aangemeld bij een website"),
    "capacity-switch": wording.gettext("hoedanigheid gekozen"),
    "capacity-hint-refused": wording.gettext("gevraagde hoedanigheid geweigerd"),
    "token-issue": wording.gettext("toegangssleutel uitgereikt aan een website"),
    "read": wording.gettext("gegevens gelezen"),
    "exchange-read": wording.gettext("gegevens opgevraagd door een overheid"),
    "association-change": wording.gettext("gegevens gewijzigd"),
    "association-read": wording.gettext("gegevens gelezen"),
    "privacy-export": wording.gettext("al je gegevens gedownload"),
    "audit-search": wording.gettext("het toegangslogboek over jou geraadpleegd"),
    "access-overview-read": wording.gettext("je toegangsoverzicht bekeken"),
}
OWN_READ_REASON = "inzage door de persoon zelf (toegangsoverzicht)"
EXPORT_REASON = "inzage door de persoon zelf (AVG art. 15)"
# The reasons Loket itself logs, to show in the person's language (others are shown as given).
REASONS: dict[str, Text] = {
    OWN_READ_REASON: wording.gettext("inzage door de persoon zelf (toegangsoverzicht)"),
    EXPORT_REASON: wording.gettext("inzage door de persoon zelf (AVG art. 15)"),
    "vertegenwoordiger bekijkt 'Onze gegevens'": wording.gettext(
        "vertegenwoordiger bekijkt 'Onze gegevens'"),
    "vertegenwoordiger bekijkt de vertegenwoordigers van de vereniging": wording.gettext(
        "vertegenwoordiger bekijkt de vertegenwoordigers van de vereniging"),
    "vertegenwoordiger opent het formulier van een vertegenwoordiger": wording.gettext(
        "vertegenwoordiger opent het formulier van een vertegenwoordiger"),
}


def _when(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def export(session: Session, person: Person) -> dict[str, Any]:
    """Everything the service stores about ``person``, as one JSON document."""
    reps = session.scalars(select(Representative).where(Representative.person_id == person.id)
                           .order_by(Representative.id))
    mandates = session.execute(
        select(CompanyMandate, Company).join(Company, Company.id == CompanyMandate.company_id)
        .where(CompanyMandate.person_id == person.id).order_by(Company.kbo))
    sessions = session.scalars(select(SsoSession).where(SsoSession.person_id == person.id)
                               .order_by(SsoSession.created_at.desc()).limit(MAX_ROWS))
    tokens = session.execute(
        select(AccessToken, Client.name).join(Client, Client.id == AccessToken.client_id)
        .where(AccessToken.person_id == person.id)
        .order_by(AccessToken.created_at.desc()).limit(MAX_ROWS))
    events = session.scalars(
        select(AssociationEvent)
        .where(or_(AssociationEvent.actor == person.sub,
                   cast(AssociationEvent.data, String).contains(person.sub)))
        .order_by(AssociationEvent.seq).limit(MAX_ROWS))
    return {
        "toelichting": "Alles wat Loket over jou bewaart. Wie je gegevens inkeek, staat onder "
                       "'toegangen'.",
        "aangemaakt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "persoon": {"sub": person.sub, "insz": person.insz, "voornaam": person.given_name,
                    "achternaam": person.family_name, "gekendSinds": _when(person.created_at)},
        "alsVertegenwoordiger": [{
            "vereniging": {"vCode": rep.association.vcode, "naam": rep.association.naam},
            "id": rep.id, "rol": rep.rol, "roepnaam": rep.roepnaam, "isPrimair": rep.is_primair,
            "email": rep.email, "telefoon": rep.telefoon,
        } for rep in reps],
        "mandatenInOndernemingen": [{
            "onderneming": {"kboNummer": company.kbo, "naam": company.naam}, "rol": mandate.rol,
        } for mandate, company in mandates],
        "aanmeldingen": [{
            "begin": _when(row.created_at), "laatstActief": _when(row.last_seen_at),
            "einde": _when(row.ended_at), "verloopt": _when(row.expires_at),
            "niveau": row.acr, "methoden": row.amr,
        } for row in sessions],
        "toegangssleutels": [{
            "website": name, "clientId": token.client_id, "scope": token.scope,
            "hoedanigheid": token.capacity, "uitgereikt": _when(token.created_at),
            "verloopt": _when(token.expires_at), "ingetrokken": _when(token.revoked_at),
        } for token, name in tokens],
        "wijzigingenInHetRegister": [views.event_view(e) for e in events],
        "dossiersOpJeNaam": _dossiers(session, person),
        "toegangen": access_report(session, person, limit=MAX_ROWS)["toegangen"],
    }


def _dossiers(session: Session, person: Person) -> list[dict[str, Any]]:
    """Dossiers of any government in which the person's INSZ is an agent, with the rights."""
    from loket.dossiers import store

    rows = list(session.execute(
        select(Dossier, DossierAgent.rights)
        .join(DossierAgent, DossierAgent.dossier_id == Dossier.id)
        .where(DossierAgent.identifier == person.insz)
        .order_by(Dossier.last_change.desc()).limit(MAX_ROWS)))
    names = store.source_names(session, {dossier.source for dossier, _ in rows})
    return [{**store.dossier_view(dossier, names.get(dossier.source)), "rechten": rights}
            for dossier, rights in rows]


def _actor_names(session: Session, entries: list[AuditEntry]) -> dict[str, str]:
    actors = {e.actor for e in entries if e.actor}
    names: dict[str, str] = {}
    if actors:
        for row in session.execute(select(Person.sub, Person.given_name, Person.family_name)
                                   .where(Person.sub.in_(actors))):
            names[row.sub] = f"{row.given_name} {row.family_name}"
    clients = actors | {e.client_id for e in entries if e.client_id}
    if clients:
        for client_id, name in session.execute(select(Client.id, Client.name)
                                               .where(Client.id.in_(clients))):
            names.setdefault(client_id, name)
    return names


def access_report(session: Session, person: Person, *, before: int | None = None,
                  limit: int = REPORT_PAGE, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Who accessed this person's data, newest first; ``before`` pages back by sequence.
    The descriptions (who, what, Loket's own reasons) in ``lang``."""
    query = select(AuditEntry).where(AuditEntry.subject == person.sub)
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    entries = list(session.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit)))
    names = _actor_names(session, entries)
    rows = []
    for entry in entries:
        if entry.actor == person.sub:
            who = in_language(wording.gettext("jijzelf"), lang)
        elif entry.operation == "audit-search":
            who = in_language(wording.gettext("de veiligheidsconsulent"), lang)
        elif entry.actor in ("cli", "system") or (entry.actor or "").startswith("cli:"):
            who = in_language(wording.gettext("de beheerder van Loket"), lang)
        else:
            who = names.get(entry.actor or "") or entry.actor or in_language(
                wording.gettext("onbekend"), lang)
        rows.append({
            "volgnummer": entry.seq, "tijdstip": entry.at, "wie": who,
            "hoedanigheid": entry.capacity,
            "via": names.get(entry.client_id, entry.client_id) if entry.client_id else None,
            "wat": in_language(OPERATIONS.get(entry.operation, entry.operation), lang),
            "handeling": entry.operation, "gegevens": entry.resource,
            "reden": in_language(REASONS[entry.reason], lang) if entry.reason in REASONS
            else entry.reason,
            "resultaat": entry.outcome,
        })
    more = len(entries) == limit
    return {"toegangen": rows, "ouder": entries[-1].seq if more and entries else None}
