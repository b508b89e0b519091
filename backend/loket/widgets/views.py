"""The widget endpoints under ``/widgets/v1`` and the theme preview under ``/themes``."""

from __future__ import annotations

import gzip
import hashlib
import re
from functools import lru_cache

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from loket import clients, db, i18n
from loket.models import Client
from loket.themes import LANGS, Theme, ThemeError
from loket.widgets.site import js_json, nojs_values, per_site_script, site_config
from loket.widgets.store import Widgets

bp = Blueprint("widgets", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
# Short enough that a settings change reaches sites within minutes.
# A stable URL is kept only briefly, so that a change of a site's settings or theme reaches its
# visitors within seconds (a revalidation answers 304 when nothing changed); pin the hashed URL
# (SRI) for no request at all.
STABLE = "public, max-age=10"
KINDS = ("entry", "embed")
_HASHED = re.compile(r"^(entry|embed)\.([0-9a-f]{16})\.js$")


def widgets() -> Widgets:
    return current_app.extensions["loket.widgets"]  # type: ignore[no-any-return]


def _issuer() -> str:
    return str(current_app.config["ISSUER"])


@lru_cache(maxsize=256)
def _gzipped(body: str) -> bytes:
    # Scripts are few and change rarely: compress each once per process.
    return gzip.compress(body.encode("utf-8"), 9)


def _script_response(body: str, status: int = 200, cache: str = STABLE) -> Response:
    if body and "gzip" in request.headers.get("Accept-Encoding", ""):
        response = Response(_gzipped(body), status=status, mimetype="text/javascript")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(body, status=status, mimetype="text/javascript")
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = cache
    # Real-user monitoring on the embedding site may see how long the script took.
    response.headers["Timing-Allow-Origin"] = "*"
    # Public code: any page may load it, also a page isolated with COEP.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _unknown_widget(widget_id: str) -> Response:
    # Browsers do not run a script answered with 404; they log the failed URL in the console.
    # The body says the same for whoever opens the URL.
    message = (f"Loket: widget id {widget_id[:64]!r} is not registered at {_issuer()}; "
               "check the id in the script's URL (loket client list).")
    return _script_response(f"console.error({js_json(message)});\n", status=404, cache="no-store")


def _site(widget_id: str) -> tuple[Client, Theme] | None:
    client = clients.get(db.read_session(), widget_id)
    if client is None:
        return None
    try:
        theme = widgets().themes.get(client.theme or "base")
    except ThemeError:
        current_app.logger.warning("theme %r of widget %r does not load; using base",
                                   client.theme, widget_id)
        theme = widgets().themes.get("base")
    return client, theme


def _script(widget_id: str, kind: str) -> tuple[str, str] | None:
    """The per-site script of ``kind`` and its content hash, or None for an unknown widget."""
    found = _site(widget_id)
    if found is None:
        return None
    client, theme = found
    bundle = widgets().bundle

    def build() -> tuple[str, str]:
        config = site_config(client, theme, _issuer())
        config["version"] = bundle.version
        config["chunks"] = widgets().chunk_config(_issuer())
        body = per_site_script(bundle.code, config, embed=kind == "embed")
        return body, hashlib.sha256(body.encode()).hexdigest()[:16]

    # A change of the site's settings or theme bumps updated_at (or the theme's digest) and so
    # the key.
    key = (client.id, client.updated_at, client.theme, theme.name, theme.digest, kind,
           bundle.version, _issuer())
    return widgets().cached_script(key, build)


@bp.get("/widgets/v1/<widget_id>/<any(entry, embed):kind>.js")
def stable(widget_id: str, kind: str) -> ResponseReturnValue:
    """The stable URL in the snippet: the current script itself, cached for a few minutes and
    revalidated by ETag (one request on a cold load; the hashed URL is for pinning with SRI)."""
    built = _script(widget_id, kind)
    if built is None:
        return _unknown_widget(widget_id)
    body, digest = built
    etag = f'"{digest}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = _script_response("", status=304)
    else:
        response = _script_response(body)
    response.headers["ETag"] = etag
    response.headers["Link"] = (f'<{_issuer()}/widgets/v1/{widget_id}/{kind}.{digest}.js>; '
                                'rel="alternate"')
    _cors_for_site(response, widget_id)
    return response


@bp.get("/api/v2/widget/<widget_id>/<any(entry, embed):kind>")
def loader_v2(widget_id: str, kind: str) -> ResponseReturnValue:
    """The Flemish header's v2 loader URLs (``…/api/v2/widget/{id}/entry`` and ``/embed``): the
    same script as the stable URL, so a page written for the real header only changes the host
    (docs/compatibility.md)."""
    return stable(widget_id, kind)


@bp.get("/widgets/v1/<widget_id>/<name>")
def hashed(widget_id: str, name: str) -> ResponseReturnValue:
    match = _HASHED.match(name)
    if match is None:
        abort(404)
    kind, wanted = match.groups()
    built = _script(widget_id, kind)
    if built is None:
        return _unknown_widget(widget_id)
    body, digest = built
    if digest != wanted:
        # An older version (a cached redirect): send the browser on to the current one.
        response = redirect(url_for("widgets.hashed", widget_id=widget_id,
                                    name=f"{kind}.{digest}.js"), 302)
        response.headers["Cache-Control"] = "no-cache"
        return response
    response = _script_response(body, cache=IMMUTABLE)
    _cors_for_site(response, widget_id)
    return response


def _cors_for_site(response: Response, widget_id: str) -> None:
    """A registered origin may read the script (needed for SRI with crossorigin)."""
    origin = request.headers.get("Origin")
    client = clients.get(db.read_session(), widget_id)
    if origin and client is not None and origin.lower() in (client.origins or []):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
    else:
        response.headers.pop("Access-Control-Allow-Origin", None)


@bp.get("/widgets/v1/<widget_id>/sri.json")
def sri(widget_id: str) -> ResponseReturnValue:
    """Current URLs and SRI hashes of this site's scripts, for sites that pin a version."""
    from loket.widgets.assets import sri as sri_hash

    out = {"version": widgets().bundle.version, "scripts": {}}
    for kind in KINDS:
        built = _script(widget_id, kind)
        if built is None:
            abort(404)
        out["scripts"][kind] = {  # type: ignore[index]
            "url": f"{_issuer()}/widgets/v1/{widget_id}/{kind}.{built[1]}.js",
            "integrity": sri_hash(built[0].encode()),
        }
    response = current_app.json.response(out)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/widgets/v1/assets/<name>")
def bundle_asset(name: str) -> Response:
    """The site-independent bundle or a panel's chunk, named by its content hash: cached for a
    year."""
    built = widgets().asset(name)
    if built is None:
        abort(404)
    return _script_response(built.code, cache=IMMUTABLE)


@bp.get("/widgets/v1/versions.json")
def versions() -> ResponseReturnValue:
    """Every bundle version this service has served, with its SRI hash."""
    bundle = widgets().bundle
    response = current_app.json.response({
        "current": bundle.version,
        "versions": {v: {**info, "url": f"{_issuer()}/widgets/v1/assets/{info['file']}"}
                     for v, info in widgets().versions().items()},
    })
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# ---- theme CSS, without JavaScript, preview ----------------------------------------------------

NOJS_SELECTOR = ".loket-nojs"


def _css_response(css: str) -> Response:
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = STABLE
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/themes/<name>/theme.css")
def theme_css(name: str) -> Response:
    """The theme's tokens as ``--loket-*`` custom properties on the Loket elements."""
    try:
        theme = widgets().themes.get(name)
    except ThemeError:
        abort(404)
    selector = ("loket-header,loket-footer,loket-dossiers,loket-catalog,loket-associations,"
                "loket-messages,.loket-nojs")
    return _css_response(theme.css(selector) + "\n")


@bp.get("/widgets/v1/<widget_id>/nojs.css")
def nojs_css(widget_id: str) -> Response:
    found = _site(widget_id)
    if found is None:
        abort(404)
    base = render_template("widgets/nojs.css")
    return _css_response(found[1].css(NOJS_SELECTOR) + "\n" + base)


def _lang() -> str:
    wanted = (request.args.get("lang") or "").lower().split("-")[0]
    if wanted in LANGS:
        return wanted
    best = request.accept_languages.best_match(LANGS)
    return best or "nl"


@bp.get("/widgets/v1/<widget_id>/<any(header, footer):part>.html")
def nojs(widget_id: str, part: str) -> Response:
    """The header or footer as plain HTML (for <noscript> or a server-side include)."""
    found = _site(widget_id)
    if found is None:
        abort(404)
    client, theme = found
    values = nojs_values(site_config(client, theme, _issuer()), _lang())
    i18n.speak(values["lang"])  # Content-Language says the widget's language; no cookie
    page = request.args.get("page") == "1"
    html = render_template(f"widgets/nojs_{part}.html", v=values, widget_id=widget_id,
                           css_url=f"{_issuer()}/widgets/v1/{widget_id}/nojs.css", page=page)
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = STABLE
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept-Language")
    return response


@bp.get("/themes/<name>/preview")
def preview(name: str) -> Response | str:
    """Every header and footer state in this theme, at desktop and mobile width."""
    from loket.widgets.examples import examples

    try:
        theme = widgets().themes.get(name)
    except ThemeError as exc:
        return Response(render_template("error.html", status=404, code="unknown_theme",
                                        detail="; ".join(exc.problems)), status=404)
    fake = Client(id="preview", name=theme.title, theme=name, settings={}, origins=[])
    config = site_config(fake, theme, _issuer())
    config["chunks"] = widgets().chunk_config(_issuer())
    fixtures = examples()
    data = {"config": config, "examples": fixtures}
    return render_template("widgets/preview.html", theme=theme, data=js_json(data),
                           examples=fixtures,
                           bundle_url=url_for("widgets.bundle_asset", name=widgets().bundle.filename),
                           bundle_integrity=widgets().bundle.integrity,
                           themes=widgets().themes.names())
