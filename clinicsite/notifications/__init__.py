"""Every email the site sends, in one place.

Each email is one template (`templates/email/<kind>.html`) holding its subject, its
plain-text body and its HTML body; the functions here pick the recipients
(`recipients.py`), fill the template (`render.py`, the one module that reaches the Flask
app) and queue the message in the outbox, in the caller's transaction. Links come from a
`Links` object, so a command, a cron job or a test needs no request.
"""

from clinicsite.notifications.booking import (
    balance_receipt,
    booking_cancelled,
    booking_confirmed,
    booking_rescheduled,
    ics_attachment,
    late_payment_refunded,
    payment_link,
    refund_sent,
    reminder,
)
from clinicsite.notifications.cardfees import card_link, fee_receipt
from clinicsite.notifications.links import Links, site_links
from clinicsite.notifications.newsletter import (
    newsletter_confirm,
    newsletter_email_footer,
    newsletter_guide,
    newsletter_headers,
    newsletter_issue,
    newsletter_issue_test,
    newsletter_post,
    newsletter_weekly,
    newsletter_welcome,
)
from clinicsite.notifications.series import series_booked
from clinicsite.notifications.signin import sign_in_link
from clinicsite.notifications.staff import comment_received, notify_staff_of
from clinicsite.notifications.waitlist import waitlist_gone, waitlist_joined, waitlist_offer

__all__ = [
    "Links",
    "booking_cancelled",
    "booking_confirmed",
    "booking_rescheduled",
    "comment_received",
    "ics_attachment",
    "late_payment_refunded",
    "newsletter_confirm",
    "newsletter_email_footer",
    "newsletter_guide",
    "newsletter_headers",
    "newsletter_issue",
    "newsletter_issue_test",
    "newsletter_post",
    "newsletter_weekly",
    "newsletter_welcome",
    "notify_staff_of",
    "payment_link",
    "refund_sent",
    "reminder",
    "series_booked",
    "site_links",
    "sign_in_link",
    "waitlist_gone",
    "waitlist_joined",
    "waitlist_offer",
    "balance_receipt",
    "card_link",
    "fee_receipt",
]
