"""Staff: newsletter issues. Editors and admins write one in Markdown, preview it as the
email it will be, send a test to themselves, then send it now or at a set time.

The views read the form and show the outcome; saving and scheduling are in
`clinicsite.newsletter.issues`, the email in `notifications.newsletter.issue_email`, and
the sending itself in `clinicsite.newsletter.sending` (`flask newsletter send-due`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import selectinload

from clinicsite import clock, notifications
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import NewsletterIssue, Post, Service
from clinicsite.newsletter import issues
from clinicsite.notifications.links import site_links
from clinicsite.notifications.newsletter import issue_email
from clinicsite.pagination import requested_page
from clinicsite.security import with_inline_styles
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, fetch, roles_required
from clinicsite.staff.editorial.issue_forms import ACTIONS, IssueForm
from clinicsite.timefmt import long_datetime

EDITORS = ("admin", "editor")
PER_PAGE = 20
STATUS_LABELS = {
    "draft": "Draft",
    "scheduled": "Scheduled",
    "sending": "Sending",
    "sent": "Sent",
}


@bp.get("/newsletter/issues/")
@roles_required(*EDITORS)
def newsletter_issues():
    query = (
        sa.select(NewsletterIssue)
        .order_by(NewsletterIssue.created_at.desc(), NewsletterIssue.id.desc())
        .options(selectinload(NewsletterIssue.areas))
    )
    page = db.paginate(query, page=requested_page(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "staff/newsletter/issues.html",
        page=page,
        counts=issues.counts(page.items),
        labels=STATUS_LABELS,
        audience=issues.audience_size([]),
    )


@bp.route("/newsletter/issues/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def newsletter_issue_new():
    return edit(None)


@bp.route("/newsletter/issues/<int:issue_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def newsletter_issue_edit(issue_id: int):
    return edit(fetch(NewsletterIssue, issue_id))


def edit(issue: NewsletterIssue | None):
    """The editor: show, preview, or validate, save and do what the button says."""
    clinic, now = get_clinic(), clock.now()
    if issue is not None and issue.status not in issues.EDITABLE:
        if request.method == "POST":
            flash("This issue has started sending: it can no longer be changed.", "error")
            return redirect(url_for("staff.newsletter_issue_edit", issue_id=issue.id), code=303)
        return sent_page(issue, now)
    form = IssueForm(data=initial_data(issue, clinic.tz), issue=issue, tz=clinic.tz, now=now)
    if not form.is_submitted():
        return editor_page(form, issue, now)
    if form.button not in ACTIONS:
        abort(400)
    if not form.validate():
        return editor_page(form, issue, now), 422
    if form.button == "preview":
        return editor_page(form, issue, now, preview=preview_of(unsaved(form), now))
    saved = issues.save(issue, changes_from(form), current_actor(), now)
    if saved is None:
        db.session.rollback()
        flash("It started sending before your change was saved, so nothing was changed.", "error")
        return redirect(url_for("staff.newsletter_issue_edit", issue_id=issue.id), code=303)
    message = act(saved, form, now)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("staff.newsletter_issue_edit", issue_id=saved.id), code=303)


def act(issue: NewsletterIssue, form: IssueForm, now: datetime) -> str:
    """Do what the button says besides saving; the message for the editor."""
    tz = get_clinic().tz
    if form.button == "test":
        notifications.newsletter_issue_test(issue, current_user.email, now)
        return f"Saved. A test copy is on its way to {current_user.email}."
    if form.button == "send_now":
        issues.schedule(issue, now, current_actor(), now)
        rate = current_app.config["NEWSLETTER_BATCH_SIZE"]
        people = issues.audience_size([a.id for a in issue.areas])
        where = f" in {area_names(issue)}" if issue.areas else ""
        return (
            f"“{issue.subject}” starts going out within a minute, to {people} "
            f"confirmed subscribers{where}, {rate} a minute."
        )
    if form.button == "schedule":
        issues.schedule(issue, form.send_at, current_actor(), now)
        return f"“{issue.subject}” is scheduled for {long_datetime(form.send_at, tz)}."
    if form.button == "unschedule":
        issues.unschedule(issue, current_actor(), now)
        return f"“{issue.subject}” is no longer scheduled: it is a draft again."
    return "Draft saved." if issue.status == "draft" else "Changes saved."


def changes_from(form: IssueForm) -> issues.IssueChanges:
    return issues.IssueChanges(
        subject=form.subject.data,
        body=form.body.data or "",
        post_ids=list(form.post_ids.data or []),
        service_id=form.chosen_service_id,
        area_ids=list(form.area_ids.data or []),
    )


def area_names(issue: NewsletterIssue) -> str:
    return ", ".join(area.name for area in issue.areas)


def unsaved(form: IssueForm) -> NewsletterIssue:
    """The issue as typed, for the preview; never added to the session."""
    issue = NewsletterIssue(subject=form.subject.data, body=form.body.data or "")
    ids = list(form.post_ids.data or []) or [0]
    issue.posts = list(db.session.scalars(sa.select(Post).where(Post.id.in_(ids))))
    service_id = form.chosen_service_id
    issue.service = db.session.get(Service, service_id) if service_id else None
    return issue


def initial_data(issue: NewsletterIssue | None, tz) -> dict[str, Any] | None:
    if issue is None:
        return None
    data: dict[str, Any] = {
        "subject": issue.subject,
        "body": issue.body,
        "post_ids": [p.id for p in issue.posts],
        "service_id": str(issue.service_id) if issue.service_id else "",
        "area_ids": [a.id for a in issue.areas],
    }
    if issue.status == "scheduled" and issue.send_at is not None:
        local = issue.send_at.astimezone(tz)
        data |= {"send_date": local.date().isoformat(), "send_time": f"{local:%H:%M}"}
    return data


def preview_of(issue: NewsletterIssue, now: datetime) -> dict[str, Any]:
    """The email as a subscriber will get it: its HTML document (shown in a sandboxed
    frame, where its links open in a new tab) and its plain text. The unsubscribe link
    points at the sign-up page here."""
    email = issue_email(issue, site_links().build("newsletter.signup"), now)
    document = email.html.replace("<head>", '<head>\n<base target="_blank">', 1)
    return {"subject": email.subject, "html": document, "text": email.text}


def editor_page(form: IssueForm, issue: NewsletterIssue | None, now: datetime, preview=None):
    tz = get_clinic().tz
    if preview is None and issue is not None and not form.is_submitted():
        preview = preview_of(issue, now)
    page = render_template(
        "staff/newsletter/issue_form.html",
        form=form,
        issue=issue,
        preview=preview,
        status=STATUS_LABELS[issue.status] if issue is not None else "New draft",
        send_at=long_datetime(issue.send_at, tz) if issue and issue.send_at else None,
        audience=issues.audience_size([]),
        area_audience=issues.audience_size([a.id for a in issue.areas]) if issue else None,
        zone=tz.key,
    )
    response = make_response(page)
    return with_inline_styles(response) if preview is not None else response


def sent_page(issue: NewsletterIssue, now: datetime):
    """An issue that is sending or sent: what went out and how it went; no more changes."""
    issue = db.session.scalar(
        sa.select(NewsletterIssue)
        .where(NewsletterIssue.id == issue.id)
        .options(selectinload(NewsletterIssue.posts), selectinload(NewsletterIssue.areas))
    )
    tz = get_clinic().tz
    page = render_template(
        "staff/newsletter/issue_sent.html",
        issue=issue,
        counts=issues.counts([issue])[issue.id],
        status=STATUS_LABELS[issue.status],
        started=long_datetime(issue.started_at, tz) if issue.started_at else None,
        finished=long_datetime(issue.sent_at, tz) if issue.sent_at else None,
        preview=preview_of(issue, now),
    )
    return with_inline_styles(make_response(page))
