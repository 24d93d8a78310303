"""Security headers on every response.

A few lines of our own rather than flask-talisman: talisman would also take over the session
cookie's Secure flag and redirect plain HTTP to HTTPS, which belong to the production mode's
start-up checks and to the TLS proxy, and it does not set Cache-Control.

- The Content-Security-Policy allows scripts and styles from this site only. The one inline
  script left, GOV.UK Frontend's "js-enabled" line at the top of the body, carries a nonce
  made for each response (``csp_nonce`` in templates; the GOV.UK template reads ``cspNonce``).
- Strict-Transport-Security is sent in production (``TENDERFLOW_ENV=production``) and on any
  request that arrived over HTTPS (as the proxy reports it, with ``TENDERFLOW_PROXY_HOPS``).
  Browsers ignore it over plain HTTP, so sending it in production costs nothing.
- ``Cache-Control: no-store`` goes on every response except the static files: pages and
  downloads show prices, scores and bids, and must not be kept by browsers or proxies.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, request

HSTS = "max-age=31536000; includeSubDomains"
REFERRER_POLICY = "strict-origin-when-cross-origin"
# Endpoints serving the built stylesheet, scripts, fonts and images: these may be cached.
CACHEABLE_ENDPOINTS = frozenset({"static", "assets"})
NONCE_KEY = "tenderflow.csp_nonce"


def content_security_policy(nonce: str) -> str:
    """Return the policy for a response whose inline script carries ``nonce``."""
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def csp_nonce() -> str:
    """Return this request's script nonce, making it on first use."""
    # Kept with the request (not on ``g``, which an app context can share between requests).
    environ = request.environ
    if NONCE_KEY not in environ:
        environ[NONCE_KEY] = secrets.token_urlsafe(18)
    return str(environ[NONCE_KEY])


def set_headers(response: Response) -> Response:
    """Add the security headers to a response."""
    from flask import current_app

    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = REFERRER_POLICY
    if current_app.config.get("PRODUCTION") or request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response


def init_app(app: Flask) -> None:
    """Send the headers on every response and give templates the nonce."""
    app.after_request(set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
