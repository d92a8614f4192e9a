"""Coworking seats of cohort participants: a long booking on a desk in spaces for the cohort's
dates, given on admission or later, refused when no desk is free for all the dates, released
when the participant leaves; shown on the participant's page and in the spaces calendar."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from technopark.audit.models import AuditEntry
from technopark.core.localtime import local_today
from technopark.parks.rules import access_for
from technopark.programmes import queries, seats, services
from technopark.programmes.forms import FillForm
from technopark.programmes.models import ParticipantStatus
from technopark.selection.models import ApplicationStatus
from technopark.spaces import services as spaces_services
from technopark.spaces.models import (
    Booking,
    BookingKind,
    BookingStatus,
    ResourceType,
    SeatAllocation,
)
from tests.factories import CompanyFactory
from tests.selection.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desks(world):
    return [
        spaces_services.resource_create(
            site=world.site, name=f"Desk {n}", resource_type=ResourceType.DESK
        )
        for n in (1, 2)
    ]


def zone(world):
    return spaces_services.zone_of(world.site)


def midnight(world, day):
    return datetime.combine(day, time(0), zone(world))


def manager(world):
    return world.users["manager"]


def errors(excinfo):
    return excinfo.value.message_dict


def test_a_seat_holds_the_first_free_desk_for_the_rest_of_the_cohort(world, prog, desks):
    seat = services.participant_seat_allocate(participant=prog.participant, actor=manager(world))
    today = local_today(zone(world))
    assert seat.resource_id == desks[0].pk and seat.resource_name == "Desk 1"
    # the cohort runs already: the hold starts today and ends with the cohort's last day
    assert seat.starts_on == today and seat.ends_on == prog.cohort.ends_on
    booking = Booking.all_parks.get(pk=seat.booking_id)
    assert booking.kind == BookingKind.SEAT and booking.status == BookingStatus.CONFIRMED
    assert booking.company_id == prog.participant.company_id
    # from the current minute: nothing earlier today stands in the way
    assert midnight(world, today) <= booking.starts_at <= timezone.now()
    assert booking.starts_at.second == 0 and booking.starts_at.microsecond == 0
    assert booking.ends_at == midnight(world, prog.cohort.ends_on + timedelta(days=1))
    assert prog.cohort.name in booking.title
    entry = AuditEntry.objects.get(action="spaces.seat_allocate")
    assert entry.actor_id == manager(world).pk
    assert queries.participant_seat(participant=prog.participant) == seat


def test_a_chosen_desk_is_held_and_a_taken_one_is_refused(world, prog, desks):
    # someone's booking on desk 1 in a week: desk 1 is not free for all the dates
    day = local_today(zone(world)) + timedelta(days=7)
    spaces_services.booking_create(
        access=access_for(manager(world), world.park),
        resource=desks[0],
        starts_at=midnight(world, day) + timedelta(hours=10),
        ends_at=midnight(world, day) + timedelta(hours=12),
    )
    choices = queries.seat_choices(participant=prog.participant)
    assert [c.resource_id for c in choices] == [desks[1].pk]
    with pytest.raises(ValidationError) as excinfo:
        services.participant_seat_allocate(
            participant=prog.participant, actor=manager(world), resource_id=desks[0].pk
        )
    assert "seat" in errors(excinfo)
    assert not SeatAllocation.all_parks.exists()
    seat = services.participant_seat_allocate(
        participant=prog.participant, actor=manager(world), resource_id=desks[1].pk
    )
    assert seat.resource_id == desks[1].pk


def test_no_free_desk_is_refused_with_a_clear_message_and_nothing_changes(world, prog, desks):
    other = services.participant_add(
        cohort=prog.cohort, actor=manager(world), company=CompanyFactory(park=world.park)
    )
    services.participant_seat_allocate(participant=prog.participant, actor=manager(world))
    services.participant_seat_allocate(participant=other, actor=manager(world))
    prog.programme.coworking_seats = 10
    prog.programme.save()
    third = services.participant_add(
        cohort=prog.cohort, actor=manager(world), company=CompanyFactory(park=world.park)
    )
    before = Booking.all_parks.count()
    with pytest.raises(ValidationError) as excinfo:
        services.participant_seat_allocate(participant=third, actor=manager(world))
    assert errors(excinfo)["seat"] == ["No coworking seat is free for all the cohort's dates."]
    assert Booking.all_parks.count() == before
    assert queries.participant_seat(participant=third) is None


def test_one_seat_per_participant_and_only_for_active_ones(world, prog, desks):
    services.participant_seat_allocate(participant=prog.participant, actor=manager(world))
    with pytest.raises(ValidationError) as excinfo:
        services.participant_seat_allocate(participant=prog.participant, actor=manager(world))
    assert "seat" in errors(excinfo)
    other = services.participant_add(
        cohort=prog.cohort, actor=manager(world), company=CompanyFactory(park=world.park)
    )
    services.participant_set_status(participant=other, status=ParticipantStatus.LEFT)
    with pytest.raises(ValidationError):
        services.participant_seat_allocate(participant=other, actor=manager(world))


def test_the_programme_gives_at_most_its_coworking_seats_per_cohort(world, prog, desks):
    prog.programme.coworking_seats = 1
    prog.programme.save()
    other = services.participant_add(
        cohort=prog.cohort, actor=manager(world), company=CompanyFactory(park=world.park)
    )
    services.participant_seat_allocate(participant=prog.participant, actor=manager(world))
    with pytest.raises(ValidationError) as excinfo:
        services.participant_seat_allocate(participant=other, actor=manager(world))
    assert "1" in errors(excinfo)["seat"][0]


def test_leaving_releases_the_seat_from_today(world, prog, desks):
    seat = services.participant_seat_allocate(participant=prog.participant, actor=manager(world))
    services.participant_update(
        participant=prog.participant,
        seat="",
        mentors=[],
        status=ParticipantStatus.LEFT,
        actor=manager(world),
    )
    booking = Booking.all_parks.get(pk=seat.booking_id)
    # the hold began today: nothing of it is left
    assert booking.status == BookingStatus.CANCELLED
    assert SeatAllocation.all_parks.get().released_at is not None
    entry = AuditEntry.objects.get(action="spaces.seat_release")
    assert entry.actor_id == manager(world).pk
    assert queries.participant_seat(participant=prog.participant) is None
    # the desk is free again for someone else
    assert desks[0].pk in [
        c.resource_id
        for c in queries.seat_choices(
            participant=services.participant_add(
                cohort=prog.cohort, actor=manager(world), company=CompanyFactory(park=world.park)
            )
        )
    ]


def test_a_seat_held_for_days_already_keeps_its_past(world, prog, desks, time_machine):
    seat = services.participant_seat_allocate(participant=prog.participant, actor=manager(world))
    held_from = Booking.all_parks.get(pk=seat.booking_id).starts_at
    time_machine.move_to(midnight(world, seat.starts_on) + timedelta(days=3, hours=11))
    services.participant_set_status(
        participant=prog.participant, status=ParticipantStatus.GRADUATED, actor=manager(world)
    )
    booking = Booking.all_parks.get(pk=seat.booking_id)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.starts_at == held_from
    assert booking.ends_at == midnight(world, seat.starts_on + timedelta(days=3))


def test_a_desk_booked_earlier_today_is_free_from_now_on(world, prog, desks, time_machine):
    today = local_today(zone(world))
    time_machine.move_to(midnight(world, today) + timedelta(hours=8))
    spaces_services.booking_create(
        access=access_for(manager(world), world.park),
        resource=desks[0],
        starts_at=midnight(world, today) + timedelta(hours=9),
        ends_at=midnight(world, today) + timedelta(hours=11),
    )
    time_machine.move_to(midnight(world, today) + timedelta(hours=15))
    assert desks[0].pk in [
        c.resource_id for c in queries.seat_choices(participant=prog.participant)
    ]
    seat = services.participant_seat_allocate(participant=prog.participant, actor=manager(world))
    assert seat.resource_id == desks[0].pk and seat.starts_on == today
    booking = Booking.all_parks.get(pk=seat.booking_id)
    assert booking.starts_at == midnight(world, today) + timedelta(hours=15)


def test_a_seat_for_a_cohort_that_has_not_started_begins_on_its_first_day(world, prog, desks):
    today = local_today(zone(world))
    cohort = services.cohort_create(
        programme=prog.programme,
        actor=manager(world),
        name="Autumn",
        starts_on=today + timedelta(days=40),
        ends_on=today + timedelta(days=100),
        capacity=5,
        site=world.site,
    )
    participant = services.participant_add(
        cohort=cohort, actor=manager(world), company=world.company, seat=True
    )
    seat = queries.participant_seat(participant=participant)
    assert seat is not None and seat.starts_on == cohort.starts_on
    services.participant_set_status(
        participant=participant, status=ParticipantStatus.LEFT, actor=manager(world)
    )
    assert Booking.all_parks.get(pk=seat.booking_id).status == BookingStatus.CANCELLED


def test_filling_with_seats_is_all_or_nothing(world, prog, desks):
    prog.programme.coworking_seats = 10
    prog.programme.save()
    prog.cohort.capacity = 10
    prog.cohort.save()
    applications = [
        ApplicationFactory(
            call=prog.call,
            company=CompanyFactory(park=world.park),
            status=ApplicationStatus.ADMITTED,
        )
        for _ in range(3)
    ]
    # three companies, two desks: nobody joins, nothing is booked
    with pytest.raises(ValidationError) as excinfo:
        services.cohort_fill(
            cohort=prog.cohort, actor=manager(world), applications=applications, seats=True
        )
    assert "seat" in errors(excinfo)
    assert prog.cohort.participants.count() == 1
    assert not Booking.all_parks.filter(kind=BookingKind.SEAT).exists()
    made = services.cohort_fill(
        cohort=prog.cohort, actor=manager(world), applications=applications[:2], seats=True
    )
    held = queries.participant_seats(participant_ids=[p.pk for p in made])
    assert {s.resource_id for s in held.values()} == {d.pk for d in desks}


def test_without_a_seat_provider_no_allocation_is_offered(world, prog, desks):
    provider = seats.seat_provider()
    seats.set_seat_provider(None)
    try:
        assert not queries.seats_offered()
        with pytest.raises(ValidationError) as excinfo:
            services.participant_seat_allocate(participant=prog.participant, actor=manager(world))
        assert "seat" in errors(excinfo)
        assert "seats" not in FillForm(applications=[]).fields
        # a participant still leaves without one
        services.participant_set_status(participant=prog.participant, status=ParticipantStatus.LEFT)
    finally:
        seats.set_seat_provider(provider)
    assert "seats" in FillForm(applications=[], seats_offered=True).fields


# --- pages ---------------------------------------------------------------------------------------


def seat_urls(prog):
    base = f"/yakutia/programmes/participants/{prog.participant.pk}"
    return f"{base}/seat/", f"{base}/seat/release/"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("founder", 403),
        ("other_founder", 403),
        ("mentor", 403),
        ("investor", 403),
        ("outsider", 403),
    ],
)
def test_only_staff_give_or_release_seats(prog, client_as, desks, role, status):
    allocate, release = seat_urls(prog)
    assert client_as(role).post(allocate, {"seat": ""}).status_code == status
    assert client_as(role).post(release, {"confirmed": "1"}).status_code == status
    assert not SeatAllocation.all_parks.exists()


def test_staff_pick_a_desk_on_the_participants_page(world, prog, client_as, desks):
    client = client_as("manager")
    page = client.get(f"/yakutia/programmes/participants/{prog.participant.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="seat"' in html and "Desk 2" in html
    allocate, release = seat_urls(prog)
    response = client.post(allocate, {"seat": str(desks[1].pk)})
    assert response.status_code == 302
    page = client.get(f"/yakutia/programmes/participants/{prog.participant.pk}/")
    assert "Desk 2" in page.content.decode()
    assert 'id="seat-release"' in page.content.decode()
    # the founder sees the seat on their participant page and in "my programme"
    founder = client_as("founder")
    assert (
        "Desk 2"
        in founder.get(f"/yakutia/programmes/participants/{prog.participant.pk}/").content.decode()
    )
    assert "Desk 2" in founder.get("/yakutia/programmes/mine/").content.decode()
    asked = client.post(release)  # asks first: nothing released yet
    assert asked.status_code == 200 and 'data-testid="confirm"' in asked.content.decode()
    assert queries.participant_seat(participant=prog.participant) is not None
    assert client.post(release, {"confirmed": "1"}).status_code == 302
    assert queries.participant_seat(participant=prog.participant) is None


def test_a_taken_desk_or_a_forged_value_is_refused_at_the_field(world, prog, client_as, desks):
    allocate, _release = seat_urls(prog)
    client = client_as("manager")
    response = client.post(allocate, {"seat": "999999"})
    assert response.status_code == 400
    assert not SeatAllocation.all_parks.exists()
    response = client.post(allocate, {"seat": "\x00"})
    assert response.status_code == 400


def test_the_seat_shows_in_the_spaces_calendar_with_company_and_cohort(
    world, prog, client_as, desks
):
    services.participant_seat_allocate(participant=prog.participant, actor=manager(world))
    url = f"/yakutia/spaces/?site={world.site.pk}&type=desk&view=week"
    html = client_as("manager").get(url).content.decode()
    assert world.company.short_name in html and prog.cohort.name in html


def test_the_fill_page_offers_seats(world, prog, client_as, desks):
    extra = ApplicationFactory(
        call=prog.call, company=world.other_company, status=ApplicationStatus.ADMITTED
    )
    client = client_as("manager")
    url = f"/yakutia/programmes/cohorts/{prog.cohort.pk}/fill/"
    assert 'name="seats"' in client.get(url).content.decode()
    response = client.post(url, {"applications": [str(extra.pk)], "seats": "on"})
    assert response.status_code == 302
    joined = prog.cohort.participants.get(company=world.other_company)
    assert queries.participant_seat(participant=joined) is not None


def test_the_fill_page_shows_a_seat_refusal_at_the_seats_box(world, prog, client_as, desks):
    prog.programme.coworking_seats = 10
    prog.programme.save()
    prog.cohort.capacity = 10
    prog.cohort.save()
    applications = [
        ApplicationFactory(
            call=prog.call,
            company=CompanyFactory(park=world.park),
            status=ApplicationStatus.ADMITTED,
        )
        for _ in range(3)
    ]
    url = f"/yakutia/programmes/cohorts/{prog.cohort.pk}/fill/"
    response = client_as("manager").post(
        url, {"applications": [str(a.pk) for a in applications], "seats": "on"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "seats" in form.errors and "applications" not in form.errors
    assert "No coworking seat is free" in str(form.errors["seats"])
    assert prog.cohort.participants.count() == 1
