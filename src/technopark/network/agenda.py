"""What the network has waiting for a person (``parks.agenda``): for the holders of a network
profile, the introduction requests waiting for their answer; for founders, the introductions
their companies had accepted in the last seven days and their requests that expire within two
days. Each line is one aggregate query."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from technopark.network import rules
from technopark.network.queries import intros as intro_queries
from technopark.parks import agenda
from technopark.parks.agenda import DUE, INFO, Item
from technopark.parks.models import Park, Role
from technopark.parks.rules import ParkAccess, has_role


def holder_items(park: Park, user: Any, now: datetime) -> list[Item]:
    n = intro_queries.holder_waiting(park=park, user=user, now=now)
    if not n:
        return []
    label = ngettext(
        "%(n)d introduction request waits for your answer",
        "%(n)d introduction requests wait for your answer",
        n,
    )
    url = reverse("network:intros", kwargs={"park_slug": park.slug}) + "?side=received"
    return [Item("network.intros_waiting", label % {"n": n}, n, url, DUE)]


def founder_items(park: Park, user: Any, now: datetime) -> list[Item]:
    counts = intro_queries.founder_counts(park=park, user=user, now=now)
    url = reverse("network:intros", kwargs={"park_slug": park.slug}) + "?side=sent"
    items: list[Item] = []
    if counts["accepted"]:
        n = counts["accepted"]
        label = ngettext(
            "%(n)d introduction accepted this week", "%(n)d introductions accepted this week", n
        )
        items.append(Item("network.intros_accepted", label % {"n": n}, n, url, INFO))
    if counts["expiring"]:
        n = counts["expiring"]
        label = ngettext(
            "%(n)d introduction request expires within two days",
            "%(n)d introduction requests expire within two days",
            n,
        )
        items.append(Item("network.intros_expiring", label % {"n": n}, n, url, INFO))
    return items


@agenda.reads("network", "companies")
def provider(park: Park, user: Any, access: ParkAccess, now: datetime) -> list[Item]:
    items: list[Item] = []
    if rules.kinds_held(access):
        items += holder_items(park, user, now)
    if has_role(access, Role.FOUNDER):
        items += founder_items(park, user, now)
    return items
