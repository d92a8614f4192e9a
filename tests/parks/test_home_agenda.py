"""The member's home (``/<park>/``) and the personal page (``/me/``): what waits for each role,
each item appearing when its condition holds and gone once resolved, query counts at two sizes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from technopark.parks import agenda
from technopark.parks.rules import access_for
from tests.selection.factories import (
    ApplicationFactory,
    CallFactory,
    ExpertProfileFactory,
    ReviewAssignmentFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "founder", "other_founder", "manager", "expert", "observer", "outsider")


def _kinds(world: Any, role: str) -> set[str]:
    user = world.users[role]
    return {
        item.kind for item in agenda.agenda(park=world.park, access=access_for(user, world.park))
    }


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def busy(world: Any) -> Any:
    """Something waiting for every role of the world: a draft for the founder, a published
    assignment due for the expert, applications to screen and assignments to publish for staff.
    """
    call = CallFactory(park=world.park, title="Residency 2026")
    ApplicationFactory(call=call, company=world.company, status="draft", submitted_at=None)
    submitted = ApplicationFactory(call=call, company=world.other_company)
    profile = ExpertProfileFactory(park=world.park, user=world.users["expert"])
    ReviewAssignmentFactory(
        application=submitted, expert=profile, due_at=timezone.now() + timedelta(days=5)
    )
    other = ExpertProfileFactory(park=world.park)
    ReviewAssignmentFactory(application=submitted, expert=other, status="proposed")
    return call


@pytest.mark.parametrize("role", ROLES)
def test_park_home_role_matrix(world: Any, client_for: Any, busy: Any, role: str) -> None:
    html = _page(client_for(role), "/yakutia/")
    expected = {
        "anonymous": set(),
        "outsider": set(),  # not a member here: the public page only, nothing of the park's
        "founder": {"selection.drafts"},
        "other_founder": {"selection.under_review"},
        "manager": {"selection.screening", "selection.assignments"},
        "expert": {"selection.reviews_due"},
        "observer": set(),
    }[role]
    member = role not in ("anonymous", "outsider")
    assert ('id="agenda-title"' in html) is member
    for kind in expected:
        assert f'data-kind="{kind}"' in html, (role, kind)
    shown = {kind for kind in agenda_kinds(html)}
    assert shown == expected
    if member and not expected:
        assert 'data-testid="agenda-empty"' in html
    # The public part is there for everyone.
    assert 'id="park-title"' in html


def agenda_kinds(html: str) -> list[str]:
    import re

    return re.findall(r'data-kind="([a-z_.]+)"', html)
