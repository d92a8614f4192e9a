# ruff: noqa: F811 - the API fixtures of tests/api are imported by name and used as arguments
"""The work part of the API: every answer checked against the served OpenAPI document; the NDA
rule, other companies, observers and other parks as 404s; those who see but do not work on the
request as 403s; the services' refusals as 422 naming the field."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from technopark.engineering.models import TimeEntry
from technopark.engineering.services import work
from tests.api.conftest import api_as, field_errors, openapi, openapi_document  # noqa: F401
from tests.engineering.conftest import DAY, NOW
from tests.engineering.test_work import SLOT, certify, in_work, instrument, lines

pytestmark = pytest.mark.django_db

API = "/api/v1/parks/yakutia/engineering"
HOUR = dt.timedelta(hours=1)


def body(response):
    return json.loads(response.content)


@pytest.fixture
def api(centre, api_as):
    def make(role):
        return api_as(centre.world.users[role]) if role != "anonymous" else api_as(None)

    return make


SEES = {
    False: {"founder", "manager", "engineer", "other_engineer"},
    True: {"founder", "manager", "engineer"},
}
ROLES = (
    "founder",
    "other_founder",
    "manager",
    "expert",
    "observer",
    "outsider",
    "engineer",
    "other_engineer",
)


@pytest.mark.parametrize("confidential", [False, True])
@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_work_order(centre, frozen, api, role, confidential):
    order = in_work(centre, confidential=confidential)
    response = api(role).get(f"{API}/requests/{order.request_id}/work")
    if role in SEES[confidential]:
        assert response.status_code == 200
        data = body(response)
        assert data["id"] == order.pk and data["quote_id"] == order.quote_id
        assert [item["kind"] for item in data["delivered"]] == ["delivered"]
    else:
        assert response.status_code == 404


def test_a_request_without_a_work_order_is_404(centre, frozen, api):
    request = centre.to_state("approved")
    assert api("manager").get(f"{API}/requests/{request.pk}/work").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("founder", 403),
        ("other_engineer", 403),
        ("other_founder", 404),
        ("observer", 404),
        ("outsider", 404),
    ],
)
def test_only_those_who_work_on_it_write_or_list_time(centre, frozen, api, role, status):
    order = in_work(centre)
    client = api(role)
    assert client.post(f"{API}/work/{order.pk}/time", {"mode": "start"}).status_code == status
    assert client.post(f"{API}/work/{order.pk}/tasks", {"title": "X"}).status_code == status
    assert client.get(f"{API}/work/{order.pk}/time").status_code == status
    assert not TimeEntry.all_parks.exists()


def test_another_parks_path_is_404(centre, frozen, api):
    order = in_work(centre)
    response = api("outsider").get(f"/api/v1/parks/kolyma/engineering/work/{order.pk}/time")
    assert response.status_code == 404


def test_a_timer_starts_stops_and_a_second_is_refused(centre, frozen, api):
    order = in_work(centre, hours="4")
    client = api("engineer")
    started = client.post(
        f"{API}/work/{order.pk}/time", {"mode": "start", "quote_line": lines(order)["hour"].pk}
    )
    assert started.status_code == 201
    entry = body(started)
    assert entry["ended_at"] is None
    again = client.post(f"{API}/work/{order.pk}/time", {"mode": "start"})
    assert "started_at" in field_errors(again)
    frozen.shift(dt.timedelta(minutes=12))
    stopped = client.post(f"{API}/time/{entry['id']}/stop")
    assert stopped.status_code == 200 and body(stopped)["minutes"] == 12
    assert client.post(f"{API}/time/{entry['id']}/stop").status_code == 422


def test_a_duration_is_logged_and_listed(centre, frozen, api):
    order = in_work(centre)
    client = api("engineer")
    # one after another: an engineer's entries never overlap
    for start, minutes in (("08:00", 10), ("08:10", 20), ("08:30", 30)):
        response = client.post(
            f"{API}/work/{order.pk}/time",
            {
                "mode": "duration",
                "started_at": f"2026-03-02T{start}:00+09:00",
                "minutes": minutes,
                "note": "Замеры",
            },
        )
        assert response.status_code == 201
    listed = client.get(f"{API}/work/{order.pk}/time", params={"limit": 2})
    data = body(listed)
    assert data["count"] == 3 and len(data["items"]) == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"mode": "duration", "minutes": 10}, "started_at"),
        ({"mode": "duration", "started_at": "2026-03-02T08:00:00+09:00"}, "minutes"),
        ({"mode": "duration", "started_at": "2026-03-02T08:00:00", "minutes": 10}, "started_at"),
        ({"mode": "duration", "started_at": "2026-03-02T08:00:00+09:00", "minutes": 0}, "minutes"),
        ({"mode": "later"}, "mode"),
    ],
)
def test_bad_time_is_a_422_naming_the_field(centre, frozen, api, payload, field):
    order = in_work(centre)
    response = api("engineer").post(f"{API}/work/{order.pk}/time", payload)
    assert field in field_errors(response)


def test_time_on_a_line_not_in_hours_is_refused(centre, frozen, api):
    order = in_work(centre, hours="2")
    response = api("engineer").post(
        f"{API}/work/{order.pk}/time", {"mode": "start", "quote_line": lines(order)["sample"].pk}
    )
    assert "quote_line" in field_errors(response)


def test_time_after_delivery_is_refused(centre, frozen, api):
    order = in_work(centre)
    api("manager").post(f"{API}/requests/{order.request_id}/transition", {"to_state": "delivered"})
    response = api("engineer").post(f"{API}/work/{order.pk}/time", {"mode": "start"})
    assert response.status_code == 422


def test_a_task_is_added(centre, frozen, api):
    order = in_work(centre)
    response = api("manager").post(
        f"{API}/work/{order.pk}/tasks", {"title": "Подготовить", "engineer": centre.engineer.pk}
    )
    assert response.status_code == 201 and body(response)["engineer_id"] == centre.engineer.pk
    refused = api("manager").post(
        f"{API}/work/{order.pk}/tasks", {"title": "X", "engineer": centre.other_engineer.pk}
    )
    assert "engineer" in field_errors(refused)


def test_an_instrument_is_booked_and_an_unqualified_operator_refused(centre, frozen, api):
    order = in_work(centre, hours="4")
    machine = instrument(centre)
    payload = {
        "operator": centre.engineer.pk,
        "resource": machine.pk,
        "starts_at": SLOT[0].isoformat(),
        "ends_at": SLOT[1].isoformat(),
        "quote_line": lines(order)["hour"].pk,
    }
    client = api("engineer")
    assert "operator" in field_errors(client.post(f"{API}/work/{order.pk}/instruments", payload))
    certify(centre, machine, centre.engineer, expires_on=DAY + dt.timedelta(days=30))
    response = client.post(f"{API}/work/{order.pk}/instruments", payload)
    assert response.status_code == 201
    data = body(response)
    assert data["operator_id"] == centre.engineer.pk and data["booking_status"] == "confirmed"
    # linking the same booking again is refused
    again = client.post(
        f"{API}/work/{order.pk}/instruments",
        {"operator": centre.engineer.pk, "booking": data["booking_id"]},
    )
    assert "booking" in field_errors(again)
    delivered = body(client.get(f"{API}/requests/{order.request_id}/work"))["delivered"]
    assert {"kind": "instrument", "quantity": "2.00"}.items() <= next(
        item for item in delivered if item["kind"] == "instrument"
    ).items()


def test_another_parks_booking_is_refused(centre, frozen, api):
    order = in_work(centre)
    response = api("engineer").post(
        f"{API}/work/{order.pk}/instruments", {"operator": centre.engineer.pk, "booking": 999999}
    )
    assert "booking" in field_errors(response)


# the session and roles (3); the request, the visitor's companies and the work order (3); the
# page's count and rows (2)
API_TIME_QUERIES = 8


@pytest.mark.parametrize("n", [1, 4])
def test_the_time_list_runs_a_fixed_number_of_queries(
    centre, frozen, api, django_assert_num_queries, n
):
    order = in_work(centre)
    for i in range(n):
        work.time_log(
            access=centre.access("engineer"),
            work_order=order,
            started_at=NOW - HOUR + dt.timedelta(minutes=5 * i),
            minutes=5,
            now=NOW,
        )
    client = api("engineer")
    with django_assert_num_queries(API_TIME_QUERIES):
        response = client.get(f"{API}/work/{order.pk}/time")
    assert body(response)["count"] == n
