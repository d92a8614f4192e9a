"""Editing, removing (deleting or archiving) and restoring the park's sites and directions from
the settings page: park administrators only, another park's record is a 404, removal asks
first and deletes only what nothing refers to."""

from __future__ import annotations

import pytest

from technopark.companies.models import Company
from technopark.parks import queries, services
from technopark.parks.models import Direction, Role, Site
from tests.caching import clear_caches
from tests.conftest import ROLES
from tests.factories import DirectionFactory, MembershipFactory, SiteFactory, UserFactory

SETTINGS = "/yakutia/settings/"


@pytest.fixture
def park_admin(world):
    person = UserFactory(email="admin@example.org")
    MembershipFactory(park=world.park, user=person, role=Role.PARK_ADMIN)
    world.users["park_admin"] = person
    return person


def site_url(site, action=""):
    return f"/yakutia/settings/sites/{site.pk}/{action}"


def direction_url(direction, action=""):
    return f"/yakutia/settings/directions/{direction.pk}/{action}"


EXPECTED = {
    "anonymous": 302,
    "founder": 403,
    "other_founder": 403,
    "manager": 403,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
    "park_admin": 200,
}


@pytest.mark.parametrize("role", [*ROLES, "park_admin"])
def test_role_matrix_of_edit_remove_restore(world, client_for, park_admin, role):
    spare = SiteFactory(park=world.park, name="Запасной корпус")
    client = client_for(role)
    assert client.get(site_url(world.site)).status_code == EXPECTED[role]
    assert client.get(direction_url(world.direction)).status_code == EXPECTED[role]
    edit = client.post(
        site_url(world.site),
        {"name": "Новое имя", "address": "Якутск", "time_zone": "Asia/Yakutsk"},
    )
    remove = client.post(site_url(spare, "remove/"), {"confirmed": "1"})
    remove_direction = client.post(direction_url(world.direction, "remove/"), {"confirmed": "1"})
    if role == "park_admin":
        assert edit.status_code == remove.status_code == remove_direction.status_code == 302
        assert Site.all_parks.get(pk=world.site.pk).name == "Новое имя"
        assert not Site.all_parks.filter(pk=spare.pk).exists()
    else:
        assert (
            edit.status_code
            == remove.status_code
            == remove_direction.status_code
            == (EXPECTED[role])
        )
        assert Site.all_parks.get(pk=world.site.pk).name == world.site.name
        assert Site.all_parks.filter(pk=spare.pk, archived_at__isnull=True).exists()
        assert Direction.all_parks.filter(pk=world.direction.pk, archived_at=None).exists()


def test_another_parks_site_or_direction_is_not_found(world, client_for, park_admin):
    foreign_site = SiteFactory(park=world.other_park)
    foreign_direction = DirectionFactory(park=world.other_park, code="foreign")
    client = client_for("park_admin")
    for url in (site_url(foreign_site), direction_url(foreign_direction)):
        assert client.get(url).status_code == 404
    for url in (
        site_url(foreign_site, "remove/"),
        site_url(foreign_site, "restore/"),
        direction_url(foreign_direction, "remove/"),
        direction_url(foreign_direction, "restore/"),
    ):
        assert client.post(url, {"confirmed": "1"}).status_code == 404
    assert Site.all_parks.filter(pk=foreign_site.pk).exists()
    assert Direction.all_parks.filter(pk=foreign_direction.pk).exists()


def test_a_site_nothing_refers_to_is_deleted_after_asking(world, client_for, park_admin):
    spare = SiteFactory(park=world.park, name="Запасной корпус")
    client = client_for("park_admin")
    settings = client.get(SETTINGS).content.decode()
    assert f'action="{site_url(spare, "remove/")}"' in settings
    asked = client.post(site_url(spare, "remove/"))
    body = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="confirm"' in body
    assert "Nothing refers to it, so it will be deleted." in body
    assert Site.all_parks.filter(pk=spare.pk).exists()  # asking changed nothing
    client.post(site_url(spare, "remove/"), {"confirmed": "1"})
    assert not Site.all_parks.filter(pk=spare.pk).exists()


def test_a_site_in_use_is_archived_then_restored(world, client_for, park_admin):
    Company.all_parks.filter(pk=world.company.pk).update(site=world.site)
    client = client_for("park_admin")
    asked = client.post(site_url(world.site, "remove/")).content.decode()
    assert "it will be archived, not deleted" in asked
    done = client.post(site_url(world.site, "remove/"), {"confirmed": "1"}, follow=True)
    assert "Archived: it is no longer offered for new records." in done.content.decode()
    site = Site.all_parks.get(pk=world.site.pk)
    assert site.archived_at is not None
    assert Company.all_parks.get(pk=world.company.pk).site_id == site.pk  # still named there
    assert site not in queries.site_options(park=world.park)
    assert site not in queries.sites(park=world.park)
    assert site in queries.sites(park=world.park, archived=True)
    page = client.get(SETTINGS).content.decode()
    assert f'action="{site_url(site, "restore/")}"' in page
    client.post(site_url(site, "restore/"))
    assert Site.all_parks.get(pk=site.pk).archived_at is None
    assert site in queries.site_options(park=world.park)


def test_a_direction_in_use_is_archived_and_no_longer_offered(world, client_for, park_admin):
    from technopark.companies.queries import direction_options

    world.company.directions.add(world.direction)
    child = DirectionFactory(park=world.park, parent=world.direction, code="child")
    assert services.direction_remove(direction=world.direction, actor=park_admin) == (
        services.Removal.ARCHIVED
    )
    options = direction_options(park=world.park)
    assert world.direction not in options and child not in options  # nor its sub-directions
    assert world.direction not in queries.directions_tree(park=world.park)
    assert world.company.directions.get() == world.direction
    # A sub-direction nobody is tagged with is deleted.
    assert services.direction_remove(direction=child, actor=park_admin) == services.Removal.DELETED
    assert not Direction.all_parks.filter(pk=child.pk).exists()


def test_a_parent_with_sub_directions_is_archived_not_deleted(world, park_admin):
    DirectionFactory(park=world.park, parent=world.direction, code="child")
    assert services.direction_remove(direction=world.direction, actor=park_admin) == (
        services.Removal.ARCHIVED
    )


def test_editing_a_site_refuses_a_taken_name_and_changes_nothing(world, client_for, park_admin):
    other = SiteFactory(park=world.park, name="Второй корпус")
    response = client_for("park_admin").post(
        site_url(world.site),
        {"name": "Второй корпус", "address": "Якутск", "time_zone": "Asia/Yakutsk"},
    )
    assert response.status_code == 400
    assert "This park already has a site with this name." in response.content.decode()
    assert Site.all_parks.get(pk=world.site.pk).name == world.site.name
    assert Site.all_parks.get(pk=other.pk).name == "Второй корпус"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "position": "1"}, "This field is required."),
        ({"name": "Ок", "position": "1000"}, "less than or equal to 999"),
        ({"name": "Ок", "position": "x"}, "Enter a whole number."),
    ],
)
def test_editing_a_direction_bad_input_changes_nothing(
    world, client_for, park_admin, data, message
):
    response = client_for("park_admin").post(direction_url(world.direction), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Direction.all_parks.get(pk=world.direction.pk).name == world.direction.name


def test_editing_a_direction_keeps_its_code(world, client_for, park_admin):
    response = client_for("park_admin").post(
        direction_url(world.direction),
        {"name": "Информационные технологии", "name_en": "IT", "position": "3", "code": "hack"},
    )
    assert response.status_code == 302
    direction = Direction.all_parks.get(pk=world.direction.pk)
    assert (direction.name, direction.name_en, direction.position) == (
        "Информационные технологии",
        "IT",
        3,
    )
    assert direction.code == world.direction.code


@pytest.mark.parametrize("size", [1, 6])
def test_settings_page_with_actions_query_count_does_not_grow(
    world, client_for, park_admin, django_assert_num_queries, size
):
    for n in range(size):
        SiteFactory(park=world.park, archived_at="2026-01-01T00:00:00Z" if n % 2 else None)
        DirectionFactory(park=world.park, parent=world.direction, code=f"sub-{n}")
    client = client_for("park_admin")
    clear_caches()
    # session, user, park, roles; directions: top level, children; sites; the park switcher
    with django_assert_num_queries(8):
        assert client.get(SETTINGS).status_code == 200


def test_edit_pages_query_counts(world, client_for, park_admin, django_assert_num_queries):
    client = client_for("park_admin")
    clear_caches()
    # session, user, park, roles; the record; the park switcher
    with django_assert_num_queries(6):
        assert client.get(site_url(world.site)).status_code == 200
    clear_caches()
    with django_assert_num_queries(6):
        assert client.get(direction_url(world.direction)).status_code == 200
