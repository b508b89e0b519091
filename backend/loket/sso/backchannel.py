"""Back-channel logout: tell every site the session was used at that it has ended."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import requests

from loket.models import Client

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 3.0


def _send(uri: str, client_id: str, token: str) -> bool:
    try:
        response = requests.post(uri, data={"logout_token": token}, timeout=TIMEOUT_SECONDS,
                                 allow_redirects=False,
                                 headers={"Cache-Control": "no-store"})
    except requests.RequestException as exc:
        log.warning("back-channel logout to %s (%s) failed: %s", client_id, uri, exc)
        return False
    if response.status_code not in (200, 204):
        log.warning("back-channel logout to %s answered %s", client_id, response.status_code)
        return False
    return True


def send_all(notices: list[tuple[Client, str]]) -> list[bool]:
    """POST each logout token in parallel; waits at most a few seconds in all."""
    if not notices:
        return []
    jobs = [(c.backchannel_logout_uri, c.id, tok) for c, tok in notices if c.backchannel_logout_uri]
    with ThreadPoolExecutor(max_workers=min(8, len(jobs)) or 1) as pool:
        return list(pool.map(lambda job: _send(*job), jobs))
