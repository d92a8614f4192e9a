"""Who may see and change companies."""

from __future__ import annotations

from technopark.companies.models import Company
from technopark.core.scopes import in_park
from technopark.parks.models import Role
from technopark.parks.rules import ParkAccess, can_export_records, can_read_records, is_staff


def can_list_companies(access: ParkAccess) -> bool:
    return can_read_records(access)


def can_view_company(access: ParkAccess, company: Company) -> bool:
    return can_read_records(access) and in_park(access, company)


def can_create_company(access: ParkAccess) -> bool:
    return is_staff(access) or Role.FOUNDER in access.roles


def joins_team_on_create(access: ParkAccess) -> bool:
    """Staff register companies for others; a founder registers their own and joins its team."""
    return Role.FOUNDER in access.roles and not is_staff(access)


def acts_for(access: ParkAccess, company: Company) -> bool:
    """The visitor is in the company's team and acts for it.

    No query when the company's team is already loaded (the company page prefetches it:
    ``team.all()`` then answers from the prefetch); one query otherwise.
    """
    if not access.is_authenticated:
        return False
    return any(
        member.user_id == access.user.pk and member.acts_for_company
        for member in company.team.all()
    )


def can_edit_company(access: ParkAccess, company: Company) -> bool:
    """Staff edit any company of their park; a founder edits the companies they act for."""
    if not can_view_company(access, company):
        return False
    if is_staff(access):
        return True
    return Role.FOUNDER in access.roles and acts_for(access, company)


def can_edit_companies(access: ParkAccess) -> bool:
    """May edit some company of the park: staff, or a founder (their own companies only).

    Asked before a company is looked up, so that a visitor who may edit none learns nothing
    about which companies exist.
    """
    return is_staff(access) or Role.FOUNDER in access.roles


def can_set_park_flags(access: ParkAccess) -> bool:
    """Whether a company was started or supported by the park counts in its figures: staff decide."""
    return is_staff(access)


def can_manage_team(access: ParkAccess, company: Company) -> bool:
    """Add and remove team members: whoever may edit the company."""
    return can_edit_company(access, company)


def can_export_companies(access: ParkAccess) -> bool:
    return can_export_records(access)
