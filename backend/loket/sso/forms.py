"""Forms of the sign-in pages (flask-wtf: every form carries a CSRF token).

Labels and messages are defined when the module loads, before any request: ``lazy_gettext``
translates them when a page shows them (``str()`` them before joining them)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from loket.i18n import lazy_gettext


class TestLoginForm(FlaskForm):
    insz = StringField(
        lazy_gettext("Rijksregisternummer"),
        validators=[DataRequired(lazy_gettext("Vul het rijksregisternummer in.")),
                    Length(max=40, message=lazy_gettext("Het rijksregisternummer is te lang."))],
    )
    request_id = HiddenField()
    submit = SubmitField(lazy_gettext("Aanmelden"))


class CapacityForm(FlaskForm):
    capacity = RadioField(lazy_gettext("Hoedanigheid"), choices=[],
                          validators=[DataRequired(lazy_gettext("Kies een hoedanigheid."))])
    request_id = HiddenField()
    submit = SubmitField(lazy_gettext("Verder"))


class LogoutForm(FlaskForm):
    id_token_hint = HiddenField()
    post_logout_redirect_uri = HiddenField()
    client_id = HiddenField()
    state = HiddenField()
    submit = SubmitField(lazy_gettext("Afmelden"))
