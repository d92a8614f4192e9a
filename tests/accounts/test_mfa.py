"""Two-factor sign-in: TOTP for anyone, required of staff when TECHNOPARK_MFA_REQUIRED_FOR_STAFF."""

from __future__ import annotations

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client

from technopark.accounts import services
from technopark.accounts.models import GlobalRole
from tests.factories import UserFactory

ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture
def required(settings):
    settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF = True


@pytest.fixture
def not_required(settings):
    settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF = False


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _open_activation(client: Client) -> str:
    """Open the set-up page (allauth asks for the password again first); return the secret."""
    response = client.get(ACTIVATE)
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        response = client.post(response["Location"], {"password": "correct-horse-battery"})
        assert response["Location"] == ACTIVATE
        response = client.get(ACTIVATE)
    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()
    return response.context["form"].secret


def _sign_in_with_password(user) -> Client:
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    return client


@pytest.mark.usefixtures("required")
def test_manager_without_totp_is_sent_to_set_it_up(client_for):
    response = client_for("manager").get("/yakutia/people/")
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


@pytest.mark.usefixtures("required")
@pytest.mark.parametrize("path", ["/yakutia/", "/account/", "/account/tokens/", "/"])
def test_every_page_outside_allauth_waits_for_the_setup(client_for, path):
    assert client_for("manager").get(path)["Location"] == ACTIVATE


@pytest.mark.usefixtures("required")
def test_setup_sign_out_language_and_static_stay_reachable(client_for):
    client = client_for("manager")
    # The set-up page itself does not redirect to itself (it asks to re-authenticate first,
    # an allauth page too).
    response = client.get(ACTIVATE)
    assert response.status_code in (200, 302)
    assert response.get("Location", "") != ACTIVATE
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/static/technopark/site.css").status_code != 302
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/2fa/"})
    assert response["Location"] == "/accounts/2fa/"
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_api_answers_403_json_to_a_session_and_to_a_staff_token_without_totp(
    world, client_for, settings
):
    # A token made while the policy was off stops working for staff once it is on.
    settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF = False
    _token, secret = services.api_token_create(user=world.users["manager"], name="script")
    settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF = True
    response = client_for("manager").get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
    response = Client().get(
        "/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
    # With an authenticator app, the same token works at the next request.
    TOTP.activate(world.users["manager"], "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    response = Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


@pytest.mark.usefixtures("required")
def test_staff_with_totp_works_normally(world, client_for):
    TOTP.activate(world.users["manager"], "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert client_for("manager").get("/yakutia/people/").status_code == 200


@pytest.mark.usefixtures("required")
@pytest.mark.parametrize("role", ["founder", "expert", "observer"])
def test_non_staff_are_not_forced(client_for, role):
    assert client_for(role).get("/yakutia/").status_code == 200
    assert client_for(role).get("/account/").status_code == 200


@pytest.mark.usefixtures("required")
def test_platform_admin_is_forced_too(db):
    admin = UserFactory(global_role=GlobalRole.PLATFORM_ADMIN)
    client = Client()
    client.force_login(admin)
    assert client.get("/")["Location"] == ACTIVATE


@pytest.mark.usefixtures("required")
def test_a_pending_manager_request_does_not_count_as_staff(world):
    from tests.factories import MembershipFactory

    person = UserFactory()
    MembershipFactory(park=world.park, user=person, role="manager", status="requested")
    client = Client()
    client.force_login(person)
    assert client.get("/yakutia/").status_code == 200


@pytest.mark.usefixtures("not_required")
def test_nobody_is_forced_when_the_setting_is_off(client_for):
    assert client_for("manager").get("/yakutia/people/").status_code == 200


@pytest.mark.usefixtures("required")
def test_manager_sets_up_totp_and_then_gets_in(world):
    manager = world.users["manager"]
    client = _sign_in_with_password(manager)
    assert client.get("/yakutia/people/")["Location"] == ACTIVATE

    secret = _open_activation(client)
    response = client.post(ACTIVATE, {"code": _current_code(secret)})
    assert response.status_code == 302

    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(
        user=manager, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
    assert client.get("/yakutia/people/").status_code == 200


@pytest.mark.usefixtures("not_required")
def test_anyone_can_turn_totp_on_from_the_profile(world):
    founder = world.users["founder"]
    client = _sign_in_with_password(founder)
    body = client.get("/account/").content.decode()
    assert 'href="/accounts/2fa/"' in body
    response = client.post(ACTIVATE, {"code": _current_code(_open_activation(client))})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=founder, type=Authenticator.Type.TOTP).exists()
    assert (
        "On (authenticator app)"
        in client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


@pytest.mark.usefixtures("required")
def test_a_wrong_code_activates_nothing(world):
    client = _sign_in_with_password(world.users["manager"])
    _open_activation(client)
    response = client.post(ACTIVATE, {"code": "000000"})
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert not Authenticator.objects.filter(user=world.users["manager"]).exists()


@pytest.mark.usefixtures("not_required")
def test_profile_says_the_requirement_is_off(client_for):
    body = client_for("manager").get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Two-factor sign-in is not required on this platform" in body


@pytest.mark.usefixtures("required")
def test_profile_says_a_founder_may_choose(client_for):
    body = client_for("founder").get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "optional for you" in body
