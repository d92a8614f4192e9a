"""Every write to parks, sites, directions and memberships.

Every grant and removal of a role is appended to the park's audit chain in the same transaction
(``parks.membership_grant``, ``…_approve``, ``…_remove``; edits in the admin as
``parks.membership_admin_save`` / ``…_admin_delete``), with the actor and the state before and after.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.parks import caching
from technopark.parks.models import Direction, Membership, MembershipStatus, Park, Role, Site


class Removal(StrEnum):
    """What removing a site or a direction did: deleted it (nothing referred to it) or archived
    it (something does: it stays on those records and is no longer offered for new ones)."""

    DELETED = "deleted"
    ARCHIVED = "archived"


def in_use(record: Model) -> bool:
    """Whether any row of any app refers to ``record`` (a foreign key, a one-to-one or a
    many-to-many, hidden ones too). Read from the models' relations, so ``parks`` need not know
    the apps that tag records with its sites and directions: one ``exists`` query per relation."""
    for relation in record._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue  # only the reverse side of relations pointing here
        if relation.many_to_many:
            through = relation.through  # type: ignore[union-attr]
            column = relation.field.m2m_reverse_field_name()  # type: ignore[union-attr]
            rows = through._base_manager.filter(**{column: record.pk})
        else:
            related = relation.related_model
            rows = related._base_manager.filter(  # type: ignore[union-attr]
                **{relation.field.name: record.pk}  # type: ignore[union-attr]
            )
        if rows.exists():
            return True
    return False


def membership_state(membership: Membership | None) -> dict[str, Any]:
    """What the audit chain keeps of a membership: whose, which role, its status."""
    if membership is None:
        return {}
    return {
        "user_id": membership.user_id,
        "user": getattr(membership.user, "email", ""),
        "role": membership.role,
        "status": membership.status,
    }


def _audit(membership: Membership, actor: Any, action: str, before: Any, after: Any) -> None:
    audit_record(
        park=membership.park,
        actor=actor,
        action=action,
        target=membership,
        summary=f"{getattr(membership.user, 'email', '')}: {membership.role}",
        before=before,
        after=after,
    )


def _memberships_changed(membership: Membership) -> None:
    """The person's park switcher is stale once the change commits; the park's pages are now."""
    user_id = membership.user_id
    transaction.on_commit(lambda: caching.forget_switcher(user_id=user_id))
    writes("memberships", park_id=membership.park_id)


@transaction.atomic
def park_create(
    *,
    name: str,
    slug: str,
    region: str,
    time_zone: str = "Asia/Yakutsk",
    name_en: str = "",
    description: str = "",
    description_en: str = "",
    is_public: bool = True,
) -> Park:
    park = Park(
        name=name,
        name_en=name_en,
        slug=slug,
        region=region,
        time_zone=time_zone,
        description=description,
        description_en=description_en,
        is_public=is_public,
    )
    park.full_clean()
    park.save()
    return park


@transaction.atomic
def site_create(
    *, park: Park, name: str, address: str, time_zone: str | None = None, name_en: str = ""
) -> Site:
    if Site.all_parks.filter(park=park, name=name.strip()).exists():
        raise ValidationError({"name": _("This park already has a site with this name.")})
    site = Site(
        park=park,
        name=name,
        name_en=name_en,
        address=address,
        time_zone=time_zone or park.time_zone,
    )
    site.full_clean()
    site.save()
    writes("parks", park_id=park.pk)
    return site


@transaction.atomic
def site_update(
    *, site: Site, actor: Any, name: str, address: str, time_zone: str, name_en: str = ""
) -> Site:
    """Rename a site, move its address or change its time zone (times already stored stay the
    same instants; they are shown in the new zone). The name stays unique in the park."""
    locked = Site.all_parks.select_for_update().get(park_id=site.park_id, pk=site.pk)
    name = (name or "").strip()
    if Site.all_parks.filter(park_id=locked.park_id, name=name).exclude(pk=locked.pk).exists():
        raise ValidationError({"name": _("This park already has a site with this name.")})
    locked.name, locked.name_en, locked.address, locked.time_zone = (
        name,
        (name_en or "").strip(),
        (address or "").strip(),
        time_zone,
    )
    locked.full_clean()
    locked.save()
    writes("parks", park_id=locked.park_id)
    return locked


@transaction.atomic
def site_remove(*, site: Site, actor: Any) -> Removal:
    """Delete a site nothing refers to; archive one that companies, residents, resources,
    cohorts or sessions still name (``in_use``). Locking: the site row."""
    locked = Site.all_parks.select_for_update().get(park_id=site.park_id, pk=site.pk)
    writes("parks", park_id=locked.park_id)
    if in_use(locked):
        if locked.archived_at is None:
            locked.archived_at = timezone.now()
            locked.save(update_fields=["archived_at"])
        return Removal.ARCHIVED
    locked.delete()
    return Removal.DELETED


@transaction.atomic
def site_restore(*, site: Site, actor: Any) -> Site:
    """Offer an archived site again."""
    locked = Site.all_parks.select_for_update().get(park_id=site.park_id, pk=site.pk)
    if locked.archived_at is not None:
        locked.archived_at = None
        locked.save(update_fields=["archived_at"])
        writes("parks", park_id=locked.park_id)
    return locked


@transaction.atomic
def direction_update(
    *, direction: Direction, actor: Any, name: str, name_en: str = "", position: int = 0
) -> Direction:
    """Rename a direction or move it in the display order. Its code never changes (reports
    rely on it), nor its place in the tree."""
    locked = Direction.all_parks.select_for_update().get(park_id=direction.park_id, pk=direction.pk)
    if not isinstance(position, int) or not 0 <= position <= 999:
        raise ValidationError({"position": _("Give a number from 0 to 999.")})
    locked.name = (name or "").strip()
    locked.name_en = (name_en or "").strip()
    locked.position = position
    locked.full_clean()
    locked.save()
    writes("parks", park_id=locked.park_id)
    return locked


@transaction.atomic
def direction_remove(*, direction: Direction, actor: Any) -> Removal:
    """Delete a direction nothing refers to (no company, call, programme, resident, expert or
    sub-direction is tagged with it); archive it otherwise (``in_use``). An archived direction's
    sub-directions are no longer offered either. Locking: the direction row."""
    locked = Direction.all_parks.select_for_update().get(park_id=direction.park_id, pk=direction.pk)
    writes("parks", park_id=locked.park_id)
    if in_use(locked):
        if locked.archived_at is None:
            locked.archived_at = timezone.now()
            locked.save(update_fields=["archived_at"])
        return Removal.ARCHIVED
    locked.delete()
    return Removal.DELETED


@transaction.atomic
def direction_restore(*, direction: Direction, actor: Any) -> Direction:
    """Offer an archived direction again."""
    locked = Direction.all_parks.select_for_update().get(park_id=direction.park_id, pk=direction.pk)
    if locked.archived_at is not None:
        locked.archived_at = None
        locked.save(update_fields=["archived_at"])
        writes("parks", park_id=locked.park_id)
    return locked


@transaction.atomic
def direction_create(
    *,
    park: Park,
    code: str,
    name: str,
    name_en: str = "",
    parent: Direction | None = None,
    position: int = 0,
) -> Direction:
    """Create a direction; a sub-direction's parent must be a top-level direction of the park."""
    if Direction.all_parks.filter(park=park, code=code).exists():
        raise ValidationError({"code": _("This park already has a direction with this code.")})
    direction = Direction(
        park=park, code=code, name=name, name_en=name_en, parent=parent, position=position
    )
    direction.full_clean()
    direction.save()
    writes("parks", park_id=park.pk)
    return direction


@transaction.atomic
def membership_grant(
    *, park: Park, user: Any, role: str, granted_by: Any | None = None
) -> Membership:
    """Give ``user`` an active ``role`` in ``park``; an open request for that role becomes active.

    Idempotent: granting a role the user already holds changes nothing (and records nothing).
    Audit-logged as ``parks.membership_grant``.
    """
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    membership, created = Membership.all_parks.select_for_update().get_or_create(
        park=park,
        user=user,
        role=role,
        defaults={"status": MembershipStatus.ACTIVE, "decided_by": granted_by},
    )
    before = {} if created else membership_state(membership)
    if not created and membership.status != MembershipStatus.ACTIVE:
        membership.status = MembershipStatus.ACTIVE
        membership.decided_by = granted_by
        membership.save(update_fields=["status", "decided_by"])
    if created or before["status"] != membership.status:
        _audit(
            membership, granted_by, "parks.membership_grant", before, membership_state(membership)
        )
    _memberships_changed(membership)
    return membership


@transaction.atomic
def membership_request(*, park: Park, user: Any, message: str = "") -> Membership:
    """A signed-in person asks to join ``park`` as a founder; staff approve or decline it."""
    if not park.is_public:
        raise PermissionDenied
    membership, created = Membership.all_parks.get_or_create(
        park=park,
        user=user,
        role=Role.FOUNDER,
        defaults={"status": MembershipStatus.REQUESTED, "message": message[:2000]},
    )
    if not created and membership.status == MembershipStatus.ACTIVE:
        raise ValidationError(_("You are already a member of this park."))
    _memberships_changed(membership)
    return membership


@transaction.atomic
def membership_approve(*, membership: Membership, actor: Any) -> Membership:
    """Accept a request to join. Locking: the membership row. Audit-logged as
    ``parks.membership_approve``."""
    locked = Membership.all_parks.select_for_update().get(
        park_id=membership.park_id, pk=membership.pk
    )
    if locked.status != MembershipStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    before = membership_state(locked)
    locked.status = MembershipStatus.ACTIVE
    locked.decided_by = actor
    locked.save(update_fields=["status", "decided_by"])
    _audit(locked, actor, "parks.membership_approve", before, membership_state(locked))
    _memberships_changed(locked)
    return locked


def membership_removal_problem(*, membership: Membership) -> ValidationError | None:
    """Why ``membership`` cannot be taken away, or ``None``: a park keeps one administrator.
    The people page asks it before offering the confirmation; ``membership_remove`` asks it again
    under the lock."""
    if (
        membership.role == Role.PARK_ADMIN
        and membership.status == MembershipStatus.ACTIVE
        and not Membership.all_parks.filter(
            park_id=membership.park_id, role=Role.PARK_ADMIN, status=MembershipStatus.ACTIVE
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        return ValidationError(_("A park needs at least one administrator."))
    return None


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Any) -> None:
    """Decline a request or take a role away. The last park admin cannot be removed.
    Locking: the membership row. Audit-logged as ``parks.membership_remove``."""
    locked = Membership.all_parks.select_for_update().get(
        park_id=membership.park_id, pk=membership.pk
    )
    problem = membership_removal_problem(membership=locked)
    if problem is not None:
        raise problem
    _audit(locked, actor, "parks.membership_remove", membership_state(locked), {})
    locked.delete()
    _memberships_changed(locked)


def membership_admin_saved(*, membership: Membership, actor: Any, before: dict[str, Any]) -> None:
    """Record a membership added or changed in the admin (``before``: its state as loaded, empty
    for a new one), inside the admin's transaction. Audit-logged as ``parks.membership_admin_save``
    when the person, role or status changed."""
    after = membership_state(membership)
    if before != after:
        _audit(membership, actor, "parks.membership_admin_save", before, after)


def membership_admin_deleted(*, membership: Membership, actor: Any) -> None:
    """Record a membership the admin is about to delete (call before the delete, inside its
    transaction). Audit-logged as ``parks.membership_admin_delete``."""
    _audit(membership, actor, "parks.membership_admin_delete", membership_state(membership), {})
