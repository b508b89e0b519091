"""Generated associations in bulk (``loket seed-demo --associations N``), for benchmarks and
load tests: each with one representative (a generated citizen) and its registration event.

Additive: each run adds N more, numbered after the highest association id so far.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from loket import reference
from loket.identifiers import format_vcode, make_insz, make_kbo
from loket.models import (
    Association,
    AssociationActivity,
    AssociationArea,
    AssociationEvent,
    Person,
    Representative,
)
from loket.register import changes, demo

_WORDS = ("Sportclub", "Harmonie", "Toneelkring", "Wandelclub", "Jeugdbeweging", "Buurtcomité",
          "Fotoclub", "Schaakclub", "Koor", "Volleybalclub", "Imkersbond", "Fietsclub",
          "Kookclub", "Dansschool", "Natuurpunt", "Muziekvereniging", "Zwemclub", "Gezinsbond")
_NAMES = ("De Vlinder", "Sint-Jan", "Vooruit", "De Eik", "Morgenrood", "Het Anker", "De Toekomst",
          "Zonnebloem", "Ons Dorp", "De Brug", "Kameleon", "Horizon", "De Linde", "Groen Licht")


def _bulk_insz(n: int) -> str:
    """A valid INSZ unique per n (< 2.2 million); serials 900+ never meet the demo persons."""
    k = n // 97
    birth = f"{30 + k % 70:02d}{1 + (k // 70) % 12:02d}{1 + (k // 840) % 28:02d}"
    return make_insz(birth, 900 + n % 97)


def _registered(session: Session, added: list[Association]) -> None:
    """The registration events of a batch, under one reservation of sequence numbers."""
    if not added:
        return
    first = changes.reserve_seqs(session, len(added))
    at = changes.now_iso()
    session.execute(insert(cast(Table, AssociationEvent.__table__)), [{
        "seq": first + i, "association_id": a.id, "vcode": a.vcode, "version": 1,
        "type": "VerenigingWerdGeregistreerd", "at": at, "actor": demo.SEED_ACTOR.actor,
        "capacity": None, "client_id": None,
        "data": {"naam": a.naam, "verenigingstype": a.verenigingstype, "kboNummer": a.kbo,
                 "status": a.status},
    } for i, a in enumerate(added)])


def add(session: Session, count: int, *, seed: int = 42,
        progress: Callable[[int], None] | None = None) -> int:
    """Add ``count`` generated associations (with one representative each), in batches."""
    rng = random.Random(seed)
    areas = [r["code"] for r in reference.werkingsgebieden() if r["level"] == "municipality"]
    activities = [r["code"] for r in reference.hoofdactiviteiten()]
    now = int(time.time())
    start = (session.scalar(select(func.max(Association.id))) or 0) + 2000
    batch = 1000
    done = 0
    added: list[Association] = []
    while done < count:
        size = min(batch, count - done)
        for i in range(size):
            n = start + done + i
            person = Person(
                insz=_bulk_insz(n),
                given_name=rng.choice(("Lies", "Tom", "Sara", "Ahmed", "Noor", "Bart", "Ine")),
                family_name=rng.choice(("Maes", "Jacobs", "Willems", "Mertens", "Dubois")),
                created_at=now,
            )
            assoc = Association(
                vcode=format_vcode(n), naam=f"{rng.choice(_WORDS)} {rng.choice(_NAMES)} {n}",
                korte_beschrijving="Gegenereerde vereniging voor tests en metingen.",
                verenigingstype=rng.choice(("FV", "VZER", "VZW")), status="Actief",
                created_at=now, updated_at=now, version=1,
            )
            if assoc.verenigingstype == "VZW":
                assoc.kbo = make_kbo(10_000_000 + n)  # KBO numbers start with 0 or 1
            assoc.activities = [AssociationActivity(code=c)
                                for c in rng.sample(activities, rng.randint(1, 3))]
            assoc.areas = [AssociationArea(code=c) for c in rng.sample(areas, rng.randint(1, 2))]
            session.add(assoc)
            session.add(Representative(association=assoc, person=person, rol="voorzitter",
                                       is_primair=True))
            added.append(assoc)
        session.flush()
        _registered(session, added)
        added.clear()
        done += size
        if progress:
            progress(size)
    return done
