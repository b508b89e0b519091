"""Public register API, no sign-in: search ``GET /api/v1/associations`` and detail
``GET /api/v1/associations/{vCode}``. Neither ever carries a representative's data."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, jsonify, request, url_for

from loket import api, db
from loket.register import changes, search, views
from loket.register.validation import ASSOCIATION_TYPES
from loket.register.web import if_none_match, with_etag


def _summary(row: Any, acts: list[str], areas: list[str], codes: views.Names) -> dict[str, Any]:
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
        "links": {"detail": url_for("api.association_detail", vcode=row.vcode, _external=True)},
    }


def _page_link(offset: int) -> str:
    args = [(k, v) for k in request.args for v in request.args.getlist(k) if k != "offset"]
    args.append(("offset", str(offset)))
    return f"{url_for('api.search_associations', _external=True)}?{urlencode(args)}"


@api.bp.get("/associations")
def search_associations() -> Response:
    session = db.read_session()
    codes = views.names(session)
    query = search.parse(session, request.args, codes)
    result = search.run(session, query)
    ids = [row.id for row in result.rows]
    acts, areas = search.codes_of(session, ids)
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
        "results": [_summary(row, acts[row.id], areas[row.id], codes) for row in result.rows],
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


@api.bp.get("/associations/<vcode>")
def association_detail(vcode: str) -> Response:
    session = db.read_session()
    assoc = changes.find(session, vcode)
    if if_none_match(assoc.version):
        response = Response(status=304)
        response.headers["ETag"] = views.etag(assoc.version)
    else:
        response = with_etag(views.public_view(assoc, views.names(session)), assoc.version)
    # Stored but checked every time: a representative who just changed it sees the change.
    response.headers["Cache-Control"] = "no-cache"
    return response
