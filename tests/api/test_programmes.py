"""The programmes API: a role matrix for every endpoint (session and token), attendance taken by
staff, sessions scheduled in the site's time zone, and bad input as 422 naming the field.
Every response is checked against the OpenAPI spec by ``api_for``/``api_as``."""

# ruff: noqa: F811 - the `prog` fixture is imported from tests/programmes/conftest.py
from __future__ import annotations

import json

import pytest

from technopark.programmes.models import Attendance, Attendee, CurriculumSession
from tests.api.conftest import field_errors
from tests.conftest import ROLES
from tests.factories import SiteFactory
from tests.programmes.conftest import prog  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

BASE = "/api/v1/parks/yakutia"
MEMBER = {"founder", "other_founder", "manager", "expert", "observer"}


def expected(allowed: set[str]) -> dict[str, int]:
    return {role: 401 if role == "anonymous" else 200 if role in allowed else 403 for role in ROLES}


def reads(prog):
    return {
        "programmes": (f"{BASE}/programmes", expected(MEMBER)),
        "mine": (f"{BASE}/programmes/mine", expected(MEMBER)),
        "cohort": (f"{BASE}/cohorts/{prog.cohort.pk}", expected(MEMBER)),
        "sessions": (f"{BASE}/cohorts/{prog.cohort.pk}/sessions", expected(MEMBER)),
        "attendance": (f"{BASE}/sessions/{prog.past_session.pk}/attendance", expected({"manager"})),
    }


@pytest.mark.parametrize("name", ["programmes", "mine", "cohort", "sessions", "attendance"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("auth", ["session", "token"])
def test_reads_by_role(prog, api_for, name, role, auth):
    path, statuses = reads(prog)[name]
    response = api_for(role, auth).get(path)
    assert response.status_code == statuses[role], (name, role)


def test_programmes_list_carries_money_as_a_string(prog, api_for):
    body = json.loads(api_for("observer").get(f"{BASE}/programmes").content)
    (programme,) = body
    assert programme["grant_cap"] == "2000000.00"
    assert programme["cohorts"][0]["participants"] == 1


def test_mine_shows_the_founders_schedule_and_attendance(world, prog, api_for):
    attendee = Attendee.objects.get(user=world.users["founder"])
    api_for("manager").request(
        "PUT",
        f"{BASE}/sessions/{prog.past_session.pk}/attendance",
        {"marks": [{"attendee_id": attendee.pk, "present": True}]},
    )
    (mine,) = json.loads(api_for("founder", "token").get(f"{BASE}/programmes/mine").content)
    assert mine["company_name"] == "Северный код"
    presence = {s["id"]: s["present"] for s in mine["sessions"]}
    assert presence == {prog.past_session.pk: True, prog.future_session.pk: None}
    assert json.loads(api_for("other_founder").get(f"{BASE}/programmes/mine").content) == []


def test_another_parks_cohort_is_not_found(prog, api_for):
    response = api_for("outsider").get(f"/api/v1/parks/kolyma/cohorts/{prog.cohort.pk}")
    assert response.status_code == 404
    response = api_for("manager").get(f"{BASE}/cohorts/999999")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_take_attendance_by_role(world, prog, api_for, role):
    attendee = Attendee.objects.get(user=world.users["founder"])
    response = api_for(role).request(
        "PUT",
        f"{BASE}/sessions/{prog.past_session.pk}/attendance",
        {"marks": [{"attendee_id": attendee.pk, "present": True}]},
    )
    assert response.status_code == {"anonymous": 401, "manager": 200}.get(role, 403)
    assert Attendance.objects.exists() == (role == "manager")


def test_attendance_without_csrf_is_refused(world, prog, api_for):
    attendee = Attendee.objects.get(user=world.users["founder"])
    response = api_for("manager").request(
        "PUT",
        f"{BASE}/sessions/{prog.past_session.pk}/attendance",
        {"marks": [{"attendee_id": attendee.pk, "present": True}]},
        csrf=False,
    )
    assert response.status_code == 403


def test_attendance_is_idempotent_and_returns_the_sheet(world, prog, api_for):
    attendee = Attendee.objects.get(user=world.users["founder"])
    client = api_for("manager", "token")
    body = {"marks": [{"attendee_id": attendee.pk, "present": False}]}
    path = f"{BASE}/sessions/{prog.past_session.pk}/attendance"
    first = json.loads(client.request("PUT", path, body).content)
    second = json.loads(client.request("PUT", path, body).content)
    assert first == second
    assert first["rows"][0]["present"] is False
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"marks": []}, "marks"),
        ({"marks": [{"attendee_id": 0, "present": True}]}, "marks.0.attendee_id"),
        ({"marks": [{"attendee_id": 999999, "present": True}]}, "marks"),
        ({"marks": [{"attendee_id": 1, "present": "perhaps"}]}, "marks.0.present"),
        ({"marks": [{"attendee_id": 1, "present": True, "x": 1}]}, "marks.0.x"),
    ],
)
def test_attendance_bad_input(prog, api_for, body, field):
    response = api_for("manager").request(
        "PUT", f"{BASE}/sessions/{prog.past_session.pk}/attendance", body
    )
    assert field in field_errors(response)


def test_attendance_for_a_future_session_is_refused(world, prog, api_for):
    attendee = Attendee.objects.get(user=world.users["founder"])
    response = api_for("manager").request(
        "PUT",
        f"{BASE}/sessions/{prog.future_session.pk}/attendance",
        {"marks": [{"attendee_id": attendee.pk, "present": True}]},
    )
    assert "started" in field_errors(response)["marks"][0]


def test_a_repeated_person_is_refused(world, prog, api_for):
    attendee = Attendee.objects.get(user=world.users["founder"])
    mark = {"attendee_id": attendee.pk, "present": True}
    response = api_for("manager").request(
        "PUT", f"{BASE}/sessions/{prog.past_session.pk}/attendance", {"marks": [mark, mark]}
    )
    assert "marks" in field_errors(response)


def test_not_json_is_a_400(prog, api_for):
    response = api_for("manager").request(
        "PUT", f"{BASE}/sessions/{prog.past_session.pk}/attendance", body=b"{nope"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_schedule_a_session_by_role(prog, api_for, role):
    response = api_for(role).post(
        f"{BASE}/cohorts/{prog.cohort.pk}/sessions",
        {
            "kind": "workshop",
            "title": "Customer interviews",
            "starts_at": "2026-04-01T10:00",
            "ends_at": "2026-04-01T12:00",
        },
    )
    assert response.status_code == {"anonymous": 401, "manager": 201}.get(role, 403)


def test_session_times_without_offset_are_the_sites_wall_clock(world, prog, api_for):
    moscow = SiteFactory(park=world.park, name="Moscow office", time_zone="Europe/Moscow")
    client = api_for("manager")
    response = client.post(
        f"{BASE}/cohorts/{prog.cohort.pk}/sessions",
        {
            "kind": "project_management",
            "title": "PM",
            "site": moscow.pk,
            "starts_at": "2026-04-01T10:00",
            "ends_at": "2026-04-01T12:00",
        },
    )
    body = json.loads(response.content)
    assert body["time_zone"] == "Europe/Moscow"
    assert body["local_starts_at"] == "2026-04-01T10:00"
    assert (
        CurriculumSession.objects.get(pk=body["id"]).starts_at.isoformat()
        == "2026-04-01T07:00:00+00:00"
    )
    # with an offset the time is taken as is, and shown in the site's zone (the cohort's: Yakutsk)
    response = client.post(
        f"{BASE}/cohorts/{prog.cohort.pk}/sessions",
        {
            "kind": "workshop",
            "title": "W",
            "starts_at": "2026-04-01T00:00:00Z",
            "ends_at": "2026-04-01T01:00:00Z",
        },
    )
    body = json.loads(response.content)
    assert (body["time_zone"], body["local_starts_at"]) == ("Asia/Yakutsk", "2026-04-01T09:00")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "lecture"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"ends_at": "2026-04-01T09:00"}, "ends_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"site": 999999}, "site"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_session_bad_input(prog, api_for, body, field):
    good = {
        "kind": "workshop",
        "title": "W",
        "starts_at": "2026-04-01T10:00",
        "ends_at": "2026-04-01T12:00",
    }
    response = api_for("manager").post(
        f"{BASE}/cohorts/{prog.cohort.pk}/sessions", {**good, **body}
    )
    assert field in field_errors(response)


def test_session_site_of_another_park_is_refused(world, prog, api_for):
    foreign = SiteFactory(park=world.other_park)
    response = api_for("manager").post(
        f"{BASE}/cohorts/{prog.cohort.pk}/sessions",
        {
            "kind": "workshop",
            "title": "W",
            "site": foreign.pk,
            "starts_at": "2026-04-01T10:00",
            "ends_at": "2026-04-01T12:00",
        },
    )
    assert "site" in field_errors(response)


@pytest.mark.parametrize("n", [1, 6])
def test_cohort_endpoint_runs_a_fixed_number_of_queries(
    world, prog, api_for, django_assert_num_queries, n
):
    from technopark.programmes import services
    from tests.factories import CompanyFactory

    prog.cohort.capacity = 50
    prog.cohort.save()
    for _ in range(n):
        services.participant_add(
            cohort=prog.cohort, actor=None, company=CompanyFactory(park=world.park)
        )
    client = api_for("manager", "token")
    # the token and its owner on first use, its last use stamped, park, roles (5); the cohort;
    # participants, their attendees, their mentors, their companies' teams (5); their coworking
    # seats (1)
    with django_assert_num_queries(11):
        response = client.get(f"{BASE}/cohorts/{prog.cohort.pk}")
    assert len(json.loads(response.content)["participants"]) == n + 1


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        ("0001-01-01T00:00", "0001-01-01T01:00"),
        ("9999-12-31T22:00", "9999-12-31T23:00"),
        ("0001-01-01T00:00:00+14:00", "0001-01-01T01:00:00+14:00"),
        ("9999-12-31T22:00:00-12:00", "9999-12-31T23:00:00-12:00"),
    ],
)
def test_session_times_at_the_ends_of_the_calendar_are_refused_by_name(
    prog, api_for, starts_at, ends_at
):
    # Year 1 and 9999 once overflowed on the way to UTC: a 500.
    response = api_for("manager").post(
        f"{BASE}/cohorts/{prog.cohort.pk}/sessions",
        {"kind": "workshop", "title": "W", "starts_at": starts_at, "ends_at": ends_at},
    )
    errors = field_errors(response)
    assert "Give a date between 1900-01-01 and 2100-12-31." in errors["starts_at"]
    assert not CurriculumSession.objects.filter(title="W").exists()
