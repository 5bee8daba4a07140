"""Counters of what the public pages show, bumped in the same transaction as every edit that
changes it: the page cache keys its entries on them (clinicsite/pagecache/)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from clinicsite.extensions import db


class ContentVersion(db.Model):
    __tablename__ = "content_version"

    # "site": the catalogue, areas, studios, therapists and settings (every page's header
    # and footer show some of it); "blog": posts, their categories, tags and comments.
    name: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
