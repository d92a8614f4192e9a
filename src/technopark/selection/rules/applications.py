"""Permission predicates: calls, applications and their eligibility screening.

* Calls: anyone who may see the park sees its published calls (anonymous visitors of a public
  park too); staff (managers, park admins) create, edit, publish and close them.
* Applications: a founder applies for a company they act for; the company's team reads the
  application; staff read every application of the park, screen eligibility and ask for more
  information. Assigned experts who are not conflicted open an application (and its files) as
  the review part decides (``rules.review.can_open_application``).
"""

from __future__ import annotations

from typing import Any

from technopark.companies.models import Company
from technopark.companies.rules import acts_for
from technopark.core.scopes import in_park
from technopark.parks.models import Role
from technopark.parks.rules import ParkAccess, can_view_park, is_staff

__all__ = [
    "can_apply",
    "can_apply_for",
    "can_edit_application",
    "can_list_own_applications",
    "can_manage_calls",
    "can_open_application_file",
    "can_request_information",
    "can_screen_applications",
    "can_view_application",
    "can_view_call",
    "can_view_calls",
    "can_withdraw_application",
    "is_applicant",
]


def can_view_calls(access: ParkAccess) -> bool:
    """The public list of open calls: whoever may see the park."""
    return can_view_park(access)


def can_view_call(access: ParkAccess, call: Any) -> bool:
    """A published call, by whoever may see the park; a draft or archived one, by staff."""
    if not in_park(access, call):
        return False
    if is_staff(access):
        return True
    return can_view_park(access) and call.status == "published"


def can_manage_calls(access: ParkAccess) -> bool:
    """Create, edit, publish and close calls; edit their forms and criteria: staff."""
    return is_staff(access)


def can_apply(access: ParkAccess) -> bool:
    """May apply for some company (asked before a company is looked up): founders."""
    return access.is_authenticated and Role.FOUNDER in access.roles


def can_list_own_applications(access: ParkAccess) -> bool:
    return can_apply(access)


def can_apply_for(access: ParkAccess, company: Company) -> bool:
    """A founder applies for a company of the park they act for."""
    return can_apply(access) and in_park(access, company) and acts_for(access, company)


def is_applicant(access: ParkAccess, application: Any) -> bool:
    """The visitor acts for the applying company (a founder in its team)."""
    return (
        in_park(access, application) and can_apply(access) and acts_for(access, application.company)
    )


def can_view_application(access: ParkAccess, application: Any) -> bool:
    """The applicant's team (acting founders) and the park's staff."""
    if not in_park(access, application):
        return False
    return is_staff(access) or is_applicant(access, application)


def can_edit_application(access: ParkAccess, application: Any) -> bool:
    """The applicant changes a draft, or the answers while more information is asked."""
    return application.status in ("draft", "info_requested") and is_applicant(access, application)


def can_withdraw_application(access: ParkAccess, application: Any) -> bool:
    return application.status in ("draft", "submitted", "info_requested") and is_applicant(
        access, application
    )


def can_open_application_file(access: ParkAccess, application: Any) -> bool:
    """Uploaded files: the applicant's team, staff, and assigned experts without a conflict
    (as the review part decides)."""
    if can_view_application(access, application):
        return True
    if not in_park(access, application) or Role.EXPERT not in access.roles:
        return False
    from technopark.selection.rules import review

    predicate = getattr(review, "can_open_application", None)
    return bool(predicate(access, application)) if predicate is not None else False


def can_screen_applications(access: ParkAccess) -> bool:
    """See a call's applications with their eligibility checks, confirm or override them."""
    return is_staff(access)


def can_request_information(access: ParkAccess, application: Any) -> bool:
    return is_staff(access) and in_park(access, application)
