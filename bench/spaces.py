"""Booking creation under 8 concurrent clients: p50/p95 of ``POST /api/v1/parks/…/spaces/bookings``.

``python -m bench.spaces`` (with ``DATABASE_URL`` pointing at the bench's PostgreSQL database, after
``manage.py seed_demo`` and ``manage.py generate_park --resources 1000 --bookings 1000000``).

Method: in-process. Eight threads, each with its own Django test client (and so its own database
connection), sign in with the demo manager's API token and create bookings through the API —
the whole request path (middleware, authentication, ninja, the service, the exclusion constraint
on 1,000,000 rows) but no network or gunicorn. Two rounds:

* ``free``: every client books its own resources at free times (201s);
* ``contended``: all eight ask for the same slots at once (one 201 and seven 409s per slot).

Latency is per request, measured around ``client.post``; the bookings made are deleted at the
end. The machine's two cores are shared by the eight threads, so this is a worst case for
contention rather than a throughput figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from technopark.core.scopes import scopes_disabled

CLIENTS = 8


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


@scopes_disabled()  # a script spans parks, as a management command does
def main() -> None:  # pragma: no cover - a measurement, run by hand or by make bench
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--park", default="yakutia")
    parser.add_argument("--requests", type=int, default=40, help="per client and round")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "technopark.settings")
    import django

    django.setup()
    import zoneinfo

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from technopark.accounts import services as account_services
    from technopark.accounts.models import User
    from technopark.parks.models import Park
    from technopark.spaces.models import Booking, Resource

    settings.ALLOWED_HOSTS = ["*"]
    park = Park.objects.get(slug=args.park)
    manager = User.objects.get(email="manager@demo.technopark")
    _token, secret = account_services.api_token_create(
        user=manager, name="bench.spaces", scope="write"
    )
    resources = list(
        Resource.all_parks.filter(park=park, requires_certification=False)
        .select_related("site")
        .order_by("id")[: CLIENTS * 8]
    )
    total = Booking.all_parks.filter(park=park).count()
    marker = f"bench-{int(time.time())}"
    base_day = timezone.now().date() + timedelta(days=900)

    def slot(resource: Any, n: int) -> tuple[str, str]:
        zone = zoneinfo.ZoneInfo(resource.site.time_zone)
        day = base_day + timedelta(days=n // 10)
        start = datetime(day.year, day.month, day.day, 8, tzinfo=zone) + timedelta(hours=n % 10)
        return start.isoformat(), (start + timedelta(hours=1)).isoformat()

    def run(round_name: str) -> dict[str, Any]:
        latencies: list[float] = []
        codes: dict[int, int] = {}
        lock = threading.Lock()
        barrier = threading.Barrier(CLIENTS)

        def client_loop(index: int) -> None:
            client = Client()
            headers = {"Authorization": f"Bearer {secret}"}
            try:
                barrier.wait(timeout=30)
                for n in range(args.requests):
                    if round_name == "free":
                        resource = resources[(index * 8 + n) % len(resources)]
                        start, end = slot(resource, 1000 + index * args.requests + n)
                    else:
                        resource = resources[n % len(resources)]
                        start, end = slot(resource, 5000 + n)
                    body = json.dumps(
                        {
                            "resource": resource.pk,
                            "starts_at": start,
                            "ends_at": end,
                            "title": marker,
                        }
                    )
                    began = time.perf_counter()
                    response = client.post(
                        f"/api/v1/parks/{park.slug}/spaces/bookings",
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

    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # 409s are expected here
    requests = args.requests
    args.requests = 3
    run("contended")  # warm-up: imports, connections, caches; not reported
    Booking.all_parks.filter(park=park, title=marker).delete()
    args.requests = requests
    results = [run("free"), run("contended")]
    Booking.all_parks.filter(park=park, title=marker).delete()
    report = {
        "database": connection.vendor,
        "bookings_in_park": total,
        "clients": CLIENTS,
        "method": "in-process threads, Django test client per thread, API with token",
        "rounds": results,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
