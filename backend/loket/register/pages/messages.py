"""Berichten in Mijn Verenigingsloket: an association's messages for the representative who
reads them (unread first; read and archived per person), their e-mail choices per category,
and the unsubscribe link every mail carries."""

from __future__ import annotations

import hashlib
import json

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import HiddenField

from loket import audit, db, i18n, mail
from loket.i18n import gettext as _
from loket.messages import mailing, store
from loket.models import Representative
from loket.register.pages.common import acting_for, bp, page
from loket.security import csrf


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


@bp.route("/mijn-verenigingsloket/<vcode>/berichten", methods=["GET", "POST"])
def messages(vcode: str) -> BaseResponse:
    acting = acting_for(vcode)
    session = acting.session
    person, identifier = acting.person, acting.assoc.vcode
    archived = request.args.get("archief") == "1"
    mark, mail_form = MarkForm(prefix="m"), MailForm(prefix="e")
    choices = mailing.preferences(session, acting.rep.id)
    clash = False
    if request.method == "POST" and mark.validate_on_submit() and mark.action.data:
        changes = {"read": {"read": True}, "unread": {"read": False},
                   "archive": {"archived": True}, "restore": {"archived": False}}
        change = changes.get(mark.action.data)
        message_id = int(mark.message.data) if (mark.message.data or "").isdigit() else None
        if change is None or message_id is None:
            abort(400)
        store.mark(session, message_id, identifier, person.sub, **change)
        audit.record(session, "message-mark", f"message/{message_id}", actor=person.sub,
                     capacity=f"VER:{identifier}", subject=person.sub, detail=change)
        session.commit()
        back = url_for(".messages", vcode=identifier.lower(), archief="1") if archived else \
            url_for(".messages", vcode=identifier.lower())
        return redirect(f"{back}#m{message_id}", 303)
    if request.method == "POST" and mail_form.validate_on_submit():
        if mail_form.seen.data != _digest(choices):
            clash = True  # changed in another tab meanwhile: show what holds now, change nothing
        else:
            wanted = {c: request.form.get(f"e-{c}", "") for c in store.CATEGORIES}
            mailing.set_preferences(session, acting.rep.id, wanted, i18n.current())
            audit.record(session, "message-mail-choice", f"association/{identifier}",
                         actor=person.sub, capacity=f"VER:{identifier}", subject=person.sub,
                         detail={k: v for k, v in wanted.items() if v})
            session.commit()
            flash(_("Je e-mailkeuzes zijn bewaard."), "mail")
            return redirect(url_for(".messages", vcode=identifier.lower()) + "#email", 303)
    found = store.page_for(session, identifier, person.sub, archived=archived, limit=50)
    audit.record(session, "messages-read", "messages/me", actor=person.sub,
                 capacity=f"VER:{identifier}", subject=person.sub,
                 detail={"archived": archived, "returned": len(found.items), "via": "self-service"})
    session.commit()  # the read is logged before the page leaves
    lang = i18n.current()
    shown = [(m, store.text_in(m.title, lang)[0], store.text_in(m.body, lang)[0], read, gone)
             for m, read, gone in found.items]
    return page("register/messages.html", acting=acting, name=acting.assoc.naam,
                vcode=identifier, items=shown, page_=found, archived=archived, mark=mark,
                mail_form=mail_form, choices=choices, seen=_digest(choices), clash=clash,
                labels=_labels(), modes=_mode_labels(), email=acting.rep.email,
                mail_on=mail.configured(current_app.config), iso=store.iso,
                status=409 if clash else 200)


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
