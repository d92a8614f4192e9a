"""API tokens: the page (list, create after re-authentication, secret shown once, revoke), and
what a token may do: its scope, its expiry, its binding to the owner's password and staff state,
two-factor sign-in for staff, and revocation in the admin."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client

from technopark.accounts import services
from technopark.accounts.models import ApiToken, GlobalRole, TokenRevocation, TokenScope
from technopark.audit.models import AuditEntry
from technopark.parks import services as park_services
from technopark.parks.models import Role
from tests.factories import UserFactory

MOMENT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def reauthenticated(client: Client, user) -> Client:
    """Mark the client's session as having just re-entered its password (allauth's record)."""
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def _api(secret: str, method: str = "GET", path: str = "/api/v1/me") -> object:
    return Client().generic(
        method,
        path,
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_anonymous_is_sent_to_sign_in(client_for):
    response = client_for("anonymous").get("/account/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/account/tokens/")


def test_create_shows_the_secret_once_and_stores_only_its_hash(world, client_for):
    client = reauthenticated(client_for("founder"), world.users["founder"])
    response = client.post(
        "/account/tokens/", {"name": "Отчётный скрипт", "scope": "write", "days": "30"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["created_secret"]
    body = response.content.decode()
    assert secret in body
    assert 'data-testid="token-secret"' in body

    token = ApiToken.objects.get(user=world.users["founder"])
    assert token.name == "Отчётный скрипт"
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    assert not ApiToken.objects.filter(key_hash=secret).exists()
    # The token works for the API.
    assert services.api_token_user(secret=secret) == world.users["founder"]

    # Never again: the list shows the name and the prefix only.
    body = client.get("/account/tokens/").content.decode()
    assert "Отчётный скрипт" in body
    assert token.prefix in body
    assert secret not in body
    assert 'data-testid="token-secret"' not in body


def test_a_token_needs_a_name(world, client_for):
    client = reauthenticated(client_for("founder"), world.users["founder"])
    response = client.post("/account/tokens/", {"name": "   ", "scope": "read", "days": "90"})
    assert response.status_code == 200
    assert 'id="id_name_error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_own_token(world, client_for):
    token, secret = services.api_token_create(user=world.users["founder"], name="ci")
    client = client_for("founder")
    asked = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert asked.status_code == 200 and 'data-testid="confirm"' in asked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # asking changed nothing
    response = client.post(f"/account/tokens/{token.pk}/revoke/", {"confirmed": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/account/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.api_token_user(secret=secret) is None


def test_revoking_someone_elses_token_is_404_and_changes_nothing(world, client_for):
    token, _secret = services.api_token_create(user=world.users["manager"], name="ci")
    response = client_for("founder").post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_post(world, client_for):
    token, _secret = services.api_token_create(user=world.users["founder"], name="ci")
    assert client_for("founder").get(f"/account/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_list_shows_only_my_tokens_with_their_state(world, client_for):
    mine, _ = services.api_token_create(user=world.users["founder"], name="mine")
    services.api_token_revoke(
        token=services.api_token_create(user=world.users["founder"], name="old")[0]
    )
    services.api_token_create(user=world.users["manager"], name="theirs")
    client = client_for("founder")
    body = client.get("/account/tokens/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert body.count('data-testid="token-row"') == 2
    assert "theirs" not in body
    assert "revoked" in body
    assert f"/account/tokens/{mine.pk}/revoke/" in body


@pytest.mark.parametrize("n_tokens", [1, 5])
def test_token_page_query_count_does_not_grow(
    world, client_for, django_assert_num_queries, n_tokens
):
    for n in range(n_tokens):
        services.api_token_create(user=world.users["founder"], name=f"token {n}")
    client = client_for("founder")
    # user (the session comes from the cache), the tokens, the park switcher
    with django_assert_num_queries(3):
        assert client.get("/account/tokens/").status_code == 200


# --- Creation needs a recent re-authentication ---------------------------------------------------


def test_creating_without_recent_reauthentication_asks_for_the_password_first(world, client_for):
    client = client_for("founder")
    data = {"name": "ci", "scope": "read", "days": "90"}
    response = client.post("/account/tokens/", data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not ApiToken.objects.exists()
    # The password, once more: allauth replays the form, and the token is made.
    response = client.post(response["Location"], {"password": "correct-horse-battery"})
    assert response.status_code == 200
    assert response.context["created_secret"].startswith("tp_")
    assert ApiToken.objects.get().user == world.users["founder"]


def test_a_wrong_password_at_reauthentication_makes_no_token(world, client_for):
    client = client_for("founder")
    response = client.post("/account/tokens/", {"name": "ci", "scope": "read", "days": "90"})
    client.post(response["Location"], {"password": "wrong"})
    assert not ApiToken.objects.exists()


def test_expiry_is_chosen_within_bounds_and_shown(world, client_for, settings):
    client = reauthenticated(client_for("founder"), world.users["founder"])
    with time_machine.travel(MOMENT, tick=False):
        response = client.post("/account/tokens/", {"name": "ci", "scope": "read", "days": "400"})
        assert response.status_code == 200
        assert 'id="id_days_error"' in response.content.decode()
        assert not ApiToken.objects.exists()
        client.post("/account/tokens/", {"name": "ci", "scope": "read", "days": "30"})
        token = ApiToken.objects.get()
        assert token.expires_at == MOMENT + dt.timedelta(days=30)
        assert token.scope == TokenScope.READ
        body = client.get("/account/tokens/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="token-expires"' in body
    assert "Read only" in body


def test_default_expiry_is_90_days(world):
    with time_machine.travel(MOMENT, tick=False):
        token, _secret = services.api_token_create(user=world.users["founder"], name="ci")
    assert token.expires_at == MOMENT + dt.timedelta(days=90)


def test_creation_and_revocation_are_audited(world):
    founder = world.users["founder"]
    token, _secret = services.api_token_create(user=founder, name="ci", scope="write")
    services.api_token_revoke(token=token, actor=founder)
    entries = list(AuditEntry.objects.filter(target_id=str(token.pk)).order_by("sequence"))
    assert [e.action for e in entries] == ["accounts.token_create", "accounts.token_revoke"]
    assert entries[0].actor_id == founder.pk
    assert entries[0].after["scope"] == "write"
    assert entries[1].before["revoked_at"] is None
    assert entries[1].after["revoked_reason"] == "owner"


# --- What a token may do --------------------------------------------------------------------------


def test_a_read_token_reads_but_cannot_write(world):
    _token, secret = services.api_token_create(user=world.users["founder"], name="ci")
    assert _api(secret).status_code == 200
    response = _api(secret, "POST", "/api/v1/parks/yakutia/companies")
    assert response.status_code == 403
    assert "may only read" in response.json()["detail"]


def test_a_write_token_may_write(world):
    _token, secret = services.api_token_create(
        user=world.users["founder"], name="ci", scope="write"
    )
    response = _api(secret, "POST", "/api/v1/parks/yakutia/companies")
    assert response.status_code != 403


def test_an_expired_token_is_401(world):
    with time_machine.travel(MOMENT, tick=False):
        _token, secret = services.api_token_create(user=world.users["founder"], name="ci", days=1)
        assert _api(secret).status_code == 200
    with time_machine.travel(MOMENT + dt.timedelta(days=1, seconds=1), tick=False):
        response = _api(secret)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_password_change_revokes_the_tokens(world, client_for):
    founder = world.users["founder"]
    token, secret = services.api_token_create(user=founder, name="ci")
    assert _api(secret).status_code == 200
    client = client_for("founder")
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "correct-horse-battery",
            "password1": "a-new-and-long-passphrase-42",
            "password2": "a-new-and-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_reason == TokenRevocation.PASSWORD
    assert _api(secret).status_code == 401


def test_a_password_set_anywhere_else_ends_the_token_at_the_next_request(world):
    founder = world.users["founder"]
    token, secret = services.api_token_create(user=founder, name="ci")
    assert _api(secret).status_code == 200
    # The admin's password form and a shell both come down to set_password and save().
    founder.set_password("another-long-passphrase-7")
    founder.save()
    assert _api(secret).status_code == 401
    token.refresh_from_db()
    assert token.revoked_reason == TokenRevocation.PASSWORD


class CheapPBKDF2(PBKDF2PasswordHasher):
    """PBKDF2 at a (cheap) iteration count above the one the test's stored hash was made with."""

    iterations = 20


def test_a_hash_upgraded_at_sign_in_keeps_the_tokens(world, settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_tokens.CheapPBKDF2"]
    founder = world.users["founder"]
    founder.password = PBKDF2PasswordHasher().encode("correct-horse-battery", "saltsalt", 10)
    founder.save()
    token, secret = services.api_token_create(user=founder, name="ci")
    assert _api(secret).status_code == 200  # the token is now in the cache too
    # Signing in checks the password; Django re-hashes it at the new iteration count and saves.
    assert Client().login(email=founder.email, password="correct-horse-battery")
    founder.refresh_from_db()
    assert founder.password.startswith("pbkdf2_sha256$20$")
    assert _api(secret).status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEntry.objects.filter(action="accounts.token_revoke").exists()
    # A new password still ends it.
    founder.set_password("another-long-passphrase-7")
    founder.save()
    assert _api(secret).status_code == 401
    token.refresh_from_db()
    assert token.revoked_reason == TokenRevocation.PASSWORD


def test_a_hash_upgrade_does_not_revive_a_token_of_an_older_password(world, settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_tokens.CheapPBKDF2"]
    founder = world.users["founder"]
    founder.password = PBKDF2PasswordHasher().encode("old-long-passphrase-1", "saltsalt", 10)
    ApiToken.objects.filter(user=founder).delete()
    founder.save()
    token, secret = services.api_token_create(user=founder, name="ci")
    # The password is changed by a bulk write (no signal); then the new one is upgraded.
    new_hash = PBKDF2PasswordHasher().encode("correct-horse-battery", "saltsalt", 10)
    type(founder).objects.filter(pk=founder.pk).update(password=new_hash)
    founder.refresh_from_db()
    assert founder.check_password("correct-horse-battery")
    assert _api(secret).status_code == 401
    token.refresh_from_db()
    assert token.revoked_reason == TokenRevocation.PASSWORD


def test_a_tampered_non_ascii_fingerprint_is_a_mismatch_not_a_crash(world):
    founder = world.users["founder"]
    token, secret = services.api_token_create(user=founder, name="ci")
    other, _ = services.api_token_create(user=founder, name="other")
    ApiToken.objects.filter(pk__in=[token.pk, other.pk]).update(password_fingerprint="ж" * 64)
    assert _api(secret).status_code == 401  # checked on the request
    assert services.api_tokens_reconcile(user=founder) == 1  # and on a save
    for revoked in (token, other):
        revoked.refresh_from_db()
        assert revoked.revoked_reason == TokenRevocation.PASSWORD


def test_a_staff_membership_made_by_a_bulk_write_still_ends_the_token(world):
    from technopark.accounts import caching
    from technopark.parks.models import Membership

    expert = world.users["expert"]
    token, secret = services.api_token_create(user=expert, name="ci")
    assert _api(secret).status_code == 200
    Membership.all_parks.filter(user=expert, park=world.park).update(role=Role.MANAGER)
    caching.forget_token(key_hash=token.key_hash)  # as the minute of the token cache would
    response = _api(secret)
    assert response.status_code == 401
    assert "staff" in response.json()["detail"]
    token.refresh_from_db()
    assert token.revoked_reason == TokenRevocation.ROLE


def test_a_password_changed_by_a_bulk_update_still_ends_the_token(world):
    founder = world.users["founder"]
    token, secret = services.api_token_create(user=founder, name="ci")
    assert _api(secret).status_code == 200
    founder.set_password("another-long-passphrase-7")
    type(founder).objects.filter(pk=founder.pk).update(password=founder.password)  # no signal
    from technopark.accounts import caching

    caching.forget_user(user_id=founder.pk)  # as the minute of the user cache would
    assert _api(secret).status_code == 401
    token.refresh_from_db()
    assert token.revoked_reason == TokenRevocation.PASSWORD


def test_a_promotion_to_staff_revokes_the_tokens(world, client_for):
    expert = world.users["expert"]
    token, secret = services.api_token_create(user=expert, name="ci", scope="write")
    assert _api(secret).status_code == 200
    park_services.membership_grant(
        park=world.park, user=expert, role=Role.MANAGER, granted_by=world.users["manager"]
    )
    assert _api(secret).status_code == 401
    token.refresh_from_db()
    assert token.revoked_reason == TokenRevocation.ROLE
    assert AuditEntry.objects.filter(
        action="accounts.token_revoke", target_id=str(token.pk)
    ).exists()


def test_a_promotion_to_platform_admin_revokes_the_tokens(world):
    expert = world.users["expert"]
    token, secret = services.api_token_create(user=expert, name="ci")
    expert.global_role = GlobalRole.PLATFORM_ADMIN
    expert.save()
    assert _api(secret).status_code == 401
    token.refresh_from_db()
    assert token.revoked_reason == TokenRevocation.ROLE


def test_a_token_made_by_staff_survives_other_memberships(world):
    manager = world.users["manager"]
    token, secret = services.api_token_create(user=manager, name="ci")
    assert token.for_staff
    park_services.membership_grant(
        park=world.other_park, user=manager, role=Role.PARK_ADMIN, granted_by=None
    )
    assert _api(secret).status_code == 200


def test_the_migration_binds_existing_tokens_of_staff_as_not_made_by_staff(world, settings):
    """A token kept by the migration may predate its owner's promotion: it ends at its next use."""
    import importlib

    from django.apps import apps

    settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF = False
    migration = importlib.import_module(
        "technopark.accounts.migrations.0003_api_token_scope_expiry_binding"
    )
    manager = world.users["manager"]
    token, secret = services.api_token_create(user=manager, name="old")
    migration.bind_existing(apps, None)
    token.refresh_from_db()
    assert not token.for_staff
    assert token.password_fingerprint  # still bound to the current password
    assert _api(secret).status_code == 401
    token.refresh_from_db()
    assert token.revoked_reason == TokenRevocation.ROLE


def test_staff_without_totp_cannot_create_a_token_when_it_is_required(world, client_for, settings):
    settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF = True
    manager = world.users["manager"]
    with pytest.raises(Exception, match="two-factor"):
        services.api_token_create(user=manager, name="ci")
    assert not ApiToken.objects.exists()
    TOTP.activate(manager, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    _token, secret = services.api_token_create(user=manager, name="ci")
    assert _api(secret).status_code == 200


def test_a_staff_token_is_refused_once_the_owner_drops_totp(world, settings):
    settings.TECHNOPARK_MFA_REQUIRED_FOR_STAFF = True
    manager = world.users["manager"]
    authenticator = TOTP.activate(manager, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").instance
    _token, secret = services.api_token_create(user=manager, name="ci")
    assert _api(secret).status_code == 200
    authenticator.delete()
    response = _api(secret)
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


# --- The admin ------------------------------------------------------------------------------------


@pytest.fixture
def root(client):
    admin = UserFactory(
        email="root@example.org",
        is_staff=True,
        is_superuser=True,
        global_role=GlobalRole.PLATFORM_ADMIN,
    )
    client.force_login(admin)
    return client


def test_admin_revocation_takes_effect_at_the_next_request(world, root):
    token, secret = services.api_token_create(user=world.users["founder"], name="ci")
    assert _api(secret).status_code == 200  # the owner is now in the token cache
    response = root.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_reason == TokenRevocation.ADMIN
    assert _api(secret).status_code == 401
    assert AuditEntry.objects.filter(action="accounts.token_revoke").count() == 1


def test_admin_cannot_clear_revoked_at(world, root):
    token, secret = services.api_token_create(user=world.users["founder"], name="ci")
    services.api_token_revoke(token=token, actor=world.users["founder"])
    response = root.get(f"/admin/accounts/apitoken/{token.pk}/change/")
    assert response.status_code == 200
    assert 'name="revoked_at' not in response.content.decode()
    root.post(
        f"/admin/accounts/apitoken/{token.pk}/change/", {"revoked_at_0": "", "revoked_at_1": ""}
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _api(secret).status_code == 401


def test_a_token_cannot_be_deleted_in_the_admin(world, root):
    # A deletion would leave no audit entry: revoking (the action, audited) is the way.
    token, secret = services.api_token_create(user=world.users["founder"], name="ci")
    assert _api(secret).status_code == 200
    response = root.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert root.post(
        "/admin/accounts/apitoken/",
        {"action": "delete_selected", "_selected_action": [token.pk], "post": "yes"},
    ).status_code in (200, 302)
    assert ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).exists()
    assert _api(secret).status_code == 200
