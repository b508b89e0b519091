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
from loket.models import Association, Contactgegeven, Locatie, Representative
from loket.register.validation import CONTACT_TYPES, LOCATION_TYPES, Problem

CONTACT_LABELS = {"E-mail": "E-mail", "Website": "Website", "SocialMedia": "Sociale media",
                  "Telefoon": "Telefoon"}


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
        found += [(f"{clash.id}-hun", f"{clash.label}: {clash.error}") for clash in self.clashes
                  if clash.error]
        for field in self:
            if field.name in ("csrf_token", "version"):
                continue
            label = str(field.label.text).split(" (")[0]
            found += [(field.id, f"{label}: {message[:1].lower()}{message[1:]}")
                      for message in field.errors]
        return found


class ContactForm(VersionedForm):
    order = ("type", "waarde", "beschrijving", "isPrimair")
    type = SelectField("Soort", choices=[(t, CONTACT_LABELS[t]) for t in CONTACT_TYPES],
                       validate_choice=False)
    waarde = StringField("Waarde")
    beschrijving = StringField("Beschrijving (niet verplicht)")
    isPrimair = BooleanField("Dit is het primaire contactgegeven van deze soort")

    def to_api(self) -> dict[str, Any]:
        return {"type": self.type.data, "waarde": self.waarde.data,
                "beschrijving": self.beschrijving.data, "isPrimair": bool(self.isPrimair.data)}

    def fill(self, item: Contactgegeven) -> None:
        self.type.data, self.waarde.data = item.type, item.waarde
        self.beschrijving.data, self.isPrimair.data = item.beschrijving, item.is_primair


class LocationForm(VersionedForm):
    order = ("type", "naam", "straatnaam", "huisnummer", "busnummer", "postcode", "gemeente",
             "land", "isPrimair")
    type = SelectField("Soort locatie", choices=[(t, t) for t in LOCATION_TYPES],
                       validate_choice=False)
    naam = StringField("Naam van de locatie (niet verplicht)")
    straatnaam = StringField("Straat")
    huisnummer = StringField("Huisnummer")
    busnummer = StringField("Busnummer (niet verplicht)")
    postcode = StringField("Postcode")
    gemeente = StringField("Gemeente")
    land = StringField("Land", default="België")
    isPrimair = BooleanField("Dit is de primaire locatie")

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
    roepnaam = StringField("Roepnaam (niet verplicht)")
    rol = StringField("Rol in de vereniging (niet verplicht)")
    email = StringField("E-mailadres (niet verplicht)")
    telefoon = StringField("Telefoonnummer (niet verplicht)")
    isPrimair = BooleanField("Primaire vertegenwoordiger (mag vertegenwoordigers toevoegen en "
                             "verwijderen)")

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
    naam = StringField("Naam")
    korteNaam = StringField("Korte naam (niet verplicht)")
    roepnaam = StringField("Roepnaam (niet verplicht)")
    korteBeschrijving = TextAreaField("Korte beschrijving (niet verplicht)")
    startdatum = StringField("Startdatum (niet verplicht)")
    minimumleeftijd = StringField("Minimumleeftijd")
    maximumleeftijd = StringField("Maximumleeftijd")
    uitgeschreven = BooleanField("Niet tonen in de publieke zoekfunctie")

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
    hoofdactiviteiten = SelectMultipleField("Hoofdactiviteiten", choices=[],
                                            validate_choice=False)
    werkingsgebieden = SelectMultipleField("Werkingsgebieden", choices=[], validate_choice=False)
    nieuwWerkingsgebied = StringField("Werkingsgebied toevoegen (niet verplicht)")


class RegisterForm(VersionedForm):
    """A new association, its first location and contact ("Vereniging registreren")."""

    renamed = {"contactgegevens[0].waarde": "email", "contactgegevens[1].waarde": "website",
               "werkingsgebieden": "werkingsgebied"}
    verenigingstype = RadioField("Soort vereniging", choices=[
        ("FV", "Feitelijke vereniging (geen rechtspersoon, geen ondernemingsnummer)"),
        ("VZER", "Vereniging zonder eigen rechtspersoonlijkheid (VZER)"),
        ("VZW", "Vereniging zonder winstoogmerk (VZW, met ondernemingsnummer)")],
        default="FV", validate_choice=False)
    kboNummer = StringField("Ondernemingsnummer (alleen voor een VZW)")
    naam = StringField("Naam van de vereniging")
    startdatum = StringField("Startdatum (niet verplicht)")
    hoofdactiviteiten = SelectMultipleField("Hoofdactiviteiten", choices=[],
                                            validate_choice=False)
    werkingsgebied = StringField("Werkingsgebied (niet verplicht)")
    straatnaam = StringField("Straat")
    huisnummer = StringField("Huisnummer")
    busnummer = StringField("Busnummer (niet verplicht)")
    postcode = StringField("Postcode")
    gemeente = StringField("Gemeente (niet verplicht als de postcode gekend is)")
    email = StringField("E-mailadres van de vereniging")
    website = StringField("Website (niet verplicht)")
    bevestiging = HiddenField()
    toch = BooleanField("Dit is een andere vereniging: toch registreren")

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

    insz = StringField("Rijksregisternummer")
    voornaam = StringField("Voornaam (niet verplicht)")
    achternaam = StringField("Achternaam (niet verplicht)")
    email = StringField("E-mailadres")
    rol = StringField("Rol in de vereniging (niet verplicht)")

    def to_api(self) -> dict[str, Any]:
        return {"insz": self.insz.data, "voornaam": self.voornaam.data,
                "achternaam": self.achternaam.data, "email": self.email.data,
                "rol": self.rol.data}


class AnswerForm(FlaskForm):
    """Accepts or declines an invitation (a POST with its CSRF token)."""


class StopForm(VersionedForm):
    """A primary representative records that the association stopped."""

    einddatum = StringField("Datum waarop de vereniging stopte")
    bevestig = BooleanField("Ik bevestig dat de vereniging gestopt is")


class ConfirmForm(VersionedForm):
    """Confirms a removal, against the version it was shown for."""


class ExportForm(FlaskForm):
    """Asks for the AVG download (a POST, so no other site can trigger it)."""
