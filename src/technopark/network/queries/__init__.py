"""Reads of the network app, one module per part (``profiles``, ``intros``, ``mentoring``,
``matching``); what every part needs lives here."""

from __future__ import annotations

from typing import Any

from technopark.companies.models import TeamMember
from technopark.network.models import Pairing, PairingStatus
from technopark.parks.models import Park


def acting_company_ids(*, park: Park, user: Any) -> set[int]:
    """The companies of ``park`` that ``user`` acts for (one query)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        TeamMember.objects.filter(user=user, acts_for_company=True, company__park=park).values_list(
            "company_id", flat=True
        )
    )


def member_company_ids(*, park: Park, user: Any) -> set[int]:
    """The companies of ``park`` whose team ``user`` is in (one query)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        TeamMember.objects.filter(user=user, company__park=park).values_list(
            "company_id", flat=True
        )
    )


def active_mentees(profile_id: int) -> int:
    """How many companies the mentor profile mentors now (one query)."""
    return Pairing.all_parks.filter(profile_id=profile_id, status=PairingStatus.ACTIVE).count()
