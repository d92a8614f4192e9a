"""Who may manage the people of a park: invite, approve, decline, remove, revoke.

The rule is the same as for granting a role (``parks.rules.can_grant_role``): managers handle every
role but the staff roles, which only park admins (and platform administrators) give or take away.
"""

from __future__ import annotations

from technopark.accounts.models import Invitation
from technopark.core.scopes import in_park
from technopark.parks.models import Membership
from technopark.parks.rules import ParkAccess, can_grant_role, can_manage_members


def can_view_people(access: ParkAccess) -> bool:
    return can_manage_members(access)


def can_invite(access: ParkAccess, role: str) -> bool:
    return can_manage_members(access) and can_grant_role(access, role)


def can_decide_membership(access: ParkAccess, membership: Membership) -> bool:
    """Approve or decline a join request, or take an active role away."""
    return (
        can_manage_members(access)
        and in_park(access, membership)
        and can_grant_role(access, membership.role)
    )


def can_revoke_invitation(access: ParkAccess, invitation: Invitation) -> bool:
    return (
        can_manage_members(access)
        and in_park(access, invitation)
        and can_grant_role(access, invitation.role)
    )
