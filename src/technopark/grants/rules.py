"""Who may see grants, decide them, move their money, and report on their milestones.

* Staff (park admins and managers) see every grant of the park, award, request, approve, pay,
  cancel, claw back, add milestones and review reports. Two *different* staff members approve
  each tranche (the services refuse the same person twice).
* Observers (the ministry) read every grant, the ledger and the export; they change nothing.
* The park's grant policy (pay only against accepted reports, segregation of duties) is read by
  staff and observers and changed by park admins only: the managers who request, approve and
  pay are the ones the policy controls.
* Founders see the grants of the companies they act for ("my grants") and file milestone
  reports for them.
"""

from __future__ import annotations

from technopark.companies.rules import acts_for
from technopark.core.scopes import in_park
from technopark.grants.models import GrantAward, Milestone, MilestoneStatus
from technopark.parks.models import Role
from technopark.parks.rules import ParkAccess, has_role, is_park_admin, is_staff


def can_view_grants(access: ParkAccess) -> bool:
    """The staff's grant list, the ledger and every award: staff and observers."""
    return is_staff(access) or has_role(access, Role.OBSERVER)


def can_manage_grants(access: ParkAccess) -> bool:
    """Award, plan milestones, request, approve, pay, cancel, claw back, review: staff."""
    return is_staff(access)


def can_view_grant_policy(access: ParkAccess) -> bool:
    """The park's grant policy page: staff and observers."""
    return can_view_grants(access)


def can_change_grant_policy(access: ParkAccess) -> bool:
    """Turn the payment gate or segregation of duties on or off: park admins."""
    return is_park_admin(access)


def can_cancel_award(access: ParkAccess, award: GrantAward) -> bool:
    """Cancel a whole award (its unpaid tranches with it): staff, while it is not cancelled."""
    return can_manage_award(access, award) and award.cancelled_at is None


def can_export_grants(access: ParkAccess) -> bool:
    return can_view_grants(access)


def can_view_my_grants(access: ParkAccess) -> bool:
    """'My grants': founders (asked before any grant is looked up)."""
    return has_role(access, Role.FOUNDER)


def can_open_awards(access: ParkAccess) -> bool:
    """May open some award page (asked before the award is looked up)."""
    return can_view_grants(access) or can_view_my_grants(access)


def can_view_award(access: ParkAccess, award: GrantAward) -> bool:
    if not in_park(access, award):
        return False
    if can_view_grants(access):
        return True
    return can_view_my_grants(access) and acts_for(access, award.participant.company)


def can_manage_award(access: ParkAccess, award: GrantAward) -> bool:
    return can_manage_grants(access) and in_park(access, award)


def can_file_grant_report(access: ParkAccess, milestone: Milestone) -> bool:
    """A founder acting for the company reports on a milestone not yet accepted."""
    award = milestone.award
    return (
        can_view_my_grants(access)
        and in_park(access, award)
        and milestone.status != MilestoneStatus.ACCEPTED
        and acts_for(access, award.participant.company)
    )


def can_open_report_files(access: ParkAccess, award: GrantAward) -> bool:
    """Report attachments: whoever may see the award."""
    return can_view_award(access, award)
