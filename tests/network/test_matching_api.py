# ruff: noqa: F811 - the API and matching fixtures are imported by name and used as arguments
"""The matching API: every answer checked against the served OpenAPI document; suggestions for
those who act for the company and the staff, the rest for the staff; everyone else, and another
park's records, a 404; refusals a 422 naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from technopark.network.models import MatchProposal, MatchRun, MatchRunStatus, MatchWeights
from technopark.network.services import matching
from tests.api.conftest import api_as, field_errors, openapi, openapi_document  # noqa: F401
from tests.network.conftest import NOW
from tests.network.matching_fixtures import Cohorted, cohorted, more_mentors  # noqa: F401

pytestmark = pytest.mark.django_db

API = "/api/v1/parks/yakutia/network"
ROLES = (
    "anonymous",
    "founder",
    "other_founder",
    "manager",
    "mentor",
    "investor",
    "observer",
    "outsider",
)


def body(response: Any) -> Any:
    return json.loads(response.content)


@pytest.fixture
def api(net: Any, api_as: Any) -> Any:
    def make(role: str) -> Any:
        return api_as(net.world.users[role]) if role != "anonymous" else api_as(None)

    return make


def make_run(net: Any, cohorted: Cohorted) -> MatchRun:
    return matching.run_create(
        access=net.access("manager"), cohort=cohorted.cohort, mentors_per_company=1, now=NOW
    )


@pytest.mark.parametrize("role", ROLES)
def test_suggestions_role_matrix(net: Any, api: Any, role: str) -> None:
    response = api(role).get(f"{API}/suggestions", {"company": net.world.company.pk})
    expected = {"anonymous": 401, "founder": 200, "manager": 200}.get(role, 404)
    assert response.status_code == expected
    if expected == 200:
        data = body(response)
        assert data["company_id"] == net.world.company.pk and data["kind"] == "mentor"
        assert [item["profile_id"] for item in data["items"]] == [
            net.mentor_profile.pk,
            net.other_mentor_profile.pk,
        ]
        for item in data["items"]:
            assert item["score"] == sum(f["points"] for f in item["factors"])
            assert {f["factor"] for f in item["factors"]} >= {"directions", "language"}
            assert item["why"]


def test_suggestions_typed_parameters(net: Any, api: Any) -> None:
    manager = api("manager")
    assert "query.kind" in field_errors(
        manager.get(f"{API}/suggestions", {"company": net.world.company.pk, "kind": "x"})
    )
    assert "query.company" in field_errors(manager.get(f"{API}/suggestions", {"company": 0}))
    assert "query.company" in field_errors(manager.get(f"{API}/suggestions"))
    foreign = manager.get(f"{API}/suggestions", {"company": net.world.foreign_company.pk})
    assert foreign.status_code == 404
    kinds = manager.get(f"{API}/suggestions", {"company": net.world.company.pk, "kind": "customer"})
    assert [item["profile_id"] for item in body(kinds)["items"]] == [net.customer_profile.pk]


@pytest.mark.parametrize("role", ROLES)
def test_staff_endpoints_role_matrix(net: Any, cohorted: Cohorted, api: Any, role: str) -> None:
    run = make_run(net, cohorted)
    proposal = MatchProposal.all_parks.filter(run=run).first()
    client = api(role)
    denied = 401 if role == "anonymous" else 404
    calls = [
        ("GET", f"{API}/matching/runs", None, 200),
        ("GET", f"{API}/matching/runs/{run.pk}", None, 200),
        ("GET", f"{API}/matching/weights", None, 200),
        ("PUT", f"{API}/matching/weights", {"stage": 4}, 200),
        ("POST", f"{API}/matching/runs", {"cohort": cohorted.cohort.pk}, 201),
        ("DELETE", f"{API}/matching/proposals/{proposal.pk}", None, 200),
        (
            "POST",
            f"{API}/matching/runs/{run.pk}/proposals",
            {"company": proposal.company_id, "profile": proposal.profile_id},
            201,
        ),
        ("POST", f"{API}/matching/runs/{run.pk}/discard", None, 200),
    ]
    if role != "manager":  # publishing is staff only too
        calls.insert(0, ("POST", f"{API}/matching/runs/{run.pk}/publish", None, 200))
    for method, path, data, ok in calls:
        response = client.request(method, path, data)
        assert response.status_code == (ok if role == "manager" else denied), (method, path)
    if role != "manager":
        assert MatchRun.all_parks.count() == 1
        assert MatchRun.all_parks.get().status == MatchRunStatus.DRAFT
        assert not MatchWeights.all_parks.exists()


def test_run_flow(net: Any, cohorted: Cohorted, api: Any) -> None:
    manager = api("manager")
    created = manager.post(
        f"{API}/matching/runs", {"cohort": cohorted.cohort.pk, "mentors_per_company": 1}
    )
    assert created.status_code == 201
    data = body(created)
    assert data["status"] == "draft"
    assert data["pairs"] == len(data["proposals"])
    assert (data["pairs"], data["total_score"]) >= (data["greedy_pairs"], data["greedy_score"])
    assert data["total_score"] == sum(p["score"] for p in data["proposals"])
    for proposal in data["proposals"]:
        assert proposal["score"] == sum(f["points"] for f in proposal["factors"])
    listed = body(manager.get(f"{API}/matching/runs"))
    assert listed["count"] == 1 and listed["items"][0]["id"] == data["id"]
    published = manager.post(f"{API}/matching/runs/{data['id']}/publish")
    assert published.status_code == 200 and body(published)["status"] == "published"
    again = manager.post(f"{API}/matching/runs/{data['id']}/publish")
    assert "status" in field_errors(again)


def test_refusals_name_the_field(net: Any, cohorted: Cohorted, api: Any) -> None:
    manager = api("manager")
    run = make_run(net, cohorted)
    proposal = MatchProposal.all_parks.filter(run=run).first()
    assert "mentors_per_company" in field_errors(
        manager.post(
            f"{API}/matching/runs", {"cohort": cohorted.cohort.pk, "mentors_per_company": 6}
        )
    )
    assert "cohort" in field_errors(manager.post(f"{API}/matching/runs", {"cohort": 999999}))
    duplicate = manager.post(
        f"{API}/matching/runs/{run.pk}/proposals",
        {"company": proposal.company_id, "profile": proposal.profile_id},
    )
    assert "profile" in field_errors(duplicate)
    investor = manager.post(
        f"{API}/matching/runs/{run.pk}/proposals",
        {"company": proposal.company_id, "profile": net.investor_profile.pk},
    )
    assert "profile" in field_errors(investor)
    assert "stage" in field_errors(manager.request("PUT", f"{API}/matching/weights", {"stage": 11}))
    assert "programme" in field_errors(
        manager.request("PUT", f"{API}/matching/weights", {"programme": 999999})
    )
    assert "directions" in field_errors(
        manager.request("PUT", f"{API}/matching/weights", {"directions": None})
    )
    assert not MatchWeights.all_parks.exists()


def test_weights_of_a_programme(net: Any, cohorted: Cohorted, api: Any) -> None:
    manager = api("manager")
    params = {"programme": cohorted.programme.pk}
    before = body(manager.get(f"{API}/matching/weights", params))
    assert before["own"] is False and before["directions"] == 5
    saved = manager.request(
        "PUT", f"{API}/matching/weights", {"programme": cohorted.programme.pk, "directions": 8}
    )
    assert body(saved)["own"] is True and body(saved)["directions"] == 8
    assert body(manager.get(f"{API}/matching/weights"))["directions"] == 5
    assert manager.get(f"{API}/matching/weights", {"programme": 999999}).status_code == 404


def test_another_parks_run_is_404(net: Any, cohorted: Cohorted, api: Any) -> None:
    run = make_run(net, cohorted)
    outsider = api("outsider")
    response = outsider.get(f"/api/v1/parks/kolyma/network/matching/runs/{run.pk}")
    assert response.status_code == 404


@pytest.mark.parametrize("extra", [0, 5])
def test_suggestions_queries_fixed(
    net: Any, api: Any, extra: int, django_assert_num_queries: Any
) -> None:
    more_mentors(net, extra)
    client = api("founder")
    client.get(f"{API}/suggestions", {"company": net.world.company.pk})
    with django_assert_num_queries(QUERIES):
        response = client.get(f"{API}/suggestions", {"company": net.world.company.pk})
    assert len(body(response)["items"]) == 2 + extra


QUERIES = 12


def test_archived_cohort_refused(net: Any, cohorted: Cohorted, api: Any) -> None:
    from tests.network.conftest import NOW

    cohorted.cohort.archived_at = NOW
    cohorted.cohort.save()
    response = api("manager").post(
        f"{API}/matching/runs", {"cohort": cohorted.cohort.pk, "mentors_per_company": 1}
    )
    assert response.status_code in (400, 422)
    assert "cohort" in response.content.decode()
    assert not MatchRun.all_parks.exists()
