"""The reports page (/staff/reports/) and its CSV (/staff/reports/export.csv): one period
of local days, chosen with a plain GET form (nothing changes, so no CSRF token)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Response, render_template, request, url_for

from clinicsite import clock
from clinicsite.appointments.origins import KINDS as ORIGIN_WORDS
from clinicsite.appointments.takings import local_day
from clinicsite.clinic import get_clinic
from clinicsite.money import format_amount, to_decimal_string
from clinicsite.reports import MAX_DAYS, SOURCES, Report, report
from clinicsite.staff import bp
from clinicsite.staff.auth import roles_required
from clinicsite.staff.localtime import LocalTimeError, parse_day
from clinicsite.text import spreadsheet_safe

DEFAULT_DAYS = 30
STATUS_WORDS = {
    "confirmed": "Booked, still to come or not yet marked",
    "completed": "Completed",
    "no_show": "No-show",
    "cancelled": "Cancelled",
}


def _period() -> tuple[date, date, str | None]:
    """The chosen days, or the last DEFAULT_DAYS with the reason the choice was refused."""
    today = local_day(clock.now(), get_clinic().tz)
    default = (today - timedelta(days=DEFAULT_DAYS - 1), today)
    raw_first, raw_last = request.args.get("from"), request.args.get("to")
    if not raw_first and not raw_last:
        return *default, None
    try:
        first, last = parse_day(raw_first), parse_day(raw_last)
    except LocalTimeError as exc:
        return *default, f"{exc} Showing the last {DEFAULT_DAYS} days."
    if last < first:
        return (
            *default,
            f"The first day comes after the last. Showing the last {DEFAULT_DAYS} days.",
        )
    if (last - first).days >= MAX_DAYS:
        return (
            *default,
            f"A report covers at most {MAX_DAYS} days. Showing the last {DEFAULT_DAYS} days.",
        )
    return first, last, None


def _report() -> tuple[Report, str | None]:
    clinic = get_clinic()
    first, last, problem = _period()
    return report(first, last, clinic.tz, clinic.currency), problem


@bp.get("/reports/")
@roles_required("admin")
def reports():
    result, problem = _report()
    status = 400 if problem else 200
    return render_template(
        "staff/reports/report.html",
        r=result,
        problem=problem,
        amount=format_amount,
        status_words=STATUS_WORDS,
        source_words=SOURCES,
        origin_words=ORIGIN_WORDS,
        origin_page=_origin_page,
    ), status


def _origin_page(origin: str) -> str:
    """The address of the page an origin names ("area:torrance" is /areas/torrance)."""
    kind, _, name = origin.partition(":")
    if kind == "area":
        return url_for("public.area", area_slug=name)
    if kind == "area_service":
        area, _, service = name.partition("/")
        return url_for("public.area_service", area_slug=area, service_slug=service)
    return url_for("blog.post", slug=name)


@bp.get("/reports/export.csv")
@roles_required("admin")
def reports_csv():
    result, _ = _report()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "value"])
    for label, value in _rows(result):
        writer.writerow([spreadsheet_safe(label), value])
    name = f"report-{result.first.isoformat()}-to-{result.last.isoformat()}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _rows(r: Report) -> list[tuple[str, str]]:
    """The figures of the page, one per line, amounts as decimals in the clinic's currency."""
    money = r.money

    def cash(amount: int) -> str:
        return to_decimal_string(amount, r.currency)

    def rate(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}"

    rows = [
        ("first day", r.first.isoformat()),
        ("last day", r.last.isoformat()),
        ("bookings", str(r.bookings)),
    ]
    rows += [(f"bookings {status}", str(r.by_status.get(status, 0))) for status in STATUS_WORDS]
    rows += [(f"bookings from {source}", str(n)) for source, n in sorted(r.by_source.items())]
    rows += [(f"online bookings via {kind}", str(n)) for kind, n in r.by_origin.items()]
    rows += [(f"online bookings via {where}", str(n)) for where, n in r.top_origins]
    rows += [
        ("no-show rate", rate(r.no_show_rate)),
        ("cancellation rate", rate(r.cancellation_rate)),
        ("new clients", str(r.new_clients)),
        ("returning clients", str(r.returning_clients)),
        (f"deposits taken ({r.currency})", cash(money.deposits)),
        (f"gift cards sold ({r.currency})", cash(money.sales.get("gift_cards", 0))),
        (f"packages sold ({r.currency})", cash(money.sales.get("packages", 0))),
        (f"membership months paid ({r.currency})", cash(money.sales.get("memberships", 0))),
        (f"refunds ({r.currency})", cash(money.refunds)),
        (f"paid at the studio ({r.currency})", cash(money.studio)),
        (f"tips ({r.currency})", cash(money.tips)),
        (f"fees ({r.currency})", cash(r.fees)),
        (f"net ({r.currency})", cash(money.net + r.fees)),
    ]
    rows += [(f"booked minutes {t.name}", str(t.minutes)) for t in r.therapists]
    rows += [(f"bookings {bar.label}", str(bar.count)) for bar in r.bars]
    return rows
