""""Mijn Verenigingsloket": the associations a person represents, "Onze gegevens" (everything the
register knows about one), and the forms for its own fields, activities and areas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, flash, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from loket import db, i18n, timefmt
from loket.errors import in_language
from loket.i18n import gettext as _
from loket.messages import store as messages_store
from loket.models import AssociationEvent, Client, Invitation, Person
from loket.register import changes, history, invitations, merge, search, service, views, wording
from loket.register.changes import RecordConflict, StaleVersion
from loket.register.pages.common import acting_for, bp, page
from loket.register.pages.common import signed_in as signed_in_person
from loket.register.pages.forms import (
    ASSOCIATION_TYPE_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    ActivitiesForm,
    AnswerForm,
    BasicsForm,
    ClashView,
    ConfirmForm,
    StopForm,
    VersionedForm,
)
from loket.register.service import Acting
from loket.register.validation import InvalidRecord, Problem
from loket.sso import capacities

HISTORY = 20


REFUSALS = (StaleVersion, InvalidRecord, RecordConflict)


def show_refusal(form: VersionedForm, refused: Exception) -> None:
    """A refused change on its form: stale (the version moves on, what was typed stays), or
    the problems next to their fields."""
    if isinstance(refused, StaleVersion):
        form.stale = True
        form.version.data = str(refused.current)
    elif isinstance(refused, InvalidRecord):
        form.show_problems(refused.problems)
    elif isinstance(refused, RecordConflict):
        form.show_problems([Problem(refused.field or "", refused.text)])


def submit(acting: Acting, form: VersionedForm, change: Callable[[], object], event: str,
           done: str, subject_of: Callable[[object], str | None] | None = None, *,
           any_version: bool = False, inactive_too: bool = False,
           part: str | None = None) -> BaseResponse | None:
    """Apply a submitted form that adds or removes something (see :mod:`service`).

    Returns the redirect after the change, or None when the form must be shown again: with
    ``form.stale`` set when someone else changed the association in between (a removal is
    confirmed against the version it was shown for; an addition, ``any_version``, cannot
    overwrite anything and goes through), or with the problems at their fields.
    """
    submitted = form.submitted_version()
    try:
        service.change(acting, None if any_version else set() if submitted is None
                       else {submitted}, change, event, subject=subject_of,
                       inactive_too=inactive_too)
    except REFUSALS as refused:
        show_refusal(form, refused)
        return None
    return back_to(acting.assoc.vcode, part, done)


def back_to(vcode: str, part: str | None, done: str) -> BaseResponse:
    """After a save: Onze gegevens at the part that was edited (its section's id), with the
    confirmation shown there (a flash message whose category names the part)."""
    flash(done, part or "message")
    return redirect(url_for("register.overview", vcode=vcode, _anchor=part), 303)


def display(value: object) -> str:
    """A value as the clash notice shows it."""
    if value is None or value == "" or value == []:
        return _("(leeg)")
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def who_names(session: Session, actors: set[str]) -> dict[str, str]:
    """Actors (a person's ``sub``, a client's id) → how the pages name them."""
    people = {row.sub: f"{row.given_name} {row.family_name}" for row in session.execute(
        select(Person.sub, Person.given_name, Person.family_name).where(Person.sub.in_(actors)))}
    clients = {row.id: row.name for row in session.execute(
        select(Client.id, Client.name).where(Client.id.in_(actors)))}
    return {**clients, **people}


def submit_edit(acting: Acting, form: VersionedForm, part: service.Part, item: int | None,
                data: dict[str, Any], done: str,
                subject_of: Callable[[object], str | None] | None = None, *,
                section: str | None = None) -> BaseResponse | None:
    """Apply an edit made against the version the form was filled in for, merged with what
    others changed since (:func:`service.edit`): fields only they changed stay theirs, fields
    only this person changed are saved. Where both changed a field, nothing is saved and the
    form comes back with the field's two values (``form.clashes``); the form's version moves
    to the current one and the person's choice per field ("hun"/"mijn") is what the next
    submit saves. Returns the redirect after a change, or None when the form must be shown."""
    chosen, missing = _choices(form)
    if missing:
        _show_clashes(acting, form, part, item, data, missing, {}, again=True)
        return None
    flat = merge.flatten(data)
    data = merge.unflatten({k: v for k, v in flat.items()
                            if chosen.get(form.form_field(k) or "") != "hun"})
    try:
        merged = service.edit(acting, form.submitted_version(), part, item, data,
                              subject=subject_of)
    except service.EditClash as clash:
        _take_theirs(form, clash.outcome.kept, part.current(acting, item))
        _show_clashes(acting, form, part, item, data, [c.field for c in clash.outcome.clashes],
                      {c.field: c.by for c in clash.outcome.clashes if c.by}, again=False)
        form.version.data = str(clash.current)
        return None
    except REFUSALS as refused:
        show_refusal(form, refused)
        return None
    if merged.kept:
        labels = ", ".join(dict.fromkeys(form.label_of(name) for name in merged.kept))
        done += " " + _("Intussen had iemand anders ook iets gewijzigd (%(fields)s); die "
                        "wijziging is behouden.", fields=labels)
    return back_to(acting.assoc.vcode, section, done)


def _choices(form: VersionedForm) -> tuple[dict[str, str], list[str]]:
    """The person's choice per clashing field of the last round, and the fields without one."""
    listed = [n for n in (request.form.get("botsingen") or "").split(",")[:40]
              if n and n in form]
    chosen = {n: request.form.get(f"kies-{n}", "") for n in listed}
    missing = [n for n, choice in chosen.items() if choice not in ("hun", "mijn")]
    return chosen, missing


def _take_theirs(form: VersionedForm, kept: dict[str, Any], current: dict[str, Any]) -> None:
    """Fields the person left alone show what the others saved."""
    for name in kept:
        field = form.form_field(name)
        if field is not None and name in current:
            value = current[name]
            form[field].data = value if isinstance(value, bool | list) or value is None \
                else str(value)


def _show_clashes(acting: Acting, form: VersionedForm, part: service.Part, item: int | None,
                  data: dict[str, Any], fields: list[str], by: dict[str, str], *,
                  again: bool) -> None:
    """``fields`` (API names or form fields) as clashes: the current value against the typed;
    ``again`` when the person saved without choosing for each of them."""
    current = part.current(acting, item)
    names = who_names(acting.session, set(by.values()))
    form.stale = True
    flat = merge.flatten(data)
    for name in fields:
        api = name if name in current else next(
            (k for k in current if form.form_field(k) == name), name)
        field = form.form_field(api) or name
        form.clashes.append(ClashView(
            field, form.label_of(api), display(current.get(api)), display(flat.get(api)),
            names.get(by.get(api, "")), request.form.get(f"kies-{field}") if again else None,
            _("kies welke waarde blijft.") if again and request.form.get(f"kies-{field}")
            not in ("hun", "mijn") else None))


# A form shown again (stale, or with problems) answers 200, as any page a person reads: its
# notice and error summary say what happened.


# ---- landing and overview ------------------------------------------------------------------

@bp.get("/mijn-verenigingsloket")
def index() -> Response:
    person = signed_in_person()
    session = db.session()
    every = capacities.for_person(session, person)
    caps = [c for c in every if c.code == "VER"]
    # the messages to the person themself and to their companies (an association's are on its
    # own page): each with its unread count
    inboxes = [(c, messages_store.unread_count(session, c.identifier, person.sub))
               for c in every if c.code in ("BUR", "EA")]
    return page("register/index.html", person=person, caps=caps, inboxes=inboxes,
                waiting=invitations.waiting_for(session, person), answer_form=AnswerForm(),
                day=invitations.day)


def _history(acting: Acting, codes: views.Names) -> list[history.Line]:
    events = list(acting.session.scalars(
        select(AssociationEvent).where(AssociationEvent.association_id == acting.assoc.id)
        .order_by(AssociationEvent.seq.desc()).limit(HISTORY)))
    names = who_names(acting.session, {e.actor for e in events if e.actor}
                      | {e.client_id for e in events if e.client_id})
    return [history.line(e, names, codes, lang=i18n.current()) for e in events]


@bp.get("/mijn-verenigingsloket/<vcode>")
def overview(vcode: str) -> Response:
    acting = acting_for(vcode)
    service.log_representatives_read(acting, "vertegenwoordiger bekijkt 'Onze gegevens'")
    codes = views.names(acting.session)
    lines = _history(acting, codes)
    record = views.full_view(acting.assoc, codes, seen_by=acting.rep)
    invited = list(acting.session.scalars(select(Invitation).where(
        Invitation.association_id == acting.assoc.id).order_by(Invitation.id.desc())
        .limit(HISTORY)))
    unread = messages_store.unread_count(acting.session, acting.assoc.vcode, acting.person.sub)
    acting.session.commit()  # the read is logged before the page leaves
    return page("register/overview.html", acting=acting, record=record, history=lines,
                unread=unread,
                invited=[(i, invitations.status(i)) for i in invited],
                status_text={state: in_language(text, i18n.current())
                             for state, text in invitations.STATUS_TEXT.items()},
                type_label=TYPE_LABELS, association_types=ASSOCIATION_TYPE_LABELS,
                statuses=STATUS_LABELS, confirm=ConfirmForm(),
                mask=views.mask_insz, day=invitations.day, day_text=_day_text,
                recognition_status=_recognition_statuses())


def _recognition_statuses() -> dict[str, str]:
    texts = {"InAanvraag": i18n.gettext("in aanvraag"), "Actief": i18n.gettext("actief"),
             "Geschorst": i18n.gettext("geschorst"), "Verlopen": i18n.gettext("verlopen")}
    return {k: str(v) for k, v in texts.items()}


def _day_text(iso: str) -> str:
    return timefmt.calendar_day(iso, i18n.current())


# ---- the association's own fields ------------------------------------------------------------

@bp.route("/mijn-verenigingsloket/<vcode>/basisgegevens", methods=["GET", "POST"])
def basics(vcode: str) -> BaseResponse:
    acting = acting_for(vcode, lock=True)
    form = BasicsForm()
    if form.validate_on_submit():
        done = submit_edit(acting, form, service.BASICS, None, form.to_api(acting.assoc),
                           _("De basisgegevens zijn bewaard."), section="basis")
        if done is not None:
            return done
        return page("register/basics.html", acting=acting, form=form)
    form.fill(acting.assoc)
    form.version.data = str(acting.assoc.version)
    return page("register/basics.html", acting=acting, form=form)


@bp.route("/mijn-verenigingsloket/<vcode>/activiteiten", methods=["GET", "POST"])
def activities(vcode: str) -> BaseResponse:
    acting = acting_for(vcode, lock=True)
    codes = views.names(acting.session)
    form = ActivitiesForm()
    form.hoofdactiviteiten.choices = list(codes.activities.items())
    current_areas = [a.code for a in acting.assoc.areas]
    if form.validate_on_submit():
        # the areas ticked, of those the association has now; added ones from the search
        kept = [c for c in form.werkingsgebieden.data or [] if c in current_areas]
        form.werkingsgebieden.choices = [(c, codes.area(c)["naam"]) for c in current_areas]
        added: list[str] = []
        extra = (form.nieuwWerkingsgebied.data or "").strip()
        try:
            if extra:
                added = search.resolve_area(acting.session, extra, codes).named
        except search.SearchError as exc:
            form.show_problems([Problem("nieuwWerkingsgebied", exc.text)])
        else:
            done = submit_edit(acting, form, service.BASICS, None, {
                "hoofdactiviteiten": form.hoofdactiviteiten.data or [],
                "werkingsgebieden": list(dict.fromkeys(kept + added))},
                _("De activiteiten en werkingsgebieden zijn bewaard."), section="activiteiten")
            if done is not None:
                return done
        return page("register/activities.html", acting=acting, form=form)
    form.hoofdactiviteiten.data = [a.code for a in acting.assoc.activities]
    form.werkingsgebieden.choices = [(c, codes.area(c)["naam"]) for c in current_areas]
    form.werkingsgebieden.data = current_areas
    form.version.data = str(acting.assoc.version)
    return page("register/activities.html", acting=acting, form=form)


@bp.route("/mijn-verenigingsloket/<vcode>/stopzetten", methods=["GET", "POST"])
def stop(vcode: str) -> BaseResponse:
    acting = acting_for(vcode, lock=True)
    acting.require_primary(wording.gettext("de vereniging stopzetten"))
    form = StopForm()
    if form.validate_on_submit():
        if not form.bevestig.data:
            form.bevestig.errors = [_("Vink aan dat de vereniging gestopt is.")]
        else:
            done = submit(acting, form, lambda: changes.stop(
                acting.session, acting.assoc, {"einddatum": form.einddatum.data},
                acting.actor), "VerenigingWerdGestopt",
                _("%(name)s is gestopt. Ze verschijnt niet meer in de publieke zoekfunctie.",
                  name=acting.assoc.naam), inactive_too=True)
            if done is not None:
                return done
        return page("register/stop.html", acting=acting, form=form)
    form.einddatum.data = changes.today().isoformat()
    form.version.data = str(acting.assoc.version)
    return page("register/stop.html", acting=acting, form=form)
