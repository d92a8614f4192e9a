"""Tranche payment under 8 concurrent clients: p50/p95 of
``POST /api/v1/parks/…/grants/{id}/tranches/{id}/payment``.

``python -m bench.grants`` (with ``DATABASE_URL`` pointing at the bench's PostgreSQL database, after
``manage.py seed_demo`` and the grants generator, so the ledger is at national scale).

Method: in-process. Eight threads, each with its own Django test client (and so its own database
connection), send the demo manager's API token and pay approved tranches through the API — the
whole request path (middleware, authentication, ninja, the service with its row lock on the award,
the unique keys, the audit chain) but no network or gunicorn. The tranches are prepared first
(bulk inserts: a bench programme, one participant and award per client and round, tranches
already approved). Three rounds:

* ``own award``: every client pays the tranches of its own award (all 201s);
* ``one award``: all eight pay different tranches of the same award at once — serialised by the
  award's row lock (all 201s: the tranches fit in the award);
* ``one tranche``: all eight pay the same tranche with different idempotency keys at once (one
  201 and seven 409s per tranche).

Latency is per request, measured around ``client.post``. The rows made stay in the bench database
(payments and their audit entries are append-only by design). The machine's two cores are shared
by the eight threads, so this is a worst case for contention rather than a throughput figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from technopark.core.scopes import scopes_disabled

CLIENTS = 8


def payable_milestone(*, award: Any, reviewer: Any) -> Any:
    """Milestone 1 of ``award``, accepted on an accepted report: a park's policy pays a tranche
    only against its milestone's accepted report (``GrantPolicy.pay_only_accepted_reports``)."""
    from technopark.grants.models import GrantReport, Milestone, MilestoneStatus, ReportStatus

    milestone = Milestone.objects.create(
        award=award,
        number=1,
        title="Bench",
        due_on=date.today() + timedelta(days=90),
        status=MilestoneStatus.ACCEPTED,
    )
    GrantReport.objects.create(
        milestone=milestone,
        summary="Bench",
        status=ReportStatus.ACCEPTED,
        filed_by=reviewer,
        reviewed_by=reviewer,
    )
    return milestone


def requester_other_than(payer: Any) -> Any:
    """A staff member who requests the tranches the payer pays: one who requested a tranche may
    not pay it (``GrantPolicy.segregation_of_duties``). The demo's administrator, or its manager
    when the administrator pays."""
    from technopark.accounts.models import User

    emails = ["admin@demo.technopark", "manager@demo.technopark"]
    return User.objects.filter(email__in=emails).exclude(pk=payer.pk).order_by("email").first()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


@scopes_disabled()  # a script spans parks, as a management command does
def main() -> None:  # pragma: no cover - a measurement, run by hand or by make bench
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--park", default="yakutia")
    parser.add_argument("--requests", type=int, default=25, help="per client and round")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "technopark.settings")
    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from technopark.accounts import services as account_services
    from technopark.accounts.models import User
    from technopark.companies.models import Company
    from technopark.grants.models import GrantAward, Tranche, TrancheStatus
    from technopark.parks.models import Park
    from technopark.programmes.models import Cohort, Participant, Programme

    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 409s are expected here
    park = Park.objects.get(slug=args.park)
    manager = User.objects.get(email="manager@demo.technopark")
    _token, secret = account_services.api_token_create(
        user=manager, name="bench.grants", scope="write"
    )
    requester = requester_other_than(manager)
    marker = f"bench-pay-{int(time.time())}"
    awards_in_park = GrantAward.all_parks.filter(park=park).count()
    tranches_in_park = Tranche.objects.filter(award__park=park).count()

    programme = Programme.all_parks.create(
        park=park, name=marker, grant_cap=Decimal("999999999.00")
    )
    cohort = Cohort.all_parks.create(
        park=park,
        programme=programme,
        name=marker,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(weeks=12),
    )
    companies = list(
        Company.all_parks.filter(park=park)
        .order_by("pk")
        .values_list("pk", flat=True)[: CLIENTS * 3 + 3]
    )
    participants = Participant.objects.bulk_create(
        [Participant(cohort=cohort, company_id=pk) for pk in companies]
    )
    spare = iter(participants)

    def award_with_tranches(count: int) -> tuple[GrantAward, list[Tranche]]:
        participant = next(spare)
        amount = Decimal("1000.00") * count
        award = GrantAward.all_parks.create(
            park=park,
            participant=participant,
            amount=amount,
            cap=programme.grant_cap,
            decision_reference=f"{marker}-{participant.pk}",
            decided_on=date.today(),
            decided_by=manager,
        )
        milestone = payable_milestone(award=award, reviewer=manager)
        tranches = Tranche.objects.bulk_create(
            [
                Tranche(
                    award=award,
                    milestone=milestone,
                    number=n + 1,
                    amount=Decimal("1000.00"),
                    status=TrancheStatus.APPROVED,
                    requested_by=requester,
                )
                for n in range(count)
            ]
        )
        return award, tranches

    def run(round_name: str, requests: int) -> dict[str, Any]:
        if round_name == "own award":
            plans = [award_with_tranches(requests) for _ in range(CLIENTS)]
            work = [[(award, t, f"{marker}-{t.pk}") for t in tranches] for award, tranches in plans]
        elif round_name == "one award":
            award, tranches = award_with_tranches(requests * CLIENTS)
            work = [
                [(award, t, f"{marker}-{t.pk}") for t in tranches[i::CLIENTS]]
                for i in range(CLIENTS)
            ]
        else:
            award, tranches = award_with_tranches(requests)
            work = [[(award, t, f"{marker}-{t.pk}-{i}") for t in tranches] for i in range(CLIENTS)]
        latencies: list[float] = []
        codes: dict[int, int] = {}
        lock = threading.Lock()
        barrier = threading.Barrier(CLIENTS)

        def client_loop(index: int) -> None:
            client = Client()
            headers = {"Authorization": f"Bearer {secret}"}
            try:
                barrier.wait(timeout=30)
                for award, tranche, key in work[index]:
                    body = json.dumps(
                        {"payment_reference": key[:100], "idempotency_key": key[:100]}
                    )
                    began = time.perf_counter()
                    response = client.post(
                        f"/api/v1/parks/{park.slug}/grants/{award.pk}/tranches/{tranche.pk}/payment",
                        body,
                        content_type="application/json",
                        headers=headers,
                    )
                    elapsed = time.perf_counter() - began
                    with lock:
                        latencies.append(elapsed)
                        codes[response.status_code] = codes.get(response.status_code, 0) + 1
            finally:
                connection.close()

        began = time.perf_counter()
        threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        return {
            "round": round_name,
            "requests": len(latencies),
            "codes": codes,
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
            "max_ms": round(max(latencies) * 1000, 1),
            "requests_per_s": round(len(latencies) / wall, 1),
        }

    run("one tranche", 2)  # warm-up: imports, connections, caches; not reported
    results = [run(name, args.requests) for name in ("own award", "one award", "one tranche")]
    overpaid = [
        a.pk
        for a in GrantAward.all_parks.filter(participant__cohort=cohort)
        if a.paid_total - a.clawed_back_total > a.amount
    ]
    report = {
        "database": connection.vendor,
        "awards_in_park": awards_in_park,
        "tranches_in_park": tranches_in_park,
        "clients": CLIENTS,
        "method": "in-process threads, Django test client per thread, API with token",
        "rounds": results,
        "overpaid_awards": overpaid,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
