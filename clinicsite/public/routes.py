"""The marketing site: services, areas, therapists, contact and the search-engine files."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from wtforms import SelectChoice

from clinicsite import clock, notifications, seo
from clinicsite.blog import posts as blog_posts
from clinicsite.catalogue import active_services
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db, limiter
from clinicsite.models import Inquiry, Service
from clinicsite.public import bp, queries
from clinicsite.public import sitemap as sitemaps
from clinicsite.public.forms import ContactForm
from clinicsite.scheduling import closures
from clinicsite.security import session_free_form
from clinicsite.templating import absolute_url, money


@bp.get("/")
def index():
    regions = queries.regions_with_areas()
    return render_template(
        "public/index.html",
        services=queries.featured_services(),
        regions=regions,
        therapists=queries.active_therapists(),
        locations=queries.active_locations(),
        posts=blog_posts.latest_posts(clock.now(), limit=3),
        business_ld=seo.business(get_clinic()),
    )


@bp.get("/services/")
def services():
    return render_template(
        "public/services.html",
        services=queries.active_services(),
    )


@bp.get("/services/<slug>")
def service(slug: str):
    svc = queries.service_or_404(slug)
    areas = queries.areas_offering(svc)
    url = absolute_url("public.service", slug=svc.slug)
    return render_template(
        "public/service.html",
        service=svc,
        areas=areas,
        therapists=queries.therapists_performing([svc.id]),
        service_ld=seo.service(get_clinic(), svc, areas, url),
    )


@bp.get("/areas/")
def areas():
    regions = queries.regions_with_areas()
    return render_template(
        "public/areas.html",
        regions=regions,
    )


@bp.get("/areas/<area_slug>")
def area(area_slug: str):
    area = queries.area_or_404(area_slug)
    services = [s for s in area.services if s.active]
    return render_template(
        "public/area.html",
        area=area,
        services=services,
        therapists=queries.therapists_performing([s.id for s in services]),
        studio=queries.nearest_studio(area, queries.active_locations()),
        business_ld=seo.business(get_clinic()),
    )


@bp.get("/areas/<area_slug>/<service_slug>")
def area_service(area_slug: str, service_slug: str):
    offering = queries.area_service_or_404(area_slug, service_slug)
    area, svc = offering.area, offering.service
    studio = queries.nearest_studio(area, queries.active_locations())
    therapists = queries.therapists_performing([svc.id])
    url = absolute_url("public.area_service", area_slug=area.slug, service_slug=svc.slug)
    title = f"{svc.name} in {area.name}"
    description = area_service_description(svc, area.name, studio, len(therapists))
    return render_template(
        "public/area_service.html",
        offering=offering,
        area=area,
        service=svc,
        studio=studio,
        book_at=(
            studio.location
            if studio and queries.studio_offers(studio.location, svc, therapists)
            else None
        ),
        therapists=therapists,
        other_services=[s for s in area.services if s.active and s.id != svc.id],
        page_title=title,
        page_description=description,
        service_ld=seo.service(get_clinic(), svc, [area], url, name=title, description=description),
    )


def area_service_description(svc: Service, area_name: str, studio, therapist_count: int) -> str:
    parts = [f"{svc.name} for clients in {area_name}"]
    if svc.lowest_price == 0:
        parts.append("free of charge")
    elif svc.lowest_price is not None:
        parts.append(f"from {money(svc.lowest_price)}")
    if studio is not None:
        where = f"at our {studio.location.city} studio"
        if studio.miles is not None:
            where += f", about {studio.miles:g} mile{'' if studio.miles == 1 else 's'} away"
        parts.append(where)
    sentence = ", ".join(parts) + "."
    if therapist_count:
        plural = "s" if therapist_count != 1 else ""
        sentence += f" {therapist_count} therapist{plural} to choose from; book online."
    return sentence


@bp.get("/therapists/")
def therapists():
    return render_template(
        "public/therapists.html",
        therapists=queries.active_therapists(),
    )


@bp.get("/therapists/<slug>")
def therapist(slug: str):
    person = queries.therapist_or_404(slug)
    return render_template(
        "public/therapist.html",
        therapist=person,
        hours_by_location=hours_by_location(person),
    )


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def hours_by_location(person) -> list[tuple]:
    """[(location, [(weekday name, ["9:00–13:00", ...]), ...]), ...] for the profile page."""
    grouped: dict = {}
    for h in person.hours:
        if not h.location.active:
            continue
        days = grouped.setdefault(h.location, {})
        days.setdefault(h.weekday, []).append(f"{h.starts_at:%-H:%M}–{h.ends_at:%-H:%M}")
    return [
        (loc, [(WEEKDAYS[d], ranges) for d, ranges in sorted(days.items())])
        for loc, days in grouped.items()
    ]


@bp.route("/contact", methods=["GET", "POST"])
@limiter.limit("5 per minute;30 per hour", methods=["POST"])
@session_free_form
def contact():
    services = active_services()
    form = ContactForm()
    form.service.choices = [SelectChoice("", "Something else")] + [
        SelectChoice(s.slug, s.name) for s in services
    ]
    if request.method == "GET" and request.args.get("service") in {s.slug for s in services}:
        form.service.data = request.args["service"]
    if form.validate_on_submit():
        if not form.website.data:  # a filled honeypot is a bot: pretend, store nothing
            chosen = next((s for s in services if s.slug == form.service.data), None)
            inquiry = Inquiry(
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data or "",
                service=chosen,
                message=form.message.data,
            )
            db.session.add(inquiry)
            notifications.notify_staff_of(inquiry)
            db.session.commit()
        flash("Thank you, your message has reached us. We reply within one working day.", "success")
        return redirect(url_for("public.contact"))
    status = 422 if form.errors else 200
    return render_template(
        "public/contact.html",
        form=form,
        locations=queries.active_locations(),
        closures=closures.upcoming(clock.now()),
        business_ld=seo.business(get_clinic()),
    ), status


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page; past MAX_URLS of them, the index of the numbered parts."""
    parts = sitemaps.split(sitemaps.sitemap_entries())
    if len(parts) == 1:
        return xml_response("public/sitemap.xml", entries=parts[0])
    entries = sitemaps.index_entries(
        parts, lambda number: absolute_url("public.sitemap_part", number=number)
    )
    return xml_response("public/sitemap_index.xml", entries=entries)


@bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int):
    parts = sitemaps.split(sitemaps.sitemap_entries())
    # No parts while one file holds everything; one address per part (not /sitemap-01.xml).
    in_range = len(parts) > 1 and 1 <= number <= len(parts)
    if not in_range or not request.path.endswith(f"/sitemap-{number}.xml"):
        abort(404)
    return xml_response("public/sitemap.xml", entries=parts[number - 1])


def xml_response(template: str, **context) -> Response:
    return Response(render_template(template, **context), mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    body = "\n".join(
        [
            "User-agent: *",
            "Disallow: /staff/",
            "Disallow: /booking/",
            "Disallow: /api/",
            "",
            f"Sitemap: {absolute_url('public.sitemap')}",
            "",
        ]
    )
    return Response(body, mimetype="text/plain")


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    # In UTC: the host's own zone says nothing about the clinic, and differs between hosts.
    return jsonify(status="ok", database="ok", time=clock.now().astimezone(UTC).isoformat())


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)
