# ruff: noqa: F811 - the fixtures of tests/engineering are imported by name and used as arguments
"""The engineering API: every answer checked against the served OpenAPI document; the NDA rule
and other parks as 404s; refused changes of state and approvals as 422 naming the field."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from technopark.engineering.models import RequestState, ServiceRequest
from tests.api.conftest import field_errors
from tests.engineering.conftest import NOW, centre, frozen  # noqa: F401

pytestmark = pytest.mark.django_db

API = "/api/v1/parks/yakutia/engineering"


def body(response):
    return json.loads(response.content)


@pytest.fixture
def api(centre, api_as):
    def make(role):
        return api_as(centre.world.users[role]) if role != "anonymous" else api_as(None)

    return make


SEES = {
    False: {"founder", "manager", "engineer", "other_engineer"},
    True: {"founder", "manager", "engineer"},
}


@pytest.mark.parametrize("confidential", [False, True])
@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "founder",
        "other_founder",
        "manager",
        "expert",
        "observer",
        "outsider",
        "engineer",
        "other_engineer",
    ],
)
def test_who_reads_a_request(centre, frozen, api, role, confidential):
    request = centre.to_state("quoted", confidential=confidential)
    client = api(role)
    detail = client.get(f"{API}/requests/{request.pk}")
    quotes = client.get(f"{API}/requests/{request.pk}/quotes")
    listed = client.get(f"{API}/requests")
    if role == "anonymous":
        assert {detail.status_code, quotes.status_code, listed.status_code} == {401}
        return
    if role in SEES[confidential]:
        assert detail.status_code == 200 and body(detail)["title"] == request.title
        assert [q["status"] for q in body(quotes)] == ["sent"]
        assert body(quotes)[0]["lines"][0]["unit_price"]
    else:
        assert detail.status_code == 404 and quotes.status_code == 404
    ids = [item["id"] for item in body(listed)["items"]] if listed.status_code == 200 else []
    assert (request.pk in ids) == (role in SEES[confidential])


def test_a_founder_files_a_request(centre, frozen, api):
    response = api("founder").post(
        f"{API}/requests",
        {
            "company": centre.world.company.pk,
            "title": "Испытания на вибростенде",
            "description": "Три оси.",
            "desired_on": "2026-04-01",
            "confidential": True,
        },
    )
    assert response.status_code == 201, response.content
    created = body(response)
    assert created["state"] == "submitted" and created["confidential"] is True
    assert ServiceRequest.all_parks.get(pk=created["id"]).company == centre.world.company


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "a\u0000b"}, "title"),
        ({"company": 0}, "company"),
        ({"desired_on": "2026-02-30"}, "desired_on"),
        ({"desired_on": "2026-03-01"}, "desired_on"),  # the day before the park's today
    ],
)
def test_bad_request_input_is_a_422_naming_the_field(centre, frozen, api, payload, field):
    data = {"company": centre.world.company.pk, "title": "Т", "description": "x", **payload}
    response = api("founder").post(f"{API}/requests", data)
    assert field in field_errors(response)
    assert not ServiceRequest.all_parks.exists()


def test_another_companys_request_cannot_be_filed(centre, frozen, api):
    response = api("founder").post(
        f"{API}/requests",
        {"company": centre.world.other_company.pk, "title": "Т", "description": "x"},
    )
    assert "company" in field_errors(response)


def test_a_change_of_state_through_the_api(centre, frozen, api):
    request = centre.to_state("submitted")
    centre.assign(request)
    response = api("engineer").post(
        f"{API}/requests/{request.pk}/transition", {"to_state": "triaged"}
    )
    assert response.status_code == 200 and body(response)["state"] == "triaged"
    refused = api("engineer").post(
        f"{API}/requests/{request.pk}/transition", {"to_state": "accepted"}
    )
    assert "to_state" in field_errors(refused)
    unknown = api("engineer").post(f"{API}/requests/{request.pk}/transition", {"to_state": "bogus"})
    assert unknown.status_code == 422
    request.refresh_from_db()
    assert request.state == RequestState.TRIAGED


def test_a_confidential_request_of_another_company_is_not_found(centre, frozen, api):
    request = centre.to_state("submitted", confidential=True)
    response = api("other_engineer").post(
        f"{API}/requests/{request.pk}/transition", {"to_state": "triaged"}
    )
    assert response.status_code == 404
    response = api("other_founder").post(
        f"{API}/requests/{request.pk}/transition", {"to_state": "cancelled"}
    )
    assert response.status_code == 404


def test_the_company_approves_a_quote_and_an_expired_one_is_refused(centre, frozen, api):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    with time_machine.travel(NOW + dt.timedelta(days=45), tick=False):
        refused = api("founder").post(f"{API}/quotes/{quote.pk}/approve", {})
    assert refused.status_code == 422
    assert "expired" in json.dumps(body(refused))
    response = api("founder").post(f"{API}/quotes/{quote.pk}/approve", {"side": "company"})
    assert response.status_code == 200, response.content
    assert body(response)["status"] == "approved" and body(response)["approvals"] == ["company"]
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED


def test_another_parks_quote_is_not_found(centre, frozen, api, world):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    # The manager of the other park asks for this park's quote through their own park: 404.
    from technopark.parks.models import Role
    from tests.factories import MembershipFactory

    MembershipFactory(park=world.other_park, user=world.users["manager"], role=Role.MANAGER)
    response = api("manager").post(
        f"/api/v1/parks/{world.other_park.slug}/engineering/quotes/{quote.pk}/approve",
        {"side": "manager"},
    )
    assert response.status_code == 404
    quote.refresh_from_db()
    assert quote.status == "sent"


@pytest.mark.parametrize("role", ["other_founder", "other_engineer", "expert", "observer"])
def test_outside_the_nda_a_quote_does_not_exist(centre, frozen, api, role):
    request = centre.to_state("quoted", confidential=True)
    quote = request.quotes.get()
    client = api(role)
    assert client.get(f"{API}/requests/{request.pk}/quotes").status_code == 404
    for side in ("company", "manager"):
        response = client.post(f"{API}/quotes/{quote.pk}/approve", {"side": side})
        assert response.status_code == 404
    quote.refresh_from_db()
    assert quote.status == "sent" and not quote.approvals.exists()


def test_another_company_cannot_answer_an_open_request_quote(centre, frozen, api):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    client = api("other_founder")
    # not the company's team: the request is not theirs to see, under NDA or not
    assert client.get(f"{API}/requests/{request.pk}/quotes").status_code == 404
    assert client.post(f"{API}/quotes/{quote.pk}/approve", {"side": "company"}).status_code == 404
    quote.refresh_from_db()
    assert not quote.approvals.exists()


def test_the_list_filters_by_state_and_pages(centre, frozen, api):
    centre.to_state("submitted")
    centre.to_state("triaged")
    response = api("manager").get(f"{API}/requests", {"state": "triaged", "limit": 1})
    assert body(response)["count"] == 1 and len(body(response)["items"]) == 1
    bad = api("manager").get(f"{API}/requests", {"state": "nope"})
    assert bad.status_code == 422


def test_the_operations_are_in_the_openapi_document(openapi_document):
    paths = openapi_document["paths"]
    base = "/api/v1/parks/{park_slug}/engineering"
    assert {"get", "post"} <= set(paths[f"{base}/requests"])
    assert "get" in paths[f"{base}/requests/{{request_id}}"]
    assert "post" in paths[f"{base}/requests/{{request_id}}/transition"]
    assert "get" in paths[f"{base}/requests/{{request_id}}/quotes"]
    assert "post" in paths[f"{base}/quotes/{{quote_id}}/approve"]
