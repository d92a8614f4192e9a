"""Who may see and change companies."""

from __future__ import annotations

from technopark.companies.models import Company, TeamMember
from technopark.parks.models import Role
from technopark.parks.rules import ParkAccess, can_export_records, can_read_records, is_staff


def can_list_companies(access: ParkAccess) -> bool:
    return can_read_records(access)


def can_view_company(access: ParkAccess, company: Company) -> bool:
    return can_read_records(access) and company.park_id == getattr(access.park, "pk", None)


def can_create_company(access: ParkAccess) -> bool:
    return is_staff(access) or Role.FOUNDER in access.roles


def acts_for(access: ParkAccess, company: Company) -> bool:
    """The visitor is in the company's team and acts for it (one query)."""
    if not access.is_authenticated:
        return False
    return TeamMember.objects.filter(
        company=company, user=access.user, acts_for_company=True
    ).exists()


def can_edit_company(access: ParkAccess, company: Company) -> bool:
    """Staff edit any company of their park; a founder edits the companies they act for."""
    if not can_view_company(access, company):
        return False
    if is_staff(access):
        return True
    return Role.FOUNDER in access.roles and acts_for(access, company)


def can_export_companies(access: ParkAccess) -> bool:
    return can_export_records(access)
