"""Emails to the clinic's own people: a visitor's inquiry for the front desk, a reader's
comment for the moderators."""

from __future__ import annotations

from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.mail.outbox import enqueue, reply_to
from clinicsite.models import Comment, Inquiry, Post
from clinicsite.notifications import recipients
from clinicsite.notifications.links import Links, site_links
from clinicsite.notifications.render import render


def notify_staff_of(inquiry: Inquiry, links: Links | None = None) -> None:
    """Queue the message for the front desk (`recipients.front_desk`)."""
    links = links or site_links()
    addresses = recipients.front_desk()
    db.session.flush()  # the id goes into the keys
    email = render(
        "inquiry",
        links,
        clinic=get_clinic(),
        inquiry=inquiry,
        inquiries_url=links.staff_inquiries(),
    )
    # Pressing Reply answers the client; an address that is not one clean mailbox is left out.
    answer_to = reply_to(inquiry.name, inquiry.email)
    for address in addresses:
        enqueue(
            to=address,
            subject=email.subject,
            text=email.text,
            html=email.html,
            key=f"inquiry:{inquiry.id}:{address}",
            headers={"Reply-To": answer_to} if answer_to else None,
        )


def comment_received(comment: Comment, post: Post, links: Links | None = None) -> None:
    """Tell the moderators (`recipients.comment_moderators`) a comment awaits them; the
    comment must have its id (flushed)."""
    links = links or site_links()
    email = render(
        "comment_notice",
        links,
        clinic=get_clinic(),
        comment=comment,
        post=post,
        post_url=links.post(post.slug),
        comments_url=links.staff_comments(),
    )
    for moderator in recipients.comment_moderators():
        enqueue(
            to=moderator.email,
            subject=email.subject,
            text=email.text,
            html=email.html,
            key=f"comment:{comment.id}:{moderator.email}",
        )
