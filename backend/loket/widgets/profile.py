"""Profile tokens: how a site's server lets its header show the person without handing the
browser its access token.

The site (a confidential client) posts the person's access token it holds to
``/widgets/v1/profile-token`` and gets a profile token: opaque, stored only as its SHA-256,
bound to that client and person, good for one thing (reading the person's name and capacities
through ``/widgets/v1/{widget_id}/profile``), for at most five minutes, and revoked with the
sign-in it came from. Every read is audited before the data leaves.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request, url_for

from loket import audit, clients, db, http_errors
from loket.errors import LoketError
from loket.messages import store as messages
from loket.models import Client, Person
from loket.sso import capacities, clientauth
from loket.sso.protocol import OAuthError
from loket.sso.provider import PROFILE_KIND as KIND
from loket.sso.provider import Provider
from loket.sso.web import bearer_token
from loket.widgets.views import bp


def _error(status: int, error: str, detail: str) -> Response:
    """The error's answer, here rather than raised: the profile read adds CORS headers to it."""
    headers = {"WWW-Authenticate": f'Bearer realm="loket", error="{error}"'} \
        if status == 401 else None
    return http_errors.render(LoketError(error, detail, status, headers))


@bp.post("/widgets/v1/profile-token")
def profile_token() -> Response:
    """Exchange the person's access token (held by the site's server) for a profile token."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return _error(400, "invalid_request", "Send form-encoded parameters "
                      "(application/x-www-form-urlencoded).")
    session = db.session()
    try:
        client = clientauth.authenticate_client(
            session, request.headers.get("Authorization", ""), request.form, public_ok=False,
            assertions=clientauth.AssertionCheck(current_app.config["ISSUER"], session))
    except OAuthError as exc:
        if "client_assertion" in request.form or "client_assertion_type" in request.form:
            return _error(401, "invalid_client", str(exc.description))
        return _error(401, "invalid_client", "Client authentication failed (a confidential "
                      "client authenticates with its id and secret).")
    provider: Provider = current_app.extensions["loket.provider"]
    found = provider.access_token_and_person(session, request.form.get("access_token"))
    row, person = found if found else (None, None)
    if row is None or row.kind != "access" or row.person_id is None:
        return _error(400, "invalid_grant", "access_token: give a live access token of a person, "
                      "issued to this client.")
    if row.client_id != client.id:
        return _error(400, "invalid_grant", "access_token: it was issued to another client.")
    scopes = set(row.scope.split())
    if "profile" not in scopes:
        return _error(400, "invalid_scope", "access_token: it lacks the 'profile' scope.")
    token, lifetime = provider.issue_profile_token(
        session, client.id, person, row.capacity if "capacity" in scopes else None,
        row.session_id, until=row.expires_at)
    audit.record(session, "token-issue", "widget-profile-token", actor=client.id,
                 client_id=client.id, capacity=audit.capacity_label(row.capacity),
                 subject=person.sub if person else None,
                 detail={"kind": KIND, "expires_in": lifetime})
    session.commit()
    response = jsonify({"profile_token": token, "token_type": "Bearer", "expires_in": lifetime,
                        "widget_id": client.id})
    response.headers["Cache-Control"] = "no-store"
    return response


def _allowed_origin(client: Client | None) -> str | None:
    origin = request.headers.get("Origin")
    if origin and client is not None and origin.lower() in (client.origins or []):
        return origin
    return None


def _with_cors(response: Response, origin: str | None) -> Response:
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET"
        response.headers["Access-Control-Allow-Headers"] = "Authorization"
        response.headers["Access-Control-Max-Age"] = "600"
    response.vary.add("Origin")
    return response


def _entity(cap: dict[str, Any], person: Person) -> dict[str, Any]:
    if cap.get("code") == "BUR":
        # The citizen's identifier (INSZ) is not needed to show a name: it stays out.
        return {"code": "BUR", "name": person.family_name, "firstName": person.given_name}
    return {"code": cap.get("code"), "identifier": cap.get("identifier"), "name": cap.get("name")}


@bp.route("/widgets/v1/<widget_id>/profile", methods=["GET", "OPTIONS"])
def profile(widget_id: str) -> Response:
    """The person's name and capacities, for the header of a registered origin."""
    read = db.session()
    client = clients.get(read, widget_id)
    origin = _allowed_origin(client)
    if request.headers.get("Origin") and origin is None:
        return _with_cors(_error(403, "origin_not_allowed", "This origin is not registered for "
                                 "this widget id (loket client add --origin)."), None)
    if request.method == "OPTIONS":
        return _with_cors(Response(status=204), origin)
    provider: Provider = current_app.extensions["loket.provider"]
    row = provider.access_token(read, bearer_token(), KIND)
    if row is None or row.kind != KIND or row.client_id != widget_id or row.person_id is None:
        return _with_cors(_error(401, "invalid_token", "The profile token is missing, expired, "
                                 "revoked or for another widget."), origin)
    person = read.get(Person, row.person_id)
    if person is None:
        return _with_cors(_error(401, "invalid_token", "The person no longer exists."), origin)
    idp: dict[str, Any] = {"user": {"firstName": person.given_name, "name": person.family_name}}
    if "capacity" in row.scope.split():
        caps = capacities.for_person(read, person)
        active = row.capacity or {"code": "BUR"}
        found = capacities.find(caps, active.get("code"), active.get("identifier"))
        if found is not None:
            idp["activeIdentity"] = {"onBehalfOf": _entity(found.claim(), person),
                                     "loginHint": found.login_hint}
            # the badge: one count on the reading index, in this same answer (no request more)
            idp["messages"] = {"unread": messages.unread_count(
                read, person.insz if found.code == "BUR" else found.identifier, person.sub)}
            # where they are read: Berichten in Mijn Verenigingsloket, for the capacity
            if found.code == "VER":
                where = url_for("register.messages", vcode=found.identifier.lower(),
                                _external=True)
            elif found.code == "EA":
                where = url_for("register.company_messages", kbo=found.identifier,
                                _external=True)
            else:
                where = url_for("register.own_messages", _external=True)
            idp["messages"]["url"] = where
        idp["identities"] = [{"onBehalfOf": _entity(cap.claim(), person),
                              "loginHint": cap.login_hint} for cap in caps]
    audit.record(read, "read", "widget-profile", actor=person.sub, client_id=row.client_id,
                 capacity=audit.capacity_label(row.capacity), subject=person.sub,
                 detail={"origin": origin, "identities": len(idp.get("identities", []))})
    read.commit()
    response = jsonify({"idpData": idp})
    response.headers["Cache-Control"] = "no-store"
    return _with_cors(response, origin)
