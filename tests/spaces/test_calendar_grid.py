"""The calendar as a time grid: opening hours bound the rows, free time links to a prefilled
booking form, certificates are marked, the visitor's own bookings highlighted, a table with
headers, the day view by default; and the confirmations before cancelling and leaving."""

from __future__ import annotations

import re
from datetime import time

import pytest

from technopark.spaces import services
from technopark.spaces.models import (
    BookingStatus,
    ResourceType,
    WaitlistEntry,
    WaitlistStatus,
)
from tests.spaces.conftest import local

pytestmark = pytest.mark.django_db

BASE = "/yakutia/spaces/"


def test_the_day_view_is_a_grid_in_the_opening_hours(
    spaces, residents, access_of, world, client_for
):
    services.opening_hours_set(site=spaces.site, hours={d: (time(9), time(18)) for d in range(7)})
    services.booking_create(
        access=access_of("founder"),
        resource=spaces.room,
        starts_at=local(1, 10),
        ends_at=local(1, 12),
        company=world.company,
    )
    day = local(1, 0).date().isoformat()
    body = client_for("founder").get(BASE, {"date": day, "type": "room"}).content.decode()
    # The day view is the default: the resources are the columns, the hours 09..17 the rows.
    assert '<th scope="col">Переговорная Лена' in body
    assert '<th scope="row">09:00</th>' in body and '<th scope="row">17:00</th>' in body
    assert '<th scope="row">08:00</th>' not in body and '<th scope="row">18:00</th>' not in body
    # Free time is one click from the booking form, filled in.
    link = f"book/?resource={spaces.room.pk}&amp;starts_at={day}T09:00&amp;ends_at={day}T10:00"
    assert link in body
    assert f"starts_at={day}T10:00" not in body  # booked
    # The founder's own booking is highlighted; zone in words; a scroll box for the phone.
    assert "booking-own" in body and "yours" in body
    assert "Yakutsk time" in body and "Asia/Yakutsk" not in body
    assert 'class="table-wrap calendar-scroll"' in body
    # Someone else sees it taken, not whose, and not highlighted.
    other = client_for("other_founder").get(BASE, {"date": day, "type": "room"}).content.decode()
    assert "booking-own" not in other and "Северный код" not in other and "booked" in other
    # The prefilled form opens with those times.
    form = client_for("founder").get(BASE + link.replace("&amp;", "&"))
    assert form.status_code == 200
    assert form.context["form"].initial["starts_at"] == f"{day}T09:00"
    # An expert may look but not book: free time is shown without a link.
    expert = client_for("expert").get(BASE, {"date": day, "type": "room"}).content.decode()
    assert "book/?resource=" not in expert and "free" in expert


def test_the_week_view_is_one_resource_and_marks_certificates(spaces, client_for):
    services.closure_create(
        site=spaces.site,
        starts_at=local(1, 0),
        ends_at=local(2, 0),
        reason="Праздник",
        resource=spaces.microscope,
    )
    day = local(1, 0).date().isoformat()
    response = client_for("manager").get(
        BASE, {"date": day, "type": "lab", "view": "week", "resource": spaces.microscope.pk}
    )
    body = response.content.decode()
    assert body.count('<th scope="col"><time datetime=') == 7
    assert "tag-certificate" in body and "Конфокальный микроскоп" in body
    assert "slot-closed" in body  # the closed day
    assert body.count('<th scope="row">') == 24  # open around the clock


def test_a_closed_day_says_so(spaces, client_for):
    services.opening_hours_set(site=spaces.site, hours={0: (time(9), time(18))})
    day = local(1, 0).date()
    if day.weekday() == 0:
        day = local(2, 0).date()
    body = client_for("manager").get(BASE, {"date": day.isoformat()}).content.decode()
    assert "The site is closed on these days." in body


def test_cancelling_asks_first(spaces, residents, access_of, world, client_for):
    booking = services.booking_create(
        access=access_of("founder"),
        resource=spaces.room,
        starts_at=local(1, 10),
        ends_at=local(1, 12),
        company=world.company,
    )
    client = client_for("founder")
    url = f"{BASE}bookings/{booking.pk}/cancel/"
    ask = client.post(url)
    assert ask.status_code == 200 and 'data-testid="confirm"' in ask.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_leaving_the_waitlist_asks_first(spaces, residents, access_of, world, client_for):
    services.booking_create(
        access=access_of("founder"),
        resource=spaces.room,
        starts_at=local(1, 10),
        ends_at=local(1, 12),
        company=world.company,
    )
    entry = services.waitlist_join(
        access=access_of("manager"),
        resource=spaces.room,
        starts_at=local(1, 10),
        ends_at=local(1, 11),
    )
    client = client_for("manager")
    my = client.get(BASE + "my/").content.decode()
    assert "Leave the waitlist" in my
    url = f"{BASE}waitlist/{entry.pk}/leave/"
    ask = client.post(url)
    assert ask.status_code == 200 and "Leave the waitlist?" in ask.content.decode()
    client.post(url, {"confirmed": "1"})
    entry = WaitlistEntry.all_parks.get(pk=entry.pk)
    assert entry.status == WaitlistStatus.CANCELLED


def test_russian_words_in_context(spaces, client_for):
    client = client_for("founder")
    client.cookies["django_language"] = "ru"
    body = client.get(BASE + "book/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Предыдущая стадия" not in body
    my = client.get(BASE + "my/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert ">Выйти<" not in my.split("<main", 1)[-1]


# --- the day view's pages of resources ----------------------------------------------------------


def _rooms(spaces, n: int) -> list:
    """``n`` more rooms at the site, named to sort before «Переговорная Лена»."""
    return [
        services.resource_create(
            site=spaces.site, name=f"Аудитория {i:02d}", resource_type=ResourceType.ROOM
        )
        for i in range(1, n + 1)
    ]


def _main(body: str) -> str:
    return body[body.index("<main") : body.index("</main>")]


def _columns(body: str) -> list[str]:
    return [name.strip() for name in re.findall(r'<th scope="col">([^<]+)', body)[1:]]


def test_the_day_view_pages_its_resources(spaces, access_of, client_for):
    rooms = _rooms(spaces, 19)  # with «Переговорная Лена»: 20 rooms, pages of 8, 8 and 4
    day = local(1, 0).date().isoformat()
    services.booking_create(
        access=access_of("manager"), resource=rooms[9], starts_at=local(1, 10), ends_at=local(1, 11)
    )
    client = client_for("founder")

    def page(value: str | None) -> str:
        params = {"date": day, "type": "room", "site": spaces.site.pk}
        if value is not None:
            params["page"] = value
        response = client.get(BASE, params)
        assert response.status_code == 200
        return response.content.decode()

    first = page(None)
    assert _columns(first) == [f"Аудитория {i:02d}" for i in range(1, 9)]
    assert "Аудитория 09</th>" not in first and "Переговорная Лена </th>" not in first
    assert f"resource={rooms[9].pk}&amp;" not in first  # nor its free time
    assert "Resources 1–8 of 20" in first and "← Previous resources" not in first
    # The links keep the site, type, date and view; the day's steps keep the page.
    nxt = f'href="?site={spaces.site.pk}&amp;type=room&amp;view=day&amp;date={day}&amp;page=2"'
    assert f'{nxt} rel="next">Next resources →' in first
    second = page("2")
    assert _columns(second) == [f"Аудитория {i:02d}" for i in range(9, 17)]
    assert "Аудитория 08</th>" not in second
    assert second.count('class="booking ') == 1  # the booking of «Аудитория 10»
    prev = f'href="?site={spaces.site.pk}&amp;type=room&amp;view=day&amp;date={day}" rel="prev">'
    assert prev + "← Previous resources" in second
    assert "&amp;page=2&amp;date=" in second  # previous/next day stay on this page
    last = page("3")
    assert _columns(last) == ["Аудитория 17", "Аудитория 18", "Аудитория 19", "Переговорная Лена"]
    assert "Resources 17–20 of 20" in last and "Next resources →" not in last
    # Past the last page: the last; unreadable, zero, negative or huge: the first.
    assert _columns(page("4")) == _columns(last)
    assert _columns(page("99999")) == _columns(last)
    for bad in ("0", "-1", "abc", "२", "1e3", "100001", "9" * 40):
        assert _columns(page(bad)) == _columns(first), bad


def test_a_site_of_few_resources_has_no_pages(spaces, client_for):
    _rooms(spaces, 7)  # 8 rooms: one page
    body = client_for("founder").get(BASE, {"type": "room", "page": "2"}).content.decode()
    assert len(_columns(body)) == 8
    assert "calendar-pager" not in body and "&amp;page=" not in _main(body)


def test_the_week_view_ignores_the_page(spaces, client_for):
    rooms = _rooms(spaces, 12)
    body = (
        client_for("founder")
        .get(BASE, {"type": "room", "view": "week", "resource": rooms[11].pk, "page": "2"})
        .content.decode()
    )
    assert body.count('<th scope="col"><time datetime=') == 7
    assert "calendar-pager" not in body and "&amp;page=" not in _main(body)


@pytest.mark.parametrize("extra_rooms", [2, 30])
def test_the_day_view_reads_only_the_shown_resources_bookings(
    spaces, client_for, django_assert_num_queries, extra_rooms
):
    rooms = _rooms(spaces, extra_rooms)
    params = {"type": "room", "site": spaces.site.pk, "page": "2"}
    client = client_for("founder")
    # the same eleven queries as test_calendar_query_count_does_not_grow, however many rooms
    with django_assert_num_queries(11) as captured:
        response = client.get(BASE, params)
    assert response.status_code == 200
    (sql,) = [q["sql"] for q in captured.captured_queries if 'FROM "spaces_booking"' in q["sql"]]
    asked = {int(pk) for pk in re.search(r'"resource_id" IN \(([^)]*)\)', sql)[1].split(",")}
    everyone = [*rooms, spaces.room]
    expected = everyone[8:16] if extra_rooms > 8 else everyone
    assert asked == {room.pk for room in expected}
