"""Invitations on the self-service pages: a primary representative invites a person
("Vertegenwoordiger uitnodigen") or withdraws an invitation; the invited person finds it on
Mijn Verenigingsloket after signing in and accepts or declines it there."""

from __future__ import annotations

from flask import current_app, flash, redirect, url_for
from werkzeug.wrappers import Response as BaseResponse

from loket import db, i18n
from loket.errors import LoketError
from loket.i18n import gettext as _
from loket.register import changes, invitations, service, wording
from loket.register.changes import Actor
from loket.register.pages.common import VIA, acting_for, bp, page, signed_in
from loket.register.pages.forms import AnswerForm, ConfirmForm, InviteForm
from loket.register.pages.overview import back_to, submit


@bp.route("/mijn-verenigingsloket/<vcode>/uitnodigen", methods=["GET", "POST"])
def invite(vcode: str) -> BaseResponse:
    acting = acting_for(vcode, lock=True)
    acting.require_primary(wording.gettext("vertegenwoordigers uitnodigen"))
    form = InviteForm()
    if form.validate_on_submit():
        done = submit(acting, form, lambda: invitations.invite(
            acting.session, acting.assoc, form.to_api(), acting.actor, acting.rep,
            invitations.policy(current_app.config)), "VertegenwoordigerWerdUitgenodigd",
            _("De uitnodiging is klaar. Zodra deze persoon zich aanmeldt, vindt die ze op Mijn "
              "Verenigingsloket; pas na het aanvaarden is die vertegenwoordiger."),
            any_version=True, part="vertegenwoordigers")
        if done is not None:
            return done
    else:
        form.version.data = str(acting.assoc.version)
    return page("register/invite.html", acting=acting, form=form,
                days=invitations.policy(current_app.config).valid_days)


@bp.post("/mijn-verenigingsloket/<vcode>/uitnodigingen/<int:item_id>/intrekken")
def withdraw(vcode: str, item_id: int) -> BaseResponse:
    acting = acting_for(vcode, lock=True)
    form = ConfirmForm()
    if not form.validate_on_submit():
        raise LoketError("csrf", _("Het formulier is verlopen; probeer opnieuw."), 400)
    found = invitations.find(acting.session, acting.assoc, item_id)
    done = submit(acting, form, lambda: invitations.withdraw(
        acting.session, acting.assoc, found, acting.actor, acting.rep),
        "UitnodigingWerdIngetrokken", _("De uitnodiging is ingetrokken."), any_version=True,
        part="vertegenwoordigers")
    if done is None:  # refused: say why, where the invitation is listed
        return back_to(acting.assoc.vcode, "vertegenwoordigers",
                       "; ".join(form.form_errors)
                       or _("De uitnodiging kon niet ingetrokken worden."))
    return done


@bp.post("/mijn-verenigingsloket/uitnodigingen/<int:item_id>/<choice>")
def answer(item_id: int, choice: str) -> BaseResponse:
    person = signed_in()
    if choice not in ("aanvaarden", "weigeren"):
        raise LoketError("not_found", _("Deze pagina bestaat niet."), 404)
    form = AnswerForm()
    if not form.validate_on_submit():
        raise LoketError("csrf", _("Het formulier is verlopen; probeer opnieuw."), 400)
    session = db.session()
    accept = choice == "aanvaarden"
    try:
        _found, assoc = service.answer_invitation(session, person, item_id, accept,
                                                  Actor(person.sub, "BUR", None), via=VIA)
    except changes.RecordConflict as refused:
        session.rollback()
        flash(refused.detail_in(i18n.current()))
        return redirect(url_for("register.index"), 303)
    if accept:
        flash(_("Je bent nu vertegenwoordiger van %(name)s en kunt namens de vereniging "
                "handelen.", name=assoc.naam))
        return redirect(url_for("register.overview", vcode=assoc.vcode), 303)
    flash(_("Je hebt de uitnodiging van %(name)s geweigerd.", name=assoc.naam))
    return redirect(url_for("register.index"), 303)
