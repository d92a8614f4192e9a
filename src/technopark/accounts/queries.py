from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import QuerySet

from technopark.accounts.models import ApiToken
from technopark.parks.models import STAFF_ROLES, Membership, MembershipStatus


def holds_staff_role(*, user: Any) -> bool:
    return bool(user.is_platform_admin or user.is_superuser) or (
        Membership.all_parks.filter(
            user=user, role__in=STAFF_ROLES, status=MembershipStatus.ACTIVE
        ).exists()
    )


def needs_mfa_setup(*, user: Any) -> bool:
    """Staff without a TOTP authenticator yet. Two queries at most, only for signed-in people."""
    if not holds_staff_role(user=user):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def api_tokens(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
