"""The widget bundle: ``widgets/`` sources bundled and minified with webassets into one script,
named by its content hash (immutable), with its SRI hash.

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


register_filter(CssAsJs)
register_filter(Enclose)


@dataclass(frozen=True)
class BuiltBundle:
    code: str
    version: str
    integrity: str

    @property
    def filename(self) -> str:
        return f"loket-widgets.{self.version}.js"


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def build(source: Path | None = None) -> BuiltBundle:
    """Bundle and minify the widget sources (in memory; nothing is written next to them)."""
    source = source or bundled_dir("widgets")
    with tempfile.TemporaryDirectory(prefix="loket-assets-") as out_dir:
        env = Environment(directory=out_dir, url="/", load_path=[str(source)])
        env.cache = False
        env.manifest = False
        env.auto_build = False
        bundle = Bundle(
            Bundle(*SCRIPTS_BEFORE_CSS, filters="rjsmin"),
            Bundle(*STYLES, filters="loket_css_as_js"),
            Bundle(*SCRIPTS_AFTER_CSS, filters="rjsmin"),
            filters="loket_enclose", output="loket-widgets.js",
        )
        env.register("widgets", bundle)
        buffer = io.StringIO()
        bundle.build(force=True, output=buffer)
    code = buffer.getvalue()
    data = code.encode("utf-8")
    return BuiltBundle(code=code, version=hashlib.sha256(data).hexdigest()[:16], integrity=sri(data))
