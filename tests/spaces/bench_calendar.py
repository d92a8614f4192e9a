"""Not collected (no test_ prefix): ``pytest tests/spaces/bench_calendar.py -s``. Times the
uncached week and day views (the day view's first and a middle page of resources) of a generated
park's rooms, in process."""

import time as clock

import pytest
from django.core.cache import caches
from django.utils import timezone

from technopark.demo.spaces_generate import generate_spaces

pytestmark = pytest.mark.django_db


def test_week_view_timing(world, client_for, settings):
    generate_spaces(park=world.park, resources=400, bookings=400 * 300)
    client = client_for("manager")
    founder = client_for("founder")
    day = timezone.localdate().isoformat()
    for label, c, view, page in (
        ("manager week", client, "week", "1"),
        ("founder week", founder, "week", "1"),
        ("manager day", client, "day", "1"),
        ("founder day", founder, "day", "1"),
        ("manager day, page 20", client, "day", "20"),
    ):
        times = []
        for _n in range(12):
            for cache in caches.all():
                cache.clear()
            start = clock.perf_counter()
            response = c.get(
                "/yakutia/spaces/", {"type": "room", "view": view, "date": day, "page": page}
            )
            times.append(clock.perf_counter() - start)
            assert response.status_code == 200
        times.sort()
        body = response.content.decode()
        print(
            f"\n{label}: median {times[6] * 1000:.1f} ms min {times[0] * 1000:.1f} ms; {len(body)} bytes"
        )
