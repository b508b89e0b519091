"""A scripted user agent for the provider's plain-HTML sign-in pages (no JavaScript needed).

It keeps cookies like a browser, follows the provider's own redirects, fills in the test login
and the capacity chooser, and stops at the redirect back to a relying party.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif tag == "input" and self.forms and a.get("name"):
            form = self.forms[-1]
            if a.get("type") == "radio":
                form.radios.setdefault(a["name"], []).append(a.get("value", ""))
            elif a.get("type") not in ("submit", "button"):
                form.fields[a["name"]] = a.get("value", "")


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


class Agent:
    """One browser profile (one cookie jar) talking to the provider."""

    def __init__(self, provider_url: str) -> None:
        self.base = provider_url
        self.http = requests.Session()

    def get(self, url: str, **kw: Any) -> requests.Response:
        return self.http.get(urljoin(self.base, url), allow_redirects=False, timeout=15, **kw)

    def post(self, url: str, **kw: Any) -> requests.Response:
        return self.http.post(urljoin(self.base, url), allow_redirects=False, timeout=15, **kw)

    def follow(self, response: requests.Response, limit: int = 10) -> requests.Response:
        """Follow redirects while they stay at the provider; stop at a page or an RP redirect."""
        for _ in range(limit):
            if response.status_code not in (301, 302, 303, 307, 308):
                return response
            target = urljoin(response.url, response.headers["Location"])
            if not target.startswith(self.base):
                return response
            response = self.get(target)
        raise AssertionError("too many redirects")

    def authorize(self, **params: Any) -> requests.Response:
        return self.follow(self.get("/oidc/authorize", params=params))

    @staticmethod
    def is_login_page(response: requests.Response) -> bool:
        return response.status_code in (200, 400) and 'name="insz"' in response.text

    @staticmethod
    def is_chooser(response: requests.Response) -> bool:
        return response.status_code in (200, 400) and 'name="capacity"' in response.text

    def submit_login(self, page: requests.Response, insz: str) -> requests.Response:
        form = forms(page.text)[0]
        data = {**form.fields, "insz": insz}
        return self.follow(self.post(urljoin(page.url, form.action), data=data))

    def choose(self, page: requests.Response, value: str) -> requests.Response:
        form = next(f for f in forms(page.text) if "capacity" in f.radios)
        assert value in form.radios["capacity"], f"{value} not offered: {form.radios}"
        data = {**form.fields, "capacity": value}
        return self.follow(self.post(urljoin(page.url, form.action), data=data))

    def sign_in(self, insz: str, capacity: str | None = None,
                **params: Any) -> dict[str, str]:
        """Run an authorization request through login and chooser; the RP's callback params."""
        response = self.authorize(**params)
        if self.is_login_page(response):
            response = self.submit_login(response, insz)
        if self.is_chooser(response):
            assert capacity, "the chooser was shown but no capacity was given"
            response = self.choose(response, capacity)
        return callback_params(response)


def callback_params(response: requests.Response) -> dict[str, str]:
    assert response.status_code in (302, 303), (
        f"expected a redirect to the client, got {response.status_code}: {response.text[:500]}"
    )
    query = parse_qs(urlsplit(response.headers["Location"]).query, keep_blank_values=True)
    return {k: v[0] for k, v in query.items()}
