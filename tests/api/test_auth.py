"""Signing in to the API: personal tokens, the browser session, and CSRF for the session only."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from technopark.accounts import services as account_services
from technopark.companies.models import Company
from tests.factories import valid_inn, valid_ogrn


def company_payload(n: int, **extra):
    return {
        "legal_name": f'ООО "Новая {n}"',
        "short_name": f"Новая {n}",
        "inn": valid_inn(500 + n),
        "ogrn": valid_ogrn(500 + n),
        "region": "14",
        **extra,
    }


def test_token_signs_the_owner_in(api_for, world):
    response = api_for("founder", "token").get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == world.users["founder"].email


def test_token_roles_are_loaded_for_the_park(api_for):
    # The park middleware must see the token's owner: an observer reads companies, as on the pages.
    response = api_for("observer", "token").get("/api/v1/parks/yakutia/companies")
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_token_use_is_recorded(api_for):
    api = api_for("manager", "token")
    assert api.token.last_used_at is None
    api.get("/api/v1/me")
    api.token.refresh_from_db()
    assert api.token.last_used_at is not None


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/parks", "/api/v1/parks/yakutia/companies"])
def test_revoked_token_is_refused_everywhere(api_for, path):
    api = api_for("manager", "token")
    account_services.api_token_revoke(token=api.token)
    response = api.get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("value", ["Bearer tp_not-a-real-token", "Bearer ", "bearer garbage"])
def test_unknown_token_is_refused(api_for, value):
    response = api_for("anonymous").get("/api/v1/parks", headers={"Authorization": value})
    assert response.status_code == 401


def test_token_of_a_deactivated_person_is_refused(api_for, world):
    api = api_for("manager", "token")
    world.users["manager"].is_active = False
    world.users["manager"].save()
    assert api.get("/api/v1/me").status_code == 401


def test_other_authorization_schemes_are_not_tokens(api_for):
    api = api_for("anonymous")
    headers = {"Authorization": "Basic bWFuYWdlcjpzZWNyZXQ="}
    assert api.get("/api/v1/parks", headers=headers).status_code == 200
    assert api.get("/api/v1/me", headers=headers).status_code == 401


def test_token_outside_the_api_is_ignored(api_for, world):
    api = api_for("manager", "token")
    account_services.api_token_revoke(token=api.token)
    # Not an API response (an HTML page), so it is not checked against the spec.
    page = Client().get("/yakutia/", headers=api.headers)
    assert page.status_code == 200


def test_token_wins_over_a_session_cookie(api_for, world):
    api = api_for("founder", "token")
    api.client.force_login(world.users["manager"])
    assert api.get("/api/v1/me").json()["email"] == world.users["founder"].email


def test_anonymous_visitor_gets_401_not_a_csrf_refusal(api_for):
    count = Company.all_parks.count()
    response = api_for("anonymous").post("/api/v1/parks/yakutia/companies", company_payload(1))
    assert response.status_code == 401
    assert Company.all_parks.count() == count


def test_session_post_without_csrf_token_is_refused(api_for):
    count = Company.all_parks.count()
    response = api_for("manager").post(
        "/api/v1/parks/yakutia/companies", company_payload(1), csrf=False
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Company.all_parks.count() == count


def test_session_post_with_a_wrong_csrf_token_is_refused(api_for):
    count = Company.all_parks.count()
    response = api_for("manager").post(
        "/api/v1/parks/yakutia/companies",
        company_payload(1),
        csrf=False,
        headers={"X-CSRFToken": "x" * 32},
    )
    assert response.status_code == 403
    assert Company.all_parks.count() == count


def test_session_patch_without_csrf_token_is_refused(api_for, world):
    response = api_for("manager").patch(
        f"/api/v1/parks/yakutia/companies/{world.company.pk}",
        {"short_name": "Переименована"},
        csrf=False,
    )
    assert response.status_code == 403
    world.company.refresh_from_db()
    assert world.company.short_name == "Северный код"


def test_session_post_with_csrf_token_is_accepted(api_for):
    response = api_for("manager").post("/api/v1/parks/yakutia/companies", company_payload(1))
    assert response.status_code == 201


def test_token_post_needs_no_csrf_token(api_for):
    api = api_for("manager", "token")
    response = api.post("/api/v1/parks/yakutia/companies", company_payload(1), csrf=False)
    assert response.status_code == 201
    assert Company.all_parks.filter(inn=company_payload(1)["inn"]).exists()


def test_session_reads_need_no_csrf_token(api_for):
    assert api_for("manager").get("/api/v1/parks/yakutia/companies", csrf=False).status_code == 200


def test_401_body_names_the_ways_to_sign_in(api_for):
    body = json.loads(api_for("anonymous").get("/api/v1/me").content)
    assert "token" in body["detail"].lower()


def test_a_token_revoked_after_use_stops_at_the_next_call(api_for):
    api = api_for("manager", "token")
    assert api.get("/api/v1/me").status_code == 200  # token and user are cached now
    account_services.api_token_revoke(token=api.token)
    assert api.get("/api/v1/me").status_code == 401


def test_a_person_deactivated_after_use_is_refused_at_the_next_call(api_for, world):
    api = api_for("manager", "token")
    assert api.get("/api/v1/me").status_code == 200
    world.users["manager"].is_active = False
    world.users["manager"].save()
    assert api.get("/api/v1/me").status_code == 401
