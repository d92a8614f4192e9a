from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from technopark.parks.models import Direction, Membership, MembershipStatus, Park, Site
from technopark.parks.prepared import PreparedRead

_PARK_BY_SLUG = PreparedRead(
    lambda slug: Park.objects.filter(slug=slug).order_by(), slug="\x00park-slug\x00"
)
_ROLES_IN_PARK = PreparedRead(
    lambda park_id, user_id: (
        Membership.all_parks.filter(park_id=park_id, user_id=user_id)
        .order_by()
        .values_list("role", "status")
    ),
    park_id=-900_001,
    user_id=-900_002,
)
_PARKS_OF_MEMBER = PreparedRead(
    lambda user_id: Park.objects.filter(
        memberships__user_id=user_id, memberships__status=MembershipStatus.ACTIVE
    ).distinct(),
    user_id=-900_003,
)


def park_by_slug(*, slug: str) -> Park | None:
    """The park at ``/<slug>/``: asked on every park page, so prepared once (parks.prepared)."""
    rows = _PARK_BY_SLUG.objects(slug=slug)
    return rows[0] if rows else None


def roles_in_park(*, park: Park, user: Any) -> list[tuple[str, str]]:
    """(role, status) of each of the user's memberships in the park; prepared, like the park."""
    return [
        (role, status) for role, status in _ROLES_IN_PARK.values(park_id=park.pk, user_id=user.pk)
    ]


def parks_visible_to(*, user: Any) -> QuerySet[Park]:
    """Public parks, plus private ones the user belongs to (every park for platform admins)."""
    parks = Park.objects.all()
    if user is not None and user.is_authenticated:
        if user.is_platform_admin:
            return parks
        return parks.filter(
            Q(is_public=True)
            | Q(memberships__user=user, memberships__status=MembershipStatus.ACTIVE)
        ).distinct()
    return parks.filter(is_public=True)


def parks_for_switcher(*, user: Any) -> list[Park]:
    """The parks a signed-in visitor works in; the public parks for everyone else. One query."""
    if user is not None and user.is_authenticated and not user.is_platform_admin:
        mine = _PARKS_OF_MEMBER.objects(user_id=user.pk)
        if mine:
            return mine
    return list(parks_visible_to(user=user))


def directions_tree(*, park: Park, archived: bool = False) -> list[Direction]:
    """Top-level directions with their children prefetched (two queries). Archived directions
    (and the children of an archived one) only with ``archived`` (the settings page)."""
    children = Direction.all_parks.filter(park=park, parent__isnull=False).order_by(
        "position", "name"
    )
    tops_rows = Direction.all_parks.filter(park=park, parent__isnull=True).order_by("position")
    if not archived:
        children = children.filter(archived_at__isnull=True)
        tops_rows = tops_rows.filter(archived_at__isnull=True)
    tops = list(tops_rows)
    by_parent: dict[int, list[Direction]] = {}
    for child in children:
        by_parent.setdefault(child.parent_id or 0, []).append(child)
    for top in tops:
        top.subdirections = by_parent.get(top.pk, [])
    return tops


def sites(*, park: Park, archived: bool = False) -> QuerySet[Site]:
    """The park's sites by name; archived ones only with ``archived`` (the settings page)."""
    rows = Site.all_parks.filter(park=park).order_by("name")
    return rows if archived else rows.filter(archived_at__isnull=True)


def site_of_park(*, park: Park, pk: int) -> Site | None:
    return Site.all_parks.filter(park=park, pk=pk).first()


def direction_of_park(*, park: Park, pk: int) -> Direction | None:
    return Direction.all_parks.filter(park=park, pk=pk).first()


def members(*, park: Park, status: str | None = None) -> QuerySet[Membership]:
    rows = Membership.all_parks.filter(park=park).select_related("user", "decided_by")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "role", "user__email")


def site_options(*, park: Park, keep: int | None = None) -> list[Site]:
    """The park's sites (buildings and branches) to choose from, by name: one query. Archived
    sites are not offered, except ``keep``: the record being edited is still there, and saving
    its form must not move it."""
    shown = Q(archived_at__isnull=True)
    if keep is not None:
        shown |= Q(pk=keep)
    return list(Site.all_parks.filter(park=park).filter(shown).order_by("name", "id"))
