"""The booking widget: the first steps of booking (service, length, studio, therapist, day,
time) shown in a frame on the clinic's other website, for clinics that keep their
WordPress site. Allowed only for the sites the clinic names (EMBED_ORIGINS: the CSP's
frame-ancestors, security.py); everywhere else a browser refuses to show it.

The steps are plain links, so they work in a frame as they do anywhere (no cookie, which a
browser would not send to a frame on another site). The chosen time opens the details form
in the whole window (`target="_top"`), where the session, the CSRF token and the payment
provider's checkout (which no site may frame) work as they always do. The booking's origin
is "embed", so the reports count what the widget brings.
"""

from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for

from clinicsite.booking import bp

# What a link into the widget may preselect, passed on to the first step.
PRESELECT = ("service", "option", "location", "therapist")


@bp.get("/embed/book/")
def embed_start():
    if not current_app.config["EMBED_ORIGINS"]:
        abort(404)
    chosen = {name: request.args[name] for name in PRESELECT if request.args.get(name)}
    return redirect(url_for("booking.start", embed="1", **{"from": "embed"}, **chosen), 303)
