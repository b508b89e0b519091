"""The demo municipality's e-loket: request a product online, prefilled, and follow it.

- ``/<form path>`` (the demo catalog's request links point here): the product's form, prefilled
  from the person's sign-in and, acting for an association, from the register's government
  exchange; each prefilled field says where it came from. Submitted, the request is stored here
  first and then pushed to Loket's dossier intake as a dossier with the same number (see
  :class:`Pusher`): the person sees "ontvangen" whether Loket answered or not.
- ``/mijn-aanvragen`` and ``/mijn-aanvragen/<number>``: the requests of the capacity the person
  acts in, their status, and the answer to a question of the municipality ("actie nodig").
- ``/mijn-aanvragen/<number>/bijlagen/<id>``: an attachment, only to who may see the request,
  as a download of its checked type (never a type a browser runs).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from werkzeug.datastructures import FileStorage

from demo_site import forms
from demo_site.forms import SOURCES, RequestForm
from demo_site.loket_api import LoketApi, LoketRefused, LoketUnavailable
from demo_site.requests_store import Request, RequestStore, StaleVersion
from demo_site.sites import Site

log = logging.getLogger(__name__)

BRUSSELS = ZoneInfo("Europe/Brussels")
PUSH_INTERVAL = 1.0  # seconds between two looks for requests Loket does not have yet
CAPACITY_WORDS = {"BUR": "als burger", "VER": "voor de vereniging", "EA": "voor de onderneming"}
# The DOSIS status codes as people read them.
STATUS_LABELS = {
    "Aangevraagd": "Aangevraagd", "Ingediend": "Ingediend", "DossierOnvolledig": "Onvolledig",
    "Ontvankelijk": "Ontvankelijk", "InBehandeling": "In behandeling", "InWacht": "In wacht",
    "Beslist": "Beslist", "Goedgekeurd": "Goedgekeurd", "Geweigerd": "Geweigerd",
    "Stopgezet": "Stopgezet", "Betaald": "Betaald", "Uitgevoerd": "Uitgevoerd",
}


# ---- pushing to Loket ---------------------------------------------------------------------------

class Pusher:
    """Sends each request's current state to Loket until Loket has it.

    Right after a change it tries at once (a person sees the dossier in their panel at once);
    when Loket is down or refuses, a thread of the site's worker tries again with growing waits
    (``requests_store.MAX_BACKOFF``). Each push is the whole current state under the request's
    own number (``PUT``), so a push repeated after a lost answer changes nothing.
    """

    def __init__(self, store: RequestStore, api: LoketApi | None, site: Site,
                 site_url: str) -> None:
        self.store = store
        self.api = api
        self.site = site
        self.site_url = site_url
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def payload(self, req: Request) -> dict[str, Any]:
        status: dict[str, Any] = {"code": req.status_code, "phase": req.phase}
        if req.detail:
            status["detail"] = req.detail
        if req.action_text:
            status["action"] = {"required": True, "text": req.action_text}
        return {
            "name": req.name,
            "type": req.dossier_type,
            "lastChange": datetime.fromtimestamp(req.updated_at, BRUSSELS).isoformat(
                timespec="seconds"),
            "status": status,
            "link": f"{self.site_url}/mijn-aanvragen/{req.number}",
            "productNumbers": [req.product_id],
            "handler": dict(self.site.handler),
            "agents": [{"identifier": req.capacity_id, "rights": "beheren"}],
        }

    def push(self, request_id: int) -> bool:
        """One try; True when Loket has the request's current version."""
        if self.api is None:
            return False
        with self._lock:  # one push of a request at a time: never an older state after a newer
            req = self.store.get(request_id)
            if req is None or req.pushed:
                return True
            try:
                result = self.api.push(req.number, self.payload(req))
            except LoketUnavailable as exc:
                log.info("push of %s postponed: %s", req.number, exc)
                self.store.mark_push_failed(req.id, f"Loket niet bereikbaar: {exc}")
                return False
            except LoketRefused as exc:
                log.error("Loket refused %s: %s", req.number, exc)
                self.store.mark_push_failed(req.id, f"Loket weigerde: {exc}")
                return False
            self.store.mark_pushed(req.id, req.version)
            log.info("pushed %s v%d: %s", req.number, req.version, result)
            return True

    def ensure_running(self) -> None:
        """Start the retry thread in this process (gunicorn forks after the app is made)."""
        if self.api is None or (self._thread is not None and self._pid == os.getpid()):
            return
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="loket-push", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                for request_id in self.store.due():
                    self.push(request_id)
            except Exception:  # never let the thread die: the next round tries again
                log.exception("push round failed")
            time.sleep(PUSH_INTERVAL)


# ---- prefilling --------------------------------------------------------------------------------

def prefill(user: dict[str, Any], form: RequestForm, api: LoketApi | None, site: Site
            ) -> tuple[dict[str, Any], dict[str, str], str | None]:
    """(values, where each came from, a notice when the register could not be asked)."""
    capacity = user.get("capacity") or {}
    name = f"{user.get('given_name', '')} {user.get('family_name', '')}".strip()
    values: dict[str, Any] = {"naam": name}
    sources = {"naam": "aanmelding"}
    notice = None
    if capacity.get("code") == "EA":
        values["organisatie"] = capacity.get("name", "")
        sources["organisatie"] = "hoedanigheid"
    elif capacity.get("code") == "VER":
        record = None
        try:
            record = api.association(capacity["identifier"],
                                     f"Aanvraag '{form.title}' op het e-loket van {site.name}"
                                     ) if api else None
        except (LoketUnavailable, LoketRefused) as exc:
            log.warning("no prefill from the register: %s", exc)
        if record is None:
            values["organisatie"] = capacity.get("name", "")
            sources["organisatie"] = "hoedanigheid"
            notice = ("Het verenigingsregister gaf de gegevens van je vereniging nu niet: vul ze "
                      "zelf aan.")
        else:
            values.update(_from_register(record, user, sources))
    return values, sources, notice


def _from_register(record: dict[str, Any], user: dict[str, Any],
                   sources: dict[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {"organisatie": record.get("naam") or ""}
    locations = sorted(record.get("locaties") or [],
                       key=lambda loc: (not loc.get("isPrimair"),
                                        loc.get("type") != "Maatschappelijke zetel volgens KBO"))
    if locations and locations[0].get("adresvoorstelling"):
        found["adres"] = locations[0]["adresvoorstelling"]
    emails = sorted((c for c in record.get("contactgegevens") or [] if c.get("type") == "E-mail"),
                    key=lambda c: not c.get("isPrimair"))
    if emails:
        found["organisatie_email"] = emails[0]["waarde"]
    insz = user.get("insz")
    me = next((r for r in record.get("vertegenwoordigers") or []
               if insz and r.get("insz") == insz), None)
    if me:
        if me.get("email"):
            found["email"] = me["email"]
        if me.get("telefoon"):
            found["telefoon"] = me["telefoon"]
    for key in found:
        sources[key] = "register"
    return found


# ---- the pages ----------------------------------------------------------------------------------

def install(app: Flask, site: Site, *, current: Callable[[], dict[str, Any] | None],
            store: RequestStore, pusher: Pusher, api: LoketApi | None, uploads: Path) -> None:
    bp = Blueprint("eloket", __name__)
    uploads.mkdir(parents=True, exist_ok=True)

    def signed_in_or_login() -> dict[str, Any] | Response:
        user = current()
        if user is None:
            return redirect(url_for("login", next=request.path))
        return user

    def store_upload(upload: FileStorage | None) -> tuple[str, str, str, int] | str | None:
        """(name, stored as, type, size) of an accepted file; a message for a refused one."""
        if upload is None or not upload.filename:
            return None
        head = upload.stream.read(16)
        upload.stream.seek(0)
        name = _clean_filename(upload.filename)
        content_type = forms.sniff(head, name)
        if content_type is None:
            return "Een bijlage is een PDF, PNG of JPEG (het bestand en zijn naam moeten dat zijn)."
        stored_as = secrets.token_hex(16)
        target = uploads / stored_as
        upload.save(target)
        size = target.stat().st_size
        if size > forms.MAX_UPLOAD:
            target.unlink()
            return "Een bijlage is hoogstens 5 MB."
        return name, stored_as, content_type, size

    def form_page(form: RequestForm) -> Response | str | tuple[str, int]:
        pusher.ensure_running()
        user = current()
        if user is None:
            return render_template("eloket/sign_in_first.html", form=form, page="eloket")
        capacity = user.get("capacity") or {"code": "BUR", "identifier": user.get("insz", ""),
                                             "name": ""}
        cls = forms.form_class(form, capacity["code"])
        key = f"prefill:{form.path}"
        if request.method == "GET":
            values, sources, notice = prefill(user, form, api, site)
            session[key] = {"values": values, "sources": sources, "notice": notice,
                            "capacity": [capacity["code"], capacity["identifier"]]}
            wtform = cls(data=values)
        else:
            wtform = cls()
        kept = session.get(key) or {}
        if kept.get("capacity") != [capacity["code"], capacity["identifier"]]:
            kept = {}  # prefilled for another capacity (switched meanwhile): nothing is known
        sources = kept.get("sources", {})
        problem = None
        if request.method == "POST" and wtform.validate_on_submit():
            stored = store_upload(wtform.bijlage.data)
            if isinstance(stored, str):
                wtform.bijlage.errors = [stored]
                problem = stored
            else:
                data = {name: _plain(field.data) for name, field in wtform._fields.items()
                        if name not in ("csrf_token", "bijlage")}
                provenance = {}
                prefilled = kept.get("values", {})
                for name, value in data.items():
                    if name in sources and str(prefilled.get(name, "")) == str(value or ""):
                        provenance[name] = sources[name]
                    elif name in sources:
                        provenance[name] = "gewijzigd:" + sources[name]
                    else:
                        provenance[name] = "zelf"
                created = store.create(
                    form=form.path, product_id=form.product_id, title=form.title,
                    dossier_type=form.dossier_type, sub=user["sub"],
                    capacity={"code": capacity["code"], "identifier": capacity["identifier"],
                              "name": capacity.get("name") or data.get("organisatie") or ""},
                    fields=data, provenance=provenance,
                    attachments=[stored] if stored else [])
                session.pop(key, None)
                pusher.push(created.id)
                return redirect(url_for("eloket.mine", number=created.number, ontvangen=1))
        elif request.method == "POST":
            problem = "Niet alles is in orde: bekijk de velden met een melding."
        return render_template("eloket/form.html", form=form, wtform=wtform, sources=sources,
                               labels=SOURCES, notice=kept.get("notice"), problem=problem,
                               capacity=capacity, words=CAPACITY_WORDS,
                               applicant=forms.applicant_fields(capacity["code"]),
                               page="eloket"), (400 if problem else 200)

    for number, form in enumerate(forms.FORMS.get(site.id, ())):
        bp.add_url_rule(form.path, f"form_{number}",
                        (lambda form=form: form_page(form)), methods=["GET", "POST"])

    def visible(number: str) -> tuple[dict[str, Any], Request]:
        user = current()
        found = store.by_number(number) if user else None
        capacity = (user or {}).get("capacity") or {}
        if (user is None or found is None
                or (found.capacity_code, found.capacity_id) != (capacity.get("code"),
                                                                capacity.get("identifier"))):
            abort(404)
        return user, found

    @bp.get("/mijn-aanvragen")
    def requests_list() -> Response | str:
        user = signed_in_or_login()
        if isinstance(user, Response):
            return user
        capacity = user.get("capacity") or {}
        return render_template("eloket/list.html", page="eloket",
                               requests=store.of_capacity(capacity.get("code", ""),
                                                          capacity.get("identifier", "")),
                               capacity=capacity, words=CAPACITY_WORDS,
                               forms=forms.FORMS.get(site.id, ()))

    @bp.route("/mijn-aanvragen/<number>", methods=["GET", "POST"])
    def mine(number: str) -> Response | str | tuple[str, int]:
        pusher.ensure_running()
        if current() is None:
            return redirect(url_for("login", next=request.path))
        _user, found = visible(number)
        answer = forms.AnswerForm()
        problem = None
        if request.method == "POST":
            if not found.action_required:
                problem = "Er is geen vraag meer open bij deze aanvraag."
            elif answer.validate_on_submit():
                stored = store_upload(answer.bijlage.data)
                if isinstance(stored, str):
                    answer.bijlage.errors = [stored]
                    problem = stored
                else:
                    try:
                        changed = store.change(
                            found.id, int(answer.version.data or 0), who="aanvrager",
                            what=f"Antwoord: {_plain(answer.antwoord.data)}",
                            status_code="InBehandeling", phase="Behandeling",
                            detail="Je antwoord is ontvangen.", clear_action=True,
                            attachments=(stored,) if stored else ())
                    except StaleVersion as stale:
                        found = stale.current
                        problem = ("De gemeente wijzigde deze aanvraag terwijl je antwoordde: "
                                   "bekijk de nieuwe stand. Je antwoord staat nog in het veld.")
                    else:
                        pusher.push(changed.id)
                        return redirect(url_for("eloket.mine", number=number, beantwoord=1))
            else:
                problem = "Niet alles is in orde: bekijk de velden met een melding."
        answer.version.data = str(found.version)
        return render_template("eloket/request.html", page="eloket", req=found, answer=answer,
                               problem=problem, labels=SOURCES,
                               fields=field_labels(site, found),
                               issuer=current_app.config["ISSUER"],
                               received=request.args.get("ontvangen") == "1",
                               answered=request.args.get("beantwoord") == "1"), (
            400 if problem else 200)

    @bp.get("/mijn-aanvragen/<number>/bijlagen/<int:attachment_id>")
    def attachment(number: str, attachment_id: int) -> Response:
        _user, found = visible(number)
        return send_attachment(store, uploads, found, attachment_id)

    app.register_blueprint(bp)
    app.jinja_env.globals["brussels_time"] = when
    app.jinja_env.filters["status_label"] = lambda code: STATUS_LABELS.get(code, code)


def send_attachment(store: RequestStore, uploads: Path, found: Request,
                    attachment_id: int) -> Response:
    """A stored attachment as a download of its checked type, never rendered by the browser."""
    item = store.attachment(found.id, attachment_id)
    if item is None:
        abort(404)
    response = send_file(uploads / item.stored_as, mimetype=item.content_type,
                         as_attachment=True, download_name=item.name, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def when(seconds: int) -> str:
    """A moment as people here read it: Brussels time, day first."""
    return datetime.fromtimestamp(seconds, BRUSSELS).strftime("%d/%m/%Y %H:%M")


def _plain(value: Any) -> Any:
    """A form value as stored: text stripped, dates and times as ISO text."""
    if isinstance(value, str):
        return value.strip()
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="minutes") if hasattr(value, "hour") else \
            value.isoformat()
    return value


def _clean_filename(name: str) -> str:
    """The name an attachment is shown and downloaded under: its last part, without control
    characters or path separators, at most 120 characters (the file itself is stored under a
    random name)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>:|?*')
    return cleaned.strip(" .")[-120:] or "bijlage"


def field_labels(site: Site, found: Request) -> list[tuple[str, str, Any, str]]:
    """(name, label, value, provenance) of a stored request of ``site``, in the form's order."""
    form = forms.form_by_path(site.id, found.form)
    cls = forms.form_class(form, found.capacity_code) if form else None
    labels: dict[str, str] = {}
    if cls is not None:
        unbound = {name: getattr(cls, name) for name in found.fields if hasattr(cls, name)}
        labels = {name: field.args[0] if field.args else name for name, field in unbound.items()}
    return [(name, labels.get(name, name), value, found.provenance.get(name, "zelf"))
            for name, value in found.fields.items()]
