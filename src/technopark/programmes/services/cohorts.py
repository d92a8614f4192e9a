"""Programmes and their cohorts: create them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.core.fragments import writes
from technopark.core.scopes import in_park
from technopark.parks.models import Direction, Park, Site
from technopark.programmes.models import (
    DEFAULT_GRANT_CAP,
    Cohort,
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
    if not isinstance(grant_cap, Decimal) or grant_cap < 0 or grant_cap >= Decimal("1e12"):
        raise ValidationError({"grant_cap": _("Give a grant cap from 0 to 999,999,999,999.99.")})
    if coworking_seats < 0 or coworking_seats > 10_000:
        raise ValidationError({"coworking_seats": _("Give a number from 0 to 10,000.")})
    if length_weeks < 1 or length_weeks > 520:
        raise ValidationError({"length_weeks": _("Give a length from 1 to 520 weeks.")})
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
    _check_site(park_id, site)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A cohort ends on or after the day it starts.")})
    if capacity < 1 or capacity > 1000:
        raise ValidationError({"capacity": _("Give a number of places from 1 to 1,000.")})
    if intake_call is not None and (
        intake_call.park_id != park_id or intake_call.kind != CallKind.PROGRAMME
    ):
        raise ValidationError({"intake_call": _("Choose a programme-intake call of this park.")})
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
