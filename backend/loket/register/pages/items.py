"""Self-service forms for the association's lists: contact data, locations, representatives.
Each kind has a page to add one, to change one and to confirm removing one; the three kinds
share the flow below and differ only in their form, their change functions and who may act."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from loket.errors import NotFound
from loket.i18n import gettext as _
from loket.i18n import lazy_gettext
from loket.register import service, views, wording
from loket.register.pages.common import acting_for, bp, page
from loket.register.pages.forms import (
    TYPE_LABELS,
    ConfirmForm,
    ContactForm,
    LocationForm,
    RepresentativeForm,
    VersionedForm,
)
from loket.register.pages.overview import submit, submit_edit
from loket.register.service import Acting


@dataclass(frozen=True)
class Texts:
    """What the pages of a kind say (Dutch here, translated when shown)."""

    add: Any                   # the heading of the form that adds one
    edit: Any                  # the heading of the form that changes one
    remove: Any                # the heading of the page that confirms removing one
    added: Any                 # the confirmation after adding one
    missing: Callable[[int], str]  # no such item (its number), to change
    gone: Callable[[int], str]     # no such item (its number), to remove


@dataclass(frozen=True)
class Kind:
    slug: str
    one: str                   # "contactgegeven", for the audit log
    texts: Texts
    items: Callable[[Acting], list[Any]]
    new_form: type[VersionedForm]
    edit_form: type[VersionedForm]
    changes: service.Items
    describe: Callable[[Any], str]
    hints: dict[str, Any]      # field → its hint (lazy texts)
    part: service.Part
    section: str               # the section of Onze gegevens that lists them
    personal: bool = False     # the items are people: reading or changing one is logged

    def may_add(self, acting: Acting) -> None:
        if self.personal:
            acting.require_primary(wording.gettext("vertegenwoordigers toevoegen"))

    def may_remove(self, acting: Acting) -> None:
        if self.personal:
            acting.require_primary(wording.gettext("vertegenwoordigers verwijderen"))

    def may_edit(self, acting: Acting, item: Any) -> None:
        if self.personal and item.id != acting.rep.id:
            acting.require_primary(wording.gettext(
                "de gegevens van een andere vertegenwoordiger wijzigen"))

    def subject(self, item: Any) -> str | None:
        return item.person.sub if self.personal and item is not None else None


def _rep_name(rep: Any) -> str:
    name = f"{rep.person.given_name} {rep.person.family_name}"
    return f"{name} ({rep.rol})" if rep.rol else name


CONTACTS = Kind(
    "contactgegevens", "contactgegeven", Texts(
        lazy_gettext("Contactgegeven toevoegen"), lazy_gettext("Contactgegeven wijzigen"),
        lazy_gettext("Contactgegeven verwijderen"),
        lazy_gettext("Het contactgegeven is toegevoegd."),
        lambda n: _("Deze vereniging heeft geen contactgegeven met nummer %(number)s (meer).",
                    number=n),
        lambda n: _("Deze vereniging heeft geen contactgegeven met nummer %(number)s (meer): "
                    "misschien verwijderde iemand het al.", number=n)),
    lambda a: a.assoc.contacts,
    ContactForm, ContactForm, service.CONTACTS,
    lambda c: f"{TYPE_LABELS.get(c.type, c.type)}: {c.waarde}",
    {"waarde": lazy_gettext("Een e-mailadres, een telefoonnummer of een webadres dat begint "
                            "met https://."),
     "beschrijving": lazy_gettext("Bijvoorbeeld 'secretariaat' of 'jeugdwerking'.")},
    service.CONTACT, "contact",
)
LOCATIONS = Kind(
    "locaties", "locatie", Texts(
        lazy_gettext("Locatie toevoegen"), lazy_gettext("Locatie wijzigen"),
        lazy_gettext("Locatie verwijderen"), lazy_gettext("De locatie is toegevoegd."),
        lambda n: _("Deze vereniging heeft geen locatie met nummer %(number)s (meer).",
                    number=n),
        lambda n: _("Deze vereniging heeft geen locatie met nummer %(number)s (meer): "
                    "misschien verwijderde iemand het al.", number=n)),
    lambda a: a.assoc.locations, LocationForm, LocationForm,
    service.LOCATIONS,
    lambda loc: f"{TYPE_LABELS.get(loc.type, loc.type)}: {views.address_line(loc)}",
    {"postcode": lazy_gettext("Vier cijfers, bijvoorbeeld 9000."),
     "naam": lazy_gettext("Bijvoorbeeld 'Sporthal De Linde'."),
     "gemeente": lazy_gettext("Leeg laten mag: het register vult de gemeente van de postcode "
                              "in.")},
    service.LOCATION, "locaties",
)
REPRESENTATIVES = Kind(
    "vertegenwoordigers", "vertegenwoordiger", Texts(
        lazy_gettext("Vertegenwoordiger toevoegen"),
        lazy_gettext("Vertegenwoordiger wijzigen"),
        lazy_gettext("Vertegenwoordiger verwijderen"),
        lazy_gettext("De vertegenwoordiger is toegevoegd."),
        lambda n: _("Deze vereniging heeft geen vertegenwoordiger met nummer %(number)s (meer).",
                    number=n),
        lambda n: _("Deze vereniging heeft geen vertegenwoordiger met nummer %(number)s (meer): "
                    "misschien verwijderde iemand het al.", number=n)),
    lambda a: a.assoc.representatives,
    RepresentativeForm, RepresentativeForm, service.REPRESENTATIVES, _rep_name,
    {}, service.REPRESENTATIVE, "vertegenwoordigers", personal=True,
)

KINDS = {kind.slug: kind for kind in (CONTACTS, LOCATIONS, REPRESENTATIVES)}


def _find(kind: Kind, acting: Acting, item_id: int) -> Any:
    for item in kind.items(acting):
        if item.id == item_id:
            return item
    return None


def _kind(slug: str) -> Kind:
    found = KINDS.get(slug)
    if found is None:
        raise NotFound("not_found", _("Deze pagina bestaat niet."))
    return found


@bp.route("/mijn-verenigingsloket/<vcode>/<slug>/nieuw", methods=["GET", "POST"])
def item_new(vcode: str, slug: str) -> BaseResponse:
    kind = _kind(slug)
    acting = acting_for(vcode, lock=request.method == "POST")
    kind.may_add(acting)
    add = kind.changes.add
    if add is None:  # nobody becomes a representative without their consent: an invitation
        return redirect(url_for("register.invite", vcode=acting.assoc.vcode), 303)
    form = kind.new_form()
    if form.validate_on_submit():
        done = submit(acting, form, lambda: add(acting, form.to_api()),
                      f"{kind.one} toegevoegd", str(kind.texts.added),
                      subject_of=kind.subject, any_version=True, part=kind.section)
        if done is not None:
            return done
        return _form_page(kind, acting, form, None, 200, new=True)
    form.version.data = str(acting.assoc.version)
    return _form_page(kind, acting, form, None, 200, new=True)


@bp.route("/mijn-verenigingsloket/<vcode>/<slug>/<int:item_id>", methods=["GET", "POST"])
def item_edit(vcode: str, slug: str, item_id: int) -> BaseResponse:
    kind = _kind(slug)
    acting = acting_for(vcode, lock=request.method == "POST")
    item = _find(kind, acting, item_id)
    form = kind.edit_form()
    if item is None:
        if form.validate_on_submit() and not kind.personal:
            # removed by someone else meanwhile: offer what was typed as a new one
            form.stale = True
            form.version.data = str(acting.assoc.version)
            return _form_page(kind, acting, form, None, 200, new=True, gone=True)
        raise NotFound("not_found", kind.texts.missing(item_id))
    kind.may_edit(acting, item)
    if form.validate_on_submit():
        done = submit_edit(acting, form, kind.part, item.id,
                           form.to_api(),  # type: ignore[attr-defined]
                           _("De wijziging is bewaard."), subject_of=kind.subject,
                           section=kind.section)
        if done is not None:
            return done
        return _form_page(kind, acting, form, item, 200)
    form.fill(item)  # type: ignore[attr-defined]
    form.version.data = str(acting.assoc.version)
    return _form_page(kind, acting, form, item, 200)


@bp.route("/mijn-verenigingsloket/<vcode>/<slug>/<int:item_id>/verwijderen",
          methods=["GET", "POST"])
def item_remove(vcode: str, slug: str, item_id: int) -> BaseResponse:
    kind = _kind(slug)
    acting = acting_for(vcode, lock=request.method == "POST")
    item = _find(kind, acting, item_id)
    if item is None:
        raise NotFound("not_found", kind.texts.gone(item_id))
    kind.may_remove(acting)
    form = ConfirmForm()
    if form.validate_on_submit():
        subject = kind.subject(item)
        done = submit(acting, form, lambda: kind.changes.remove(acting, item.id),
                      f"{kind.one} verwijderd",
                      _("'%(item)s' is verwijderd.", item=kind.describe(item)),
                      subject_of=lambda _result: subject, part=kind.section)
        if done is not None:
            return done
    else:
        form.version.data = str(acting.assoc.version)
    return page("register/remove.html", acting=acting, kind=kind, form=form,
                description=kind.describe(item))


def _form_page(kind: Kind, acting: Acting, form: VersionedForm, item: Any, status: int, *,
               new: bool = False, gone: bool = False) -> Response:
    if kind.personal and item is not None:
        service.log_representatives_read(
            acting, "vertegenwoordiger opent het formulier van een vertegenwoordiger", [item])
        acting.session.commit()
    others = [kind.describe(i) for i in kind.items(acting)] if gone else []
    return page("register/item.html", status, acting=acting, kind=kind, form=form, item=item,
                new=new, gone=gone, others=others,
                action=_action(kind, acting, item, new))


def _action(kind: Kind, acting: Acting, item: Any, new: bool) -> str:
    if new or item is None:
        return url_for("register.item_new", vcode=acting.assoc.vcode, slug=kind.slug)
    return url_for("register.item_edit", vcode=acting.assoc.vcode, slug=kind.slug,
                   item_id=item.id)
