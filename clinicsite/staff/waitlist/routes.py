"""The waitlist for the front desk and therapists: active entries in the order offers go
out, the latest offers and what became of them; an entry can be withdrawn for a client."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from clinicsite import clock
from clinicsite.models import WaitlistEntry
from clinicsite.staff import bp
from clinicsite.staff.auth import get_or_404, roles_required
from clinicsite.waitlist import entries


@bp.get("/waitlist/")
@roles_required("admin", "therapist")
def waitlist():
    return render_template(
        "staff/waitlist/index.html",
        entries=entries.active_entries(),
        offers=entries.recent_offers(),
        now=clock.now(),
    )


@bp.post("/waitlist/<entry_id>/withdraw")
@roles_required("admin", "therapist")
def waitlist_withdraw(entry_id):
    entry = get_or_404(WaitlistEntry, entry_id)
    if entries.withdraw(entry, clock.now()):
        flash(f"{entry.name} is off the waitlist.", "success")
    else:
        flash(f"{entry.name}'s entry was not active any more.", "info")
    return redirect(url_for("staff.waitlist"), code=303)
