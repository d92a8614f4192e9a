"""Who may see the resident register, manage residents and file or read quarterly reports."""

from __future__ import annotations

from technopark.companies.rules import acts_for
from technopark.core.scopes import in_park
from technopark.parks.models import Role
from technopark.parks.rules import ParkAccess, can_view_park, has_role, is_staff
from technopark.residency.models import ResidentStatus


def can_view_register(access: ParkAccess) -> bool:
    """The public register (page, CSV, API): anyone who may see the park."""
    return can_view_park(access)


def can_view_residents(access: ParkAccess) -> bool:
    """The staff's resident pages (status history, reports, overdue list): staff read them, and
    observers (the ministry) read them without acting."""
    return is_staff(access) or has_role(access, Role.OBSERVER)


def can_view_resident(access: ParkAccess, resident: ResidentStatus) -> bool:
    return can_view_residents(access) and in_park(access, resident)


def can_manage_residents(access: ParkAccess) -> bool:
    """Admit, suspend, reinstate, revoke and end: the park's staff."""
    return is_staff(access)


def can_manage_resident(access: ParkAccess, resident: ResidentStatus) -> bool:
    return can_manage_residents(access) and in_park(access, resident)


def can_export_reports(access: ParkAccess) -> bool:
    """The XLSX of a quarter's reports: whoever reads the staff's resident pages."""
    return can_view_residents(access)


def can_file_reports(access: ParkAccess) -> bool:
    """May file reports for some company (asked before any company is looked up)."""
    return has_role(access, Role.FOUNDER)


def can_file_report(access: ParkAccess, resident: ResidentStatus) -> bool:
    """A founder acting for the resident company files its reports while it is a resident."""
    return (
        can_file_reports(access)
        and in_park(access, resident)
        and resident.is_current
        and acts_for(access, resident.company)
    )
