"""The programmes API of issue 19: coworking seats (staff give and release; the seat in the
participant's and the cohort's answers), demo-day guests (staff list, invite, withdraw,
re-send) and feedback (a member's own, staff's list with outside guests marked). Role matrices
by session and token; every answer is checked against the OpenAPI document (``api_for``)."""

# ruff: noqa: F811 - the `prog` fixture is imported from tests/programmes/conftest.py
from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from django.core import mail

from technopark.core.localtime import local_today, zone_named
from technopark.programmes import queries, services
from technopark.programmes.models import DemoDayGuest, PitchFeedback
from technopark.spaces import services as spaces_services
from technopark.spaces.models import ResourceType, SeatAllocation
from tests.api.conftest import field_errors
from tests.conftest import ROLES
from tests.programmes.conftest import prog  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

BASE = "/api/v1/parks/yakutia"


def status_for(role: str, ok: int) -> int:
    return 401 if role == "anonymous" else ok if role == "manager" else 403


@pytest.fixture
def desk(world):
    return spaces_services.resource_create(
        site=world.site, name="Desk 1", resource_type=ResourceType.DESK
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("auth", ["session", "token"])
def test_seats_by_role(prog, desk, api_for, role, auth):
    url = f"{BASE}/participants/{prog.participant.pk}/seat"
    client = api_for(role, auth)
    assert client.get(f"{url}/choices").status_code == status_for(role, 200)
    assert client.post(url, {}).status_code == status_for(role, 201)
    assert SeatAllocation.all_parks.exists() == (role == "manager")
    assert client.request("DELETE", url).status_code == status_for(role, 200)


def test_a_seat_shows_in_the_cohort_and_my_programme(prog, desk, api_for):
    manager = api_for("manager")
    choices = json.loads(
        manager.get(f"{BASE}/participants/{prog.participant.pk}/seat/choices").content
    )
    assert [c["resource_id"] for c in choices] == [desk.pk]
    response = manager.post(
        f"{BASE}/participants/{prog.participant.pk}/seat", {"resource_id": desk.pk}
    )
    assert response.status_code == 201
    seat = json.loads(response.content)
    assert seat["resource_name"] == "Desk 1" and seat["ends_on"] == prog.cohort.ends_on.isoformat()
    cohort = json.loads(api_for("observer").get(f"{BASE}/cohorts/{prog.cohort.pk}").content)
    assert cohort["participants"][0]["seat"]["resource_id"] == desk.pk
    (mine,) = json.loads(api_for("founder", "token").get(f"{BASE}/programmes/mine").content)
    assert mine["seat"]["booking_id"] == seat["booking_id"]
    released = manager.request("DELETE", f"{BASE}/participants/{prog.participant.pk}/seat")
    assert json.loads(released.content)["released"]["resource_id"] == desk.pk
    again = manager.request("DELETE", f"{BASE}/participants/{prog.participant.pk}/seat")
    assert json.loads(again.content) == {"released": None}


def test_no_free_seat_is_a_422_naming_the_seat(prog, api_for):
    response = api_for("manager").post(f"{BASE}/participants/{prog.participant.pk}/seat", {})
    assert field_errors(response)["seat"] == [
        "No coworking seat is free for all the cohort's dates."
    ]


def test_a_russian_refusal(prog, api_for):
    response = api_for("manager").post(
        f"{BASE}/participants/{prog.participant.pk}/seat",
        {},
        headers={"Accept-Language": "ru"},
    )
    assert field_errors(response)["seat"] == ["Свободных мест на все даты когорты нет."]


def test_bad_seat_input(prog, desk, api_for):
    manager = api_for("manager")
    url = f"{BASE}/participants/{prog.participant.pk}/seat"
    assert manager.post(url, {"resource_id": 0}).status_code == 422
    assert manager.post(url, {"resource_id": "x"}).status_code == 422
    assert manager.post(url, {"desk": 1}).status_code == 422
    assert manager.post(f"{BASE}/participants/999999/seat", {}).status_code == 404
    assert not SeatAllocation.all_parks.exists()


# --- guests -------------------------------------------------------------------------------------


@pytest.fixture
def day(prog, world):
    zone = zone_named(queries.zone_name(cohort=prog.cohort))
    starts = datetime.combine(local_today(zone) + timedelta(days=3), time(10), zone)
    return services.demo_day_save(
        cohort=prog.cohort, actor=world.users["manager"], title="Demo day", starts_at=starts
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("auth", ["session", "token"])
def test_guests_by_role(prog, day, api_for, role, auth, django_capture_on_commit_callbacks):
    client = api_for(role, auth)
    assert client.get(f"{BASE}/demo-days/{day.pk}/guests").status_code == status_for(role, 200)
    assert client.get(f"{BASE}/demo-days/{day.pk}/feedback").status_code == status_for(role, 200)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            f"{BASE}/demo-days/{day.pk}/guests",
            {"name": "Anna", "kind": "investor", "email": "anna@fund.example"},
        )
    assert created.status_code == status_for(role, 201)
    assert len(mail.outbox) == (1 if role == "manager" else 0)
    guest = DemoDayGuest.objects.filter(email="anna@fund.example").first() or prog.guest
    resend = client.post(f"{BASE}/demo-day-guests/{guest.pk}/resend")
    revoke = client.post(f"{BASE}/demo-day-guests/{guest.pk}/revoke")
    assert resend.status_code == status_for(role, 200)
    assert revoke.status_code == status_for(role, 200)


def test_invite_resend_and_withdraw(prog, day, api_for, django_capture_on_commit_callbacks):
    manager = api_for("manager", "token")
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            f"{BASE}/demo-days/{day.pk}/guests",
            {"name": "Anna", "organisation": "Fund", "kind": "customer", "email": "A@Fund.example"},
        )
    body = json.loads(response.content)
    assert body["outside"] is True and body["email"] == "a@fund.example"
    assert body["link_sent_at"] is None  # the mail's task records it
    listed = json.loads(manager.get(f"{BASE}/demo-days/{day.pk}/guests").content)
    anna = next(g for g in listed if g["id"] == body["id"])
    assert anna["link_sent_at"] is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert manager.post(f"{BASE}/demo-day-guests/{body['id']}/resend").status_code == 200
    assert len(mail.outbox) == 2
    revoked = json.loads(manager.post(f"{BASE}/demo-day-guests/{body['id']}/revoke").content)
    assert revoked["revoked_at"] is not None
    assert field_errors(manager.post(f"{BASE}/demo-day-guests/{body['id']}/revoke"))["guest"]
    assert field_errors(manager.post(f"{BASE}/demo-day-guests/{body['id']}/resend"))["guest"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "A", "kind": "investor", "email": "nope"}, "email"),
        ({"name": "A", "kind": "wizard"}, "kind"),
        ({"name": "A\x00", "kind": "investor"}, "name"),
        ({"user_id": 999999}, "user_id"),
        ({"name": "A", "kind": "investor", "extra": 1}, "extra"),
    ],
)
def test_bad_invitations_are_422(prog, day, api_for, payload, field):
    response = api_for("manager").post(f"{BASE}/demo-days/{day.pk}/guests", payload)
    assert field in field_errors(response)
    assert not mail.outbox


def test_another_parks_demo_day_is_not_found(prog, day, api_for):
    response = api_for("outsider").get(f"/api/v1/parks/kolyma/demo-days/{day.pk}/guests")
    assert response.status_code == 404
    assert api_for("manager").get(f"{BASE}/demo-days/999999/guests").status_code == 404


# --- feedback -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "investor"])
def test_my_feedback_by_role(prog, api_for, api_as, role):
    """Only the invited member (the investor) gives feedback as themself."""
    client = api_as(prog.users["investor"]) if role == "investor" else api_for(role)
    url = f"{BASE}/demo-days/{prog.demo_day.pk}/feedback/mine"
    expected = 200 if role == "investor" else 401 if role == "anonymous" else 403
    assert client.get(url).status_code == expected
    body = {"entries": [{"pitch_id": prog.pitch.pk, "meet": True, "note": "Call"}]}
    assert client.request("PUT", url, body).status_code == expected
    assert PitchFeedback.objects.exists() == (role == "investor")


def test_my_feedback_round_trip_and_staff_see_it(prog, api_as, api_for):
    investor = api_as(prog.users["investor"], "token")
    url = f"{BASE}/demo-days/{prog.demo_day.pk}/feedback/mine"
    (before,) = json.loads(investor.get(url).content)
    assert before["given"] is False
    response = investor.request(
        "PUT", url, {"entries": [{"pitch_id": prog.pitch.pk, "invest": True, "note": "<b>x</b>"}]}
    )
    (after,) = json.loads(response.content)
    assert after["given"] and after["invest"] and after["note"] == "<b>x</b>"
    (row,) = json.loads(
        api_for("manager").get(f"{BASE}/demo-days/{prog.demo_day.pk}/feedback").content
    )
    assert row["outside"] is False and row["guest_id"] == prog.guest.pk


@pytest.mark.parametrize(
    "entries",
    [
        [],
        [{"pitch_id": 999999}],
        [{"pitch_id": "PITCH"}, {"pitch_id": "PITCH"}],
        [{"pitch_id": "PITCH", "note": "a\x00b"}],
        [{"pitch_id": "PITCH", "note": "x" * 5001}],
    ],
)
def test_bad_feedback_is_422_and_nothing_changes(prog, api_as, entries):
    entries = [
        {**e, "pitch_id": prog.pitch.pk if e["pitch_id"] == "PITCH" else e["pitch_id"]}
        for e in entries
    ]
    investor = api_as(prog.users["investor"])
    url = f"{BASE}/demo-days/{prog.demo_day.pk}/feedback/mine"
    assert investor.request("PUT", url, {"entries": entries}).status_code == 422
    assert not PitchFeedback.objects.exists()
