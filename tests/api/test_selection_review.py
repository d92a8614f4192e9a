"""An expert's own reviews through the API: /api/v1/parks/{park}/reviews…"""

from __future__ import annotations

import json

import pytest

from technopark.selection.models import (
    AssignmentStatus,
    ConflictOfInterest,
    Review,
    ReviewAssignment,
)
from technopark.selection.services import review as review_services
from tests.api.conftest import field_errors
from tests.conftest import ROLES
from tests.selection.factories import ApplicationFactory
from tests.selection.fixtures_review import make_expert, review_world  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1/parks/yakutia/reviews"
EXPERT_ONLY = {
    "anonymous": 401,
    "founder": 403,
    "other_founder": 403,
    "manager": 403,
    "expert": 200,
    "observer": 403,
    "outsider": 403,
}


def _payload(rw, team=8, market=None, **extra):
    return {
        "scores": [
            {"criterion_id": rw.criteria[0].pk, "score": team},
            {"criterion_id": rw.criteria[1].pk, "score": market},
        ],
        "recommendation": "admit",
        "note_for_council": "Strong team.",
        **extra,
    }


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(api_for, review_world, role, auth):  # noqa: F811
    client = api_for(role, auth)
    url = f"{BASE}/{review_world.assignment.pk}"
    assert client.get(BASE).status_code == EXPERT_ONLY[role]
    assert client.get(url).status_code == EXPERT_ONLY[role]
    assert client.patch(url, {"note_for_council": "x"}).status_code == EXPERT_ONLY[role]
    expected_file = EXPERT_ONLY[role]
    assert client.post(f"{url}/file", _payload(review_world)).status_code == expected_file


def test_list_and_read(api_for, world, review_world):  # noqa: F811
    body = api_for("expert").get(BASE).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["application_title"] == "Permafrost sensors"
    assert item["applicant"] == world.other_company.short_name
    assert item["state"] == "not_started" and item["overdue"] is False
    detail = api_for("expert", "token").get(f"{BASE}/{review_world.assignment.pk}").json()
    assert detail["application"]["applicant"]["inn"] == world.other_company.inn
    assert [c["weight"] for c in detail["criteria"]] == ["2.00", "1.00"]
    assert detail["review"] is None and detail["others"] is None


def test_blind_call_hides_the_applicant(api_for, world, review_world):  # noqa: F811
    review_world.call.blind_review = True
    review_world.call.save()
    client = api_for("expert")
    assert client.get(BASE).json()["items"][0]["applicant"] is None
    response = client.get(f"{BASE}/{review_world.assignment.pk}")
    body = response.json()
    assert body["blind"] is True and body["application"]["applicant"] is None
    raw = response.content.decode()
    assert world.other_company.inn not in raw
    assert world.other_company.short_name not in raw


def test_save_then_file(api_for, review_world):  # noqa: F811
    client = api_for("expert")
    url = f"{BASE}/{review_world.assignment.pk}"
    response = client.patch(url, {"note_for_council": "draft"})
    assert response.status_code == 200
    assert response.json()["review"]["note_for_council"] == "draft"
    assert response.json()["review"]["submitted_at"] is None
    response = client.post(f"{url}/file", _payload(review_world))
    assert response.status_code == 200
    review = response.json()["review"]
    assert review["total"] == "80.00"  # N/A left out
    assert review["submitted_at"] is not None
    assert response.json()["others"] == []
    again = client.patch(url, {"note_for_council": "changed"})
    assert "review" in field_errors(again)
    assert client.get(BASE).json()["items"][0]["state"] == "filed"


def test_others_are_hidden_until_filed(api_for, world, review_world):  # noqa: F811
    rw = review_world
    colleague = make_expert(world.park)
    theirs = ReviewAssignment.objects.create(
        application=rw.application, expert=colleague, status=AssignmentStatus.PUBLISHED
    )
    review_services.review_file(
        assignment=theirs,
        actor=colleague.user,
        scores={rw.criteria[0].pk: 2, rw.criteria[1].pk: 1},
        recommendation="reject",
    )
    client = api_for("expert")
    url = f"{BASE}/{rw.assignment.pk}"
    assert client.get(url).json()["others"] is None
    others = client.post(f"{url}/file", _payload(rw)).json()["others"]
    assert len(others) == 1 and others[0]["recommendation"] == "reject"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"scores": [{"criterion_id": 0, "score": 1}]}, "scores.0.criterion_id"),
        ({"scores": [{"criterion_id": 1, "score": -1}]}, "scores.0.score"),
        ({"scores": [{"criterion_id": 1}]}, "scores.0.score"),
        ({"recommendation": "maybe"}, "recommendation"),
        ({"recommendation": None}, "recommendation"),
        ({"note_for_council": "x" * 20_001}, "note_for_council"),
        ({"note_for_council": "a\x00b"}, "note_for_council"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_input_is_refused_naming_the_field(api_for, review_world, payload, field):  # noqa: F811
    response = api_for("expert").patch(f"{BASE}/{review_world.assignment.pk}", payload)
    assert field in field_errors(response), field_errors(response)


def test_service_refusals_name_the_field(api_for, review_world):  # noqa: F811
    rw = review_world
    client = api_for("expert")
    url = f"{BASE}/{rw.assignment.pk}"
    response = client.patch(url, {"scores": [{"criterion_id": rw.criteria[0].pk, "score": 11}]})
    assert f"score_{rw.criteria[0].pk}" in field_errors(response)
    response = client.patch(
        url,
        {
            "scores": [
                {"criterion_id": rw.criteria[0].pk, "score": 1},
                {"criterion_id": rw.criteria[0].pk, "score": 2},
            ]
        },
    )
    assert "scores" in field_errors(response)
    response = client.post(
        f"{url}/file", {"scores": [{"criterion_id": rw.criteria[0].pk, "score": 3}]}
    )
    errors = field_errors(response)
    assert f"score_{rw.criteria[1].pk}" in errors and "recommendation" in errors
    response = client.post(f"{url}/file", _payload(rw, team=None, market=None))
    assert "scores" in field_errors(response)
    assert not Review.objects.filter(submitted_at__isnull=False).exists()


def test_bad_json_and_unknown_ids(api_for, world, review_world):  # noqa: F811
    client = api_for("expert")
    url = f"{BASE}/{review_world.assignment.pk}"
    assert client.request("PATCH", url, body="{not json").status_code == 400
    assert client.get(f"{BASE}/999999").status_code == 404
    assert client.get(f"{BASE}/0").status_code == 422
    other = ReviewAssignment.objects.create(
        application=ApplicationFactory(call=review_world.call, park=world.park),
        expert=make_expert(world.park),
        status=AssignmentStatus.PUBLISHED,
    )
    assert client.get(f"{BASE}/{other.pk}").status_code == 404
    assert client.get(f"/api/v1/parks/kolyma/reviews/{review_world.assignment.pk}").status_code in (
        403,
        404,
    )


def test_conflict_closes_the_assignment(api_for, world, review_world):  # noqa: F811
    ConflictOfInterest.objects.create(
        expert=review_world.expert, kind="company", company=world.other_company
    )
    client = api_for("expert")
    assert client.get(f"{BASE}/{review_world.assignment.pk}").status_code == 403
    assert (
        client.patch(f"{BASE}/{review_world.assignment.pk}", {"note_for_council": "x"}).status_code
        == 403
    )


def test_csrf_is_required_for_a_session(api_for, review_world):  # noqa: F811
    response = api_for("expert").patch(
        f"{BASE}/{review_world.assignment.pk}", {"note_for_council": "x"}, csrf=False
    )
    assert response.status_code == 403


@pytest.mark.parametrize("n_assignments", [2, 12])
def test_list_query_count_does_not_grow(
    api_for,
    world,
    review_world,  # noqa: F811
    django_assert_num_queries,
    n_assignments,
):
    for _ in range(n_assignments):
        ReviewAssignment.objects.create(
            application=ApplicationFactory(call=review_world.call, park=world.park),
            expert=review_world.expert,
            status=AssignmentStatus.PUBLISHED,
        )
    client = api_for("expert", "token")
    client.get(BASE)
    with django_assert_num_queries(1):
        response = client.get(BASE)
    assert json.loads(response.content)["count"] == n_assignments + 1
