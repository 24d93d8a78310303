"""Behind a proxy: trust its forwarded headers, and log every request in the combined format."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

ACCESS_LOGGER = "tenderflow.access"


def combined_line(response: Response) -> str:
    """Return the request as a line of the combined log format, as Apache and nginx write it."""
    size = response.content_length
    path = request.full_path if request.query_string else request.path
    when = datetime.now(UTC).strftime("%d/%b/%Y:%H:%M:%S %z")
    referrer = request.referrer or "-"
    agent = request.user_agent.string or "-"
    return (
        f"{request.remote_addr or '-'} - - [{when}] "
        f'"{request.method} {path} {request.environ.get("SERVER_PROTOCOL", "HTTP/1.1")}" '
        f"{response.status_code} {size if size is not None else '-'} "
        f'"{_quoted(referrer)}" "{_quoted(agent)}"'
    )


def _quoted(text: str) -> str:
    # A quote or line break in a header must not end the field or forge another log line.
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _log(response: Response) -> Response:
    logging.getLogger(ACCESS_LOGGER).info(combined_line(response))
    return response


def init_app(app: Flask) -> None:
    """Trust ``PROXY_HOPS`` proxies' X-Forwarded-For, -Proto, -Host and -Prefix; log requests."""
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )
    app.after_request(_log)
