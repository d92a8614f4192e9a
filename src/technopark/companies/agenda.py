"""What companies have waiting for a person (``parks.agenda``): offers of a seat in a team."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import ngettext

from technopark.companies.models import TeamInvitation, TeamInvitationStatus
from technopark.parks import agenda
from technopark.parks.agenda import DUE, Item
from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess


@agenda.reads("companies")
def provider(park: Park, user: Any, access: ParkAccess, now: datetime) -> list[Item]:
    """Pending team offers to the person (one query; none for anonymous visitors)."""
    if not access.is_authenticated:
        return []
    totals = (
        TeamInvitation.objects.filter(
            company__park=park, user=user, status=TeamInvitationStatus.PENDING
        )
        .order_by()
        .aggregate(n=Count("id"), company=Max("company_id"))
    )
    n = totals["n"]
    if not n:
        return []
    label = ngettext(
        "%(n)d company asks you to join its team", "%(n)d companies ask you to join their teams", n
    ) % {"n": n}
    if n == 1:
        url = (
            reverse("companies:detail", kwargs={"park_slug": park.slug, "pk": totals["company"]})
            + "#team-title"
        )
    else:
        url = reverse("parks:home", kwargs={"park_slug": park.slug}) + "#team-offers-title"
    return [Item("companies.team_offers", label, n, url, DUE)]
