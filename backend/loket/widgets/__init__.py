"""Serving the embeddable widgets: per-site entry/embed scripts, the hashed bundle and its SRI
hashes, theme CSS, the no-JavaScript header and footer, the theme preview, and profile tokens.

:data:`bp` carries the routes of :mod:`views` and :mod:`profile`; :func:`init_app` gives the
app its :class:`~loket.widgets.store.Widgets` and registers them.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from loket.widgets import profile  # noqa: F401 - adds the profile-token routes to bp
from loket.widgets.store import Widgets
from loket.widgets.views import bp

__all__ = ["Widgets", "bp", "init_app"]


def init_app(app: Flask) -> None:
    app.extensions["loket.widgets"] = Widgets(Path(app.instance_path),
                                              app.config.get("THEMES_PATH") or None)
    app.register_blueprint(bp)
