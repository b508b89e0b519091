"""The change history as people read it: per event, what happened, which fields changed from
what to what, by whom and in which capacity. Pure functions over the events' data (no Flask);
the names of people and clients come from the caller, the language (``lang``) too: the labels
are in each language (:mod:`loket.register.wording`), the values as the register keeps them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from loket.errors import DEFAULT_LANGUAGE, Text, in_language
from loket.register import wording
from loket.register.views import Names
from loket.timefmt import brussels

EVENT_LABELS: dict[str, Text] = {
    "VerenigingWerdGeregistreerd": wording.gettext("Vereniging geregistreerd"),
    "ErkenningWerdGeregistreerd": wording.gettext("Erkenning vastgelegd"),
    "ErkenningWerdGewijzigd": wording.gettext("Erkenning gewijzigd"),
    "ErkenningWerdGeschorst": wording.gettext("Erkenning geschorst"),
    "SchorsingErkenningWerdOpgeheven": wording.gettext("Schorsing van erkenning opgeheven"),
    "ErkenningWerdActief": wording.gettext("Erkenning gaat in"),
    "ErkenningWerdVerlopen": wording.gettext("Erkenning verlopen"),
    "ErkenningWerdInAanvraag": wording.gettext("Erkenning weer in aanvraag"),
    "ErkenningWerdVerwijderd": wording.gettext("Erkenning verwijderd"),
    "BasisgegevensWerdenGewijzigd": wording.gettext("Basisgegevens gewijzigd"),
    "ContactgegevenWerdToegevoegd": wording.gettext("Contactgegeven toegevoegd"),
    "ContactgegevenWerdGewijzigd": wording.gettext("Contactgegeven gewijzigd"),
    "ContactgegevenWerdVerwijderd": wording.gettext("Contactgegeven verwijderd"),
    "LocatieWerdToegevoegd": wording.gettext("Locatie toegevoegd"),
    "LocatieWerdGewijzigd": wording.gettext("Locatie gewijzigd"),
    "LocatieWerdVerwijderd": wording.gettext("Locatie verwijderd"),
    "VertegenwoordigerWerdToegevoegd": wording.gettext("Vertegenwoordiger toegevoegd"),
    "VertegenwoordigerWerdGewijzigd": wording.gettext("Vertegenwoordiger gewijzigd"),
    "VertegenwoordigerWerdVerwijderd": wording.gettext("Vertegenwoordiger verwijderd"),
    "VertegenwoordigerWerdUitgenodigd": wording.gettext("Vertegenwoordiger uitgenodigd"),
    "UitnodigingWerdAanvaard": wording.gettext("Uitnodiging aanvaard"),
    "UitnodigingWerdGeweigerd": wording.gettext("Uitnodiging geweigerd"),
    "UitnodigingWerdIngetrokken": wording.gettext("Uitnodiging ingetrokken"),
    "VerenigingWerdGestopt": wording.gettext("Vereniging gestopt"),
    "VerenigingWerdGemarkeerdAlsDubbelVan": wording.gettext("Gemarkeerd als dubbel"),
    "MarkeringDubbeleVerenigingWerdGecorrigeerd": wording.gettext(
        "Markering als dubbel ongedaan gemaakt"),
}

FIELD_LABELS: dict[str, Text] = {
    "naam": wording.gettext("Naam"),
    "korteNaam": wording.gettext("Korte naam"),
    "roepnaam": wording.gettext("Roepnaam"),
    "korteBeschrijving": wording.gettext("Korte beschrijving"),
    "startdatum": wording.gettext("Startdatum"),
    "einddatum": wording.gettext("Einddatum"),
    "doelgroep": wording.gettext("Doelgroep"),
    "hoofdactiviteiten": wording.gettext("Hoofdactiviteiten"),
    "werkingsgebieden": wording.gettext("Werkingsgebieden"),
    "isUitgeschrevenUitPubliekeDatastroom": wording.gettext("Niet in de publieke zoekfunctie"),
    "type": wording.gettext("Soort"),
    "waarde": wording.gettext("Waarde"),
    "beschrijving": wording.gettext("Beschrijving"),
    "isPrimair": wording.gettext("Primair"),
    "adres": wording.gettext("Adres"),
    "rol": wording.gettext("Rol"),
    "email": wording.gettext("E-mailadres"),
    "telefoon": wording.gettext("Telefoonnummer"),
    "dubbelVan": wording.gettext("Dubbel van"),
    "verenigingstype": wording.gettext("Soort vereniging"),
    "kboNummer": wording.gettext("Ondernemingsnummer"),
    "status": wording.gettext("Status"),
    "vervalt": wording.gettext("Antwoord vóór"),
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


def _t(text: Text, lang: str) -> str:
    return in_language(text, lang)


def show(value: Any, codes: Names, field: str = "", lang: str = DEFAULT_LANGUAGE) -> str:
    """A value of an event as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _t(wording.gettext("ja") if value else wording.gettext("nee"), lang)
    if field == "hoofdactiviteiten" and isinstance(value, list):
        return ", ".join(codes.activity(c)["naam"] for c in value)
    if field == "werkingsgebieden" and isinstance(value, list):
        return ", ".join(codes.area(c)["naam"] for c in value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, Mapping):
        if "minimumleeftijd" in value:
            return _t(wording.gettext("%(low)s tot %(high)s jaar",
                                      low=value.get("minimumleeftijd"),
                                      high=value.get("maximumleeftijd")), lang)
        if "straatnaam" in value:
            street = f"{value.get('straatnaam')} {value.get('huisnummer')}"
            if value.get("busnummer"):
                street += " " + _t(wording.gettext("bus %(box)s", box=value["busnummer"]),
                                   lang)
            return f"{street}, {value.get('postcode')} {value.get('gemeente')}"
        return ", ".join(f"{k}: {show(v, codes, lang=lang)}" for k, v in value.items())
    return str(value)


def _mask(field: str, value: str, masked: bool, lang: str) -> str:
    if masked and field in PERSONAL and value != "—":
        return _t(wording.gettext("(verborgen)"), lang)
    return value


def _label(field: str, lang: str) -> str:
    return _t(FIELD_LABELS.get(field, field), lang)


def fields_of(data: Mapping[str, Any], codes: Names, *, masked: bool = False,
              lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, str, str]]:
    """(label, before, after) for what an event changed or, for an event that adds or removes
    something, what it held. ``masked`` hides a representative's personal contact data."""
    lines: list[tuple[str, str, str]] = []
    changed = data.get("gewijzigd")
    if isinstance(changed, Mapping):
        for field, change in changed.items():
            lines.append((_label(field, lang),
                          _mask(field, show(change.get("oud"), codes, field, lang), masked, lang),
                          _mask(field, show(change.get("nieuw"), codes, field, lang), masked,
                                lang)))
        return lines
    for field, value in data.items():
        if field in HIDDEN or value in (None, "", []):
            continue
        lines.append((_label(field, lang), "",
                      _mask(field, show(value, codes, field, lang), masked, lang)))
    return lines


def capacity_text(capacity: str | None, client: str | None,
                  lang: str = DEFAULT_LANGUAGE) -> str:
    """How the history names the capacity a change was made in."""
    text: Text
    if capacity and capacity.startswith("VER:"):
        text = wording.gettext("vertegenwoordiger")
    elif capacity == "BUR":
        text = wording.gettext("burger")
    elif capacity:
        text = capacity
    else:
        text = wording.gettext("overheid") if client else wording.gettext("het register")
    if client:
        return _t(wording.gettext("%(capacity)s, via %(client)s", capacity=text,
                                  client=client), lang)
    return _t(text, lang)


def what(event_type: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """What an event of ``event_type`` is, as people read it, in ``lang``."""
    return _t(EVENT_LABELS.get(event_type, event_type), lang)


def line(event: Any, names: Mapping[str, str], codes: Names, *, masked: bool = False,
         lang: str = DEFAULT_LANGUAGE) -> Line:
    """An event (:class:`~loket.models.AssociationEvent`) as a line of the history, in
    ``lang`` (its time too: :func:`loket.timefmt.brussels`)."""
    client = names.get(event.client_id or "") if event.client_id else None
    return Line(
        at=brussels(event.at, lang),
        what=what(event.type, lang),
        who=names.get(event.actor or "") or _t(wording.gettext("het register"), lang),
        capacity=capacity_text(event.capacity, client if client != names.get(
            event.actor or "") else None, lang),
        version=str(event.version),
        fields=fields_of(event.data or {}, codes, masked=masked, lang=lang),
    )
