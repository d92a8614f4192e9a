"""Fixtures of the parks tests shared by their modules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.selection.factories import (
    ApplicationFactory,
    CallFactory,
    ExpertProfileFactory,
    ReviewAssignmentFactory,
)


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
