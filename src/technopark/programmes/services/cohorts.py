"""Programmes and their cohorts: create, change, remove (delete what nothing depends on,
archive the rest) and restore them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.core.fragments import writes
from technopark.core.scopes import in_park
from technopark.parks.models import Direction, Park, Site
from technopark.programmes.models import (
    DEFAULT_GRANT_CAP,
    Cohort,
    DemoDayGuest,
    ParticipantStatus,
    Programme,
)
from technopark.programmes.services._common import _check_site, _text
from technopark.selection.models import CallKind


@transaction.atomic
def programme_create(
    *,
    park: Park,
    actor: User,
    name: str,
    description: str = "",
    grant_cap: Decimal = DEFAULT_GRANT_CAP,
    coworking_seats: int = 0,
    length_weeks: int = 12,
    directions: Iterable[Direction] = (),
) -> Programme:
    """Create a programme. The grant cap is in roubles (Decimal), never negative."""
    directions = list(directions)
    if not all(in_park(park, d) for d in directions):
        raise ValidationError({"directions": _("Choose directions of this park.")})
    _check_programme_fields(
        park.pk,
        directions=directions,
        grant_cap=grant_cap,
        coworking_seats=coworking_seats,
        length_weeks=length_weeks,
    )
    programme = Programme.all_parks.create(
        park=park,
        name=_text(name, field="name", limit=200),
        description=(description or "").strip(),
        grant_cap=grant_cap.quantize(Decimal("0.01")),
        coworking_seats=coworking_seats,
        length_weeks=length_weeks,
    )
    programme.directions.set(directions)
    writes("programmes", park_id=park.pk)
    return programme


def _check_cohort_fields(
    park_id: int,
    *,
    starts_on: date,
    ends_on: date,
    capacity: int,
    site: Site | None,
    intake_call: Any,
) -> None:
    _check_site(park_id, site)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A cohort ends on or after the day it starts.")})
    if capacity < 1 or capacity > 1000:
        raise ValidationError({"capacity": _("Give a number of places from 1 to 1,000.")})
    if intake_call is not None and (
        intake_call.park_id != park_id or intake_call.kind != CallKind.PROGRAMME
    ):
        raise ValidationError({"intake_call": _("Choose a programme-intake call of this park.")})


@transaction.atomic
def cohort_create(
    *,
    programme: Programme,
    actor: User,
    name: str,
    starts_on: date,
    ends_on: date,
    capacity: int = 20,
    site: Site | None = None,
    intake_call: Any = None,
) -> Cohort:
    """Create a cohort of ``programme``; its intake call must be a programme-intake call of the
    same park."""
    park_id = programme.park_id
    if programme.archived_at is not None:
        raise ValidationError(_("This programme is archived: restore it to add a cohort."))
    _check_cohort_fields(
        park_id,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        site=site,
        intake_call=intake_call,
    )
    cohort = Cohort.all_parks.create(
        park_id=park_id,
        programme=programme,
        name=_text(name, field="name", limit=200),
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        site=site,
        intake_call=intake_call,
    )
    writes("programmes", park_id=park_id)
    return cohort


def _check_programme_fields(
    park_id: int,
    *,
    directions: list[Direction],
    grant_cap: Decimal,
    coworking_seats: int,
    length_weeks: int,
) -> None:
    if not all(d.park_id == park_id for d in directions):
        raise ValidationError({"directions": _("Choose directions of this park.")})
    if not isinstance(grant_cap, Decimal) or grant_cap < 0 or grant_cap >= Decimal("1e12"):
        raise ValidationError({"grant_cap": _("Give a grant cap from 0 to 999,999,999,999.99.")})
    if coworking_seats < 0 or coworking_seats > 10_000:
        raise ValidationError({"coworking_seats": _("Give a number from 0 to 10,000.")})
    if length_weeks < 1 or length_weeks > 520:
        raise ValidationError({"length_weeks": _("Give a length from 1 to 520 weeks.")})


@transaction.atomic
def programme_update(
    *,
    programme: Programme,
    actor: User,
    name: str,
    description: str = "",
    grant_cap: Decimal = DEFAULT_GRANT_CAP,
    coworking_seats: int = 0,
    length_weeks: int = 12,
    directions: Iterable[Direction] = (),
) -> Programme:
    """Change a programme's name, description, grant cap, seats, length and directions. A new
    cap applies to awards made from now on; awards already made stand. Locking: the row."""
    locked = Programme.all_parks.select_for_update().get(park_id=programme.park_id, pk=programme.pk)
    directions = list(directions)
    _check_programme_fields(
        locked.park_id,
        directions=directions,
        grant_cap=grant_cap,
        coworking_seats=coworking_seats,
        length_weeks=length_weeks,
    )
    locked.name = _text(name, field="name", limit=200)
    locked.description = (description or "").strip()
    locked.grant_cap = grant_cap.quantize(Decimal("0.01"))
    locked.coworking_seats = coworking_seats
    locked.length_weeks = length_weeks
    locked.save()
    locked.directions.set(directions)
    writes("programmes", park_id=locked.park_id)
    return locked


def programme_in_use(programme: Programme) -> bool:
    """A programme with cohorts (archived ones too) is kept: archived, not deleted."""
    return Cohort.all_parks.filter(park_id=programme.park_id, programme=programme).exists()


@transaction.atomic
def programme_remove(*, programme: Programme, actor: User) -> str:
    """Delete a programme without cohorts (``"deleted"``); archive one that has cohorts
    (``"archived"``): it takes no new cohorts and its cohorts, participants and grants stay.
    Locking: the programme row."""
    locked = Programme.all_parks.select_for_update().get(park_id=programme.park_id, pk=programme.pk)
    writes("programmes", park_id=locked.park_id)
    if programme_in_use(locked):
        if locked.archived_at is None:
            locked.archived_at = timezone.now()
            locked.save(update_fields=["archived_at"])
        return "archived"
    locked.delete()
    return "deleted"


@transaction.atomic
def programme_restore(*, programme: Programme, actor: User) -> Programme:
    """Take a programme out of the archive: it takes new cohorts again."""
    locked = Programme.all_parks.select_for_update().get(park_id=programme.park_id, pk=programme.pk)
    if locked.archived_at is not None:
        locked.archived_at = None
        locked.save(update_fields=["archived_at"])
        writes("programmes", park_id=locked.park_id)
    return locked


@transaction.atomic
def cohort_update(
    *,
    cohort: Cohort,
    actor: User,
    name: str,
    starts_on: date,
    ends_on: date,
    capacity: int = 20,
    site: Site | None = None,
    intake_call: Any = None,
) -> Cohort:
    """Change a cohort's name, dates, places, site and intake call. The places never drop below
    the active participants it has. Locking: the cohort row."""
    locked = Cohort.all_parks.select_for_update().get(park_id=cohort.park_id, pk=cohort.pk)
    _check_cohort_fields(
        locked.park_id,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        site=site,
        intake_call=intake_call,
    )
    active = locked.participants.filter(status=ParticipantStatus.ACTIVE).count()
    if capacity < active:
        raise ValidationError(
            {
                "capacity": _(
                    "The cohort has %(count)d active participants: give at least as many places."
                )
                % {"count": active}
            }
        )
    locked.name = _text(name, field="name", limit=200)
    locked.starts_on, locked.ends_on, locked.capacity = starts_on, ends_on, capacity
    locked.site, locked.intake_call = site, intake_call
    locked.save()
    writes("programmes", park_id=locked.park_id)
    return locked


def cohort_in_use(cohort: Cohort) -> bool:
    """A cohort with participants is kept (archived): their attendance, progress, seats and
    grants hang on it. So is one whose demo day has invited guests: their invitations and
    feedback are records of people outside the park. Otherwise its schedule and demo day are only
    a plan."""
    return (
        cohort.participants.exists()
        or DemoDayGuest.objects.filter(demo_day__cohort_id=cohort.pk).exists()
    )


@transaction.atomic
def cohort_remove(*, cohort: Cohort, actor: User) -> str:
    """Delete a cohort without participants, with its planned sessions and demo day
    (``"deleted"``); archive one with participants (``"archived"``): it leaves the programme's
    list, everything recorded stays. Locking: the cohort row."""
    locked = Cohort.all_parks.select_for_update().get(park_id=cohort.park_id, pk=cohort.pk)
    writes("programmes", park_id=locked.park_id)
    if cohort_in_use(locked):
        if locked.archived_at is None:
            locked.archived_at = timezone.now()
            locked.save(update_fields=["archived_at"])
        return "archived"
    locked.delete()
    return "deleted"


@transaction.atomic
def cohort_restore(*, cohort: Cohort, actor: User) -> Cohort:
    locked = Cohort.all_parks.select_for_update().get(park_id=cohort.park_id, pk=cohort.pk)
    if locked.archived_at is not None:
        locked.archived_at = None
        locked.save(update_fields=["archived_at"])
        writes("programmes", park_id=locked.park_id)
    return locked
