# ruff: noqa: F811 - the fixtures imported from tests.selection are pytest arguments
"""The API twins of issue 11's selection actions: the bulk confirmation of the automatic
eligibility verdicts, an application's outcome, archiving a call, and recusal. Every answer is
validated against the OpenAPI document (``api_for``)."""

from __future__ import annotations

from typing import Any

import pytest

from technopark.selection.models import (
    Application,
    ApplicationStatus,
    CallStatus,
    ConflictOfInterest,
    ReviewAssignment,
)
from tests.api.conftest import field_errors
from tests.conftest import ROLES
from tests.selection.factories import ApplicationFactory, CallFactory
from tests.selection.fixtures_apply import EligibilityCheckFactory
from tests.selection.fixtures_review import review_world  # noqa: F401 - fixture

BASE = "/api/v1/parks/yakutia"

STAFF = {
    "anonymous": 401,
    "founder": 403,
    "other_founder": 403,
    "manager": 200,
    "expert": 403,
    "observer": 403,
    "outsider": 403,
}


def _screened(world: Any, call: Any, *, failing: bool) -> Application:
    application = ApplicationFactory(call=call, park=world.park, status=ApplicationStatus.SUBMITTED)
    EligibilityCheckFactory(application=application, code="region", passed=True)
    EligibilityCheckFactory(application=application, code="sme", passed=not failing)
    return application


@pytest.mark.parametrize("role", ROLES)
def test_bulk_confirm_role_matrix(api_for: Any, world: Any, role: str) -> None:
    call = CallFactory(park=world.park)
    good, bad = _screened(world, call, failing=False), _screened(world, call, failing=True)
    response = api_for(role).post(
        f"{BASE}/calls/{call.pk}/eligibility/confirm", {"applications": [good.pk, bad.pk]}
    )
    assert response.status_code == STAFF[role]
    good.refresh_from_db()
    if role == "manager":
        body = response.json()
        assert body["confirmed"] == 2
        outcomes = {item["id"]: item["eligibility"] for item in body["items"]}
        assert outcomes == {good.pk: "eligible", bad.pk: "ineligible"}
        checks = body["items"][0]["eligibility_checks"]
        assert {"finding", "params", "reason"} <= set(checks[0])
    else:
        assert good.eligibility_outcome == ""


def test_bulk_confirm_bad_input_changes_nothing(api_for: Any, world: Any) -> None:
    call = CallFactory(park=world.park)
    other = CallFactory(park=world.other_park)
    mine = _screened(world, call, failing=False)
    client = api_for("manager", "token")
    for payload in ({}, {"applications": []}, {"applications": ["x"]}, {"applications": [0]}):
        assert client.post(f"{BASE}/calls/{call.pk}/eligibility/confirm", payload).status_code in (
            400,
            422,
        )
    elsewhere = _screened(world, CallFactory(park=world.park), failing=False)
    response = client.post(
        f"{BASE}/calls/{call.pk}/eligibility/confirm", {"applications": [mine.pk, elsewhere.pk]}
    )
    assert response.status_code == 422 and "applications" in field_errors(response)
    assert (
        client.post(
            f"{BASE}/calls/{other.pk}/eligibility/confirm", {"applications": [mine.pk]}
        ).status_code
        == 404
    )
    assert not Application.all_parks.exclude(eligibility_outcome="").exists()


def test_outcome_needs_a_reason_only_to_override(api_for: Any, world: Any) -> None:
    call = CallFactory(park=world.park)
    bad = _screened(world, call, failing=True)
    client = api_for("manager")
    url = f"{BASE}/applications/{bad.pk}/eligibility"
    response = client.post(url, {"outcome": "eligible"})
    assert response.status_code == 422 and "reason" in field_errors(response)
    response = client.post(url, {"outcome": "eligible", "reason": "Registered last week"})
    assert response.status_code == 200
    assert response.json()["eligibility"] == "eligible"
    assert response.json()["automatic_eligibility"] == "ineligible"
    response = client.post(url, {"outcome": "ineligible"})
    assert response.status_code == 200 and response.json()["eligibility_reason"] == ""
    assert client.post(url, {"outcome": "maybe"}).status_code in (400, 422)
    assert api_for("founder").post(url, {"outcome": "eligible", "reason": "x"}).status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_archive_role_matrix(api_for: Any, world: Any, role: str) -> None:
    call = CallFactory(park=world.park)
    response = api_for(role).post(f"{BASE}/calls/{call.pk}/archive")
    assert response.status_code == STAFF[role]
    call.refresh_from_db()
    assert (call.status == CallStatus.ARCHIVED) == (role == "manager")
    if role == "manager":
        assert response.json() == {"id": call.pk, "status": "archived"}
        foreign = CallFactory(park=world.other_park)
        assert api_for(role).post(f"{BASE}/calls/{foreign.pk}/archive").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_recuse_role_matrix(api_for: Any, world: Any, review_world: Any, role: str) -> None:
    url = f"{BASE}/reviews/{review_world.assignment.pk}/recuse"
    response = api_for(role).post(url, {"reason": "I advise this team"})
    expected = {**STAFF, "manager": 403, "expert": 200}
    assert response.status_code == expected[role]
    gone = not ReviewAssignment.objects.filter(pk=review_world.assignment.pk).exists()
    assert gone == (role == "expert")
    if role == "expert":
        body = response.json()
        assert body["conflict_id"] == ConflictOfInterest.objects.get().pk
        assert body["replacement_proposed"] is False  # no other expert in the park


def test_recuse_bad_input(api_for: Any, world: Any, review_world: Any) -> None:
    url = f"{BASE}/reviews/{review_world.assignment.pk}/recuse"
    client = api_for("expert", "token")
    for payload in ({}, {"reason": ""}, {"reason": "x" * 301}, {"reason": "a\x00b"}, {"x": 1}):
        assert client.post(url, payload).status_code in (400, 422)
    assert not ConflictOfInterest.objects.exists()
    assert client.post(f"{BASE}/reviews/999999/recuse", {"reason": "r"}).status_code == 404
