"""Changing the clinic's reminder rules and quiet hours: plain values and an actor, each
change audited and committed. Sending is in `reminders.py`."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa

from clinicsite import audit
from clinicsite.audit import Actor
from clinicsite.extensions import db
from clinicsite.models import ClinicSettings, ReminderRule
from clinicsite.models.reminders import CHANNELS, MAX_HOURS_BEFORE


class RuleError(ValueError):
    """The change cannot be made; the text says why, for the person who asked."""


def add_rule(hours_before: int, channel: str, actor: Actor) -> ReminderRule:
    if channel not in CHANNELS:
        raise RuleError("Choose email or text message.")
    if not 1 <= hours_before <= MAX_HOURS_BEFORE:
        raise RuleError(f"A reminder goes 1 to {MAX_HOURS_BEFORE} hours before.")
    taken = db.session.scalar(
        sa.select(ReminderRule.id).where(
            ReminderRule.hours_before == hours_before, ReminderRule.channel == channel
        )
    )
    if taken is not None:
        raise RuleError("That reminder exists already.")
    rule = ReminderRule(hours_before=hours_before, channel=channel, active=True)
    db.session.add(rule)
    db.session.flush()
    _audit(rule, "reminder rule added", actor)
    db.session.commit()
    return rule


def set_active(rule: ReminderRule, active: bool, actor: Actor) -> None:
    rule.active = active
    _audit(rule, "reminder rule turned " + ("on" if active else "off"), actor)
    db.session.commit()


def remove_rule(rule: ReminderRule, actor: Actor) -> None:
    """Delete a rule; what it sent stays in the log (its rows lose the rule)."""
    _audit(rule, "reminder rule removed", actor)
    db.session.delete(rule)
    db.session.commit()


def set_quiet_hours(clinic: ClinicSettings, start: time, end: time, actor: Actor) -> None:
    before = {"quiet_start": str(clinic.quiet_start), "quiet_end": str(clinic.quiet_end)}
    clinic.quiet_start, clinic.quiet_end = start, end
    audit.record_change(
        "clinic_settings",
        clinic.id,
        "quiet hours changed",
        actor,
        before=before,
        after={"quiet_start": str(start), "quiet_end": str(end)},
    )
    db.session.commit()


def _audit(rule: ReminderRule, action: str, actor: Actor) -> None:
    audit.record_change(
        "reminder_rule", rule.id, action, actor, after={"rule": rule.label, "active": rule.active}
    )
