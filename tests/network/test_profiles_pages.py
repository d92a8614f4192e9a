"""The profiles part's pages: the role matrix, the directory's filters, contacts only after an
acceptance, the forms, needs and bookmarks."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from technopark.network.models import (
    Bookmark,
    Introduction,
    IntroStatus,
    Need,
    Profile,
    ProfileKind,
    Visibility,
)
from tests.network.conftest import NOW, make_profile

ROLES = ["founder", "other_founder", "manager", "mentor", "investor", "observer", "outsider"]


def url(net: Any, name: str, **kwargs: Any) -> str:
    return reverse(f"network:{name}", kwargs={"park_slug": net.world.park.slug, **kwargs})


@pytest.fixture
def client_of(net: Any, client_for: Any) -> Any:
    return client_for


def test_home_role_matrix(net, client_of, frozen):
    expected = {
        "founder": 200,
        "other_founder": 200,
        "manager": 200,
        "mentor": 200,
        "investor": 200,
        "observer": 200,
        "outsider": 404,
        "expert": 200,
    }
    for role, status in expected.items():
        response = client_of(role).get(url(net, "home"))
        assert response.status_code == status, role
    assert client_of("anonymous").get(url(net, "home")).status_code == 302
    observer_page = client_of("observer").get(url(net, "home")).content.decode()
    assert 'data-testid="observer-note"' in observer_page
    assert url(net, "directory") not in observer_page
    founder_page = client_of("founder").get(url(net, "home")).content.decode()
    for name in ("directory", "my_profiles", "needs", "bookmarks", "intros", "pairings"):
        assert url(net, name) in founder_page, name
    assert url(net, "suggestions") in founder_page
    assert url(net, "runs") not in founder_page
    manager_page = client_of("manager").get(url(net, "home")).content.decode()
    assert url(net, "runs") in manager_page and url(net, "pairing_new") in manager_page
    # the expert holds a role but no profile: the page offers to create one
    expert_page = client_of("expert").get(url(net, "home")).content.decode()
    assert 'data-testid="create-expert"' in expert_page
