"""The comment form and its timing check."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import current_app
from flask_wtf import FlaskForm
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from clinicsite import clock
from clinicsite.formfields import clean_text, one_line
from clinicsite.pagecache import refresh_on_serve

# People need more than a few seconds to read a post and write a comment; scripts don't.
MIN_FILL_TIME = timedelta(seconds=3)
MAX_FORM_AGE = timedelta(days=1)
BODY_MIN, BODY_MAX = 2, 3000


class CommentForm(FlaskForm):
    class Meta:  # on cached pages: see clinicsite.security.session_free_form
        csrf = False

    name = StringField(
        "Your name",
        render_kw={"autocomplete": "name", "maxlength": 80},
        filters=[clean_text, one_line],
        validators=[DataRequired("Please tell us your name."), Length(max=80)],
    )
    email = EmailField(
        "Email",
        render_kw={"autocomplete": "email", "maxlength": 254},
        filters=[clean_text],
        validators=[
            DataRequired("Please give your email address."),
            Email("That email address does not look right; please check it."),
            Length(max=254),
        ],
    )
    body = TextAreaField(
        "Comment",
        render_kw={"rows": 6, "maxlength": BODY_MAX},
        filters=[clean_text],
        validators=[
            DataRequired("Please write a comment."),
            Length(
                min=BODY_MIN,
                max=BODY_MAX,
                message=f"Please write between {BODY_MIN} and {BODY_MAX} characters.",
            ),
        ],
    )
    # Honeypot: hidden from people, filled in by bots. Submissions with it are dropped.
    website = StringField("Leave this field empty", validators=[Optional()])
    # When the form was shown, signed: see `started_token` and `timing_problem`.
    started = HiddenField()


class _ClockSigner(TimestampSigner):
    """Timestamps from clinicsite.clock, so tests can move time on."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt="blog-comment-form", signer=_ClockSigner
    )


def started_token(post_id: int) -> str:
    """A signed note of 'the form for this post was shown now'."""
    return _serializer().dumps(post_id)


def timing_problem(token: str | None, post_id: int) -> str | None:
    """Why a submission with `token` is refused (too fast, too old, forged), or None."""
    try:
        signed_for, shown_at = _serializer().loads(
            token or "", max_age=int(MAX_FORM_AGE.total_seconds()), return_timestamp=True
        )
    except BadData as exc:
        if isinstance(exc, SignatureExpired):
            return "This form was open for too long. Please send your comment again."
        return "We could not accept this form. Please send your comment again."
    if signed_for != post_id:
        return "We could not accept this form. Please send your comment again."
    if clock.now() - shown_at < MIN_FILL_TIME:
        return "That was quick! Please take a moment, then send your comment again."
    return None


STARTED_INPUT = re.compile(rb'(name="started" type="hidden" value=")([^"]+)(")')


@refresh_on_serve("blog.post")
def refresh_started(page: bytes) -> bytes:
    """A post's page served from the cache: its comment form says it was shown now, as if
    just rendered, so the quickest-reply check still measures the visitor's own time."""

    def fresh(match: re.Match[bytes]) -> bytes:
        try:
            post_id = _serializer().loads(match.group(2).decode())
        except BadData:
            return match.group(0)
        return match.group(1) + started_token(post_id).encode() + match.group(3)

    return STARTED_INPUT.sub(fresh, page)
