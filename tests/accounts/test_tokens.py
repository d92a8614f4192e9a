"""API tokens page: list, create (secret shown once), revoke."""

from __future__ import annotations

import hashlib

import pytest

from technopark.accounts import services
from technopark.accounts.models import ApiToken


def test_anonymous_is_sent_to_sign_in(client_for):
    response = client_for("anonymous").get("/account/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/account/tokens/")


def test_create_shows_the_secret_once_and_stores_only_its_hash(world, client_for):
    client = client_for("founder")
    response = client.post("/account/tokens/", {"name": "Отчётный скрипт"})
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
    response = client_for("founder").post("/account/tokens/", {"name": "   "})
    assert response.status_code == 200
    assert 'id="id_name_error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_own_token(world, client_for):
    token, secret = services.api_token_create(user=world.users["founder"], name="ci")
    response = client_for("founder").post(f"/account/tokens/{token.pk}/revoke/")
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
