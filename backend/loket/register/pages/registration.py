""""Vereniging registreren": a signed-in person registers a new association and acts for it at
once (the pages' header shows the new capacity: it is one of theirs from the moment it exists).
A similar name in the same municipality shows the candidates and needs an explicit "toch
registreren" (see :mod:`loket.register.registration`)."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, url_for
from werkzeug.wrappers import Response as BaseResponse

from loket import db
from loket.i18n import gettext as _
from loket.register import registration, search, views
from loket.register.changes import Actor
from loket.register.pages.common import VIA, bp, page, signed_in
from loket.register.pages.forms import RegisterForm
from loket.register.validation import InvalidRecord, Problem


@bp.route("/mijn-verenigingsloket/registreren", methods=["GET", "POST"])
def register() -> BaseResponse:
    person = signed_in()
    session = db.session()
    codes = views.names(session)
    form = RegisterForm()
    form.hoofdactiviteiten.choices = list(codes.activities.items())
    candidates: list[registration.Candidate] = []
    if not form.validate_on_submit():
        return _page(form, candidates)
    areas: list[str] = []
    extra = (form.werkingsgebied.data or "").strip()
    try:
        if extra:
            areas = search.resolve_area(session, extra, codes).named
    except search.SearchError as exc:
        form.show_problems([Problem("werkingsgebied", exc.text)])
        return _page(form, candidates)
    actor = Actor(person.sub, "BUR", None)
    confirmation = form.bevestiging.data if form.toch.data else None
    try:
        assoc = registration.register_new(
            session, person, form.to_api(areas), secret=registration.key(current_app.secret_key),
            confirmation=confirmation, actor=actor, via=VIA)
    except registration.PossibleDuplicate as duplicate:
        session.rollback()
        candidates = duplicate.candidates
        form.bevestiging.data = duplicate.token
        if form.toch.data:  # confirmed, but for another name or place than now
            form.toch.errors = [_("Bevestig opnieuw: de naam of de plaats is intussen anders.")]
        form.toch.data = False
        return _page(form, candidates)
    except InvalidRecord as exc:
        session.rollback()
        form.show_problems(exc.problems)
        return _page(form, candidates)
    session.commit()
    flash(_("%(name)s is geregistreerd met vCode %(vcode)s. Je bent er de primaire "
            "vertegenwoordiger van en handelt nu namens de vereniging.", name=assoc.naam,
            vcode=assoc.vcode))
    return redirect(url_for("register.overview", vcode=assoc.vcode), 303)


def _page(form: RegisterForm, candidates: list[registration.Candidate]) -> Response:
    return page("register/register.html", form=form, candidates=candidates)
