"""Emails as a mail client sees them: delivered by the outbox, then parsed back."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

from flask import Flask

from clinicsite.mail import deliver_due


def deliver(app: Flask, folder: Path) -> list[EmailMessage]:
    """Send every queued email as .eml files into `folder` and parse them with the default
    policy, as a mail program would; oldest first."""
    app.config["MAIL_BACKEND"] = "files"
    app.config["MAIL_FILE_DIR"] = str(folder)
    with app.app_context():
        deliver_due()
    paths = sorted(folder.glob("*.eml"), key=lambda p: int(p.name.split("-", 1)[0]))
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]


def plain(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None, f"no HTML part in {message['Subject']!r}"
    return part.get_content()
