"""What the engineering centre has waiting for a person (``parks.agenda``): quotes to answer
for the companies they act for; for managers, new requests to triage and quotes above the
threshold waiting for their approval."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import ngettext

from technopark.core.localtime import local_today
from technopark.engineering import queries, rules
from technopark.engineering.models import ApprovalSide, Quote, RequestState, ServiceRequest
from technopark.parks import agenda
from technopark.parks.agenda import DUE, Item
from technopark.parks.models import Park, Role
from technopark.parks.rules import ParkAccess, has_role


def company_items(park: Park, user: Any, today: date) -> list[Item]:
    """Quotes of the person's companies' requests that wait for the company's answer on the
    park's day ``today`` (``queries.waiting_for``: not expired, not approved by it yet; one
    query)."""
    n = (
        Quote.all_parks.filter(
            park=park,
            request__company__team__user=user,
            request__company__team__acts_for_company=True,
        )
        .filter(queries.waiting_for(ApprovalSide.COMPANY, today=today))
        .count()
    )
    if not n:
        return []
    label = ngettext("%(n)d quote waits for your answer", "%(n)d quotes wait for your answer", n)
    url = reverse("engineering:my_requests", kwargs={"park_slug": park.slug})
    return [Item("engineering.quotes", label % {"n": n}, n, url, DUE)]


def staff_items(park: Park, today: date) -> list[Item]:
    """New requests to triage and quotes above the threshold waiting for a manager's approval
    on the park's day ``today`` (not expired, not approved by a manager yet; one query)."""
    waiting = queries.waiting_for(ApprovalSide.MANAGER, today=today, from_request=True)
    totals = ServiceRequest.all_parks.filter(park=park).aggregate(
        new=Count("pk", filter=Q(state=RequestState.SUBMITTED)),
        approvals=Count("quotes", filter=waiting & Q(quotes__needs_manager=True)),
    )
    items: list[Item] = []
    if totals["new"]:
        n = totals["new"]
        url = reverse("engineering:queue", kwargs={"park_slug": park.slug}) + "?state=submitted"
        label = ngettext("%(n)d service request to triage", "%(n)d service requests to triage", n)
        items.append(Item("engineering.triage", label % {"n": n}, n, url, DUE))
    if totals["approvals"]:
        n = totals["approvals"]
        url = reverse("engineering:queue", kwargs={"park_slug": park.slug}) + "?state=quoted"
        label = ngettext(
            "%(n)d quote awaits a manager's approval", "%(n)d quotes await a manager's approval", n
        )
        items.append(Item("engineering.approvals", label % {"n": n}, n, url, DUE))
    return items


@agenda.reads("engineering", "companies")
def provider(park: Park, user: Any, access: ParkAccess, now: datetime) -> list[Item]:
    items: list[Item] = []
    today = local_today(park.time_zone, at=now)
    if has_role(access, Role.FOUNDER):
        items += company_items(park, user, today)
    if rules.can_see_all_requests(access):
        items += staff_items(park, today)
    return items
