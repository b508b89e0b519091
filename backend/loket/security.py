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
    "loket.sso.endpoints.token",
    "loket.sso.endpoints.userinfo",
    "loket.sso.views.authorize",
    "loket.widgets.profile.profile_token",
    # RP-initiated logout may be a POST from the relying party; the confirmation form there
    # still checks its own CSRF token (LogoutForm.validate_on_submit).
    "loket.sso.endpoints.end_session",
    # the upstream provider's back-channel logout: a server's POST, proven by its signed token
    "loket.sso.signin.upstream_backchannel_logout",
}


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    for view in CSRF_EXEMPT_VIEWS:
        csrf.exempt(view)

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            headers.setdefault("Content-Security-Policy", PAGE_CSP)
            headers.setdefault("X-Frame-Options", "DENY")
        if app.config["SECURE_COOKIES"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith(("/oidc/", "/aanmelden", "/hoedanigheid")):
            headers.setdefault("Cache-Control", "no-store")
        return response
