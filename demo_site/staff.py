"""The municipality's side of the e-loket: staff of the demo site list requests, move them
through the DOSIS phases, ask the applicant for more information and decide. Each change is
pushed to Loket at once (and retried), so the applicant sees it in their panels.

Staff sign in with the demo site's own account (``instance/<site>-staff.json``, made at the
first start, printed by ``make demo``), not through Loket: a municipality's back office has its
own sign-in. Every form carries a CSRF token; a change made on an older version of a request is
refused with the newer state shown, never written over someone else's.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from demo_site import eloket
from demo_site.requests_store import RequestStore, StaleVersion
from demo_site.sites import Site

# handeling → (status code, phase, what the log says, whether a text is needed)
ACTIONS: dict[str, tuple[str, str, str, bool]] = {
    "ontvankelijk": ("Ontvankelijk", "Behandeling", "Ontvankelijk verklaard", False),
    "behandeling": ("InBehandeling", "Behandeling", "In behandeling genomen", False),
    "vraag": ("DossierOnvolledig", "Samenstelling", "Meer informatie gevraagd", True),
    "goedkeuren": ("Goedgekeurd", "Afgerond", "Goedgekeurd", False),
    "weigeren": ("Geweigerd", "Afgerond", "Geweigerd", True),
}
ACTION_LABELS = (
    ("ontvankelijk", "Ontvankelijk verklaren"),
    ("behandeling", "In behandeling nemen"),
    ("vraag", "Meer informatie vragen (de aanvrager ziet 'actie nodig')"),
    ("goedkeuren", "Goedkeuren"),
    ("weigeren", "Weigeren (met motivering)"),
)


class SignInForm(FlaskForm):
    gebruiker = StringField("Gebruikersnaam", validators=[DataRequired("Vul je gebruikersnaam in."),
                                                         Length(max=100)],
                            render_kw={"autocomplete": "username"})
    wachtwoord = PasswordField("Wachtwoord", validators=[DataRequired("Vul je wachtwoord in."),
                                                        Length(max=200)],
                               render_kw={"autocomplete": "current-password"})


class ChangeForm(FlaskForm):
    handeling = RadioField("Wat doe je met deze aanvraag?", choices=ACTION_LABELS,
                           validators=[DataRequired("Kies wat je doet.")])
    tekst = TextAreaField("Vraag of motivering voor de aanvrager", validators=[
        Length(max=1000, message="Hoogstens 1000 tekens.")],
        description="Nodig bij 'meer informatie vragen' en 'weigeren'; de aanvrager leest dit.")
    version = StringField(render_kw={"hidden": True})


class SignOutForm(FlaskForm):
    pass


def credentials(instance: Path, site_id: str) -> dict[str, str]:
    """The demo site's staff account, made (mode 0600) at the first start."""
    path = instance / f"{site_id}-staff.json"
    if path.exists():
        return json.loads(path.read_text())  # type: ignore[no-any-return]
    account = {"user": "balie", "password": secrets.token_urlsafe(12)}
    instance.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(account, handle)
    return account


def install(app: Flask, site: Site, *, instance: Path, store: RequestStore,
            pusher: eloket.Pusher, uploads: Path) -> None:
    bp = Blueprint("staff", __name__, url_prefix="/balie")
    account = credentials(instance, site.id)

    def staff_only(view: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not session.get("staff"):
                return redirect(url_for("staff.sign_in", next=request.path))
            return view(*args, **kwargs)
        wrapped.__name__ = view.__name__
        return wrapped

    @bp.route("/aanmelden", methods=["GET", "POST"])
    def sign_in() -> Response | str | tuple[str, int]:
        form = SignInForm()
        problem = None
        if form.validate_on_submit():
            if (hmac.compare_digest(form.gebruiker.data.encode(), account["user"].encode())
                    and hmac.compare_digest(form.wachtwoord.data.encode(),
                                            account["password"].encode())):
                session["staff"] = account["user"]
                target = request.args.get("next", "")
                return redirect(target if target.startswith("/balie") and "//" not in target
                                else url_for("staff.overview"))
            problem = "Gebruikersnaam of wachtwoord klopt niet."
        elif request.method == "POST":
            problem = "Vul beide velden in."
        return render_template("staff/sign_in.html", form=form, problem=problem,
                               page="staff"), (400 if problem else 200)

    @bp.post("/afmelden")
    def sign_out() -> Response:
        form = SignOutForm()
        if not form.validate_on_submit():
            abort(400, "Deze link is verlopen. Ga terug naar de balie en probeer opnieuw.")
        session.pop("staff", None)
        return redirect(url_for("home"))

    @bp.get("")
    @staff_only
    def overview() -> str:
        pusher.ensure_running()
        return render_template("staff/list.html", requests=store.all(), page="staff",
                               sign_out=SignOutForm())

    @bp.route("/aanvragen/<number>", methods=["GET", "POST"])
    @staff_only
    def detail(number: str) -> Response | str | tuple[str, int]:
        pusher.ensure_running()
        found = store.by_number(number)
        if found is None:
            abort(404)
        form = ChangeForm()
        problem = None
        status = 200
        if form.validate_on_submit():
            code, phase, what, needs_text = ACTIONS[form.handeling.data]
            text = (form.tekst.data or "").strip()
            if needs_text and not text:
                form.tekst.errors = ["Schrijf wat de aanvrager moet weten."]
                problem, status = "Schrijf de vraag of de motivering voor de aanvrager.", 400
            else:
                try:
                    changed = store.change(
                        found.id, int(form.version.data or 0), who=f"balie ({session['staff']})",
                        what=f"{what}: {text}" if text else what, status_code=code, phase=phase,
                        detail=text if form.handeling.data != "vraag" else "",
                        action_text=text if form.handeling.data == "vraag" else None,
                        clear_action=form.handeling.data != "vraag")
                except StaleVersion as stale:
                    found = stale.current
                    status = 409
                    problem = ("Iemand anders wijzigde deze aanvraag intussen (de aanvrager of een "
                               "collega): hieronder staat de nieuwe stand. Je keuze staat nog in "
                               "het formulier; kies opnieuw of laat het zo.")
                else:
                    pusher.push(changed.id)
                    return redirect(url_for("staff.detail", number=number, gewijzigd=1))
        elif request.method == "POST":
            problem, status = "Niet alles is in orde: bekijk de velden met een melding.", 400
        form.version.data = str(found.version)
        return render_template("staff/detail.html", req=found, form=form, problem=problem,
                               page="staff", labels=eloket.SOURCES,
                               fields=eloket.field_labels(site, found), sign_out=SignOutForm(),
                               changed=request.args.get("gewijzigd") == "1"), (
            status)

    @bp.get("/aanvragen/<number>/bijlagen/<int:attachment_id>")
    @staff_only
    def attachment(number: str, attachment_id: int) -> Response:
        found = store.by_number(number)
        if found is None:
            abort(404)
        return eloket.send_attachment(store, uploads, found, attachment_id)

    app.register_blueprint(bp)
