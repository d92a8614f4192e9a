"""Park scopes fail closed: without a scope the default manager raises; inside a park it sees that
park only; code that spans parks says so; another park's record is 404 on pages and in the API.

The suite runs with scopes disabled (tests/conftest.py), so these tests turn scoping back on with
``scopes_enabled()`` wherever they need the production default.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from technopark.accounts import tasks as account_tasks
from technopark.accounts.models import GlobalRole
from technopark.companies.models import Company
from technopark.core.scopes import (
    ScopeError,
    active_park,
    in_park,
    park_scope,
    scopes_disabled,
    scopes_enabled,
)
from technopark.parks.middleware import ParkMiddleware
from technopark.parks.models import MembershipStatus, Role
from technopark.parks.rules import access_for
from technopark.spaces import services as space_services
from tests.factories import MembershipFactory, UserFactory
from tests.grants.factories import make_award, make_participant
from tests.residency.conftest import admit

YAKUTIA_NAMES = {"Северный код", "Мерзлота Лаб"}


# The manager


def test_the_default_manager_raises_without_a_scope(world):
    with scopes_enabled():
        with pytest.raises(ScopeError, match="Company was read with no park scope"):
            Company.objects.all()
        with pytest.raises(ScopeError):
            Company.objects.filter(pk=world.company.pk).exists()
        with pytest.raises(ScopeError):
            Company.objects.create(park=world.park, short_name="x", inn="1", ogrn="1")


def test_the_default_manager_sees_only_the_active_park(world):
    with scopes_enabled(), park_scope(world.park):
        assert set(Company.objects.values_list("short_name", flat=True)) == YAKUTIA_NAMES
        with pytest.raises(Company.DoesNotExist):
            Company.objects.get(pk=world.foreign_company.pk)
    with scopes_enabled(), park_scope(world.other_park):
        assert list(Company.objects.values_list("short_name", flat=True)) == ["Колыма Софт"]


def test_all_parks_is_unscoped_everywhere(world):
    with scopes_enabled():
        assert Company.all_parks.filter(park=world.other_park).count() == 1
        with park_scope(world.park):
            assert Company.all_parks.filter(pk=world.foreign_company.pk).exists()


def test_scopes_disabled_sees_every_park_and_a_park_scope_inside_it_scopes_again(world):
    with scopes_enabled(), scopes_disabled():
        assert Company.objects.count() == 3
        assert active_park() is None
        with park_scope(world.other_park):
            assert Company.objects.count() == 1
            assert active_park() == world.other_park
        assert Company.objects.count() == 3
    with scopes_enabled(), pytest.raises(ScopeError):
        Company.objects.count()


def test_a_park_scope_needs_a_park():
    with pytest.raises(ValueError, match="needs a park"), park_scope(None):  # type: ignore[arg-type]
        pass


def test_scopes_disabled_is_also_a_decorator(world):
    @scopes_disabled()
    def count() -> int:
        return Company.objects.count()

    with scopes_enabled():
        assert count() == 3
        with pytest.raises(ScopeError):
            Company.objects.count()


def test_related_managers_are_scoped_and_foreign_keys_work_anywhere(world):
    with scopes_enabled():
        # Forward foreign keys read through the base manager (all_parks): no scope needed.
        company = Company.all_parks.get(pk=world.company.pk)
        assert company.site == world.site
        # Many-to-many and reverse managers are built from the default manager: they fail closed…
        with pytest.raises(ScopeError):
            list(company.directions.all())
        # …and inside the park they work as ever.
        with park_scope(world.park):
            assert list(company.directions.all()) == [world.direction]


def test_a_queryset_built_in_a_scope_keeps_its_park(world):
    with scopes_enabled():
        with park_scope(world.park):
            queryset = Company.objects.order_by("short_name")
        assert {c.short_name for c in queryset} == YAKUTIA_NAMES


# The request


def test_every_request_starts_fail_closed_whatever_surrounds_it(world, rf: RequestFactory):
    seen: list[Any] = []

    def view(request: HttpRequest) -> HttpResponse:
        try:
            Company.objects.count()
        except ScopeError:
            seen.append("closed")
        return HttpResponse()

    middleware = ParkMiddleware(view)
    request = rf.get("/account/")
    request.user = world.users["manager"]
    with scopes_disabled():  # the test suite's own opt-out must not leak into a request
        middleware(request)
        assert Company.objects.count() == 3
    assert seen == ["closed"]


def test_a_park_page_runs_in_its_park_and_the_scope_ends_with_the_request(world, client_for):
    with scopes_enabled():
        response = client_for("manager").get(f"/yakutia/companies/{world.company.pk}/")
        assert response.status_code == 200
        assert active_park() is None
        with pytest.raises(ScopeError):
            Company.objects.count()


def test_the_admin_spans_parks(world):
    root = UserFactory(
        email="root@example.org",
        global_role=GlobalRole.PLATFORM_ADMIN,
        is_staff=True,
        is_superuser=True,
    )
    client = Client()
    client.force_login(root)
    with scopes_enabled():
        response = client.get("/admin/companies/company/")
        assert response.status_code == 200
        assert "Колыма Софт" in response.content.decode()
        page = client.get(f"/admin/companies/company/{world.foreign_company.pk}/change/")
        assert page.status_code == 200


# Commands and tasks


def test_a_command_spans_parks(world, monkeypatch):
    def count_every_park(**kwargs: Any) -> int:
        return Company.objects.count()  # raises unless the command opted out

    monkeypatch.setattr(space_services, "bookings_release_no_shows", count_every_park)
    monkeypatch.setattr(space_services, "offers_expire", lambda **kwargs: 0)
    out = StringIO()
    with scopes_enabled():
        call_command("spaces_release_no_shows", stdout=out)
    assert out.getvalue().startswith("released 3, offers expired 0")


def test_a_task_works_inside_its_objects_park(world, monkeypatch):
    from technopark.accounts import services as account_services

    invitation, _secret = account_services.invitation_create(
        park=world.other_park,
        access=access_for(world.users["outsider"], world.other_park),
        email="guest@example.org",
        role=Role.MENTOR,
        base_url="http://testserver/",
    )
    seen: list[tuple[Any, list[str]]] = []

    def send_mail(subject: str, body: str, sender: Any, recipients: list[str]) -> int:
        names = list(Company.objects.values_list("short_name", flat=True))
        seen.append((active_park(), names))
        return 1

    monkeypatch.setattr(account_tasks, "send_mail", send_mail)
    with scopes_enabled():
        sent = account_tasks.invitation_send.call(
            invitation_id=invitation.pk, base_url="http://testserver/", language="en"
        )
    assert sent is True
    assert seen == [(world.other_park, ["Колыма Софт"])]


# The one same-park check


def test_in_park_truth_table(world):
    manager = access_for(world.users["manager"], world.park)
    nowhere = access_for(world.users["manager"], None)
    assert in_park(world.park, world.company) is True
    assert in_park(world.park, world.foreign_company) is False
    assert in_park(world.other_park, world.foreign_company) is True
    assert in_park(manager, world.company) is True
    assert in_park(manager, world.foreign_company) is False
    assert in_park(nowhere, world.company) is False
    assert in_park(None, world.company) is False
    assert in_park(world.park, None) is False
    assert in_park(manager, None) is False


def test_in_park_loads_nothing(world, django_assert_num_queries):
    company = Company.all_parks.get(pk=world.company.pk)
    with django_assert_num_queries(0):
        assert in_park(world.park, company)


# Another park's record is 404, never 403


@pytest.fixture
def platform_admin(world):
    user = UserFactory(email="platform@example.org", global_role=GlobalRole.PLATFORM_ADMIN)
    client = Client()
    client.force_login(user)
    return client


READERS = ["manager", "observer", "expert", "founder"]


@pytest.mark.parametrize("role", READERS)
def test_another_parks_company_is_404_on_the_page_and_in_the_api(world, client_for, role):
    client = client_for(role)
    with scopes_enabled():
        assert client.get(f"/yakutia/companies/{world.company.pk}/").status_code == 200
        assert client.get(f"/yakutia/companies/{world.foreign_company.pk}/").status_code == 404
        api = f"/api/v1/parks/yakutia/companies/{world.foreign_company.pk}"
        assert client.get(api).status_code == 404


def test_another_parks_records_are_404_to_staff_and_platform_admins(
    world, client_for, platform_admin
):
    foreign_resident = admit(world.foreign_company)
    own_resident = admit(world.company)
    foreign_award = make_award(
        make_participant(world.other_park, world.foreign_company), world.users["outsider"]
    )
    foreign_request = MembershipFactory(
        park=world.other_park,
        user=UserFactory(),
        role=Role.FOUNDER,
        status=MembershipStatus.REQUESTED,
    )
    for client in (client_for("manager"), platform_admin):
        with scopes_enabled():
            assert client.get(f"/yakutia/residents/staff/{own_resident.pk}/").status_code == 200
            for path in (
                f"/yakutia/residents/staff/{foreign_resident.pk}/",
                f"/yakutia/grants/{foreign_award.pk}/",
                f"/api/v1/parks/yakutia/grants/{foreign_award.pk}",
                f"/api/v1/parks/yakutia/companies/{world.foreign_company.pk}",
            ):
                assert client.get(path).status_code == 404, path
            approve = f"/yakutia/people/requests/{foreign_request.pk}/approve/"
            assert client.post(approve).status_code == 404
    foreign_request.refresh_from_db()
    assert foreign_request.status == MembershipStatus.REQUESTED
