"""Permission predicates: the council part.

The council's table, the reviews with their notes for the council and the decisions are for the
park's staff (managers and park administrators). An applicant reads only the notice of the
decision on their own company's application.
"""

from __future__ import annotations

from technopark.companies.rules import acts_for
from technopark.core.scopes import in_park
from technopark.parks.rules import ParkAccess, is_staff
from technopark.selection.models import Application

__all__ = [
    "can_decide",
    "can_read_decision_notice",
    "can_read_decision_notices",
    "can_view_council",
]


def can_view_council(access: ParkAccess) -> bool:
    """The ranking table, every filed review with its note for the council, the decisions."""
    return is_staff(access)


def can_decide(access: ParkAccess) -> bool:
    """Record decisions, one by one or in batch."""
    return is_staff(access)


def can_read_decision_notices(access: ParkAccess) -> bool:
    """May read some decision notice of the park (asked before an application is looked up)."""
    return access.is_authenticated and bool(access.roles or access.is_platform_admin)


def can_read_decision_notice(access: ParkAccess, application: Application) -> bool:
    """The notice of a decision on ``application``: those who act for the applicant, and staff."""
    if not can_read_decision_notices(access):
        return False
    if not in_park(access, application):
        return False
    if is_staff(access):
        return True
    return acts_for(access, application.company)
