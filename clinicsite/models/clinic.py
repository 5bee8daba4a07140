"""The clinic itself: its settings (one row) and its studios."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.markdown import renders_markdown, stored_html
from clinicsite.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from clinicsite.models.areas import ServiceArea


class ClinicSettings(db.Model):
    """Name, contact details and booking policy. There is exactly one row (id 1)."""

    __tablename__ = "clinic_settings"
    __table_args__ = (
        sa.CheckConstraint("min_notice_hours >= 0", name="min_notice"),
        sa.CheckConstraint("horizon_days >= 1", name="horizon"),
        sa.CheckConstraint("slot_step_minutes >= 5", name="slot_step"),
        sa.CheckConstraint("cancellation_window_hours >= 0", name="cancellation_window"),
        # Stripe Checkout sessions expire 30 minutes to 24 hours after creation.
        sa.CheckConstraint("hold_minutes >= 30 AND hold_minutes <= 1440", name="hold_minutes"),
        sa.CheckConstraint("no_show_fee >= 0 AND late_cancel_fee >= 0", name="fees"),
        sa.CheckConstraint(
            "max_holds_per_client >= 0 AND max_bookings_per_client_day >= 0 "
            "AND max_free_per_client >= 0",
            name="client_limits",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    tagline: Mapped[str] = mapped_column(sa.String(200), default="")
    about: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    about_html: Mapped[str] = stored_html()
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    street: Mapped[str] = mapped_column(sa.String(200), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    state: Mapped[str] = mapped_column(sa.String(100), default="")
    postal_code: Mapped[str] = mapped_column(sa.String(20), default="")
    country: Mapped[str] = mapped_column(sa.String(2), default="US")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="America/Los_Angeles")
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD")
    cancellation_window_hours: Mapped[int] = mapped_column(default=24)
    min_notice_hours: Mapped[int] = mapped_column(default=12)
    horizon_days: Mapped[int] = mapped_column(default=60)
    slot_step_minutes: Mapped[int] = mapped_column(default=15)
    hold_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    # What one online client (an address, an email or a device) may take; 0 means no limit.
    # See clinicsite/appointments/limits.py. Staff bookings are never limited.
    max_holds_per_client: Mapped[int] = mapped_column(default=2, server_default="2")
    max_bookings_per_client_day: Mapped[int] = mapped_column(default=6, server_default="6")
    max_free_per_client: Mapped[int] = mapped_column(default=1, server_default="1")
    # How long a freed time offered to the waitlist is kept for the client (clinicsite/waitlist).
    waitlist_offer_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    # Quiet hours, local wall-clock: no reminder goes out from quiet_start to quiet_end
    # (crossing midnight when the end is earlier). Equal times: no quiet hours.
    quiet_start: Mapped[time] = mapped_column(default=time(21), server_default="21:00:00")
    quiet_end: Mapped[time] = mapped_column(default=time(8), server_default="08:00:00")
    # Clients may turn a confirmed booking into a standing appointment from its manage page
    # (appointments/client_series.py), of at most `max_series_visits` visits.
    clients_book_series: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    max_series_visits: Mapped[int] = mapped_column(default=12, server_default="12")
    # Gift cards (clinicsite/giftcards): the amounts offered online, the range of a custom
    # amount (minor units; 0 = no custom amount), and how long a card lasts (0 = it never
    # expires, the default: California, like many states, generally forbids expiry).
    gift_card_amounts: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    gift_card_min: Mapped[int] = mapped_column(default=2500, server_default="2500")
    gift_card_max: Mapped[int] = mapped_column(default=50000, server_default="50000")
    gift_card_expiry_months: Mapped[int] = mapped_column(default=0, server_default="0")
    # Cards on file and the policy's fees (issue 14, appointments/fees.py): when on, online
    # booking saves the client's card after they agree to these fees, fixed amounts in
    # minor units (0: no such fee), never more than the visit's price less its deposit.
    cards_on_file: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    no_show_fee: Mapped[int] = mapped_column(default=0, server_default="0")
    late_cancel_fee: Mapped[int] = mapped_column(default=0, server_default="0")
    # Packages of sessions (clinicsite/packages): a late cancellation keeps the session used
    # unless `package_late_cancel_returns`; a no-show always keeps it. Refunding a package's
    # unused sessions pays back their share ("pro_rata") or nothing ("none") by default.
    package_late_cancel_returns: Mapped[bool] = mapped_column(
        default=False, server_default=sa.false()
    )
    package_refund: Mapped[str] = mapped_column(
        sa.String(20), default="pro_rata", server_default="pro_rata"
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    _render_about = renders_markdown("about", "about_html")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


LOCATION_KINDS = ("studio", "mobile")


class Location(db.Model):
    """A studio where in-clinic appointments happen, or (kind "mobile") the hours in which
    therapists go to clients' addresses: working hours there are home-visit hours, and a
    home visit is written at it with the client's address (models/booking.py). A mobile
    location has no address and is never shown as a studio."""

    __tablename__ = "location"
    __table_args__ = (sa.CheckConstraint("kind IN ('studio', 'mobile')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_area.id"), index=True)
    street: Mapped[str] = mapped_column(sa.String(200))
    city: Mapped[str] = mapped_column(sa.String(100))
    state: Mapped[str] = mapped_column(sa.String(100), default="")
    postal_code: Mapped[str] = mapped_column(sa.String(20), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    directions: Mapped[str] = mapped_column(sa.Text, default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(10), default="studio", server_default="studio")

    area: Mapped[ServiceArea | None] = relationship(back_populates="locations")

    @property
    def mobile(self) -> bool:
        return self.kind == "mobile"

    @property
    def one_line_address(self) -> str:
        return ", ".join(
            p for p in (self.street, self.city, f"{self.state} {self.postal_code}".strip()) if p
        )
