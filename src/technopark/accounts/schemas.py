"""Output shapes of the signed-in person in the API."""

from __future__ import annotations

from ninja import Field, Schema

from technopark.accounts.models import GlobalRole
from technopark.parks.models import MembershipStatus, Role


class MembershipOut(Schema):
    park: str = Field(description="The park's slug.")
    role: Role
    status: MembershipStatus

    @staticmethod
    def resolve_park(membership: object) -> str:
        return str(membership.park.slug)  # type: ignore[attr-defined]


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    global_role: GlobalRole = Field(
        description="platform_admin, national_observer, or empty for everyone else."
    )
    memberships: list[MembershipOut] = Field(
        description="Every role the person holds or has asked for, in every park."
    )
