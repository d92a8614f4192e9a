"""The grant policy and whole-award cancellation in the API: role matrices, answers validated
against the OpenAPI document, refusals naming the field."""

from __future__ import annotations

import json

import pytest

from technopark.grants.models import GrantAward, GrantPolicy
from tests.api.conftest import field_errors
from tests.conftest import ROLES
from tests.factories import MembershipFactory, UserFactory
from tests.grants.factories import make_award, make_participant

pytestmark = pytest.mark.django_db
POLICY = "/api/v1/parks/yakutia/grants-policy"
BASE = "/api/v1/parks/yakutia/grants"


@pytest.fixture
def admin(world):
    from technopark.parks.models import Role

    person = UserFactory(email="park_admin@example.org", full_name="Park Admin")
    MembershipFactory(park=world.park, user=person, role=Role.PARK_ADMIN)
    world.users["park_admin"] = person
    return person


@pytest.fixture
def award(world):
    return make_award(make_participant(world.park, world.company), world.users["manager"])


def body(response):
    return json.loads(response.content)


@pytest.mark.parametrize("role", [*ROLES, "park_admin"])
def test_role_matrix_of_the_policy(world, api_for, admin, role):
    api = api_for(role)
    read = api.get(POLICY)
    write = api.request(
        "PUT", POLICY, {"pay_only_accepted_reports": True, "segregation_of_duties": False}
    )
    if role == "anonymous":
        assert (read.status_code, write.status_code) == (401, 401)
    elif role == "park_admin":
        assert read.status_code == 200 and body(read)["can_change"] is True
        assert write.status_code == 200
        assert body(write) == {
            "pay_only_accepted_reports": True,
            "segregation_of_duties": False,
            "can_change": True,
        }
    elif role in {"manager", "observer"}:
        assert body(read) == {
            "pay_only_accepted_reports": True,
            "segregation_of_duties": True,
            "can_change": False,
        }
        assert write.status_code == 403
    else:
        assert (read.status_code, write.status_code) == (403, 403)
    assert GrantPolicy.objects.filter(park=world.park).exists() == (role == "park_admin")


def test_bad_policy_input_is_named(world, api_for, admin):
    api = api_for("park_admin", "token")
    assert "segregation_of_duties" in field_errors(
        api.request("PUT", POLICY, {"pay_only_accepted_reports": True})
    )
    assert "pay_only_accepted_reports" in field_errors(
        api.request(
            "PUT", POLICY, {"pay_only_accepted_reports": "maybe", "segregation_of_duties": True}
        )
    )
    assert field_errors(
        api.request(
            "PUT",
            POLICY,
            {"pay_only_accepted_reports": True, "segregation_of_duties": True, "x": 1},
        )
    )
    assert not GrantPolicy.objects.exists()


@pytest.mark.parametrize("role", [*ROLES, "park_admin"])
def test_role_matrix_of_the_award_cancellation(world, api_for, admin, award, role):
    api = api_for(role, "token" if role != "anonymous" else "session")
    response = api.post(f"{BASE}/{award.pk}/cancellation", {"reason": "Проект закрыт"})
    cancelled = GrantAward.all_parks.get(pk=award.pk).cancelled_at is not None
    if role == "anonymous":
        assert response.status_code == 401 and not cancelled
    elif role in {"manager", "park_admin"}:
        assert response.status_code == 201 and cancelled
        grant = body(response)
        assert grant["cancellation_reason"] == "Проект закрыт" and grant["cancelled_at"]
        assert {t["status"] for t in grant["tranches"]} == {"cancelled"}
    else:
        assert response.status_code == 403 and not cancelled


def test_cancellation_twice_another_park_and_bad_input(world, api_for, award):
    api = api_for("manager", "token")
    assert "reason" in field_errors(api.post(f"{BASE}/{award.pk}/cancellation", {"reason": ""}))
    assert api.post(f"{BASE}/{award.pk}/cancellation", {"reason": "Закрыт"}).status_code == 201
    again = api.post(f"{BASE}/{award.pk}/cancellation", {"reason": "Ещё"})
    assert field_errors(again)["award"] == ["This grant is already cancelled."]
    assert body(api.get(f"{BASE}/{award.pk}"))["cancellation_reason"] == "Закрыт"
    foreign = make_award(
        make_participant(world.other_park, world.foreign_company), world.users["outsider"]
    )
    assert api.post(f"{BASE}/{foreign.pk}/cancellation", {"reason": "x"}).status_code == 404
    assert GrantAward.all_parks.get(pk=foreign.pk).cancelled_at is None
