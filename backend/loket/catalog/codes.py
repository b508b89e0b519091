"""The catalog's code lists and texts, all read from data files in ``loket/data``.

- ``lpdc-codelists.json``: the LPDC codes and their Dutch labels;
- ``catalog-labels.json``: en/fr/de labels and the phrases that explain a recommendation;
- ``hoofdactiviteit-themas.csv``: which themas matter to an association, by hoofdactiviteit.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from loket import reference

LANGUAGES = ("nl", "en", "fr", "de")
REQUIRED_LANGUAGES = ("nl", "en")

# The capacity's code → the doelgroep it belongs to (contract §3 capacities).
CAPACITY_DOELGROEP = {"BUR": "Burger", "VER": "Vereniging", "EA": "Onderneming"}

_LIST_NAMES = {
    "type": "type",
    "doelgroep": "doelgroep",
    "thema": "thema",
    "level": "bevoegd_bestuursniveau",
    "executing_level": "uitvoerend_bestuursniveau",
}


def _data(name: str) -> str:
    return resources.files("loket.data").joinpath(name).read_text(encoding="utf-8")


@cache
def _labels() -> dict[str, Any]:
    return json.loads(_data("catalog-labels.json"))  # type: ignore[no-any-return]


@cache
def codes(kind: str) -> tuple[str, ...]:
    """Every code of a list: ``type``, ``doelgroep``, ``thema``, ``level``, ``executing_level``."""
    return tuple(row["code"] for row in reference.lpdc_codelists()[_LIST_NAMES[kind]])


def bit(kind: str, code: str) -> int:
    """The code's bit in a product's ``doelgroep_mask`` / ``thema_mask``: its position in the
    LPDC list (lists only grow at the end, so stored masks stay right)."""
    return 1 << codes(kind).index(code)


def mask(kind: str, values: list[str] | tuple[str, ...]) -> int:
    total = 0
    for code in values:
        total |= bit(kind, code)
    return total


def label(kind: str, code: str, lang: str) -> str:
    """A code's label in ``lang`` (Dutch from the LPDC list; others from catalog-labels.json)."""
    if lang == "nl" or kind not in ("type", "doelgroep", "thema", "level", "executing_level"):
        for row in reference.lpdc_codelists()[_LIST_NAMES[kind]]:
            if row["code"] == code:
                return str(row["label_nl"])
        return code
    table = _labels()["level" if kind == "executing_level" else kind]
    return str(table.get(code, {}).get(lang) or label(kind, code, "nl"))


def phrase(name: str, lang: str, **values: str) -> str:
    """A phrase from catalog-labels.json in ``lang``, with ``{placeholders}`` filled in."""
    texts = _labels()["phrase"][name]
    return str(texts.get(lang) or texts["nl"]).format(**values)


def doelgroep_phrase(code: str, lang: str) -> str:
    texts = _labels()["doelgroep_phrase"].get(code, {})
    return str(texts.get(lang) or texts.get("nl") or code)


def region_name(code: str, lang: str) -> str | None:
    texts = _labels()["region"].get(code)
    return str(texts.get(lang) or texts["nl"]) if texts else None


@dataclass(frozen=True)
class ActivityThemas:
    """The themas a hoofdactiviteit maps to, and how a recommendation names the activity."""

    hoofdactiviteit: str
    themas: tuple[str, ...]
    reason: dict[str, str]


@cache
def activity_themas() -> dict[str, ActivityThemas]:
    """hoofdactiviteit code → its themas (``hoofdactiviteit-themas.csv``)."""
    rows = csv.DictReader(_data("hoofdactiviteit-themas.csv").splitlines())
    return {
        row["hoofdactiviteit"]: ActivityThemas(
            row["hoofdactiviteit"], tuple(row["themas"].split()),
            {lang: row[f"reden_{lang}"] for lang in LANGUAGES},
        )
        for row in rows
    }


def pick_language(accept: str | None, requested: str | None) -> str:
    """``lang`` when it is one we speak, else the best of Accept-Language, else Dutch."""
    if requested in LANGUAGES:
        return str(requested)
    for part in (accept or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "nl"
