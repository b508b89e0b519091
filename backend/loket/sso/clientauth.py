"""Client authentication at the machine endpoints: HTTP Basic (``client_secret_basic``) or
``client_secret_post``, and public clients with no secret where an endpoint allows them.

No Flask here: the caller passes the ``Authorization`` header and the form parameters.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from urllib.parse import unquote_plus

from sqlalchemy.orm import Session

from loket import clients
from loket.models import Client
from loket.sso.protocol import InvalidClient, OAuthError


def authenticate_client(session: Session, authorization: str, form: Mapping[str, str], *,
                        public_ok: bool = True) -> Client:
    """The client the request's credentials prove, or :class:`InvalidClient` (``basic`` set
    when Basic was tried) or ``invalid_request`` for credentials that contradict each other.

    ``public_ok``: a public client may name itself by ``client_id`` alone.
    """
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "basic":
            raise InvalidClient("Use HTTP Basic or client_secret_post.", basic=True)
        if "client_secret" in form:
            raise OAuthError("invalid_request", "Use one client authentication method.")
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise InvalidClient("The Basic credentials cannot be read.", basic=True) from exc
        raw_id, sep, raw_secret = decoded.partition(":")
        # RFC 6749 2.3.1: id and secret are form-encoded before they are joined.
        client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        if not sep:
            raise InvalidClient("The Basic credentials cannot be read.", basic=True)
        if form.get("client_id") not in (None, client_id):
            raise OAuthError("invalid_request", "client_id differs from the authenticated client.")
        client = clients.get(session, client_id)
        if client is None or client.public or not clients.secret_matches(client, secret):
            raise InvalidClient("Client authentication failed.", basic=True)
        return client
    client = clients.get(session, form.get("client_id"))
    if client is None:
        raise InvalidClient("Client authentication failed.")
    if client.public:
        if "client_secret" in form:
            raise InvalidClient("A public client has no secret.")
        if not public_ok:
            raise InvalidClient("Only a confidential client may call this endpoint.")
        return client
    if not clients.secret_matches(client, form.get("client_secret", "")):
        raise InvalidClient("Client authentication failed.")
    return client
