"""Every page a client or a member of staff can reach, found rather than listed.

`build_site` fills the test clinic with one of everything a page can show (a blog with
comments, an inquiry, subscribers, bookings held, confirmed and cancelled). `walk` then
fetches pages with Flask's test client, following every link of the site's own, and keeps
one page per kind: a kind is the endpoint with the names of its query parameters, so each
step of the booking flow (/book/?service=..., then &option=..., ...) is a kind of its own
while the fortieth area page is not. Staff pages are seeded from `app.url_map`, every GET
rule under /staff/ with its parameters filled from the database, so a new staff page is
walked without touching the test.
"""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from clinicsite.appointments.cancellation import cancel
from clinicsite.appointments.checkout import checkout_url
from clinicsite.appointments.holding import ClientDetails, HoldRequest
from clinicsite.appointments.series import book_series
from clinicsite.audit import SYSTEM
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import (
    AddOn,
    Appointment,
    Client,
    Comment,
    Coupon,
    Equipment,
    ExternalBusy,
    ExternalCalendar,
    GiftCard,
    Inquiry,
    IntakeQuestion,
    Location,
    MembershipPlan,
    NewsletterIssue,
    Package,
    Post,
    Region,
    Room,
    Series,
    Service,
    ServiceArea,
    ServiceOption,
    StaffUser,
    Subscriber,
    Therapist,
    TravelTime,
)
from clinicsite.payments import get_gateway
from clinicsite.scheduling.travel import area_place
from tests.support.blog_factories import make_category, make_comment, make_post, make_tag
from tests.support.booking_helpers import MONDAY_8AM
from tests.support.my_helpers import new_link
from tests.support.staff_helpers import make_appointment

# Endpoints that answer with something other than a page (files, feeds, JSON): never
# walked, wherever a link to them appears.
NOT_PAGES = {
    "static",
    "media",
    "public.favicon",
    "public.robots",
    "public.sitemap",
    "public.healthz",
    "blog.feed",
    "booking.ics",
    "booking.api_availability",
    "feeds.calendar",
    "newsletter.guide",
}

# Staff GET rules the walk does not open as pages, each with the reason. Every other staff
# GET rule must be walked, or the test fails.
STAFF_SKIPPED = {
    "staff.login": "walked logged out, where it is a page (logged in it redirects)",
    "staff.appointments_csv": "a CSV download, not a page",
    "staff.subscribers_csv": "a CSV download, not a page",
    "staff.lead_magnet_file": "the uploaded guide file itself, not a page",
    "staff.takings_csv": "a CSV download, not a page",
    "staff.reports_csv": "a CSV download, not a page",
    "staff.set_password": "walked logged out, from the invitation email's link (build_site)",
}

# Where the values of staff URL parameters come from: every id of the model.
STAFF_PARAMETERS = {
    "appointment_id": Appointment,
    "post_id": Post,
    "comment_id": Comment,
    "area_id": ServiceArea,
    "region_id": Region,
    "service_id": Service,
    "option_id": ServiceOption,
    "location_id": Location,
    "therapist_id": Therapist,
    "client_id": Client,
    "series_id": Series,
    "addon_id": AddOn,
    "coupon_id": Coupon,
    "card_id": GiftCard,
    "package_id": Package,
    "user_id": StaffUser,
    "issue_id": NewsletterIssue,
    "plan_id": MembershipPlan,
    "room_id": Room,
    "equipment_id": Equipment,
    "question_id": IntakeQuestion,
}

NOW = MONDAY_8AM  # Monday 2026-12-07 08:00 in Los Angeles: the walk's stopped clock


@dataclass
class Page:
    url: str  # path and query, as a link gives it
    endpoint: str
    html: str
    status: int = 200
    staff: bool = False


@dataclass
class Walk:
    pages: list[Page] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # seeds that did not answer a page


def build_site(app: Flask) -> dict[str, str]:
    """Add blog, inquiries, subscribers and bookings in each state to the test clinic;
    returns the client-side URLs that only a link in an email leads to."""
    tuesday_10 = NOW + timedelta(days=1, hours=2)  # Tuesday 10:00 in Los Angeles
    confirmed = make_appointment(app, tuesday_10, deposit=True, paid=True, name="Cora Paid")
    held = make_appointment(app, tuesday_10 + timedelta(hours=2), deposit=True, name="Hal Held")
    free = make_appointment(app, tuesday_10 + timedelta(hours=4), name="Fay Free")
    cancelled = make_appointment(
        app, tuesday_10 + timedelta(days=1), deposit=True, paid=True, name="Cal Cancelled"
    )
    with app.test_request_context():
        clinic, gateway = get_clinic(), get_gateway()
        cancel(db.session.get(Appointment, cancelled), clinic, gateway, NOW)
        checkout = checkout_url(
            db.session.get(Appointment, held), gateway, "http://x/ok", "http://x/no"
        )
        service = db.session.scalars(sa.select(Service).order_by(Service.id)).first()
        # Add-ons: the booking flow's extras step, and the staff's add-on page.
        db.session.add(AddOn(service=service, name="Hot stones", extra_minutes=30, price=2500))
        db.session.add(Coupon(code="WALK-10", kind="percent", value=10, services=[service]))
        # Every therapist's own calendar, read once and failing since: the schedule page's
        # panel with its busy times, its error and its warning.
        for therapist in db.session.scalars(sa.select(Therapist)):
            own = ExternalCalendar(
                therapist=therapist,
                url="https://calendar.example.com/private-walk/basic.ics",
                synced_at=NOW,
                checked_at=NOW + timedelta(minutes=15),
                error="The calendar's server answered with an error (HTTP 500).",
                warning="Unknown time zone Customized Time Zone: read in the clinic's time.",
            )
            db.session.add(own)
            db.session.flush()
            db.session.add(
                ExternalBusy(
                    calendar_id=own.id,
                    therapist_id=therapist.id,
                    starts_at=tuesday_10 + timedelta(hours=1),
                    ends_at=tuesday_10 + timedelta(hours=2),
                )
            )
        category, tag = make_category(), make_tag()
        post = make_post(categories=[category], tags=[tag], services=[service])
        make_post(status="draft")
        make_comment(post)
        make_comment(post, status="pending")
        db.session.add(
            Inquiry(name="Ida Asks", email="ida@example.com", message="Do you do home visits?")
        )
        subscribed = Subscriber(
            email="sub@example.com", status="confirmed", token=secrets.token_hex(16)
        )
        pending = Subscriber(email="new@example.com", status="pending", token=secrets.token_hex(16))
        # Their preferences page shows the areas they chose; the staff list shows them too.
        subscribed.post_updates, subscribed.post_updates_since = "weekly", NOW
        subscribed.areas = list(db.session.scalars(sa.select(ServiceArea).limit(2)))
        db.session.add_all([subscribed, pending])
        # A newsletter issue that went out (the first, whose page the walk opens: it shows
        # the email in a frame and the counts) and one still a draft.
        db.session.add_all(
            [
                NewsletterIssue(
                    subject="Notes for the season",
                    body="Hello. [Book a visit](/book/)",
                    status="sent",
                    send_at=NOW - timedelta(days=3),
                    started_at=NOW - timedelta(days=3),
                    sent_at=NOW - timedelta(days=3),
                    posts=[post],
                    service=service,
                ),
                NewsletterIssue(
                    subject="Next time",
                    body="A draft.",
                    status="draft",
                    areas=list(subscribed.areas),  # for chosen areas only
                ),
            ]
        )
        db.session.commit()
        # A standing appointment whose first visit is taken (Cora's): its page offers
        # alternatives, and its second visit's page the series' forms.
        paid = db.session.get(Appointment, confirmed)
        # Health questions: one asked after a Yes, and two consent versions (the booking
        # form's script and consent box, the editor's history); Cora's answers as kept.
        from clinicsite.intake.questions import new_consent_version

        pregnant = db.session.scalar(sa.select(IntakeQuestion).filter_by(key="pregnant"))
        due = IntakeQuestion(
            kind="date", label="Your due date", shown_if=pregnant, shown_if_answer="Yes"
        )
        new_consent_version("The first consent text.")
        consent = new_consent_version("Massage is not a medical treatment.")
        db.session.add(due)
        db.session.flush()
        paid.intake = {
            "answers": [{"question": pregnant.id, "label": pregnant.label, "answer": "No"}],
            "consent": True,
        }
        paid.consent_text_id = consent.id
        standing = HoldRequest(
            paid.option, paid.therapist, paid.location, tuesday_10, ClientDetails("Sol Series", "")
        )
        sol = book_series(standing, 1, 2, SYSTEM, NOW, clinic).booked[0].appointment.token
        # Clients may make a booking a standing appointment (its manage page links there).
        clinic.clients_book_series = True
        db.session.commit()
        # Cora paid part of the balance at the studio with a tip, and a mistake was voided:
        # her page lists both, with the void form, and the day's takings count them.
        from clinicsite.appointments.balance import record_balance, void_payment

        record_balance(paid, 2000, 500, "card_terminal", SYSTEM, NOW)
        void_payment(record_balance(paid, 100, 0, "cash", SYSTEM, NOW), SYSTEM, NOW, "A typo")
        # A gift card, part spent (its staff page and ledger, its printable page), and a
        # gift card order waiting for the test payment page.
        from clinicsite.giftcards import ledger, orders

        card = ledger.issue(10_000, "USD", SYSTEM, NOW, NOW.date(), note="walk")
        ledger.redeem(card, 2_500, SYSTEM, NOW, NOW.date())
        order = orders.start_order(
            orders.OrderRequest(5_000, "Bea Buyer", "bea@example.com"),
            clinic,
            gateway,
            success_url=lambda t: f"http://x/{t}",
            cancel_url="http://x/no",
            now=NOW,
        )
        token = {
            a: db.session.get(Appointment, a).token for a in (confirmed, held, free, cancelled)
        }
        # A package on sale and Rita's, bought: the shop's and the staff's packages pages.
        from tests.support.package_helpers import active_purchase, make_package

        purchase_id = active_purchase(app, make_package(app), "rita@example.com", NOW)
        from clinicsite.models import PackagePurchase

        bought = db.session.get(PackagePurchase, purchase_id).token
        # An invited therapist who has not chosen a password: the account's staff page, and
        # the page the invitation's link opens.
        from clinicsite.models import AccountLink
        from clinicsite.models.staff import NO_PASSWORD
        from clinicsite.staff.accounts.links import token_hash

        invited = StaffUser(
            email="ines@example.com", name="Ines Invited", role="editor", password_hash=NO_PASSWORD
        )
        db.session.add(invited)
        db.session.flush()
        db.session.add(
            AccountLink(
                staff_user_id=invited.id,
                purpose="invite",
                token_hash=token_hash("walk-invitation"),
                created_at=NOW,
                expires_at=NOW + timedelta(days=7),
            )
        )
        # Rooms and a heater at one studio: the rooms page and the edit pages of each.
        studio = db.session.scalar(sa.select(Location).order_by(Location.id))
        db.session.add_all(
            [
                Room(location=studio, name="Room 1"),
                Room(location=studio, name="Bay room", kind="prenatal table", position=1),
                Equipment(location=studio, name="hot-stone heater", count=1),
            ]
        )
        # Home visits (issue 16): two areas take them, one pair has its travel time set (the
        # matrix shows a value, defaults and studio pairs), hours of home visits with no
        # address, and a therapist who sets out from one of the areas.
        home_areas = list(db.session.scalars(sa.select(ServiceArea).order_by(ServiceArea.id)))[:2]
        for area in home_areas:
            area.home_visits, area.outcall_surcharge = True, 1500
        first, second = sorted(area_place(a.id) for a in home_areas)
        db.session.add(TravelTime(place_a=first, place_b=second, minutes=25))
        db.session.add(
            Location(slug="home-visits", name="Home visits", kind="mobile", street="", city="")
        )
        db.session.scalars(sa.select(Therapist)).first().home_base = first
        db.session.commit()
        # A plan on offer and Rita's membership, its first month paid: the shop's page, the
        # member's, her /my/ panel and the staff's list.
        from clinicsite.models import Membership
        from tests.support.membership_helpers import active_member, make_plan

        member_id, _ = active_member(app, make_plan(app), "rita@example.com", NOW)
        member = db.session.get(Membership, member_id).token
        return {
            "set-password": "/staff/set-password/walk-invitation",
            "package-bought": f"/packages/bought/{bought}",
            "membership-joined": f"/memberships/joined/{member}",
            "manage-confirmed": f"/booking/{token[confirmed]}",
            "cancel": f"/booking/{token[confirmed]}/cancel",
            "reschedule": f"/booking/{token[confirmed]}/reschedule",
            "manage-held": f"/booking/{token[held]}",
            "checkout": urlsplit(checkout).path,
            "cancel-held": f"/booking/{token[held]}/cancel",
            "manage-free": f"/booking/{token[free]}",
            "manage-cancelled": f"/booking/{token[cancelled]}",
            "newsletter-confirm": f"/newsletter/confirm/{pending.token}",
            "newsletter-unsubscribe": f"/newsletter/unsubscribe/{subscribed.token}",
            "newsletter-preferences": f"/newsletter/preferences/{subscribed.token}",
            # A client's own page: the emailed sign-in link, and where the form leads.
            "my-link": new_link(app, "rita@example.com", NOW),
            "my-sent": "/my/sign-in/sent",
            # A client's standing appointment: a visit's page, and the dates of a choice.
            "manage-series": f"/booking/{sol}",
            "repeat-dates": f"/booking/{token[free]}/repeat?every_weeks=2&count=3",
            "gift-card": f"/gift-cards/{card.token}",
            "gift-card-order": f"/gift-cards/order/{order.token}",
            "gift-card-checkout": urlsplit(order.checkout_url).path,
        }


def staff_seeds(app: Flask) -> tuple[list[str], list[str]]:
    """A URL for each staff GET rule (one per id for appointments, whose pages differ by
    state), and the problems: rules whose parameters the walk cannot fill."""
    urls, problems = [], []
    with app.test_request_context():
        ids = {
            name: [str(i) for i in db.session.scalars(sa.select(model.id).order_by(model.id))]
            for name, model in STAFF_PARAMETERS.items()
        }
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if not rule.rule.startswith("/staff/") or "GET" not in rule.methods:
                continue
            if rule.endpoint in STAFF_SKIPPED:
                continue
            unknown = [a for a in rule.arguments if not ids.get(a)]
            if unknown:
                problems.append(f"{rule.rule}: no value for {unknown} (add to STAFF_PARAMETERS)")
                continue
            many = "appointment_id" in rule.arguments
            for n in range(len(ids["appointment_id"]) if many else 1):
                values = {a: ids[a][n if a == "appointment_id" else 0] for a in rule.arguments}
                urls.append(rule.build(values, append_unknown=False)[1])
    return urls, problems


def links_in(body: str, hosts: set[str]) -> list[str]:
    """The site's own links on a page: path and query, fragments dropped."""
    found = []
    for href in re.findall(r'\shref="([^"]*)"', body):
        parts = urlsplit(html.unescape(href))
        if parts.scheme not in ("", "http", "https"):
            continue
        if parts.netloc and parts.netloc not in hosts:
            continue
        if parts.path.startswith("/"):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def walk(
    app: Flask,
    client: FlaskClient,
    seeds: list[str | tuple[str, int | None]],
    *,
    staff: bool,
    limit: int = 400,
) -> Walk:
    """Fetch the seeds and every page linked from them (breadth first), one page of each
    kind. A seed must answer a page; a link that redirects or fails is left alone (the
    site's other tests own those answers)."""
    adapter = app.url_map.bind("localhost")
    hosts = {"localhost", urlsplit(app.config["SITE_URL"]).netloc}
    result, seen_kinds, seen_urls = Walk(), set(), set()
    # (url, the status a seed must answer, or None for a link found on a page)
    queue = [(s, 200) if isinstance(s, str) else s for s in seeds]
    while queue and len(seen_urls) < limit:
        url, expected = queue.pop(0)
        is_seed = expected is not None
        parts = urlsplit(url)
        if url in seen_urls:
            continue
        try:
            endpoint, _ = adapter.match(parts.path, method="GET")
        except (HTTPException, RequestRedirect):
            endpoint = "404"
        if endpoint in NOT_PAGES or (endpoint in STAFF_SKIPPED and staff):
            continue
        if endpoint.startswith("staff.") != staff and endpoint != "staff.login":
            continue  # each walker keeps to its own side of the site
        kind = (endpoint, tuple(sorted({k for k, _ in parse_qsl(parts.query)})))
        if not is_seed and kind in seen_kinds:
            continue
        seen_urls.add(url)
        response = client.get(url)
        body = response.get_data(as_text=True)
        is_page = response.mimetype == "text/html"
        if is_seed and not (response.status_code == expected and is_page):
            result.problems.append(f"{url} answered {response.status} {response.mimetype}")
            continue
        if response.status_code != (expected or 200) or not is_page:
            continue
        seen_kinds.add(kind)
        result.pages.append(Page(url, endpoint, body, response.status_code, staff))
        queue.extend((link, None) for link in links_in(body, hosts))
    return result


# -- the waitlist -------------------------------------------------------------------------------


def waitlist_pages(app: Flask) -> dict[str, str]:
    """A client on the waitlist with a time offered: the claim and withdraw pages, which
    only a link in an email leads to (the join form is linked from the booking flow)."""
    from clinicsite.models import WaitlistEntry, WaitlistOffer
    from clinicsite.waitlist.offers import hash_token
    from tests.support.waitlist_helpers import join, local

    entry_id = join(app, "wanda@example.com", "Wanda Wait", now=NOW)
    claim_token = secrets.token_urlsafe(24)
    with app.app_context():
        entry = db.session.get(WaitlistEntry, entry_id)
        start = local(entry.date_from, 11)
        db.session.add(
            WaitlistOffer(
                entry=entry,
                therapist_id=entry.therapist_id,
                location_id=db.session.scalar(
                    sa.select(Location.id).filter_by(slug="hermosa-beach-studio")
                ),
                option_id=entry.option_id,
                starts_at=start,
                token_hash=hash_token(claim_token),
                offered_at=NOW,
                expires_at=NOW + timedelta(minutes=30),
            )
        )
        db.session.commit()
        return {
            "waitlist-claim": f"/book/waitlist/claim/{claim_token}",
            "waitlist-withdraw": f"/book/waitlist/withdraw/{entry.withdraw_token}",
        }
