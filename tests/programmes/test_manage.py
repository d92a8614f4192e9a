"""Editing and removing programmes, cohorts and sessions (staff), and attendance that is never
open before a session starts nor pre-ticked.

Removal asks first (a confirmation page; nothing changes until it is confirmed) and deletes only
what nothing depends on: a programme with cohorts and a cohort with participants are archived,
a session with attendance stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from technopark.programmes import services
from technopark.programmes.models import (
    Attendance,
    Attendee,
    Cohort,
    CurriculumSession,
    Programme,
    SessionKind,
)
from tests.programmes.conftest import ALL_ROLES

STAFF = {"manager"}
LIST_QUERIES = 2  # the programmes; their cohorts (the visitor and header are cached)
COHORT_EDIT_QUERIES = 3  # the cohort; the sites; the intake calls
SESSION_EDIT_QUERIES = 2  # the session with its cohort and site; the sites


def expected(role: str, ok: int) -> int:
    if role == "anonymous":
        return 302
    return ok if role in STAFF else 403


def programme_url(programme, action):
    return f"/yakutia/programmes/{programme.pk}/{action}/"


def cohort_url(cohort, action=""):
    return f"/yakutia/programmes/cohorts/{cohort.pk}/" + (f"{action}/" if action else "")


def session_url(session, action):
    return f"/yakutia/programmes/sessions/{session.pk}/{action}/"


def _empty_programme(world):
    return services.programme_create(park=world.park, actor=world.users["manager"], name="Пусто")


@pytest.mark.parametrize("role", ALL_ROLES)
def test_role_matrix(world, prog, client_as, role):
    empty = _empty_programme(world)
    client = client_as(role)
    for url in (
        programme_url(prog.programme, "edit"),
        cohort_url(prog.cohort, "edit"),
        session_url(prog.future_session, "edit"),
    ):
        assert client.get(url).status_code == expected(role, 200), url
    for url in (
        programme_url(empty, "remove"),
        cohort_url(prog.cohort, "remove"),
        session_url(prog.future_session, "remove"),
    ):
        assert client.post(url, {"confirmed": "1"}).status_code == expected(role, 302), url
    removed = role in STAFF
    assert Programme.all_parks.filter(pk=empty.pk).exists() is not removed
    assert (Cohort.all_parks.get(pk=prog.cohort.pk).archived_at is not None) is removed
    assert CurriculumSession.objects.filter(pk=prog.future_session.pk).exists() is not removed


def test_another_parks_records_are_not_found(world, prog, client_as):
    foreign = services.programme_create(
        park=world.other_park, actor=world.users["outsider"], name="Чужая"
    )
    client = client_as("manager")
    assert client.get(programme_url(foreign, "edit")).status_code == 404
    assert client.post(programme_url(foreign, "remove"), {"confirmed": "1"}).status_code == 404
    assert Programme.all_parks.filter(pk=foreign.pk, archived_at=None).exists()


def test_a_programme_without_cohorts_is_deleted_after_asking(world, prog, client_as):
    empty = _empty_programme(world)
    client = client_as("manager")
    page = client.get("/yakutia/programmes/").content.decode()
    assert f'action="{programme_url(empty, "remove")}"' in page
    assert f'href="{programme_url(empty, "edit")}"' in page
    asked = client.post(programme_url(empty, "remove"))
    body = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="confirm"' in body
    assert "has no cohorts, so it will be deleted" in body
    assert Programme.all_parks.filter(pk=empty.pk).exists()  # asking changed nothing
    client.post(programme_url(empty, "remove"), {"confirmed": "1"})
    assert not Programme.all_parks.filter(pk=empty.pk).exists()


def test_a_programme_with_cohorts_is_archived_takes_no_cohort_and_is_restored(
    world, prog, client_as
):
    client = client_as("manager")
    asked = client.post(programme_url(prog.programme, "remove")).content.decode()
    assert "it will be archived, not deleted" in asked
    client.post(programme_url(prog.programme, "remove"), {"confirmed": "1"})
    programme = Programme.all_parks.get(pk=prog.programme.pk)
    assert programme.archived_at is not None
    assert Cohort.all_parks.filter(programme=programme).count() == 1  # nothing lost
    page = client.get("/yakutia/programmes/").content.decode()
    assert 'data-testid="programme-archived"' in page
    assert f"/yakutia/programmes/{programme.pk}/cohorts/new/" not in page
    refused = client.post(
        f"/yakutia/programmes/{programme.pk}/cohorts/new/",
        {"name": "Осень", "starts_on": "2030-09-01", "ends_on": "2030-12-01", "capacity": "5"},
    )
    assert refused.status_code == 200 and "This programme is archived" in refused.content.decode()
    assert Cohort.all_parks.filter(programme=programme).count() == 1
    client.post(programme_url(programme, "restore"))
    assert Programme.all_parks.get(pk=programme.pk).archived_at is None


def test_editing_a_programme(world, prog, client_as):
    response = client_as("manager").post(
        programme_url(prog.programme, "edit"),
        {
            "name": "Полярный старт",
            "grant_cap": "1500000",
            "coworking_seats": "4",
            "length_weeks": "10",
        },
    )
    assert response.status_code == 302
    programme = Programme.all_parks.get(pk=prog.programme.pk)
    assert (programme.name, str(programme.grant_cap), programme.length_weeks) == (
        "Полярный старт",
        "1500000.00",
        10,
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "grant_cap": "1", "coworking_seats": "0", "length_weeks": "1"}, "name"),
        (
            {"name": "X", "grant_cap": "-1", "coworking_seats": "0", "length_weeks": "1"},
            "grant_cap",
        ),
        (
            {"name": "X", "grant_cap": "1", "coworking_seats": "0", "length_weeks": "0"},
            "length_weeks",
        ),
    ],
)
def test_editing_a_programme_bad_input_changes_nothing(world, prog, client_as, data, field):
    response = client_as("manager").post(programme_url(prog.programme, "edit"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Programme.all_parks.get(pk=prog.programme.pk).name == prog.programme.name


def test_a_cohorts_places_never_drop_below_its_participants(world, prog, client_as):
    services.participant_add(cohort=prog.cohort, actor=None, company=world.other_company)
    data = {
        "name": prog.cohort.name,
        "starts_on": prog.cohort.starts_on.isoformat(),
        "ends_on": prog.cohort.ends_on.isoformat(),
        "capacity": "1",
    }
    client = client_as("manager")
    refused = client.post(cohort_url(prog.cohort, "edit"), data)
    assert refused.status_code == 400
    assert "The cohort has 2 active participants" in refused.content.decode()
    assert Cohort.all_parks.get(pk=prog.cohort.pk).capacity == prog.cohort.capacity
    response = client.post(
        cohort_url(prog.cohort, "edit"), {**data, "capacity": "7", "name": "Весна"}
    )
    assert response.status_code == 302
    cohort = Cohort.all_parks.get(pk=prog.cohort.pk)
    assert (cohort.name, cohort.capacity) == ("Весна", 7)


def test_a_cohort_with_participants_is_archived_one_without_is_deleted(world, prog, client_as):
    client = client_as("manager")
    asked = client.post(cohort_url(prog.cohort, "remove")).content.decode()
    assert "has participants or demo-day guests, so it will be archived" in asked
    client.post(cohort_url(prog.cohort, "remove"), {"confirmed": "1"})
    cohort = Cohort.all_parks.get(pk=prog.cohort.pk)
    assert cohort.archived_at is not None and cohort.participants.count() == 1
    assert 'data-testid="cohort-archived"' in client.get(cohort_url(cohort)).content.decode()
    page = client.get("/yakutia/programmes/").content.decode()
    assert 'data-testid="archived-cohorts"' in page
    client.post(cohort_url(cohort, "restore"))
    assert Cohort.all_parks.get(pk=cohort.pk).archived_at is None
    empty = services.cohort_create(
        programme=prog.programme,
        actor=world.users["manager"],
        name="Пустая",
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
    )
    assert (
        "has no participants, so it will be deleted"
        in client.post(cohort_url(empty, "remove")).content.decode()
    )
    client.post(cohort_url(empty, "remove"), {"confirmed": "1"})
    assert not Cohort.all_parks.filter(pk=empty.pk).exists()


def test_a_session_with_attendance_stays_one_without_is_deleted(world, prog, client_as):
    attendee = Attendee.objects.get(user=world.users["founder"])
    services.attendance_record(
        session=prog.past_session, actor=world.users["manager"], marks={attendee.pk: True}
    )
    client = client_as("manager")
    for data in ({}, {"confirmed": "1"}):  # refused before asking, and when posted anyway
        response = client.post(session_url(prog.past_session, "remove"), data, follow=True)
        body = response.content.decode()
        assert "Attendance has been taken for this session" in body
        assert 'data-testid="confirm"' not in body
    assert CurriculumSession.objects.filter(pk=prog.past_session.pk).exists()
    assert Attendance.objects.filter(session=prog.past_session).count() == 1
    asked = client.post(session_url(prog.future_session, "remove"))
    assert 'data-testid="confirm"' in asked.content.decode()
    assert CurriculumSession.objects.filter(pk=prog.future_session.pk).exists()
    client.post(session_url(prog.future_session, "remove"), {"confirmed": "1"})
    assert not CurriculumSession.objects.filter(pk=prog.future_session.pk).exists()


def test_editing_a_session_in_the_sites_time_zone(world, prog, client_as):
    response = client_as("manager").post(
        session_url(prog.past_session, "edit"),
        {
            "kind": SessionKind.WORKSHOP,
            "title": "Мастерская",
            "site": str(world.site.pk),
            "starts_at": "2030-03-04T10:00",
            "ends_at": "2030-03-04T12:00",
        },
    )
    assert response.status_code == 302
    session = CurriculumSession.objects.get(pk=prog.past_session.pk)
    assert session.title == "Мастерская"
    assert session.starts_at.isoformat() == "2030-03-04T01:00:00+00:00"  # 10:00 in Yakutsk


def test_a_session_with_attendance_cannot_move_to_the_future(world, prog, client_as):
    attendee = Attendee.objects.get(user=world.users["founder"])
    services.attendance_record(
        session=prog.past_session, actor=world.users["manager"], marks={attendee.pk: False}
    )
    later = timezone.now() + timedelta(days=3)
    with pytest.raises(Exception, match="cannot move to the future"):
        services.session_update(
            session=prog.past_session,
            actor=world.users["manager"],
            kind=SessionKind.WORKSHOP,
            title="X",
            starts_at=later,
            ends_at=later + timedelta(hours=1),
        )
    assert CurriculumSession.objects.get(pk=prog.past_session.pk).title == prog.past_session.title


def test_attendance_is_not_offered_before_a_session_starts(world, prog, client_as):
    client = client_as("manager")
    cohort_page = client.get(cohort_url(prog.cohort)).content.decode()
    assert f"/sessions/{prog.past_session.pk}/attendance/" in cohort_page
    assert f"/sessions/{prog.future_session.pk}/attendance/" not in cohort_page
    page = client.get(f"/yakutia/programmes/sessions/{prog.future_session.pk}/attendance/")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="attendance-not-open"' in body
    assert 'type="checkbox"' not in body.split('<main id="main"')[1]  # the header has the menu


def test_nobody_is_pre_ticked(world, prog, client_as):
    body = (
        client_as("manager")
        .get(f"/yakutia/programmes/sessions/{prog.past_session.pk}/attendance/")
        .content.decode()
        .split('<main id="main"')[1]  # the header's menu is a checkbox too
    )
    assert 'type="checkbox"' in body
    assert "checked" not in body
    attendee = Attendee.objects.get(user=world.users["founder"])
    services.attendance_record(
        session=prog.past_session, actor=world.users["manager"], marks={attendee.pk: True}
    )
    body = (
        client_as("manager")
        .get(f"/yakutia/programmes/sessions/{prog.past_session.pk}/attendance/")
        .content.decode()
        .split('<main id="main"')[1]
    )
    assert "checked" in body  # one marked present shows as such


@pytest.mark.parametrize("n", [1, 5])
def test_programme_list_query_count(world, prog, client_as, django_assert_num_queries, n):
    for i in range(n):
        programme = services.programme_create(
            park=world.park, actor=world.users["manager"], name=f"П{i}"
        )
        services.cohort_create(
            programme=programme,
            actor=world.users["manager"],
            name=f"К{i}",
            starts_on=prog.cohort.starts_on,
            ends_on=prog.cohort.ends_on,
        )
        if i % 2:
            services.programme_remove(programme=programme, actor=world.users["manager"])
    client = client_as("manager")
    client.get("/yakutia/programmes/")  # the visitor's roles and the header are cached
    # session, user, park, roles; programmes; their cohorts; the header
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get("/yakutia/programmes/").status_code == 200


@pytest.mark.parametrize("n", [1, 5])
def test_cohort_edit_page_query_count(world, prog, client_as, django_assert_num_queries, n):
    for i in range(n):
        services.session_create(
            cohort=prog.cohort,
            actor=world.users["manager"],
            kind=SessionKind.WORKSHOP,
            title=f"S{i}",
            starts_at=timezone.now() + timedelta(days=i + 3),
            ends_at=timezone.now() + timedelta(days=i + 3, hours=1),
        )
    client = client_as("manager")
    client.get(cohort_url(prog.cohort, "edit"))
    with django_assert_num_queries(COHORT_EDIT_QUERIES):
        assert client.get(cohort_url(prog.cohort, "edit")).status_code == 200
    with django_assert_num_queries(SESSION_EDIT_QUERIES):
        assert client.get(session_url(prog.future_session, "edit")).status_code == 200


def test_an_archived_direction_or_site_stays_on_the_records_edited_after(world, prog, client_as):
    # Archiving a direction keeps it on the records that have it: their edit pages still offer
    # it, and saving them does not drop it (it is not offered to records without it).
    from tests.factories import CompanyFactory, DirectionFactory

    archived = DirectionFactory(park=world.park, code="bio", name="Биотехнологии")
    programme = prog.programme
    programme.directions.add(archived)
    company = CompanyFactory(park=world.park, short_name="Биокод", site=world.site)
    company.directions.add(archived)
    archived.archived_at = timezone.now()
    archived.save(update_fields=["archived_at"])
    world.site.archived_at = timezone.now()
    world.site.save(update_fields=["archived_at"])
    manager = client_as("manager")
    page = manager.get(programme_url(programme, "edit")).content.decode()
    assert f'value="{archived.pk}"' in page
    data = {
        "name": programme.name,
        "grant_cap": "1500000",
        "coworking_seats": "4",
        "length_weeks": "10",
        "directions": [str(archived.pk)],
    }
    assert manager.post(programme_url(programme, "edit"), data).status_code == 302
    assert list(programme.directions.values_list("pk", flat=True)) == [archived.pk]
    # A programme without it is not offered it.
    other = _empty_programme(world)
    assert (
        f'value="{archived.pk}"' not in manager.get(programme_url(other, "edit")).content.decode()
    )
    # The company's edit page keeps its archived site and direction too.
    edit = manager.get(f"/yakutia/companies/{company.pk}/edit/").content.decode()
    assert f'value="{archived.pk}"' in edit and f'value="{world.site.pk}"' in edit


def test_a_cohort_whose_demo_day_has_guests_is_archived_not_deleted(world, prog, client_as):
    # The guests' invitations and feedback are records of people outside the park.
    from technopark.programmes.models import DemoDay, DemoDayGuest, GuestKind

    cohort = services.cohort_create(
        programme=prog.programme,
        actor=world.users["manager"],
        name="Без участников",
        starts_on=prog.cohort.starts_on,
        ends_on=prog.cohort.ends_on,
    )
    demo_day = DemoDay.objects.create(cohort=cohort, title="Демо-день", starts_at=timezone.now())
    DemoDayGuest.objects.create(
        demo_day=demo_day, name="Инвестор", kind=GuestKind.choices[0][0], email="i@fund.example"
    )
    client = client_as("manager")
    assert "will be archived" in client.post(cohort_url(cohort, "remove")).content.decode()
    client.post(cohort_url(cohort, "remove"), {"confirmed": "1"})
    assert Cohort.all_parks.get(pk=cohort.pk).archived_at is not None
    assert DemoDayGuest.objects.filter(demo_day=demo_day).count() == 1
