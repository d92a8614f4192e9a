"""Reads more than one part uses: the park's people with given roles, and the time zone a
session or demo day is held in.
"""

from __future__ import annotations

from typing import Any

from technopark.accounts.models import User
from technopark.parks.models import Membership, MembershipStatus, Park


def members_with_roles(*, park: Park, roles: list[str]) -> list[User]:
    """Active people of the park who hold one of ``roles`` (one query)."""
    ids = Membership.all_parks.filter(
        park=park, role__in=roles, status=MembershipStatus.ACTIVE
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "email"))


def zone_name(*, site: Any = None, cohort: Any = None, park: Any = None) -> str:
    """The zone a session or demo day is held in: the given site's, else the cohort's site's,
    else the park's."""
    if site is not None:
        return str(site.time_zone)
    if cohort is not None and cohort.site_id is not None and cohort.site is not None:
        return str(cohort.site.time_zone)
    if cohort is not None:
        park = cohort.park
    return str(getattr(park, "time_zone", "UTC") or "UTC")
