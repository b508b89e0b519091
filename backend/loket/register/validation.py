"""Checks for every value of an association record: pure functions, no Flask, no database.

Each ``check_*`` takes the fields as the API names them (``korteNaam``, ``isPrimair``,
``adres.postcode``) and returns them cleaned under the model's attribute names, or raises
:class:`InvalidRecord` listing every problem with the field it is about, in Dutch, so a form
can put each message next to its field and the API can name the field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from loket.errors import DEFAULT_LANGUAGE, BadRequest, Text, in_language
from loket.identifiers import InvalidIdentifier, parse_insz, parse_kbo
from loket.register import wording

CONTACT_TYPES = ("E-mail", "Website", "SocialMedia", "Telefoon")
LOCATION_TYPES = ("Correspondentie", "Activiteiten", "Maatschappelijke zetel")
ASSOCIATION_TYPES = {
    "FV": "Feitelijke vereniging",
    "VZER": "Vereniging zonder eigen rechtspersoonlijkheid",
    "VZW": "Vereniging zonder winstoogmerk",
    "IVZW": "Internationale vereniging zonder winstoogmerk",
    "PS": "Private stichting",
    "SVON": "Stichting van openbaar nut",
}
TYPES_WITHOUT_KBO = ("FV", "VZER")
STATUSES = ("Actief", "Gestopt", "Dubbel")
MIN_AGE, MAX_AGE = 0, 150
BELGIUM = "België"
_BELGIUM_ALIASES = {"belgie", "belgië", "belgium", "belgique", "belgien", "be"}
BELGIUM_NAMES = frozenset(_BELGIUM_ALIASES)

_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
_HOUSE_NUMBER = re.compile(r"^[0-9][0-9A-Za-z /-]*$")


@dataclass(frozen=True)
class Problem:
    """A value that cannot be accepted: the field (as the API names it) and why, in each
    language (:mod:`loket.register.wording`; a plain string is Dutch only)."""

    field: str
    message: Text

    def message_in(self, lang: str) -> str:
        return in_language(self.message, lang)


class InvalidRecord(BadRequest):
    """One or more values that cannot be accepted; nothing was changed. The API answers the
    first in ``detail`` and ``field`` and all of them in ``problems``."""

    code = "invalid_field"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        super().__init__(None, wording.each(first.message, lambda text: f"{first.field}: {text}"))

    def to_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {**super().to_dict(lang), "field": self.first.field,
                "problems": [{"field": p.field, "detail": p.message_in(lang)}
                             for p in self.problems]}

    @classmethod
    def one(cls, field: str, message: Text) -> InvalidRecord:
        return cls([Problem(field, message)])

    @property
    def first(self) -> Problem:
        return self.problems[0]


class Collector:
    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.problems: list[Problem] = []

    def add(self, field: str, message: Text) -> None:
        self.problems.append(Problem(self.prefix + field, message))

    def done(self) -> None:
        if self.problems:
            raise InvalidRecord(self.problems)


def unknown_fields(data: Mapping[str, Any], allowed: Iterable[str], out: Collector) -> None:
    for key in data:
        if key not in allowed:
            out.add(str(key)[:60], wording.gettext("dit veld bestaat niet."))


def text_field(data: Mapping[str, Any], field: str, out: Collector, *, max_len: int,
          required: bool = False, missing: Text | None = None) -> str | None:
    """A text field; ``missing`` says what to fill in when it is required and empty."""
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            out.add(field, missing or wording.gettext("vul een waarde in."))
        return None
    if not isinstance(value, str):
        out.add(field, wording.gettext("moet tekst zijn."))
        return None
    value = value.strip()
    if len(value) > max_len:
        out.add(field, wording.gettext("mag hoogstens %(max)s tekens lang zijn (nu %(now)s).",
                                       max=max_len, now=len(value)))
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        out.add(field, wording.gettext("bevat onzichtbare stuurtekens."))
        return None
    return value


def _bool(data: Mapping[str, Any], field: str, out: Collector) -> bool:
    value = data.get(field, False)
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "on", "1", "ja"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "off", "0", "nee"):
        return False
    out.add(field, wording.gettext("moet waar of onwaar zijn (true of false)."))
    return False


def is_http_url(value: str) -> bool:
    """An absolute http(s) URL with a host name and no spaces or credentials."""
    if any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    host = parts.hostname or ""
    return (parts.scheme in ("http", "https") and "." in host and not parts.username
            and not parts.password)


def is_email(value: str) -> bool:
    return len(value) <= 254 and bool(_EMAIL.match(value))


def is_phone(value: str) -> bool:
    digits = sum(ch.isdigit() for ch in value)
    return bool(_PHONE.match(value)) and 8 <= digits <= 15


def _email(data: Mapping[str, Any], field: str, out: Collector) -> str | None:
    value = text_field(data, field, out, max_len=254)
    if value is not None and not is_email(value):
        out.add(field, wording.gettext("is geen geldig e-mailadres (zoals naam@voorbeeld.be)."))
        return None
    return value


def _phone(data: Mapping[str, Any], field: str, out: Collector) -> str | None:
    value = text_field(data, field, out, max_len=40)
    if value is not None and not is_phone(value):
        out.add(field, wording.gettext(
            "is geen geldig telefoonnummer (8 tot 15 cijfers, bv. +32 9 123 45 67)."))
        return None
    return value


# ---- contact data ------------------------------------------------------------------------

CONTACT_FIELDS = ("type", "waarde", "beschrijving", "isPrimair")


def check_contact(data: Mapping[str, Any]) -> dict[str, Any]:
    """A contact (type, waarde, beschrijving, isPrimair) → model fields."""
    out = Collector()
    unknown_fields(data, CONTACT_FIELDS, out)
    kind = data.get("type")
    if kind not in CONTACT_TYPES:
        out.add("type", wording.gettext("kies E-mail, Website, SocialMedia of Telefoon."))
    waarde = text_field(data, "waarde", out, max_len=500, required=True)
    if waarde is not None:
        if kind == "E-mail" and not is_email(waarde):
            out.add("waarde", wording.gettext("is geen geldig e-mailadres (zoals naam@voorbeeld.be)."))
        elif kind in ("Website", "SocialMedia") and not is_http_url(waarde):
            out.add("waarde", wording.gettext(
                "moet een volledig webadres zijn dat begint met http:// of https://."))
        elif kind == "Telefoon" and not is_phone(waarde):
            out.add("waarde", wording.gettext("is geen geldig telefoonnummer (8 tot 15 cijfers)."))
    cleaned = {
        "type": kind,
        "waarde": waarde,
        "beschrijving": text_field(data, "beschrijving", out, max_len=200),
        "is_primair": _bool(data, "isPrimair", out),
    }
    out.done()
    return cleaned


# ---- locations ---------------------------------------------------------------------------

LOCATION_FIELDS = ("type", "isPrimair", "naam", "adres")
ADDRESS_FIELDS = ("straatnaam", "huisnummer", "busnummer", "postcode", "gemeente", "land")


def check_location(data: Mapping[str, Any]) -> dict[str, Any]:
    """A location (type, isPrimair, naam, adres{...}) → model fields."""
    out = Collector()
    unknown_fields(data, LOCATION_FIELDS, out)
    kind = data.get("type")
    if kind not in LOCATION_TYPES:
        out.add("type", wording.gettext("kies Correspondentie, Activiteiten of Maatschappelijke zetel."))
    address = data.get("adres")
    if not isinstance(address, Mapping):
        out.add("adres", wording.gettext("geef een adres (straatnaam, huisnummer, postcode, gemeente)."))
        address = {}
    inner = Collector("adres.")
    unknown_fields(address, ADDRESS_FIELDS, inner)
    land = text_field(address, "land", inner, max_len=100) or BELGIUM
    in_belgium = land.lower() in _BELGIUM_ALIASES
    if in_belgium:
        land = BELGIUM
    straat = text_field(address, "straatnaam", inner, max_len=200, required=True,
                   missing=wording.gettext("vul de straatnaam in."))
    nummer = text_field(address, "huisnummer", inner, max_len=20, required=True,
                   missing=wording.gettext("vul het huisnummer in."))
    if nummer is not None and in_belgium and not _HOUSE_NUMBER.match(nummer):
        inner.add("huisnummer", wording.gettext("begint met een cijfer (bv. 12 of 12A)."))
    bus = text_field(address, "busnummer", inner, max_len=20)
    postcode = text_field(address, "postcode", inner, max_len=20, required=True,
                     missing=wording.gettext("vul de postcode in."))
    if postcode is not None and in_belgium and not re.fullmatch(r"[1-9][0-9]{3}", postcode):
        inner.add("postcode", wording.gettext("een Belgische postcode heeft 4 cijfers (bv. 9000)."))
    gemeente = text_field(address, "gemeente", inner, max_len=200, required=True,
                     missing=wording.gettext("vul de gemeente in."))
    cleaned = {
        "type": kind,
        "is_primair": _bool(data, "isPrimair", out),
        "naam": text_field(data, "naam", out, max_len=200),
        "straatnaam": straat, "huisnummer": nummer, "busnummer": bus, "postcode": postcode,
        "gemeente": gemeente, "land": land,
    }
    out.problems += inner.problems
    out.done()
    return cleaned


# ---- representatives ---------------------------------------------------------------------

REPRESENTATIVE_FIELDS = ("insz", "voornaam", "achternaam", "roepnaam", "rol", "isPrimair",
                         "email", "telefoon")
REPRESENTATIVE_EDITABLE = ("roepnaam", "rol", "isPrimair", "email", "telefoon")


def check_representative(data: Mapping[str, Any], *, new: bool) -> dict[str, Any]:
    """A representative → cleaned fields; a new one names a person by INSZ.

    ``voornaam`` and ``achternaam`` come from the person's record when the person is known;
    the caller decides whether they are needed.
    """
    out = Collector()
    unknown_fields(data, REPRESENTATIVE_FIELDS if new else REPRESENTATIVE_EDITABLE, out)
    cleaned: dict[str, Any] = {}
    if new:
        raw = data.get("insz")
        try:
            cleaned["insz"] = parse_insz(raw if raw is not None else "")
        except InvalidIdentifier as exc:
            out.add("insz", wording.lowered(exc.message))
        cleaned["voornaam"] = text_field(data, "voornaam", out, max_len=200)
        cleaned["achternaam"] = text_field(data, "achternaam", out, max_len=200)
    cleaned.update({
        "roepnaam": text_field(data, "roepnaam", out, max_len=100),
        "rol": text_field(data, "rol", out, max_len=100),
        "is_primair": _bool(data, "isPrimair", out),
        "email": _email(data, "email", out),
        "telefoon": _phone(data, "telefoon", out),
    })
    out.done()
    return cleaned


# ---- the association's own fields --------------------------------------------------------

BASIC_FIELDS = ("naam", "korteNaam", "roepnaam", "korteBeschrijving", "startdatum",
                "doelgroep", "hoofdactiviteiten", "werkingsgebieden",
                "isUitgeschrevenUitPubliekeDatastroom")
_ATTRIBUTE = {"naam": "naam", "korteNaam": "korte_naam", "roepnaam": "roepnaam",
              "korteBeschrijving": "korte_beschrijving", "startdatum": "startdatum",
              "isUitgeschrevenUitPubliekeDatastroom": "opt_out"}


def _age(value: Any, field: str, out: Collector) -> int | None:
    if isinstance(value, bool) or value in (None, ""):
        out.add(field, wording.gettext("vul een leeftijd in van %(min)s tot %(max)s.",
                                       min=MIN_AGE, max=MAX_AGE))
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,6}\s*", value):
        value = int(value)
    if not isinstance(value, int):
        out.add(field, wording.gettext("moet een geheel getal zijn."))
        return None
    if not MIN_AGE <= value <= MAX_AGE:
        out.add(field, wording.gettext("moet tussen %(min)s en %(max)s liggen (niet %(value)s).",
                                       min=MIN_AGE, max=MAX_AGE, value=value))
        return None
    return value


def calendar_date(value: Any, out: Collector, field: str) -> date | None:
    """A date written JJJJ-MM-DD that exists (None, and a problem for ``field``, otherwise;
    None without a problem when it is empty)."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        out.add(field, wording.gettext("schrijf de datum als JJJJ-MM-DD (bv. 1998-09-15)."))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        out.add(field, wording.gettext("is geen bestaande datum."))
        return None


def check_startdatum(value: Any, today: date, out: Collector, field: str = "startdatum"
                     ) -> str | None:
    parsed = calendar_date(value, out, field)
    if parsed is None:
        return None
    if parsed > today:
        out.add(field, wording.gettext("mag niet in de toekomst liggen."))
        return None
    if parsed.year < 1000:
        out.add(field, wording.gettext("ligt te ver in het verleden."))
        return None
    return value


def check_stop(data: Mapping[str, Any], *, today: date, startdatum: str | None) -> str:
    """The end date of an association that stops: a real date, not in the future, not before
    its start date."""
    out = Collector()
    unknown_fields(data, ("einddatum",), out)
    value = data.get("einddatum")
    einddatum = None
    if value in (None, ""):
        out.add("einddatum", wording.gettext("vul de datum in waarop de vereniging stopte (JJJJ-MM-DD)."))
    else:
        einddatum = check_startdatum(value, today, out, "einddatum")
        if einddatum is not None and startdatum and einddatum < startdatum:
            out.add("einddatum", wording.gettext("mag niet vóór de startdatum (%(date)s) liggen.",
                                                 date=startdatum))
    out.done()
    assert einddatum is not None
    return einddatum


def _codes(value: Any, field: str, known: Mapping[str, str] | set[str], out: Collector,
           unknown: Callable[[str], Text]) -> list[str] | None:
    """A list of codes; ``unknown`` says which ones are not known (given them, listed)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        out.add(field, wording.gettext("moet een lijst van codes zijn."))
        return None
    codes = [v.strip().upper() for v in value]
    strangers = [c for c in codes if c not in known]
    if strangers:
        out.add(field, unknown(", ".join(c[:20] for c in strangers[:5])))
        return None
    return list(dict.fromkeys(codes))


def check_basics(data: Mapping[str, Any], *, current_min: int, current_max: int, today: date,
                 activities: Mapping[str, str] | set[str], areas: Mapping[str, str] | set[str]
                 ) -> dict[str, Any]:
    """The association's own fields that a representative may change → model attributes.

    ``doelgroep`` is merged with the current ages, so one bound alone can be sent.
    """
    out = Collector()
    unknown_fields(data, BASIC_FIELDS, out)
    cleaned: dict[str, Any] = {}
    limits = {"naam": 300, "korteNaam": 100, "roepnaam": 100, "korteBeschrijving": 2000}
    for field, max_len in limits.items():
        if field in data:
            cleaned[_ATTRIBUTE[field]] = text_field(data, field, out, max_len=max_len,
                                               required=field == "naam",
                                               missing=wording.gettext("vul de naam in."))
    if "startdatum" in data:
        cleaned["startdatum"] = check_startdatum(data["startdatum"], today, out)
    if "isUitgeschrevenUitPubliekeDatastroom" in data:
        cleaned["opt_out"] = _bool(data, "isUitgeschrevenUitPubliekeDatastroom", out)
    if "doelgroep" in data:
        group = data["doelgroep"]
        if not isinstance(group, Mapping):
            out.add("doelgroep", wording.gettext("geef minimumleeftijd en/of maximumleeftijd."))
        else:
            for key in group:
                if key not in ("minimumleeftijd", "maximumleeftijd"):
                    out.add(f"doelgroep.{str(key)[:40]}", wording.gettext("dit veld bestaat niet."))
            low = _age(group.get("minimumleeftijd", current_min), "doelgroep.minimumleeftijd",
                       out)
            high = _age(group.get("maximumleeftijd", current_max), "doelgroep.maximumleeftijd",
                        out)
            if low is not None and high is not None:
                if low > high:
                    out.add("doelgroep.minimumleeftijd", wording.gettext(
                        "mag niet groter zijn dan de maximumleeftijd (%(max)s).", max=high))
                else:
                    cleaned["min_leeftijd"], cleaned["max_leeftijd"] = low, high
    if "hoofdactiviteiten" in data:
        cleaned["hoofdactiviteiten"] = _codes(data["hoofdactiviteiten"], "hoofdactiviteiten",
                                              activities, out, lambda codes: wording.gettext(
            "onbekende hoofdactiviteit: %(codes)s.", codes=codes))
    if "werkingsgebieden" in data:
        cleaned["werkingsgebieden"] = _codes(data["werkingsgebieden"], "werkingsgebieden",
                                             areas, out, lambda codes: wording.gettext(
            "onbekende werkingsgebied: %(codes)s.", codes=codes))
    out.done()
    return cleaned


def check_registration(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    """A new association's identity: naam, type, KBO number (none for FV/VZER), status."""
    out = Collector()
    cleaned: dict[str, Any] = {
        "naam": text_field(data, "naam", out, max_len=300, required=True,
                      missing=wording.gettext("vul de naam in.")),
    }
    kind = data.get("verenigingstype", "FV")
    if kind not in ASSOCIATION_TYPES:
        out.add("verenigingstype", wording.gettext("kies een van %(codes)s.",
                                                   codes=", ".join(ASSOCIATION_TYPES)))
    kbo = data.get("kboNummer")
    if kind in TYPES_WITHOUT_KBO:
        if kbo:
            out.add("kboNummer", wording.gettext(
                "een feitelijke vereniging heeft geen ondernemingsnummer.") if kind == "FV"
                else wording.gettext("een vereniging zonder eigen rechtspersoonlijkheid heeft "
                                     "geen ondernemingsnummer."))
        cleaned["kbo"] = None
    elif kind in ASSOCIATION_TYPES:
        try:
            cleaned["kbo"] = parse_kbo(kbo if kbo is not None else "")
        except InvalidIdentifier as exc:
            out.add("kboNummer", wording.lowered(exc.message))
    status = data.get("status", "Actief")
    if status not in STATUSES:
        out.add("status", wording.gettext("kies Actief, Gestopt of Dubbel."))
    cleaned.update(verenigingstype=kind, status=status,
                   startdatum=check_startdatum(data.get("startdatum"), today, out))
    out.done()
    return cleaned
