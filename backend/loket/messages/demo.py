"""The demo's recognitions and messages: Groenbeek recognises Jeugdhuis De Schakel (its
renewal due in six weeks, so the reminder is there) and tells the youth associations of
Groenbeek about its youth grant. Idempotent: a second seed changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket import clients
from loket.messages import store, system
from loket.models import Recognition
from loket.register import changes, recognitions
from loket.register.demo import SEED_ACTOR
from loket.trust import Binding

PUBLISHER = "catalog-groenbeek"
SCHAKEL = "V0001002"
GROENBEEK = "BE23999001"


def seed(session: Session, now: int) -> None:
    client = clients.get(session, PUBLISHER)
    if client is None:
        return
    binding = Binding.of(client)
    today = date.fromisoformat(recognitions.today())
    assoc = changes.find(session, SCHAKEL, lock=True)
    if not session.scalar(select(Recognition.id).where(
            Recognition.association_id == assoc.id, Recognition.product_key == "gb-erkenning")):
        recognitions.add(session, assoc, {
            "productnummer": "GB-ERKENNING", "startdatum": str(today - timedelta(days=700)),
            "einddatum": str(today + timedelta(days=75)),
            "hernieuwingsdatum": str(today + timedelta(days=45)),
            "hernieuwingsUrl": "https://loket.groenbeek.example/aanvragen/erkenning"},
            binding, SEED_ACTOR)
        session.flush()
    for rec, vcode, stage in system.due_reminders(session, today.isoformat()):
        system.write_reminder(session, rec, vcode, stage)
    store.publish(
        session, sender=binding.client_id, organisation=binding.organisation,
        kind=store.KIND_MESSAGE, category="subsidie",
        title={"nl": "Vraag nu je jeugdsubsidie aan", "fr": "Demandez maintenant votre subside "
               "jeunesse", "de": "Beantragen Sie jetzt Ihren Jugendzuschuss",
               "en": "Apply for your youth grant now"},
        body={"nl": "Jeugdverenigingen uit Groenbeek kunnen tot 31 maart een werkingssubsidie "
                    "aanvragen. Je aanvraag is al voor een deel ingevuld met de gegevens uit "
                    "het verenigingsregister.",
              "en": "Youth associations in Groenbeek can apply for an operating grant until "
                    "31 March. Your application is partly filled in from the association "
                    "register."},
        product_id="GB-SUB-JEUGD",
        target=store.Target("filter", activities=("JGDW",), areas=(GROENBEEK,)),
        key="demo-jeugdsubsidie", now=now)
