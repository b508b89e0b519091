"""Relevance for the active capacity: who is looking (a profile), how products score in SQL,
and why each result is recommended (structured reasons and a sentence in the reader's language).

The rules (docs/catalog.md, "Relevance"):
- a product is *in the area* when it has no spatial scope, or its scope overlaps one of the
  association's werkingsgebieden (the area, what contains it, or what lies within it);
- results are ordered: in the area first (only matters with ``scope=all``), open now first,
  then by score, then by title;
- score = 40 when a doelgroep is the capacity's (Vereniging, Burger, Onderneming)
        + 25 when a thema is one the association's hoofdactiviteiten map to
        + 30 / 20 / 10 when the scope names the municipality / province / region that covers
          the association (the most specific counts)
        + 50 when the association holds an active recognition for the product whose renewal
          date is at most 60 days away (its renewal is what it needs now);
  a product the association holds an active recognition for says so ("erkend tot …").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from loket.catalog import codes
from loket.catalog.areas import LEVEL_ORDER, AreaTree
from loket.models import Association, CatalogProduct, CatalogProductCode
from loket.register import recognitions

DOELGROEP_WEIGHT = 40
THEMA_WEIGHT = 25
AREA_WEIGHTS = {"municipality": 30, "province": 20, "region": 10}
RENEWAL_WEIGHT = 50
RENEWAL_SOON_DAYS = 60

BRUSSELS = ZoneInfo("Europe/Brussels")
P = CatalogProduct.__table__
C = CatalogProductCode.__table__


@dataclass(frozen=True)
class Profile:
    """What the ranking knows of the capacity: its doelgroep, areas and hoofdactiviteiten."""

    capacity: dict[str, Any]
    doelgroep: str | None
    areas: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    overlap: frozenset[str] = field(default_factory=frozenset)
    area_levels: dict[str, str] = field(default_factory=dict)
    # the products (in lower case) it holds an active recognition for: (end, renewal date)
    recognitions: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def renews_soon(self, today: str) -> list[str]:
        """The products whose recognition asks for renewal within RENEWAL_SOON_DAYS."""
        horizon = (dt.date.fromisoformat(today)
                   + dt.timedelta(days=RENEWAL_SOON_DAYS)).isoformat()
        return sorted(k for k, (_, renew) in self.recognitions.items()
                      if renew and today <= renew <= horizon)

    @property
    def themas(self) -> tuple[str, ...]:
        mapping = codes.activity_themas()
        found: dict[str, None] = {}
        for activity in self.activities:
            for thema in mapping[activity].themas if activity in mapping else ():
                found[thema] = None
        return tuple(found)

    @property
    def has_area(self) -> bool:
        return bool(self.overlap)


def profile_for(session: Session, capacity: dict[str, Any] | None, tree: AreaTree) -> Profile | None:
    """The profile of a token's capacity (None without one)."""
    if not capacity or capacity.get("code") not in codes.CAPACITY_DOELGROEP:
        return None
    doelgroep = codes.CAPACITY_DOELGROEP[capacity["code"]]
    if capacity["code"] != "VER":
        return Profile(capacity, doelgroep)
    assoc = session.scalar(select(Association).where(Association.vcode == capacity.get("identifier")))
    if assoc is None:
        return Profile(capacity, doelgroep)
    areas = tuple(a.code for a in assoc.areas if a.code in tree)
    overlap = tree.overlapping(areas)
    day = today()
    held = {r.product_key: (r.einddatum, r.hernieuwingsdatum) for r in assoc.recognitions
            if recognitions.status_on(r, day) == recognitions.ACTIEF}
    return Profile(capacity, doelgroep, areas, tuple(a.code for a in assoc.activities),
                   frozenset(overlap), {c: tree.areas[c].level for c in overlap}, held)


def today() -> str:
    """The date in Belgium: what "open now" is measured against."""
    return dt.datetime.now(BRUSSELS).date().isoformat()


# ---- SQL ------------------------------------------------------------------------------------

def has_code(kind: str, values: Collection[str]) -> ColumnElement[bool]:
    """The product has one of ``values`` as a code of ``kind`` (an index lookup)."""
    return P.c.id.in_(select(C.c.product_pk).where(C.c.kind == kind, C.c.code.in_(list(values))))


def covers(overlap: Collection[str]) -> ColumnElement[bool]:
    """Offered in (part of) the area: unscoped, or scoped to an overlapping werkingsgebied."""
    return or_(not_(P.c.scoped), has_code("area", overlap))


def open_on(today: str) -> ColumnElement[int]:
    return case((and_(or_(P.c.start_date.is_(None), P.c.start_date <= today),
                      or_(P.c.end_date.is_(None), P.c.end_date >= today)), 1), else_=0)


def area_matches(profile: Profile) -> Any:
    """Products scoped to a werkingsgebied that overlaps the profile's, with the weight of the
    most specific one: one pass over the codes index, joined to the products."""
    weight = case(*[(C.c.code == code, AREA_WEIGHTS.get(level, 0))
                    for code, level in sorted(profile.area_levels.items())], else_=0)
    return (select(C.c.product_pk.label("pk"), func.max(weight).label("weight"))
            .where(C.c.kind == "area", C.c.code.in_(sorted(profile.overlap)))
            .group_by(C.c.product_pk).subquery("area_match"))


def in_area(matched: Any) -> ColumnElement[bool]:
    return or_(not_(P.c.scoped), matched.c.pk.is_not(None))


def has_bits(column: Any, bits: int) -> ColumnElement[bool]:
    return column.op("&")(bits) != 0


def score(profile: Profile, matched: Any | None) -> ColumnElement[int]:
    """The score of :data:`DOELGROEP_WEIGHT`, :data:`THEMA_WEIGHT` and the area weight."""
    total: ColumnElement[int] = literal(0)
    if profile.doelgroep:
        bits = codes.bit("doelgroep", profile.doelgroep)
        total = total + case((has_bits(P.c.doelgroep_mask, bits), DOELGROEP_WEIGHT), else_=0)
    if profile.themas:
        bits = codes.mask("thema", profile.themas)
        total = total + case((has_bits(P.c.thema_mask, bits), THEMA_WEIGHT), else_=0)
    if matched is not None:
        total = total + func.coalesce(matched.c.weight, 0)
    soon = profile.renews_soon(today())
    if soon:
        total = total + case((P.c.product_key.in_(soon), RENEWAL_WEIGHT), else_=0)
    return total


# ---- reasons --------------------------------------------------------------------------------

def is_open(data: dict[str, Any], today: str) -> bool:
    start, end = data.get("startDate"), data.get("endDate")
    return (start is None or start <= today) and (end is None or end >= today)


def _date_text(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day}/{day.month}/{day.year}"


def matched_area(data: dict[str, Any], profile: Profile) -> str | None:
    """The most specific werkingsgebied of the product's scope that overlaps the profile."""
    found = [c for c in data.get("spatialScope", []) if c in profile.overlap]
    found.sort(key=lambda c: LEVEL_ORDER.get(profile.area_levels.get(c, ""), 9))
    return found[0] if found else None


def explain(data: dict[str, Any], profile: Profile, tree: AreaTree, lang: str,
            today: str) -> dict[str, Any]:
    """Why this product is shown to this capacity: ``score``, ``reasons`` and a ``text``."""
    reasons: list[dict[str, Any]] = []
    points = 0
    lead: list[str] = []
    if profile.doelgroep and profile.doelgroep in data["doelgroepen"]:
        text = codes.doelgroep_phrase(profile.doelgroep, lang)
        reasons.append({"code": "doelgroep", "doelgroep": profile.doelgroep, "text": text})
        lead.append(text)
        points += DOELGROEP_WEIGHT
    area = matched_area(data, profile)
    if area is not None:
        level = profile.area_levels[area]
        text = codes.phrase(f"in_{level}", lang, place=tree.display_name(area, lang))
        reasons.append({"code": "area", "werkingsgebied": area, "level": level, "text": text})
        lead.append(text)
        points += AREA_WEIGHTS.get(level, 0)
    elif profile.has_area and data.get("spatialScope"):
        reasons.append({"code": "outside_area", "text": codes.phrase("outside_area", lang)})
    parts = [" ".join(lead)] if lead else []
    mapping = codes.activity_themas()
    themas = set(data["themas"])
    activity_texts = []
    for activity in profile.activities:
        entry = mapping.get(activity)
        shared = [t for t in entry.themas if t in themas] if entry else []
        if entry and shared:
            text = entry.reason.get(lang) or entry.reason["nl"]
            reasons.append({"code": "activity", "hoofdactiviteit": activity, "themas": shared,
                            "text": text})
            activity_texts.append(text)
    if activity_texts:
        parts.append(", ".join(activity_texts))
        points += THEMA_WEIGHT
    if is_open(data, today):
        status = {"code": "open", "text": codes.phrase("open", lang)}
    elif data.get("startDate") and data["startDate"] > today:
        status = {"code": "opens", "date": data["startDate"],
                  "text": codes.phrase("opens", lang, date=_date_text(data["startDate"]))}
    else:
        status = {"code": "closed", "date": data["endDate"],
                  "text": codes.phrase("closed", lang, date=_date_text(data["endDate"]))}
    held = profile.recognitions.get(str(data.get("id", "")).lower())
    if held is not None:
        end, renew = held
        if str(data.get("id", "")).lower() in profile.renews_soon(today):
            assert renew is not None
            text = codes.phrase("renew_soon", lang, date=_date_text(renew))
            reasons.append({"code": "renew_soon", "date": renew, "text": text})
            points += RENEWAL_WEIGHT
        else:
            text = codes.phrase("recognised_until", lang, date=_date_text(end)) if end \
                else codes.phrase("recognised", lang)
            reasons.append({"code": "recognised", "date": end, "text": text})
        parts.append(text)
    reasons.append(status)
    parts.append(status["text"])
    if any(r["code"] == "outside_area" for r in reasons):
        parts.append(codes.phrase("outside_area", lang))
    sentence = " · ".join(p for p in parts if p)
    return {"score": points, "reasons": reasons, "text": sentence[:1].upper() + sentence[1:]}
