"""The ranking rows' refresh adds no lock order that can deadlock (PostgreSQL).

The refresh once locked the application rows: a review's filing took its assignment and then the
application (before the park's audit head), while the assignment services take the call, the
assignment and the audit head and only then the application, and the applicant's services lock
the application with its call. Both pairs below deadlocked. The refresh now serialises on the
park's audit head, the lock every audited write takes last; each test holds one writer at the
moment it used to wait for the other, and then checks that the rows equal the reference.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.utils import timezone

from technopark.selection.models import AssignmentStatus, ReviewAssignment
from technopark.selection.services import assignment as assignment_services
from technopark.selection.services import review as review_services
from technopark.selection.services.applications import application_withdraw
from technopark.selection.services.assignment import assignment_remove
from technopark.selection.services.review import review_file
from tests.concurrency import race
from tests.selection.factories import CriterionFactory
from tests.selection.fixtures_review import make_expert
from tests.selection.ranking_reference import assert_ranking_matches

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _slowed(module: Any, monkeypatch: Any) -> threading.Event:
    """Make ``module``'s ``audit_record`` wait a second after telling that it was reached."""
    reached = threading.Event()
    real = module.audit_record

    def audit(**kwargs: Any) -> Any:
        reached.set()
        time.sleep(1.0)
        return real(**kwargs)

    monkeypatch.setattr(module, "audit_record", audit)
    return reached


def test_a_review_filed_while_another_expert_is_taken_off(
    world: Any, council: Any, monkeypatch: Any
) -> None:
    criterion = CriterionFactory(call=council.call, scale_max=10)
    filer = make_expert(world.park, email="filer@example.org")
    leaver = make_expert(world.park, email="leaver@example.org")
    filing, leaving = (
        ReviewAssignment.objects.create(
            application=council.pending,
            expert=expert,
            status=AssignmentStatus.PUBLISHED,
            due_at=timezone.now(),
        )
        for expert in (filer, leaver)
    )
    filed_and_refreshed = _slowed(review_services, monkeypatch)

    def file() -> Any:
        return review_file(
            assignment=filing, actor=filer.user, scores={criterion.pk: 9}, recommendation="admit"
        )

    def remove() -> Any:
        filed_and_refreshed.wait(10)
        return assignment_remove(assignment=leaving, actor=world.users["manager"])

    outcome = race(file, remove)

    assert outcome.failures == []
    assert not ReviewAssignment.objects.filter(pk=leaving.pk).exists()
    assert_ranking_matches(council.call)


def test_an_expert_taken_off_while_the_company_withdraws(
    world: Any, council: Any, monkeypatch: Any
) -> None:
    application = council.pending
    leaving = ReviewAssignment.objects.get(application=application)
    manager = world.users["manager"]
    call_locked = _slowed(assignment_services, monkeypatch)

    def remove() -> Any:
        return assignment_remove(assignment=leaving, actor=manager)

    def withdraw() -> Any:
        call_locked.wait(10)
        return application_withdraw(application=application, actor=manager)

    outcome = race(remove, withdraw)

    assert outcome.failures == []
    assert_ranking_matches(council.call)
