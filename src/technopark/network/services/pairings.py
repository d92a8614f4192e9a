"""Mentoring pairs: opened under the mentor's capacity (from an accepted request, a published
batch-matching run, or by staff) and ended (by either side, by staff, or by a "not a good fit"
answer that opens a re-match).

Locking: ``pairing_open`` locks the mentor's profile row first (``_common.lock_profile``) and
counts the active pairings after the lock, so concurrent openings never exceed
``capacity_mentees``; the partial unique constraint ``network_pairing_one_active`` holds one
active pairing per mentor and company by itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from technopark.companies.models import Company
from technopark.core.scopes import in_park
from technopark.network import queries
from technopark.network.models import (
    Introduction,
    Pairing,
    PairingSource,
    PairingStatus,
    Profile,
    ProfileKind,
)
from technopark.network.services._common import lock_profile, touched


def _duplicate() -> ValidationError:
    return ValidationError(
        {
            "company": ValidationError(
                _("This mentor already mentors this company."), code="duplicate"
            )
        }
    )


def pairing_open(
    *,
    profile: Profile,
    company: Company,
    source: str,
    by: Any,
    now: datetime,
    cohort: Any = None,
    introduction: Introduction | None = None,
    goals: str = "",
) -> Pairing:
    """Pair an active mentor profile with a company of the same park.

    Refused (``ValidationError`` keyed by the field) when the profile is not an active mentor
    profile of the company's park, when the pair is already active, or when the mentor has no
    place left (``capacity_mentees``). Runs in its own transaction, or as a savepoint of the
    caller's (an acceptance, a publication), whose other locks come after the profile's.
    """
    if source not in PairingSource.values:
        raise ValueError(f"unknown pairing source {source!r}")
    if not in_park(company.park, profile):
        raise ValidationError({"profile": _("Choose a mentor of this park.")})
    if cohort is not None and cohort.park_id != company.park_id:
        raise ValidationError({"cohort": _("Choose a cohort of this park.")})
    with transaction.atomic():
        locked = lock_profile(profile.pk)
        if locked.kind != ProfileKind.MENTOR or not locked.is_active:
            raise ValidationError({"profile": _("Choose an active mentor of this park.")})
        if Pairing.all_parks.filter(
            profile=locked, company=company, status=PairingStatus.ACTIVE
        ).exists():
            raise _duplicate()
        if queries.active_mentees(locked.pk) >= locked.capacity_mentees:
            raise ValidationError(
                {
                    "profile": ValidationError(
                        _("The mentor has no place left for another company."), code="capacity"
                    )
                }
            )
        try:
            with transaction.atomic():
                pairing = Pairing.all_parks.create(
                    park_id=company.park_id,
                    profile=locked,
                    company=company,
                    cohort=cohort,
                    introduction=introduction,
                    source=source,
                    goals=goals,
                    started_at=now,
                    created_by=by,
                )
        except IntegrityError as error:  # the same pair opened by a concurrent transaction
            raise _duplicate() from error
        touched(company.park_id)
    return pairing


def pairing_end(*, pairing: Pairing, by: Any, now: datetime, reason: str = "") -> Pairing:
    """End an active pairing (its place returns to the mentor). Ending an ended one is
    refused."""
    with transaction.atomic():
        locked = Pairing.all_parks.select_for_update().get(pk=pairing.pk)
        if locked.status != PairingStatus.ACTIVE:
            raise ValidationError({"status": _("This mentoring has already ended.")}, code="ended")
        locked.status = PairingStatus.ENDED
        locked.ended_at = now
        locked.end_reason = reason[:300]
        locked.save(update_fields=["status", "ended_at", "end_reason"])
        touched(locked.park_id)
    return locked
