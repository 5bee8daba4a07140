"""The demo clinic's reminder rules and quiet hours (clinic.toml's [reminders] table).
Creates the rules that are missing; sets the quiet hours only on a new settings row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import ClinicSettings, ReminderRule


def load_reminders(clinic: dict[str, Any], count: Callable[[str, bool], None]) -> None:
    table = clinic.get("reminders") or {}
    settings = db.session.get(ClinicSettings, 1)
    if settings is not None and settings in db.session.new:
        settings.quiet_start = time.fromisoformat(table.get("quiet_start", "21:00"))
        settings.quiet_end = time.fromisoformat(table.get("quiet_end", "08:00"))
    for rule in table.get("rules", []):
        hours, channel = int(rule["hours_before"]), str(rule["channel"])
        exists = db.session.scalar(
            sa.select(ReminderRule.id).where(
                ReminderRule.hours_before == hours, ReminderRule.channel == channel
            )
        )
        if exists is None:
            db.session.add(ReminderRule(hours_before=hours, channel=channel, active=True))
        count("reminder rules", exists is None)
