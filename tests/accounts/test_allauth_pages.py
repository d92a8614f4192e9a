"""allauth's pages in our look: sign-up with verification, sign-in by e-mail, password reset."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from technopark.accounts.models import User
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def _link(message: str, path_fragment: str) -> str:
    match = re.search(rf"https?://[^/\s]+({path_fragment}\S*)", message)
    assert match, message
    return match.group(1)


def verified_user(email: str = "anna@example.org") -> User:
    user = UserFactory(email=email, full_name="Анна Петрова")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.mark.django_db
def test_sign_up_sends_verification_and_confirming_signs_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "  Иван Сидоров ",
            "email": "Ivan@Example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="ivan@example.org")
    assert user.full_name == "Иван Сидоров"
    # Verification is mandatory: not signed in until the address is confirmed.
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ivan@example.org"]
    assert mail.outbox[0].subject.startswith("[Technopark]")

    confirm_path = _link(mail.outbox[0].body, "/accounts/confirm-email/")
    response = client.get(confirm_path)
    assert response.status_code == 200
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_sign_up_keeps_next_through_verification(client, world):
    """The invitation flow relies on it: sign up with ?next=, confirm, land on next."""
    client.post(
        "/accounts/signup/?next=/yakutia/",
        {
            "full_name": "Иван",
            "email": "ivan@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "/yakutia/",
        },
    )
    response = client.post(_link(mail.outbox[0].body, "/accounts/confirm-email/"))
    assert response["Location"] == "/yakutia/"


@pytest.mark.django_db
def test_sign_up_errors_stand_next_to_their_fields(client):
    response = client.post(
        "/accounts/signup/", {"email": "not-an-address", "password1": "1", "password2": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert not User.objects.exists()
    # Each error list carries the id its input points to with aria-describedby.
    for name in ("full_name", "email", "password1"):
        assert f'<ul class="errorlist" id="id_{name}_error">' in body
        assert re.search(rf'aria-describedby="[^"]*\bid_{name}_error"', body)
        assert f'<label for="id_{name}">' in body
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_sign_in_by_email_for_a_verified_person(client):
    user = verified_user()
    response = client.post("/accounts/login/", {"login": "ANNA@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client):
    verified_user()
    response = client.post("/accounts/login/", {"login": "anna@example.org", "password": "x"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'class="errorlist nonfield"' in response.content.decode()


@pytest.mark.django_db
def test_unverified_person_gets_a_verification_mail_instead_of_a_session(client):
    UserFactory(email="new@example.org")
    response = client.post("/accounts/login/", {"login": "new@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert [m.to for m in mail.outbox] == [["new@example.org"]]


@pytest.mark.django_db
def test_password_reset_mails_a_working_link(client):
    user = verified_user()
    response = client.post("/accounts/password/reset/", {"email": "anna@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    reset_path = _link(mail.outbox[0].body, "/accounts/password/reset/key/")
    # allauth moves the key into the session and redirects to a key-less address.
    response = client.get(reset_path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else reset_path
    response = client.post(form_path, {"password1": "new-Secret-42", "password2": "new-Secret-42"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("new-Secret-42")


@pytest.mark.django_db
def test_sign_out_ends_the_session(client):
    client.force_login(verified_user())
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"],
)
def test_entrance_pages_extend_the_site_layout(client, url):
    body = client.get(url).content.decode()
    assert 'class="skip-link"' in body
    assert 'class="site-header"' in body
    assert '<main id="main"' in body
    assert 'class="form-wide"' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]
)
def test_management_pages_extend_the_site_layout(client, url):
    client.force_login(verified_user())
    response = client.get(url)
    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()


@pytest.mark.django_db
def test_pages_follow_the_language(client):
    assert "Sign In" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert "Войти" in client.get("/accounts/login/").content.decode()
