# ruff: noqa: F811 - the API fixtures of tests/api are imported by name and used as arguments
"""The mentoring API: the role matrix of every endpoint, notes for the pair only, typed input
(422 naming the field), the fit answer with its re-match link, ending."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from technopark.network.models import Fit, MentoringSession, Pairing, PairingStatus
from tests.api.conftest import api_as, field_errors, openapi, openapi_document  # noqa: F401
from tests.factories import CompanyFactory, UserFactory
from tests.network.conftest import DAY, NOW, make_profile
from tests.network.test_mentoring import log, make_pairing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

API = "/api/v1/parks/yakutia/network/pairings"
ROLES = (
    "anonymous",
    "founder",
    "other_founder",
    "manager",
    "mentor",
    "other_mentor",
    "investor",
    "observer",
    "outsider",
)
SECRET = "SECRET-NOTE-of-the-pair"


def body(response: Any) -> Any:
    return json.loads(response.content)


@pytest.fixture
def api(net: Any, api_as: Any) -> Any:
    def make(role: str) -> Any:
        return api_as(net.world.users[role]) if role != "anonymous" else api_as(None)

    return make


@pytest.fixture
def pair(net: Any) -> Any:
    made = make_pairing(net)
    session = log(net, made, "mentor", notes=SECRET, rating=3)
    return made, session


def expect(table: dict[str, int], role: str) -> int:
    return table.get(role, 404)


@pytest.mark.parametrize("role", ROLES)
def test_list(net: Any, pair: Any, api: Any, role: str) -> None:
    response = api(role).get(API)
    wanted = {"anonymous": 401, "observer": 403, "outsider": 403}.get(role, 200)
    assert response.status_code == wanted
    if wanted == 200:
        ids = [item["id"] for item in body(response)["items"]]
        assert ids == ([pair[0].pk] if role in {"founder", "manager", "mentor"} else [])
    if role == "manager":
        item = body(response)["items"][0]
        assert item["session_count"] == 1 and item["avg_mentor_rating"] == 3.0
        assert item["last_held_on"] == (DAY - dt.timedelta(days=3)).isoformat()


def test_list_filters_are_typed(net: Any, pair: Any, api: Any) -> None:
    manager = api("manager")
    assert body(manager.get(API, {"status": "ended"}))["count"] == 0
    assert body(manager.get(API, {"mentor": net.mentor_profile.pk}))["count"] == 1
    assert body(manager.get(API, {"mentor": net.other_mentor_profile.pk}))["count"] == 0
    assert "query.status" in field_errors(manager.get(API, {"status": "lost"}))
    assert "query.cohort" in field_errors(manager.get(API, {"cohort": "0"}))
    assert "query.limit" in field_errors(manager.get(API, {"limit": "1000"}))


@pytest.mark.parametrize("role", ROLES)
def test_read(net: Any, pair: Any, api: Any, role: str) -> None:
    response = api(role).get(f"{API}/{pair[0].pk}")
    assert response.status_code == expect(
        {"anonymous": 401, "founder": 200, "manager": 200, "mentor": 200}, role
    )
    if response.status_code == 200:
        assert body(response)["company_id"] == net.world.company.pk


@pytest.mark.parametrize("role", ROLES)
def test_sessions_and_notes_for_the_pair_only(net: Any, pair: Any, api: Any, role: str) -> None:
    response = api(role).get(f"{API}/{pair[0].pk}/sessions")
    assert response.status_code == expect(
        {"anonymous": 401, "founder": 200, "manager": 200, "mentor": 200}, role
    )
    if response.status_code == 200:
        (item,) = body(response)
        if role == "manager":
            assert item["notes"] is None
            assert SECRET not in response.content.decode()
        else:
            assert item["notes"] == SECRET


@pytest.mark.parametrize("role", ROLES)
def test_create_by_staff(net: Any, api: Any, role: str) -> None:
    response = api(role).post(
        API, {"profile": net.mentor_profile.pk, "company": net.world.company.pk, "goals": "G"}
    )
    wanted = {"anonymous": 401, "manager": 201}.get(role, 403)
    assert response.status_code == wanted
    assert Pairing.all_parks.count() == (1 if role == "manager" else 0)
    if wanted == 201:
        assert body(response)["source"] == "staff" and body(response)["session_count"] == 0


def test_create_refusals_name_the_field(net: Any, api: Any) -> None:
    manager = api("manager")
    make_pairing(net)
    make_pairing(net, company=net.world.other_company)
    third = CompanyFactory(park=net.world.park)
    assert "profile" in field_errors(
        manager.post(API, {"profile": net.mentor_profile.pk, "company": third.pk})
    )
    assert "profile" in field_errors(
        manager.post(API, {"profile": net.investor_profile.pk, "company": third.pk})
    )
    assert "company" in field_errors(
        manager.post(
            API, {"profile": net.other_mentor_profile.pk, "company": net.world.foreign_company.pk}
        )
    )
    assert "cohort" in field_errors(
        manager.post(
            API, {"profile": net.other_mentor_profile.pk, "company": third.pk, "cohort": 999}
        )
    )
    assert "goals" in field_errors(
        manager.post(
            API, {"profile": net.other_mentor_profile.pk, "company": third.pk, "goals": "\x00"}
        )
    )
    assert Pairing.all_parks.count() == 2


@pytest.mark.parametrize("role", ROLES)
def test_log_a_session(net: Any, pair: Any, api: Any, role: str) -> None:
    payload = {"held_on": DAY.isoformat(), "duration_minutes": 50, "format": "phone", "rating": 4}
    response = api(role).post(f"{API}/{pair[0].pk}/sessions", payload)
    wanted = {"anonymous": 401, "founder": 201, "mentor": 201, "manager": 403}
    assert response.status_code == expect(wanted, role)
    made = MentoringSession.all_parks.exclude(pk=pair[1].pk).first()
    assert (made is not None) == (role in {"founder", "mentor"})
    if made is not None:
        side = "company_rating" if role == "founder" else "mentor_rating"
        assert getattr(made, side) == 4


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"held_on": (DAY + dt.timedelta(days=1)).isoformat()}, "held_on"),
        ({"held_on": "2026-01-30"}, "held_on"),
        ({"held_on": "3026-01-01"}, "held_on"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 601}, "duration_minutes"),
        ({"rating": 5}, "rating"),
        ({"topics": "a\nb"}, "topics"),
        ({"topics": "t" * 301}, "topics"),
        ({"notes": "n" * 4001}, "notes"),
        ({"format": "fax"}, "format"),
    ],
)
def test_session_input_is_typed(
    net: Any, pair: Any, api: Any, payload: dict[str, Any], field: str
) -> None:
    full = {"held_on": DAY.isoformat(), "duration_minutes": 60, **payload}
    assert field in field_errors(api("mentor").post(f"{API}/{pair[0].pk}/sessions", full))
    assert MentoringSession.all_parks.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_rate(net: Any, pair: Any, api: Any, role: str) -> None:
    response = api(role).post(f"{API}/{pair[0].pk}/sessions/{pair[1].pk}/rating", {"rating": 2})
    wanted = {"anonymous": 401, "founder": 200, "mentor": 200, "manager": 403}
    assert response.status_code == expect(wanted, role)
    session = MentoringSession.all_parks.get(pk=pair[1].pk)
    assert session.company_rating == (2 if role == "founder" else None)
    assert session.mentor_rating == (2 if role == "mentor" else 3)


def test_rating_bounds_and_a_session_of_another_pairing(net: Any, pair: Any, api: Any) -> None:
    founder = api("founder")
    assert "rating" in field_errors(
        founder.post(f"{API}/{pair[0].pk}/sessions/{pair[1].pk}/rating", {"rating": 0})
    )
    other = make_pairing(net, company=net.world.company, profile=net.other_mentor_profile)
    assert (
        founder.post(f"{API}/{other.pk}/sessions/{pair[1].pk}/rating", {"rating": 2}).status_code
        == 404
    )


@pytest.mark.parametrize("role", ROLES)
def test_fit(net: Any, pair: Any, api: Any, role: str) -> None:
    response = api(role).post(f"{API}/{pair[0].pk}/fit", {"fit": "poor"})
    wanted = {"anonymous": 401, "founder": 200, "mentor": 403, "manager": 403}
    assert response.status_code == expect(wanted, role)
    found = Pairing.all_parks.get(pk=pair[0].pk)
    if role == "founder":
        answer = body(response)
        assert answer["pairing"]["status"] == "ended" and answer["pairing"]["fit"] == "poor"
        assert answer["rematch_url"] == (
            f"/yakutia/network/suggestions/?company={net.world.company.pk}&kind=mentor"
        )
        assert found.status == PairingStatus.ENDED
    else:
        assert found.fit == "" and found.status == PairingStatus.ACTIVE


def test_fit_once_and_after_a_session(net: Any, api: Any) -> None:
    founder = api("founder")
    made = make_pairing(net)
    assert "fit" in field_errors(founder.post(f"{API}/{made.pk}/fit", {"fit": "good"}))
    log(net, made)
    good = founder.post(f"{API}/{made.pk}/fit", {"fit": "good"})
    assert good.status_code == 200 and body(good)["rematch_url"] is None
    assert "fit" in field_errors(founder.post(f"{API}/{made.pk}/fit", {"fit": "poor"}))
    assert "fit" in field_errors(founder.post(f"{API}/{made.pk}/fit", {"fit": "meh"}))
    assert Pairing.all_parks.get(pk=made.pk).fit == Fit.GOOD


@pytest.mark.parametrize("role", ROLES)
def test_end(net: Any, pair: Any, api: Any, role: str) -> None:
    response = api(role).post(f"{API}/{pair[0].pk}/end", {"reason": "Done"})
    wanted = {"anonymous": 401, "founder": 200, "mentor": 200, "manager": 200}
    assert response.status_code == expect(wanted, role)
    ended = Pairing.all_parks.get(pk=pair[0].pk).status == PairingStatus.ENDED
    assert ended == (role in {"founder", "mentor", "manager"})
    if ended:
        assert "status" in field_errors(api(role).post(f"{API}/{pair[0].pk}/end", {}))


def test_another_parks_pairing_is_404(net: Any, api: Any) -> None:
    foreign = Pairing.all_parks.create(
        park=net.world.other_park,
        profile=make_profile(net.world.other_park, UserFactory()),
        company=net.world.foreign_company,
        source="staff",
        started_at=NOW,
        created_by=net.world.users["outsider"],
    )
    manager = api("manager")
    assert manager.get(f"{API}/{foreign.pk}").status_code == 404
    assert manager.get(f"{API}/{foreign.pk}/sessions").status_code == 404
    assert manager.post(f"{API}/{foreign.pk}/end", {}).status_code == 404
    assert manager.get(f"{API}/0").status_code == 422
