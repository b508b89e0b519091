"""The demo e-loket's request forms: what each product asks, and where a prefilled field comes
from.

Every form starts with the applicant: the person (from their sign-in) and, acting for an
association or a company, that organisation (from the register's government exchange, or the
capacity the person chose). Then what the product itself needs, then an optional attachment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import (
    DateField,
    EmailField,
    Field,
    IntegerField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

MAX_UPLOAD = 5 * 1024 * 1024  # bytes: one attachment
# (content type, the bytes a real file of that type starts with, extensions)
UPLOAD_TYPES = (
    ("application/pdf", b"%PDF-", (".pdf",)),
    ("image/png", b"\x89PNG\r\n\x1a\n", (".png",)),
    ("image/jpeg", b"\xff\xd8\xff", (".jpg", ".jpeg")),
)
EMAIL = Regexp(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$", message="Geef een geldig e-mailadres.")
PHONE = Regexp(r"^\+?[0-9][0-9 ()./-]{4,28}[0-9]$",
               message="Geef een telefoonnummer in cijfers, bv. 09 999 12 34.")

# Where a prefilled value came from, as the form says it.
SOURCES = {
    "aanmelding": "Uit je aanmelding",
    "register": "Uit het verenigingsregister",
    "hoedanigheid": "Waarvoor je aangemeld bent",
}


@dataclass(frozen=True)
class RequestForm:
    path: str
    product_id: str
    title: str
    kind: str  # subsidie, evenement, reservatie
    dossier_type: str  # the dossier's type in Loket
    intro: str
    choices: tuple[str, ...] = ()  # a reservation: the rooms or the material


FORMS: dict[str, tuple[RequestForm, ...]] = {
    "groenbeek": (
        RequestForm("/aanvragen/sportsubsidie", "GB-SUB-SPORT", "Subsidie voor sportverenigingen",
                    "subsidie", "Subsidie",
                    "Een jaarlijkse werkingssubsidie per actief lid, met extra steun voor "
                    "gediplomeerde trainers."),
        RequestForm("/aanvragen/evenement", "GB-EVENEMENT", "Evenement melden",
                    "evenement", "Melding",
                    "Meld een evenement op openbaar domein of in een tent ten minste zes weken "
                    "vooraf."),
        RequestForm("/reserveren/zalen", "GB-ZAAL", "Een gemeentelijke zaal huren",
                    "reservatie", "Reservatie",
                    "Reserveer een zaal voor een activiteit van je vereniging of een feest.",
                    ("Zaal Dorpsplein (80 personen)", "Sporthal De Meersen",
                     "Vergaderzaal Het Anker (20 personen)")),
        RequestForm("/reserveren/materiaal", "GB-UITLEEN", "Feestmateriaal lenen",
                    "reservatie", "Reservatie",
                    "Leen tafels, stoelen, nadarhekken, een podium of een geluidsinstallatie.",
                    ("Tafels en stoelen", "Nadarhekken", "Podium", "Geluidsinstallatie")),
    ),
    "rivierstede": (
        RequestForm("/sportimpuls", "RS-SUB-SPORT", "Impulssubsidie sportclubs",
                    "subsidie", "Subsidie",
                    "Steun voor sportclubs die nieuwe leden, trainers of een jeugdwerking "
                    "aantrekken."),
        RequestForm("/evenement", "RS-EVENEMENT", "Evenement organiseren",
                    "evenement", "Melding",
                    "Meld je evenement: de stad bekijkt veiligheid, mobiliteit en geluid."),
        RequestForm("/zaalhuur", "RS-ZAAL", "Zaal huren in cultuurcentrum De Oever",
                    "reservatie", "Reservatie",
                    "Huur een zaal van De Oever voor een voorstelling, tentoonstelling of "
                    "vergadering.",
                    ("Theaterzaal (300 plaatsen)", "Foyer", "Tentoonstellingsruimte")),
    ),
}


def form_by_path(site_id: str, path: str) -> RequestForm | None:
    return next((f for f in FORMS.get(site_id, ()) if f.path == path), None)


# ---- the fields -------------------------------------------------------------------------------

def _text(label: str, *, required: bool = True, max_length: int = 200, **kw: Any) -> Field:
    checks = [DataRequired("Vul dit veld in.") if required else Optional(),
              Length(max=max_length, message=f"Hoogstens {max_length} tekens.")]
    return StringField(label, validators=checks + kw.pop("extra", []), **kw)


def _applicant(code: str) -> dict[str, Field]:
    fields: dict[str, Field] = {
        "naam": _text("Je naam", max_length=120, render_kw={"autocomplete": "name"}),
        "email": EmailField("Je e-mailadres", validators=[
            DataRequired("Vul je e-mailadres in: daarop krijg je antwoord."),
            Length(max=254), EMAIL], render_kw={"autocomplete": "email"}),
        "telefoon": TelField("Je telefoonnummer", validators=[Optional(), PHONE],
                             render_kw={"autocomplete": "tel"}),
    }
    if code == "VER":
        fields |= {
            "organisatie": _text("Naam van de vereniging", max_length=200),
            "adres": _text("Adres van de vereniging", max_length=300,
                           description="Straat en nummer, postcode en gemeente"),
            "organisatie_email": EmailField("E-mailadres van de vereniging", validators=[
                Optional(), Length(max=254), EMAIL]),
        }
    elif code == "EA":
        fields |= {"organisatie": _text("Naam van de onderneming", max_length=200)}
    return fields


def _product(form: RequestForm) -> dict[str, Field]:
    if form.kind == "subsidie":
        return {
            "leden": IntegerField("Aantal actieve leden", validators=[
                DataRequired("Vul het aantal leden in (een getal)."),
                NumberRange(1, 100000, "Een aantal van 1 tot 100 000.")]),
            "trainers": IntegerField("Aantal gediplomeerde trainers", validators=[
                Optional(), NumberRange(0, 10000, "Een aantal van 0 tot 10 000.")]),
            "toelichting": TextAreaField("Toelichting", validators=[
                Optional(), Length(max=2000, message="Hoogstens 2000 tekens.")]),
        }
    if form.kind == "evenement":
        return {
            "evenement": _text("Naam van het evenement"),
            "datum": DateField("Datum", validators=[DataRequired("Kies de datum.")]),
            "plaats": _text("Waar (adres of plek)", max_length=300),
            "bezoekers": IntegerField("Verwacht aantal bezoekers", validators=[
                DataRequired("Vul een getal in."),
                NumberRange(1, 1000000, "Een aantal van 1 tot 1 000 000.")]),
            "toelichting": TextAreaField("Wat gebeurt er? (muziek, tent, afsluiting straat …)",
                                         validators=[Optional(), Length(max=2000)]),
        }
    return {
        "wat": SelectField("Wat wil je reserveren?", choices=[(c, c) for c in form.choices],
                           validators=[DataRequired("Kies wat je wilt reserveren.")]),
        "datum": DateField("Datum", validators=[DataRequired("Kies de datum.")]),
        "van": TimeField("Van (uur)", validators=[DataRequired("Kies het beginuur.")]),
        "tot": TimeField("Tot (uur)", validators=[DataRequired("Kies het einduur.")]),
        "doel": _text("Waarvoor?", max_length=300),
    }


def attachment_field(label: str = "Bijlage (niet verplicht)") -> Field:
    return FileField(label, validators=[FileSize(MAX_UPLOAD, message=(
        "Een bijlage is hoogstens 5 MB."))],
        description="Een PDF, PNG of JPEG van hoogstens 5 MB, bv. een begroting of ledenlijst.",
        render_kw={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"})


def form_class(form: RequestForm, code: str) -> type[FlaskForm]:
    """The FlaskForm (CSRF included) of ``form`` for someone acting as ``code``."""
    fields: dict[str, Any] = {**_applicant(code), **_product(form),
                              "bijlage": attachment_field()}
    return type(f"Form_{form.product_id.replace('-', '_')}_{code}", (FlaskForm,), fields)


def applicant_fields(code: str) -> tuple[str, ...]:
    return tuple(_applicant(code))


class AnswerForm(FlaskForm):
    """The person's answer to a question of the municipality ("actie nodig")."""

    antwoord = TextAreaField("Je antwoord", validators=[
        DataRequired("Schrijf je antwoord."), Length(max=2000, message="Hoogstens 2000 tekens.")])
    bijlage = attachment_field("Bijlage")
    version = StringField(render_kw={"hidden": True})


def sniff(head: bytes, filename: str) -> str | None:
    """The content type of an upload, judged by its first bytes and its name (both must agree);
    None for anything else (an executable, HTML, a renamed file)."""
    lowered = filename.lower()
    for content_type, magic, extensions in UPLOAD_TYPES:
        if head.startswith(magic) and lowered.endswith(extensions):
            return content_type
    return None
