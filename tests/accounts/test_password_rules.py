"""Password rules (OWASP ASVS L2): at least 12 characters, not a common password, not like the
person's own address or name; on sign-up and password change alike. The demo password and the
tests' passwords meet them."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from technopark.accounts.models import User
from technopark.demo import data
from technopark.demo.selection_review import EXTRA_EXPERTS
from tests.factories import UserFactory

TEST_PASSWORD = "correct-horse-battery"


def _sign_up(client, password: str, email: str = "ivan.sidorov@example.org"):
    return client.post(
        "/accounts/signup/",
        {
            "full_name": "Иван Сидоров",
            "email": email,
            "password1": password,
            "password2": password,
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-pass1", "at least 12 characters"),  # 11 characters
        ("password1234", "too common"),
        ("ivan.sidorov.org", "too similar to the e-mail address"),
        ("Иван Сидоров 1", "too similar to the full name"),
        ("394857203948", "entirely numeric"),
    ],
)
def test_sign_up_refuses_a_weak_password(client, password, message):
    response = _sign_up(client, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="ivan.sidorov@example.org").exists()


@pytest.mark.django_db
def test_sign_up_takes_a_password_of_twelve(client):
    response = _sign_up(client, "Frost-sensor")  # 12 characters
    assert response.status_code == 302
    assert User.objects.filter(email="ivan.sidorov@example.org").exists()


@pytest.mark.django_db
def test_password_change_refuses_a_short_password(client):
    user = UserFactory(email="anna@example.org", full_name="Анна Петрова")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": "Sh0rt-pass", "password2": "Sh0rt-pass"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_the_demo_password_meets_the_rules_for_every_demo_account():
    people = [(spec.email, spec.full_name) for spec in data.ACCOUNTS]
    people += [(email, full_name) for email, full_name, *_rest in EXTRA_EXPERTS]
    assert len(people) > 5
    for email, full_name in people:
        validate_password(data.DEMO_PASSWORD, User(email=email, full_name=full_name))


def test_the_tests_password_meets_the_rules():
    validate_password(TEST_PASSWORD, User(email="person1@example.org", full_name="Person 1"))


def test_the_rules_are_the_asvs_ones():
    with pytest.raises(ValidationError):
        validate_password("eleven-char")
    validate_password("twelve-chars")
