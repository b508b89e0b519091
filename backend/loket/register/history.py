"""The change history as people read it: per event, what happened, which fields changed from
what to what, by whom and in which capacity. Pure functions over the events' data (no Flask);
the names of people and clients come from the caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from loket.register.views import Names
from loket.timefmt import brussels

EVENT_LABELS = {
    "VerenigingWerdGeregistreerd": "Vereniging geregistreerd",
    "BasisgegevensWerdenGewijzigd": "Basisgegevens gewijzigd",
    "ContactgegevenWerdToegevoegd": "Contactgegeven toegevoegd",
    "ContactgegevenWerdGewijzigd": "Contactgegeven gewijzigd",
    "ContactgegevenWerdVerwijderd": "Contactgegeven verwijderd",
    "LocatieWerdToegevoegd": "Locatie toegevoegd",
    "LocatieWerdGewijzigd": "Locatie gewijzigd",
    "LocatieWerdVerwijderd": "Locatie verwijderd",
    "VertegenwoordigerWerdToegevoegd": "Vertegenwoordiger toegevoegd",
    "VertegenwoordigerWerdGewijzigd": "Vertegenwoordiger gewijzigd",
    "VertegenwoordigerWerdVerwijderd": "Vertegenwoordiger verwijderd",
    "VertegenwoordigerWerdUitgenodigd": "Vertegenwoordiger uitgenodigd",
    "UitnodigingWerdAanvaard": "Uitnodiging aanvaard",
    "UitnodigingWerdGeweigerd": "Uitnodiging geweigerd",
    "UitnodigingWerdIngetrokken": "Uitnodiging ingetrokken",
    "VerenigingWerdGestopt": "Vereniging gestopt",
    "VerenigingWerdGemarkeerdAlsDubbelVan": "Gemarkeerd als dubbel",
    "MarkeringDubbeleVerenigingWerdGecorrigeerd": "Markering als dubbel ongedaan gemaakt",
}

FIELD_LABELS = {
    "naam": "Naam", "korteNaam": "Korte naam", "roepnaam": "Roepnaam",
    "korteBeschrijving": "Korte beschrijving", "startdatum": "Startdatum",
    "einddatum": "Einddatum", "doelgroep": "Doelgroep",
    "hoofdactiviteiten": "Hoofdactiviteiten", "werkingsgebieden": "Werkingsgebieden",
    "isUitgeschrevenUitPubliekeDatastroom": "Niet in de publieke zoekfunctie",
    "type": "Soort", "waarde": "Waarde", "beschrijving": "Beschrijving", "isPrimair": "Primair",
    "adres": "Adres", "rol": "Rol", "email": "E-mailadres", "telefoon": "Telefoonnummer",
    "dubbelVan": "Dubbel van", "verenigingstype": "Soort vereniging",
    "kboNummer": "Ondernemingsnummer", "status": "Status", "vervalt": "Antwoord vóór",
}
PERSONAL = ("email", "telefoon")  # a representative's own contact data
HIDDEN = ("persoon", "contactgegevenId", "locatieId", "vertegenwoordigerId", "uitnodigingId",
          "geanonimiseerd")


@dataclass(frozen=True)
class Line:
    """One event as the history shows it."""

    at: str
    what: str
    who: str
    capacity: str
    version: str
    fields: list[tuple[str, str, str]]  # (label, before, after); before "" for a new value


def show(value: Any, codes: Names, field: str = "") -> str:
    """A value of an event as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if field == "hoofdactiviteiten" and isinstance(value, list):
        return ", ".join(codes.activity(c)["naam"] for c in value)
    if field == "werkingsgebieden" and isinstance(value, list):
        return ", ".join(codes.area(c)["naam"] for c in value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, Mapping):
        if "minimumleeftijd" in value:
            return f"{value.get('minimumleeftijd')} tot {value.get('maximumleeftijd')} jaar"
        if "straatnaam" in value:
            street = f"{value.get('straatnaam')} {value.get('huisnummer')}"
            if value.get("busnummer"):
                street += f" bus {value['busnummer']}"
            return f"{street}, {value.get('postcode')} {value.get('gemeente')}"
        return ", ".join(f"{k}: {show(v, codes)}" for k, v in value.items())
    return str(value)


def _mask(field: str, value: str, masked: bool) -> str:
    return "(verborgen)" if masked and field in PERSONAL and value != "—" else value


def fields_of(data: Mapping[str, Any], codes: Names, *, masked: bool = False
              ) -> list[tuple[str, str, str]]:
    """(label, before, after) for what an event changed or, for an event that adds or removes
    something, what it held. ``masked`` hides a representative's personal contact data."""
    lines: list[tuple[str, str, str]] = []
    changed = data.get("gewijzigd")
    if isinstance(changed, Mapping):
        for field, change in changed.items():
            label = str(FIELD_LABELS.get(field, field))
            lines.append((label, _mask(field, show(change.get("oud"), codes, field), masked),
                          _mask(field, show(change.get("nieuw"), codes, field), masked)))
        return lines
    for field, value in data.items():
        if field in HIDDEN or value in (None, "", []):
            continue
        lines.append((str(FIELD_LABELS.get(field, field)), "",
                      _mask(field, show(value, codes, field), masked)))
    return lines


def capacity_text(capacity: str | None, client: str | None) -> str:
    """How the history names the capacity a change was made in."""
    if capacity and capacity.startswith("VER:"):
        text = "vertegenwoordiger"
    elif capacity == "BUR":
        text = "burger"
    elif capacity:
        text = capacity
    else:
        text = "overheid" if client else "het register"
    return f"{text}, via {client}" if client else text


def line(event: Any, names: Mapping[str, str], codes: Names, *, masked: bool = False) -> Line:
    """An event (:class:`~loket.models.AssociationEvent`) as a line of the history."""
    client = names.get(event.client_id or "") if event.client_id else None
    return Line(
        at=brussels(event.at),
        what=EVENT_LABELS.get(event.type, event.type),
        who=names.get(event.actor or "") or "het register",
        capacity=capacity_text(event.capacity, client if client != names.get(
            event.actor or "") else None),
        version=str(event.version),
        fields=fields_of(event.data or {}, codes, masked=masked),
    )
