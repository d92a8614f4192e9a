"""The 403, 404 and 500 pages speak the visitor's language and never fail themselves."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation

from technopark.parks.views import error_403, error_404, error_500


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Page not found"), ("ru", "Страница не найдена")],
)
def test_404_page_in_both_languages(client, db, language, title):
    client.cookies["django_language"] = language
    response = client.get("/no-such-park/")
    assert response.status_code == 404
    assert title in response.content.decode()


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Access denied"), ("ru", "Доступ запрещён")],
)
def test_403_page_in_both_languages(world, client_for, language, title):
    client = client_for("outsider")
    client.cookies["django_language"] = language
    response = client.get("/yakutia/companies/")
    assert response.status_code == 403
    assert title in response.content.decode()


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Something went wrong"), ("ru", "Что-то пошло не так")],
)
def test_500_page_renders_without_the_database(db, language, title, django_assert_num_queries):
    request = RequestFactory().get("/")
    with translation.override(language), django_assert_num_queries(0):
        response = error_500(request)
    assert response.status_code == 500
    assert title in response.content.decode()


def test_error_handlers_answer_their_status(world, rf):
    request = rf.get("/")
    request.user = world.users["manager"]
    request.park = None
    request.access = None
    assert error_403(request).status_code == 403
    assert error_404(request).status_code == 404


def test_unknown_api_path_answers_json_404(client, db):
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("path", ["/%00/", "/park%00x/companies/", "/a%20b/"])
def test_malformed_park_address_is_404_not_500(client, db, path):
    assert client.get(path).status_code == 404


def test_overlong_park_slug_never_reaches_the_database(world, rf, django_assert_num_queries):
    from technopark.parks.middleware import ParkMiddleware

    middleware = ParkMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    request = rf.get("/")
    request.user = world.users["manager"]
    with django_assert_num_queries(0), pytest.raises(Http404):
        middleware.process_view(request, lambda r: None, (), {"park_slug": "x" * 51})
