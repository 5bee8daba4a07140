"""Headers every response carries."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request

from clinicsite.extensions import csrf

# No inline scripts or styles, nothing from other origins. JSON-LD blocks are data, not
# scripts, so the policy does not affect them. The one exception is where a form may lead:
# Chromium applies form-action to the redirects that follow a form's POST, and booking
# answers its POST with a 303 to the payment provider's hosted checkout.


def content_security_policy(checkout_origins: list[str], frame_ancestors: list[str] = ()) -> str:
    """The policy, with `checkout_origins` (exact origins) allowed as form destinations and
    `frame_ancestors` as the sites that may frame the page (none: no site may)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            " ".join(["form-action 'self'", *checkout_origins]),
            "frame-ancestors " + (" ".join(frame_ancestors) or "'none'"),
        ]
    )


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# The booking widget (booking/embed.py): the pages other sites may frame, when the clinic
# names those sites (EMBED_ORIGINS) and the page is asked for as the widget (embed=1).
EMBEDDABLE = ("booking.embed_start", "booking.start")


def framed_widget() -> bool:
    """Whether this request is for the booking widget, on a site that allows one."""
    if not current_app.config["EMBED_ORIGINS"] or request.endpoint not in EMBEDDABLE:
        return False
    return request.endpoint == "booking.embed_start" or request.args.get("embed") == "1"


def with_inline_styles(response: Response) -> Response:
    """The site's policy, plus inline style attributes, on this one response: a staff page
    that shows an HTML email as the recipient will see it (emails carry their styles
    inline, mail programs load no style sheet). Scripts stay as strict as everywhere."""
    config = current_app.config
    stripe = config["PAYMENT_GATEWAY"] == "stripe"
    policy = content_security_policy([config["STRIPE_CHECKOUT_ORIGIN"]] if stripe else [])
    response.headers["Content-Security-Policy"] = policy.replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    )
    return response


def register(app: Flask) -> None:
    hsts_seconds = app.config["HSTS_SECONDS"]
    stripe = app.config["PAYMENT_GATEWAY"] == "stripe"
    checkout = [app.config["STRIPE_CHECKOUT_ORIGIN"]] if stripe else []
    policy = content_security_policy(checkout)
    widget_policy = content_security_policy(checkout, app.config["EMBED_ORIGINS"])

    def check_request_input():
        """Per-view upload limits, then what no form of ours sends: parts without a name,
        files where a text field is expected, and NUL bytes anywhere a query could receive
        them (PostgreSQL refuses them in text). Each would otherwise surface as a 500."""
        view = app.view_functions.get(request.endpoint or "")
        limit = getattr(view, "upload_limit", None)
        if limit:
            request.max_content_length = limit
        texts = [request.path]
        texts += [t for pair in request.args.items(multi=True) for t in pair]
        if request.mimetype in FORM_TYPES:
            if None in request.form or None in request.files:
                abort(400, "Every part of the form needs a name.")
            texts += [t for pair in request.form.items(multi=True) for t in pair]
            file_fields = getattr(view, "upload_fields", ())
            if any(name not in file_fields for name in request.files):
                abort(400, "A file was sent where the form expects text.")
        if any("\x00" in text for text in texts):
            abort(400, "The request contains a character that cannot be stored (NUL).")

    # First of all hooks: CSRFProtect's own hook reads the form, under whatever limit is
    # set by then.
    app.before_request_funcs.setdefault(None, []).insert(0, check_request_input)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        if framed_widget():  # also a page from the cache, whose stored headers say 'none'
            headers["Content-Security-Policy"] = widget_policy
            headers.pop("X-Frame-Options", None)
        else:
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if hsts_seconds:
            headers.setdefault(
                "Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains"
            )
        return response


def safe_next(target: str | None) -> str | None:
    """A redirect target taken from the request (`next`, `back`): accepted only as a path on
    this site (no scheme, host or protocol-relative URL), and none with control characters:
    a newline cannot go into a Location header."""
    if not target or "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def from_another_site() -> bool:
    """Whether the browser says this request comes from another site's page.

    Browsers send `Sec-Fetch-Site` with every request, and `Origin` with every POST: a
    page elsewhere cannot make them lie. `same-origin` (or `none`: typed, bookmarked) is
    ours; else the Origin must be this host's or SITE_URL's. A request with neither header
    was made by no browser page (a script, a mail program), so it carries no visitor's
    authority to borrow, which is what cross-site request forgery borrows."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin not in (origin_of(request.host_url), origin_of(current_app.config["SITE_URL"]))


def session_free_form(view):
    """For the forms on cached public pages (newsletter sign-up, contact, comments): a CSRF
    token would need a session cookie on every page, which no shared cache can keep. A POST
    that a browser says came from another site is refused instead."""

    @wraps(view)
    def checked(*args, **kwargs):
        if request.method == "POST" and from_another_site():
            abort(403, "This form can only be sent from this site's own pages.")
        return view(*args, **kwargs)

    return csrf.exempt(checked)
