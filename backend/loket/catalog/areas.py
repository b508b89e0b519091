"""The werkingsgebieden as a tree: a municipality lies in its province, a province in its region.

Municipality → province comes from the code list's ``provincie`` column; province → region from
the NUTS codes themselves (a region's code is the prefix of its provinces' codes: ``BE23`` lies
in ``BE2``, Vlaams Gewest). Brussels' municipalities lie directly in region ``BE10``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.catalog import codes
from loket.models import Werkingsgebied

LEVEL_ORDER = {"municipality": 0, "province": 1, "region": 2}


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str
    parent: str | None


@dataclass
class AreaTree:
    areas: dict[str, Area]
    children: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> AreaTree:
        rows = session.execute(select(Werkingsgebied.code, Werkingsgebied.naam,
                                      Werkingsgebied.niveau, Werkingsgebied.provincie)).all()
        regions = [r.code for r in rows if r.niveau == "region"]
        areas: dict[str, Area] = {}
        for code, name, level, province in rows:
            if level == "municipality":
                parent = province
            elif level == "province":
                parent = next((r for r in regions if code.startswith(r) and code != r), None)
            else:
                parent = None
            areas[code] = Area(code, name, level, parent)
        tree = cls(areas)
        for area in areas.values():
            if area.parent:
                tree.children.setdefault(area.parent, []).append(area.code)
        return tree

    def __contains__(self, code: object) -> bool:
        return code in self.areas

    def ancestors(self, code: str) -> list[str]:
        """The area itself, then its province, then its region."""
        chain: list[str] = []
        current: str | None = code
        while current and current in self.areas and current not in chain:
            chain.append(current)
            current = self.areas[current].parent
        return chain

    def descendants(self, code: str) -> list[str]:
        found: list[str] = []
        stack = list(self.children.get(code, ()))
        while stack:
            child = stack.pop()
            found.append(child)
            stack.extend(self.children.get(child, ()))
        return found

    def overlapping(self, area_codes: list[str] | tuple[str, ...]) -> set[str]:
        """Every code whose area overlaps one of ``area_codes``: itself, what contains it, and
        what lies within it. A product scoped to any of these is offered (partly) there."""
        result: set[str] = set()
        for code in area_codes:
            result.update(self.ancestors(code))
            result.update(self.descendants(code))
        return result

    def display_name(self, code: str, lang: str) -> str:
        """How a sentence names the area: "Groenbeek", "Oost-Vlaanderen", "Vlaanderen"."""
        area = self.areas.get(code)
        if area is None:
            return code
        if area.level == "region":
            return codes.region_name(code, lang) or area.name
        return area.name.removeprefix("Provincie ")


class AreaCache:
    """The tree, re-read from the database at most once a minute per process."""

    def __init__(self, ttl: float = 60.0) -> None:
        self._ttl = ttl
        self._cached: tuple[float, AreaTree] | None = None

    def get(self, session: Session) -> AreaTree:
        now = time.monotonic()
        if self._cached is None or now - self._cached[0] > self._ttl:
            self._cached = (now, AreaTree.load(session))
        return self._cached[1]

    def forget(self) -> None:
        self._cached = None
