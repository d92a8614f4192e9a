"""Reads for the account pages and the people page of a park."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from technopark.accounts.models import ApiToken, Invitation, User
from technopark.notices import queries as notice_queries
from technopark.parks.models import STAFF_ROLES, Membership, MembershipStatus, Park, Role
from technopark.parks.prepared import PreparedRead

_USER_BY_TOKEN = PreparedRead(
    lambda key_hash: (
        User.objects.filter(
            api_tokens__key_hash=key_hash, api_tokens__revoked_at__isnull=True, is_active=True
        )
        .order_by()
        .annotate(
            token_id=F("api_tokens__id"),
            token_last_used_at=F("api_tokens__last_used_at"),
            token_expires_at=F("api_tokens__expires_at"),
            token_scope=F("api_tokens__scope"),
            token_fingerprint=F("api_tokens__password_fingerprint"),
            token_for_staff=F("api_tokens__for_staff"),
            staff_member=Exists(
                Membership.all_parks.filter(
                    user=OuterRef("pk"), role__in=STAFF_ROLES, status=MembershipStatus.ACTIVE
                )
            ),
            totp=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
        )
    ),
    key_hash="\x00token-hash\x00",
)
_ACTIVE_USER = PreparedRead(
    lambda user_id: (
        User.objects.filter(pk=user_id)
        .annotate(unread_notices=notice_queries.unread_count_of_outer_user())
        .order_by()
    ),
    user_id=-900_101,
)


def user_by_token_hash(*, key_hash: str) -> User | None:
    """The active user behind an unrevoked token, annotated with the token's fields
    (``token_id``, ``token_last_used_at``, ``token_expires_at``, ``token_scope``,
    ``token_fingerprint``, ``token_for_staff``) and whether the owner is staff in some park
    (``staff_member``) and has an authenticator app (``totp``): one query.

    Asked on every API call with a token, so prepared once (``parks.prepared``).
    """
    rows = _USER_BY_TOKEN.objects(key_hash=key_hash)
    return rows[0] if rows else None


def user_by_id(*, user_id: Any) -> User | None:
    """The user of a session: asked on every signed-in request, so prepared once. It carries
    ``unread_notices`` for the header's inbox link (no query of its own)."""
    rows = _ACTIVE_USER.objects(user_id=user_id)
    return rows[0] if rows else None


def token_hashes_of(*, user_id: Any) -> QuerySet[ApiToken, str]:
    return ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True).values_list(
        "key_hash", flat=True
    )


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


def holds_verified_address(*, user: Any, email: str) -> bool:
    """Does ``user`` hold ``email`` (any letter case) as a confirmed address?

    Confirmed by allauth (a verified ``EmailAddress``), or the account's own address when no
    sign-up ever recorded it (accounts made by an administrator or a command): such an address
    was never claimed by anyone unconfirmed. One or two queries.
    """
    email = email.strip()
    if EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        return True
    return (
        str(getattr(user, "email", "")).lower() == email.lower()
        and not EmailAddress.objects.filter(email__iexact=email).exists()
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


def open_invitations_to(*, user: Any) -> list[Invitation]:
    """Open invitations to the person's own address, in any park, with the park and who sent
    them (one query): their personal page reminds them to open the link in the e-mail."""
    return list(
        Invitation.all_parks.filter(
            email__iexact=user.email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("park", "invited_by")
        .order_by("-created_at", "-pk")
    )
