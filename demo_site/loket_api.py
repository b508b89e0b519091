"""The municipality's back office talking to Loket, as a supplier's software would: over HTTP,
with its own client credentials (``client_credentials``, scopes ``dossiers:write`` and
``associations:exchange``).

- :meth:`LoketApi.association` reads an association's full record from the register's government
  exchange, with the reason in ``X-Loket-Reason`` (every read is in Loket's audit log);
- :meth:`LoketApi.push` writes a dossier's current state with ``PUT /api/v1/dossiers/{source}/
  {number}``: the number is the request's own, so sending the same request twice (a retry after
  a lost answer) updates one dossier, never makes a second.
"""

from __future__ import annotations

import logging
import threading
from typing import Any
from urllib.parse import quote

import requests
from authlib.integrations.requests_client import OAuth2Session

log = logging.getLogger(__name__)

SCOPES = "dossiers:write associations:exchange"
TIMEOUT = 5  # seconds: a person waits for the prefill and the first push at most this long


class LoketUnavailable(Exception):
    """Loket did not answer, or answered with a server error: try again later."""


class LoketRefused(Exception):
    """Loket answered that this request cannot be accepted as it is (4xx): retrying as it is
    will not help."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


class LoketApi:
    def __init__(self, issuer: str, client_id: str, client_secret: str) -> None:
        self.issuer = issuer.rstrip("/")
        self.source = client_id  # a back office's dossier source is its client id
        self._client_id = client_id
        self._client_secret = client_secret
        self._session: OAuth2Session | None = None
        self._lock = threading.Lock()  # one requests.Session, shared by the site's threads

    def _client(self) -> OAuth2Session:
        if self._session is None:
            try:
                metadata = requests.get(f"{self.issuer}/.well-known/openid-configuration",
                                        timeout=TIMEOUT).json()
            except (OSError, ValueError) as exc:
                raise LoketUnavailable(f"no discovery document: {exc}") from exc
            session = OAuth2Session(self._client_id, self._client_secret, scope=SCOPES,
                                    token_endpoint=metadata["token_endpoint"],
                                    grant_type="client_credentials",
                                    token_endpoint_auth_method="client_secret_basic")  # noqa: S106
            session.fetch_token(metadata["token_endpoint"], grant_type="client_credentials",
                                timeout=TIMEOUT)
            self._session = session
        return self._session

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        with self._lock:
            try:
                # (a new token is fetched by the session itself when the old one has expired)
                answer = self._client().request(method, f"{self.issuer}{path}", timeout=TIMEOUT,
                                                **kwargs)
            except (OSError, ValueError) as exc:  # connection refused, timeout, bad token answer
                self._session = None
                raise LoketUnavailable(str(exc)) from exc
            except Exception as exc:  # authlib's OAuthError: the token endpoint refused
                self._session = None
                raise LoketUnavailable(f"no token: {exc}") from exc
        if answer.status_code == 401:
            self._session = None  # a token Loket no longer accepts (keys rotated): a new one
        if answer.status_code >= 500 or answer.status_code in (401, 429):
            raise LoketUnavailable(f"HTTP {answer.status_code}")
        return answer

    def association(self, vcode: str, reason: str) -> dict[str, Any] | None:
        """The register's full record of ``vcode`` (None when the register does not know it)."""
        answer = self._call("GET", f"/api/v1/exchange/associations/{quote(vcode, safe='')}",
                            headers={"X-Loket-Reason": reason[:300]})
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise LoketRefused(answer.status_code, _body(answer))
        return answer.json()  # type: ignore[no-any-return]

    def push(self, number: str, dossier: dict[str, Any]) -> str:
        """Write the dossier; returns Loket's result (created, updated, unchanged)."""
        answer = self._call("PUT", f"/api/v1/dossiers/{quote(self.source, safe='')}/"
                                   f"{quote(number, safe='')}", json=dossier)
        if answer.status_code in (200, 201):
            return str(answer.json().get("result"))
        if answer.status_code == 409:  # another write of the same dossier came first: again
            raise LoketUnavailable("HTTP 409")
        raise LoketRefused(answer.status_code, _body(answer))


def _body(answer: requests.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        return answer.text[:500]
