"""What the people page has waiting for staff (``parks.agenda``): requests to join the park."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from technopark.accounts import rules
from technopark.parks import agenda
from technopark.parks.agenda import DUE, Item
from technopark.parks.models import Membership, MembershipStatus, Park
from technopark.parks.rules import ParkAccess


@agenda.reads("memberships")
def provider(park: Park, user: Any, access: ParkAccess, now: datetime) -> list[Item]:
    """Join requests waiting for a decision (one query, for those who decide them)."""
    if not rules.can_view_people(access):
        return []
    n = Membership.all_parks.filter(park=park, status=MembershipStatus.REQUESTED).count()
    if not n:
        return []
    label = ngettext("%(n)d request to join the park", "%(n)d requests to join the park", n) % {
        "n": n
    }
    url = reverse("people:members", kwargs={"park_slug": park.slug}) + "#requests-title"
    return [Item("accounts.join_requests", label, n, url, DUE)]
