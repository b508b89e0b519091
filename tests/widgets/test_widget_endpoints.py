"""The widget endpoints in-process: stable URLs redirect to hashed immutable scripts whose SRI
is published, CORS only for registered origins, per-site settings validated by the CLI."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from loket.widgets import sanitize, settings


def _sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_stable_url_serves_the_script_matching_published_sri(client) -> None:
    stable = client.get("/widgets/v1/groenbeek/embed.js")
    assert stable.status_code == 200 and stable.headers["Cache-Control"] == "public, max-age=10"
    revalidated = client.get("/widgets/v1/groenbeek/embed.js",
                             headers={"If-None-Match": stable.headers["ETag"]})
    assert revalidated.status_code == 304 and not revalidated.data
    location = stable.headers["Link"].split(">")[0].lstrip("<").replace("http://127.0.0.1:8000",
                                                                        "")
    script = client.get(location)
    assert script.data == stable.data
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert "immutable" in script.headers["Cache-Control"]
    assert script.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    published = client.get("/widgets/v1/groenbeek/sri.json").json
    assert published["scripts"]["embed"]["url"].endswith(location)
    assert published["scripts"]["embed"]["integrity"] == _sri(script.data)
    versions = client.get("/widgets/v1/versions.json").json
    current = versions["versions"][versions["current"]]
    bundle = client.get(current["url"].replace("http://127.0.0.1:8000", ""))
    assert bundle.status_code == 200 and current["integrity"] == _sri(bundle.data)
    assert script.data.startswith(bundle.data)  # the site's script is the bundle + its config
    old = client.get("/widgets/v1/groenbeek/embed.0000000000000000.js")
    assert old.status_code == 302 and old.headers["Location"].endswith(location)
    assert client.get("/widgets/v1/assets/loket-widgets.0000.js").status_code == 404


def test_cors_only_for_registered_origins(client) -> None:
    location = client.get("/widgets/v1/groenbeek/entry.js").headers["Link"].split(">")[0] \
        .lstrip("<").replace("http://127.0.0.1:8000", "")
    ok = client.get(location, headers={"Origin": "http://127.0.0.2:8001"})
    assert ok.headers["Access-Control-Allow-Origin"] == "http://127.0.0.2:8001"
    other = client.get(location, headers={"Origin": "http://127.0.0.3:8002"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_unknown_widget_id(client) -> None:
    for path in ("entry.js", "embed.js"):
        response = client.get(f"/widgets/v1/nobody/{path}")
        assert response.status_code == 404 and response.mimetype == "text/javascript"
        assert "not registered" in response.get_data(as_text=True)


def test_theme_css_is_custom_properties_only(client) -> None:
    css = client.get("/themes/rivierstede/theme.css").get_data(as_text=True)
    assert css.startswith("loket-header,loket-footer") and "--loket-color-background:#102a43" in css
    assert ":root" not in css
    assert client.get("/themes/nope/theme.css").status_code == 404
    assert client.get("/themes/nope/preview").status_code == 404


def test_settings_validation_names_every_field() -> None:
    with pytest.raises(settings.SettingsError) as caught:
        settings.validate({
            "alert": {"enabled": "yes", "modifier": "loud"},
            "mainLinks": [{"label": "", "href": "javascript:x", "target": "_top"}],
            "contact": {"servicePoints": [{"label": "x", "phone": "call me", "email": "nope"}]},
            "profile": {"loginUrl": "ftp://x"},
            "colour": 1,
        })
    problems = caught.value.problems
    for field in ("alert.enabled", "alert.modifier", "alert.message", "mainLinks[0].label",
                  "mainLinks[0].href", "mainLinks[0].target", "contact.servicePoints[0].phone",
                  "contact.servicePoints[0].email", "profile.loginUrl", "colour: unknown field"):
        assert any(p.startswith(field) for p in problems), (field, problems)


def test_client_configure_cli(app, tmp_path, monkeypatch) -> None:
    from loket import cli, db
    from loket.cli import bootstrap
    from loket.models import Client

    monkeypatch.setattr(bootstrap, "app", lambda: app)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"alert": {"enabled": True, "message": "Hallo <em>allen</em>"},
                                "profile": {"loginUrl": "/login"}}))
    result = CliRunner().invoke(cli.main, ["client", "configure", "groenbeek", "--settings",
                                           str(good), "--theme", "rivierstede"])
    assert result.exit_code == 0, result.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"alert": {"enabled": True, "message": "x", "modifier": "loud"}}))
    refused = CliRunner().invoke(cli.main, ["client", "configure", "groenbeek", "--settings", str(bad)])
    assert refused.exit_code == 1 and "alert.modifier: choose one of" in refused.output
    with db.database(app).transaction() as session:
        stored = session.get(Client, "groenbeek")
        assert stored.theme == "rivierstede" and stored.settings["profile"] == {"loginUrl": "/login"}
    nojs = app.test_client().get("/widgets/v1/groenbeek/header.html").get_data(as_text=True)
    assert "Hallo <em>allen</em>" in nojs and 'href="/login"' in nojs


def test_sanitizer_keeps_only_simple_html() -> None:
    out = sanitize.simple_html('<p>Hi <a href="javascript:x()" onclick="y">a</a> <b>b</b>'
                               '<script>z()</script><img src=x onerror=1><a href="/ok">ok</a>')
    assert out == '<p>Hi <a>a</a> <b>b</b><a href="/ok">ok</a></p>'


@pytest.mark.slow
def test_wheel_ships_widgets_themes_templates_and_migrations(tmp_path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "-q",
                    "-w", str(tmp_path)], check=True, timeout=300,
                   cwd=tmp_path)
    wheel = next(tmp_path.glob("loket-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("loket/_widgets/shared/base.js", "loket/_widgets/shared/client.js",
                   "loket/_widgets/shared/strings.json", "loket/_widgets/header/header.js",
                   "loket/_widgets/header/header.css", "loket/_widgets/footer/footer.js",
                   "loket/_widgets/header/examples/03-association.json",
                   "loket/_themes/base/theme.toml", "loket/_themes/groenbeek/logo.svg",
                   "loket/_themes/rivierstede/theme.toml",
                   "loket/templates/widgets/nojs_header.html", "loket/templates/base.html",
                   "loket/static/widgets-preview.js", "loket/migrations/env.py",
                   "loket/migrations/versions/0001_foundation.py", "loket/widgets/views.py",
                   "loket/_widgets/shared/format.js", "loket/data/messages.json",
                   "loket/cli/bootstrap.py"):
        assert needed in names, needed
    # Every Python package of the source tree is in the wheel.
    for init in (root / "backend").rglob("__init__.py"):
        assert init.relative_to(root / "backend").as_posix() in names


def test_scripts_are_served_gzipped_when_the_browser_accepts_it(client) -> None:
    import gzip

    plain = client.get("/widgets/v1/groenbeek/embed.js")
    packed = client.get("/widgets/v1/groenbeek/embed.js", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
