"""The booking services: who may book, the rules, certificates, approval, moves, cancellations,
check-in and no-shows, weekly series, the waitlist, and time zones across midnight."""

from __future__ import annotations

from datetime import date, time, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from technopark.audit.models import AuditEntry
from technopark.programmes.models import Cohort, Participant, Programme
from technopark.residency.models import ResidentStatus
from technopark.residency.services import resident_suspend
from technopark.spaces import services
from technopark.spaces.models import (
    Booking,
    BookingKind,
    BookingStatus,
    Certificate,
    WaitlistEntry,
    WaitlistStatus,
)
from tests.spaces.conftest import MOSCOW, YAKUTSK, local

pytestmark = pytest.mark.django_db


def book(access, resource, start, end, company=None, **kwargs):
    return services.booking_create(
        access=access, resource=resource, starts_at=start, ends_at=end, company=company, **kwargs
    )


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return {name: [str(m) for m in errs[0].messages] for name, errs in error.error_dict.items()}


# --- who may book -------------------------------------------------------------------------------


def test_a_resident_books_and_is_confirmed(spaces, residents, access_of, world):
    booking = book(access_of("founder"), spaces.room, local(1, 10), local(1, 12), world.company)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.booked_by == world.users["founder"]
    assert booking.park == world.park


def test_an_outside_company_waits_for_approval(spaces, residents, access_of, world):
    booking = book(
        access_of("other_founder"), spaces.room, local(1, 10), local(1, 11), world.other_company
    )
    assert booking.status == BookingStatus.PENDING


def test_outside_companies_are_refused_when_the_rule_says_so(spaces, residents, access_of, world):
    services.booking_rule_set(park=world.park, resource_type="room", allow_outside=False)
    with pytest.raises(ValidationError) as error:
        book(
            access_of("other_founder"), spaces.room, local(1, 10), local(1, 11), world.other_company
        )
    assert "company" in error.value.error_dict


def test_a_founder_cannot_book_for_a_company_they_do_not_act_for(
    spaces, residents, access_of, world
):
    with pytest.raises(ValidationError) as error:
        book(access_of("founder"), spaces.room, local(1, 10), local(1, 11), world.other_company)
    assert messages_of(error.value)["company"] == ["You do not act for this company."]


def test_a_founder_must_name_a_company(spaces, residents, access_of):
    with pytest.raises(ValidationError) as error:
        book(access_of("founder"), spaces.room, local(1, 10), local(1, 11))
    assert "company" in error.value.error_dict


def test_another_parks_company_is_refused(spaces, residents, access_of, world):
    with pytest.raises(ValidationError) as error:
        book(access_of("manager"), spaces.room, local(1, 10), local(1, 11), world.foreign_company)
    assert messages_of(error.value)["company"] == ["Choose a company of this park."]


def test_staff_book_without_a_company_and_are_confirmed(spaces, access_of):
    booking = book(access_of("manager"), spaces.room, local(1, 10), local(1, 11))
    assert booking.status == BookingStatus.CONFIRMED and booking.company is None


def test_every_booking_needs_approval_when_the_rule_says_so(spaces, residents, access_of, world):
    services.booking_rule_set(park=world.park, resource_type="room", requires_approval=True)
    booking = book(access_of("founder"), spaces.room, local(1, 10), local(1, 11), world.company)
    assert booking.status == BookingStatus.PENDING


def _participant(world, *, weeks_from_now: int) -> None:
    """``world.other_company`` in a cohort running ``weeks_from_now`` weeks from today."""
    today = timezone.localdate()
    programme = Programme.objects.create(park=world.park, name="Полярный старт")
    cohort = Cohort.objects.create(
        park=world.park,
        programme=programme,
        name="Поток",
        starts_on=today + timedelta(weeks=weeks_from_now) - timedelta(days=7),
        ends_on=today + timedelta(weeks=weeks_from_now) + timedelta(days=7),
    )
    Participant.objects.create(cohort=cohort, company=world.other_company)


def test_a_programme_participant_books_like_a_resident(spaces, residents, access_of, world):
    _participant(world, weeks_from_now=0)
    booking = book(
        access_of("other_founder"), spaces.room, local(1, 10), local(1, 11), world.other_company
    )
    assert booking.status == BookingStatus.CONFIRMED


def test_a_participant_of_a_past_cohort_waits_for_approval(spaces, residents, access_of, world):
    _participant(world, weeks_from_now=-10)
    booking = book(
        access_of("other_founder"), spaces.room, local(1, 10), local(1, 11), world.other_company
    )
    assert booking.status == BookingStatus.PENDING


def test_a_suspended_resident_waits_for_approval(spaces, residents, access_of, world):
    resident = ResidentStatus.all_parks.get(company=world.company)
    resident_suspend(resident=resident, actor=world.users["manager"], reason="Two reports missing")
    booking = book(access_of("founder"), spaces.room, local(1, 10), local(1, 11), world.company)
    assert booking.status == BookingStatus.PENDING


# --- the rules of a type ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ((1, 10, 15), (1, 11, 0), "starts_at", "Bookings go in slots of 30 minutes."),
        ((1, 10, 0), (1, 10, 0), "ends_at", "The end must be after the start."),
        ((1, 12, 0), (1, 10, 0), "ends_at", "The end must be after the start."),
        ((-1, 10, 0), (-1, 11, 0), "starts_at", "This time has passed."),
        ((1, 8, 0), (1, 17, 0), "ends_at", "The longest booking is 480 minutes."),
        ((61, 10, 0), (61, 11, 0), "starts_at", "Bookings open 60 days ahead."),
    ],
)
def test_rules_refuse_bad_times(spaces, residents, access_of, world, start, end, field, message):
    with pytest.raises(ValidationError) as error:
        book(access_of("founder"), spaces.room, local(*start), local(*end), world.company)
    assert messages_of(error.value)[field] == [message]


def test_the_shortest_booking(spaces, residents, access_of, world):
    services.booking_rule_set(park=world.park, resource_type="room", min_minutes=60)
    with pytest.raises(ValidationError) as error:
        book(access_of("founder"), spaces.room, local(1, 10), local(1, 10, 30), world.company)
    assert messages_of(error.value)["ends_at"] == ["The shortest booking is 60 minutes."]


def test_naive_times_are_refused(spaces, residents, access_of, world):
    with pytest.raises(ValidationError) as error:
        book(
            access_of("founder"),
            spaces.room,
            local(1, 10).replace(tzinfo=None),
            local(1, 11),
            world.company,
        )
    assert "starts_at" in error.value.error_dict


def test_a_resource_of_another_park_is_refused(spaces, access_of, world):
    from technopark.parks.rules import access_for

    outsider = access_for(world.users["outsider"], world.other_park)
    with pytest.raises(ValidationError) as error:
        book(outsider, spaces.room, local(1, 10), local(1, 11))
    assert "resource" in error.value.error_dict


def test_staff_may_book_long_and_far_ahead(spaces, access_of):
    booking = book(access_of("manager"), spaces.desk, local(70, 8), local(70, 20))
    assert booking.pk


def test_coworking_seats_are_given_by_staff_as_long_bookings(spaces, residents, access_of, world):
    seat = book(
        access_of("manager"),
        spaces.desk,
        local(1, 0),
        local(31, 0),
        world.company,
        kind=BookingKind.SEAT,
    )
    assert seat.kind == BookingKind.SEAT
    with pytest.raises(ValidationError) as error:
        book(
            access_of("founder"), spaces.desk, local(1, 0), local(2, 0), world.company, kind="seat"
        )
    assert "kind" in error.value.error_dict


def test_weekly_quota_per_company(spaces, residents, access_of, world):
    services.booking_rule_set(park=world.park, resource_type="room", weekly_quota_minutes=120)
    # A Monday two weeks ahead, so the whole week is in the future.
    monday = local(14, 9)
    monday -= timedelta(days=monday.weekday())
    founder = access_of("founder")
    book(founder, spaces.room, monday, monday + timedelta(hours=1), world.company)
    book(
        founder,
        spaces.room,
        monday + timedelta(hours=2),
        monday + timedelta(hours=3),
        world.company,
    )
    with pytest.raises(ValidationError) as error:
        book(
            founder,
            spaces.room,
            monday + timedelta(days=1),
            monday + timedelta(days=1, minutes=30),
            world.company,
        )
    assert (
        "weekly quota of 120 minutes (120 already booked)" in messages_of(error.value)["ends_at"][0]
    )
    # The next week has its own quota.
    book(
        founder,
        spaces.room,
        monday + timedelta(days=7),
        monday + timedelta(days=7, hours=2),
        world.company,
    )


# --- opening hours and closures -----------------------------------------------------------------


def test_opening_hours_and_closures(spaces, residents, access_of, world):
    services.opening_hours_set(site=spaces.site, hours={d: (time(8), time(20)) for d in range(7)})
    founder = access_of("founder")
    with pytest.raises(ValidationError) as error:
        book(founder, spaces.room, local(1, 19), local(1, 21), world.company)
    assert messages_of(error.value)["starts_at"] == ["The site is closed at this time."]
    services.closure_create(
        site=spaces.site,
        resource=spaces.room,
        starts_at=local(2, 0),
        ends_at=local(3, 0),
        reason="Ремонт проектора",
    )
    with pytest.raises(ValidationError) as error:
        book(founder, spaces.room, local(2, 10), local(2, 11), world.company)
    assert "Ремонт проектора" in messages_of(error.value)["starts_at"][0]
    # The desk at the same site is not closed.
    book(founder, spaces.desk, local(2, 10), local(2, 11), world.company)


def test_a_closed_weekday(spaces, residents, access_of, world):
    day = local(3, 10)
    services.opening_hours_set(
        site=spaces.site, hours={day.weekday(): None, (day.weekday() + 1) % 7: (time(9), time(18))}
    )
    with pytest.raises(ValidationError):
        book(access_of("founder"), spaces.room, day, day + timedelta(hours=1), world.company)


def test_bad_hours_and_closures_are_refused(spaces):
    with pytest.raises(ValidationError) as error:
        services.opening_hours_set(site=spaces.site, hours={0: (time(18), time(9))})
    assert "closes" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.opening_hours_set(site=spaces.site, hours={7: (time(9), time(18))})
    with pytest.raises(ValidationError) as error:
        services.closure_create(
            site=spaces.site, starts_at=local(2, 10), ends_at=local(2, 9), reason="x"
        )
    assert "ends_at" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.closure_create(
            site=spaces.site, starts_at=local(2, 9), ends_at=local(2, 10), reason=" "
        )
    assert "reason" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.closure_create(
            site=spaces.site,
            resource=spaces.moscow_room,
            starts_at=local(2, 9),
            ends_at=local(2, 10),
            reason="x",
        )
    assert "resource" in error.value.error_dict


# --- certification ------------------------------------------------------------------------------


def test_an_instrument_needs_a_valid_certificate(spaces, residents, access_of, world):
    founder = access_of("founder")
    with pytest.raises(ValidationError) as error:
        book(founder, spaces.microscope, local(1, 10), local(1, 12), world.company)
    assert error.value.error_dict["resource"][0].code == "certificate"
    today = timezone.localdate()
    # An expired training record does not count.
    services.certificate_record(
        actor=world.users["manager"],
        user=world.users["founder"],
        resource=spaces.microscope,
        trained_on=today - timedelta(days=400),
        expires_on=today - timedelta(days=35),
    )
    with pytest.raises(ValidationError):
        book(founder, spaces.microscope, local(1, 10), local(1, 12), world.company)
    # One that expires before the booking's day does not either.
    services.certificate_record(
        actor=world.users["manager"],
        user=world.users["founder"],
        resource=spaces.microscope,
        trained_on=today,
        expires_on=today + timedelta(days=2),
    )
    with pytest.raises(ValidationError):
        book(founder, spaces.microscope, local(5, 10), local(5, 12), world.company)
    booking = book(founder, spaces.microscope, local(1, 10), local(1, 12), world.company)
    assert booking.pk
    entry = AuditEntry.objects.filter(action="spaces.certify").last()
    assert entry is not None and entry.actor_id == world.users["manager"].pk


def test_certificates_only_for_members_and_after_training(spaces, world):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.certificate_record(
            actor=world.users["manager"],
            user=world.users["outsider"],
            resource=spaces.microscope,
            trained_on=today,
            expires_on=today,
        )
    assert "user" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.certificate_record(
            actor=world.users["manager"],
            user=world.users["founder"],
            resource=spaces.microscope,
            trained_on=today,
            expires_on=today - timedelta(days=1),
        )
    assert "expires_on" in error.value.error_dict
    assert not Certificate.all_parks.exists()


# --- conflicts ----------------------------------------------------------------------------------


def test_a_conflict_names_the_booking_in_the_way_without_another_companys_name(
    spaces, residents, access_of, world
):
    first = book(access_of("founder"), spaces.room, local(1, 10), local(1, 12), world.company)
    residents.add(world.other_company.pk)
    with pytest.raises(services.BookingConflict) as error:
        book(
            access_of("other_founder"), spaces.room, local(1, 11), local(1, 13), world.other_company
        )
    assert error.value.booking == first
    assert "Переговорная Лена" in error.value.text and "Yakutsk time" in error.value.text
    assert "Северный код" not in error.value.text
    # The service never says whose, even to staff: the page or endpoint names the company when
    # rules.can_see_booker allows (tests/spaces/test_booker_visibility.py).
    with pytest.raises(services.BookingConflict) as error:
        book(access_of("manager"), spaces.room, local(1, 11), local(1, 13))
    assert "Северный код" not in error.value.text
    assert services.conflict_message(booking=error.value.booking, show_company=True).endswith(
        "by Северный код."
    )


def test_touching_bookings_do_not_conflict_and_ended_ones_free_the_time(
    spaces, residents, access_of, world
):
    founder = access_of("founder")
    first = book(founder, spaces.room, local(1, 10), local(1, 12), world.company)
    book(founder, spaces.room, local(1, 12), local(1, 13), world.company)
    book(founder, spaces.room, local(1, 9), local(1, 10), world.company)
    services.booking_cancel(access=founder, booking=first)
    again = book(founder, spaces.room, local(1, 10), local(1, 12), world.company)
    assert again.pk != first.pk


def test_a_pending_booking_holds_its_time(spaces, residents, access_of, world):
    book(access_of("other_founder"), spaces.room, local(1, 10), local(1, 11), world.other_company)
    with pytest.raises(services.BookingConflict):
        book(access_of("founder"), spaces.room, local(1, 10), local(1, 11), world.company)


# --- time zones ---------------------------------------------------------------------------------


def test_bookings_across_midnight_in_yakutsk_and_moscow(spaces, access_of, world):
    import zoneinfo
    from datetime import UTC, datetime

    manager = access_of("manager")
    day = local(1, 0).date()
    yak, msk = zoneinfo.ZoneInfo(YAKUTSK), zoneinfo.ZoneInfo(MOSCOW)

    def at(days: int, hour: int, zone, minute: int = 0):
        return datetime.combine(day + timedelta(days=days), time(hour, minute), zone)

    # 22:00–02:00 local on both sites: the same wall clock, six hours apart in UTC.
    yakutsk = book(manager, spaces.room, at(0, 22, yak), at(1, 2, yak))
    moscow = book(manager, spaces.moscow_room, at(0, 22, msk), at(1, 2, msk))
    assert (moscow.starts_at - yakutsk.starts_at) == timedelta(hours=6)
    assert yakutsk.starts_at.astimezone(UTC).hour == 13  # 22:00 +09:00
    assert moscow.starts_at.astimezone(UTC).hour == 19  # 22:00 +03:00
    # Slots are reckoned in the site's zone.
    book(manager, spaces.moscow_room, at(2, 22, msk, 30), at(2, 23, msk, 30))
    # Opening hours are local too: Moscow open 08:00 to midnight.
    services.opening_hours_set(site=spaces.moscow, hours={d: (time(8), time(0)) for d in range(7)})
    with pytest.raises(ValidationError):
        book(manager, spaces.moscow_room, at(3, 23, msk), at(4, 1, msk))
    book(manager, spaces.moscow_room, at(3, 23, msk), at(4, 0, msk))
    # A booking across midnight conflicts with one on the next local morning.
    with pytest.raises(services.BookingConflict) as error:
        book(manager, spaces.room, at(1, 1, yak), at(1, 3, yak))
    assert "Yakutsk time" in error.value.text
    # The calendar of the next day shows the night booking's tail from 00:00.
    from technopark.spaces import queries

    cal = queries.calendar(
        site=spaces.site, resource_type="room", first_day=day, days=2, resource_id=spaces.room.pk
    )
    tonight, tomorrow = cal.grid.columns
    late = [(i.start_label, i.end_label, i.first) for i in tonight.cells[22].bookings]
    assert late == [("22:00", "…", True)]
    early = [(i.start_label, i.end_label, i.first) for i in tomorrow.cells[0].bookings]
    assert early == [("…", "02:00", True)]
    assert [i.first for i in tomorrow.cells[1].bookings] == [False]
    assert tomorrow.cells[2].bookings == [] and not tomorrow.cells[2].closed


def test_hours_that_run_to_midnight_join_the_next_days(spaces, access_of):
    services.opening_hours_set(site=spaces.site, hours={d: (time(0), time(0)) for d in range(7)})
    book(access_of("manager"), spaces.room, local(1, 23), local(2, 1))


# --- changes ------------------------------------------------------------------------------------


def test_move_checks_everything_again(spaces, residents, access_of, world):
    founder = access_of("founder")
    booking = book(founder, spaces.room, local(1, 10), local(1, 11), world.company)
    other = book(founder, spaces.room, local(1, 14), local(1, 15), world.company)
    services.booking_move(
        access=founder, booking=booking, starts_at=local(1, 12), ends_at=local(1, 13)
    )
    booking.refresh_from_db()
    assert booking.starts_at == local(1, 12) and booking.sequence == 1
    with pytest.raises(services.BookingConflict) as error:
        services.booking_move(
            access=founder, booking=booking, starts_at=local(1, 14), ends_at=local(1, 16)
        )
    assert error.value.booking == other
    with pytest.raises(ValidationError) as error:
        services.booking_move(
            access=founder,
            booking=booking,
            starts_at=local(1, 14),
            ends_at=local(1, 15),
            resource=spaces.desk,
        )
    assert "resource" in error.value.error_dict
    booking.refresh_from_db()
    assert booking.starts_at == local(1, 12)


def test_cancellation_notice(spaces, residents, access_of, world):
    founder = access_of("founder")
    soon = timezone.now() + timedelta(minutes=90)
    soon = soon.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    booking = book(founder, spaces.room, soon, soon + timedelta(hours=1), world.company)
    late = soon - timedelta(minutes=30)
    with pytest.raises(ValidationError) as error:
        services.booking_cancel(access=founder, booking=booking, now=late)
    assert "Too late to cancel" in messages_of(error.value)["status"][0]
    with pytest.raises(ValidationError):
        services.booking_move(
            access=founder,
            booking=booking,
            starts_at=soon + timedelta(hours=2),
            ends_at=soon + timedelta(hours=3),
            now=late,
        )
    # Staff may still cancel.
    services.booking_cancel(access=access_of("manager"), booking=booking, now=late)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_at == late
    with pytest.raises(ValidationError):
        services.booking_cancel(access=access_of("manager"), booking=booking)


def test_approve_and_reject_are_audited(spaces, residents, access_of, world):
    manager = world.users["manager"]
    pending = book(
        access_of("other_founder"), spaces.room, local(1, 10), local(1, 11), world.other_company
    )
    services.booking_approve(actor=manager, booking=pending)
    pending.refresh_from_db()
    assert pending.status == BookingStatus.CONFIRMED and pending.decided_by == manager
    with pytest.raises(ValidationError):
        services.booking_approve(actor=manager, booking=pending)
    second = book(
        access_of("other_founder"), spaces.room, local(2, 10), local(2, 11), world.other_company
    )
    services.booking_reject(actor=manager, booking=second, reason="Зал занят под мероприятие")
    second.refresh_from_db()
    assert second.status == BookingStatus.REJECTED
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("spaces.approve") == 1 and actions.count("spaces.reject") == 1
    call_command("audit_verify", stdout=StringIO())


# --- check-in and no-shows ----------------------------------------------------------------------


def _starting_soon(access, resource, company):
    start = timezone.now().replace(second=0, microsecond=0)
    start = start - timedelta(minutes=start.minute % 30) + timedelta(minutes=30)
    return book(access, resource, start, start + timedelta(hours=1), company)


def test_check_in_window(spaces, residents, access_of, world):
    booking = _starting_soon(access_of("founder"), spaces.room, world.company)
    with pytest.raises(ValidationError):
        services.booking_check_in(booking=booking, now=booking.starts_at - timedelta(minutes=16))
    services.booking_check_in(booking=booking, now=booking.starts_at - timedelta(minutes=5))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    with pytest.raises(ValidationError):
        services.booking_check_in(booking=booking)


def test_check_in_after_the_end_is_refused(spaces, residents, access_of, world):
    booking = _starting_soon(access_of("founder"), spaces.room, world.company)
    with pytest.raises(ValidationError):
        services.booking_check_in(booking=booking, now=booking.ends_at)


def test_no_shows_are_released_by_the_command_and_the_time_goes_to_the_waitlist(
    spaces, residents, access_of, world
):
    no_show = _starting_soon(access_of("founder"), spaces.room, world.company)
    shown = _starting_soon(access_of("manager"), spaces.desk, None)
    services.booking_check_in(booking=shown, now=shown.starts_at)
    residents.add(world.other_company.pk)
    # Someone waits for the second half hour of the no-show's time.
    half = no_show.starts_at + timedelta(minutes=30)
    entry = services.waitlist_join(
        access=access_of("other_founder"),
        resource=spaces.room,
        starts_at=half,
        ends_at=no_show.ends_at,
        company=world.other_company,
    )
    # Within the grace period nothing is released.
    assert services.bookings_release_no_shows(now=no_show.starts_at + timedelta(minutes=10)) == 0
    released = services.bookings_release_no_shows(now=no_show.starts_at + timedelta(minutes=16))
    assert released == 1
    no_show.refresh_from_db()
    shown.refresh_from_db()
    assert no_show.status == BookingStatus.RELEASED and shown.status == BookingStatus.CHECKED_IN
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED and entry.booking.status == BookingStatus.OFFERED


def test_the_management_command_runs(spaces, residents, access_of, world):
    out = StringIO()
    call_command("spaces_release_no_shows", stdout=out)
    assert out.getvalue().startswith("released 0, offers expired 0")


# --- weekly series ------------------------------------------------------------------------------


def test_a_weekly_series_books_the_free_dates_and_reports_the_rest(
    spaces, residents, access_of, world
):
    manager = access_of("manager")
    founder = access_of("founder")
    start = local(2, 10)
    in_the_way = book(
        manager, spaces.room, start + timedelta(weeks=2), start + timedelta(weeks=2, hours=1)
    )
    services.closure_create(
        site=spaces.site,
        starts_at=start + timedelta(weeks=3, hours=-2),
        ends_at=start + timedelta(weeks=3, hours=10),
        reason="Праздник",
    )
    result = services.booking_series_create(
        access=founder,
        resource=spaces.room,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        weeks=5,
        company=world.company,
        title="Планёрка",
    )
    assert len(result.created) == 3
    assert [day for day, _ in result.conflicts] == [
        (start + timedelta(weeks=2)).date(),
        (start + timedelta(weeks=3)).date(),
    ]
    assert "already booked" in result.conflicts[0][1] and "Праздник" in result.conflicts[1][1]
    assert all(b.series == result.series for b in result.created)
    # The same local time every week.
    zone = services.zone_of(spaces.site)
    assert {timezone.localtime(b.starts_at, zone).time() for b in result.created} == {time(10)}
    assert in_the_way.status == BookingStatus.CONFIRMED


def test_a_series_is_bounded(spaces, residents, access_of, world):
    with pytest.raises(ValidationError) as error:
        services.booking_series_create(
            access=access_of("founder"),
            resource=spaces.room,
            starts_at=local(1, 10),
            ends_at=local(1, 11),
            weeks=53,
            company=world.company,
        )
    assert "weeks" in error.value.error_dict


# --- the waitlist -------------------------------------------------------------------------------


def test_waitlist_offer_accept_and_expiry(spaces, residents, access_of, world):
    residents.add(world.other_company.pk)
    founder, other = access_of("founder"), access_of("other_founder")
    taken = book(founder, spaces.room, local(2, 10), local(2, 12), world.company)
    with pytest.raises(ValidationError) as error:
        services.waitlist_join(
            access=other,
            resource=spaces.room,
            starts_at=local(2, 14),
            ends_at=local(2, 15),
            company=world.other_company,
        )
    assert messages_of(error.value)["starts_at"] == ["This time is free: book it instead."]
    first = services.waitlist_join(
        access=other,
        resource=spaces.room,
        starts_at=local(2, 10),
        ends_at=local(2, 11),
        company=world.other_company,
    )
    with pytest.raises(ValidationError):
        services.waitlist_join(
            access=other,
            resource=spaces.room,
            starts_at=local(2, 10),
            ends_at=local(2, 11),
            company=world.other_company,
        )
    manager_user = access_of("manager")
    second = services.waitlist_join(
        access=manager_user, resource=spaces.room, starts_at=local(2, 10), ends_at=local(2, 12)
    )

    now = timezone.now()
    services.booking_cancel(access=founder, booking=taken, now=now)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitlistStatus.OFFERED
    assert second.status == WaitlistStatus.WAITING  # the offer holds 10–11
    offer = first.booking
    assert offer.status == BookingStatus.OFFERED
    assert offer.offer_expires_at == now + timedelta(minutes=60)
    # The held slot cannot be booked by anyone else meanwhile.
    with pytest.raises(services.BookingConflict):
        book(founder, spaces.room, local(2, 10), local(2, 11), world.company)

    # Not taken in time: it expires and goes to the next in line.
    assert services.offers_expire(now=now + timedelta(minutes=61)) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitlistStatus.EXPIRED
    assert second.status == WaitlistStatus.OFFERED
    with pytest.raises(ValidationError):
        services.waitlist_accept(access=other, entry=first)
    booking = services.waitlist_accept(access=manager_user, entry=second)
    assert booking.status == BookingStatus.CONFIRMED and booking.booked_by == world.users["manager"]
    second.refresh_from_db()
    assert second.status == WaitlistStatus.ACCEPTED


def test_declining_an_offer_passes_it_on(spaces, residents, access_of, world):
    residents.add(world.other_company.pk)
    founder, other = access_of("founder"), access_of("other_founder")
    taken = book(founder, spaces.room, local(2, 10), local(2, 11), world.company)
    first = services.waitlist_join(
        access=other,
        resource=spaces.room,
        starts_at=local(2, 10),
        ends_at=local(2, 11),
        company=world.other_company,
    )
    second = services.waitlist_join(
        access=access_of("manager"),
        resource=spaces.room,
        starts_at=local(2, 10),
        ends_at=local(2, 11),
    )
    services.booking_cancel(access=founder, booking=taken)
    services.waitlist_leave(entry=first)
    second.refresh_from_db()
    assert second.status == WaitlistStatus.OFFERED
    with pytest.raises(ValidationError):
        services.waitlist_leave(entry=first)
    assert WaitlistEntry.all_parks.get(pk=first.pk).status == WaitlistStatus.CANCELLED


def test_waitlist_needs_a_certificate_too(spaces, residents, access_of, world):
    manager = access_of("manager")
    today = timezone.localdate()
    services.certificate_record(
        actor=world.users["manager"],
        user=world.users["manager"],
        resource=spaces.microscope,
        trained_on=today,
        expires_on=today + timedelta(days=30),
    )
    book(manager, spaces.microscope, local(1, 10), local(1, 11))
    with pytest.raises(ValidationError) as error:
        services.waitlist_join(
            access=access_of("founder"),
            resource=spaces.microscope,
            starts_at=local(1, 10),
            ends_at=local(1, 11),
            company=world.company,
        )
    assert "resource" in error.value.error_dict


def test_booking_str_and_duration(spaces, access_of):
    booking = book(access_of("manager"), spaces.room, local(1, 10), local(1, 11, 30))
    assert booking.duration == timedelta(minutes=90)
    assert "Переговорная Лена" in str(booking)
    assert Booking.all_parks.count() == 1
    assert date.today() <= booking.starts_at.date() + timedelta(days=1)


def test_moving_an_approved_outside_booking_asks_for_approval_again(
    spaces, residents, access_of, world
):
    outsider = access_of("other_founder")
    booking = book(outsider, spaces.room, local(1, 10), local(1, 11), world.other_company)
    services.booking_approve(actor=world.users["manager"], booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    moved = services.booking_move(
        access=outsider, booking=booking, starts_at=local(2, 15), ends_at=local(2, 16)
    )
    assert moved.status == BookingStatus.PENDING
    moved.refresh_from_db()
    assert moved.status == BookingStatus.PENDING


def test_a_resident_moves_a_booking_and_it_stays_confirmed(spaces, residents, access_of, world):
    founder = access_of("founder")
    booking = book(founder, spaces.room, local(1, 10), local(1, 11), world.company)
    moved = services.booking_move(
        access=founder, booking=booking, starts_at=local(2, 15), ends_at=local(2, 16)
    )
    assert moved.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("year", [1, 9999])
def test_times_beyond_the_calendar_are_refused(spaces, residents, access_of, world, year):
    from datetime import UTC, datetime

    at = datetime(year, 6, 1, 10, tzinfo=UTC)
    with pytest.raises(ValidationError) as error:
        book(access_of("manager"), spaces.room, at, at + timedelta(hours=1))
    assert "starts_at" in error.value.error_dict
