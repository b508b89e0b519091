"""``loket seed-demo``: the contract's fictional demo data set, idempotent.

Each feature keeps its own demo data and loader (``register/demo.py``, ``dossiers/demo.py``,
``catalog/demo.py``) and its bulk generator (``*/bulk.py``); this module only runs the loaders in
order: the demo municipalities first, since every feature's demo data points at them, the demo
sites last.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from loket import demo_municipalities, reference
from loket.catalog import demo as catalog_demo
from loket.dossiers import demo as dossier_demo
from loket.messages import demo as messages_demo
from loket.register import demo as register_demo
from loket.register.bulk import add as bulk_associations
from loket.register.demo import PERSONS

__all__ = ["PERSONS", "bulk_associations", "seed_demo"]


def seed_demo(session: Session, instance: Path, *, allow_http_anywhere: bool) -> dict[str, Any]:
    """Load (or refresh) the demo data set; returns the demo clients' credentials."""
    now = int(time.time())
    reference.sync(session)
    demo_municipalities.add_to_code_list(session)
    session.flush()
    register_demo.seed(session, now)
    dossier_demo.seed(session, instance, now, allow_http_anywhere=allow_http_anywhere)
    catalog_demo.seed(session, instance, now, allow_http_anywhere=allow_http_anywhere)
    session.flush()
    messages_demo.seed(session, now)  # after the catalog: its publisher and products
    return demo_municipalities.register_sites(session, instance,
                                              allow_http_anywhere=allow_http_anywhere)
