"""CSRF protection for every form and the security headers of every response."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# Pages of the provider itself: nothing inline, nothing from elsewhere, never framed.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

# Views that machines call with their own credentials, or that take no action for a session
# (flask-wtf names them by module and function).
CSRF_EXEMPT_VIEWS = {
    "loket.sso.views.token",
    "loket.sso.views.userinfo",
    "loket.sso.views.authorize",
}


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    for view in CSRF_EXEMPT_VIEWS:
        csrf.exempt(view)
    # The JSON API authenticates every call with a bearer token, never with a cookie, so a
    # cross-site request cannot act for anyone: no CSRF token needed there.
    from loket.api import bp as api_bp

    csrf.exempt(api_bp)

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        if response.mimetype == "text/html":
            headers.setdefault("Content-Security-Policy", PAGE_CSP)
            headers.setdefault("X-Frame-Options", "DENY")
        if app.config["SECURE_COOKIES"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.path.startswith(("/oidc/", "/aanmelden", "/hoedanigheid")):
            headers.setdefault("Cache-Control", "no-store")
        return response
