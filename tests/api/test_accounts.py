"""GET /api/v1/me: the signed-in person."""

from __future__ import annotations

import pytest

from technopark.accounts.models import GlobalRole
from technopark.parks.models import MembershipStatus, Role
from tests.conftest import ROLES
from tests.factories import MembershipFactory, UserFactory


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_me_role_matrix(api_for, role, auth):
    response = api_for(role, auth).get("/api/v1/me")
    assert response.status_code == (401 if role == "anonymous" else 200)


def test_me_describes_the_person_and_every_membership(api_for, world):
    founder = world.users["founder"]
    MembershipFactory(
        park=world.other_park, user=founder, role=Role.FOUNDER, status=MembershipStatus.REQUESTED
    )
    body = api_for("founder", "token").get("/api/v1/me").json()
    assert body == {
        "id": founder.pk,
        "email": "founder@example.org",
        "full_name": "Founder",
        "global_role": "",
        "memberships": [
            {"park": "kolyma", "role": "founder", "status": "requested"},
            {"park": "yakutia", "role": "founder", "status": "active"},
        ],
    }


def test_me_shows_a_global_role(api_as, db):
    admin = UserFactory(global_role=GlobalRole.PLATFORM_ADMIN)
    body = api_as(admin, "token").get("/api/v1/me").json()
    assert body["global_role"] == "platform_admin"
    assert body["memberships"] == []


@pytest.mark.parametrize("n_parks", [1, 8])
def test_me_query_count_does_not_grow(api_as, world, django_assert_num_queries, n_parks):
    person = UserFactory()
    for _ in range(n_parks):
        MembershipFactory(user=person)
    api = api_as(person, "session")
    # user (the session comes from the cache), memberships with their parks
    with django_assert_num_queries(2):
        response = api.get("/api/v1/me")
    assert len(response.json()["memberships"]) == n_parks
