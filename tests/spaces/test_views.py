"""The spaces pages: a role matrix for every page, bad input, conflicts, and the calendar's
query count at two sizes."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from technopark.spaces import services
from technopark.spaces.models import Booking, BookingStatus, Certificate, WaitlistEntry
from tests.conftest import ROLES
from tests.spaces.conftest import local

pytestmark = pytest.mark.django_db

BASE = "/yakutia/spaces/"


@pytest.fixture
def founders_booking(spaces, residents, access_of, world):
    return services.booking_create(
        access=access_of("founder"),
        resource=spaces.room,
        starts_at=local(1, 10),
        ends_at=local(1, 12),
        company=world.company,
        title="Встреча с инвестором",
    )


# role -> expected status for each page ("login" = redirect to sign in)
MEMBERS = {"founder", "other_founder", "manager", "expert", "observer"}
PAGES = {
    "": MEMBERS,
    "search/": MEMBERS,
    "my/": MEMBERS,
    "book/": {"founder", "other_founder", "manager"},
    "approvals/": {"manager"},
    "certificates/": {"manager"},
    "occupancy/": {"manager", "observer"},
    "occupancy.xlsx": {"manager", "observer"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_role_matrix_for_pages(spaces, client_for, role, page):
    response = client_for(role).get(BASE + page)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in PAGES[page]:
        assert response.status_code == 200
        if not page.endswith(".xlsx"):
            assert "{#" not in response.content.decode()
    else:
        assert response.status_code == 403


BOOKING_VIEWERS = {"founder", "manager"}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_a_booking(founders_booking, client_for, role):
    url = f"{BASE}bookings/{founders_booking.pk}/"
    response = client_for(role).get(url)
    if role == "anonymous":
        assert response.status_code == 302
    elif role in BOOKING_VIEWERS:
        assert response.status_code == 200
        assert "Встреча с инвестором" in response.content.decode()
    else:
        assert response.status_code == 403
    move = client_for(role).get(url + "move/")
    expected = 302 if role == "anonymous" else (200 if role in BOOKING_VIEWERS else 403)
    assert move.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_for_actions(founders_booking, client_for, role):
    for action in ("cancel", "check-in", "approve", "reject"):
        response = client_for(role).post(
            f"{BASE}bookings/{founders_booking.pk}/{action}/", {"confirmed": "1"}
        )
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif action in ("approve", "reject"):
            # Staff only; the manager's attempt on a confirmed booking is refused with a message.
            assert response.status_code == (302 if role == "manager" else 403)
        elif role in BOOKING_VIEWERS:
            assert response.status_code == 302
        else:
            assert response.status_code == 403
    founders_booking.refresh_from_db()
    if role in BOOKING_VIEWERS:
        assert founders_booking.status == BookingStatus.CANCELLED
    else:
        assert founders_booking.status == BookingStatus.CONFIRMED


def test_another_parks_booking_is_not_found(founders_booking, world, client_for):
    from technopark.parks.models import Role
    from tests.factories import MembershipFactory

    MembershipFactory(park=world.other_park, user=world.users["manager"], role=Role.MANAGER)
    response = client_for("manager").get(f"/kolyma/spaces/bookings/{founders_booking.pk}/")
    assert response.status_code == 404
    response = client_for("manager").get(f"{BASE}bookings/999999/")
    assert response.status_code == 404


def test_get_only_and_post_only(spaces, client_for):
    client = client_for("manager")
    assert client.post(BASE).status_code == 405
    assert client.get(f"{BASE}bookings/1/cancel/").status_code == 405
    assert client.get(f"{BASE}feeds/").status_code == 405


# --- booking through the page -------------------------------------------------------------------


def test_book_through_the_form(spaces, residents, world, client_for):
    client = client_for("founder")
    page = client.get(BASE + "book/", {"resource": spaces.room.pk})
    assert page.status_code == 200
    response = client.post(
        BASE + "book/",
        {
            "resource": spaces.room.pk,
            "starts_at": local(2, 22).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": local(3, 1).strftime("%Y-%m-%dT%H:%M"),
            "company": world.company.pk,
            "title": "Ночной хакатон",
            "weeks": 1,
        },
    )
    booking = Booking.all_parks.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/bookings/{booking.pk}/")
    # The times were read in the site's zone (Yakutsk), across midnight.
    assert booking.starts_at == local(2, 22) and booking.ends_at == local(3, 1)
    detail = client.get(response["Location"]).content.decode()
    assert (
        "22:00" in detail
        and "01:00" in detail
        and "Yakutsk time" in detail
        and "Asia/Yakutsk" not in detail
    )


def test_book_in_moscow_reads_moscow_time(spaces, world, client_for):
    client = client_for("manager")
    client.post(
        BASE + "book/",
        {
            "resource": spaces.moscow_room.pk,
            "starts_at": local(2, 10, zone="Europe/Moscow").strftime("%Y-%m-%dT%H:%M"),
            "ends_at": local(2, 11, zone="Europe/Moscow").strftime("%Y-%m-%dT%H:%M"),
            "weeks": 1,
        },
    )
    booking = Booking.all_parks.get()
    assert booking.starts_at == local(2, 10, zone="Europe/Moscow")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"resource": "", "starts_at": "x"}, "resource"),
        ({"starts_at": "not a date"}, "starts_at"),
        ({"ends_at": ""}, "ends_at"),
        ({"weeks": "0"}, "weeks"),
        ({"weeks": "53"}, "weeks"),
        ({"company": ""}, "company"),
        ({"title": "x" * 201}, "title"),
        ({"starts_at_minutes": 15}, "starts_at"),
    ],
)
def test_bad_input_on_the_booking_form(spaces, residents, world, client_for, data, field):
    valid = {
        "resource": spaces.room.pk,
        "starts_at": local(2, 10).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local(2, 11).strftime("%Y-%m-%dT%H:%M"),
        "company": world.company.pk,
        "weeks": 1,
    }
    if "starts_at_minutes" in data:
        data = {"starts_at": local(2, 10, 15).strftime("%Y-%m-%dT%H:%M")}
    response = client_for("founder").post(BASE + "book/", {**valid, **data})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Booking.all_parks.exists()


def test_a_conflict_on_the_page_names_the_booking_and_offers_the_waitlist(
    founders_booking, residents, world, client_for
):
    residents.add(world.other_company.pk)
    data = {
        "resource": founders_booking.resource_id,
        "starts_at": local(1, 11).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local(1, 12).strftime("%Y-%m-%dT%H:%M"),
        "company": world.other_company.pk,
        "weeks": 1,
    }
    client = client_for("other_founder")
    response = client.post(BASE + "book/", data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "is already booked" in body and "Северный код" not in body
    assert 'data-testid="join-waitlist"' in body
    joined = client.post(BASE + "waitlist/", data)
    assert joined.status_code == 302
    entry = WaitlistEntry.all_parks.get()
    assert entry.user == world.users["other_founder"]
    my = client.get(BASE + "my/").content.decode()
    assert "Waiting" in my


def test_a_weekly_series_through_the_form(spaces, residents, world, client_for):
    client = client_for("founder")
    services.booking_create(
        access=__import__("technopark.parks.rules", fromlist=["x"]).access_for(
            world.users["manager"], world.park
        ),
        resource=spaces.room,
        starts_at=local(9, 10),
        ends_at=local(9, 11),
    )
    response = client.post(
        BASE + "book/",
        {
            "resource": spaces.room.pk,
            "starts_at": local(2, 10).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": local(2, 11).strftime("%Y-%m-%dT%H:%M"),
            "company": world.company.pk,
            "weeks": 3,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 dates booked." in body and 'data-testid="series-conflicts"' in body


def test_move_through_the_page(founders_booking, client_for):
    client = client_for("founder")
    url = f"{BASE}bookings/{founders_booking.pk}/move/"
    bad = client.post(url, {"starts_at": "nonsense", "ends_at": ""})
    assert bad.status_code == 400
    response = client.post(
        url,
        {
            "starts_at": local(1, 14).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": local(1, 15).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    founders_booking.refresh_from_db()
    assert founders_booking.starts_at == local(1, 14)


def test_approve_from_the_approvals_page(spaces, residents, access_of, world, client_for):
    pending = services.booking_create(
        access=access_of("other_founder"),
        resource=spaces.room,
        starts_at=local(1, 10),
        ends_at=local(1, 11),
        company=world.other_company,
    )
    client = client_for("manager")
    assert "Мерзлота Лаб" in client.get(BASE + "approvals/").content.decode()
    response = client.post(f"{BASE}bookings/{pending.pk}/approve/", {"next": BASE + "approvals/"})
    assert response.status_code == 302 and response["Location"] == BASE + "approvals/"
    pending.refresh_from_db()
    assert pending.status == BookingStatus.CONFIRMED
    # An outside address in ``next`` is ignored.
    again = client.post(
        f"{BASE}bookings/{pending.pk}/reject/", {"next": "https://evil.example/", "confirmed": "1"}
    )
    assert again["Location"].endswith(f"/bookings/{pending.pk}/")


def test_check_in_from_my_bookings(spaces, residents, access_of, world, client_for):
    start = timezone.now().replace(second=0, microsecond=0)
    start = start - timedelta(minutes=start.minute % 30) + timedelta(minutes=30)
    booking = services.booking_create(
        access=access_of("founder"),
        resource=spaces.desk,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        company=world.company,
    )
    client = client_for("founder")
    page = client.get(BASE + "my/").content.decode()
    if start - timezone.now() <= timedelta(minutes=15):
        assert "Check in" in page
        client.post(f"{BASE}bookings/{booking.pk}/check-in/")
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CHECKED_IN
    else:
        # Too early: the page refuses with a message, nothing changes.
        response = client.post(f"{BASE}bookings/{booking.pk}/check-in/", follow=True)
        assert "Check-in opens 15 minutes before the start." in response.content.decode()


# --- certificates page --------------------------------------------------------------------------


def test_staff_record_a_training(spaces, world, client_for):
    client = client_for("manager")
    today = timezone.localdate()
    bad = client.post(
        BASE + "certificates/",
        {
            "user": world.users["founder"].pk,
            "resource": spaces.microscope.pk,
            "trained_on": today.isoformat(),
            "expires_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 400 and "expires_on" in bad.context["form"].errors
    for data, field in (
        ({"user": "nobody"}, "user"),
        ({"resource": spaces.room.pk}, "resource"),
        ({"trained_on": "31.02.2026"}, "trained_on"),
    ):
        response = client.post(
            BASE + "certificates/",
            {
                "user": world.users["founder"].pk,
                "resource": spaces.microscope.pk,
                "trained_on": today.isoformat(),
                "expires_on": (today + timedelta(days=365)).isoformat(),
                **data,
            },
        )
        assert response.status_code == 400 and field in response.context["form"].errors
    ok = client.post(
        BASE + "certificates/",
        {
            "user": world.users["founder"].pk,
            "resource": spaces.microscope.pk,
            "trained_on": today.isoformat(),
            "expires_on": (today + timedelta(days=365)).isoformat(),
        },
    )
    assert ok.status_code == 302
    assert Certificate.all_parks.get().user == world.users["founder"]


# --- calendar -----------------------------------------------------------------------------------


def _fill(spaces, access, n: int) -> None:
    for i in range(n):
        services.booking_create(
            access=access,
            resource=[spaces.room, spaces.desk][i % 2],
            starts_at=local(1 + i // 20, 0) + timedelta(hours=i % 20),
            ends_at=local(1 + i // 20, 0) + timedelta(hours=i % 20, minutes=30),
        )


@pytest.mark.parametrize("n_bookings", [2, 40])
@pytest.mark.parametrize("view", ["week", "day"])
def test_calendar_query_count_does_not_grow(
    spaces, access_of, client_for, django_assert_num_queries, n_bookings, view
):
    _fill(spaces, access_of("manager"), n_bookings)
    client = client_for("founder")
    params = {
        "site": spaces.site.pk,
        "type": "room",
        "view": view,
        "date": local(1, 0).date().isoformat(),
    }
    # middleware (3); sites (1); resources, the site's opening hours, its closures and the
    # bookings of the visible range (4); the companies the visitor acts for (1); the park
    # switcher (1); the founder's report banner (1).
    with django_assert_num_queries(11):
        response = client.get(BASE, params)
    assert response.status_code == 200
    shown = response.content.decode().count('class="booking ')
    first = local(1, 0)
    days = 1 if view == "day" else 7
    if view == "week":
        first -= timedelta(days=first.weekday())
    expected = Booking.all_parks.filter(
        resource=spaces.room, starts_at__gte=first, starts_at__lt=first + timedelta(days=days)
    ).count()
    assert shown == expected and shown >= 1
    # Again: from the cache; only the visitor's own companies are asked (staff: nothing).
    with django_assert_num_queries(1):
        again = client.get(BASE, params)

    def main(page) -> str:
        body = page.content.decode()
        return body[body.index("<main") : body.index("</main>")]

    assert main(again) == main(response)
    manager = client_for("manager")
    manager.get(BASE, params)
    with django_assert_num_queries(0):
        manager.get(BASE, params)


def test_the_cached_calendar_and_search_show_a_booking_at_once(spaces, access_of, client_for):
    client = client_for("manager")
    day = local(1, 0).date().isoformat()
    params = {"site": spaces.site.pk, "type": "room", "view": "day", "date": day}
    search = {"day": day, "start": "10:00", "end": "11:00", "resource_type": "room", "capacity": 1}
    assert 'class="booking ' not in client.get(BASE, params).content.decode()
    before = client.get(BASE + "search/", search).content.decode()
    assert "Переговорная Лена" in before
    booking = services.booking_create(
        access=access_of("manager"),
        resource=spaces.room,
        starts_at=local(1, 10),
        ends_at=local(1, 11),
    )
    assert 'class="booking ' in client.get(BASE, params).content.decode()
    assert "Переговорная Лена" not in client.get(BASE + "search/", search).content.decode()
    services.booking_cancel(access=access_of("manager"), booking=booking)
    assert 'class="booking ' not in client.get(BASE, params).content.decode()


def test_calendar_loads_only_the_visible_range_and_hides_other_companies(
    founders_booking, spaces, access_of, world, client_for
):
    later = services.booking_create(
        access=access_of("manager"),
        resource=spaces.room,
        starts_at=local(20, 10),
        ends_at=local(20, 11),
    )
    day = local(1, 0).date()
    page = client_for("other_founder").get(
        BASE, {"type": "room", "view": "day", "date": day.isoformat()}
    )
    body = page.content.decode()
    assert "10:00–12:00" in body and "Северный код" not in body and "booked" in body
    assert f"/bookings/{later.pk}/" not in body
    own = client_for("founder").get(BASE, {"type": "room", "view": "day", "date": day.isoformat()})
    assert "Северный код" in own.content.decode()
    # A bad date or type falls back; a site of another park is not found.
    assert client_for("founder").get(BASE, {"date": "2026-13-45", "type": "zzz"}).status_code == 200
    assert client_for("founder").get(BASE, {"site": 999999}).status_code == 404
    moscow = client_for("founder").get(BASE, {"site": spaces.moscow.pk}).content.decode()
    assert "Moscow time" in moscow and "Europe/Moscow" not in moscow


# --- free-slot search ---------------------------------------------------------------------------


def test_free_slot_search(founders_booking, spaces, client_for):
    client = client_for("founder")
    day = local(1, 0).date().isoformat()
    response = client.get(
        BASE + "search/",
        {"day": day, "start": "11:00", "end": "13:00", "capacity": 6, "resource_type": "room"},
    )
    assert response.status_code == 200
    assert response.context["results"] == []  # the only room for 6 is taken
    response = client.get(
        BASE + "search/",
        {"day": day, "start": "12:00", "end": "14:00", "capacity": 6, "resource_type": "room"},
    )
    assert response.context["results"] == [spaces.room]
    response = client.get(
        BASE + "search/", {"day": day, "start": "11:00", "end": "13:00", "capacity": 2}
    )
    assert spaces.moscow_room in response.context["results"]
    # Across midnight: 23:00 until 01:00.
    response = client.get(
        BASE + "search/",
        {"day": day, "start": "23:00", "end": "01:00", "resource_type": "desk", "capacity": 1},
    )
    assert response.context["results"] == [spaces.desk]


@pytest.mark.parametrize(
    "params",
    [
        {"day": "yesterday", "start": "10:00", "end": "11:00", "capacity": 1},
        {"day": "2026-12-01", "start": "25:00", "end": "11:00", "capacity": 1},
        {"day": "2026-12-01", "start": "10:00", "end": "10:00", "capacity": 1},
        {"day": "2026-12-01", "start": "10:00", "end": "11:00", "capacity": 0},
        {"day": "2026-12-01", "start": "10:00", "end": "11:00", "capacity": 1, "site": "x"},
        {"day": "9999-12-31", "start": "23:00", "end": "01:00", "capacity": 1},
        {"day": "0001-01-01", "start": "10:00", "end": "11:00", "capacity": 1},
        {
            "day": "2026-12-01",
            "start": "10:00",
            "end": "11:00",
            "capacity": 1,
            "resource_type": "pool",
        },
    ],
)
def test_bad_input_on_the_search(spaces, client_for, params):
    response = client_for("founder").get(BASE + "search/", params)
    assert response.status_code == 200
    assert response.context["form"].errors and response.context["results"] is None


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("page", ["", "occupancy/?period=month&", "occupancy/?period=week&"])
def test_dates_at_the_ends_of_the_calendar_show_today_instead(spaces, client_for, day, page):
    url = BASE + (page or "?") + f"date={day}"
    response = client_for("manager").get(url + ("&view=week" if not page else ""))
    assert response.status_code == 200
    # The page shows the current week or month (its links step from there), not the year 9999.
    body = response.content.decode().replace(f"date={day}", "")
    assert day not in body
    assert str(timezone.localdate().year) in body


# --- occupancy ----------------------------------------------------------------------------------


def test_occupancy_and_xlsx(spaces, access_of, client_for):
    manager = access_of("manager")
    booking = services.booking_create(
        access=manager, resource=spaces.room, starts_at=local(1, 10), ends_at=local(1, 16)
    )
    services.booking_create(
        access=manager, resource=spaces.desk, starts_at=local(1, 10), ends_at=local(1, 11)
    )
    Booking.all_parks.filter(resource=spaces.desk).update(status=BookingStatus.RELEASED)
    client = client_for("observer")
    day = local(1, 0).date().isoformat()
    page = client.get(BASE + "occupancy/", {"period": "week", "date": day})
    data = page.context["occupancy"]
    room = next(r for r in data.resources if r.label == "Переговорная Лена")
    # Open around the clock: 7 × 24 hours; booked 6 of them.
    assert room.open_minutes == 7 * 24 * 60 and room.booked_minutes == 360
    assert room.utilisation == pytest.approx(6 / 168)
    desk = next(r for r in data.resources if r.label == "Стол 1")
    assert desk.no_shows == 1 and desk.no_show_rate == 1.0 and desk.booked_minutes == 0
    month = client.get(BASE + "occupancy/", {"period": "month", "date": day}).context["occupancy"]
    assert month.first_day.day == 1
    export = client.get(BASE + "occupancy.xlsx", {"period": "week", "date": day})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(export.content))
    assert workbook.sheetnames == ["Resources", "Types", "Sites"]
    rows = list(workbook["Resources"].iter_rows(values_only=True))
    assert rows[1][0] == "Site"
    room_row = next(r for r in rows if r[2] == "Переговорная Лена")
    assert room_row[4] == 6 and room_row[5] == pytest.approx(6 / 168, abs=1e-4)
    assert booking.pk


def test_free_slot_rows_are_rendered_in_one_pass_as_the_template_did(spaces, client_for):
    """The rows come from ``_result_items`` (no template per row): site, name, type, capacity in
    words, the certificate tag, the booking link with the local times for those who may book
    and none for an expert; names escaped."""
    spaces.microscope.name = "Микроскоп <&>"
    spaces.microscope.capacity = 1
    spaces.microscope.save()
    day = local(1, 0).date().isoformat()
    params = {"day": day, "start": "23:00", "end": "01:00", "resource_type": "lab", "capacity": 1}
    body = client_for("founder").get(BASE + "search/", params).content.decode()
    next_day = local(2, 0).date().isoformat()
    url = (
        f"/yakutia/spaces/book/?resource={spaces.microscope.pk}&amp;starts_at={day}T23:00"
        f"&amp;ends_at={next_day}T01:00"
    )
    assert (
        f"<li>{spaces.site.name} — <strong>Микроскоп &lt;&amp;&gt;</strong> (Laboratory "
        'instrument, 1 person) <span class="tag">certificate</span>\n'
        f'  <a class="button secondary" href="{url}">Book</a></li>'
    ) in body
    expert = client_for("expert").get(BASE + "search/", params).content.decode()
    assert "Микроскоп &lt;&amp;&gt;" in expert and "book/?resource=" not in expert
