"""Who may see or do what in a park: named predicates used by views, the API and templates alike.

Every predicate takes a ``ParkAccess``: the visitor, the park they are in, and their active roles
there. Membership is loaded once per request by the park middleware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from technopark.parks import caching
from technopark.parks.models import STAFF_ROLES, MembershipStatus, Park, Role


@dataclass(frozen=True)
class ParkAccess:
    user: Any  # a User or AnonymousUser
    park: Park | None
    roles: frozenset[str] = field(default_factory=frozenset)
    requested_roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user.is_authenticated)

    @property
    def is_platform_admin(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_platform_admin)

    @property
    def is_national_observer(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_national_observer)


def access_for(user: Any, park: Park | None) -> ParkAccess:  # a User or AnonymousUser
    """Load the visitor's roles in ``park`` (one query; none for anonymous visitors)."""
    if park is None or not user.is_authenticated:
        return ParkAccess(user=user, park=park)
    rows = caching.roles_in_park(park=park, user=user)
    roles = frozenset(role for role, status in rows if status == MembershipStatus.ACTIVE)
    requested = frozenset(role for role, status in rows if status == MembershipStatus.REQUESTED)
    return ParkAccess(user=user, park=park, roles=roles, requested_roles=requested)


def is_member(access: ParkAccess) -> bool:
    """Holds any active role in the park (platform administrators count as members everywhere)."""
    return bool(access.roles) or access.is_platform_admin


def is_staff(access: ParkAccess) -> bool:
    return bool(access.roles & STAFF_ROLES) or access.is_platform_admin


def is_park_admin(access: ParkAccess) -> bool:
    return Role.PARK_ADMIN in access.roles or access.is_platform_admin


def has_role(access: ParkAccess, role: str) -> bool:
    return role in access.roles


def can_view_park(access: ParkAccess) -> bool:
    """The public page of a park: anyone for a public park, members for a private one."""
    park = access.park
    return park is not None and (park.is_public or is_member(access))


def can_read_records(access: ParkAccess) -> bool:
    """The park's working records (companies, people): its members and observers."""
    return is_member(access)


def can_export_records(access: ParkAccess) -> bool:
    return is_staff(access) or has_role(access, Role.OBSERVER)


def can_configure_park(access: ParkAccess) -> bool:
    """Sites and directions: the park's administrators (and platform administrators)."""
    return is_park_admin(access)


def can_manage_members(access: ParkAccess) -> bool:
    return is_staff(access)


def can_grant_role(access: ParkAccess, role: str) -> bool:
    """Managers invite anyone but staff; only park admins make managers and admins."""
    if role in STAFF_ROLES:
        return is_park_admin(access)
    return is_staff(access)


def can_request_membership(access: ParkAccess) -> bool:
    # Only newcomers ask; a member of the park already has a way in (staff grant further roles).
    return (
        access.is_authenticated
        and access.park is not None
        and access.park.is_public
        and not access.roles
        and not access.requested_roles
    )
