"""Who may address whom: what a back office or publisher client says on behalf of an
organisation comes from its registration, not from what it sends.

A client is registered (``loket client add``) with the organisation it speaks for — its name,
and optionally a code (``--organisation-code``: an OVO code, a KBO number or a municipality's NIS
code) — and the origins it may link to (``--origin``). Then:

- a dossier's handler is of that organisation (``handler.organisation``, and the dossier's
  organisation people see, come from the registration), and a product's competent authority is
  that organisation: a name that differs is refused, a missing one is filled in;
- every link it sends (a dossier's link, its handler's website, a product's websites) lies on
  one of its registered origins, so nobody can send a person to a page of their choosing under
  a government's name.

No Flask here; see docs/operations.md ("Who may address whom").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from loket.errors import LoketError


class NotOnOrigins(LoketError):
    status = 400
    code = "invalid_field"


def origin_of(url: str) -> str:
    """``https://www.groenbeek.be/a?b`` → ``https://www.groenbeek.be`` (lower case; a default
    port dropped), the form origins are registered in."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    netloc = host if port in (None, default) else f"{host}:{port}"
    return f"{parts.scheme.lower()}://{netloc}"


def same_name(a: str, b: str) -> bool:
    """Names compared as people read them: case and surrounding or doubled spaces aside."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@dataclass(frozen=True)
class Binding:
    """The organisation a client speaks for, and where it may link to."""

    client_id: str
    organisation: str
    code: str | None = None
    origins: tuple[str, ...] = ()

    @classmethod
    def of(cls, client: object) -> Binding:
        settings = getattr(client, "settings", None) or {}
        return cls(client_id=str(getattr(client, "id", "")),
                   organisation=str(settings.get("organisation") or getattr(client, "name", "")),
                   code=settings.get("organisation_code") or None,
                   origins=tuple(origin_of(o) for o in getattr(client, "origins", None) or ()))

    def link_problem(self, url: str) -> str | None:
        """Why ``url`` may not be sent by this client (None when it may)."""
        if origin_of(url) in self.origins:
            return None
        if not self.origins:
            return (f"links need a registered origin, and client {self.client_id!r} has none: "
                    f"register the site it links to with `loket client add --origin`.")
        return (f"must lie on an origin registered for this client "
                f"({', '.join(self.origins)}), not {origin_of(url)}.")

    def name_problem(self, given: str) -> str | None:
        if same_name(given, self.organisation):
            return None
        return (f"is the organisation this client is registered for, {self.organisation!r}; "
                f"{given[:80]!r} is not it.")

    def links_problems(self, links: Iterable[tuple[str, str | None]]) -> tuple[str, str] | None:
        """The first ``(field, problem)`` among ``(field, url)`` pairs, or None."""
        for field, url in links:
            if url:
                problem = self.link_problem(url)
                if problem:
                    return field, problem
        return None
