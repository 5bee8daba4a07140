"""Readers' comments: taken in as pending, shown once an editor approves them.

Spam defences, cheapest first: the CSRF token (checked for every POST), a rate limit per
address, a honeypot field, and a signed timestamp that refuses forms sent within seconds
of being shown (scripts) or a day later (replayed pages).
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for

from clinicsite import clock, notifications
from clinicsite.blog import bp, queries
from clinicsite.blog.forms import CommentForm, started_token, timing_problem
from clinicsite.blog.routes import render_post
from clinicsite.extensions import db, limiter
from clinicsite.models import Comment, Post
from clinicsite.security import session_free_form

THANKS = (
    "Thank you, your comment has reached us. It is awaiting moderation and will appear "
    "here once an editor approves it."
)
# The flash category of THANKS: the post's page shows it at the top of its comments
# section, where the redirect lands, instead of with the page's other messages above.
THANKS_CATEGORY = "comment"


@bp.post("/<slug>/comments")
@limiter.limit("5 per minute;20 per hour")
@session_free_form
def comment(slug: str):
    found = queries.find_public_post(slug, clock.now())
    if found is None:
        abort(404)
    if found.moved:  # the form was shown under the old slug: send the same POST on
        return redirect(url_for("blog.comment", slug=found.post.slug), 308)
    post = found.post
    form = CommentForm()
    if form.website.data:  # a filled honeypot is a bot: pretend, store nothing
        return thanked(post)
    problem = timing_problem(form.started.data, post.id)
    if form.validate() and problem is None:
        add_comment(post, form.name.data, form.email.data, form.body.data)
        db.session.commit()
        return thanked(post)
    if problem is not None:
        form.started.data = started_token(post.id)  # what they typed can go again as it is
    return render_post(post, form, status=422, notice=problem)


def thanked(post: Post):
    flash(THANKS, THANKS_CATEGORY)
    return redirect(url_for("blog.post", slug=post.slug, _anchor="comment-status"), 303)


def add_comment(post: Post, name: str, email: str, body: str) -> Comment:
    """A pending comment, with a notice to the editors; both in the session, not committed."""
    comment = Comment(post=post, name=name, email=email, body=body, status="pending")
    db.session.add(comment)
    db.session.flush()  # the id goes into the notices' keys
    notifications.comment_received(comment, post)
    return comment
