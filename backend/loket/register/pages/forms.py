"""Self-service forms (flask-wtf: each carries a CSRF token and the version it was filled in
against). The register's own checks (:mod:`loket.register.validation`) decide what is valid;
the forms only carry the values there and the messages back to their fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from loket import i18n, inputs
from loket.i18n import lazy_gettext
from loket.models import Association, Contactgegeven, Locatie, Representative
from loket.register.validation import CONTACT_TYPES, LOCATION_TYPES, Problem

# The kinds of contact and location as people read them (the API keeps the register's codes).
CONTACT_LABELS = {"E-mail": lazy_gettext("E-mail"), "Website": lazy_gettext("Website"),
                  "SocialMedia": lazy_gettext("Sociale media"),
                  "Telefoon": lazy_gettext("Telefoon")}
LOCATION_LABELS = {"Correspondentie": lazy_gettext("Correspondentie"),
                   "Activiteiten": lazy_gettext("Activiteiten"),
                   "Maatschappelijke zetel": lazy_gettext("Maatschappelijke zetel")}
TYPE_LABELS = {**CONTACT_LABELS, **LOCATION_LABELS}
# The register's kinds of association and statuses (validation.ASSOCIATION_TYPES, STATUSES).
ASSOCIATION_TYPE_LABELS = {
    "FV": lazy_gettext("Feitelijke vereniging"),
    "VZER": lazy_gettext("Vereniging zonder eigen rechtspersoonlijkheid"),
    "VZW": lazy_gettext("Vereniging zonder winstoogmerk"),
    "IVZW": lazy_gettext("Internationale vereniging zonder winstoogmerk"),
    "PS": lazy_gettext("Private stichting"),
    "SVON": lazy_gettext("Stichting van openbaar nut"),
}
STATUS_LABELS = {"Actief": lazy_gettext("Actief"), "Gestopt": lazy_gettext("Gestopt"),
                 "Dubbel": lazy_gettext("Dubbel")}


@dataclass
class ClashView:
    """A field both this person and someone else changed, as the form shows it: the value now
    in the register (``theirs``, by whom), what this person typed, and their choice."""

    name: str       # the form field
    label: str
    theirs: str
    mine: str
    by: str | None = None
    choice: str | None = None  # "hun" or "mijn"
    error: str | None = None

    @property
    def id(self) -> str:
        return f"kies-{self.name}"


class VersionedForm(FlaskForm):
    """A form filled in against one version of the association."""

    version = HiddenField()
    renamed: dict[str, str] = {}  # API field (flattened) → form field, where not its last part

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stale = False
        self.clashes: list[ClashView] = []

    def submitted_version(self) -> int | None:
        return inputs.whole_number_or_none(self.version.data or "", max_digits=11)

    def form_field(self, api_name: str) -> str | None:
        """The form field of an API field (``adres.postcode`` → ``postcode``), or None."""
        name = self.renamed.get(api_name, api_name.split(".")[-1])
        return name if name in self and name not in ("csrf_token", "version") else None

    def label_of(self, api_name: str) -> str:
        name = self.form_field(api_name)
        return str(self[name].label.text).split(" (")[0] if name else api_name

    def show_problems(self, problems: list[Problem]) -> None:
        """Put each problem next to its field (``adres.postcode`` → ``postcode``)."""
        for problem in problems:
            name = self.form_field(problem.field)
            text = problem.message_in(i18n.current())
            message = text[:1].upper() + text[1:]
            if name is None:
                self.form_errors.append(f"{problem.field}: {message}")
            else:
                target = self[name]
                target.errors = [*target.errors, message]

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary, each naming its field, in form order."""
        found = [("", message) for message in self.form_errors]
        found += [(f"{clash.id}-hun", _named(clash.label, clash.error)) for clash in self.clashes
                  if clash.error]
        for field in self:
            if field.name in ("csrf_token", "version"):
                continue
            label = str(field.label.text).split(" (")[0]
            found += [(field.id, _named(label, f"{message[:1].lower()}{message[1:]}"))
                      for message in field.errors]
        return found


def _named(label: str, problem: str) -> str:
    """A problem after the name of its field, as the page's language writes that."""
    return i18n.gettext("%(field)s: %(problem)s", field=label, problem=problem)


class ContactForm(VersionedForm):
    order = ("type", "waarde", "beschrijving", "isPrimair")
    type = SelectField(lazy_gettext("Soort"),
                       choices=[(t, CONTACT_LABELS[t]) for t in CONTACT_TYPES],
                       validate_choice=False)
    waarde = StringField(lazy_gettext("Waarde"))
    beschrijving = StringField(lazy_gettext("Beschrijving (niet verplicht)"))
    isPrimair = BooleanField(lazy_gettext("Dit is het primaire contactgegeven van deze soort"))

    def to_api(self) -> dict[str, Any]:
        return {"type": self.type.data, "waarde": self.waarde.data,
                "beschrijving": self.beschrijving.data, "isPrimair": bool(self.isPrimair.data)}

    def fill(self, item: Contactgegeven) -> None:
        self.type.data, self.waarde.data = item.type, item.waarde
        self.beschrijving.data, self.isPrimair.data = item.beschrijving, item.is_primair


class LocationForm(VersionedForm):
    order = ("type", "naam", "straatnaam", "huisnummer", "busnummer", "postcode", "gemeente",
             "land", "isPrimair")
    type = SelectField(lazy_gettext("Soort locatie"),
                       choices=[(t, LOCATION_LABELS[t]) for t in LOCATION_TYPES],
                       validate_choice=False)
    naam = StringField(lazy_gettext("Naam van de locatie (niet verplicht)"))
    straatnaam = StringField(lazy_gettext("Straat"))
    huisnummer = StringField(lazy_gettext("Huisnummer"))
    busnummer = StringField(lazy_gettext("Busnummer (niet verplicht)"))
    postcode = StringField(lazy_gettext("Postcode"))
    gemeente = StringField(lazy_gettext("Gemeente"))
    land = StringField(lazy_gettext("Land"), default="België")
    isPrimair = BooleanField(lazy_gettext("Dit is de primaire locatie"))

    def to_api(self) -> dict[str, Any]:
        return {"type": self.type.data, "naam": self.naam.data,
                "isPrimair": bool(self.isPrimair.data),
                "adres": {"straatnaam": self.straatnaam.data, "huisnummer": self.huisnummer.data,
                          "busnummer": self.busnummer.data, "postcode": self.postcode.data,
                          "gemeente": self.gemeente.data, "land": self.land.data}}

    def fill(self, item: Locatie) -> None:
        for name in ("type", "naam", "straatnaam", "huisnummer", "busnummer", "postcode",
                     "gemeente", "land"):
            getattr(self, name).data = getattr(item, name)
        self.isPrimair.data = item.is_primair


class RepresentativeForm(VersionedForm):
    """Changing a representative: the person (INSZ, names) stays as the register knows it."""

    order: tuple[str, ...] = ("roepnaam", "rol", "email", "telefoon", "isPrimair")
    roepnaam = StringField(lazy_gettext("Roepnaam (niet verplicht)"))
    rol = StringField(lazy_gettext("Rol in de vereniging (niet verplicht)"))
    email = StringField(lazy_gettext("E-mailadres (niet verplicht)"))
    telefoon = StringField(lazy_gettext("Telefoonnummer (niet verplicht)"))
    isPrimair = BooleanField(lazy_gettext(
        "Primaire vertegenwoordiger (mag vertegenwoordigers toevoegen en verwijderen)"))

    def to_api(self) -> dict[str, Any]:
        return {"roepnaam": self.roepnaam.data, "rol": self.rol.data,
                "email": self.email.data, "telefoon": self.telefoon.data,
                "isPrimair": bool(self.isPrimair.data)}

    def fill(self, rep: Representative) -> None:
        self.roepnaam.data, self.rol.data = rep.roepnaam, rep.rol
        self.email.data, self.telefoon.data = rep.email, rep.telefoon
        self.isPrimair.data = rep.is_primair


class BasicsForm(VersionedForm):
    renamed = {"isUitgeschrevenUitPubliekeDatastroom": "uitgeschreven"}
    naam = StringField(lazy_gettext("Naam"))
    korteNaam = StringField(lazy_gettext("Korte naam (niet verplicht)"))
    roepnaam = StringField(lazy_gettext("Roepnaam (niet verplicht)"))
    korteBeschrijving = TextAreaField(lazy_gettext("Korte beschrijving (niet verplicht)"))
    startdatum = StringField(lazy_gettext("Startdatum (niet verplicht)"))
    minimumleeftijd = StringField(lazy_gettext("Minimumleeftijd"))
    maximumleeftijd = StringField(lazy_gettext("Maximumleeftijd"))
    uitgeschreven = BooleanField(lazy_gettext("Niet tonen in de publieke zoekfunctie"))

    def to_api(self, assoc: Association) -> dict[str, Any]:
        data: dict[str, Any] = {
            "korteNaam": self.korteNaam.data, "roepnaam": self.roepnaam.data,
            "korteBeschrijving": self.korteBeschrijving.data, "startdatum": self.startdatum.data,
            "doelgroep": {"minimumleeftijd": self.minimumleeftijd.data,
                          "maximumleeftijd": self.maximumleeftijd.data},
            "isUitgeschrevenUitPubliekeDatastroom": bool(self.uitgeschreven.data),
        }
        if not assoc.kbo:
            data["naam"] = self.naam.data
        return data

    def fill(self, assoc: Association) -> None:
        self.naam.data, self.korteNaam.data = assoc.naam, assoc.korte_naam
        self.roepnaam.data = assoc.roepnaam
        self.korteBeschrijving.data, self.startdatum.data = assoc.korte_beschrijving, \
            assoc.startdatum
        self.minimumleeftijd.data = str(assoc.min_leeftijd)
        self.maximumleeftijd.data = str(assoc.max_leeftijd)
        self.uitgeschreven.data = assoc.opt_out


class ActivitiesForm(VersionedForm):
    hoofdactiviteiten = SelectMultipleField(lazy_gettext("Hoofdactiviteiten"), choices=[],
                                            validate_choice=False)
    werkingsgebieden = SelectMultipleField(lazy_gettext("Werkingsgebieden"), choices=[],
                                           validate_choice=False)
    nieuwWerkingsgebied = StringField(lazy_gettext("Werkingsgebied toevoegen (niet verplicht)"))


class RegisterForm(VersionedForm):
    """A new association, its first location and contact ("Vereniging registreren")."""

    renamed = {"contactgegevens[0].waarde": "email", "contactgegevens[1].waarde": "website",
               "werkingsgebieden": "werkingsgebied"}
    verenigingstype = RadioField(lazy_gettext("Soort vereniging"), choices=[
        ("FV", lazy_gettext("Feitelijke vereniging (geen rechtspersoon, geen "
                            "ondernemingsnummer)")),
        ("VZER", lazy_gettext("Vereniging zonder eigen rechtspersoonlijkheid (VZER)")),
        ("VZW", lazy_gettext("Vereniging zonder winstoogmerk (VZW, met ondernemingsnummer)"))],
        default="FV", validate_choice=False)
    kboNummer = StringField(lazy_gettext("Ondernemingsnummer (alleen voor een VZW)"))
    naam = StringField(lazy_gettext("Naam van de vereniging"))
    startdatum = StringField(lazy_gettext("Startdatum (niet verplicht)"))
    hoofdactiviteiten = SelectMultipleField(lazy_gettext("Hoofdactiviteiten"), choices=[],
                                            validate_choice=False)
    werkingsgebied = StringField(lazy_gettext("Werkingsgebied (niet verplicht)"))
    straatnaam = StringField(lazy_gettext("Straat"))
    huisnummer = StringField(lazy_gettext("Huisnummer"))
    busnummer = StringField(lazy_gettext("Busnummer (niet verplicht)"))
    postcode = StringField(lazy_gettext("Postcode"))
    gemeente = StringField(lazy_gettext("Gemeente (niet verplicht als de postcode gekend is)"))
    email = StringField(lazy_gettext("E-mailadres van de vereniging"))
    website = StringField(lazy_gettext("Website (niet verplicht)"))
    bevestiging = HiddenField()
    toch = BooleanField(lazy_gettext("Dit is een andere vereniging: toch registreren"))

    def to_api(self, areas: list[str]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "verenigingstype": self.verenigingstype.data, "naam": self.naam.data,
            "startdatum": self.startdatum.data,
            "hoofdactiviteiten": self.hoofdactiviteiten.data or [],
            "werkingsgebieden": areas,
            "locaties": [{"type": "Activiteiten", "isPrimair": True, "adres": {
                "straatnaam": self.straatnaam.data, "huisnummer": self.huisnummer.data,
                "busnummer": self.busnummer.data, "postcode": self.postcode.data,
                "gemeente": self.gemeente.data}}],
            "contactgegevens": [{"type": "E-mail", "waarde": self.email.data,
                                 "isPrimair": True}],
        }
        if (self.website.data or "").strip():
            data["contactgegevens"].append({"type": "Website", "waarde": self.website.data})
        if self.verenigingstype.data == "VZW" or (self.kboNummer.data or "").strip():
            data["kboNummer"] = self.kboNummer.data
        return data


class InviteForm(VersionedForm):
    """A primary representative invites a person to represent the association."""

    insz = StringField(lazy_gettext("Rijksregisternummer"))
    voornaam = StringField(lazy_gettext("Voornaam (niet verplicht)"))
    achternaam = StringField(lazy_gettext("Achternaam (niet verplicht)"))
    email = StringField(lazy_gettext("E-mailadres"))
    rol = StringField(lazy_gettext("Rol in de vereniging (niet verplicht)"))

    def to_api(self) -> dict[str, Any]:
        return {"insz": self.insz.data, "voornaam": self.voornaam.data,
                "achternaam": self.achternaam.data, "email": self.email.data,
                "rol": self.rol.data}


class AnswerForm(FlaskForm):
    """Accepts or declines an invitation (a POST with its CSRF token)."""


class StopForm(VersionedForm):
    """A primary representative records that the association stopped."""

    einddatum = StringField(lazy_gettext("Datum waarop de vereniging stopte"))
    bevestig = BooleanField(lazy_gettext("Ik bevestig dat de vereniging gestopt is"))


class ConfirmForm(VersionedForm):
    """Confirms a removal, against the version it was shown for."""


class ExportForm(FlaskForm):
    """Asks for the AVG download (a POST, so no other site can trigger it)."""
