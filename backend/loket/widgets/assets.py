"""The widget bundle: ``widgets/`` sources bundled and minified with webassets into one script,
named by its content hash (immutable), with its SRI hash; and the panels' chunks, loaded by the
bundle only on pages that use the panel (so header + footer stay small).

Component CSS is minified and carried inside the script as strings (applied as constructable
stylesheets), so a host page's ``style-src`` never has to allow anything inline.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rcssmin
from webassets import Bundle, Environment
from webassets.filter import Filter, register_filter

from loket.themes import bundled_dir

# Concatenation order matters: base.js declares CSS before the stylesheets fill it, and
# client.js (which defines the elements on configure) comes last.
SCRIPTS_BEFORE_CSS = ("shared/i18n.js", "shared/render.js", "shared/base.js",
                      "header/header.js", "footer/footer.js")
STYLES = ("shared/base.css", "header/header.css", "footer/footer.css")
SCRIPTS_AFTER_CSS = ("shared/client.js",)


@dataclass(frozen=True)
class Chunk:
    """A panel's own script: its labels, CSS and JS, run on top of the loaded bundle."""

    tag: str
    strings: str
    styles: tuple[str, ...]
    scripts: tuple[str, ...]


# What every panel builds on (shared/format.js, shared/panel.*, widgets/README.md), in front of
# its own files.
PANEL_STYLES = ("shared/panel.css",)
PANEL_SCRIPTS = ("shared/format.js", "shared/panel.js")


def _panel(name: str) -> Chunk:
    return Chunk(f"loket-{name}", f"{name}/strings.json", (*PANEL_STYLES, f"{name}/{name}.css"),
                 (*PANEL_SCRIPTS, f"{name}/{name}.js"))


# Panels whose code is fetched only when the page has their element (client.js loads them).
# Each carries its own copy of what the panels share, so the bundle does not.
CHUNKS = tuple(_panel(name) for name in ("dossiers", "catalog", "associations", "messages"))
# What a chunk's code sees of the bundle, by the same names as inside it (widgets/README.md).
CHUNK_NAMES = ("LoketElement", "Store", "define", "h", "safeUrl", "simpleHtml", "addQuery",
               "label", "tr", "pageLang", "sheet")


class CssAsJs(Filter):  # type: ignore[misc]
    """Each CSS file becomes ``CSS["<file stem>"] = "<minified css>";``."""

    name = "loket_css_as_js"  # type: ignore[assignment]

    def input(self, _in: Any, out: Any, **kw: Any) -> None:
        stem = Path(kw.get("source_path") or "x.css").stem
        out.write(f"CSS[{json.dumps(stem)}]={json.dumps(rcssmin.cssmin(_in.read()))};\n")


class Enclose(Filter):  # type: ignore[misc]
    """One closure around the bundle; a page that loads it twice keeps the first copy."""

    name = "loket_enclose"  # type: ignore[assignment]

    def output(self, _in: Any, out: Any, **kw: Any) -> None:
        out.write('(function(){"use strict";if(window.LoketWidgets)return;\n')
        out.write(_in.read())
        out.write("\n})();\n")


class StringsAsJs(Filter):  # type: ignore[misc]
    """A panel's labels file becomes ``STRINGS = {...};`` (checked to be JSON)."""

    name = "loket_strings_as_js"  # type: ignore[assignment]

    def input(self, _in: Any, out: Any, **kw: Any) -> None:
        strings = json.dumps(json.loads(_in.read()), ensure_ascii=False, separators=(",", ":"))
        out.write(f"STRINGS={strings};\n")


class EncloseChunk(Filter):  # type: ignore[misc]
    """One closure around a panel's chunk, binding the bundle's names it builds on."""

    name = "loket_enclose_chunk"  # type: ignore[assignment]

    def output(self, _in: Any, out: Any, **kw: Any) -> None:
        names = ",".join(f"{n}=L.{n}" for n in CHUNK_NAMES)
        out.write('(function(){"use strict";var L=window.LoketWidgets;if(!L)return;\n')
        out.write(f"var {names},CSS=L.css,STRINGS={{}};\n")
        out.write(_in.read())
        out.write("\n})();\n")


register_filter(CssAsJs)
register_filter(Enclose)
register_filter(StringsAsJs)
register_filter(EncloseChunk)


@dataclass(frozen=True)
class BuiltBundle:
    code: str
    version: str
    integrity: str
    name: str = "loket-widgets"

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.version}.js"


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def _built(bundle: Bundle, source: Path, name: str) -> BuiltBundle:
    """Run a webassets bundle in memory (nothing is written next to the sources)."""
    with tempfile.TemporaryDirectory(prefix="loket-assets-") as out_dir:
        env = Environment(directory=out_dir, url="/", load_path=[str(source)])
        env.cache = False
        env.manifest = False
        env.auto_build = False
        env.register(name, bundle)
        buffer = io.StringIO()
        bundle.build(force=True, output=buffer)
    code = buffer.getvalue()
    data = code.encode("utf-8")
    return BuiltBundle(code=code, version=hashlib.sha256(data).hexdigest()[:16],
                       integrity=sri(data), name=name)


def build(source: Path | None = None) -> BuiltBundle:
    """Bundle and minify the widget sources shared by every page."""
    source = source or bundled_dir("widgets")
    bundle = Bundle(
        Bundle(*SCRIPTS_BEFORE_CSS, filters="rjsmin"),
        Bundle(*STYLES, filters="loket_css_as_js"),
        Bundle(*SCRIPTS_AFTER_CSS, filters="rjsmin"),
        filters="loket_enclose", output="loket-widgets.js",
    )
    return _built(bundle, source, "loket-widgets")


def build_chunks(source: Path | None = None) -> dict[str, BuiltBundle]:
    """Each panel's chunk, by element name. CSS comes before the JS: defining the element
    renders the elements already on the page, and they need their stylesheet then."""
    source = source or bundled_dir("widgets")
    out = {}
    for chunk in CHUNKS:
        bundle = Bundle(
            Bundle(chunk.strings, filters="loket_strings_as_js"),
            Bundle(*chunk.styles, filters="loket_css_as_js"),
            Bundle(*chunk.scripts, filters="rjsmin"),
            filters="loket_enclose_chunk", output=f"{chunk.tag}.js",
        )
        out[chunk.tag] = _built(bundle, source, chunk.tag)
    return out
