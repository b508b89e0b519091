"""The register's messages in every language at once.

A message of the register's checks and changes (a validation problem, a refused change) is
shown on a page in the page's language and answered by the API in the caller's
``Accept-Language`` (see :mod:`loket.errors`), which need not be the language of the request
that raised it, and some are raised with no request at all (the CLI, a bulk import). So such a
message is an :data:`~loket.errors.Text`: the same text per language, read from the catalogs
(``translations/<lang>/register.po``) with its placeholders filled in per language; whoever
shows it picks the language with :func:`loket.errors.in_language`.

``wording.gettext("...")`` is marked for ``scripts/translations.py`` like any gettext call (the
name is the marker): write the Dutch text, which is the message id. It needs no request and no
app: a module may build its texts when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from loket.errors import LANGUAGES, Text, in_language
from loket.translated import translate


def gettext(text: str, **values: object) -> dict[str, str]:
    """``text`` (Dutch) in each language, ``%(name)s`` filled in; a value that is itself a
    :data:`Text` is taken in the same language."""
    result = {}
    for lang in LANGUAGES:
        filled = {key: in_language(value, lang) if isinstance(value, Mapping) else value
                  for key, value in values.items()}
        translated = translate(text, lang)
        result[lang] = translated % filled if filled else translated
    return result


def each(text: Text, change: Callable[[str], str]) -> Text:
    """``change`` applied to ``text`` in each of its languages."""
    if isinstance(text, str):
        return change(text)
    return {lang: change(value) for lang, value in text.items()}


def capitalized(text: Text) -> Text:
    """The text with its first letter in capitals, in each language (a sentence's start)."""
    return each(text, lambda value: value[:1].upper() + value[1:])


def lowered(text: Text) -> Text:
    """The text with its first letter in lower case (a message after ``field:``)."""
    return each(text, lambda value: value[:1].lower() + value[1:])
