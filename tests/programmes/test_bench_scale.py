"""In-process timing of the cohort dashboard at national scale (100 cohorts × 20 participants,
2,000 grant awards with 10,000 tranches when the grants generator is there).

Skipped unless ``BENCH_PROGRAMMES=1``: it takes a minute. Prints the median time of a cold
render (cache cleared before each request), a cached one, and the company list for comparison
(the company list is the benchmark's reference page at ~24 % of the ceiling).
"""

from __future__ import annotations

import os
import statistics
import time

import pytest
from django.core.cache import cache

from technopark.demo.bulk import generate_companies
from technopark.demo.programmes_generate import generate_programmes

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("BENCH_PROGRAMMES"), reason="set BENCH_PROGRAMMES=1"),
]


def _median_ms(client, url, *, cold: bool, n: int = 30) -> float:
    client.get(url)
    times = []
    for _ in range(n):
        if cold:
            cache.clear()
            client.force_login(client._user)
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times)


def test_dashboard_at_national_scale(world, client_for, django_assert_max_num_queries):
    generate_companies(park=world.park, total=2_100)
    ids = generate_programmes(park=world.park)
    try:
        from technopark.demo.grants_generate import generate_grants

        generate_grants(park=world.park, awards=2_000)
    except ImportError:  # pragma: no cover
        pass
    client = client_for("manager")
    client._user = world.users["manager"]
    url = f"/yakutia/programmes/cohorts/{ids[0]}/dashboard/"
    with django_assert_max_num_queries(12):
        client.get(url)
    results = {
        "dashboard cold": _median_ms(client, url, cold=True),
        "dashboard cached": _median_ms(client, url, cold=False),
        "company list cached": _median_ms(client, "/yakutia/companies/", cold=False),
        "company list cold": _median_ms(client, "/yakutia/companies/", cold=True),
    }
    for label, ms in results.items():
        print(f"{label}: {ms:.1f} ms")
