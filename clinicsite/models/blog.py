"""The blog: posts with categories, tags and related services, and readers' comments."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.catalogue import Service
from clinicsite.models.staff import StaffUser
from clinicsite.models.types import UTCDateTime, utcnow

post_category = sa.Table(
    "post_category",
    db.metadata,
    sa.Column("post_id", sa.ForeignKey("post.id"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("category.id"), primary_key=True, index=True),
)
post_tag = sa.Table(
    "post_tag",
    db.metadata,
    sa.Column("post_id", sa.ForeignKey("post.id"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tag.id"), primary_key=True, index=True),
)
post_service = sa.Table(
    "post_service",
    db.metadata,
    sa.Column("post_id", sa.ForeignKey("post.id"), primary_key=True),
    sa.Column("service_id", sa.ForeignKey("service.id"), primary_key=True, index=True),
)


class Category(db.Model):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")


class Tag(db.Model):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))


class Post(db.Model):
    """A post is public when status is 'published' and published_at has come: a future
    published_at schedules it, and it appears by itself when due."""

    __tablename__ = "post"
    __table_args__ = (
        sa.CheckConstraint("status IN ('draft', 'published')", name="status"),
        sa.Index("ix_post_public", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(400), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown as written
    body_html: Mapped[str] = mapped_column(sa.Text, default="")  # rendered and sanitized
    cover_image: Mapped[str | None] = mapped_column(sa.String(200))  # stored file name
    cover_alt: Mapped[str] = mapped_column(sa.String(300), default="")
    seo_title: Mapped[str] = mapped_column(sa.String(200), default="")
    seo_description: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    reading_minutes: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    author: Mapped[StaffUser | None] = relationship()
    categories: Mapped[list[Category]] = relationship(
        secondary=post_category, order_by=Category.name
    )
    tags: Mapped[list[Tag]] = relationship(secondary=post_tag, order_by=Tag.name)
    services: Mapped[list[Service]] = relationship(
        secondary=post_service, order_by=Service.position
    )


class PostRedirect(db.Model):
    """An old slug of a post, answered with a 301 to the current one."""

    __tablename__ = "post_redirect"

    old_slug: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"), index=True)

    post: Mapped[Post] = relationship()


class Comment(db.Model):
    __tablename__ = "comment"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'approved', 'spam')", name="status"),
        sa.Index("ix_comment_post_status", "post_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(80))
    email: Mapped[str] = mapped_column(sa.String(254))  # never shown
    body: Mapped[str] = mapped_column(sa.Text)  # plain text, escaped when shown
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    post: Mapped[Post] = relationship()
