"""The provider's pages speak nl, fr, de and en: the switch, the browser's preference, the
catalogs complete (every Dutch text translated, placeholders kept) and error pages."""

from __future__ import annotations

import importlib.util
import re
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parent.parent


def _script():  # scripts/ is no package: load the maintainer's tool as a module
    spec = importlib.util.spec_from_file_location("translations", ROOT / "scripts" / "translations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_text_is_translated_with_its_placeholders() -> None:
    tool = _script()
    assert len(tool.extracted()) > 10  # the sources were read
    assert tool.check() == []


def _lang(html: str) -> str:
    match = re.search(r'<html lang="(\w+)"', html)
    assert match, html[:200]
    return match.group(1)


@pytest.mark.parametrize(("header", "lang", "text"), [
    ("fr-BE,fr;q=0.9,nl;q=0.5", "fr", "Pour les développeurs"),
    ("de-DE,de;q=0.9", "de", "Für Entwickler"),
    ("en-GB,en;q=0.8", "en", "For developers"),
    ("es-ES,es;q=0.9", "nl", "Voor ontwikkelaars"),  # none of ours: Dutch
    ("", "nl", "Voor ontwikkelaars"),
])
def test_the_browser_language_decides_when_nobody_chose(
        client: FlaskClient, header: str, lang: str, text: str) -> None:
    answer = client.get("/", headers={"Accept-Language": header} if header else {})
    html = answer.get_data(as_text=True)
    assert _lang(html) == lang
    assert text in html
    assert answer.headers["Content-Language"] == lang
    assert "Accept-Language" in answer.headers["Vary"]


def test_the_switch_names_each_language_in_itself_and_is_remembered(client: FlaskClient) -> None:
    html = client.get("/?x=1", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    for lang, name in (("nl", "Nederlands"), ("fr", "Français"), ("de", "Deutsch"),
                       ("en", "English")):
        assert f'lang="{lang}" hreflang="{lang}"' in html
        assert name in html
        assert f"/?x=1&amp;lang={lang}" in html  # the same page, its query kept
    assert re.search(r'hreflang="nl"\s+aria-current="true"', html)

    chosen = client.get("/?lang=de", headers={"Accept-Language": "fr"})
    assert _lang(chosen.get_data(as_text=True)) == "de"
    cookie = chosen.headers["Set-Cookie"]
    assert cookie.startswith("loket_lang=de;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # the next page, without ?lang=, stays German although the browser prefers French
    later = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert _lang(later) == "de" and "Für Entwickler" in later
    assert client.get("/?lang=xx", headers={"Accept-Language": "fr"}).status_code == 200


def test_error_pages_speak_the_language_and_keep_the_code_for_support(client: FlaskClient) -> None:
    html = unescape(client.get("/no-such-page", headers={
        "Accept-Language": "fr", "Accept": "text/html"}).get_data(as_text=True))
    assert _lang(html) == "fr"
    assert "Un problème est survenu" in html and "Cette page n'existe pas." in html
    assert "Pour le service d'assistance" in html and "<code>not_found</code>" in html


def test_times_are_written_as_each_language_writes_them(app: Flask) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        from flask import render_template_string

        when = "2026-07-01T12:30:05Z"
        assert render_template_string("{{ t|brussels }}", t=when) == "01.07.2026 14:30"
    with app.test_request_context("/?lang=fr"):
        assert render_template_string("{{ t|brussels }}", t=when) == "01/07/2026 14:30"
    with app.test_request_context("/"):
        assert render_template_string("{{ t|brussels }}", t=when) == "01-07-2026 14:30"


def test_a_hostile_value_in_a_translated_text_stays_escaped(app: Flask) -> None:
    with app.test_request_context("/?lang=en"):
        from flask import render_template_string

        out = render_template_string(
            "{{ _('Terug naar %(site)s', site=name) }}", name="<img src=x onerror=alert(1)>")
    assert out == "Back to &lt;img src=x onerror=alert(1)&gt;"
