"""Building the MIME message for an outbox row."""

from __future__ import annotations

import email.policy
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from clinicsite.mail.outbox.headers import one_address
from clinicsite.models.mail import OutboxEmail
from clinicsite.models.types import utcnow

# 7bit: non-ASCII bodies are quoted-printable or base64, so any SMTP server takes them.
# refold_source="none": headers set with set_raw (the List-* ones) are written as given;
# the default would turn a long URL into RFC 2047 encoded words, which mail providers do
# not decode in List-Unsubscribe. Headers set the usual way are folded as before.
POLICY = email.policy.SMTP.clone(cte_type="7bit", refold_source="none")


def build_message(email: OutboxEmail, sender: str, *, now: datetime | None = None) -> EmailMessage:
    """The MIME message for an outbox row.

    text/plain alone, or multipart/alternative (text, html); with attachments, both inside
    multipart/mixed. The Message-ID is derived from the row, so every retry of one email
    carries the same one. The row's extra headers (checked when it was queued) follow.
    """
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now or utcnow())
    message["Message-ID"] = _message_id(email, sender)
    for name, value in (email.headers or {}).items():
        if name == "Reply-To":
            # An Address, not the string: refolding a parsed string can drop the quotes
            # around a name with a comma, turning one address into two.
            address = one_address(value)
            if address is None:
                raise ValueError(f"Reply-To must be one address: {value!r}")
            message[name] = address
        else:
            message.set_raw(name, value)  # as given: see POLICY
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype="html")
    for attachment in email.attachments or []:
        _attach(message, attachment)
    return message


def _message_id(email: OutboxEmail, sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    if email.id is None or email.created_at is None:
        return make_msgid(domain=domain)
    stamp = email.created_at.strftime("%Y%m%d%H%M%S%f")
    return f"<outbox.{email.id}.{stamp}@{domain}>"


def _attach(message: EmailMessage, attachment: dict) -> None:
    header = EmailMessage()
    header["Content-Type"] = attachment.get("content_type") or "application/octet-stream"
    maintype = header.get_content_maintype()
    subtype = header.get_content_subtype()
    params = {k: v for k, v in header["Content-Type"].params.items() if k != "charset"}
    content = attachment["content"]
    filename = attachment["filename"]
    if maintype == "text":
        message.add_attachment(content, subtype=subtype, filename=filename, params=params)
    else:
        data = content.encode("utf-8") if isinstance(content, str) else content
        message.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=filename, params=params
        )
