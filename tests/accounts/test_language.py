"""A person's own language (the profile's): pages, the header's switch, e-mail and API answers."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from technopark.accounts.models import User
from technopark.notices import services as notices
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _save_profile(client: Client, language: str, **extra: str) -> object:
    return client.post("/account/", {"full_name": "Туйаара Попова", "language": language}, **extra)


def test_the_profile_offers_each_language_named_in_itself(client_for):
    body = client_for("founder").get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="language"' in body
    assert ">Русский<" in body and ">English<" in body


def test_a_chosen_language_wins_over_the_browser_on_every_page(world, client_for):
    client = client_for("founder")
    response = _save_profile(client, "en", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    assert User.objects.get(pk=world.users["founder"].pk).language == "en"
    # The cookie keeps it after signing out.
    assert response.cookies["django_language"].value == "en"
    page = client.get("/account/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page["Content-Language"] == "en"
    assert "My account" in page.content.decode()


def test_without_a_choice_pages_follow_the_browser(world, client_for):
    client = client_for("founder")
    _save_profile(client, "")
    assert User.objects.get(pk=world.users["founder"].pk).language == ""
    page = client.get("/account/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page["Content-Language"] == "ru"
    assert "Мой профиль" in page.content.decode()


def test_a_language_the_site_does_not_have_is_refused(world, client_for):
    response = _save_profile(client_for("founder"), "fr", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'id="id_language_error"' in response.content.decode()
    assert User.objects.get(pk=world.users["founder"].pk).language == ""


def test_the_headers_language_switch_saves_the_choice_of_a_signed_in_person(world, client_for):
    client = client_for("founder")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/account/"})
    assert response.status_code == 302
    assert User.objects.get(pk=world.users["founder"].pk).language == "en"
    # An anonymous visitor's switch sets the cookie only.
    anonymous = client_for("anonymous")
    assert anonymous.post("/i18n/setlang/", {"language": "en"}).status_code == 302


def test_api_errors_are_in_the_persons_language(world, client_for):
    manager = world.users["manager"]
    manager.language = "ru"
    manager.save(update_fields=["language"])
    answer = client_for("manager").get(
        "/api/v1/parks/no-such-park/companies/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 404
    assert answer.json()["detail"] == "Не найдено."
    manager.language = "en"
    manager.save(update_fields=["language"])
    answer = client_for("manager").get(
        "/api/v1/parks/no-such-park/companies/", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert answer.json()["detail"] == "Not found."


def test_a_notice_is_written_in_each_persons_language_else_the_parks(
    world, django_capture_on_commit_callbacks
):
    founder, manager = world.users["founder"], world.users["manager"]
    founder.language = "en"
    founder.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        made = notices.notify(
            recipients=[founder, manager],
            park=world.park,
            kind="residency.report_returned",
            template="residency/email/report_returned",
            context={"company": "Северный код", "quarter": "Q3 2026", "park": "Технопарк"},
            url="/yakutia/",
            language="ru",
        )
    assert made == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    english = by_address[founder.email]
    russian = by_address[manager.email]
    assert english.subject.startswith("[Technopark Yakutia] The report of Северный код")
    assert "All your notices:" in english.body
    assert russian.subject.startswith("[Технопарк Якутия] ")
    assert "Все ваши уведомления" in russian.body or "уведомления" in russian.body


def test_signing_in_applies_the_persons_language_at_once(world, client):
    person = UserFactory(email="reader@example.org", language="en")
    person.set_password("a-long-enough-pass-phrase-2026")
    person.save()
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    response = client.post(
        "/accounts/login/",
        {"login": person.email, "password": "a-long-enough-pass-phrase-2026"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ru", follow=True)
    assert page.wsgi_request.LANGUAGE_CODE == "en"
