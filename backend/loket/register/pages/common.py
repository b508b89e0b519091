"""Shared ground of the self-service pages: the blueprint, who is signed in (the provider's SSO
session cookie), and the association they act for, checked against their capacities."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, render_template

from loket import db
from loket.errors import Forbidden
from loket.i18n import gettext as _
from loket.identifiers import InvalidIdentifier, format_kbo, parse_vcode
from loket.models import Person
from loket.register import service
from loket.register.service import Acting

bp = Blueprint("register", __name__)
VIA = "self-service"  # how the audit log names changes made on these pages


@bp.app_template_filter("kbo")
def kbo_filter(value: object) -> str:
    """An ondernemingsnummer as people write it (``0412.345.614``); anything else as given."""
    try:
        return format_kbo(str(value))
    except InvalidIdentifier:
        return str(value or "")


class SignInRequired(Exception):
    """Nobody is signed in at the provider: the page asks them to sign in first."""


def signed_in() -> Person:
    """The person of the provider's SSO session, or :class:`SignInRequired`."""
    from loket.sso.web import current_sign_in

    who = current_sign_in()
    if who is None:
        raise SignInRequired()
    g.loket_person = who.person  # the pages' header shows who is signed in
    return who.person


@bp.errorhandler(SignInRequired)
def _sign_in_first(_error: SignInRequired) -> Response:
    response = Response(render_template("register/signin.html"), status=401)
    response.headers["Cache-Control"] = "no-store"
    return response


def acting_for(vcode: str, *, lock: bool = False) -> Acting:
    """The signed-in person acting for ``vcode``: it must be one of their capacities."""
    person = signed_in()
    try:
        canonical = parse_vcode(vcode)
    except InvalidIdentifier as exc:
        raise Forbidden("not_representative", _("%(value)s is geen vCode.",
                                                value=repr(vcode[:20]))) from exc
    acting = service.acting_for(db.session(), person, canonical, lock=lock, via=VIA)
    g.loket_active = acting.capacity
    return acting


def page(template: str, status: int = 200, **context: Any) -> Response:
    response = Response(render_template(template, **context), status=status)
    response.headers["Cache-Control"] = "no-store"
    return response
