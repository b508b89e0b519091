"""The app's widget assets (the bundle and the panels' chunks, built once per process), its
themes, and the per-site scripts built from them (an LRU cache)."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from loket.themes import ThemeRegistry
from loket.widgets.assets import BuiltBundle, build, build_chunks

log = logging.getLogger(__name__)
SCRIPT_CACHE_SIZE = 512


class Widgets:
    """The app's widget assets (built once per process, on first use) and its themes."""

    def __init__(self, instance: Path, themes_path: str | None) -> None:
        self.instance = instance
        self.themes = ThemeRegistry(themes_path)
        self._bundle: BuiltBundle | None = None
        self._chunks: dict[str, BuiltBundle] | None = None
        self._lock = threading.Lock()
        self._scripts: OrderedDict[tuple[Any, ...], tuple[str, str]] = OrderedDict()

    def cached_script(self, key: tuple[Any, ...], build_script: Any) -> tuple[str, str]:
        """A per-site script built once per version of the site's settings (LRU, per process)."""
        with self._lock:
            found = self._scripts.get(key)
            if found is not None:
                self._scripts.move_to_end(key)
                return found
        built = build_script()
        with self._lock:
            self._scripts[key] = built
            while len(self._scripts) > SCRIPT_CACHE_SIZE:
                self._scripts.popitem(last=False)
        return built  # type: ignore[no-any-return]

    @property
    def bundle(self) -> BuiltBundle:
        if self._bundle is None:
            with self._lock:
                if self._bundle is None:
                    self._bundle = build()
                    self._remember(self._bundle)
        return self._bundle

    @property
    def chunks(self) -> dict[str, BuiltBundle]:
        """The panels' chunks by element name (built once per process, on first use)."""
        if self._chunks is None:
            with self._lock:
                if self._chunks is None:
                    self._chunks = build_chunks()
        return self._chunks

    def asset(self, filename: str) -> BuiltBundle | None:
        """The bundle or a chunk by its hashed file name."""
        for built in (self.bundle, *self.chunks.values()):
            if built.filename == filename:
                return built
        return None

    def chunk_config(self, base_url: str) -> dict[str, dict[str, str]]:
        """Where the bundle finds each panel's code: URL and SRI hash, by element name."""
        return {tag: {"url": f"{base_url}/widgets/v1/assets/{built.filename}",
                      "integrity": built.integrity}
                for tag, built in self.chunks.items()}

    def _remember(self, bundle: BuiltBundle) -> None:
        """Keep every version's SRI hash (versions.json publishes them all)."""
        path = self.instance / "widget-versions.json"
        try:
            known = json.loads(path.read_text()) if path.exists() else {}
            if bundle.version not in known:
                known[bundle.version] = {"integrity": bundle.integrity, "file": bundle.filename}
                self.instance.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                tmp.write_text(json.dumps(known, indent=2))
                tmp.replace(path)
        except (OSError, ValueError) as exc:  # the list is informative; serving goes on
            log.warning("could not record widget version %s: %s", bundle.version, exc)

    def versions(self) -> dict[str, Any]:
        path = self.instance / "widget-versions.json"
        try:
            known = json.loads(path.read_text()) if path.exists() else {}
        except (OSError, ValueError):
            known = {}
        current = self.bundle
        known[current.version] = {"integrity": current.integrity, "file": current.filename}
        return known
