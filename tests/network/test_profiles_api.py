# ruff: noqa: F811 - the API fixtures of tests/api are imported by name and used as arguments
"""The profiles part of the network API: the role matrix, filters and their 422s, contacts only
after an acceptance, creating and changing profiles, needs and bookmarks, query counts."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from technopark.network.models import (
    Bookmark,
    Introduction,
    IntroStatus,
    Need,
    Profile,
    Visibility,
)
from tests.api.conftest import api_as, field_errors, openapi, openapi_document  # noqa: F401
from tests.factories import MembershipFactory, UserFactory
from tests.network.conftest import NOW, make_profile

ROLES = ["founder", "other_founder", "manager", "mentor", "investor", "observer", "outsider"]
BROWSERS = {"founder", "other_founder", "manager", "mentor", "investor"}


def body(response: Any) -> Any:
    return json.loads(response.content)


@pytest.fixture
def api(net, api_as):
    def make(role: str) -> Any:
        return api_as(net.world.users[role]) if role != "anonymous" else api_as(None)

    return make


def base(net: Any) -> str:
    return f"/api/v1/parks/{net.world.park.slug}/network"


def test_list_and_detail_role_matrix(net, api, frozen):
    detail = f"{base(net)}/profiles/{net.mentor_profile.pk}"
    for role in ROLES:
        expected = 200 if role in BROWSERS else 404
        assert api(role).get(f"{base(net)}/profiles").status_code == expected, role
        assert api(role).get(detail).status_code == expected, role
    assert api("anonymous").get(f"{base(net)}/profiles").status_code == 401
    Profile.all_parks.filter(pk=net.mentor_profile.pk).update(visibility=Visibility.HIDDEN)
    assert api("founder").get(detail).status_code == 404
    assert api("mentor").get(detail).status_code == 200
    assert api("manager").get(detail).status_code == 200
    listed = body(api("founder").get(f"{base(net)}/profiles"))
    assert net.mentor_profile.pk not in [item["id"] for item in listed["items"]]


def test_filters_and_refused_parameters(net, api, frozen):
    client = api("founder")

    def ids(**params: Any) -> list[int]:
        response = client.get(f"{base(net)}/profiles", params)
        assert response.status_code == 200
        return [item["id"] for item in body(response)["items"]]

    assert len(ids()) == 4
    assert ids(kind="investor") == [net.investor_profile.pk]
    assert ids(country="DE") == [net.other_mentor_profile.pk]
    assert ids(language="de") == [net.other_mentor_profile.pk]
    assert ids(direction=net.world.direction.pk) == [net.mentor_profile.pk]
    for params, field in (
        ({"kind": "wizard"}, "query.kind"),
        ({"direction": "0"}, "query.direction"),
        ({"language": "Klingon"}, "query.language"),
        ({"country": "ZZZ"}, "query.country"),
        ({"q": "x" * 101}, "query.q"),
        ({"limit": "1000"}, "query.limit"),
    ):
        assert field in field_errors(client.get(f"{base(net)}/profiles", params)), params


def test_contacts_only_after_an_acceptance(net, api, frozen):
    Profile.all_parks.filter(pk=net.mentor_profile.pk).update(phone="+7 914 555-66-77")
    detail = f"{base(net)}/profiles/{net.mentor_profile.pk}"
    founder = api("founder")
    before = founder.get(detail)
    assert body(before)["email"] is None and body(before)["phone"] is None
    assert b"555-66-77" not in before.content
    assert b"555-66-77" not in founder.get(f"{base(net)}/profiles").content
    Introduction.all_parks.create(
        park=net.world.park,
        company=net.world.company,
        profile=net.mentor_profile,
        requested_by=net.world.users["founder"],
        note="Hello",
        status=IntroStatus.ACCEPTED,
        created_at=NOW,
        expires_at=NOW + timedelta(days=14),
    )
    after = body(founder.get(detail))
    assert after["email"] == "mentor@example.org" and after["phone"] == "+7 914 555-66-77"
    listed = {item["id"]: item for item in body(founder.get(f"{base(net)}/profiles"))["items"]}
    assert listed[net.mentor_profile.pk]["phone"] == "+7 914 555-66-77"
    assert listed[net.other_mentor_profile.pk]["email"] is None
    assert body(api("other_founder").get(detail))["email"] is None
    assert body(api("manager").get(detail))["email"] == "mentor@example.org"


def test_list_query_count_does_not_grow(net, api, frozen):
    client = api("founder")
    client.get(f"{base(net)}/profiles")
    with CaptureQueriesContext(connection) as small:
        client.get(f"{base(net)}/profiles")
    for number in range(10):
        user = UserFactory(email=f"more{number}@example.org")
        MembershipFactory(park=net.world.park, user=user, role="mentor")
        make_profile(net.world.park, user).directions.add(net.world.direction)
    with CaptureQueriesContext(connection) as large:
        response = client.get(f"{base(net)}/profiles")
    assert body(response)["count"] == 14
    assert len(small.captured_queries) == len(large.captured_queries)


def test_create_and_patch(net, api, frozen):
    # before any request (a person's roles are cached under the memberships token)
    MembershipFactory(park=net.world.park, user=net.world.users["founder"], role="partner")
    expert = api("expert")
    payload = {
        "kind": "expert",
        "headline": "Patent law",
        "languages": ["ru", "en"],
        "country": "RU",
        "time_zone": "Asia/Yakutsk",
        "directions": [net.world.direction.pk],
    }
    created = expert.post(f"{base(net)}/profiles", payload)
    assert created.status_code == 201, created.content
    pk = body(created)["id"]
    assert body(created)["country_name"] and body(created)["email"] == "expert@example.org"
    # a second one of the same kind, a kind without the role
    assert "kind" in field_errors(expert.post(f"{base(net)}/profiles", payload))
    assert "kind" in field_errors(
        expert.post(f"{base(net)}/profiles", {**payload, "kind": "investor"})
    )
    # refused values name the field
    for change, field in (
        ({"time_zone": "Mars/Base"}, "time_zone"),
        ({"country": "XX"}, "country"),
        ({"languages": ["xx"]}, "languages"),
        ({"capacity_mentees": 51}, "capacity_mentees"),
        ({"headline": "x" * 201}, "headline"),
        ({"ticket_min": "-1"}, "ticket_min"),
    ):
        assert field in field_errors(expert.patch(f"{base(net)}/profiles/{pk}", change)), change
    patched = expert.patch(f"{base(net)}/profiles/{pk}", {"visibility": "hidden", "bio": "Hi"})
    assert patched.status_code == 200 and body(patched)["visibility"] == "hidden"
    assert body(patched)["directions"] == [net.world.direction.pk]
    assert api("founder").get(f"{base(net)}/profiles/{pk}").status_code == 404
    assert api("mentor").patch(f"{base(net)}/profiles/{pk}", {"bio": "x"}).status_code == 404
    assert (
        api("manager").patch(f"{base(net)}/profiles/{pk}", {"bio": "By staff"}).status_code == 200
    )
    assert Profile.all_parks.get(pk=pk).bio == "By staff"
    # staff for a member; others may not name a user
    for_member = {**payload, "kind": "partner", "user": net.world.users["founder"].pk}
    assert api("mentor").post(f"{base(net)}/profiles", for_member).status_code == 404
    assert api("manager").post(f"{base(net)}/profiles", for_member).status_code == 201
    outsider_user = {**for_member, "user": net.world.users["outsider"].pk}
    assert "user" in field_errors(api("manager").post(f"{base(net)}/profiles", outsider_user))
    assert api("observer").post(f"{base(net)}/profiles", payload).status_code == 404


def test_needs(net, api, frozen):
    path = f"{base(net)}/companies/{net.world.company.pk}/needs"
    made = api("founder").post(
        path, {"seeking": "mentor", "summary": "Export", "languages": ["en"]}
    )
    assert made.status_code == 201 and body(made)["languages"] == ["en"]
    assert "seeking" in field_errors(api("founder").post(path, {"seeking": "x", "summary": "y"}))
    assert "summary" in field_errors(
        api("founder").post(path, {"seeking": "mentor", "summary": ""})
    )
    for role in ROLES:
        expected = 200 if role in {"founder", "manager"} else 404
        assert api(role).get(path).status_code == expected, role
    assert api("other_founder").post(path, {"seeking": "mentor", "summary": "x"}).status_code == 404
    foreign = f"{base(net)}/companies/{net.world.foreign_company.pk}/needs"
    assert api("manager").get(foreign).status_code == 404
    assert Need.all_parks.count() == 1


def test_bookmarks(net, api, frozen):
    path = f"{base(net)}/companies/{net.world.company.pk}/bookmarks"
    founder = api("founder")
    added = founder.post(path, {"profile": net.mentor_profile.pk})
    assert added.status_code == 201
    assert founder.post(path, {"profile": net.mentor_profile.pk}).status_code == 201
    assert Bookmark.all_parks.count() == 1
    assert [row["profile_id"] for row in body(founder.get(path))] == [net.mentor_profile.pk]
    for role in ROLES:
        expected = 200 if role == "founder" else 404
        assert api(role).get(path).status_code == expected, role
    Profile.all_parks.filter(pk=net.investor_profile.pk).update(is_active=False)
    assert founder.post(path, {"profile": net.investor_profile.pk}).status_code == 404
    removed = founder.request("DELETE", f"{path}/{net.mentor_profile.pk}")
    assert removed.status_code == 200 and body(removed) == {"removed": True}
    assert founder.request("DELETE", f"{path}/{net.mentor_profile.pk}").status_code == 404
    assert Bookmark.all_parks.count() == 0
