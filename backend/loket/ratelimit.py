"""Rate limits on sign-in, token and public search endpoints, per client IP and per client.

Counters are fixed windows in the shared state (Redis when configured, so every instance counts
together). Over the limit: 429 with ``Retry-After``. When Redis does not answer, requests are
let through (and it is logged): an outage of the counter store must not lock everyone out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, request

from loket import inputs
from loket.errors import LoketError

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

# name → (requests, seconds); LOKET_RATE_LIMITS overrides, e.g. "signin=20/60,token_ip=3000/60"
DEFAULT_LIMITS = {
    "signin": (30, 60),        # sign-in attempts per IP
    "token_ip": (3000, 60),    # token requests per IP
    "token_client": (6000, 60),  # token requests per client
    "search": (600, 60),       # public searches per IP
    "authorize": (600, 60),    # authorization requests per IP
    "publish": (120, 3600),    # messages a sender publishes per hour
}


class RateLimited(LoketError):
    status = 429
    code = "rate_limited"


@dataclass(frozen=True)
class Limit:
    name: str
    requests: int
    seconds: int


def parse_limits(text: str) -> dict[str, Limit]:
    """``"signin=20/60,search=100/10"`` on top of the defaults; raises ValueError with the reason."""
    limits = {name: Limit(name, n, s) for name, (n, s) in DEFAULT_LIMITS.items()}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, spec = part.partition("=")
        count, _, seconds = spec.partition("/")
        if name not in DEFAULT_LIMITS:
            raise ValueError(f"unknown rate limit {name!r}; known: {', '.join(DEFAULT_LIMITS)}")
        requests = inputs.whole_number_or_none(count, low=1)
        per = inputs.whole_number_or_none(seconds, low=1)
        if requests is None or per is None:
            raise ValueError(f"rate limit {part!r}: write it as name=requests/seconds")
        limits[name] = Limit(name, requests, per)
    return limits


def check(name: str, subject: str) -> None:
    """Count a request of ``subject`` (an IP, a client id) against limit ``name``."""
    limit: Limit = current_app.extensions["loket.limits"][name]
    try:
        count, retry = current_app.extensions["loket.shared"].hit(
            f"{name}:{subject}", limit.seconds)
    except Exception as exc:  # noqa: BLE001 - the counter store is down: let the request in
        log.warning("rate limit store unavailable (%s); not limiting", exc)
        return
    if count > limit.requests:
        raise RateLimited(detail=f"Te veel verzoeken; probeer het over {retry} seconden opnieuw.",
                          headers={"Retry-After": str(retry)})


def limited(name: str) -> Callable[[F], F]:
    """Decorator: limit the view per client IP under ``name``."""

    def wrap(view: F) -> F:
        @wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Any:
            check(name, request.remote_addr or "-")
            return view(*args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap
