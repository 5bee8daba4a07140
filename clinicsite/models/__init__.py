"""The models, one module per domain; importing this package registers all of them."""

from clinicsite.models.areas import AreaService, Region, ServiceArea
from clinicsite.models.catalogue import Service, ServiceOption
from clinicsite.models.clinic import ClinicSettings, Location
from clinicsite.models.inquiry import Inquiry
from clinicsite.models.staff import ROLES, StaffUser
from clinicsite.models.therapists import Therapist, WorkingHours, therapist_service

__all__ = [
    "ROLES",
    "AreaService",
    "ClinicSettings",
    "Inquiry",
    "Location",
    "Region",
    "Service",
    "ServiceArea",
    "ServiceOption",
    "StaffUser",
    "Therapist",
    "WorkingHours",
    "therapist_service",
]
