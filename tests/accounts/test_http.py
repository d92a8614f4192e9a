"""``signed_in_user``: the typed actor a view hands to a service."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from technopark.accounts.http import signed_in_user

pytestmark = pytest.mark.django_db


def test_the_signed_in_user_is_the_actor_and_an_anonymous_visitor_is_refused(world):
    request = RequestFactory().post("/")
    request.user = world.users["manager"]
    assert signed_in_user(request) == world.users["manager"]
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        signed_in_user(request)
