"""Reads for the account pages and the people page of a park."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import QuerySet
from django.utils import timezone

from technopark.accounts.models import ApiToken, Invitation
from technopark.parks.models import STAFF_ROLES, Membership, MembershipStatus, Park, Role


def holds_staff_role(*, user: Any) -> bool:
    return bool(user.is_platform_admin or user.is_superuser) or (
        Membership.all_parks.filter(
            user=user, role__in=STAFF_ROLES, status=MembershipStatus.ACTIVE
        ).exists()
    )


def has_totp(*, user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_mfa_setup(*, user: Any) -> bool:
    """Staff without a TOTP authenticator yet. Two queries at most, only for signed-in people."""
    if not holds_staff_role(user=user):
        return False
    return not has_totp(user=user)


def api_tokens(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def memberships_of_user(*, user: Any) -> QuerySet[Membership]:
    """Every role the person holds or has asked for, in every park, with the park (one query)."""
    return (
        Membership.all_parks.filter(user=user)
        .select_related("park")
        .order_by("park__name", "park_id", "status", "role")
    )


def email_addresses(*, user: Any) -> QuerySet[EmailAddress]:
    return EmailAddress.objects.filter(user=user).order_by("-primary", "email")


@dataclass
class RoleGroup:
    role: Role
    memberships: list[Membership] = field(default_factory=list)


@dataclass
class ParkPeople:
    """What the people page of a park shows."""

    groups: list[RoleGroup]
    requests: list[Membership]
    invitations: list[Invitation]

    @property
    def active_count(self) -> int:
        return len({m.user_id for group in self.groups for m in group.memberships})


def people_of_park(*, park: Park) -> ParkPeople:
    """Active members grouped by role (in the order of ``Role``), join requests, open invitations.

    Two queries: the memberships with their users, and the open invitations with their inviters.
    """
    groups = {role: RoleGroup(role=Role(role)) for role in Role.values}
    requests: list[Membership] = []
    rows = (
        Membership.all_parks.filter(park=park)
        .select_related("user")
        .order_by("user__full_name", "user__email", "pk")
    )
    for membership in rows:
        if membership.status == MembershipStatus.ACTIVE:
            groups[membership.role].memberships.append(membership)
        else:
            requests.append(membership)
    requests.sort(key=lambda m: m.created_at)
    return ParkPeople(
        groups=[group for group in groups.values() if group.memberships],
        requests=requests,
        invitations=list(open_invitations(park=park)),
    )


def open_invitations(*, park: Park) -> QuerySet[Invitation]:
    return (
        Invitation.all_parks.filter(
            park=park,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )
