"""``core.localtime``: wall-clock time in a site's zone and the UTC instants we store, in a zone
without clock changes (Asia/Yakutsk, UTC+9), in one with them (Europe/Berlin), and at the ends of
the calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from technopark.core.localtime import local_today, to_local, to_utc, wall_time, zone_named

YAKUTSK = "Asia/Yakutsk"
BERLIN = "Europe/Berlin"


# --- zones ----------------------------------------------------------------------------------------


def test_a_zone_is_found_by_name_and_a_zone_passes_through() -> None:
    assert zone_named(YAKUTSK) == ZoneInfo(YAKUTSK)
    berlin = ZoneInfo(BERLIN)
    assert zone_named(berlin) is berlin


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "../etc/passwd"])
def test_an_unknown_zone_is_an_error_never_a_silent_fallback(name: str) -> None:
    with pytest.raises((ZoneInfoNotFoundError, ValueError)):
        zone_named(name)
    with pytest.raises((ZoneInfoNotFoundError, ValueError)):
        local_today(name, at=datetime(2026, 3, 1, tzinfo=UTC))


# --- today ----------------------------------------------------------------------------------------


def test_today_is_the_date_on_the_sites_clocks() -> None:
    # 14:59 UTC is 23:59 in Yakutsk; 15:00 UTC is already the next day there, not yet in Berlin.
    assert local_today(YAKUTSK, at=datetime(2026, 3, 1, 14, 59, tzinfo=UTC)) == date(2026, 3, 1)
    assert local_today(YAKUTSK, at=datetime(2026, 3, 1, 15, 0, tzinfo=UTC)) == date(2026, 3, 2)
    assert local_today(BERLIN, at=datetime(2026, 3, 1, 15, 0, tzinfo=UTC)) == date(2026, 3, 1)
    # In summer Berlin is UTC+2: 22:30 UTC is half past midnight there.
    assert local_today(BERLIN, at=datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == date(2026, 7, 2)


@time_machine.travel(datetime(2026, 12, 31, 16, 0, tzinfo=UTC), tick=False)
def test_today_without_a_moment_is_now() -> None:
    assert local_today(YAKUTSK) == date(2027, 1, 1)
    assert local_today(BERLIN) == date(2026, 12, 31)


# --- wall-clock time → UTC --------------------------------------------------------------------------


def test_a_wall_clock_time_is_read_in_the_zone() -> None:
    assert to_utc(datetime(2026, 3, 1, 10, 0), zone=YAKUTSK) == datetime(2026, 3, 1, 1, tzinfo=UTC)
    assert to_utc(datetime(2026, 3, 1, 10, 0), zone=BERLIN) == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert to_utc(datetime(2026, 7, 1, 10, 0), zone=BERLIN) == datetime(2026, 7, 1, 8, tzinfo=UTC)


def test_an_instant_stays_the_same_instant_in_utc() -> None:
    instant = datetime(2026, 3, 1, 10, 0, tzinfo=ZoneInfo(YAKUTSK))
    result = to_utc(instant, zone=BERLIN)
    assert result == instant
    assert result.tzinfo is UTC


def test_every_wall_clock_time_of_a_year_exists_in_yakutsk() -> None:
    start = datetime(2026, 1, 1)
    for hour in range(0, 365 * 24, 7):
        wall = start + timedelta(hours=hour, minutes=30)
        assert to_utc(wall, zone=YAKUTSK) == (wall - timedelta(hours=9)).replace(tzinfo=UTC)


def test_a_time_skipped_by_the_clocks_is_refused_at_its_field() -> None:
    # Berlin's clocks go from 02:00 to 03:00 on 29 March 2026.
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        to_utc(datetime(2026, 3, 29, 2, 30), zone=BERLIN, field="starts_at")
    assert excinfo.value.message_dict == {
        "starts_at": ["2026-03-29 02:30 does not exist in Europe/Berlin (the clocks change then)."]
    }
    assert excinfo.value.error_dict["starts_at"][0].code == "nonexistent"
    # Either side of the gap is fine.
    assert to_utc(datetime(2026, 3, 29, 1, 59), zone=BERLIN).hour == 0
    assert to_utc(datetime(2026, 3, 29, 3, 0), zone=BERLIN).hour == 1


def test_without_a_field_the_refusal_is_for_the_whole_form() -> None:
    with pytest.raises(ValidationError) as excinfo:
        to_utc(datetime(2026, 3, 29, 2, 0), zone=BERLIN)
    assert not hasattr(excinfo.value, "error_dict")
    assert excinfo.value.code == "nonexistent"


def test_a_time_that_happens_twice_is_its_first_occurrence() -> None:
    # Berlin's clocks go back from 03:00 to 02:00 on 25 October 2026: 02:30 happens in summer
    # time (UTC+2) and again in winter time (UTC+1); the first is 00:30 UTC.
    assert to_utc(datetime(2026, 10, 25, 2, 30), zone=BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


# --- UTC → wall-clock time ------------------------------------------------------------------------


def test_an_instant_is_shown_as_the_sites_clocks_show_it() -> None:
    instant = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # just after Berlin's clocks went forward
    assert wall_time(instant, BERLIN) == datetime(2026, 3, 29, 3, 30)
    assert wall_time(instant, BERLIN).tzinfo is None
    assert wall_time(instant, YAKUTSK) == datetime(2026, 3, 29, 10, 30)
    assert to_local(instant, YAKUTSK).utcoffset() == timedelta(hours=9)


def test_wall_time_and_to_utc_are_inverse_where_the_time_exists() -> None:
    for zone in (YAKUTSK, BERLIN):
        wall = datetime(2026, 10, 24, 18, 45)
        assert wall_time(to_utc(wall, zone=zone), zone) == wall


# --- the ends of the calendar ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wall", "zone"),
    [
        (datetime(1, 1, 1, 0, 0), YAKUTSK),  # would be year 0 in UTC
        (datetime(1, 1, 1, 8, 30), YAKUTSK),  # Yakutsk's mean time then: UTC+8:38:58
        (datetime(9999, 12, 31, 23, 0), "America/New_York"),  # would be year 10000 in UTC
    ],
)
def test_a_wall_clock_time_beyond_utc_is_a_clear_error(wall: datetime, zone: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        to_utc(wall, zone=zone, field="starts_at")
    error = excinfo.value.error_dict["starts_at"][0]
    assert error.code == "out_of_range"
    assert excinfo.value.message_dict["starts_at"] == [
        f"{wall:%m-%d %H:%M}".join(
            [f"{wall.year:04d}-", " is outside the dates this site can store."]
        )
    ]


def test_an_instant_that_cannot_be_shown_in_the_zone_is_refused_on_the_way_in() -> None:
    last_evening = datetime(9999, 12, 31, 20, 0, tzinfo=UTC)  # 10000-01-01 05:00 in Yakutsk
    with pytest.raises(ValidationError) as excinfo:
        to_utc(last_evening, zone=YAKUTSK, field="ends_at")
    assert excinfo.value.error_dict["ends_at"][0].code == "out_of_range"
    with pytest.raises(ValidationError):
        wall_time(last_evening, YAKUTSK)
    with pytest.raises(ValidationError):
        local_today(YAKUTSK, at=last_evening)
    # West of Greenwich the same instant is still 9999.
    assert local_today("America/New_York", at=last_evening) == date(9999, 12, 31)


def test_the_first_and_last_wall_clock_times_that_fit_are_accepted() -> None:
    # Before standard time Yakutsk kept its local mean time, UTC+8:38:58.
    assert to_utc(datetime(1, 1, 1, 9, 0), zone=YAKUTSK) == datetime(1, 1, 1, 0, 21, 2, tzinfo=UTC)
    assert to_utc(datetime(9999, 12, 31, 23, 59), zone=YAKUTSK) == datetime(
        9999, 12, 31, 14, 59, tzinfo=UTC
    )


def test_the_out_of_range_message_is_translated() -> None:
    with translation.override("ru"), pytest.raises(ValidationError) as excinfo:
        to_utc(datetime(1, 1, 1), zone=YAKUTSK)
    assert excinfo.value.messages == [
        "Дата 0001-01-01 00:00 выходит за пределы допустимого диапазона."
    ]


def test_zone_name_names_the_zone_in_words() -> None:
    from technopark.core.localtime import zone_name

    assert zone_name("Asia/Yakutsk", "en").startswith("Yakutsk time")
    assert "Asia/" not in zone_name("Asia/Yakutsk", "ru")
    assert "Europe/" not in zone_name("Europe/Berlin", "en")
