"""``{% report_banner %}``: shown to a founder until the current report is filed; no query for
anyone else, cached for founders."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from technopark.parks.models import Park
from technopark.parks.rules import access_for
from technopark.residency import services
from tests.residency.conftest import admit, current, file_report

TEMPLATE = Template("{% load residency_tags %}{% report_banner %}")


def render_for(world: Any, user: Any) -> str:
    """As a new request: a fresh park row, which asks the cache for the park's version anew."""
    park = Park.objects.get(pk=world.park.pk)
    request = RequestFactory().get("/yakutia/")
    request.user = user
    request.park = park
    request.access = access_for(user, park)
    return TEMPLATE.render(Context({"request": request}))


@pytest.mark.parametrize("role", ["manager", "expert", "observer", "outsider"])
def test_no_banner_and_no_query_for_non_founders(role, world, resident, django_assert_num_queries):
    user = world.users[role]
    access_for(user, world.park)  # the roles, as the middleware has already loaded them
    request = RequestFactory().get("/yakutia/")
    request.user, request.park = user, world.park
    request.access = access_for(user, world.park)
    with django_assert_num_queries(0):
        html = TEMPLATE.render(Context({"request": request}))
    assert html.strip() == ""


def test_no_banner_for_anonymous_visitors(world, resident, django_assert_num_queries):
    request = RequestFactory().get("/yakutia/")
    request.user, request.park = AnonymousUser(), world.park
    request.access = access_for(request.user, world.park)
    with django_assert_num_queries(0):
        assert TEMPLATE.render(Context({"request": request})).strip() == ""


def test_no_banner_outside_a_park(world, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = world.users["founder"]
    with django_assert_num_queries(0):
        assert TEMPLATE.render(Context({"request": request})).strip() == ""


def test_founder_sees_the_banner_until_the_report_is_filed(
    world, resident, django_assert_num_queries
):
    founder = world.users["founder"]
    request = RequestFactory().get("/yakutia/")
    request.user, request.park = founder, world.park
    request.access = access_for(founder, world.park)
    with django_assert_num_queries(1):
        html = TEMPLATE.render(Context({"request": request}))
    assert 'data-testid="report-banner"' in html
    assert world.company.short_name in html
    assert str(current()) in html
    assert f"/yakutia/residents/reports/{world.company.pk}/file/" in html
    with django_assert_num_queries(0):  # cached for this founder under the park's version
        assert TEMPLATE.render(Context({"request": request})) == html
    file_report(resident, current(), actor=founder)
    assert render_for(world, founder).strip() == ""


def test_no_banner_for_a_founder_of_a_non_resident(world, resident):
    assert render_for(world, world.users["other_founder"]).strip() == ""


def test_no_banner_once_the_residency_ends(world, resident):
    services.resident_end(resident=resident, actor=None)
    assert render_for(world, world.users["founder"]).strip() == ""


def test_no_banner_when_admitted_after_the_quarter(world):
    admit(world.company, start_date=current().next().first_day)
    assert render_for(world, world.users["founder"]).strip() == ""
