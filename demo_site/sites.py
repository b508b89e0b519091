"""What makes each demo site itself: name, host, theme, texts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    municipality: str
    werkingsgebied: str  # the municipality's code: where the catalog and association panels start
    tagline: str
    default_url: str


SITES = {
    "groenbeek": Site(
        id="groenbeek",
        name="Gemeente Groenbeek",
        municipality="Groenbeek",
        werkingsgebied="BE23999001",
        tagline="Een groene gemeente aan de Schelde, met 130 verenigingen.",
        default_url="http://127.0.0.2:8001",
    ),
    "rivierstede": Site(
        id="rivierstede",
        name="Stad Rivierstede",
        municipality="Rivierstede",
        werkingsgebied="BE24999002",
        tagline="Stad aan de rivier, met een bruisend verenigingsleven.",
        default_url="http://127.0.0.3:8002",
    ),
}
