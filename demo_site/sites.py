"""What makes each demo site itself: name, host, theme, texts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    municipality: str
    werkingsgebied: str  # the municipality's code: where the catalog and association panels start
    tagline: str
    default_url: str
    prefix: str  # of the numbers of requests made on the site's e-loket (GB-E-2026-0001)
    # who handles the e-loket's requests, as each dossier names them
    handler: dict[str, Any] = field(default_factory=dict)


SITES = {
    "groenbeek": Site(
        id="groenbeek",
        name="Gemeente Groenbeek",
        municipality="Groenbeek",
        werkingsgebied="BE23999001",
        tagline="Een groene gemeente aan de Schelde, met 130 verenigingen.",
        default_url="http://127.0.0.2:8001",
        prefix="GB",
        handler={"department": "Dienst Vrije Tijd", "phone": "09 999 12 34",
                 "email": "vrijetijd@groenbeek.example"},
    ),
    "rivierstede": Site(
        id="rivierstede",
        name="Stad Rivierstede",
        municipality="Rivierstede",
        werkingsgebied="BE24999002",
        tagline="Stad aan de rivier, met een bruisend verenigingsleven.",
        default_url="http://127.0.0.3:8002",
        prefix="RS",
        handler={"department": "Onthaal Vrije Tijd", "phone": "016 99 45 00",
                 "email": "info@rivierstede.example"},
    ),
}
