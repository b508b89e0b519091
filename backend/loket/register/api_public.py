"""Public register API, no sign-in: search ``GET /api/v1/associations`` and detail
``GET /api/v1/associations/{vCode}``. Neither ever carries a representative's data."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, jsonify, request, url_for

from loket import db, ratelimit
from loket.errors import BadRequest, LoketError, NotFound
from loket.preconditions import etag
from loket.register import api_manage, changes, postcodes, search, views, wording
from loket.register.index import SearchIndex
from loket.register.validation import ASSOCIATION_TYPES
from loket.register.web import bp, if_none_match, with_etag
from loket.sso.web import bearer_token


def _summary(row: Any, acts: Sequence[str], areas: Sequence[str], codes: views.Names
             ) -> dict[str, Any]:
    return {
        "vCode": row.vcode,
        "naam": row.naam,
        "korteNaam": row.korte_naam,
        "roepnaam": row.roepnaam,
        "korteBeschrijving": row.korte_beschrijving,
        "verenigingstype": {"code": row.verenigingstype,
                            "naam": ASSOCIATION_TYPES.get(row.verenigingstype, "")},
        "doelgroep": {"minimumleeftijd": row.min_leeftijd, "maximumleeftijd": row.max_leeftijd},
        "hoofdactiviteiten": [codes.activity(c) for c in acts],
        "werkingsgebieden": [codes.area(c) for c in areas],
        "links": {"detail": url_for(".association_detail", vcode=row.vcode, _external=True)},
    }


def _page_link(offset: int) -> str:
    args = [(k, v) for k in request.args for v in request.args.getlist(k) if k != "offset"]
    args.append(("offset", str(offset)))
    return f"{url_for('.search_associations', _external=True)}?{urlencode(args)}"


def search_index() -> SearchIndex:
    """This process's search index (built on its first search)."""
    return current_app.extensions.setdefault(  # type: ignore[no-any-return]
        "loket.register.index", SearchIndex())


@bp.get("/associations")
@ratelimit.limited("search")
def search_associations() -> Response:
    session = db.read_session()
    codes = views.names(session)
    query = search.parse(session, request.args, codes)
    result = search.run(session, query, search_index(), codes)
    snap = result.snapshot
    links: dict[str, str] = {}
    if query.offset + query.limit < result.total:
        links["next"] = _page_link(query.offset + query.limit)
    if query.offset:
        links["prev"] = _page_link(max(0, query.offset - query.limit))
    body = {
        "query": {
            "q": query.q,
            "werkingsgebied": [
                {"gegeven": a.given, "gevonden": [codes.area(c) for c in a.named]}
                for a in query.areas],
            "hoofdactiviteit": query.activities,
            "sort": query.sort,
        },
        "total": result.total,
        "offset": query.offset,
        "limit": query.limit,
        "results": [_summary(row, snap.activities_of[snap.position(row.id)],
                             snap.areas_of[snap.position(row.id)], codes)
                    for row in search.page_rows(session, result.ids)],
        "facets": {
            "hoofdactiviteiten": [
                {**codes.activity(code), "count": result.activity_counts[code]}
                for code in codes.activities if result.activity_counts.get(code)],
            "werkingsgebieden": [
                {**codes.area(code), "count": n} for code, n in sorted(
                    result.area_counts.items(), key=lambda item: (-item[1], item[0]))],
        },
        "links": links,
    }
    return jsonify(body)


@bp.get("/postcodes/<postcode>")
@ratelimit.limited("search")
def postcode_places(postcode: str) -> Response:
    """The municipalities (and places) a postcode lies in, by the loaded postcode list: what
    the forms suggest for an address. 404 when the list does not know it."""
    if not re.fullmatch(r"[1-9][0-9]{3}", postcode):
        raise BadRequest("invalid_postcode", wording.gettext(
            "Een Belgische postcode heeft 4 cijfers (bv. 9000)."))
    session = db.read_session()
    places: dict[str, list[str]] = {}
    for name, place in postcodes.places_for(session, postcode):
        places.setdefault(name, [])
        if place and place != name:
            places[name].append(place)
    if not places:
        raise NotFound("unknown_postcode", wording.gettext(
            "Postcode %(postcode)s is niet gekend bij dit loket.", postcode=postcode))
    response = jsonify({"postcode": postcode, "gemeenten": [
        {"naam": name, "plaatsen": found} for name, found in places.items()]})
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _its_representative(vcode: str) -> bool:
    """True when the request carries the token of one of the association's representatives
    acting for it: they see their own record whatever its status."""
    if bearer_token() is None:
        return False
    try:
        api_manage.reading(vcode)
    except LoketError:
        return False
    return True


@bp.get("/associations/<vcode>")
def association_detail(vcode: str) -> Response:
    """Public detail: only an active association that did not opt out (404 otherwise, as for
    a vCode nobody has), unless a representative asks."""
    session = db.read_session()
    assoc = changes.find(session, vcode)
    if not changes.publicly_visible(assoc) and not _its_representative(assoc.vcode):
        raise NotFound("not_found", wording.gettext("Er is geen vereniging met vCode %(vcode)s.",
                                                    vcode=assoc.vcode))
    if if_none_match(assoc.version):
        response = Response(status=304)
        response.headers["ETag"] = etag(assoc.version)
    else:
        response = with_etag(views.public_view(assoc, views.names(session)), assoc.version)
    # Stored but checked every time: a representative who just changed it sees the change.
    response.headers["Cache-Control"] = "no-cache"
    return response
