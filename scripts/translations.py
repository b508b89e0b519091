"""Keep the provider's translations in step with its Dutch texts.

    python scripts/translations.py          # add new texts to the catalogs, drop removed ones
    python scripts/translations.py --check  # exit 1 naming every text without a translation

Texts are found in ``backend/loket`` (Python: ``_``, ``gettext``, ``lazy_gettext``,
``ngettext``, and ``every_language`` in the Flask-free core; templates: ``{% trans %}`` and
``_()``). A new text goes to the catalog of its area (``register.po`` for the association
register and Mijn Verenigingsloket, ``pages.po`` for everything else) of each language with an
empty translation, for a translator to fill in; existing translations are kept where they are.
See ``docs/translating.md``.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "backend" / "loket"
CATALOGS = SOURCE / "translations"
LANGUAGES = ("fr", "de", "en")
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2),
            "every_language": None}
METHODS = [("translations/**", "ignore"), ("migrations/**", "ignore"),
           ("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"trimmed": "true", "extensions": "jinja2.ext.i18n"}}


PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Fixed header values: updating the catalogs changes only what changed in the texts.
HEADER = {"project": "Loket", "version": "0.1.0",
          "header_comment": "# Loket's texts, translated from Dutch (docs/translating.md).",
          "copyright_holder": "the Loket authors",
          "msgid_bugs_address": "", "creation_date": datetime(2026, 12, 2, tzinfo=UTC),
          "revision_date": datetime(2026, 12, 2, tzinfo=UTC),
          "last_translator": "the Loket authors", "fuzzy": False}


def new_catalog(lang: str) -> Catalog:
    return Catalog(locale=lang, language_team=f"Loket {lang}", **HEADER)  # type: ignore[arg-type]


def area(path: str) -> str:
    return "register" if path.startswith(("register/", "templates/register/")) else "pages"


def extracted() -> dict[str | tuple[str, ...], tuple[str, list[tuple[str, int]]]]:
    """Every Dutch text in the sources → (its area, where it is used)."""
    found: dict[str | tuple[str, ...], tuple[str, list[tuple[str, int]]]] = {}
    for path, line, message, _comments, _context in extract_from_dir(
            SOURCE, METHODS, OPTIONS, KEYWORDS, comment_tags=(), strip_comment_tags=True):
        key = tuple(message) if isinstance(message, tuple) else message
        if isinstance(key, tuple):
            key = tuple(part for part in key if part)
            if len(key) == 1:
                key = key[0]
        if not key:
            continue
        where = found.setdefault(key, (area(path), []))
        if area(path) == "pages":  # used in both areas: the common file
            found[key] = ("pages", where[1])
        found[key][1].append((path, line))
    return found


def load(lang: str) -> dict[str, Catalog]:
    folder = CATALOGS / lang
    catalogs = {}
    for name in ("pages", "register"):
        path = folder / f"{name}.po"
        if path.exists():
            with path.open("rb") as handle:
                catalogs[name] = read_po(handle, locale=lang)
        else:
            catalogs[name] = new_catalog(lang)
    return catalogs


def check() -> list[str]:
    """The texts a language lacks or mistranslates (a placeholder lost or added), as
    ``lang: text (file:line)``."""
    texts = extracted()
    missing = []
    for lang in LANGUAGES:
        translated: dict[object, object] = {}
        for catalog in load(lang).values():
            for message in catalog:
                if message.id and message.string and not message.fuzzy:
                    translated[message.id] = message.string
        for key, (_area, where) in texts.items():
            text = translated.get(key)
            path, line = where[0]
            if not text or (isinstance(text, tuple) and not all(text)):
                missing.append(f"{lang}: {key!r} ({path}:{line})")
                continue
            ids = key if isinstance(key, tuple) else (key,)
            texts_ = text if isinstance(text, tuple) else (text,)
            wanted = set(PLACEHOLDER.findall(" ".join(ids))) - {"num"}
            for translated_text in texts_:
                if set(PLACEHOLDER.findall(str(translated_text))) - {"num"} != wanted:
                    missing.append(f"{lang}: placeholders differ in {key!r} ({path}:{line})")
                    break
    return missing


def update() -> None:
    texts = extracted()
    for lang in LANGUAGES:
        catalogs = load(lang)
        existing = {message.id: message for catalog in catalogs.values()
                    for message in catalog if message.id}
        fresh = {name: new_catalog(lang) for name in catalogs}
        for key, (name, where) in sorted(texts.items(), key=lambda item: str(item[0])):
            old = existing.get(key)
            string = old.string if old else ("", "") if isinstance(key, tuple) else ""
            fresh[name].add(key, string, locations=[(p, n) for p, n in where[:3]],
                            flags=old.flags if old else ())
        (CATALOGS / lang).mkdir(parents=True, exist_ok=True)
        for name, catalog in fresh.items():
            with (CATALOGS / lang / f"{name}.po").open("wb") as handle:
                write_po(handle, catalog, width=100, omit_header=False, sort_output=True,
                         include_lineno=False)
    print(f"{len(texts)} texts; catalogs in {CATALOGS.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report what is missing")
    if parser.parse_args().check:
        missing = check()
        for line in missing:
            print(line)
        if missing:
            print(f"{len(missing)} translations missing: run python scripts/translations.py "
                  "and fill them in", file=sys.stderr)
            return 1
        print("every text is translated in " + ", ".join(LANGUAGES))
        return 0
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
