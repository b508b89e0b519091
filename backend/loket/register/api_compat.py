"""The real Verenigingsregister's public API (``/v1/...``), on Loket's register: software written
for it points at Loket by changing the base URL (docs/compatibility.md lists the differences).

- ``GET /v1/verenigingen/zoeken?q=…&offset=&limit=&sort=&facets.hoofdactiviteitenVerenigingsloket=``
  — the register's query syntax (:mod:`loket.register.compat_query`), its paging limits
  (``offset + limit`` at most 1000, 50 by default), its sort (``-vCode`` by default,
  ``sort=naam,-vCode``) and answer shape, with the activity facet;
- ``GET /v1/verenigingen/{vCode}`` — ``application/ld+json``, the register's detail shape;
- ``GET /v1/verenigingen/mutaties?sinds=N`` — ``[{vCode, sequence}]`` after sequence N;
- ``GET /v1/hoofdactiviteitenVerenigingsloket`` and ``GET /v1/werkingsgebieden`` — code lists;
- ``GET /v1/verenigingen/{vCode}/historiek`` — the events, without personal data;
- the management paths (``POST /v1/verenigingen/feitelijkeverenigingen`` and ``/vzer``,
  ``PATCH /v1/verenigingen/{vCode}``, ``POST/PATCH/DELETE …/{contactgegevens|locaties|
  vertegenwoordigers}[/{id}]``, ``POST …/stop``) for a representative's token, on the same
  change service as ``/api/v1``: ``VR-Initiator`` required, ``202`` with ``VR-Sequence`` and
  the weak ``ETag``; ``?expectedSequence=N`` on the detail.

Only active associations that did not opt out are ever found; no representative's data in any
answer. ``vr-api-key``: required when ``LOKET_VR_API_KEYS`` lists keys, ignored otherwise.
"""

from __future__ import annotations

import heapq
import hmac
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from sqlalchemy import bindparam, select, text

from loket import apibase, db, http_errors, inputs, ratelimit
from loket.errors import BadRequest, LoketError, NotFound, Unauthorized
from loket.models import AssociationEvent
from loket.preconditions import etag
from loket.register import (
    api_manage,
    api_recognitions,
    changes,
    compat_query,
    history,
    search,
    views,
    web,
    wording,
)
from loket.register.api_public import search_index
from loket.register.index import last_sequence, positions
from loket.register.validation import ASSOCIATION_TYPES

bp = Blueprint("register_compat", __name__)
bp.after_request(apibase.api_headers)
# a refused change too says which version the association is at, as /api/v1 does
bp.after_request(web.etag_on_every_answer)

DEFAULT_LIMIT = 50
MAX_WINDOW = 1000  # offset + limit, as the real register
SORT_FIELDS = ("vCode", "naam")
FACET = "hoofdactiviteitenVerenigingsloket"
MAX_MUTATIONS = 500
LD_JSON = "application/ld+json"


@bp.before_request
def _api_key() -> None:
    """``vr-api-key``, when keys are configured."""
    keys = [k for k in str(current_app.config.get("VR_API_KEYS") or "").split(",") if k.strip()]
    if not keys:
        return
    given = request.headers.get("vr-api-key", "")
    if not any(hmac.compare_digest(given.encode(), k.strip().encode()) for k in keys):
        raise Unauthorized("invalid_api_key", wording.gettext(
            "Geef een geldige sleutel in de header vr-api-key."),
                           headers={"WWW-Authenticate": 'ApiKey header="vr-api-key"'})


@bp.errorhandler(LoketError)
def _error(error: LoketError) -> tuple[Response, int]:
    """Refusals as problem details (the real register's shape) beside Loket's own fields."""
    lang = http_errors.caller_language()
    body = {**error.to_dict(lang), "type": f"urn:loket:{error.code}", "title": error.code,
            "status": error.status, "detail": error.detail_in(lang)}
    response = jsonify(body)
    response.mimetype = "application/problem+json"
    for name, value in error.headers.items():
        response.headers[name] = value
    return response, error.status


# the JSON-LD contexts the answers name (served by context())
CONTEXTS = ("zoek-verenigingen-context.json", "detail-vereniging-context.json",
            "historiek-vereniging-context.json")


def _context(name: str) -> str:
    assert name in CONTEXTS, name
    return url_for("register_compat.context", name=name, _external=True)


# ---- search -------------------------------------------------------------------------------------

def _number(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    value = inputs.whole_number_or_none(raw, low=low, high=high)
    if value is None:
        raise BadRequest("invalid_parameter", wording.gettext(
            "%(name)s is een geheel getal van %(low)s tot %(high)s.", name=name, low=low,
            high=high))
    return value


def _sort() -> list[tuple[str, bool]]:
    """``sort=naam,-vCode`` → [("naam", False), ("vCode", True)] (True: descending)."""
    raw = request.args.get("sort", "") or "-vCode"
    keys = []
    for part in raw.split(","):
        part = part.strip()
        descending = part.startswith("-")
        name = part.lstrip("-")
        if name not in SORT_FIELDS:
            raise BadRequest("invalid_parameter", wording.gettext(
                "sort kent %(known)s (met '-' ervoor: aflopend), niet %(given)s.",
                known=", ".join(SORT_FIELDS), given=repr(name[:30])))
        keys.append((name, descending))
    return keys


def _page(hits: int, snap: Any, order: tuple[str, bool], offset: int, limit: int) -> list[int]:
    """The association ids of the page, in the asked order."""
    total = hits.bit_count()
    if limit == 0 or offset >= total:
        return []
    field, descending = order
    if field == "naam":  # the index's own order
        if not descending:
            found = []
            for p in positions(hits, snap.size, offset):
                found.append(snap.ids[p])
                if len(found) == limit:
                    break
            return found
        start = max(0, total - offset - limit)
        window = [snap.ids[p] for p, _ in zip(positions(hits, snap.size, start),
                                              range(total - offset - start), strict=False)]
        return window[::-1]
    # vCode: vCodes are handed out in increasing order as associations are added
    # (changes.next_vcode), so an association's id orders it as its vCode does
    ids = (snap.ids[p] for p in positions(hits, snap.size))
    chosen = (heapq.nlargest if descending else heapq.nsmallest)(offset + limit, ids)
    return chosen[offset:]


_LOCATIONS = text(
    "SELECT association_id, type, is_primair, naam, straatnaam, huisnummer, busnummer, "
    "postcode, gemeente, land FROM association_locations WHERE association_id IN :ids "
    "ORDER BY association_id, is_primair DESC, id"
).bindparams(bindparam("ids", expanding=True))


def _hit(row: Any, acts: tuple[str, ...], areas: tuple[str, ...], locations: list[Any],
         names: views.Names) -> dict[str, Any]:
    return {
        "vCode": row.vcode,
        "naam": row.naam,
        "roepnaam": row.roepnaam or "",
        "korteNaam": row.korte_naam or "",
        "korteBeschrijving": row.korte_beschrijving or "",
        "verenigingstype": {"code": row.verenigingstype,
                            "naam": ASSOCIATION_TYPES.get(row.verenigingstype, "")},
        "doelgroep": {"minimumleeftijd": row.min_leeftijd, "maximumleeftijd": row.max_leeftijd},
        "hoofdactiviteitenVerenigingsloket": [names.activity(c) for c in acts],
        "werkingsgebieden": [names.area(c) for c in areas],
        "locaties": [{"locatietype": loc.type, "isPrimair": bool(loc.is_primair),
                      "adresvoorstelling": views.address_line(loc), "naam": loc.naam or "",
                      "postcode": loc.postcode, "gemeente": loc.gemeente} for loc in locations],
        "sleutels": [{"bron": "VR", "waarde": row.vcode, "codeerSysteem": "VR.VCode"}],
        "relaties": [],
        "lidmaatschappen": [],
        "links": {"detail": url_for("register_compat.detail", vcode=row.vcode,
                                    _external=True)},
    }


def _search_link(q: str, **extra: str) -> str:
    return f"{url_for('register_compat.zoeken', _external=True)}?{urlencode({'q': q, **extra})}"


@bp.get("/v1/verenigingen/zoeken")
@ratelimit.limited("search")
def zoeken() -> Response:
    q = (request.args.get("q") or "").strip() or "*"
    offset = _number("offset", 0, 0, MAX_WINDOW)
    limit = _number("limit", DEFAULT_LIMIT, 0, MAX_WINDOW)
    if offset + limit > MAX_WINDOW:
        raise BadRequest("invalid_parameter", wording.gettext(
            "offset + limit is hoogstens %(max)s (nu %(now)s).", max=MAX_WINDOW,
            now=offset + limit))
    order = _sort()[0]
    session = db.read_session()
    names = views.names(session)
    snap = search_index().current(session)
    node = None if q == "*" else compat_query.parse(q)
    ctx = compat_query.Context(session, snap, names)
    base = snap.visible & (compat_query.run(node, ctx) if node is not None else snap.visible)
    chosen = [c.strip().upper() for c in request.args.get(f"facets.{FACET}", "").split(",")
              if c.strip()]
    hits = base & snap.any_of(snap.activities, chosen) if chosen else base
    page = _page(hits, snap, order, offset, limit)
    rows = search.page_rows(session, page)
    located: dict[int, list[Any]] = {}
    if page:
        for loc in session.execute(_LOCATIONS, {"ids": page}):
            located.setdefault(loc.association_id, []).append(loc)
    hits_view = []
    for row in rows:
        p = snap.position(row.id)
        hits_view.append(_hit(row, snap.activities_of[p], snap.areas_of[p],
                              located.get(row.id, []), names))
    facets = [{"code": code, "aantal": n,
               "query": _search_link(q, **{f"facets.{FACET}": code})}
              for code in names.activities if (n := (base & snap.activities.get(code, 0))
                                               .bit_count())]
    response = jsonify({
        "@context": _context("zoek-verenigingen-context.json"),
        "verenigingen": hits_view,
        "facets": {FACET: facets},
        "metadata": {"pagination": {"totalCount": hits.bit_count(), "offset": offset,
                                    "limit": limit}},
    })
    response.headers["Cache-Control"] = "no-cache"
    return response


# ---- detail, changes, code lists -------------------------------------------------------------

def _location(item: Any) -> dict[str, Any]:
    return {"locatietype": item.type, "isPrimair": item.is_primair,
            "adresvoorstelling": views.address_line(item), "naam": item.naam or "",
            "adres": {"straatnaam": item.straatnaam, "huisnummer": item.huisnummer,
                      "busnummer": item.busnummer or "", "postcode": item.postcode,
                      "gemeente": item.gemeente, "land": item.land}}


def _public(session: Any, vcode: str) -> Any:
    """The association the public may see, or 404 (as for a vCode nobody has)."""
    try:
        assoc = changes.find(session, vcode)
    except LoketError:
        assoc = None
    if assoc is None or not changes.publicly_visible(assoc):
        raise NotFound("not_found", wording.gettext("Er is geen vereniging met vCode %(vcode)s.",
                                                    vcode=vcode[:20]))
    return assoc


@bp.get("/v1/verenigingen/<vcode>")
def detail(vcode: str) -> Response:
    session = db.read_session()
    expected = request.args.get("expectedSequence")
    if expected is not None:
        wanted = inputs.whole_number_or_none(expected, low=0, high=2**62)
        if wanted is None:
            raise BadRequest("invalid_parameter", wording.gettext(
                "expectedSequence is een volgnummer (0 of groter)."))
        if wanted > last_sequence(session):
            raise LoketError("sequence_not_reached", wording.gettext(
                "Wijziging %(seq)s is nog niet verwerkt; vraag het zo meteen opnieuw.",
                seq=wanted), 412)
    assoc = _public(session, vcode)
    names = views.names(session)
    public = views.public_view(assoc, names)
    body = {
        "@context": _context("detail-vereniging-context.json"),
        "vereniging": {
            "@type": "FeitelijkeVereniging" if assoc.verenigingstype == "FV" else "Vereniging",
            "vCode": assoc.vcode, "naam": assoc.naam, "roepnaam": assoc.roepnaam or "",
            "korteNaam": assoc.korte_naam or "",
            "korteBeschrijving": assoc.korte_beschrijving or "",
            "startdatum": assoc.startdatum, "verenigingstype": public["verenigingstype"],
            "doelgroep": public["doelgroep"], "status": assoc.status,
            "contactgegevens": [{"contactgegeventype": c.type, "waarde": c.waarde,
                                 "beschrijving": c.beschrijving or "", "isPrimair": c.is_primair}
                                for c in assoc.contacts],
            "locaties": [_location(loc) for loc in assoc.locations],
            "hoofdactiviteitenVerenigingsloket": public["hoofdactiviteiten"],
            "werkingsgebieden": public["werkingsgebieden"],
            "sleutels": [{"bron": "VR", "waarde": assoc.vcode, "codeerSysteem": "VR.VCode"}],
            "relaties": [], "lidmaatschappen": [],
            "erkenningen": public["erkenningen"],
        },
        "metadata": {"datumLaatsteAanpassing": assoc.updated_at},
    }
    response = jsonify(body)
    response.mimetype = LD_JSON
    response.headers["ETag"] = etag(assoc.version)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/v1/verenigingen/mutaties")
def mutaties() -> Response:
    since = _number("sinds", 0, 0, 2**62)
    session = db.read_session()
    rows = session.execute(select(AssociationEvent.vcode, AssociationEvent.seq)
                           .where(AssociationEvent.seq > since)
                           .order_by(AssociationEvent.seq).limit(MAX_MUTATIONS))
    return jsonify([{"vCode": vcode, "sequence": seq} for vcode, seq in rows])


@bp.get("/v1/hoofdactiviteitenVerenigingsloket")
def activities() -> Response:
    names = views.names(db.read_session())
    return jsonify({FACET: [names.activity(code) for code in names.activities]})


@bp.get("/v1/werkingsgebieden")
def areas() -> Response:
    names = views.names(db.read_session())
    return jsonify({"werkingsgebieden": [names.area(code) for code in sorted(names.areas)]})


@bp.get("/v1/contexten/<name>")
def context(name: str) -> Response:
    """The JSON-LD context the answers name: every term in the register's vocabulary."""
    if name not in CONTEXTS:
        raise NotFound("not_found", wording.gettext("Geen context met die naam."))
    response = jsonify({"@context": {"@vocab": "urn:loket:verenigingsregister:"}})
    response.mimetype = LD_JSON
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# ---- history ------------------------------------------------------------------------------------

# events about people: their data stays out of the public history
_PERSONAL = ("Vertegenwoordiger", "Uitnodiging")


@bp.get("/v1/verenigingen/<vcode>/historiek")
def historiek(vcode: str) -> Response:
    session = db.read_session()
    assoc = _public(session, vcode)
    events = session.scalars(select(AssociationEvent).where(
        AssociationEvent.association_id == assoc.id).order_by(AssociationEvent.seq))
    shown = []
    for event in events:
        personal = event.type.startswith(_PERSONAL)
        shown.append({
            "gebeurtenis": event.type,
            "beschrijving": history.what(event.type),
            "data": {} if personal else dict(event.data or {}),
            "initiator": event.client_id or ("register" if not event.actor else "vereniging"),
            "tijdstip": event.at,
            "sequence": event.seq,
        })
    response = jsonify({"@context": _context("historiek-vereniging-context.json"),
                        "vCode": assoc.vcode, "gebeurtenissen": shown})
    response.headers["Cache-Control"] = "no-cache"
    return response


# ---- management: the same change service as /api/v1 --------------------------------------------

INITIATOR = "VR-Initiator"


def _initiator() -> str:
    given = request.headers.get(INITIATOR, "").strip()
    if not given or len(given) > 100 or not given.isprintable():
        raise BadRequest("initiator_required", wording.gettext(
            "Zeg in de header %(header)s namens wie je dit wijzigt (bv. de OVO-code van je "
            "organisatie, of de vCode).", header=INITIATOR))
    return given


def _accepted(response: Response) -> Response:
    """Loket's answer as the register's: 202 with the sequence the change is readable at."""
    if response.status_code in (200, 201, 202, 204):
        response.status_code = 202
        response.headers["VR-Sequence"] = str(last_sequence(db.session()))
    return response


# the register's field names → /api/v1's, where they differ
RENAMED = {"hoofdactiviteitenVerenigingsloket": "hoofdactiviteiten",
           "contactgegeventype": "type", "locatietype": "type",
           "ipdcProductNummer": "productnummer"}


def _renamed(value: Any) -> Any:
    """``value`` with the register's names (also in its locations and contacts) as Loket's."""
    if isinstance(value, dict):
        return {RENAMED.get(k, k): _renamed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(item) for item in value]
    return value


def _as_loket(extra: dict[str, Any] | None = None) -> None:
    """The request's JSON body with the register's names as /api/v1 names them (the views read
    the same body: Werkzeug keeps the parsed JSON on the request). ``ipdcProductNummer`` is an
    IPDC product's number: the catalog has IPDC products as ``IPDC-<number>`` (loket catalog
    import --format ipdc)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return
    renamed = _renamed(body)
    for key, value in (extra or {}).items():
        renamed.setdefault(key, value)
    number = renamed.get("productnummer")
    if isinstance(number, str) and number.isdigit():
        renamed["productnummer"] = f"IPDC-{number}"
    request._cached_json = (renamed, renamed)  # noqa: SLF001


def _managed(view: Any, *args: Any) -> Response:
    _initiator()
    _as_loket()
    return _accepted(view(*args))


def _registered(kind: str) -> Response:
    _initiator()
    _as_loket({"verenigingstype": kind})  # the path names the type; /api/v1's body does
    return _accepted(api_manage.register_association())


@bp.post("/v1/verenigingen/feitelijkeverenigingen")
def register_fv() -> Response:
    return _registered("FV")


@bp.post("/v1/verenigingen/vzer")
def register_vzer() -> Response:
    return _registered("VZER")


@bp.patch("/v1/verenigingen/<vcode>")
def patch_basics(vcode: str) -> Response:
    return _managed(api_manage.patch_association, vcode)


@bp.post("/v1/verenigingen/<vcode>/stop")
def stop(vcode: str) -> Response:
    return _managed(api_manage.stop_association, vcode)


_ITEMS = {
    "contactgegevens": (api_manage.add_contact, api_manage.update_contact,
                        api_manage.remove_contact),
    "locaties": (api_manage.add_location, api_manage.update_location,
                 api_manage.remove_location),
    "vertegenwoordigers": (api_manage.invite_representative, api_manage.update_representative,
                           api_manage.remove_representative),
}


@bp.post("/v1/verenigingen/<vcode>/<any(contactgegevens, locaties, vertegenwoordigers):kind>")
def add_item(vcode: str, kind: str) -> Response:
    return _managed(_ITEMS[kind][0], vcode)


@bp.patch("/v1/verenigingen/<vcode>/<any(contactgegevens, locaties, vertegenwoordigers):kind>"
          "/<item>")
def update_item(vcode: str, kind: str, item: str) -> Response:
    return _managed(_ITEMS[kind][1], vcode, item)


@bp.delete("/v1/verenigingen/<vcode>/<any(contactgegevens, locaties, vertegenwoordigers):kind>"
           "/<item>")
def remove_item(vcode: str, kind: str, item: str) -> Response:
    return _managed(_ITEMS[kind][2], vcode, item)


# ---- recognitions: a government client (scope associations:recognitions), as /api/v1 ----------

@bp.post("/v1/verenigingen/<vcode>/erkenningen")
def add_recognition(vcode: str) -> Response:
    return _managed(api_recognitions.add_recognition, vcode)


@bp.patch("/v1/verenigingen/<vcode>/erkenningen/<int:item>")
def change_recognition(vcode: str, item: int) -> Response:
    return _managed(api_recognitions.change_recognition, vcode, item)


@bp.delete("/v1/verenigingen/<vcode>/erkenningen/<int:item>")
def remove_recognition(vcode: str, item: int) -> Response:
    return _managed(api_recognitions.remove_recognition, vcode, item)
