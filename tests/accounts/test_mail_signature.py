"""The platform's mail names the platform, never the host a request came in on."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from technopark.core.mail import site_name, subject_line

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-pass-phrase-2026"


def _sign_up(client, language: str) -> None:
    client.post(
        "/accounts/signup/",
        {
            "full_name": "Иван Сидоров",
            "email": "ivan@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_ACCEPT_LANGUAGE=language,
        HTTP_HOST="127.0.0.1:8000",
    )


@override_settings(TECHNOPARK_SITE_URL="https://tp.example.org", ALLOWED_HOSTS=["*"])
@pytest.mark.parametrize(
    ("language", "prefix", "greeting"),
    [("ru", "[Технопарк] ", "Здравствуйте!"), ("en", "[Technopark] ", "Hello,")],
)
def test_account_mail_greets_and_signs_with_the_site_name(client, language, prefix, greeting):
    _sign_up(client, language)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith(prefix)
    assert message.body.startswith(greeting)
    # The link goes where the person signed up; the words name the site.
    words = " ".join(part for part in message.body.split() if "://" not in part)
    assert "127.0.0.1" not in words and "127.0.0.1" not in message.subject
    assert "https://tp.example.org" in message.body


@override_settings(TECHNOPARK_SITE_NAME="Технопарк «Якутия»")
def test_a_configured_site_name_is_the_prefix_and_nothing_is_prefixed_twice():
    assert site_name() == "Технопарк «Якутия»"
    once = subject_line("Подтвердите адрес")
    assert once == "[Технопарк «Якутия»] Подтвердите адрес"
    assert subject_line(once) == once
    assert subject_line("Отчёт\nпринят", park_name="IT-парк") == "[IT-парк] Отчёт принят"
