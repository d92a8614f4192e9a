"""The calendar as a time grid: opening hours bound the rows, free time links to a prefilled
booking form, certificates are marked, the visitor's own bookings highlighted, a table with
headers, the day view by default; and the confirmations before cancelling and leaving."""

from __future__ import annotations

from datetime import time

import pytest

from technopark.spaces import services
from technopark.spaces.models import BookingStatus, WaitlistEntry, WaitlistStatus
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
