"""The confirmation page of a destructive action: the first post asks, only the second acts."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from technopark.core.confirm import confirmation, confirmed


def _request(data: dict[str, Any]) -> Any:
    request = RequestFactory().post("/yakutia/things/7/remove/?from=list", data)
    request.user = AnonymousUser()
    return request


def test_a_first_post_is_not_confirmed_and_a_get_never_is() -> None:
    assert not confirmed(_request({"reason": "x"}))
    assert confirmed(_request({"confirmed": "1"}))
    assert not confirmed(_request({"confirmed": "yes"}))
    get = RequestFactory().get("/?confirmed=1")
    assert not confirmed(get)


@pytest.mark.django_db
def test_the_page_carries_the_posted_fields_and_posts_back_to_the_action() -> None:
    request = _request({"reason": '<b>"late"</b>', "ids": ["3", "4"], "csrfmiddlewaretoken": "t"})
    response = confirmation(
        request,
        title="Remove the thing?",
        message="It cannot be undone.",
        action="Remove",
        back="/yakutia/things/7/",
        consequences=["Its bookings are cancelled."],
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'action="/yakutia/things/7/remove/?from=list"' in page
    assert 'name="reason" value="&lt;b&gt;&quot;late&quot;&lt;/b&gt;"' in page
    assert page.count('name="ids"') == 2
    assert 'name="confirmed" value="1"' in page
    assert 'value="t"' not in page  # the old token is not carried; the page has its own
    assert "Its bookings are cancelled." in page
    assert 'href="/yakutia/things/7/"' in page
