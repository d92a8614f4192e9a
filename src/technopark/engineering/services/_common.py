"""What the parts of the engineering services share: the local day of a moment, the side a
person acts on, numbering of quotes and acts, and the audit and cache bookkeeping.

Locking order (every service that takes more than one lock takes them in this order, inside
one transaction): the request row, then its quote rows, then the park's document counter, then
(last, inside ``audit_record``) the head of the park's audit chain.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from technopark.core.fragments import writes
from technopark.core.localtime import local_today
from technopark.engineering import queries
from technopark.engineering.models import DocumentCounter, DocumentKind, ServiceRequest
from technopark.parks.models import Park, Role
from technopark.parks.rules import ParkAccess, has_role, is_staff

TOPIC = "engineering"

PREFIXES = {DocumentKind.QUOTE: "ИЦ", DocumentKind.ACT: "АКТ"}


def park_day(park: Park, now: datetime) -> date:
    """The park's local day at ``now``."""
    return local_today(park.time_zone, at=now)


def touched(park_id: int) -> None:
    """Declare the write to the cached pages that show engineering data."""
    writes(TOPIC, park_id=park_id)


def is_assigned_engineer(access: ParkAccess, request: ServiceRequest) -> bool:
    if not access.is_authenticated or not has_role(access, Role.ENGINEER):
        return False
    return request.engineers.filter(pk=access.user.pk).exists()


def staff_side(access: ParkAccess, request: ServiceRequest) -> bool:
    """Works on the request for the park: a manager or admin, or an engineer assigned to it."""
    return is_staff(access) or is_assigned_engineer(access, request)


def company_side(access: ParkAccess, request: ServiceRequest) -> bool:
    """Acts for the request's company."""
    if not access.is_authenticated or access.park is None:
        return False
    return request.company_id in queries.acting_company_ids(park=access.park, user=access.user)


def refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise ValidationError(_("You may not do this with this request."), code="forbidden")


def number_next(*, park: Park, kind: str, now: datetime) -> str:
    """The next number of a ``kind`` of document in the park's year of ``now``: «ИЦ-2026-0001».

    Gap-free and unique: the counter row is locked (``select_for_update``) in the caller's
    transaction and advanced there, so a rolled-back transaction gives its number back and two
    transactions never get the same one (the quote's and the act's unique constraints hold it
    too). Call it inside ``transaction.atomic``."""
    year = park_day(park, now).year
    counter = (
        DocumentCounter.all_parks.select_for_update()
        .filter(park=park, kind=kind, year=year)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():  # a savepoint: another transaction may create it first
                DocumentCounter.all_parks.create(park=park, kind=kind, year=year, last=0)
        except IntegrityError:
            pass
        counter = DocumentCounter.all_parks.select_for_update().get(park=park, kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{PREFIXES[DocumentKind(kind)]}-{year}-{counter.last:04d}"


def lock_request(request: ServiceRequest) -> ServiceRequest:
    """The request's row, locked and fresh."""
    return ServiceRequest.all_parks.select_for_update().get(pk=request.pk)


def plain(value: Any) -> Any:
    return str(value) if value is not None else None
