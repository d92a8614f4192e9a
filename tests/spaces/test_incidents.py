# ruff: noqa: F811 - the fixtures of tests/api are imported by name and used as arguments
"""Incidents: a «down» one blocks new bookings and moves until closed, low and medium do not,
the holders of upcoming bookings are told once, closing needs a resolution, downtime per
instrument equals a minute-by-minute count (hypothesis), who may, another park's 404, bad
input, query counts at two sizes, and the API."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from technopark.audit.models import AuditEntry
from technopark.core.fragments import topic_tokens
from technopark.notices.models import Notice
from technopark.spaces import queries, services
from technopark.spaces.models import (
    Booking,
    BookingStatus,
    Incident,
    IncidentSeverity,
    WaitlistEntry,
    WaitlistStatus,
)
from technopark.spaces.services.incidents import _tell_holders
from tests.api.conftest import api_for, field_errors, openapi, openapi_document  # noqa: F401
from tests.conftest import ROLES
from tests.factories import MembershipFactory, SiteFactory, UserFactory
from tests.spaces.conftest import local

pytestmark = pytest.mark.django_db

YAKUTSK = zoneinfo.ZoneInfo("Asia/Yakutsk")
T0 = datetime(2030, 3, 2, 10, 0, tzinfo=YAKUTSK)
BASE = "/yakutia/spaces/"
API = "/api/v1/parks/yakutia/spaces"


def open_incident(world, resource, severity=IncidentSeverity.DOWN, now=T0, text="Лазер не горит"):
    return services.incident_open(
        actor=world.users["manager"],
        resource=resource,
        severity=severity,
        description=text,
        now=now,
    )


def book(access, resource, now, hours_ahead=2, **extra):
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours_ahead)
    return services.booking_create(
        access=access,
        resource=resource,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        now=now,
        **extra,
    )


def test_a_down_incident_blocks_bookings_until_closed(spaces, world, access_of):
    manager = access_of("manager")
    incident = open_incident(world, spaces.room)
    with pytest.raises(ValidationError) as error:
        book(manager, spaces.room, T0)
    (message,) = error.value.error_dict["resource"]
    assert message.code == "out_of_service"
    assert (
        "has been out of service since" in message.messages[0]
        and "Лазер не горит" in message.messages[0]
    )
    # Another resource is not blocked.
    assert book(manager, spaces.moscow_room, T0).pk
    # Moving a booking onto it is refused too (a room of the other site, same type).
    moving = book(manager, spaces.moscow_room, T0, hours_ahead=5)
    with pytest.raises(ValidationError) as error:
        services.booking_move(
            access=manager,
            booking=moving,
            starts_at=moving.starts_at,
            ends_at=moving.ends_at,
            resource=spaces.room,
            now=T0,
        )
    assert error.value.error_dict["resource"][0].code == "out_of_service"
    services.incident_close(
        actor=world.users["manager"], incident=incident, resolution="Заменили лазер", now=T0
    )
    assert book(manager, spaces.room, T0).pk


@pytest.mark.parametrize("severity", [IncidentSeverity.LOW, IncidentSeverity.MEDIUM])
def test_low_and_medium_do_not_block(spaces, world, access_of, severity):
    open_incident(world, spaces.room, severity=severity)
    assert book(access_of("manager"), spaces.room, T0).pk


def test_the_holders_of_upcoming_bookings_are_told_once(spaces, world, access_of, residents):
    manager, founder = access_of("manager"), access_of("founder")
    book(founder, spaces.room, T0, company=world.company)
    book(founder, spaces.room, T0, hours_ahead=3, company=world.company)
    past = book(manager, spaces.room, T0 - timedelta(hours=6))  # ended before the incident
    cancelled = book(
        access_of("other_founder"), spaces.room, T0, hours_ahead=5, company=world.other_company
    )
    services.booking_cancel(access=manager, booking=cancelled, now=T0)
    open_incident(world, spaces.room, severity=IncidentSeverity.LOW)
    assert not Notice.objects.exists()
    open_incident(world, spaces.room)
    notice = Notice.objects.get()
    assert notice.recipient == world.users["founder"] and notice.kind == "spaces.incident_down"
    assert notice.url == "/yakutia/spaces/my/"
    # The manager's booking had ended, the other founder's was cancelled: nobody else is told.
    assert past.booked_by == world.users["manager"]
    assert not Notice.objects.filter(recipient=world.users["manager"]).exists()
    assert not Notice.objects.filter(recipient=world.users["other_founder"]).exists()
    # The same incident's notice run again tells nobody twice.
    incident = Incident.all_parks.filter(severity=IncidentSeverity.DOWN).get()
    assert _tell_holders(incident=incident, resource=spaces.room, now=T0) == 0
    assert Notice.objects.count() == 1
    # Another down incident of the same resource is another notice.
    open_incident(world, spaces.room, now=T0 + timedelta(minutes=1))
    assert Notice.objects.count() == 2


def test_closing_needs_a_resolution_and_an_open_incident(spaces, world):
    incident = open_incident(world, spaces.room)
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as error:
            services.incident_close(
                actor=world.users["manager"], incident=incident, resolution=blank
            )
        assert "resolution" in error.value.error_dict
    assert Incident.all_parks.get().closed_at is None
    closed = services.incident_close(
        actor=world.users["manager"],
        incident=incident,
        resolution="Починили",
        now=T0 + timedelta(hours=2),
    )
    assert (
        closed.closed_at == T0 + timedelta(hours=2) and closed.closed_by == world.users["manager"]
    )
    with pytest.raises(ValidationError):
        services.incident_close(
            actor=world.users["manager"], incident=incident, resolution="ещё раз"
        )
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["spaces.incident_open", "spaces.incident_close"]


@pytest.mark.parametrize(
    ("severity", "description", "field"),
    [
        ("broken", "text", "severity"),
        ("down", "   ", "description"),
        ("down", "x" * 2001, "description"),
        ("low", "bad\x00text", "description"),
    ],
)
def test_opening_refuses_bad_input(spaces, world, severity, description, field):
    with pytest.raises(ValidationError) as error:
        services.incident_open(
            actor=world.users["manager"],
            resource=spaces.room,
            severity=severity,
            description=description,
        )
    assert field in error.value.error_dict
    assert not Incident.all_parks.exists()


def test_opening_and_closing_renew_the_spaces_cache(spaces, world):
    """The week views are cached per the park's «spaces» token: both writes renew it."""
    token = topic_tokens(world.park.pk, ["spaces"])
    incident = open_incident(world, spaces.room)
    after_open = topic_tokens(world.park.pk, ["spaces"])
    assert after_open != token
    services.incident_close(actor=world.users["manager"], incident=incident, resolution="ok")
    assert topic_tokens(world.park.pk, ["spaces"]) != after_open


# --- downtime -----------------------------------------------------------------------------------


def minute_count(intervals, start, end, now):
    """Straightforward: the minutes of [start, end) inside at least one interval."""
    covered = 0
    moment = start
    while moment < end:
        if any(
            opened <= moment < (closed if closed is not None else now)
            for opened, closed in intervals
        ):
            covered += 1
        moment += timedelta(minutes=1)
    return covered * 60


MINUTES = st.integers(min_value=0, max_value=600)


@st.composite
def interval_sets(draw):
    intervals = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        opened = draw(MINUTES)
        length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=300)))
        intervals.append((opened, None if length is None else opened + length))
    a, b = sorted(draw(st.tuples(MINUTES, MINUTES)))
    now = draw(
        st.integers(
            min_value=max(opened for opened, _ in intervals) if intervals else 0, max_value=900
        )
    )
    return intervals, a, b + 1, now


def _at(minutes):
    return T0 + timedelta(minutes=minutes)


@given(interval_sets())
@settings(max_examples=300, deadline=None)
def test_merged_seconds_equals_a_minute_count(case):
    intervals, a, b, now = case
    moments = [(_at(o), None if c is None else _at(c)) for o, c in intervals]
    assert queries.merged_seconds(
        moments, starts_at=_at(a), ends_at=_at(b), now=_at(now)
    ) == minute_count(moments, _at(a), _at(b), _at(now))


@given(interval_sets())
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_downtime_query_equals_a_minute_count(spaces, world, case):
    intervals, a, b, now = case
    Incident.all_parks.all().delete()
    moments = []
    for opened, closed in intervals:
        incident = Incident.all_parks.create(
            park=world.park,
            resource=spaces.microscope,
            severity=IncidentSeverity.DOWN,
            description="—",
            opened_at=_at(opened),
            closed_at=None if closed is None else _at(closed),
            resolution="" if closed is None else "ok",
        )
        moments.append((incident.opened_at, incident.closed_at))
    # A low incident over the whole period does not count.
    Incident.all_parks.create(
        park=world.park,
        resource=spaces.microscope,
        severity=IncidentSeverity.LOW,
        description="—",
        opened_at=_at(-100),
    )
    rows = {
        row.resource.pk: row
        for row in queries.downtime(park=world.park, starts_at=_at(a), ends_at=_at(b), now=_at(now))
    }
    assert rows[spaces.microscope.pk].seconds == minute_count(moments, _at(a), _at(b), _at(now))


@pytest.mark.parametrize(
    ("intervals", "expected_hours"),
    [
        ([(-48, -24)], 0),  # ended before the period
        ([(-2, 3)], 3),  # crosses the start
        ([(700, 800)], 20),  # crosses the end (period: 0..720 hours)
        ([(10, 20), (15, 30)], 20),  # overlapping: once
        ([(-10, None)], 100),  # open, counted to now (hour 100)
        ([(-10, 900)], 720),  # covers it all
    ],
)
def test_downtime_table_cases_at_the_edges(spaces, world, intervals, expected_hours):
    start = T0
    for opened, closed in intervals:
        Incident.all_parks.create(
            park=world.park,
            resource=spaces.microscope,
            severity=IncidentSeverity.DOWN,
            description="—",
            opened_at=start + timedelta(hours=opened),
            closed_at=None if closed is None else start + timedelta(hours=closed),
            resolution="" if closed is None else "ok",
        )
    rows = queries.downtime(
        park=world.park,
        starts_at=start,
        ends_at=start + timedelta(hours=720),
        now=start + timedelta(hours=100),
    )
    by_pk = {row.resource.pk: row for row in rows}
    assert by_pk[spaces.microscope.pk].seconds == expected_hours * 3600
    # Instruments show even at zero; rooms only when down.
    assert spaces.room.pk not in by_pk


# --- pages --------------------------------------------------------------------------------------

STAFF = {"manager", "engineer"}


@pytest.fixture
def engineer(world, client_for):
    from technopark.parks.models import Role

    user = UserFactory(email="engineer@example.org", full_name="Engineer")
    MembershipFactory(park=world.park, user=user, role=Role.ENGINEER)
    world.users["engineer"] = user
    return user


@pytest.mark.parametrize("role", [*ROLES, "engineer"])
def test_role_matrix_for_the_incident_pages(spaces, world, engineer, client_for, role):
    incident = open_incident(world, spaces.room)
    client = client_for(role)
    for page in ("incidents/", f"incidents/{incident.pk}/"):
        response = client.get(BASE + page)
        if role == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == (200 if role in STAFF else 403), (role, page)
    posted = client.post(BASE + f"incidents/{incident.pk}/", {"resolution": "готово"})
    closed = Incident.all_parks.get().closed_at is not None
    assert closed == (role in STAFF)
    if role in STAFF:
        assert posted.status_code == 302
        # The engineer reaches the page from their bookings page.
        assert "/yakutia/spaces/incidents/" in client.get(BASE + "my/").content.decode()


def test_another_parks_incident_is_404(spaces, world, client_for, api_for):
    other_site = SiteFactory(park=world.other_park, name="Колыма-сайт")
    other = services.resource_create(site=other_site, name="Станок", resource_type="engineering")
    theirs = services.incident_open(
        actor=world.users["outsider"], resource=other, severity="down", description="Сломался"
    )
    client = client_for("manager")
    assert client.get(BASE + f"incidents/{theirs.pk}/").status_code == 404
    assert client.post(BASE + f"incidents/{theirs.pk}/", {"resolution": "x"}).status_code == 404
    response = api_for("manager").post(API + f"/incidents/{theirs.pk}/close", {"resolution": "x"})
    assert response.status_code == 404
    # Its resource cannot be named either.
    bad = client.post(
        BASE + "incidents/", {"resource": other.pk, "severity": "low", "description": "x"}
    )
    assert bad.status_code == 400 and "resource" in bad.context["form"].errors
    assert Incident.all_parks.get(pk=theirs.pk).closed_at is None
    assert theirs.pk not in [row.pk for row in client.get(BASE + "incidents/").context["incidents"]]


def test_the_page_opens_and_closes_and_refuses_bad_input(spaces, world, client_for):
    client = client_for("manager")
    bad = client.post(
        BASE + "incidents/", {"resource": spaces.room.pk, "severity": "boom", "description": ""}
    )
    assert bad.status_code == 400
    assert {"severity", "description"} <= set(bad.context["form"].errors)
    response = client.post(
        BASE + "incidents/",
        {"resource": spaces.room.pk, "severity": "down", "description": "Нет света"},
    )
    assert response.status_code == 302
    incident = Incident.all_parks.get()
    blank = client.post(BASE + f"incidents/{incident.pk}/", {"resolution": " "})
    assert blank.status_code == 400 and "resolution" in blank.context["form"].errors
    assert Incident.all_parks.get().closed_at is None
    assert (
        client.post(BASE + f"incidents/{incident.pk}/", {"resolution": "Свет дали"}).status_code
        == 302
    )
    assert Incident.all_parks.get().resolution == "Свет дали"


def test_each_incident_is_linked_from_the_list(spaces, world, client_for):
    incident = open_incident(world, spaces.room)
    client = client_for("manager")
    listing = client.get(BASE + "incidents/").content.decode()
    link = f'href="/yakutia/spaces/incidents/{incident.pk}/"'
    assert link in listing
    assert client.get(BASE + f"incidents/{incident.pk}/").status_code == 200


def test_the_filters_are_typed_and_bounded(spaces, world, client_for):
    open_incident(world, spaces.room)
    open_incident(world, spaces.microscope, severity="low")
    client = client_for("manager")

    def shown(**params):
        response = client.get(BASE + "incidents/", params)
        assert response.status_code == 200
        return {row.resource.pk for row in response.context["incidents"]}

    assert shown(severity="low") == {spaces.microscope.pk}
    assert shown(resource=spaces.room.pk) == {spaces.room.pk}
    assert shown(state="closed") == set()
    # Refused values are not applied (never a 500).
    everything = {spaces.room.pk, spaces.microscope.pk}
    for params in (
        {"severity": "boom"},
        {"resource": "99999999999999999999999"},
        {"resource": "-1"},
        {"state": "\x00"},
        {"year": "1"},
        {"month": "13"},
        {"year": "２０３０"},
    ):
        assert shown(**params) == everything, params


@pytest.mark.parametrize("n", [2, 15])
def test_the_incidents_page_query_count_is_fixed(
    spaces, world, client_for, django_assert_num_queries, n
):
    for index in range(n):
        incident = open_incident(
            world, spaces.microscope, now=timezone.now() - timedelta(hours=index + 1)
        )
        if index % 2:
            services.incident_close(
                actor=world.users["manager"], incident=incident, resolution="ok"
            )
    client = client_for("manager")
    client.get(BASE + "incidents/")
    # The resources (filter), the incidents, the month's down incidents and the instruments
    # (downtime), the form's resource choices.
    with django_assert_num_queries(5):
        response = client.get(BASE + "incidents/")
    assert len(response.context["incidents"]) == n


def test_the_downtime_table_shows_the_chosen_month(spaces, world, client_for):
    Incident.all_parks.create(
        park=world.park,
        resource=spaces.microscope,
        severity="down",
        description="—",
        opened_at=datetime(2030, 2, 28, 22, 0, tzinfo=YAKUTSK),
        closed_at=datetime(2030, 3, 1, 6, 0, tzinfo=YAKUTSK),
        resolution="ok",
    )
    world.park.time_zone = "Asia/Yakutsk"
    world.park.save()
    page = client_for("manager").get(BASE + "incidents/", {"year": 2030, "month": 3})
    (row,) = [row for row in page.context["downtime"] if row.resource.pk == spaces.microscope.pk]
    assert row.hours == 6.0
    february = client_for("manager").get(BASE + "incidents/", {"year": 2030, "month": 2})
    (row,) = [
        row for row in february.context["downtime"] if row.resource.pk == spaces.microscope.pk
    ]
    assert row.hours == 2.0


# --- API ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "engineer"])
def test_api_role_matrix_for_incidents(spaces, world, engineer, api_for, role):
    api = api_for(role)
    listed = api.get(API + "/incidents")
    opened = api.post(
        API + "/incidents", {"resource": spaces.room.pk, "severity": "low", "description": "Шумит"}
    )
    if role == "anonymous":
        assert listed.status_code == opened.status_code == 401
    elif role in STAFF:
        assert listed.status_code == 200 and opened.status_code == 201
    else:
        assert listed.status_code == opened.status_code == 403
        assert not Incident.all_parks.exists()


def test_api_opens_blocks_and_closes(spaces, world, api_for, residents):
    api = api_for("manager", "token")
    response = api.post(
        API + "/incidents", {"resource": spaces.room.pk, "severity": "down", "description": "Потоп"}
    )
    assert response.status_code == 201
    incident = response.json()
    assert incident["severity"] == "down" and incident["closed_at"] is None
    founder = api_for("founder")
    booking = {
        "resource": spaces.room.pk,
        "starts_at": local(1, 10).isoformat(),
        "ends_at": local(1, 11).isoformat(),
        "company": world.company.pk,
    }
    (text,) = field_errors(founder.post(API + "/bookings", booking))["resource"]
    assert "out of service" in text
    assert [row["id"] for row in api.get(API + "/incidents", {"state": "open"}).json()] == [
        incident["id"]
    ]
    assert api.get(API + "/incidents", {"severity": "low"}).json() == []
    assert "query.severity" in field_errors(api.get(API + "/incidents", {"severity": "boom"}))
    assert "resolution" in field_errors(
        api.post(API + f"/incidents/{incident['id']}/close", {"resolution": ""})
    )
    closed = api.post(API + f"/incidents/{incident['id']}/close", {"resolution": "Высушили"})
    assert closed.status_code == 200 and closed.json()["resolution"] == "Высушили"
    assert "resolution" in field_errors(
        api.post(API + f"/incidents/{incident['id']}/close", {"resolution": "ещё"})
    )
    assert founder.post(API + "/bookings", booking).status_code == 201
    assert Booking.all_parks.count() == 1


def test_the_cached_calendar_shows_the_block_and_drops_it(spaces, world, client_for):
    """The calendar is cached per the park's «spaces» token: opening and closing a «down»
    incident renew it, so the view shows the resource out of service, then no longer."""
    client = client_for("founder")
    params = {"site": spaces.site.pk, "type": "room", "view": "day"}
    assert 'data-testid="out-of-service"' not in client.get(BASE, params).content.decode()
    client.get(BASE, params)  # cached now
    incident = open_incident(world, spaces.room, now=timezone.now())
    shown = client.get(BASE, params).content.decode()
    assert 'data-testid="out-of-service"' in shown and "Переговорная Лена" in shown
    services.incident_close(actor=world.users["manager"], incident=incident, resolution="ok")
    assert 'data-testid="out-of-service"' not in client.get(BASE, params).content.decode()


# --- review fixes ---------------------------------------------------------------------------------


def test_closing_locks_only_the_incident_row(spaces, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if not connection.features.has_select_for_update_of:
        pytest.skip("SQLite takes the database's write lock instead of row locks")
    incident = open_incident(world, spaces.room)
    with CaptureQueriesContext(connection) as context:
        services.incident_close(actor=world.users["manager"], incident=incident, resolution="ok")
    locking = [query["sql"] for query in context.captured_queries if "FOR UPDATE" in query["sql"]]
    incident_lock = [sql for sql in locking if 'FROM "spaces_incident"' in sql]
    assert incident_lock and all('FOR UPDATE OF "spaces_incident"' in sql for sql in incident_lock)


def _waiting(world, access_of, booking, now=T0):
    return services.waitlist_join(
        access=access_of("founder"),
        resource=booking.resource,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        company=world.company,
        now=now,
    )


def test_closing_a_down_incident_offers_the_freed_slots_to_the_waitlist(
    spaces, world, access_of, residents
):
    manager = access_of("manager")
    taken = book(manager, spaces.room, T0, hours_ahead=26)
    entry = _waiting(world, access_of, taken)
    incident = open_incident(world, spaces.room)
    services.booking_cancel(access=manager, booking=taken, now=T0)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING  # nothing is offered while it is down
    services.incident_close(
        actor=world.users["manager"], incident=incident, resolution="Починили", now=T0
    )
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    assert entry.booking.status == BookingStatus.OFFERED
    assert entry.booking.starts_at == taken.starts_at


def test_closing_a_low_incident_or_with_another_down_open_offers_nothing(
    spaces, world, access_of, residents
):
    manager = access_of("manager")
    taken = book(manager, spaces.room, T0, hours_ahead=26)
    entry = _waiting(world, access_of, taken)
    first = open_incident(world, spaces.room)
    open_incident(world, spaces.room, now=T0 + timedelta(minutes=1))
    services.booking_cancel(access=manager, booking=taken, now=T0)
    services.incident_close(actor=world.users["manager"], incident=first, resolution="x", now=T0)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_joining_the_waitlist_of_a_resource_out_of_service_is_refused(
    spaces, world, access_of, residents
):
    taken = book(access_of("manager"), spaces.room, T0, hours_ahead=26)
    open_incident(world, spaces.room)
    with pytest.raises(ValidationError) as error:
        _waiting(world, access_of, taken)
    assert error.value.error_dict["resource"][0].code == "out_of_service"
    assert not WaitlistEntry.all_parks.exists()


def test_an_offer_is_not_accepted_while_the_resource_is_down(spaces, world, access_of, residents):
    manager = access_of("manager")
    taken = book(manager, spaces.room, T0, hours_ahead=26)
    entry = _waiting(world, access_of, taken)
    services.booking_cancel(access=manager, booking=taken, now=T0)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    incident = open_incident(world, spaces.room)
    with pytest.raises(ValidationError) as error:
        services.waitlist_accept(access=access_of("founder"), entry=entry, now=T0)
    assert error.value.error_dict["resource"][0].code == "out_of_service"
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    assert entry.booking.status == BookingStatus.OFFERED
    services.incident_close(actor=world.users["manager"], incident=incident, resolution="x", now=T0)
    booking = services.waitlist_accept(access=access_of("founder"), entry=entry, now=T0)
    assert booking.status == BookingStatus.CONFIRMED


def test_an_offer_is_not_accepted_with_a_lapsed_certificate(spaces, world, access_of, residents):
    microscope = services.resource_update(
        resource=spaces.microscope, certificate_lapses_after_days=10
    )
    founder = world.users["founder"]
    day = T0.astimezone(YAKUTSK).date()
    for person in (founder, world.users["manager"]):
        services.certificate_record(
            actor=world.users["manager"],
            user=person,
            resource=microscope,
            trained_on=day,
            expires_on=day + timedelta(days=365),
        )
    manager = access_of("manager")
    taken = book(manager, microscope, T0, hours_ahead=26)
    entry = _waiting(world, access_of, taken)
    services.booking_cancel(access=manager, booking=taken, now=T0)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    # Eleven days later (the offer held by a long offer time): the certificate has lapsed.
    later = T0 + timedelta(days=11)
    Booking.all_parks.filter(pk=entry.booking_id).update(
        offer_expires_at=later + timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as error:
        services.waitlist_accept(access=access_of("founder"), entry=entry, now=later)
    assert error.value.error_dict["resource"][0].code == "certificate"
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED


def test_a_move_within_a_resource_out_of_service_is_refused_saying_cancel(spaces, world, access_of):
    manager = access_of("manager")
    held = book(manager, spaces.room, T0, hours_ahead=26)
    open_incident(world, spaces.room)
    with pytest.raises(ValidationError) as error:
        services.booking_move(
            access=manager,
            booking=held,
            starts_at=held.starts_at + timedelta(hours=1),
            ends_at=held.ends_at + timedelta(hours=1),
            now=T0,
        )
    (message,) = error.value.error_dict["resource"]
    assert message.code == "out_of_service"
    assert "has been out of service since" in message.messages[0]
    assert "cancel your booking" in message.messages[0]
    assert services.booking_cancel(access=manager, booking=held, now=T0).status == (
        BookingStatus.CANCELLED
    )


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("engineer", {"incidents/", "certificates/mine/"}, {"training/"}),
        ("manager", {"incidents/", "training/", "certificates/mine/"}, set()),
        ("founder", {"certificates/mine/"}, {"incidents/", "training/"}),
    ],
)
def test_the_spaces_menu_links_incidents_training_and_own_certificates(
    spaces, world, engineer, client_for, role, shown, hidden
):
    client = client_for(role)
    html = client.get(BASE + "search/").content.decode()
    nav = html[html.index('<nav class="filters spaces-nav"') :]
    nav = nav[: nav.index("</nav>")]
    for page in shown:
        assert f'href="{BASE}{page}"' in nav, page
        assert client.get(BASE + page).status_code == 200, page
    for page in hidden:
        assert f'href="{BASE}{page}"' not in nav, page
