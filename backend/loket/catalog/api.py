"""``/api/v1/catalog``: search (anonymous, or personalised with a user token) and publishing
(client credentials with ``catalog:write``, only a publisher's own products)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from loket import apibase, audit, clients, db, inputs, preconditions, ratelimit
from loket.catalog import codes, openapi, relevance, search, store, validation
from loket.catalog.areas import AreaCache, AreaTree
from loket.errors import BadRequest, Conflict, Forbidden, NotFound
from loket.preconditions import etag
from loket.trust import Binding

bp = Blueprint("catalog", __name__)

MAX_VALUES = 20
MAX_OFFSET = 10_000
_FILTERS = {"doelgroep": "doelgroep", "thema": "thema", "type": "type", "level": "level"}


def _areas() -> AreaCache:
    cache = current_app.extensions.get("loket.catalog.areas")
    if cache is None:
        cache = current_app.extensions["loket.catalog.areas"] = AreaCache()
    return cache  # type: ignore[no-any-return]


def _values(name: str) -> tuple[str, ...]:
    """A filter's values: repeated (``thema=A&thema=B``) or comma-separated (``thema=A,B``)."""
    found: list[str] = []
    for raw in request.args.getlist(name):
        found.extend(v.strip() for v in raw.split(",") if v.strip())
    if len(found) > MAX_VALUES:
        raise BadRequest("invalid_parameter", f"{name}: at most {MAX_VALUES} values.")
    return tuple(dict.fromkeys(found))


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = inputs.whole_number(raw, max_digits=9)
    except inputs.NotAWholeNumber:
        raise BadRequest("invalid_parameter", f"{name}: give a whole number.") from None
    if not low <= value <= high:
        raise BadRequest("invalid_parameter", f"{name}: between {low} and {high}.")
    return value


def _query(tree: AreaTree) -> search.Query:
    filters: dict[str, tuple[str, ...]] = {}
    for name, kind in _FILTERS.items():
        values = _values(name)
        known = codes.codes(kind)
        for value in values:
            if value not in known:
                raise BadRequest("invalid_parameter",
                                 f"{name}: unknown code {value!r}; known: {', '.join(known)}.")
        filters[name] = values
    area = _values("municipality")
    for code in area:
        if code not in tree:
            raise BadRequest("invalid_parameter",
                             f"municipality: unknown werkingsgebied {code!r} (e.g. BE23444021).")
    q = request.args.get("q", "")
    if len(q) > 200:
        raise BadRequest("invalid_parameter", "q: at most 200 characters.")
    scope = request.args.get("scope", "mine")
    if scope not in ("mine", "all"):
        raise BadRequest("invalid_parameter", "scope: 'mine' (default) or 'all'.")
    facets = request.args.get("facets", "true").lower()
    if facets not in ("true", "false", "1", "0"):
        raise BadRequest("invalid_parameter", "facets: true or false.")
    return search.Query(
        q=q, area=area, offset=_int("offset", 0, 0, MAX_OFFSET), limit=_int("limit", 20, 1, 100),
        lang=codes.pick_language(request.headers.get("Accept-Language"), request.args.get("lang")),
        scope=scope, facets=facets in ("true", "1"), today=relevance.today(), **filters,
    )


def _optional_caller() -> apibase.Caller | None:
    """The person behind a bearer token with scope ``catalog``; None without a token.

    A token that is sent must be valid: an expired or wrong-scope token is refused, never
    silently treated as anonymous.
    """
    if "Authorization" not in request.headers:
        return None
    who = apibase.caller("catalog", person=True)
    db.session().commit()  # end the token lookup's transaction before the (longer) search
    return who


@bp.get("/catalog/products")
@ratelimit.limited("search")
def list_products() -> Response:
    caller = _optional_caller()
    reader = db.read_session()
    tree = _areas().get(reader)
    query = _query(tree)
    profile = relevance.profile_for(reader, caller.capacity, tree) if caller else None
    result = search.search(reader, query, tree, profile)
    reader.rollback()
    body: dict[str, Any] = {"total": result.total, "offset": query.offset, "limit": query.limit,
                            "lang": query.lang, "personalised": profile is not None}
    if caller is not None:
        if profile is not None:
            body["scope"] = query.scope
            body["capacity"] = {k: profile.capacity.get(k) for k in ("code", "identifier", "name")}
        _audit_read(caller, "catalog-search", "catalog/products",
                    {"filters": query.filters(), "q": query.q, "scope": query.scope,
                     "total": result.total})
    body["items"] = result.items
    if query.facets:
        body["facets"] = result.facets
    return jsonify(body)


@bp.get("/catalog/products/<product_id>")
def get_product(product_id: str) -> Response:
    caller = _optional_caller()
    reader = db.read_session()
    product = store.find(reader, product_id) if validation.PRODUCT_ID.match(product_id) else None
    if product is None:
        raise NotFound("not_found", f"There is no product {product_id!r}.")
    lang = codes.pick_language(request.headers.get("Accept-Language"), request.args.get("lang"))
    body = {**store.to_json(product), "open": relevance.is_open(product.data, relevance.today())}
    if caller is not None:
        tree = _areas().get(reader)
        profile = relevance.profile_for(reader, caller.capacity, tree)
        if profile is not None:
            body["relevance"] = relevance.explain(product.data, profile, tree, lang,
                                                  relevance.today())
        _audit_read(caller, "catalog-read", f"catalog/product/{product_id}", {})
    reader.rollback()
    response = jsonify(body)
    response.headers["ETag"] = etag(product.version)
    return response


def _audit_read(caller: apibase.Caller, operation: str, resource: str, detail: dict[str, Any]) -> None:
    """Record a personalised read and commit it before the answer leaves the server."""
    session = db.session()
    audit.record(session, operation, resource, actor=caller.actor,
                 capacity=audit.capacity_label(caller.capacity), client_id=caller.client_id,
                 detail=detail)
    session.commit()


def _body() -> dict[str, Any]:
    body = apibase.json_body()
    if not isinstance(body, dict):
        raise BadRequest("invalid_request", "The body must be a JSON object (one product).")
    return body


def _refuse_other_owner(caller: apibase.Caller, exc: store.NotOwner, operation: str) -> Forbidden:
    session = db.session()
    session.rollback()
    audit.record(session, operation, f"catalog/product/{exc.product_id}", actor=caller.actor,
                 client_id=caller.client_id, outcome="refused", reason="not the publisher")
    session.commit()
    return Forbidden("not_owner", f"Product {exc.product_id!r} belongs to another publisher; "
                     "you may change only your own products.")


@bp.put("/catalog/products/<product_id>")
def put_product(product_id: str) -> Response:
    caller = apibase.caller("catalog:write", person=False)
    session = db.session()
    # whose product it is, before what it says: another publisher's id is refused as such
    existing = (store.find(session, product_id, for_update=True)
                if validation.PRODUCT_ID.match(product_id) else None)
    if existing is not None and existing.publisher != caller.client_id:
        raise _refuse_other_owner(caller, store.NotOwner(product_id, existing.publisher),
                                  "catalog-put")
    if existing is not None and existing.product_id != product_id:
        raise Conflict("id_case_clash", f"Your product is {existing.product_id!r}; ids are "
                       "compared without regard to case, so use that spelling.")
    data = validation.parse_product(_body(), set(AreaTree.load(session).areas),
                                    product_id=product_id,
                                    binding=Binding.of(clients.get(session, caller.client_id)))
    preconditions.check(request.headers.get("If-Match"), existing.version if existing else None)
    outcome = store.upsert(session, caller.client_id, data, db.now())
    if outcome.result != store.UNCHANGED:
        audit.record(session, "catalog-put", f"catalog/product/{product_id}", actor=caller.actor,
                     client_id=caller.client_id,
                     detail={"result": outcome.result, "version": outcome.product.version})
    session.commit()
    response = jsonify({**store.to_json(outcome.product), "result": outcome.result})
    response.status_code = 201 if outcome.result == store.CREATED else 200
    response.headers["ETag"] = etag(outcome.product.version)
    if outcome.result == store.CREATED:
        response.headers["Location"] = url_for(".get_product", product_id=product_id)
    return response


@bp.delete("/catalog/products/<product_id>")
def delete_product(product_id: str) -> Response:
    caller = apibase.caller("catalog:write", person=False)
    session = db.session()
    existing = (store.find(session, product_id, for_update=True)
                if validation.PRODUCT_ID.match(product_id) else None)
    if existing is None:
        raise NotFound("not_found", f"There is no product {product_id!r}.")
    if existing.publisher != caller.client_id:
        raise _refuse_other_owner(caller, store.NotOwner(product_id, existing.publisher),
                                  "catalog-delete")
    preconditions.check(request.headers.get("If-Match"), existing.version if existing else None)
    store.remove(session, caller.client_id, product_id)
    audit.record(session, "catalog-delete", f"catalog/product/{product_id}", actor=caller.actor,
                 client_id=caller.client_id)
    session.commit()
    return Response(status=204)


OPENAPI = openapi.PART
