"""Forms of the sign-in pages (flask-wtf: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class TestLoginForm(FlaskForm):
    insz = StringField(
        "Rijksregisternummer",
        validators=[DataRequired("Vul het rijksregisternummer in."),
                    Length(max=40, message="Het rijksregisternummer is te lang.")],
    )
    request_id = HiddenField()
    submit = SubmitField("Aanmelden")


class CapacityForm(FlaskForm):
    capacity = RadioField("Hoedanigheid", choices=[],
                          validators=[DataRequired("Kies een hoedanigheid.")])
    request_id = HiddenField()
    submit = SubmitField("Verder")


class LogoutForm(FlaskForm):
    id_token_hint = HiddenField()
    post_logout_redirect_uri = HiddenField()
    client_id = HiddenField()
    state = HiddenField()
    submit = SubmitField("Afmelden")
