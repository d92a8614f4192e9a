# ruff: noqa: F811 - the fixtures of tests/api are imported by name and used as arguments
"""Certificates that lapse: N days without use, the fixed date, a use (a check-in) renews, the
booking check refuses a lapsed one (service, page and API) saying since when and why, reminders
once per lapse, and training sessions that create or renew certificates in one transaction.

Time is passed in (``now=``): nothing here depends on today's date except the page and API
tests, which place everything relative to the real now.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from technopark.audit.models import AuditEntry
from technopark.notices.models import Notice
from technopark.spaces import queries, services
from technopark.spaces.models import Booking, BookingStatus, Certificate, TrainingSession
from tests.api.conftest import api_for, field_errors, openapi, openapi_document  # noqa: F401
from tests.conftest import ROLES
from tests.factories import MembershipFactory, UserFactory
from tests.spaces.conftest import local

pytestmark = pytest.mark.django_db

YAKUTSK = zoneinfo.ZoneInfo("Asia/Yakutsk")
# A fixed moment: 10:00 in Yakutsk on 2 March 2030.
T0 = datetime(2030, 3, 2, 10, 0, tzinfo=YAKUTSK)
D0 = T0.date()
BASE = "/yakutia/spaces/"
API = "/api/v1/parks/yakutia/spaces"


def lapsing(resource, days: int | None):
    return services.resource_update(resource=resource, certificate_lapses_after_days=days)


def certify(world, resource, user, trained_on: date, expires_on: date) -> Certificate:
    return services.certificate_record(
        actor=world.users["manager"],
        user=user,
        resource=resource,
        trained_on=trained_on,
        expires_on=expires_on,
    )


def book(access, resource, now: datetime, *, hours_ahead: int = 2):
    """A one-hour booking ``hours_ahead`` hours after ``now`` (on the hour)."""
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours_ahead)
    return services.booking_create(
        access=access,
        resource=resource,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        now=now,
    )


def test_a_certificate_lapses_n_days_after_the_training_without_use(spaces, world, access_of):
    microscope = lapsing(spaces.microscope, 30)
    manager = world.users["manager"]
    certificate = certify(world, microscope, manager, D0, D0 + timedelta(days=365))
    item = services.validity(certificate, microscope)
    assert (
        item.valid_through == D0 + timedelta(days=30)
        and item.reason == services.certificates.UNUSED
    )
    on_day_30 = T0 + timedelta(days=30)
    assert book(access_of("manager"), microscope, on_day_30).status == BookingStatus.CONFIRMED
    on_day_31 = T0 + timedelta(days=31)
    with pytest.raises(ValidationError) as error:
        book(access_of("manager"), microscope, on_day_31)
    (message,) = error.value.error_dict["resource"]
    assert message.code == "certificate"
    text = message.messages[0]
    # Since when (the first day it no longer holds) and why.
    since = formats.date_format(D0 + timedelta(days=31), "SHORT_DATE_FORMAT")
    assert "lapsed on " + since in text and "not used for 30 days" in text


def test_the_fixed_date_ends_a_certificate(spaces, world, access_of):
    manager = world.users["manager"]
    microscope = spaces.microscope  # no disuse rule: only the fixed date
    certify(world, microscope, manager, D0 - timedelta(days=400), D0 + timedelta(days=1))
    assert book(access_of("manager"), microscope, T0).pk  # tomorrow's last day is covered
    # A booking that ends after the fixed date: refused, saying until when it holds.
    with pytest.raises(ValidationError) as error:
        book(access_of("manager"), microscope, T0, hours_ahead=48)
    assert "ends before this booking" in error.value.messages[0]
    # After the fixed date: expired, and since when.
    with pytest.raises(ValidationError) as error:
        book(access_of("manager"), microscope, T0 + timedelta(days=3))
    assert "expired on" in error.value.messages[0]
    assert not services.has_valid_certificate(
        user=manager, resource=microscope, on=D0 + timedelta(days=3), now=T0 + timedelta(days=3)
    )


def test_a_checked_in_booking_is_a_use_and_renews_the_certificate(spaces, world, access_of):
    microscope = lapsing(spaces.microscope, 30)
    manager = world.users["manager"]
    certificate = certify(world, microscope, manager, D0, D0 + timedelta(days=365))
    day_20 = T0 + timedelta(days=20)
    booking = book(access_of("manager"), microscope, day_20)
    # Made but not checked in: not a use.
    certificate.refresh_from_db()
    assert certificate.last_used_at is None
    services.booking_check_in(booking=booking, now=booking.starts_at)
    certificate.refresh_from_db()
    assert certificate.last_used_at == booking.starts_at
    assert services.validity(certificate, microscope).valid_through == (
        booking.starts_at.astimezone(YAKUTSK).date() + timedelta(days=30)
    )
    # Day 40 from the training: lapsed without the use, valid with it.
    assert book(access_of("manager"), microscope, T0 + timedelta(days=40)).pk
    # A released no-show is not a use.
    no_show = book(access_of("manager"), microscope, T0 + timedelta(days=41))
    services.bookings_release_no_shows(now=no_show.starts_at + timedelta(minutes=30))
    assert Booking.all_parks.get(pk=no_show.pk).status == BookingStatus.RELEASED
    certificate.refresh_from_db()
    assert certificate.last_used_at == booking.starts_at


def test_another_persons_use_does_not_renew(spaces, world, access_of):
    microscope = lapsing(spaces.microscope, 10)
    manager, founder = world.users["manager"], world.users["founder"]
    mine = certify(world, microscope, manager, D0, D0 + timedelta(days=365))
    certify(world, microscope, founder, D0, D0 + timedelta(days=365))
    booking = book(access_of("manager"), microscope, T0 + timedelta(days=5))
    services.booking_check_in(booking=booking, now=booking.starts_at)
    theirs = Certificate.all_parks.get(user=founder)
    assert theirs.last_used_at is None and Certificate.all_parks.get(pk=mine.pk).last_used_at


def _lapsed_for(world, resource, user):
    """A certificate that lapsed (trained 100 days ago, lapses after 30 unused days)."""
    lapsing(resource, 30)
    today = timezone.localdate()
    certify(world, resource, user, today - timedelta(days=100), today + timedelta(days=365))


def test_the_booking_page_refuses_a_lapsed_certificate(spaces, residents, world, client_for):
    _lapsed_for(world, spaces.microscope, world.users["founder"])
    response = client_for("founder").post(
        BASE + "book/",
        {
            "resource": spaces.microscope.pk,
            "starts_at": local(1, 10).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": local(1, 11).strftime("%Y-%m-%dT%H:%M"),
            "company": world.company.pk,
            "weeks": 1,
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any("lapsed" in text and "30" in text for text in errors["resource"])
    assert not Booking.all_parks.exists()


def test_the_api_refuses_a_lapsed_certificate(spaces, residents, world, api_for):
    _lapsed_for(world, spaces.microscope, world.users["founder"])
    response = api_for("founder").post(
        API + "/bookings",
        {
            "resource": spaces.microscope.pk,
            "starts_at": local(1, 10).isoformat(),
            "ends_at": local(1, 11).isoformat(),
            "company": world.company.pk,
        },
    )
    (text,) = field_errors(response)["resource"]
    assert "lapsed" in text and "30" in text
    assert not Booking.all_parks.exists()


# --- reminders ----------------------------------------------------------------------------------


def test_a_reminder_goes_once_per_lapse(spaces, world, access_of):
    microscope = lapsing(spaces.microscope, 30)
    founder = world.users["founder"]
    certify(world, microscope, founder, D0, D0 + timedelta(days=365))
    # Valid through day 30; reminded from 7 days before.
    assert services.certificate_lapse_reminders_send(now=T0 + timedelta(days=22)) == 0
    assert services.certificate_lapse_reminders_send(now=T0 + timedelta(days=24)) == 1
    assert services.certificate_lapse_reminders_send(now=T0 + timedelta(days=24)) == 0
    assert services.certificate_lapse_reminders_send(now=T0 + timedelta(days=29)) == 0
    notice = Notice.objects.get()
    assert notice.recipient == founder and notice.kind == "spaces.certificate_lapse"
    assert notice.url == "/yakutia/spaces/certificates/mine/"
    # Lapsed: no more reminders.
    assert services.certificate_lapse_reminders_send(now=T0 + timedelta(days=32)) == 0
    # Renewed by a training: a new lapse day, a new reminder when it nears.
    services.training_session_record(
        actor=world.users["manager"],
        resource=microscope,
        trainer=world.users["manager"],
        starts_at=T0 + timedelta(days=33),
        duration_minutes=90,
        people=[founder],
        expires_on=D0 + timedelta(days=365),
        now=T0 + timedelta(days=33),
    )
    assert services.certificate_lapse_reminders_send(now=T0 + timedelta(days=40)) == 0
    assert services.certificate_lapse_reminders_send(now=T0 + timedelta(days=60)) == 1
    assert Notice.objects.count() == 2


def test_a_fixed_date_is_reminded_and_a_longer_certificate_spares_it(spaces, world):
    microscope = spaces.microscope
    founder, manager = world.users["founder"], world.users["manager"]
    certify(world, microscope, founder, D0, D0 + timedelta(days=10))
    certify(world, microscope, manager, D0, D0 + timedelta(days=10))
    certify(world, microscope, manager, D0, D0 + timedelta(days=100))  # renewed by a new record
    assert services.certificate_lapse_reminders_send(now=T0 + timedelta(days=5)) == 1
    assert Notice.objects.get().recipient == founder


def test_the_reminder_task_takes_the_time(spaces, world):
    from technopark.spaces.tasks import spaces_certificate_reminders

    certify(world, spaces.microscope, world.users["founder"], D0, D0 + timedelta(days=3))
    assert spaces_certificate_reminders.call(now=T0.isoformat()) == 1
    assert spaces_certificate_reminders.call(now=T0.isoformat()) == 0


# --- training sessions --------------------------------------------------------------------------


def test_a_training_session_creates_and_renews_certificates(spaces, world):
    microscope = lapsing(spaces.microscope, 30)
    founder, other = world.users["founder"], world.users["other_founder"]
    old = certify(world, microscope, founder, D0 - timedelta(days=200), D0 + timedelta(days=5))
    session = services.training_session_record(
        actor=world.users["manager"],
        resource=microscope,
        trainer=world.users["expert"],
        starts_at=T0,
        duration_minutes=120,
        people=[founder, other],
        expires_on=D0 + timedelta(days=365),
        notes="Вводный курс",
        now=T0,
    )
    old.refresh_from_db()
    assert (old.trained_on, old.expires_on, old.training) == (
        D0,
        D0 + timedelta(days=365),
        session,
    )
    new = Certificate.all_parks.get(user=other)
    assert (new.trained_on, new.expires_on, new.training) == (D0, D0 + timedelta(days=365), session)
    assert set(session.people.all()) == {founder, other}
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["spaces.certify_change", "spaces.certify", "spaces.training"]
    assert services.has_valid_certificate(
        user=founder, resource=microscope, on=D0 + timedelta(days=1), now=T0
    )


def test_a_training_session_is_all_or_nothing(spaces, world):
    stranger = UserFactory(email="stranger@example.org")
    MembershipFactory(park=world.other_park, user=stranger)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        services.training_session_record(
            actor=world.users["manager"],
            resource=spaces.microscope,
            trainer=world.users["manager"],
            starts_at=T0,
            duration_minutes=60,
            people=[world.users["founder"], stranger],
            expires_on=D0 + timedelta(days=30),
            now=T0,
        )
    assert "people" in error.value.error_dict
    assert not Certificate.all_parks.exists() and not TrainingSession.all_parks.exists()
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 24 * 60 + 1}, "duration_minutes"),
        ({"people": []}, "people"),
        ({"starts_at": T0 + timedelta(days=1)}, "starts_at"),
        ({"expires_on": D0 - timedelta(days=1)}, "expires_on"),
    ],
)
def test_a_training_session_refuses_bad_input(spaces, world, change, field):
    values = {
        "actor": world.users["manager"],
        "resource": spaces.microscope,
        "trainer": world.users["manager"],
        "starts_at": T0,
        "duration_minutes": 60,
        "people": [world.users["founder"]],
        "expires_on": D0 + timedelta(days=30),
        "now": T0,
    }
    with pytest.raises(ValidationError) as error:
        services.training_session_record(**{**values, **change})
    assert field in error.value.error_dict
    assert not TrainingSession.all_parks.exists()


# --- pages and API ------------------------------------------------------------------------------

MEMBERS = {"founder", "other_founder", "manager", "expert", "observer"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("page", "allowed"), [("training/", {"manager"}), ("certificates/mine/", MEMBERS)]
)
def test_role_matrix_for_the_certificate_pages(spaces, client_for, role, page, allowed):
    response = client_for(role).get(BASE + page)
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role in allowed else 403)


def test_the_holder_sees_their_certificates_and_lapse_day(spaces, world, client_for):
    microscope = lapsing(spaces.microscope, 30)
    today = timezone.localdate()
    certify(world, microscope, world.users["founder"], today, today + timedelta(days=365))
    certify(world, microscope, world.users["other_founder"], today, today + timedelta(days=365))
    page = client_for("founder").get(BASE + "certificates/mine/")
    rows = page.context["certificates"]
    assert [row.user for row in rows] == [world.users["founder"]]
    assert rows[0].validity.valid_through == today + timedelta(days=30)
    # Reachable from the holder's bookings page.
    assert (
        "/yakutia/spaces/certificates/mine/"
        in client_for("founder").get(BASE + "my/").content.decode()
    )


def test_the_training_page_records_a_session(spaces, world, client_for):
    client = client_for("manager")
    when = local(-1, 10)
    response = client.post(
        BASE + "training/",
        {
            "resource": spaces.microscope.pk,
            "trainer": world.users["manager"].pk,
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 90,
            "people": [world.users["founder"].pk, world.users["other_founder"].pk],
            "expires_on": (timezone.localdate() + timedelta(days=100)).isoformat(),
            "notes": "",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    session = TrainingSession.all_parks.get()
    assert session.starts_at == when  # read in the site's zone
    assert Certificate.all_parks.filter(training=session).count() == 2
    bad = client.post(
        BASE + "training/", {"resource": spaces.microscope.pk, "duration_minutes": "x"}
    )
    assert bad.status_code == 400
    assert {"trainer", "starts_at", "duration_minutes", "people", "expires_on"} <= set(
        bad.context["form"].errors
    )
    assert TrainingSession.all_parks.count() == 1


def _sessions(world, resource, n: int) -> None:
    now = timezone.now()
    for index in range(n):
        services.training_session_record(
            actor=world.users["manager"],
            resource=resource,
            trainer=world.users["manager"],
            starts_at=now - timedelta(days=index + 1),
            duration_minutes=60,
            people=[world.users["founder"], world.users["other_founder"]],
            expires_on=timezone.localdate() + timedelta(days=100),
            now=now,
        )


@pytest.mark.parametrize("n", [2, 12])
def test_the_training_page_query_count_is_fixed(
    spaces, world, client_for, django_assert_num_queries, n
):
    _sessions(world, spaces.microscope, n)
    client = client_for("manager")
    client.get(BASE + "training/")  # warm the session and the caches
    with django_assert_num_queries(6):
        response = client.get(BASE + "training/")
    assert len(response.context["sessions"]) == n


@pytest.mark.parametrize("n", [1, 10])
def test_the_certificate_pages_query_counts_are_fixed(
    spaces, world, client_for, django_assert_num_queries, n
):
    today = timezone.localdate()
    people = [UserFactory(email=f"p{index}@example.org") for index in range(n)]
    for person in people:
        MembershipFactory(park=world.park, user=person)
        certify(world, spaces.microscope, person, today, today + timedelta(days=30))
    certify(world, spaces.microscope, world.users["founder"], today, today + timedelta(days=30))
    manager, founder = client_for("manager"), client_for("founder")
    manager.get(BASE + "certificates/")
    founder.get(BASE + "certificates/mine/")
    with django_assert_num_queries(4):
        assert len(manager.get(BASE + "certificates/").context["certificates"]) == n + 1
    with django_assert_num_queries(1):  # the certificates, with their resources and sites
        founder.get(BASE + "certificates/mine/")


@pytest.mark.parametrize("role", ROLES)
def test_api_role_matrix_for_certificates_and_training(spaces, world, api_for, role):
    today = timezone.localdate()
    certify(world, spaces.microscope, world.users["founder"], today, today + timedelta(days=30))
    certify(world, spaces.microscope, world.users["manager"], today, today + timedelta(days=30))
    api = api_for(role)
    certificates = api.get(API + "/certificates")
    sessions = api.get(API + "/training-sessions")
    if role == "anonymous":
        assert certificates.status_code == sessions.status_code == 401
        return
    if role not in MEMBERS:
        assert certificates.status_code == sessions.status_code == 403
        return
    rows = certificates.json()
    if role == "manager":
        assert len(rows) == 2 and sessions.status_code == 200
    else:
        mine = [row for row in rows if row["user_id"] == world.users[role].pk]
        assert rows == mine and sessions.status_code == 403
    for row in rows:
        assert row["valid_through"] == row["expires_on"] and row["ends_by"] == "expiry"


def test_api_records_a_training_session(spaces, world, api_for):
    api = api_for("manager", "token")
    payload = {
        "resource": spaces.microscope.pk,
        "trainer": world.users["expert"].pk,
        "starts_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "duration_minutes": 60,
        "people": [world.users["founder"].pk],
        "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "notes": "Техника безопасности",
    }
    response = api.post(API + "/training-sessions", payload)
    assert response.status_code == 201, response.content
    assert response.json()["people"] == [world.users["founder"].pk]
    assert Certificate.all_parks.get().user == world.users["founder"]
    listed = api.get(API + "/training-sessions").json()
    assert [row["id"] for row in listed] == [response.json()["id"]]
    # Another park's person or resource: refused, nothing recorded.
    errors = field_errors(
        api.post(API + "/training-sessions", {**payload, "people": [world.users["outsider"].pk]})
    )
    assert "people" in errors
    errors = field_errors(api.post(API + "/training-sessions", {**payload, "duration_minutes": 0}))
    assert "duration_minutes" in errors
    assert TrainingSession.all_parks.count() == 1


def test_queries_give_each_certificate_its_validity(spaces, world):
    microscope = lapsing(spaces.microscope, 30)
    certify(world, microscope, world.users["founder"], D0, D0 + timedelta(days=10))
    (row,) = queries.certificates_with_validity(park=world.park)
    assert row.validity.valid_through == D0 + timedelta(days=10)
    assert row.validity.reason == services.certificates.EXPIRY


# --- review fixes: bad ids, a resource with no certificate, the bounded list of people ---------


def _training_post(spaces, world, **change):
    return {
        "resource": spaces.microscope.pk,
        "trainer": world.users["manager"].pk,
        "starts_at": local(-1, 10).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 90,
        "people": [world.users["founder"].pk],
        "expires_on": (timezone.localdate() + timedelta(days=100)).isoformat(),
        **change,
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"people": ["99999999999999999999999"]}, "people"),
        ({"people": ["-1"]}, "people"),
        ({"people": ["x"]}, "people"),
        ({"people": ["²"]}, "people"),
        ({"trainer": "99999999999999999999999"}, "trainer"),
        ({"trainer": "-1"}, "trainer"),
        ({"resource": "99999999999999999999999"}, "resource"),
        ({"duration_minutes": "99999999999999999999999"}, "duration_minutes"),
    ],
)
def test_the_training_page_refuses_ids_no_database_holds(spaces, world, client_for, change, field):
    response = client_for("manager").post(
        BASE + "training/", _training_post(spaces, world, **change)
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not TrainingSession.all_parks.exists()


def test_the_training_page_refuses_more_people_than_a_session_holds(spaces, world, client_for):
    many = [str(pk) for pk in range(1, services.MAX_PEOPLE + 2)]
    response = client_for("manager").post(
        BASE + "training/", _training_post(spaces, world, people=many)
    )
    assert response.status_code == 400
    assert "people" in response.context["form"].errors


@pytest.mark.parametrize("people", [[99999999999999999999999], [-1], [0], ["x"]])
def test_the_api_refuses_ids_no_database_holds(spaces, world, api_for, people):
    api = api_for("manager", "token")
    payload = {
        "resource": spaces.microscope.pk,
        "trainer": world.users["manager"].pk,
        "starts_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "duration_minutes": 60,
        "people": people,
        "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }
    response = api.post(API + "/training-sessions", payload)
    assert response.status_code in (400, 422), response.content
    assert not TrainingSession.all_parks.exists()


def test_a_training_on_a_resource_without_certificates_is_refused(
    spaces, world, client_for, api_for
):
    with pytest.raises(ValidationError) as error:
        services.training_session_record(
            actor=world.users["manager"],
            resource=spaces.room,
            trainer=world.users["manager"],
            starts_at=T0,
            duration_minutes=60,
            people=[world.users["founder"]],
            expires_on=D0 + timedelta(days=30),
            now=T0,
        )
    assert "resource" in error.value.error_dict
    page = client_for("manager").post(
        BASE + "training/", _training_post(spaces, world, resource=spaces.room.pk)
    )
    assert page.status_code == 400 and "resource" in page.context["form"].errors
    payload = {
        "resource": spaces.room.pk,
        "trainer": world.users["manager"].pk,
        "starts_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "duration_minutes": 60,
        "people": [world.users["founder"].pk],
        "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }
    assert "resource" in field_errors(
        api_for("manager", "token").post(API + "/training-sessions", payload)
    )
    assert not TrainingSession.all_parks.exists() and not Certificate.all_parks.exists()


def test_the_training_page_lists_a_bounded_alphabetical_list_of_people(
    spaces, world, client_for, monkeypatch
):
    from technopark.spaces import forms

    monkeypatch.setattr(forms, "PEOPLE_LISTED", 3)
    for name in ("Яков", "Борис", "Анна", "Вера"):
        MembershipFactory(park=world.park, user=UserFactory(full_name=name))
    form = client_for("manager").get(BASE + "training/").context["form"]
    listed = [label for _value, label in form.fields["people"].choices]
    assert len(listed) == 3
    assert listed == sorted(listed, key=str.lower)


# --- review fixes: lock order (certificate rows by id, the audit head last) -------------------


def _sql(context) -> list[str]:
    return [query["sql"] for query in context.captured_queries]


def test_a_training_takes_the_audit_head_after_every_certificate_write(spaces, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    certify(world, spaces.microscope, world.users["founder"], D0, D0 + timedelta(days=10))
    with CaptureQueriesContext(connection) as context:
        services.training_session_record(
            actor=world.users["manager"],
            resource=spaces.microscope,
            trainer=world.users["manager"],
            starts_at=T0,
            duration_minutes=60,
            people=[world.users["founder"], world.users["expert"], world.users["observer"]],
            expires_on=D0 + timedelta(days=30),
            now=T0,
        )
    sql = _sql(context)
    writes_at = [
        i
        for i, text in enumerate(sql)
        if text.startswith(('INSERT INTO "spaces_certificate"', 'UPDATE "spaces_certificate"'))
    ]
    head_at = [i for i, text in enumerate(sql) if "audit_audithead" in text]
    assert len(writes_at) == 3 and head_at
    assert max(writes_at) < min(head_at)
    locked = [text for text in sql if 'FROM "spaces_certificate"' in text and "ORDER BY" in text]
    assert locked and all(
        text.split("ORDER BY")[1].strip().startswith('"spaces_certificate"."id" ASC')
        for text in locked
    )


def test_a_check_in_locks_the_certificates_by_id(spaces, world, access_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    microscope = lapsing(spaces.microscope, 30)
    manager = world.users["manager"]
    certify(world, microscope, manager, D0, D0 + timedelta(days=365))
    certify(world, microscope, manager, D0, D0 + timedelta(days=200))
    booking = book(access_of("manager"), microscope, T0)
    with CaptureQueriesContext(connection) as context:
        services.booking_check_in(booking=booking, now=booking.starts_at)
    sql = _sql(context)
    chosen = [
        i
        for i, text in enumerate(sql)
        if text.startswith("SELECT") and 'FROM "spaces_certificate"' in text
    ]
    updated = [i for i, text in enumerate(sql) if text.startswith('UPDATE "spaces_certificate"')]
    assert chosen and updated and chosen[0] < updated[0]
    ordered = sql[chosen[0]].split("ORDER BY")[1].strip()
    assert ordered.startswith(('"spaces_certificate"."id" ASC', "1 ASC"))  # 1: the id selected
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in sql[chosen[0]]
    assert Certificate.all_parks.filter(last_used_at=booking.starts_at).count() == 2


# --- review fixes: the reminders' time, former members, withdrawn resources -------------------


def test_the_reminders_refuse_a_naive_time(spaces, world):
    from technopark.spaces.tasks import spaces_certificate_reminders

    certify(world, spaces.microscope, world.users["founder"], D0, D0 + timedelta(days=3))
    with pytest.raises(ValueError):
        services.certificate_lapse_reminders_send(now=T0.replace(tzinfo=None))
    with pytest.raises(ValueError):
        spaces_certificate_reminders.call(now="2030-03-02T10:00:00")
    assert not Notice.objects.exists()


def test_the_reminders_skip_former_members_and_withdrawn_resources(spaces, world):
    from technopark.parks.models import Membership, MembershipStatus

    founder, expert = world.users["founder"], world.users["expert"]
    certify(world, spaces.microscope, founder, D0, D0 + timedelta(days=3))
    certify(world, spaces.microscope, expert, D0, D0 + timedelta(days=3))
    Membership.all_parks.filter(park=world.park, user=expert).delete()  # left the park
    MembershipFactory(park=world.park, user=expert, status=MembershipStatus.REQUESTED)
    assert services.certificate_lapse_reminders_send(now=T0) == 1
    assert Notice.objects.get().recipient == founder
    Notice.objects.all().delete()
    services.resource_update(resource=spaces.microscope, is_active=False)
    assert services.certificate_lapse_reminders_send(now=T0) == 0


# --- review fix: «lapsed» on the site's own day ------------------------------------------------


def test_lapsed_is_judged_on_the_resource_sites_day(
    spaces, world, client_for, api_for, time_machine
):
    """01:00 in Yakutsk on 11 March is still 10 March (19:00) in Moscow: a Moscow instrument's
    certificate valid through 10 March holds there, as the booking check says."""
    from datetime import UTC

    from technopark.spaces.models import ResourceType

    time_machine.move_to(datetime(2030, 3, 10, 16, 0, tzinfo=UTC), tick=False)
    lathe = services.resource_create(
        site=spaces.moscow,
        name="Токарный станок",
        resource_type=ResourceType.LAB,
        requires_certification=True,
    )
    founder = world.users["founder"]
    certify(world, lathe, founder, date(2030, 3, 1), date(2030, 3, 10))
    assert timezone.localdate() == date(2030, 3, 11)  # the server's zone: Yakutsk
    assert services.has_valid_certificate(user=founder, resource=lathe, on=date(2030, 3, 10))
    (row,) = queries.certificates_with_validity(park=world.park, user=founder)
    assert row.lapsed is False
    (listed,) = api_for("founder").get(API + "/certificates").json()
    assert listed["lapsed"] is False
    page = client_for("founder").get(BASE + "certificates/mine/").content.decode()
    assert "lapsed: not used" not in page and ">expired<" not in page
    # An hour after Moscow's midnight it has lapsed, there and on the pages.
    time_machine.move_to(datetime(2030, 3, 10, 21, 30, tzinfo=UTC), tick=False)
    assert not services.has_valid_certificate(user=founder, resource=lathe, on=date(2030, 3, 10))
    (listed,) = api_for("founder").get(API + "/certificates").json()
    assert listed["lapsed"] is True


# --- review fix: migration 0007 fills last_used_at from the check-ins --------------------------


def test_migration_0007_takes_the_last_use_from_the_check_ins(spaces, world, access_of):
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module(
        "technopark.spaces.migrations.0007_certificate_lapse_training_incidents"
    )
    microscope, manager = spaces.microscope, world.users["manager"]
    mine = certify(world, microscope, manager, D0, D0 + timedelta(days=365))
    other = certify(world, microscope, world.users["founder"], D0, D0 + timedelta(days=365))
    early = book(access_of("manager"), microscope, T0)
    late = book(access_of("manager"), microscope, T0 + timedelta(days=3))
    book(access_of("manager"), microscope, T0 + timedelta(days=5))  # never checked in
    for booking in (early, late):
        services.booking_check_in(booking=booking, now=booking.starts_at)
    Certificate.all_parks.update(last_used_at=None)  # as before the column existed
    state = MigrationLoader(connection).project_state(
        ("spaces", "0007_certificate_lapse_training_incidents")
    )
    migration.last_use_from_check_ins(state.apps, None)
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.last_used_at == late.starts_at
    assert other.last_used_at is None  # another person's use is not theirs
