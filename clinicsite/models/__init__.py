"""The models, one module per domain; importing this package registers all of them."""

from clinicsite.models.addons import AddOn, AppointmentAddOn
from clinicsite.models.areas import AreaService, Region, ServiceArea
from clinicsite.models.audit import AuditEvent
from clinicsite.models.blog import (
    Category,
    Comment,
    Post,
    PostRedirect,
    Tag,
    post_category,
    post_service,
    post_tag,
)
from clinicsite.models.booking import (
    BLOCKING,
    STATUSES,
    Appointment,
    Payment,
    ProcessedEvent,
    Refund,
    appointment_details,
)
from clinicsite.models.calendars import ExternalBusy, ExternalCalendar
from clinicsite.models.cardfees import FEE_KINDS, CardSetup, FeeCharge, FeeConsent, FeeRefund
from clinicsite.models.catalogue import VISIT_MODES, Service, ServiceOption
from clinicsite.models.clients import Client
from clinicsite.models.clinic import LOCATION_KINDS, ClinicSettings, Location
from clinicsite.models.closures import Closure
from clinicsite.models.content import ContentVersion
from clinicsite.models.coupons import Coupon, CouponUse, coupon_service
from clinicsite.models.giftcards import GiftCard, GiftCardEntry, GiftCardOrder
from clinicsite.models.inquiry import Inquiry
from clinicsite.models.intake import QUESTION_KINDS, ConsentText, IntakeQuestion
from clinicsite.models.mail import OutboxEmail
from clinicsite.models.memberships import Membership, MembershipPlan
from clinicsite.models.newsletter import (
    LeadMagnet,
    NewsletterDelivery,
    NewsletterIssue,
    PostAlert,
    Subscriber,
    WeeklyDigest,
    newsletter_issue_area,
    newsletter_issue_post,
    subscriber_area,
)
from clinicsite.models.packages import Package, PackagePurchase, PackageUse
from clinicsite.models.payments import STUDIO_METHODS, DayClose, StudioPayment
from clinicsite.models.reminders import ReminderRule, ReminderSent, SmsOptOut
from clinicsite.models.rooms import Equipment, Room
from clinicsite.models.series import Series
from clinicsite.models.signin import SignInLink
from clinicsite.models.staff import ROLES, AccountLink, StaffUser
from clinicsite.models.texts import OutboxText
from clinicsite.models.therapists import (
    ExtraHours,
    Therapist,
    TimeOff,
    WorkingHours,
    therapist_service,
)
from clinicsite.models.travel import TravelTime
from clinicsite.models.waitlist import WaitlistEntry, WaitlistOffer

__all__ = [
    "BLOCKING",
    "ROLES",
    "STATUSES",
    "Appointment",
    "appointment_details",
    "AuditEvent",
    "Category",
    "Closure",
    "ExternalBusy",
    "ExternalCalendar",
    "Comment",
    "LeadMagnet",
    "NewsletterDelivery",
    "NewsletterIssue",
    "newsletter_issue_area",
    "newsletter_issue_post",
    "subscriber_area",
    "PostAlert",
    "WeeklyDigest",
    "Post",
    "PostRedirect",
    "Subscriber",
    "Tag",
    "post_category",
    "post_service",
    "post_tag",
    "ExtraHours",
    "GiftCard",
    "GiftCardEntry",
    "GiftCardOrder",
    "OutboxEmail",
    "Payment",
    "ProcessedEvent",
    "Refund",
    "TimeOff",
    "AreaService",
    "ClinicSettings",
    "ContentVersion",
    "Inquiry",
    "Location",
    "Region",
    "Service",
    "ServiceArea",
    "ServiceOption",
    "StaffUser",
    "AccountLink",
    "Therapist",
    "WorkingHours",
    "therapist_service",
    "SignInLink",
    "Client",
    "Series",
    "WaitlistEntry",
    "WaitlistOffer",
    "ReminderRule",
    "ReminderSent",
    "SmsOptOut",
    "OutboxText",
    "AddOn",
    "AppointmentAddOn",
    "STUDIO_METHODS",
    "DayClose",
    "StudioPayment",
    "Coupon",
    "CouponUse",
    "coupon_service",
    "FEE_KINDS",
    "CardSetup",
    "FeeCharge",
    "FeeConsent",
    "FeeRefund",
    "Membership",
    "MembershipPlan",
    "Package",
    "PackagePurchase",
    "PackageUse",
    "Equipment",
    "Room",
    "QUESTION_KINDS",
    "ConsentText",
    "IntakeQuestion",
    "LOCATION_KINDS",
    "VISIT_MODES",
    "TravelTime",
]
