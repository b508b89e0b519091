"""Generated products for load tests and benchmarks (``loket seed-demo --products N``).

Written with multi-row Core inserts in batches; every record is valid in the import format
(the tests check a sample against the validator). Additive: each run adds N more.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from loket import clients
from loket.catalog import relevance, store
from loket.catalog.areas import AreaTree
from loket.models import CatalogProduct, CatalogProductCode

PUBLISHER = "catalog-generated"
BATCH = 1000

# (nl template, en template, type, themas, doelgroepen to draw from)
_KINDS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Subsidie voor {nl}", "Grant for {en}", "FinancieelVoordeel", (),
     ("Vereniging", "Vereniging", "Burger", "Organisatie")),
    ("Uitleen van {mat_nl}", "Loan of {mat_en}", "InfrastructuurMateriaal",
     ("CultuurSportVrijeTijd",), ("Vereniging", "Burger")),
    ("Vergunning voor {act_nl}", "Permit for {act_en}", "Toelating", ("BurgerOverheid",),
     ("Vereniging", "Burger", "Onderneming")),
    ("Erkenning als {org_nl}", "Recognition as {org_en}", "Bewijs", ("BurgerOverheid",),
     ("Vereniging",)),
    ("Advies over {nl}", "Advice on {en}", "AdviesBegeleiding", (),
     ("Burger", "Onderneming", "Vereniging")),
    ("Premie voor {green_nl}", "Premium for {green_en}", "FinancieelVoordeel",
     ("MilieuEnergie", "BouwenWonen"), ("Burger", "Onderneming")),
    ("Belasting op {tax_nl}", "Tax on {tax_en}", "FinancieleVerplichting", ("EconomieWerk",),
     ("Onderneming", "Burger")),
)
_TOPICS = (
    ("jeugdwerking", "youth work", "CultuurSportVrijeTijd"),
    ("sportclubs", "sports clubs", "CultuurSportVrijeTijd"),
    ("culturele projecten", "cultural projects", "CultuurSportVrijeTijd"),
    ("buurtfeesten", "street parties", "WelzijnGezondheid"),
    ("natuurbeheer", "nature management", "MilieuEnergie"),
    ("erfgoed", "heritage", "CultuurSportVrijeTijd"),
    ("vorming", "training", "OnderwijsWetenschap"),
    ("mobiliteit", "mobility", "MobiliteitOpenbareWerken"),
    ("ondernemen", "entrepreneurship", "EconomieWerk"),
    ("zorg en welzijn", "care and welfare", "WelzijnGezondheid"),
)
_MATERIALS = (("tenten", "tents"), ("een podium", "a stage"), ("nadarhekken", "barriers"),
              ("geluidsinstallaties", "sound systems"), ("sportmateriaal", "sports equipment"))
_ACTIVITIES = (("een fuif", "a party"), ("een markt", "a market"), ("een wielerwedstrijd",
               "a cycle race"), ("een optocht", "a parade"), ("vuurwerk", "fireworks"))
_ORGS = (("sportvereniging", "sports club"), ("jeugdvereniging", "youth association"),
         ("cultuurvereniging", "cultural association"), ("seniorenvereniging", "senior club"))
_GREEN = (("zonnepanelen", "solar panels"), ("een groendak", "a green roof"),
          ("dakisolatie", "roof insulation"), ("een fietsenstalling", "a bicycle shed"))
_TAXES = (("reclameborden", "advertising signs"), ("tweede verblijven", "second homes"),
          ("terrassen", "terraces"))


def ensure_publisher(session: Session) -> None:
    """The client that owns generated products (client credentials, no secret kept)."""
    if clients.get(session, PUBLISHER) is None:
        clients.add(session, clients.Registration(
            id=PUBLISHER, name="Gegenereerde producten", grant_types=["client_credentials"],
            scopes=["catalog:write"]), allow_http_anywhere=False)


def _place(rng: random.Random, tree: AreaTree, municipalities: list[str],
           provinces: list[str]) -> tuple[str, str, list[str]]:
    """(level, authority, spatial scope) for one product."""
    draw = rng.random()
    if draw < 0.75:
        code = rng.choice(municipalities)
        return "Lokaal", f"Gemeente {tree.areas[code].name}", [code]
    if draw < 0.87:
        code = rng.choice(provinces)
        return "Provinciaal", tree.areas[code].name, [code]
    if draw < 0.95:
        return "Vlaams", "Vlaamse overheid", ["BE2"]
    return "Federaal", "Federale overheid", []


def record(n: int, rng: random.Random, tree: AreaTree, municipalities: list[str],
           provinces: list[str], year: int) -> dict[str, Any]:
    nl_t, en_t, type_, themas, audiences = rng.choice(_KINDS)
    topic_nl, topic_en, topic_thema = rng.choice(_TOPICS)
    words = {"nl": topic_nl, "en": topic_en,
             "mat_nl": rng.choice(_MATERIALS)[0], "mat_en": "",
             "act_nl": "", "act_en": "", "org_nl": "", "org_en": "",
             "green_nl": "", "green_en": "", "tax_nl": "", "tax_en": ""}
    for key, pool in (("mat", _MATERIALS), ("act", _ACTIVITIES), ("org", _ORGS),
                      ("green", _GREEN), ("tax", _TAXES)):
        nl, en = rng.choice(pool)
        words[f"{key}_nl"], words[f"{key}_en"] = nl, en
    level, authority, scope = _place(rng, tree, municipalities, provinces)
    place = authority.removeprefix("Gemeente ")
    data: dict[str, Any] = {
        "id": f"GEN-{n:06d}",
        "title": {"nl": f"{nl_t.format(**words)} ({place})",
                  "en": f"{en_t.format(**words)} ({place})"},
        "description": {"nl": f"Gegenereerd product {n} van {authority} over {topic_nl}.",
                        "en": f"Generated product {n} of {authority} about {topic_en}."},
        "type": type_,
        "doelgroepen": sorted(set(rng.sample(audiences, rng.randint(1, min(2, len(audiences)))))),
        "themas": sorted(set(themas or (topic_thema,))),
        "competentAuthority": {"level": level, "name": authority},
        "keywords": {"nl": [topic_nl.split()[0]], "en": [topic_en.split()[0]]},
        "onlineRequestUrl": f"https://loket.example/producten/{n}",
    }
    if scope:
        data["spatialScope"] = scope
    draw = rng.random()
    if draw < 0.2:
        data["startDate"], data["endDate"] = f"{year}-01-01", f"{year}-12-31"
    elif draw < 0.25:
        data["startDate"], data["endDate"] = f"{year - 1}-01-01", f"{year - 1}-06-30"
    elif draw < 0.3:
        data["startDate"] = f"{year + 1}-01-01"
    return data


def add(session: Session, count: int, *, seed: int = 7,
        progress: Callable[[int], None] | None = None) -> int:
    """Add ``count`` generated products, committed by the caller's transaction."""
    ensure_publisher(session)
    tree = AreaTree.load(session)
    municipalities = sorted(c for c, a in tree.areas.items()
                            if a.level == "municipality" and c.startswith("BE2"))
    provinces = sorted(c for c, a in tree.areas.items() if a.level == "province")
    existing = session.scalar(select(func.count()).select_from(CatalogProduct)
                              .where(CatalogProduct.product_id.like("GEN-%"))) or 0
    rng = random.Random(seed + existing)
    year = int(relevance.today()[:4])
    now = int(time.time())
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        datas = [record(existing + done + i + 1, rng, tree, municipalities, provinces, year)
                 for i in range(size)]
        rows = [{"product_id": d["id"], "product_key": d["id"].lower(), "publisher": PUBLISHER,
                 "data": d, "version": 1,
                 "created_at": now, "updated_at": now, **store.columns(d)} for d in datas]
        ids = session.scalars(insert(CatalogProduct).returning(
            CatalogProduct.id, sort_by_parameter_order=True), rows).all()
        session.execute(insert(CatalogProductCode),
                        [row for pk, d in zip(ids, datas, strict=True)
                         for row in store.code_rows(pk, d)])
        done += size
        if progress:
            progress(size)
    return done
