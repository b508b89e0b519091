"""The components' example fixtures (``widgets/*/examples/*.json``): the preview page shows
them, the browser tests render them and run axe over each."""

from __future__ import annotations

import json
from typing import Any

from loket.themes import bundled_dir

COMPONENTS = ("header", "footer", "dossiers", "catalog", "associations", "messages")


def examples() -> dict[str, list[dict[str, Any]]]:
    """``{"header": [...], "footer": [...], "dossiers": [...], "catalog": [...],
    "associations": [...]}``, each example with its ``name``, in file order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for component in COMPONENTS:
        folder = bundled_dir("widgets") / component / "examples"
        out[component] = [
            {"name": path.stem, **json.loads(path.read_text(encoding="utf-8"))}
            for path in sorted(folder.glob("*.json"))
        ]
    return out
