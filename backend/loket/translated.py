"""The translation catalogs without Flask: what :mod:`loket.i18n` reads for a page, and texts
in every language at once for the parts of Loket that know no request (the Flask-free core,
:mod:`loket.sso.decisions` and :mod:`loket.sso.protocol`).

A text in every language is a :data:`loket.errors.Text` mapping: an error carrying one shows its
page, or its API answer, in the language of whoever reads it (:func:`loket.errors.in_language`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from babel.messages.pofile import read_po

from loket.errors import DEFAULT_LANGUAGE, LANGUAGES

Catalog = dict[str | tuple[str, ...], str | tuple[str, ...]]


@cache
def catalog(lang: str) -> Catalog:
    """Every translated message of ``lang``: the Dutch id → its text (plural ids → forms)."""
    found: Catalog = {}
    folder = resources.files("loket.translations").joinpath(lang)
    if lang == DEFAULT_LANGUAGE or not folder.is_dir():
        return found
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if not message.id or message.fuzzy:
                    continue
                text = message.string
                if isinstance(text, tuple | list):
                    if all(text):
                        found[tuple(message.id)] = tuple(text)
                elif text:
                    found[str(message.id)] = text
    return found


def translate(text: str, lang: str) -> str:
    """``text`` (Dutch) in ``lang``, the Dutch text itself while it has no translation."""
    found = catalog(lang).get(text, text)
    return found if isinstance(found, str) else text


def every_language(text: str, **values: Any) -> dict[str, str]:
    """``text`` (Dutch, the message id) in each language, its ``%(name)s`` filled in.

    ``scripts/translations.py`` finds these texts as it finds ``_()``. The values are not
    escaped here: a page escapes the text it shows, like any other value.
    """
    return {lang: translate(text, lang) % values if values else translate(text, lang)
            for lang in LANGUAGES}
