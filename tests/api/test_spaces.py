# ruff: noqa: F811 - the fixtures of tests/spaces are imported by name and used as arguments
"""The spaces API: role matrix, bookings under the same rules as the pages, 409 conflicts that
name the booking in the way without another company's name, 422 for bad input."""

from __future__ import annotations

import json

import pytest

from technopark.spaces import services
from technopark.spaces.models import Booking, BookingStatus
from tests.api.conftest import field_errors
from tests.conftest import ROLES
from tests.spaces.conftest import local

pytestmark = pytest.mark.django_db

API = "/api/v1/parks/yakutia/spaces"

# The fixtures of tests/spaces, reused here.
from tests.spaces.conftest import access_of, residents, spaces  # noqa: E402, F401


def body(response) -> dict:
    return json.loads(response.content)


def payload(resource, start, end, company=None, **extra):
    data = {"resource": resource.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()}
    if company is not None:
        data["company"] = company.pk
    return {**data, **extra}


MEMBERS = {"founder", "other_founder", "manager", "expert", "observer"}
BOOKERS = {"founder", "other_founder", "manager"}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_reads(spaces, api_for, role):
    api = api_for(role)
    params = {
        "starts_at": local(1, 10).isoformat(),
        "ends_at": local(1, 11).isoformat(),
    }
    for path, query in (("/resources", None), ("/free", params), ("/bookings", None)):
        response = api.get(API + path, query)
        if role == "anonymous":
            assert response.status_code == 401
        elif role in MEMBERS:
            assert response.status_code == 200, (path, response.content)
        else:
            assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_booking(spaces, residents, world, api_for, role):
    company = {"founder": world.company, "other_founder": world.other_company}.get(role)
    response = api_for(role).post(
        API + "/bookings", payload(spaces.room, local(1, 10), local(1, 11), company)
    )
    if role == "anonymous":
        assert response.status_code == 401
    elif role in BOOKERS:
        assert response.status_code == 201
        expected = BookingStatus.PENDING if role == "other_founder" else BookingStatus.CONFIRMED
        assert body(response)["status"] == expected
    else:
        assert response.status_code == 403
        assert not Booking.all_parks.exists()


def test_resources_and_free_slots(spaces, api_for, access_of):
    api = api_for("founder", "token")
    rows = body(api.get(API + "/resources", {"resource_type": "room"}))
    assert {row["name"] for row in rows} == {"Переговорная Лена", "Переговорная Арбат"}
    lena = next(row for row in rows if row["name"] == "Переговорная Лена")
    assert lena["features"] == ["projector", "whiteboard"] and lena["time_zone"] == "Asia/Yakutsk"
    assert len(body(api.get(API + "/resources", {"site": spaces.moscow.pk}))) == 1
    assert api.get(API + "/resources", {"site": 999999}).status_code == 404
    services.booking_create(
        access=access_of("manager"),
        resource=spaces.room,
        starts_at=local(1, 10),
        ends_at=local(1, 12),
    )
    free = body(
        api.get(
            API + "/free",
            {
                "starts_at": local(1, 11).isoformat(),
                "ends_at": local(1, 13).isoformat(),
                "resource_type": "room",
                "capacity": 4,
            },
        )
    )
    assert [row["name"] for row in free] == ["Переговорная Арбат"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"starts_at": "tomorrow"}, "query.starts_at"),
        ({"starts_at": "2026-12-01T10:00:00"}, "query.starts_at"),
        ({"capacity": 0}, "query.capacity"),
        ({"resource_type": "pool"}, "query.resource_type"),
        ({"site": 0}, "query.site"),
    ],
)
def test_bad_free_slot_queries(spaces, api_for, params, field):
    query = {"starts_at": local(1, 10).isoformat(), "ends_at": local(1, 11).isoformat(), **params}
    response = api_for("founder").get(API + "/free", query)
    assert field in field_errors(response)


def test_free_slot_range_must_make_sense(spaces, api_for):
    api = api_for("founder")
    response = api.get(
        API + "/free", {"starts_at": local(1, 11).isoformat(), "ends_at": local(1, 10).isoformat()}
    )
    assert "ends_at" in field_errors(response)
    response = api.get(
        API + "/free", {"starts_at": local(1, 11).isoformat(), "ends_at": local(40, 10).isoformat()}
    )
    assert "ends_at" in field_errors(response)
    # The last days a date can hold: refused by name (the query parameter), not a crash.
    response = api.get(
        API + "/free",
        {"starts_at": "9999-12-31T22:00:00+00:00", "ends_at": "9999-12-31T23:00:00+00:00"},
    )
    assert "query.starts_at" in field_errors(response)


def test_a_conflict_is_a_409_naming_the_booking_but_not_the_other_company(
    spaces, residents, world, api_for
):
    residents.add(world.other_company.pk)
    first = api_for("founder").post(
        API + "/bookings", payload(spaces.room, local(1, 10), local(1, 12), world.company)
    )
    assert first.status_code == 201
    response = api_for("other_founder", "token").post(
        API + "/bookings", payload(spaces.room, local(1, 11), local(1, 13), world.other_company)
    )
    assert response.status_code == 409
    detail = body(response)["detail"]
    assert "Переговорная Лена is already booked" in detail
    assert "10:00–12:00" in detail and "Yakutsk time" in detail
    assert "Северный код" not in detail
    staff = api_for("manager").post(
        API + "/bookings", payload(spaces.room, local(1, 11), local(1, 13))
    )
    assert staff.status_code == 409 and "Северный код" in body(staff)["detail"]


def test_certification_is_enforced_by_the_api(spaces, residents, world, api_for):
    api = api_for("founder")
    response = api.post(
        API + "/bookings", payload(spaces.microscope, local(1, 10), local(1, 11), world.company)
    )
    errors = field_errors(response)
    assert "needs a valid certificate" in errors["resource"][0]
    from django.utils import timezone

    today = timezone.localdate()
    services.certificate_record(
        actor=world.users["manager"],
        user=world.users["founder"],
        resource=spaces.microscope,
        trained_on=today,
        expires_on=today.replace(year=today.year + 1),
    )
    again = api.post(
        API + "/bookings", payload(spaces.microscope, local(1, 10), local(1, 11), world.company)
    )
    assert again.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"resource": 0}, "resource"),
        ({"resource": 999999}, "resource"),
        ({"starts_at": "soon"}, "starts_at"),
        ({"starts_at": "2026-12-01T10:00:00"}, "starts_at"),
        ({"company": 999999}, "company"),
        ({"title": "x" * 201}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"minutes": 15}, "starts_at"),
    ],
)
def test_bad_booking_input_is_a_422_naming_the_field(
    spaces, residents, world, api_for, change, field
):
    data = payload(spaces.room, local(1, 10), local(1, 11), world.company)
    if "minutes" in change:
        data["starts_at"] = local(1, 10, 15).isoformat()
    else:
        data.update(change)
    response = api_for("founder").post(API + "/bookings", data)
    assert field in field_errors(response)
    assert not Booking.all_parks.exists()


def test_not_json_is_a_400(spaces, api_for):
    response = api_for("founder").post(API + "/bookings", body=b"{nope")
    assert response.status_code == 400


def test_move_and_cancel(spaces, residents, world, api_for, access_of):
    api = api_for("founder")
    created = body(
        api.post(API + "/bookings", payload(spaces.room, local(1, 10), local(1, 11), world.company))
    )
    other = services.booking_create(
        access=access_of("manager"),
        resource=spaces.room,
        starts_at=local(1, 14),
        ends_at=local(1, 15),
    )
    url = f"{API}/bookings/{created['id']}"
    moved = api.patch(
        url, {"starts_at": local(1, 12).isoformat(), "ends_at": local(1, 13).isoformat()}
    )
    assert moved.status_code == 200 and body(moved)["starts_at"].startswith(
        local(1, 12).date().isoformat()
    )
    clash = api.patch(
        url, {"starts_at": local(1, 14).isoformat(), "ends_at": local(1, 15).isoformat()}
    )
    assert clash.status_code == 409 and "is already booked" in body(clash)["detail"]
    bad = api.patch(url, {"starts_at": "x", "ends_at": local(1, 15).isoformat()})
    assert "starts_at" in field_errors(bad)
    # Another founder cannot see it (404); an observer may not book at all (403).
    assert (
        api_for("other_founder")
        .patch(url, {"starts_at": local(1, 12).isoformat(), "ends_at": local(1, 13).isoformat()})
        .status_code
        == 404
    )
    assert api_for("observer").post(url + "/cancel").status_code == 403
    assert api_for("manager").post(f"{API}/bookings/{other.pk}/cancel").status_code == 200
    cancelled = api.post(url + "/cancel")
    assert cancelled.status_code == 200 and body(cancelled)["status"] == "cancelled"
    again = api.post(url + "/cancel")
    assert "status" in field_errors(again)
    assert api.post(f"{API}/bookings/999999/cancel").status_code == 404
    listed = body(api.get(API + "/bookings"))["items"]
    assert [item["id"] for item in listed] == [created["id"]]


def test_csrf_is_required_for_session_writes(spaces, world, api_for):
    response = api_for("manager").post(
        API + "/bookings", payload(spaces.room, local(1, 10), local(1, 11)), csrf=False
    )
    assert response.status_code == 403


def test_another_park_is_not_found(spaces, api_for):
    response = api_for("founder").get("/api/v1/parks/nowhere/spaces/resources")
    assert response.status_code == 404
