"""The messages Loket writes itself: recognition reminders and dossiers that need action.

- **Reminders**: :func:`remind_renewals` (a daily job of ``loket worker``) tells an association
  60 and 14 days before a recognition's renewal date, with the renewal link, in the name of the
  government that recognised it. Each reminder has a key of its own (recognition, stage, renewal
  date), so however often, and by however many workers, the job runs, each is written once; and
  only the nearest stage is sent, so a recognition recorded ten days before its renewal date
  gets one reminder, not two.
- **Action needed**: :func:`dossier_needs_action` is called by the dossier intake, in the
  transaction that stores a status change asking for action, and tells each agent of the
  dossier (once per dossier version).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loket import timefmt
from loket.errors import LANGUAGES
from loket.messages import store
from loket.models import Association, CatalogProduct, Dossier, DossierAgent, Recognition
from loket.register import recognitions, wording

log = logging.getLogger(__name__)
STAGES = (14, 60)  # days before the renewal date; the nearest one that applies is sent
_KINDS = {"vCode": "VER", "INSZ": "BUR", "KBO": "EA"}


def stage_for(days_left: int) -> int | None:
    """The reminder due with ``days_left`` to the renewal date (None: none yet, or too late)."""
    if days_left < 0:
        return None
    return next((stage for stage in STAGES if days_left <= stage), None)


def _product_title(session: Session, product_id: str) -> dict[str, str]:
    product = session.scalar(select(CatalogProduct).where(
        CatalogProduct.product_key == product_id.lower()))
    titles = (product.data.get("title") if product is not None else None) or {}
    return {lang: titles.get(lang) or titles.get("nl") or product_id for lang in store.LANGUAGES}


def due_reminders(session: Session, day: str) -> list[tuple[Recognition, str, int]]:
    """(recognition, vCode, stage) of the reminders due on ``day`` (Brussels), written or not."""
    today = date.fromisoformat(day)
    horizon = (today + timedelta(days=max(STAGES))).isoformat()
    rows = session.execute(
        select(Recognition, Association.vcode)
        .join(Association, Association.id == Recognition.association_id)
        .where(Recognition.status == recognitions.ACTIEF, Association.status == "Actief",
               Recognition.hernieuwingsdatum >= day, Recognition.hernieuwingsdatum <= horizon)
        .order_by(Recognition.id)).all()
    due = []
    for rec, vcode in rows:
        assert rec.hernieuwingsdatum is not None
        stage = stage_for((date.fromisoformat(rec.hernieuwingsdatum) - today).days)
        if stage is not None and recognitions.status_on(rec, day) == recognitions.ACTIEF:
            due.append((rec, vcode, stage))
    return due


def _day(value: str | None) -> dict[str, str]:
    """A date as each language writes it (17-02-2027, 17/02/2027, 17.02.2027)."""
    return {lang: timefmt.calendar_day(value, lang) for lang in LANGUAGES}


def write_reminder(session: Session, rec: Recognition, vcode: str, stage: int) -> bool:
    """The reminder of ``stage`` in the caller's transaction; False when it was written before."""
    product = _product_title(session, rec.product_id)
    values = {"product": product, "renew": _day(rec.hernieuwingsdatum),
              "end": _day(rec.einddatum) if rec.einddatum else "—"}
    done = store.publish(
        session, sender=rec.client_id, organisation=rec.organisation,
        kind=store.KIND_REMINDER, category="erkenning",
        title=wording.gettext("Vraag de hernieuwing van je erkenning aan: %(product)s",
                              **values),
        body=wording.gettext(
            "Je erkenning voor %(product)s loopt tot %(end)s. Vraag de hernieuwing aan "
            "vóór %(renew)s.", **values),
        link=rec.hernieuwings_url, product_id=rec.product_id,
        target=store.Target("verenigingen", (vcode,)),
        key=f"herinnering:{rec.id}:{stage}:{rec.hernieuwingsdatum}")
    return done.created


def remind_renewals(session: Session, day: str | None = None) -> int:
    """Write the reminders due on ``day`` (Brussels); returns how many were written. Each one
    is committed on its own (a clash with another worker loses only that one, which the other
    wrote)."""
    day = day or recognitions.today()
    due = due_reminders(session, day)
    session.rollback()
    written = 0
    for rec, vcode, stage in due:
        try:
            written += int(write_reminder(session, rec, vcode, stage))
            session.commit()
        except IntegrityError:
            session.rollback()  # another worker wrote this very reminder
    if written:
        log.info("recognition reminders: %s written for %s", written, day)
    return written


def dossier_needs_action(session: Session, source: str, organisation: str,
                         dossiers: Iterable[Dossier],
                         agents: Sequence[tuple[int, str, str]]) -> int:
    """A message to every agent of each dossier that now asks for action (``agents``:
    (dossier id, kind, identifier)); in the caller's transaction. Returns how many."""
    by_dossier: dict[int, list[tuple[str, str]]] = {}
    for dossier_id, kind, identifier in agents:
        by_dossier.setdefault(dossier_id, []).append((identifier, _KINDS.get(kind, "BUR")))
    written = 0
    for dossier in dossiers:
        if not dossier.action_required or not by_dossier.get(dossier.id):
            continue
        values = {"name": dossier.name, "number": dossier.number}
        text = dossier.action_text or ""
        body = wording.gettext("Voor je dossier %(name)s (%(number)s) is een actie van jou "
                               "nodig.", **values)
        if text:
            body = {lang: f"{value}\n\n{text}" for lang, value in body.items()}
        done = store.publish(
            session, sender=source, organisation=organisation, kind=store.KIND_DOSSIER,
            category="actie-nodig",
            title=wording.gettext("Actie nodig: %(name)s", **values), body=body,
            link=dossier.link, dossier_id=dossier.id,
            target=store.Target("agents", pairs=tuple(by_dossier[dossier.id]),
                                described={"dossier": dossier.number}),
            key=f"dossier:{dossier.id}:{dossier.version}")
        written += int(done.created)
    return written


def agents_of(session: Session, dossier_ids: Sequence[int]) -> list[tuple[int, str, str]]:
    return [(row[0], row[1], row[2]) for row in session.execute(
        select(DossierAgent.dossier_id, DossierAgent.kind, DossierAgent.identifier)
        .where(DossierAgent.dossier_id.in_(dossier_ids)))]
