"""Staff: moderating readers' comments (editors and admins)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from clinicsite import clock
from clinicsite.audit import record_change
from clinicsite.extensions import db
from clinicsite.models import Comment
from clinicsite.pagination import requested_page
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, get_or_404, roles_required

FILTERS = ("pending", "approved", "spam")
MODERATORS = ("admin", "editor")


def chosen_filter(value: str | None) -> str:
    return value if value in FILTERS else "pending"


@bp.get("/comments")
@roles_required(*MODERATORS)
def comments():
    show = chosen_filter(request.args.get("show"))
    query = (
        sa.select(Comment)
        .where(Comment.status == show)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .options(selectinload(Comment.post))
    )
    page = db.paginate(query, page=requested_page(), per_page=25, max_per_page=25, error_out=False)
    counts = dict(
        db.session.execute(
            sa.select(Comment.status, sa.func.count()).group_by(Comment.status)
        ).all()
    )
    return render_template("staff/comments/index.html", page=page, show=show, counts=counts)


@bp.post("/comments/<comment_id>/approve")
@roles_required(*MODERATORS)
def comments_approve(comment_id):
    return moderate(get_or_404(Comment, comment_id), "approved", "Approved the comment by {}.")


@bp.post("/comments/<comment_id>/spam")
@roles_required(*MODERATORS)
def comments_spam(comment_id):
    return moderate(get_or_404(Comment, comment_id), "spam", "Marked the comment by {} as spam.")


def moderate(comment: Comment, status: str, message: str):
    before = comment.status
    if before != status:
        comment.status, comment.moderated_at = status, clock.now()
        record_change(
            "comment",
            comment.id,
            status,
            current_actor(),
            before={"status": before},
            after={"status": status},
            note=f"on post {comment.post_id}",
        )
        db.session.commit()
        flash(message.format(comment.name), "success")
    return back_to_list()


@bp.route("/comments/<comment_id>/delete", methods=["GET", "POST"])
@roles_required(*MODERATORS)
def comments_delete(comment_id):
    """GET, or POST without confirm=1: the question. POST with confirm=1: deleted."""
    comment = get_or_404(Comment, comment_id)
    if request.method == "POST" and request.form.get("confirm") == "1":
        record_change(
            "comment",
            comment.id,
            "deleted",
            current_actor(),
            before={"status": comment.status, "post_id": comment.post_id, "name": comment.name},
            note=f"on post {comment.post_id}",
        )
        name = comment.name
        db.session.delete(comment)
        db.session.commit()
        flash(f"Deleted the comment by {name}.", "success")
        return back_to_list()
    show = chosen_filter(request.values.get("show", comment.status))
    return render_template("staff/comments/delete.html", comment=comment, show=show)


def back_to_list():
    show = chosen_filter(request.form.get("show"))
    return redirect(url_for("staff.comments", show=show), code=303)
