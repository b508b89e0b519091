"""A small fake upstream OpenID provider for the federation tests: it signs people in at once
(no page) and hands out ID tokens that are right, or wrong in exactly one way (``mode``).

Signing uses Authlib's JOSE (a library independent of the code under test).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from authlib.jose import JsonWebKey, jwt
from flask import Flask, jsonify, redirect, request
from werkzeug.serving import make_server

from support.servers import free_port

MODES = ("good", "wrong_iss", "wrong_aud", "wrong_nonce", "bad_signature", "alg_none",
         "expired", "missing_rrn", "error")


@dataclass
class FakeIdP:
    url: str
    client_id: str = "loket"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    mode: str = "good"
    insz: str = "85073003328"
    acr: str | None = "urn:be:vlaanderen:acm:substantieel"
    auth_time: int | None = None
    seen: list[dict[str, Any]] = field(default_factory=list)
    ended: list[dict[str, Any]] = field(default_factory=list)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.key = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "k1"})
        self.other_key = JsonWebKey.generate_key("RSA", 2048, is_private=True,
                                                 options={"kid": "k1"})

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url, "aud": self.client_id, "sub": "upstream-sub-1", "iat": now,
            "exp": now + 300, "nonce": nonce, "auth_time": self.auth_time or now - 30,
            "given_name": "Jan", "family_name": "Peeters", "rrn": self.insz, "amr": ["eid"],
            "sid": "upstream-session-1",
        }
        if self.acr:
            claims["acr"] = self.acr
        header: dict[str, Any] = {"alg": "RS256", "kid": "k1"}
        key = self.key
        if self.mode == "wrong_iss":
            claims["iss"] = "https://evil.example"
        elif self.mode == "wrong_aud":
            claims["aud"] = "someone-else"
        elif self.mode == "wrong_nonce":
            claims["nonce"] = "not-the-one"
        elif self.mode == "bad_signature":
            key = self.other_key
        elif self.mode == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif self.mode == "missing_rrn":
            del claims["rrn"]
        if self.mode == "alg_none":
            import base64
            import json

            def b64(d: dict[str, Any]) -> str:
                return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

            return f"{b64({'alg': 'none', 'kid': 'k1'})}.{b64(claims)}."
        return jwt.encode(header, claims, key).decode()

    def app(self) -> Flask:
        app = Flask("fake_idp")

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Any:
            return jsonify({
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/jwks",
                "end_session_endpoint": f"{self.url}/logout",
                "id_token_signing_alg_values_supported": ["RS256"],
            })

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify({"keys": [self.key.as_dict(is_private=False)]})

        @app.get("/authorize")
        def authorize() -> Any:
            self.seen.append(dict(request.args))
            target = request.args["redirect_uri"]
            if self.mode == "error":
                return redirect(f"{target}?" + urlencode({
                    "error": "access_denied", "error_description": "<b>geweigerd</b>",
                    "state": request.args["state"]}))
            code = secrets.token_urlsafe(12)
            self.codes[code] = {"nonce": request.args.get("nonce", "")}
            return redirect(f"{target}?" + urlencode({"code": code,
                                                      "state": request.args["state"]}))

        @app.post("/token")
        def token() -> Any:
            auth = request.authorization
            if not auth or (auth.username, auth.password) != (self.client_id, self.client_secret):
                return jsonify({"error": "invalid_client"}), 401
            grant = self.codes.pop(request.form.get("code", ""), None)
            if grant is None:
                return jsonify({"error": "invalid_grant"}), 400
            return jsonify({"access_token": "at-" + secrets.token_urlsafe(8),
                            "token_type": "Bearer", "expires_in": 300,
                            "id_token": self.id_token(grant["nonce"])})

        @app.get("/logout")
        def logout() -> Any:
            self.ended.append(dict(request.args))
            return redirect(f"{request.args['post_logout_redirect_uri']}?"
                            + urlencode({"state": request.args.get("state", "")}))

        return app


@contextmanager
def running_fake_idp(host: str = "127.0.0.5") -> Iterator[FakeIdP]:
    port = free_port(host)
    idp = FakeIdP(url=f"http://{host}:{port}")
    server = make_server(host, port, idp.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield idp
    finally:
        server.shutdown()
        server.server_close()
