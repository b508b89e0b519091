"""Recognitions (erkenningen): a government recognises an association for one of its products.

A government client (scope ``associations:recognitions``) records a recognition for a catalog
product it publishes itself: a start, an end, a renewal date and the page where the renewal is
asked for (on one of the client's registered origins). The status follows from those facts and
today's date in Brussels:

- ``Verlopen`` once the end date has passed;
- else ``Geschorst`` while it is suspended (with a reason);
- else ``Actief`` from the start date on;
- else ``InAanvraag`` (no start date yet, or one still to come).

Each recognition is part of its association's record: recording, changing or removing one is a
change of the association like any other (:mod:`loket.register.changes`: its version goes up
and an event joins the change feed), and so is a status that moves by date:
:func:`move_by_date` is run by the scheduled job (``loket worker``), which finds the few rows
whose stored status is no longer the one their dates give, and moves each under its
association's lock, checked again there — two workers at once move each once.

A client changes only the recognitions it recorded. No Flask here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from loket import db
from loket.errors import Forbidden, NotFound
from loket.models import Association, CatalogProduct, Recognition
from loket.register import changes, wording
from loket.register.changes import Actor
from loket.register.validation import (
    Collector,
    InvalidRecord,
    calendar_date,
    is_http_url,
    text_field,
    unknown_fields,
)
from loket.trust import Binding

IN_AANVRAAG, ACTIEF, GESCHORST, VERLOPEN = "InAanvraag", "Actief", "Geschorst", "Verlopen"
STATUSES = (IN_AANVRAAG, ACTIEF, GESCHORST, VERLOPEN)
FIELDS = ("productnummer", "startdatum", "einddatum", "hernieuwingsdatum", "hernieuwingsUrl",
          "redenSchorsing")
_ATTRIBUTE = {"startdatum": "startdatum", "einddatum": "einddatum",
              "hernieuwingsdatum": "hernieuwingsdatum", "hernieuwingsUrl": "hernieuwings_url",
              "redenSchorsing": "reden_schorsing"}
BRUSSELS = ZoneInfo("Europe/Brussels")


def today() -> str:
    """Today's date in Brussels, as the recognitions' dates are written (JJJJ-MM-DD)."""
    return datetime.now(BRUSSELS).date().isoformat()


def status_on(rec: Recognition | Mapping[str, Any], day: str) -> str:
    """The status a recognition's facts give on ``day``."""
    get = rec.get if isinstance(rec, Mapping) else lambda name: getattr(rec, name)
    end, start = get("einddatum"), get("startdatum")
    if end and end < day:
        return VERLOPEN
    if get("reden_schorsing"):
        return GESCHORST
    if start and start <= day:
        return ACTIEF
    return IN_AANVRAAG


# ---- checking what a government sends --------------------------------------------------------

def _date(data: Mapping[str, Any], field: str, out: Collector) -> str | None:
    parsed = calendar_date(data.get(field), out, field)
    if parsed is None:
        return None
    if not 1900 <= parsed.year <= 2200:
        out.add(field, wording.gettext("ligt buiten de jaren 1900 tot 2200."))
        return None
    return parsed.isoformat()


def check(data: Mapping[str, Any], binding: Binding, *,
          current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The recognition's fields (model attribute names) from a request's body: all of them for
    a new one, those sent over ``current`` for a change. Every problem at once."""
    out = Collector()
    unknown_fields(data, FIELDS if current is None else FIELDS[1:], out)
    if current is not None and "productnummer" in data:
        out.add("productnummer", wording.gettext(
            "een erkenning blijft bij haar product; verwijder ze en leg een nieuwe vast."))
    merged: dict[str, Any] = dict(current or {})
    if current is None:
        product = text_field(data, "productnummer", out, max_len=100, required=True, missing=wording
                        .gettext("vul het productnummer in van het product uit jouw catalogus "
                                 "waarvoor de erkenning geldt."))
        merged["product_id"] = product
    for field in ("startdatum", "einddatum", "hernieuwingsdatum"):
        if current is None or field in data:
            merged[field] = _date(data, field, out)
    if current is None or "hernieuwingsUrl" in data:
        url = text_field(data, "hernieuwingsUrl", out, max_len=2000)
        if url is not None and not is_http_url(url):
            out.add("hernieuwingsUrl", wording.gettext(
                "moet een volledige http- of https-link zijn (bv. https://www.gemeente.be/…)."))
            url = None
        elif url is not None and binding.link_problem(url):
            out.add("hernieuwingsUrl", wording.gettext(
                "moet op een van de websites liggen die voor deze client geregistreerd zijn "
                "(%(origins)s).", origins=", ".join(binding.origins) or "—"))
            url = None
        merged["hernieuwings_url"] = url
    if current is None or "redenSchorsing" in data:
        merged["reden_schorsing"] = text_field(data, "redenSchorsing", out, max_len=500)
    start, end, renew = (merged.get("startdatum"), merged.get("einddatum"),
                         merged.get("hernieuwingsdatum"))
    if start and end and end < start:
        out.add("einddatum", wording.gettext("mag niet vóór de startdatum (%(date)s) liggen.",
                                             date=start))
    if renew and end and renew > end:
        out.add("hernieuwingsdatum", wording.gettext(
            "ligt na de einddatum (%(date)s): hernieuwen kan alleen zolang de erkenning loopt.",
            date=end))
    if merged.get("reden_schorsing") and not start:
        out.add("redenSchorsing", wording.gettext(
            "alleen een erkenning die gestart is, kan geschorst worden: vul de startdatum in."))
    out.done()
    return merged


def fields(rec: Recognition) -> dict[str, Any]:
    """The recognition under the API's names (as its events name them)."""
    return {"productnummer": rec.product_id, "organisatie": rec.organisation,
            "startdatum": rec.startdatum, "einddatum": rec.einddatum,
            "hernieuwingsdatum": rec.hernieuwingsdatum, "hernieuwingsUrl": rec.hernieuwings_url,
            "redenSchorsing": rec.reden_schorsing, "status": rec.status}


def _own_product(session: Session, binding: Binding, product_id: str) -> CatalogProduct:
    product = session.scalar(select(CatalogProduct).where(
        CatalogProduct.product_key == product_id.lower()))
    if product is None or product.publisher != binding.client_id:
        raise InvalidRecord.one("productnummer", wording.gettext(
            "%(product)s is geen product uit de catalogus van deze client: een overheid erkent "
            "voor haar eigen producten (publiceer het eerst met scope catalog:write).",
            product=product_id[:100]))
    return product


def _own(assoc: Association, rec_id: int, binding: Binding) -> Recognition:
    for rec in assoc.recognitions:
        if rec.id == rec_id:
            if rec.client_id != binding.client_id:
                raise Forbidden("not_yours", wording.gettext(
                    "Deze erkenning is vastgelegd door %(organisation)s: alleen wie ze vastlegde, "
                    "wijzigt ze.", organisation=rec.organisation))
            return rec
    raise NotFound("not_found", wording.gettext(
        "Deze vereniging heeft geen erkenning met id %(id)s.", id=rec_id))


# ---- changes (each one an event of the association) -----------------------------------------

def add(session: Session, assoc: Association, data: Mapping[str, Any], binding: Binding,
        actor: Actor) -> Recognition:
    cleaned = check(data, binding)
    product = _own_product(session, binding, cleaned["product_id"])
    if any(r.product_key == product.product_key and status_on(r, today()) != VERLOPEN
           for r in assoc.recognitions):
        raise changes.RecordConflict("already_recognised", "productnummer", wording.gettext(
            "%(name)s heeft al een lopende erkenning voor %(product)s: wijzig die.",
            name=assoc.naam, product=product.product_id))
    now = db.now()
    rec = Recognition(product_id=product.product_id, product_key=product.product_key,
                      client_id=binding.client_id, organisation=binding.organisation,
                      created_at=now, updated_at=now,
                      **{k: cleaned[k] for k in ("startdatum", "einddatum", "hernieuwingsdatum",
                                                 "hernieuwings_url", "reden_schorsing")})
    rec.status = status_on(rec, today())
    assoc.recognitions.append(rec)
    session.flush()
    changes.record_event(session, assoc, "ErkenningWerdGeregistreerd",
                         {"erkenningId": rec.id, **fields(rec)}, actor)
    return rec


def update(session: Session, assoc: Association, rec_id: int, data: Mapping[str, Any],
           binding: Binding, actor: Actor) -> Recognition:
    rec = _own(assoc, rec_id, binding)
    current = {attr: getattr(rec, attr) for attr in _ATTRIBUTE.values()}
    cleaned = check(data, binding, current=current)
    before = fields(rec)
    for attr in _ATTRIBUTE.values():
        setattr(rec, attr, cleaned[attr])
    rec.status = status_on(rec, today())
    after = fields(rec)
    diff = changes.field_changes(before, after)
    if diff:
        rec.updated_at = db.now()
        suspended = (before["redenSchorsing"] is None) != (after["redenSchorsing"] is None)
        kind = ("ErkenningWerdGeschorst" if after["redenSchorsing"] else
                "SchorsingErkenningWerdOpgeheven") if suspended else "ErkenningWerdGewijzigd"
        changes.record_event(session, assoc, kind, {"erkenningId": rec.id, "gewijzigd": diff},
                             actor)
    return rec


def remove(session: Session, assoc: Association, rec_id: int, binding: Binding,
           actor: Actor) -> None:
    rec = _own(assoc, rec_id, binding)
    gone = fields(rec)
    assoc.recognitions.remove(rec)
    changes.record_event(session, assoc, "ErkenningWerdVerwijderd",
                         {"erkenningId": rec_id, **gone}, actor)


# ---- the scheduled job -----------------------------------------------------------------------

_EVENT_OF = {ACTIEF: "ErkenningWerdActief", VERLOPEN: "ErkenningWerdVerlopen",
             IN_AANVRAAG: "ErkenningWerdInAanvraag", GESCHORST: "ErkenningWerdGeschorst"}


@dataclass(frozen=True)
class Moved:
    """What one run of :func:`move_by_date` did."""

    looked_at: int
    moved: dict[str, int]


def due(session: Session, day: str, limit: int = 500) -> list[tuple[int, str]]:
    """(recognition id, vCode) of recognitions whose stored status their dates no longer give:
    started while in aanvraag, or ended while not yet expired (index range scans)."""
    started = and_(Recognition.status == IN_AANVRAAG, Recognition.startdatum <= day,
                   Recognition.reden_schorsing.is_(None))
    ended = and_(Recognition.status.in_((IN_AANVRAAG, ACTIEF, GESCHORST)),
                 Recognition.einddatum < day)
    rows = session.execute(
        select(Recognition.id, Association.vcode)
        .join(Association, Association.id == Recognition.association_id)
        .where(or_(started, ended)).order_by(Recognition.id).limit(limit))
    return [(row[0], row[1]) for row in rows]


def move_by_date(session: Session, day: str | None = None, *, batch: int = 500) -> Moved:
    """Move every recognition whose status its dates changed, one association at a time, each
    under its association's lock and committed with its event (and audit entry)."""
    from loket.register import service  # service imports this module's callers

    day = day or today()
    moved: dict[str, int] = {}
    looked = 0
    while True:
        found = due(session, day, batch)
        session.rollback()  # end the read: each move takes its own write transaction
        if not found:
            break
        progressed = False
        for rec_id, vcode in found:
            looked += 1
            assoc = changes.find(session, vcode, lock=True)
            held = next((r for r in assoc.recognitions if r.id == rec_id), None)
            if held is None or status_on(held, day) == held.status:
                session.rollback()  # another worker moved it first
                continue
            old, new = held.status, status_on(held, day)
            rec_now: Recognition = held

            def apply(rec: Recognition = rec_now, old: str = old, new: str = new,
                      assoc: Association = assoc) -> None:
                rec.status = new
                rec.updated_at = db.now()
                changes.record_event(session, assoc, _EVENT_OF[new], {
                    "erkenningId": rec.id, "productnummer": rec.product_id,
                    "status": {"oud": old, "nieuw": new}, "datum": day}, changes.SYSTEM)

            service.commit_change(session, assoc, changes.SYSTEM, None, apply, _EVENT_OF[new],
                                  inactive_too=True)
            moved[new] = moved.get(new, 0) + 1
            progressed = True
        if not progressed or len(found) < batch:
            break
    return Moved(looked, moved)


def holding(session: Session, vcode: str, day: str | None = None) -> list[Recognition]:
    """The recognitions an association holds now (status Actief), for the catalog's relevance
    and the reminders."""
    day = day or today()
    return [r for r in session.scalars(
        select(Recognition).join(Association, Association.id == Recognition.association_id)
        .where(Association.vcode == vcode, Recognition.status == ACTIEF))
        if status_on(r, day) == ACTIEF]
