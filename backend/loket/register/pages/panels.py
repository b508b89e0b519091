"""What makes "Mijn Verenigingsloket" a site like the municipalities': Loket's own header (with
the identity switch) and panels, fed by first-party access tokens."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, jsonify, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from loket import db, firstparty
from loket.errors import Forbidden
from loket.i18n import gettext as _
from loket.register.pages.common import acting_for, bp, signed_in
from loket.sso import capacities
from loket.sso.web import current_sign_in


@bp.app_context_processor
def _widget_profile() -> dict[str, Any]:
    """The header's profile for pages of a signed-in person (see templates/mijn_base.html)."""
    person = g.get("loket_person")
    if person is None:
        return {}
    caps = capacities.for_person(db.session(), person)
    active = g.get("loket_active") or caps[0]
    return {"widget_profile": firstparty.header_profile(
        person, caps, active, switch_url=url_for("register.switch"),
        logout_url=url_for("sso.end_session"))}


@bp.get("/mijn-verenigingsloket/wissel")
def switch() -> BaseResponse:
    """The header's identity switch: to the chosen association's page, or one's own."""
    person = signed_in()
    hint = capacities.select_by_hint(capacities.for_person(db.session(), person),
                                     request.args.get("login_hint"))
    if hint is not None and hint.code == "VER":
        return redirect(url_for("register.overview", vcode=hint.identifier), 303)
    return redirect(url_for("register.index"), 303)


@bp.get("/mijn-verenigingsloket/api-token")
def api_token() -> Response:
    """A short-lived token for the panels on these pages: this origin's own scripts only."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        raise Forbidden("forbidden", _("Alleen voor de pagina's van Mijn Verenigingsloket."))
    vcode = request.args.get("vcode")
    if vcode:
        acting = acting_for(vcode)
        person, session = acting.person, acting.session
        active = capacities.find(capacities.for_person(session, person), "VER",
                                 acting.assoc.vcode)
    else:
        person, session = signed_in(), db.session()
        active = capacities.for_person(session, person)[0]
    who = current_sign_in(touch=False)
    if who is None or active is None:
        raise Forbidden("login_required", _("Meld je opnieuw aan."))
    firstparty.ensure_client(session, current_app.config["ISSUER"])
    token, expires_in = firstparty.issue_token(session, current_app.extensions["loket.provider"],
                                               person, who.session, active)
    session.commit()
    response = jsonify({"access_token": token, "token_type": "Bearer", "expires_in": expires_in})
    response.headers["Cache-Control"] = "no-store"
    return response
