"""The bench generator of the engineering centre (consistent, deterministic, idempotent; the
company's side acted by people acting for the company; charges by the product's own rule on the
park's day of the charge), the staff queue over it at two sizes (10 and 100 requests: the same
number of queries), and the bench's month's charges against the charges the generator stored."""

from __future__ import annotations

import itertools
from collections import Counter
from decimal import Decimal

import pytest
from bench.engineering import heaviest_month, month_charges
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from technopark.companies.models import TeamMember
from technopark.core.fragments import writes
from technopark.core.localtime import zone_named
from technopark.demo.engineering_generate import (
    FOUNDER_EMAIL,
    MIX,
    PATHS,
    generate_engineering,
    heavy_month,
)
from technopark.engineering.models import (
    ApprovalSide,
    Charge,
    ChargeLine,
    Quote,
    QuoteApproval,
    QuoteLine,
    QuoteStatus,
    RequestEvent,
    RequestState,
    ServiceRequest,
    TimeEntry,
    WorkOrder,
)
from technopark.engineering.queries import OPEN_STATES
from technopark.engineering.services.charges import charge_lines_for, delivered_for
from technopark.parks.models import Membership, Role
from tests.caching import clear_caches
from tests.engineering.conftest import NOW
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def generate(centre, requests, entries=None):
    return generate_engineering(
        park=centre.world.park,
        requests=requests,
        time_entries=entries if entries is not None else requests * 10,
        engineers=3,
        now=NOW,
    )


def test_every_state_with_the_events_of_its_path(centre):
    assert generate(centre, 400, 4000) == 400
    park = centre.world.park
    requests = ServiceRequest.all_parks.filter(park=park)
    states = Counter(requests.values_list("state", flat=True))
    assert set(states) == {state for state, _n in MIX}
    paths: dict[int, list[tuple[str, str]]] = {}
    for request_id, from_state, to_state in RequestEvent.all_parks.filter(park=park).values_list(
        "request_id", "from_state", "to_state"
    ):
        paths.setdefault(request_id, []).append((from_state, to_state))
    for request in requests:
        steps = paths[request.pk]
        assert [to for _from, to in steps] == list(PATHS[request.state])
        assert all(a[1] == b[0] for a, b in itertools.pairwise(steps))
    # a numbered quote for every request past «quoted», unique numbers
    numbered = Quote.all_parks.filter(park=park).exclude(number="")
    assert numbered.count() == len(set(numbered.values_list("number", flat=True)))
    assert not Quote.all_parks.filter(park=park, status=QuoteStatus.SENT, number="").exists()
    for quote in Quote.all_parks.filter(park=park):
        lines = QuoteLine.all_parks.filter(quote=quote).aggregate(s=Sum("amount"))["s"]
        assert quote.total == lines
    # the time entries, all finished, on the orders' hourly lines
    assert TimeEntry.all_parks.filter(park=park).count() == 4000
    assert not TimeEntry.all_parks.filter(park=park, minutes__isnull=True).exists()
    working = {RequestState.IN_WORK, RequestState.DELIVERED, RequestState.ACCEPTED}
    assert WorkOrder.all_parks.filter(park=park).count() == sum(
        n for state, n in states.items() if state in working | {RequestState.CHARGED}
    )
    # a charge per charged request, its lines adding up
    assert Charge.all_parks.filter(park=park).count() == states[RequestState.CHARGED]
    for charge in Charge.all_parks.filter(park=park)[:50]:
        total = ChargeLine.all_parks.filter(charge=charge).aggregate(s=Sum("amount"))["s"]
        assert charge.total == total > 0


def test_the_company_side_is_acted_by_people_acting_for_the_company(centre):
    park = centre.world.park
    # companies with no team, as the bulk generator makes them: each gets a bench founder
    bare = [CompanyFactory(park=park) for _ in range(3)]
    generate(centre, 300, 1000)
    acting = set(
        TeamMember.objects.filter(company__park=park, acts_for_company=True).values_list(
            "company_id", "user_id"
        )
    )
    requests = ServiceRequest.all_parks.filter(park=park)
    used = set(requests.values_list("company_id", flat=True))
    assert {company.pk for company in bare} <= used  # 300 requests over 5 companies
    for company in bare:
        members = TeamMember.objects.filter(company=company, acts_for_company=True)
        assert [m.user.email for m in members] == [FOUNDER_EMAIL.format(company.pk)]
        assert Membership.all_parks.filter(
            park=park, user=members[0].user, role=Role.FOUNDER
        ).exists()
    # the world's own companies keep their founders and get no bench one
    world = centre.world
    assert not TeamMember.objects.filter(
        company__in=(world.company, world.other_company), user__email__endswith="@companies.bench"
    ).exists()
    assert all((r.company_id, r.created_by_id) in acting for r in requests)
    approvals = QuoteApproval.all_parks.filter(park=park).select_related("quote__request")
    company_side = [a for a in approvals if a.side == ApprovalSide.COMPANY]
    assert (
        len(company_side) == Quote.all_parks.filter(park=park, status=QuoteStatus.APPROVED).count()
    )
    assert all((a.quote.request.company_id, a.approved_by_id) in acting for a in company_side)
    manager_side = [a for a in approvals if a.side == ApprovalSide.MANAGER]
    assert manager_side and all(
        (a.quote.request.company_id, a.approved_by_id) not in acting for a in manager_side
    )
    # the company accepts and cancels; the staff reject
    by_company = RequestEvent.all_parks.filter(
        park=park, to_state__in=(RequestState.ACCEPTED, RequestState.CANCELLED)
    ).values_list("request__company_id", "actor_id")
    assert len(by_company) > 0 and all(pair in acting for pair in by_company)
    rejected = RequestEvent.all_parks.filter(park=park, to_state=RequestState.REJECTED).values_list(
        "request__company_id", "actor_id"
    )
    assert len(rejected) > 0 and not any(pair in acting for pair in rejected)
    # a second run (after the requests are gone) makes no second founder
    Charge.all_parks.filter(park=park).delete()
    WorkOrder.all_parks.filter(park=park).delete()
    ServiceRequest.all_parks.filter(park=park).delete()
    generate(centre, 300, 1000)
    assert TeamMember.objects.filter(company__in=bare).count() == 3


def test_charges_follow_the_products_rule_on_the_day_of_the_charge(centre):
    generate(centre, 400, 4000)
    park = centre.world.park
    zone = zone_named(park.time_zone)
    charged_at = dict(
        RequestEvent.all_parks.filter(park=park, to_state=RequestState.CHARGED).values_list(
            "request_id", "at"
        )
    )
    charges = list(
        Charge.all_parks.filter(park=park).select_related("request").prefetch_related("lines")
    )
    assert len(charges) == len(charged_at) > 0
    discounted = 0
    for charge in charges:
        # the park's day of the charge, not of the acceptance
        assert charge.charged_on == charged_at[charge.request_id].astimezone(zone).date()
        # the lines the product makes from what the work order recorded
        expected = charge_lines_for(delivered_for(charge.request))
        stored = sorted(charge.lines.all(), key=lambda row: row.position)
        assert [
            (row.quote_line_id, row.kind, row.quantity, row.unit_price, row.amount)
            for row in stored
        ] == [
            (line.quote_line.pk, line.kind, line.quantity, line.unit_price, line.amount)
            for line in expected
        ]
        assert charge.total == sum((line.amount for line in expected), Decimal(0))
        discounted += sum(1 for line in expected if line.discount)
    assert discounted > 0  # the rule's discount is exercised, not only the gross


def test_deterministic_and_idempotent(centre):
    generate(centre, 60, 300)
    park = centre.world.park
    first = list(
        ServiceRequest.all_parks.filter(park=park)
        .order_by("pk")
        .values_list("state", "created_at", "company_id")
    )
    assert generate(centre, 60, 300) == 0  # a park that has them is left alone
    # everything generated, gone (the charges and orders hold their requests and quote lines)
    Charge.all_parks.filter(park=park).delete()
    WorkOrder.all_parks.filter(park=park).delete()
    ServiceRequest.all_parks.filter(park=park).delete()
    generate(centre, 60, 300)
    again = list(
        ServiceRequest.all_parks.filter(park=park)
        .order_by("pk")
        .values_list("state", "created_at", "company_id")
    )
    assert again == first


def test_the_heavy_month_and_the_month_charges_match_the_stored_ones(centre):
    generate(centre, 400, 4000)
    park = centre.world.park
    month, charges = heaviest_month(park)
    assert month == heavy_month(NOW, park.time_zone)
    with CaptureQueriesContext(connection) as queries:
        billed = month_charges(park, month.year, month.month)
    assert len(queries.captured_queries) == 5
    stored = dict(
        Charge.all_parks.filter(
            park=park, charged_on__year=month.year, charged_on__month=month.month
        ).values_list("request_id", "total")
    )
    assert len(stored) == charges > 0
    assert {row.request_id: row.total for row in billed} == stored
    assert sum((row.total for row in billed), Decimal(0)) > 0


def _queue_queries(client, path):
    clear_caches()  # the first visit: the fragment is built
    with CaptureQueriesContext(connection) as first:
        assert client.get(path).status_code == 200
    return len(first)


@pytest.mark.parametrize("who", ["manager", "engineer"])
def test_the_queue_runs_the_same_queries_with_10_and_100_requests(centre, client, who):
    park = centre.world.park
    client.force_login(centre.world.users[who])
    path = reverse("engineering:queue", kwargs={"park_slug": park.slug})
    counts = []
    for size in (10, 100):
        generate(centre, size)
        # the generated engineers hold requests; the test's own is one of them on a few
        for request in ServiceRequest.all_parks.filter(park=park).order_by("pk")[::7]:
            request.engineers.add(centre.engineer)
        writes("engineering", park_id=park.pk)
        counts.append(
            (
                _queue_queries(client, path),
                _queue_queries(client, path + "?state=charged"),
                _queue_queries(client, path + f"?engineer={centre.engineer.pk}"),
            )
        )
    assert counts[0] == counts[1]
    # the page shows the rows it read (the open ones of every seventh), with their engineers
    held = ServiceRequest.all_parks.filter(
        park=park, engineers=centre.engineer, state__in=OPEN_STATES
    ).count()
    body = client.get(path + f"?engineer={centre.engineer.pk}").content.decode()
    assert 0 < held == body.count(f"/{park.slug}/engineering/requests/")
    table = body[body.index('data-testid="queue"') : body.index("</table>")]
    rows = table.split("<tr>")[2:]  # past the heading's row
    assert len(rows) == held
    name = centre.engineer.full_name  # not inside «Other Engineer»
    assert all(f">{name}" in row or f", {name}" in row for row in rows)
    # and each row's state in words, in the page's language
    response = client.get(path + "?state=charged")
    with translation.override(response["Content-Language"]):
        charged = f"<td>{RequestState.CHARGED.label}</td>"
    table = response.content.decode().split('data-testid="queue"')[1].split("</table>")[0]
    assert table.count(charged) == table.count("<tr>") - 1 > 0
