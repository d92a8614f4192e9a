"""The profile page: name, e-mail, global role, memberships per park, links to security pages."""

from __future__ import annotations

import pytest

from technopark.accounts.models import GlobalRole
from technopark.parks.models import MembershipStatus, Role
from tests.factories import MembershipFactory


def test_anonymous_is_sent_to_sign_in(client_for):
    response = client_for("anonymous").get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_profile_shows_roles_per_park_and_the_security_links(world, client_for):
    founder = world.users["founder"]
    MembershipFactory(park=world.other_park, user=founder, role=Role.MENTOR)
    MembershipFactory(
        park=world.other_park, user=founder, role=Role.FOUNDER, status=MembershipStatus.REQUESTED
    )
    response = client_for("founder").get("/account/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "founder@example.org" in body
    assert "Technopark Yakutia" in body and "Technopark Kolyma" in body
    assert "Mentor" in body
    assert "Waiting for the park's staff" in body
    assert 'data-testid="global-role">None<' in body
    for href in (
        "/accounts/2fa/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/account/tokens/",
    ):
        assert f'href="{href}"' in body


def test_global_role_is_shown(world, client_for):
    observer = world.users["observer"]
    observer.global_role = GlobalRole.NATIONAL_OBSERVER
    observer.save()
    body = client_for("observer").get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="global-role">National observer<' in body


def test_name_can_be_changed(world, client_for):
    response = client_for("founder").post("/account/", {"full_name": "  Мария   Иванова "})
    assert response.status_code == 302
    world.users["founder"].refresh_from_db()
    assert world.users["founder"].full_name == "Мария Иванова"


def test_blank_name_is_refused_next_to_the_field(world, client_for):
    response = client_for("founder").post("/account/", {"full_name": "   "})
    assert response.status_code == 200
    assert 'id="id_full_name_error"' in response.content.decode()
    world.users["founder"].refresh_from_db()
    assert world.users["founder"].full_name == "Founder"


@pytest.mark.parametrize("n_parks", [1, 4])
def test_profile_query_count_does_not_grow(world, client_for, django_assert_num_queries, n_parks):
    from tests.factories import ParkFactory

    for _ in range(n_parks):
        MembershipFactory(park=ParkFactory(), user=world.users["founder"], role=Role.FOUNDER)
    client = client_for("founder")
    # user (the session comes from the cache), memberships with parks, e-mail addresses,
    # TOTP authenticator, the park switcher
    with django_assert_num_queries(5):
        assert client.get("/account/").status_code == 200
