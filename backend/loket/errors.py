"""Named failures: each carries its error code, HTTP status, headers and text, and says in
:meth:`LoketError.to_dict` what its JSON answer holds. No Flask here: :mod:`loket.http_errors`
turns any of them into a response, in one place.

The language rule, the same for every API and page: ``error`` is a stable code for programs
and never changes; ``detail`` is a sentence for a person, in the caller's language (an API's
``Accept-Language``: nl, fr, de or en; a page's own language) where the message has it, else
Dutch, else English. A message is one text or a mapping of language to text (:data:`Text`); the shared ones
are data, in ``loket/data/messages.json``.
OAuth's ``error_description`` stays English ASCII, as RFC 6749 §5.2 asks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("nl", "fr", "de", "en")
DEFAULT_LANGUAGE = "nl"

Text = str | Mapping[str, str]  # one text, or the same text per language


@cache
def _messages() -> dict[str, dict[str, str]]:
    text = resources.files("loket.data").joinpath("messages.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def message(key: str, **values: str) -> dict[str, str]:
    """A shared message from ``loket/data/messages.json``, in each of its languages, filled in."""
    return {lang: text.format(**values) for lang, text in _messages()[key].items()}


def in_language(text: Text, lang: str = DEFAULT_LANGUAGE) -> str:
    """``text`` in ``lang``; else in Dutch, else in English, else in whatever language it has."""
    if isinstance(text, str):
        return text
    for choice in (lang, DEFAULT_LANGUAGE, "en"):
        if choice in text:
            return text[choice]
    return next(iter(text.values()), "")


class LoketError(Exception):
    """A failure with an error code, a status and a message fit to show."""

    status = 400
    code = "invalid_request"
    #: where the error page leads a person back to: ``{"href": url, "name": site's name}``
    back: dict[str, str] | None = None

    def __init__(self, code: str | None = None, detail: Text = "", status: int | None = None,
                 headers: dict[str, str] | None = None) -> None:
        self.text = detail
        super().__init__(self.detail or code or self.code)
        if code:
            self.code = code
        if status:
            self.status = status
        self.headers = headers or {}

    @property
    def detail(self) -> str:
        """The message in Dutch (or the one language it has)."""
        return in_language(self.text)

    def detail_in(self, lang: str) -> str:
        return in_language(self.text, lang)

    def to_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The JSON answer: ``{"error": code, "detail": text}`` (subclasses add fields)."""
        return {"error": self.code, "detail": self.detail_in(lang)}


class BadRequest(LoketError):
    status = 400


class Unauthorized(LoketError):
    status = 401
    code = "invalid_token"


class Forbidden(LoketError):
    status = 403
    code = "forbidden"


class NotFound(LoketError):
    status = 404
    code = "not_found"


class Conflict(LoketError):
    status = 409
    code = "conflict"


class PreconditionFailed(LoketError):
    status = 412
    code = "precondition_failed"


class PreconditionRequired(LoketError):
    status = 428
    code = "precondition_required"


class ServiceUnavailable(LoketError):
    status = 503
    code = "unavailable"


def database_busy() -> ServiceUnavailable:
    """The answer when a write could not get at the database in time (SQLite's one writer)."""
    return ServiceUnavailable("busy", message("busy"), headers={"Retry-After": "5"})


def write_conflict() -> Conflict:
    """Two writers created the same thing at once; the database kept the first."""
    return Conflict("conflict", message("write_conflict"))


def server_error() -> LoketError:
    return LoketError("server_error", message("server_error"), 500)
