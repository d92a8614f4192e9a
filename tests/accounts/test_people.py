"""The people page of a park: members by role, join requests, role removal, the role matrix."""

from __future__ import annotations

import pytest

from technopark.accounts import services
from technopark.audit.models import AuditEntry
from technopark.parks.models import Membership, MembershipStatus, Role
from technopark.parks.rules import access_for
from tests.caching import clear_caches
from tests.conftest import ROLES
from tests.factories import MembershipFactory, UserFactory

EXPECTED = {
    "anonymous": 302,
    "founder": 403,
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


@pytest.fixture
def park_admin(world):
    admin = UserFactory(email="admin@example.org", full_name="Admin")
    MembershipFactory(park=world.park, user=admin, role=Role.PARK_ADMIN)
    return admin


@pytest.fixture
def admin_client(client, park_admin):
    client.force_login(park_admin)
    return client


@pytest.fixture
def join_request(world):
    person = UserFactory(email="applicant@example.org", full_name="Applicant")
    return MembershipFactory(
        park=world.park,
        user=person,
        role=Role.FOUNDER,
        status=MembershipStatus.REQUESTED,
        message="Мы делаем дроны",
    )


@pytest.mark.parametrize("role", ROLES)
def test_people_page_role_matrix(client_for, role):
    response = client_for(role).get("/yakutia/people/")
    assert response.status_code == EXPECTED[role]
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=/yakutia/people/")


def test_other_park_answers_404_for_unknown_park(client_for):
    assert client_for("manager").get("/nowhere/people/").status_code == 404


def test_page_lists_members_by_role_requests_and_invitations(world, client_for, join_request):
    services.invitation_create(
        park=world.park,
        access=access_for(world.users["manager"], world.park),
        email="guest@example.org",
        role=Role.MENTOR,
        base_url="http://testserver/",
    )
    body = client_for("manager").get("/yakutia/people/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert body.count('data-testid="member-row"') == 5
    assert "Manager" in body and "Founder" in body and "Observer" in body
    assert "outsider@example.org" not in body  # a member of the other park only
    assert body.count('data-testid="request-row"') == 1
    assert "applicant@example.org" in body and "Мы делаем дроны" in body
    assert body.count('data-testid="invitation-row"') == 1
    assert "guest@example.org" in body
    assert '<label for="id_email">' in body and '<label for="id_role">' in body


def test_manager_approves_a_join_request(world, client_for, join_request):
    response = client_for("manager").post(f"/yakutia/people/requests/{join_request.pk}/approve/")
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == MembershipStatus.ACTIVE
    assert join_request.decided_by == world.users["manager"]


def test_manager_declines_a_join_request(client_for, join_request):
    url = f"/yakutia/people/requests/{join_request.pk}/decline/"
    asked = client_for("manager").post(url)
    assert asked.status_code == 200 and 'data-testid="confirm"' in asked.content.decode()
    assert Membership.all_parks.filter(pk=join_request.pk).exists()  # asking changed nothing
    response = client_for("manager").post(url, {"confirmed": "1"})
    assert response.status_code == 302
    assert not Membership.all_parks.filter(pk=join_request.pk).exists()


def test_an_active_membership_is_not_a_request(world, client_for):
    expert = Membership.all_parks.get(user=world.users["expert"])
    response = client_for("manager").post(f"/yakutia/people/requests/{expert.pk}/decline/")
    assert response.status_code == 404
    assert Membership.all_parks.filter(pk=expert.pk).exists()


def test_manager_removes_an_experts_role(world, client_for):
    expert = Membership.all_parks.get(user=world.users["expert"])
    url = f"/yakutia/people/memberships/{expert.pk}/remove/"
    asked = client_for("manager").post(url)
    body = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="confirm"' in body
    assert "Take the role “Expert” away from Expert?" in body
    assert Membership.all_parks.filter(pk=expert.pk).exists()  # asking changed nothing
    assert not AuditEntry.objects.filter(action="parks.membership_remove").exists()
    response = client_for("manager").post(url, {"confirmed": "1"})
    assert response.status_code == 302
    assert not Membership.all_parks.filter(pk=expert.pk).exists()


def test_manager_cannot_take_a_staff_role_away(world, client_for, park_admin):
    admin_role = Membership.all_parks.get(user=park_admin)
    response = client_for("manager").post(f"/yakutia/people/memberships/{admin_role.pk}/remove/")
    assert response.status_code == 403
    assert Membership.all_parks.filter(pk=admin_role.pk).exists()


def test_the_last_park_admin_cannot_be_removed(world, admin_client, park_admin):
    own_role = Membership.all_parks.get(user=park_admin)
    for data in ({}, {"confirmed": "1"}):  # not even asked: refused at once, nothing changes
        response = admin_client.post(
            f"/yakutia/people/memberships/{own_role.pk}/remove/", data, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 302
        assert Membership.all_parks.filter(pk=own_role.pk).exists()
        body = admin_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "A park needs at least one administrator." in body


def test_an_admin_can_go_once_there_is_another(world, admin_client, park_admin):
    MembershipFactory(park=world.park, user=UserFactory(), role=Role.PARK_ADMIN)
    own_role = Membership.all_parks.get(user=park_admin)
    admin_client.post(f"/yakutia/people/memberships/{own_role.pk}/remove/", {"confirmed": "1"})
    assert not Membership.all_parks.filter(pk=own_role.pk).exists()


def test_another_parks_membership_answers_404(world, client_for):
    foreign = MembershipFactory(
        park=world.other_park,
        user=UserFactory(),
        role=Role.FOUNDER,
        status=MembershipStatus.REQUESTED,
    )
    response = client_for("manager").post(f"/yakutia/people/requests/{foreign.pk}/approve/")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == MembershipStatus.REQUESTED


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("manager", "anonymous")])
def test_posts_by_non_staff_are_refused_and_change_nothing(world, client_for, role, join_request):
    client = client_for(role)
    expert = Membership.all_parks.get(user=world.users["expert"])
    before = sorted(Membership.all_parks.values_list("pk", "status"))
    for path, data in (
        (f"/yakutia/people/requests/{join_request.pk}/approve/", {}),
        (f"/yakutia/people/requests/{join_request.pk}/decline/", {}),
        (f"/yakutia/people/memberships/{expert.pk}/remove/", {}),
        ("/yakutia/people/invite/", {"email": "x@example.org", "role": Role.FOUNDER}),
    ):
        assert client.post(path, data).status_code == 403, path
    assert sorted(Membership.all_parks.values_list("pk", "status")) == before
    from technopark.accounts.models import Invitation

    assert not Invitation.all_parks.exists()


def test_anonymous_posts_are_sent_to_sign_in(world, client_for, join_request):
    response = client_for("anonymous").post(f"/yakutia/people/requests/{join_request.pk}/approve/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    join_request.refresh_from_db()
    assert join_request.status == MembershipStatus.REQUESTED


@pytest.mark.parametrize("size", [1, 5])
def test_people_page_query_count_does_not_grow(world, client_for, django_assert_num_queries, size):
    manager = access_for(world.users["manager"], world.park)
    for n in range(size):
        MembershipFactory(park=world.park, user=UserFactory(), role=Role.MENTOR)
        MembershipFactory(
            park=world.park,
            user=UserFactory(),
            role=Role.FOUNDER,
            status=MembershipStatus.REQUESTED,
        )
        services.invitation_create(
            park=world.park,
            access=manager,
            email=f"guest{n}@example.org",
            role=Role.EXPERT,
            base_url="http://testserver/",
        )
    client = client_for("manager")
    clear_caches()  # count a first visit: nothing of the park or the visitor cached yet
    # user (the session is read from the database, then cached), park, the visitor's roles there,
    # memberships with their people, open invitations with their inviters, the park switcher
    with django_assert_num_queries(7):
        assert client.get("/yakutia/people/").status_code == 200
