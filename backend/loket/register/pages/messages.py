"""Berichten in Mijn Verenigingsloket: an association's messages for the representative who
reads them (unread first; read and archived per person), their e-mail choices per category,
and the unsubscribe link every mail carries."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse
from wtforms import HiddenField

from loket import audit, db, i18n, mail
from loket.errors import Forbidden
from loket.i18n import gettext as _
from loket.identifiers import InvalidIdentifier, parse_kbo
from loket.messages import mailing, store
from loket.models import Person, Representative
from loket.register.pages.common import acting_for, bp, page, signed_in
from loket.register.service import Acting
from loket.security import csrf
from loket.sso import capacities


class MarkForm(FlaskForm):
    """Read, unread, archive or take back one message (a POST with the CSRF token)."""

    message = HiddenField()
    action = HiddenField()


class MailForm(FlaskForm):
    """The e-mail choices, against the choices the page showed (``seen``)."""

    seen = HiddenField()


def _digest(choices: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(choices, sort_keys=True).encode()).hexdigest()[:16]


def _labels() -> dict[str, str]:
    """The categories as the page names them (in the order of loket.messages.store)."""
    return {"subsidie": _("Subsidies"), "erkenning": _("Erkenningen"),
            "evenement": _("Evenementen"), "info": _("Info"), "actie-nodig": _("Actie nodig")}


def _mode_labels() -> dict[str, str]:
    return {"": _("Geen e-mail"), "meteen": _("Meteen"), "dagelijks": _("Eén keer per dag")}


@dataclass(frozen=True)
class Inbox:
    """Whose messages a page shows: the capacity's identifier, its log label and name, the
    page's URL arguments, and the representative (who alone has e-mail choices)."""

    identifier: str
    label: str
    name: str
    endpoint: str
    args: dict[str, str]
    rep: Representative | None = None

    def url(self, **extra: str) -> str:
        values: dict[str, Any] = {**self.args, **extra}
        return url_for(self.endpoint, **values)


@bp.route("/mijn-verenigingsloket/<vcode>/berichten", methods=["GET", "POST"])
def messages(vcode: str) -> BaseResponse:
    acting = acting_for(vcode)
    identifier = acting.assoc.vcode
    return _inbox(acting.session, acting.person, Inbox(
        identifier, f"VER:{identifier}", acting.assoc.naam, ".messages",
        {"vcode": identifier.lower()}, acting.rep), acting=acting)


@bp.route("/mijn-verenigingsloket/berichten", methods=["GET", "POST"])
def own_messages() -> BaseResponse:
    """The messages governments sent to the person themself (a target of INSZ numbers)."""
    person = signed_in()
    return _inbox(db.session(), person, Inbox(
        person.insz, "BUR", f"{person.given_name} {person.family_name}", ".own_messages", {}))


@bp.route("/mijn-verenigingsloket/ondernemingen/<kbo>/berichten", methods=["GET", "POST"])
def company_messages(kbo: str) -> BaseResponse:
    """The messages to a company the person holds a mandate for (a target of KBO numbers)."""
    person = signed_in()
    session = db.session()
    try:
        number = parse_kbo(kbo)
    except InvalidIdentifier as exc:
        raise Forbidden("not_mandated", _("%(value)s is geen ondernemingsnummer.",
                                          value=repr(kbo[:20]))) from exc
    found = capacities.find(capacities.for_person(session, person), "EA", number)
    if found is None:
        raise Forbidden("not_mandated", _("Je mag niet optreden namens deze onderneming."))
    return _inbox(session, person, Inbox(number, f"EA:{number}", found.name, ".company_messages",
                                         {"kbo": number}))


def _inbox(session: Session, person: Person, box: Inbox, acting: Acting | None = None,
           ) -> BaseResponse:
    """The page of one capacity's messages: read, unread, archive, restore (each for this
    person only); for a representative also their e-mail choices."""
    archived = request.args.get("archief") == "1"
    mark, mail_form = MarkForm(prefix="m"), MailForm(prefix="e")
    choices = mailing.preferences(session, box.rep.id) if box.rep else {}
    clash = False
    if request.method == "POST" and mark.validate_on_submit() and mark.action.data:
        changes = {"read": {"read": True}, "unread": {"read": False},
                   "archive": {"archived": True}, "restore": {"archived": False}}
        change = changes.get(mark.action.data)
        message_id = int(mark.message.data) if (mark.message.data or "").isdigit() else None
        if change is None or message_id is None:
            abort(400)
        store.mark(session, message_id, box.identifier, person.sub, **change)
        audit.record(session, "message-mark", f"message/{message_id}", actor=person.sub,
                     capacity=box.label, subject=person.sub, detail=change)
        session.commit()
        back = box.url(archief="1") if archived else box.url()
        return redirect(f"{back}#m{message_id}", 303)
    if request.method == "POST" and box.rep and mail_form.validate_on_submit():
        if mail_form.seen.data != _digest(choices):
            clash = True  # changed in another tab meanwhile: show what holds now, change nothing
        else:
            wanted = {c: request.form.get(f"e-{c}", "") for c in store.CATEGORIES}
            mailing.set_preferences(session, box.rep.id, wanted, i18n.current())
            audit.record(session, "message-mail-choice", f"association/{box.identifier}",
                         actor=person.sub, capacity=box.label, subject=person.sub,
                         detail={k: v for k, v in wanted.items() if v})
            session.commit()
            flash(_("Je e-mailkeuzes zijn bewaard."), "mail")
            return redirect(box.url() + "#email", 303)
    found = store.page_for(session, box.identifier, person.sub, archived=archived, limit=50)
    audit.record(session, "messages-read", "messages/me", actor=person.sub, capacity=box.label,
                 subject=person.sub,
                 detail={"archived": archived, "returned": len(found.items), "via": "self-service"})
    session.commit()  # the read is logged before the page leaves
    lang = i18n.current()
    shown = [(m, store.text_in(m.title, lang)[0], store.text_in(m.body, lang)[0], read, gone)
             for m, read, gone in found.items]
    return page("register/messages.html", acting=acting, box=box, name=box.name,
                vcode=box.identifier if box.rep else None, items=shown, page_=found,
                archived=archived, mark=mark, mail_form=mail_form, choices=choices,
                seen=_digest(choices), clash=clash, labels=_labels(), modes=_mode_labels(),
                email=box.rep.email if box.rep else None, mail_on=mail.configured(current_app.config),
                iso=store.iso, status=409 if clash else 200)


@bp.route("/berichten/uitschrijven/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority; mail programs post it in one click (RFC 8058)
def unsubscribe(token: str) -> Response:
    try:
        found = mail.read_unsubscribe_token(str(current_app.config["SECRET_KEY"]), token)
    except mail.InvalidUnsubscribeToken:
        return page("register/unsubscribe.html", 404, state="unknown")
    audience, _sep, rep_id = found.audience.partition(":")
    session = db.session()
    rep = session.get(Representative, int(rep_id)) if audience == "representative" and \
        rep_id.isdigit() else None
    if rep is None:
        return page("register/unsubscribe.html", 404, state="unknown")
    label = _labels().get(found.topic, _("alle berichten"))
    if request.method == "POST":
        removed = mailing.unsubscribe(session, rep.id, found.topic)
        audit.record(session, "message-mail-choice", f"association/{rep.association.vcode}",
                     actor=rep.person.sub, subject=rep.person.sub,
                     detail={"unsubscribed": found.topic, "removed": removed, "via": "link"})
        session.commit()
        return page("register/unsubscribe.html", 200, state="done", label=label,
                            name=rep.association.naam)
    return page("register/unsubscribe.html", 200, state="ask", label=label,
                        name=rep.association.naam, token=token)
