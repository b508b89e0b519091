""""Mijn Verenigingsloket": the associations a person represents, "Onze gegevens" (everything the
register knows about one), and the forms for its own fields, activities and areas."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, flash, redirect, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from loket import db
from loket.models import AssociationEvent, Client, Person
from loket.register import changes, search, service, views
from loket.register.changes import RecordConflict, StaleVersion
from loket.register.pages.common import acting_for, bp, page
from loket.register.pages.common import signed_in as signed_in_person
from loket.register.pages.forms import ActivitiesForm, BasicsForm, VersionedForm
from loket.register.service import Acting
from loket.register.validation import InvalidRecord, Problem
from loket.sso import capacities

HISTORY = 20
EVENT_LABELS = {
    "VerenigingWerdGeregistreerd": "Vereniging geregistreerd",
    "BasisgegevensWerdenGewijzigd": "Basisgegevens gewijzigd",
    "ContactgegevenWerdToegevoegd": "Contactgegeven toegevoegd",
    "ContactgegevenWerdGewijzigd": "Contactgegeven gewijzigd",
    "ContactgegevenWerdVerwijderd": "Contactgegeven verwijderd",
    "LocatieWerdToegevoegd": "Locatie toegevoegd",
    "LocatieWerdGewijzigd": "Locatie gewijzigd",
    "LocatieWerdVerwijderd": "Locatie verwijderd",
    "VertegenwoordigerWerdToegevoegd": "Vertegenwoordiger toegevoegd",
    "VertegenwoordigerWerdGewijzigd": "Vertegenwoordiger gewijzigd",
    "VertegenwoordigerWerdVerwijderd": "Vertegenwoordiger verwijderd",
}


def submit(acting: Acting, form: VersionedForm, change: Callable[[], object], event: str,
           done: str, subject_of: Callable[[object], str | None] | None = None
           ) -> BaseResponse | None:
    """Apply a submitted form against the version it was filled in for (see :mod:`service`).

    Returns the redirect after a change, or None when the form must be shown again: with
    ``form.stale`` set when someone else changed the association in between (the typed values
    stay in the form; its version becomes the current one), or with the problems at their fields.
    """
    form.stale = False  # type: ignore[attr-defined]
    submitted = form.submitted_version()
    try:
        service.change(acting, set() if submitted is None else {submitted}, change, event,
                       subject=subject_of)
    except StaleVersion as stale:
        form.stale = True  # type: ignore[attr-defined]
        form.version.data = str(stale.current)
        return None
    except InvalidRecord as exc:
        form.show_problems(exc.problems)
        return None
    except RecordConflict as exc:
        form.show_problems([Problem(exc.field or "", exc.detail)])
        return None
    flash(done)
    return redirect(url_for("register.overview", vcode=acting.assoc.vcode), 303)


# A form shown again (stale, or with problems) answers 200, as any page a person reads: its
# notice and error summary say what happened.


# ---- landing and overview ------------------------------------------------------------------

@bp.get("/mijn-verenigingsloket")
def index() -> Response:
    person = signed_in_person()
    caps = [c for c in capacities.for_person(db.session(), person) if c.code == "VER"]
    return page("register/index.html", person=person, caps=caps)


def _history(acting: Acting) -> list[dict[str, str]]:
    events = list(acting.session.scalars(
        select(AssociationEvent).where(AssociationEvent.association_id == acting.assoc.id)
        .order_by(AssociationEvent.seq.desc()).limit(HISTORY)))
    actors = {e.actor for e in events if e.actor}
    people = {row.sub: f"{row.given_name} {row.family_name}" for row in acting.session.execute(
        select(Person.sub, Person.given_name, Person.family_name).where(Person.sub.in_(actors)))}
    clients = {row.id: row.name for row in acting.session.execute(
        select(Client.id, Client.name).where(
            Client.id.in_(actors | {e.client_id for e in events if e.client_id})))}
    return [{"at": e.at[:16].replace("T", " ") + " UTC",
             "what": EVENT_LABELS.get(e.type, e.type),
             "who": people.get(e.actor or "") or clients.get(e.actor or "") or "het register",
             "version": str(e.version)} for e in events]


@bp.get("/mijn-verenigingsloket/<vcode>")
def overview(vcode: str) -> Response:
    acting = acting_for(vcode)
    service.log_representatives_read(acting, "vertegenwoordiger bekijkt 'Onze gegevens'")
    history = _history(acting)
    record = views.full_view(acting.assoc, views.names(acting.session))
    acting.session.commit()  # the read is logged before the page leaves
    return page("register/overview.html", acting=acting, record=record, history=history)


# ---- the association's own fields ------------------------------------------------------------

@bp.route("/mijn-verenigingsloket/<vcode>/basisgegevens", methods=["GET", "POST"])
def basics(vcode: str) -> BaseResponse:
    acting = acting_for(vcode, lock=True)
    form = BasicsForm()
    if form.validate_on_submit():
        activities, areas = changes.known_codes(acting.session)
        done = submit(acting, form, lambda: changes.update_basics(
            acting.session, acting.assoc, form.to_api(acting.assoc), acting.actor,
            activities=activities, areas=areas), "BasisgegevensWerdenGewijzigd",
            "De basisgegevens zijn bewaard.")
        if done is not None:
            return done
        current = views.public_view(acting.assoc, views.names(acting.session)) \
            if form.stale else None  # type: ignore[attr-defined]
        return page("register/basics.html", acting=acting, form=form, current=current)
    form.fill(acting.assoc)
    form.version.data = str(acting.assoc.version)
    return page("register/basics.html", acting=acting, form=form, current=None)


@bp.route("/mijn-verenigingsloket/<vcode>/activiteiten", methods=["GET", "POST"])
def activities(vcode: str) -> BaseResponse:
    acting = acting_for(vcode, lock=True)
    codes = views.names(acting.session)
    form = ActivitiesForm()
    form.hoofdactiviteiten.choices = list(codes.activities.items())
    current_areas = [a.code for a in acting.assoc.areas]
    if form.validate_on_submit():
        kept = [c for c in form.werkingsgebieden.data or [] if c in current_areas]
        form.werkingsgebieden.choices = [(c, codes.area(c)["naam"]) for c in current_areas]

        def change() -> object:
            added: list[str] = []
            extra = (form.nieuwWerkingsgebied.data or "").strip()
            if extra:
                try:
                    added = search.resolve_area(acting.session, extra, codes).named
                except search.SearchError as exc:
                    raise InvalidRecord.one("nieuwWerkingsgebied", exc.detail) from exc
            return changes.update_basics(
                acting.session, acting.assoc,
                {"hoofdactiviteiten": form.hoofdactiviteiten.data or [],
                 "werkingsgebieden": list(dict.fromkeys(kept + added))},
                acting.actor, activities=set(codes.activities), areas=set(codes.areas))

        done = submit(acting, form, change, "BasisgegevensWerdenGewijzigd",
                      "De activiteiten en werkingsgebieden zijn bewaard.")
        if done is not None:
            return done
        current = views.public_view(acting.assoc, codes) \
            if form.stale else None  # type: ignore[attr-defined]
        # areas added in the form stay on it, ticked, next to the current ones
        form.werkingsgebieden.choices = [(c, codes.area(c)["naam"]) for c in current_areas]
        return page("register/activities.html", acting=acting, form=form,
                    current=current)
    form.hoofdactiviteiten.data = [a.code for a in acting.assoc.activities]
    form.werkingsgebieden.choices = [(c, codes.area(c)["naam"]) for c in current_areas]
    form.werkingsgebieden.data = current_areas
    form.version.data = str(acting.assoc.version)
    return page("register/activities.html", acting=acting, form=form, current=None)
