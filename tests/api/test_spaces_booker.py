"""Who may see whose booking it is: one predicate, ``spaces.rules.can_see_booker``, asked by the
calendar page, the booking conflict of the page and the API, and the iCal feed. A role matrix
shows all of them agree with it.

The booking in the way is the expert's, made for the founder's company: the founder sees the
company's name (acting for it), the expert too (made it), staff always; the other founder and
the observer see only that the time is taken.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from technopark.parks.rules import access_for
from technopark.spaces import rules, services
from technopark.spaces.models import Booking
from tests.conftest import ROLES
from tests.spaces.conftest import access_of, residents, spaces  # noqa: F401

pytestmark = pytest.mark.django_db

NAME = "Северный код"  # world.company
YAKUTSK = ZoneInfo("Asia/Yakutsk")
DAY = datetime(2030, 3, 5, tzinfo=YAKUTSK).date()
MEMBERS = {"founder", "other_founder", "manager", "expert", "observer"}
BOOKERS = {"founder", "other_founder", "manager"}
SEES = {"founder", "expert", "manager"}


@pytest.fixture
def frozen(time_machine):
    """Monday 2030-03-04, 09:00 in Yakutsk: listed first, so every fixture is made at it."""
    time_machine.move_to(datetime(2030, 3, 4, 0, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def in_the_way(frozen, spaces, residents, world):  # noqa: F811
    residents.add(world.other_company.pk)
    return Booking.all_parks.create(
        park=world.park,
        resource=spaces.room,
        company=world.company,
        booked_by=world.users["expert"],
        starts_at=datetime(2030, 3, 5, 10, tzinfo=YAKUTSK),
        ends_at=datetime(2030, 3, 5, 12, tzinfo=YAKUTSK),
        title="Секретная встреча",
    )


def _company_for(world, role):
    return {"founder": world.company, "other_founder": world.other_company}.get(role)


@pytest.mark.parametrize("role", ROLES)
def test_page_api_and_feed_agree_on_who_sees_the_booker(
    frozen,
    in_the_way,
    spaces,  # noqa: F811 - the fixture imported above
    world,
    client_for,
    api_for,
    role,
):
    sees = role in SEES
    user = world.users.get(role)
    seen: dict[str, bool] = {}
    if role in MEMBERS:
        # The predicate itself.
        company_ids = services.acting_company_ids(user=user, park=world.park)
        access = access_for(user, world.park)
        seen["rule"] = rules.can_see_booker(access, in_the_way, company_ids)
        # The calendar page.
        calendar = client_for(role).get(
            "/yakutia/spaces/", {"type": "room", "view": "day", "date": DAY.isoformat()}
        )
        assert calendar.status_code == 200 and "10:00–12:00" in calendar.content.decode()
        seen["calendar"] = NAME in calendar.content.decode()
        # The resource's iCal feed.
        _feed, secret = services.feed_issue(park=world.park, user=user, resource=spaces.room)
        ics = client_for(role).get(f"/yakutia/spaces/feeds/{secret}.ics").content.decode()
        assert "Переговорная Лена" in ics
        seen["feed"] = NAME in ics
        seen["feed purpose"] = "Секретная встреча" in ics
    if role in BOOKERS:
        company = _company_for(world, role)
        clash = {
            "resource": spaces.room.pk,
            "starts_at": "2030-03-05T11:00",
            "ends_at": "2030-03-05T13:00",
            "weeks": 1,
            **({"company": company.pk} if company else {}),
        }
        # The booking page's conflict.
        page = client_for(role).post("/yakutia/spaces/book/", clash)
        assert page.status_code == 409
        seen["book page"] = NAME in page.content.decode()
        # The API's 409.
        data = {
            "resource": spaces.room.pk,
            "starts_at": "2030-03-05T02:00:00+00:00",
            "ends_at": "2030-03-05T04:00:00+00:00",
            **({"company": company.pk} if company else {}),
        }
        api = api_for(role).post("/api/v1/parks/yakutia/spaces/bookings", data)
        assert api.status_code == 409
        seen["API"] = NAME in json.loads(api.content)["detail"]
    if role not in MEMBERS:
        assert client_for(role).get("/yakutia/spaces/").status_code in (302, 403)
        return
    assert seen == dict.fromkeys(seen, sees), role
