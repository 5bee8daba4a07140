"""Central error handling: pages in the site's look, JSON under /api/ and for Stripe."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from clinicsite.extensions import db

PAGES = {400, 403, 404, 405, 413, 429, 500, 503}

# The database is unreachable or overloaded (no connection, a dropped one, the pool
# exhausted): a bad minute, not a bug. Clients and Stripe should simply try again.
DATABASE_UNAVAILABLE = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)
RETRY_AFTER_SECONDS = 30


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/stripe/webhook"


def render_error(code: int, description: str):
    if wants_json():
        return jsonify(error=description, status=code), code
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    return render_template(template, code=code, description=description), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            "This form has expired or was not sent from this site. "
            "Please go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code, error.description or error.name)
        if error.code == 405 and error.valid_methods:
            body, code = response
            return body, code, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(sa_exc.DBAPIError)
    def database_error(error: sa_exc.DBAPIError):
        if not (isinstance(error, DATABASE_UNAVAILABLE) or error.connection_invalidated):
            return unexpected_error(error)
        return database_unavailable(error)

    @app.errorhandler(sa_exc.TimeoutError)
    @app.errorhandler(sa_exc.DisconnectionError)
    def database_unavailable(error: Exception):
        db.session.rollback()
        app.logger.error("Database unavailable on %s %s: %s", request.method, request.path, error)
        body, code = render_error(
            503,
            "Our booking system is briefly unavailable. Please try again in a minute; "
            "if it keeps happening, call us.",
        )
        return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Leave the session usable for whatever renders the page.
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500, InternalServerError.description)
