"""The provider's pages in Dutch, French, German and English.

Texts are written in Dutch in the templates (``{% trans %}``, ``_()``) and in Python
(:func:`gettext`, :func:`lazy_gettext`); the Dutch text is the message id. The translations
are gettext catalogs, ``loket/translations/<lang>/*.po`` (one file per area of the product,
see ``scripts/translations.py``), read with Babel when the process starts: there is nothing to
compile, and a fresh clone serves every language.

The language of a page, in this order: a ``?lang=`` a person chose with the language switch
(kept in the ``loket_lang`` cookie for a year), that cookie (an earlier choice), what the site
asked for with OpenID's ``ui_locales`` during a sign-in (:func:`prefer`; it is kept with the
pending sign-in request, so every step of that sign-in has it), the browser's
``Accept-Language``, Dutch.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any
from urllib.parse import urlencode

from babel.support import LazyProxy
from flask import Flask, Response, g, has_request_context, request

from loket.errors import DEFAULT_LANGUAGE, LANGUAGES
from loket.translated import Catalog, catalog, translate

__all__ = ["Catalog", "catalog", "current", "first_known", "gettext", "known", "lazy_gettext",
           "ngettext", "prefer", "prefer_ui_locales", "speak", "switch_links"]

COOKIE = "loket_lang"
COOKIE_AGE = 365 * 24 * 3600
NAMES = {"nl": "Nederlands", "fr": "Français", "de": "Deutsch", "en": "English"}


def known(value: str | None) -> str | None:
    """``value`` when it is one of our languages (``fr``, ``fr-BE``, ``FR``), else None."""
    if not value:
        return None
    base = value.strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else None


def first_known(values: Iterable[str]) -> str | None:
    """The first of ``values`` (OpenID's ``ui_locales``, in order of preference) we speak."""
    for value in values:
        lang = known(value)
        if lang:
            return lang
    return None


def prefer(lang: str | None) -> None:
    """This request's pages in ``lang`` (a site's ``ui_locales``), unless the person chose
    (the switch now, or its cookie from before)."""
    if lang and not known(request.args.get("lang")) and not known(request.cookies.get(COOKIE)):
        g.loket_lang = lang


def prefer_ui_locales(ui_locales: object) -> None:
    """:func:`prefer` the first language of OpenID's ``ui_locales`` (``"fr-BE fr"``) we speak."""
    if isinstance(ui_locales, str):
        prefer(first_known(ui_locales.split()[:20]))


def speak(lang: str) -> None:
    """This response is in ``lang``, decided by a rule of its own (the no-JavaScript widgets
    follow the site's ``lang`` parameter): said so in ``Content-Language``, and its ``?lang=``
    is the embedding site's, not a choice to remember for the person."""
    g.loket_lang = lang
    g.loket_lang_fixed = True


def current() -> str:
    """The language of this request's page (see the module's rule); Dutch outside a request."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = getattr(g, "loket_lang", None)
    if chosen:
        return chosen  # type: ignore[no-any-return]
    lang = (known(request.args.get("lang")) or known(request.cookies.get(COOKIE))
            or request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE)
    g.loket_lang = lang
    return lang


def _translated(text: str) -> str:
    return translate(text, current())


def _translated_plural(singular: str, plural: str, n: int) -> str:
    lang = current()
    forms = catalog(lang).get((singular, plural))
    if isinstance(forms, tuple):
        index = 0 if _plural_rule(lang)(n) == "one" else 1
        return forms[min(index, len(forms) - 1)]
    return singular if n == 1 else plural


@cache
def _plural_rule(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(lang).plural_form


def gettext(text: str, **values: Any) -> str:
    """``text`` (Dutch) in this request's language, with ``%(name)s`` placeholders filled in."""
    result = _translated(text)
    return result % values if values else result


def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    """The singular or plural text for ``n``, translated; ``%(num)s`` is ``n``."""
    return _translated_plural(singular, plural, n) % {"num": n, **values}


def lazy_gettext(text: str, **values: Any) -> LazyProxy:
    """:func:`gettext` when the text is used, for texts defined before any request (forms)."""
    return LazyProxy(gettext, text, enable_cache=False, **values)


_ = gettext


def switch_links() -> list[dict[str, Any]]:
    """The language switch: this page in each language (the query kept, ``lang`` replaced)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    links = []
    for lang in LANGUAGES:
        query = urlencode([*args, ("lang", lang)])
        links.append({"lang": lang, "name": NAMES[lang], "href": f"{request.path}?{query}",
                      "current": lang == current()})
    return links


def _remember_choice(response: Response) -> Response:
    """A language chosen with the switch stays for the next pages; pages say theirs."""
    chosen = known(request.args.get("lang"))
    if chosen and chosen != request.cookies.get(COOKIE) and not g.get("loket_lang_fixed"):
        from flask import current_app

        response.set_cookie(COOKIE, chosen, max_age=COOKIE_AGE, path="/", httponly=True,
                            secure=current_app.config.get("SECURE_COOKIES", False),
                            samesite="Lax")
    if response.mimetype == "text/html":
        response.headers["Content-Language"] = current()
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # Jinja's new-style gettext fills the placeholders itself (autoescaped values).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        _translated, _translated_plural, newstyle=True)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.after_request(_remember_choice)

    @app.template_filter("brussels")
    def _brussels(value: str | None) -> str:
        """A UTC time as Belgian time, written as the page's language writes it."""
        from loket.timefmt import brussels

        return brussels(value, current())

    @app.context_processor
    def _language() -> dict[str, Any]:
        return {"lang": current(), "language_links": switch_links}
