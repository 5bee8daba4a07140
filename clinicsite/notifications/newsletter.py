"""The newsletter's emails: the confirmation request, the welcome, the guide, the
issues editors write, new blog posts one by one or in a weekly digest, and the footer and
headers every list email carries. Whether to send them is decided in
`newsletter/service.py`, `newsletter/sending.py` and `newsletter/digests.py`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

from clinicsite.clinic import get_clinic
from clinicsite.mail.outbox import ONE_CLICK, enqueue
from clinicsite.models import LeadMagnet, NewsletterIssue, OutboxEmail, Post, Subscriber
from clinicsite.notifications.links import Links, site_links
from clinicsite.notifications.render import Rendered, render, render_partial


def newsletter_email_footer(subscriber: Subscriber, links: Links | None = None) -> str:
    """The end of every newsletter email: why they get it, the one-click unsubscribe link
    and the link to their preferences. Add it to any newsletter issue sent later."""
    links = links or site_links()
    return render_partial(
        "email/newsletter_footer.txt",
        clinic=get_clinic(),
        unsubscribe_url=links.newsletter_unsubscribe(subscriber.token),
        preferences_url=links.newsletter_preferences(subscriber.token),
    )


def newsletter_headers(subscriber: Subscriber, links: Links | None = None) -> dict[str, str]:
    """The headers of every email sent to a subscriber because they are on the list (the
    welcome, any issue sent later): mail programs show their own Unsubscribe button and
    send the RFC 8058 one-click POST to the same URL as the footer's link. Not on the
    confirmation request: the address is not on the list until it is confirmed."""
    url = (links or site_links()).newsletter_unsubscribe(subscriber.token)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK}


def newsletter_confirm(
    subscriber: Subscriber, key: str, guide: LeadMagnet | None, links: Links | None = None
) -> OutboxEmail | None:
    """Ask the address to confirm; the guide is promised only when there is one. Not list
    mail yet, so no unsubscribe headers. None when the key was taken."""
    return _send(subscriber, "newsletter_confirm", key, guide, links, list_mail=False)


def newsletter_welcome(
    subscriber: Subscriber, key: str, guide: LeadMagnet | None, links: Links | None = None
) -> OutboxEmail | None:
    """Welcome a confirmed subscriber, with the guide's link when there is one."""
    return _send(subscriber, "newsletter_welcome", key, guide, links)


def newsletter_guide(
    subscriber: Subscriber, key: str, guide: LeadMagnet, links: Links | None = None
) -> OutboxEmail | None:
    """Send the guide to a subscriber who confirmed before it was uploaded."""
    return _send(subscriber, "newsletter_guide", key, guide, links)


def _send(
    subscriber: Subscriber,
    kind: str,
    key: str,
    guide: LeadMagnet | None,
    links: Links | None,
    list_mail: bool = True,
) -> OutboxEmail | None:
    links = links or site_links()
    context: dict[str, Any] = {
        "clinic": get_clinic(),
        "subscriber": subscriber,
        "guide": guide,
        "confirm_url": links.newsletter_confirm(subscriber.token),
        "guide_url": links.newsletter_guide(subscriber.token),
        "unsubscribe_url": links.newsletter_unsubscribe(subscriber.token),
        "preferences_url": links.newsletter_preferences(subscriber.token),
    }
    email = render(kind, links, **context)
    return enqueue(
        to=subscriber.email,
        subject=email.subject,
        text=email.text,
        html=email.html,
        key=key,
        headers=newsletter_headers(subscriber, links) if list_mail else None,
    )


# ---- Issues ------------------------------------------------------------------------------

# href="/..." and src="/..." in the stored HTML (nh3 writes attributes with double quotes),
# and Markdown link targets "](/...)" in the source: made absolute on the site's address.
_RELATIVE_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")(/(?!/))')
_RELATIVE_MARKDOWN = re.compile(r"(\]\()(/(?!/))")


@dataclass(frozen=True)
class IssueLink:
    title: str
    summary: str
    url: str


def absolute_links(text: str, base: str, pattern: re.Pattern = _RELATIVE_ATTRIBUTE) -> str:
    """`text` with every site-relative link ("/services/") made absolute on `base`: a mail
    program has no page address to resolve them against."""
    return pattern.sub(lambda match: f"{match.group(1)}{base}/", text)


def issue_email(
    issue: NewsletterIssue,
    unsubscribe_url: str,
    now: datetime,
    links: Links | None = None,
    preferences_url: str | None = None,
) -> Rendered:
    """The issue as its recipients get it (and as the preview shows it): the subject, the
    plain text and the HTML, every link absolute. Only posts public at `now` are listed.
    A subscriber's copy carries their preferences link; a preview has none to give."""
    links = links or site_links()
    base = links.home().rstrip("/")
    posts = [
        IssueLink(post.title, post.summary, links.post(post.slug))
        for post in issue.posts
        if post.status == "published" and post.published_at and post.published_at <= now
    ]
    service = None
    if issue.service is not None and issue.service.active:
        # `from` tells the reports the booking came from the newsletter (origins.py).
        book = links.build("booking.start", service=issue.service.slug, **{"from": "newsletter"})
        service = IssueLink(issue.service.name, issue.service.summary, book)
    return render(
        "newsletter_issue",
        links,
        clinic=get_clinic(),
        subject=issue.subject,
        body_html=Markup(absolute_links(issue.body_html or "", base)),  # noqa: S704 -- sanitised on save
        body_text=absolute_links(issue.body or "", base, _RELATIVE_MARKDOWN).strip(),
        posts=posts,
        service=service,
        unsubscribe_url=unsubscribe_url,
        preferences_url=preferences_url,
    )


def newsletter_issue(
    issue: NewsletterIssue,
    subscriber: Subscriber,
    key: str,
    now: datetime,
    links: Links | None = None,
) -> OutboxEmail | None:
    """Queue one subscriber's copy of an issue, with their own unsubscribe link and the
    headers of bulk list mail. None when the key was taken (it is queued already)."""
    links = links or site_links()
    email = issue_email(
        issue,
        links.newsletter_unsubscribe(subscriber.token),
        now,
        links,
        preferences_url=links.newsletter_preferences(subscriber.token),
    )
    return enqueue(
        to=subscriber.email,
        subject=email.subject,
        text=email.text,
        html=email.html,
        key=key,
        headers=newsletter_headers(subscriber, links) | {"Precedence": "bulk"},
    )


def newsletter_issue_test(
    issue: NewsletterIssue, to: str, now: datetime, links: Links | None = None
) -> OutboxEmail | None:
    """A test copy for a member of staff: the same email, "[Test]" before the subject, and
    the sign-up page where a subscriber's own unsubscribe link will be."""
    links = links or site_links()
    email = issue_email(issue, links.build("newsletter.signup"), now, links)
    return enqueue(to=to, subject=f"[Test] {email.subject}", text=email.text, html=email.html)


# ---- New blog posts ----------------------------------------------------------------------


def newsletter_post(
    post: Post, subscriber: Subscriber, key: str, links: Links | None = None
) -> OutboxEmail | None:
    """One new post for a subscriber who asked for each as it is published. None when the
    key was taken (it is queued already)."""
    links = links or site_links()
    link = IssueLink(post.title, post.summary, links.post(post.slug))
    return _list_mail(subscriber, "newsletter_post", key, links, post=link)


def newsletter_weekly(
    posts: list[Post],
    subscriber: Subscriber,
    key: str,
    week_of: date,
    links: Links | None = None,
) -> OutboxEmail | None:
    """The weekly digest of the posts made public since the subscriber's previous one."""
    links = links or site_links()
    listed = [IssueLink(p.title, p.summary, links.post(p.slug)) for p in posts]
    return _list_mail(subscriber, "newsletter_weekly", key, links, posts=listed, week_of=week_of)


def _list_mail(
    subscriber: Subscriber, kind: str, key: str, links: Links, **context: Any
) -> OutboxEmail | None:
    """Queue bulk list mail: the footer's links and the one-click unsubscribe headers."""
    email = render(
        kind,
        links,
        clinic=get_clinic(),
        unsubscribe_url=links.newsletter_unsubscribe(subscriber.token),
        preferences_url=links.newsletter_preferences(subscriber.token),
        blog_url=links.build("blog.index"),
        **context,
    )
    return enqueue(
        to=subscriber.email,
        subject=email.subject,
        text=email.text,
        html=email.html,
        key=key,
        headers=newsletter_headers(subscriber, links) | {"Precedence": "bulk"},
    )
