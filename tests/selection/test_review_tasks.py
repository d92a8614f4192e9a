"""Reminders of overdue reviews: the task and ``manage.py selection_remind_reviews``."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from technopark.selection.models import AssignmentStatus, Review, ReviewAssignment
from technopark.selection.tasks.review import remind_overdue_reviews, reviews_remind
from tests.selection.factories import ApplicationFactory
from tests.selection.fixtures_review import make_expert

pytestmark = pytest.mark.django_db


def _overdue(rw, hours=2):
    ReviewAssignment.objects.filter(pk=rw.assignment.pk).update(
        due_at=timezone.now() - timedelta(hours=hours)
    )


def test_an_overdue_review_is_reminded_once_a_day(world, review_world):
    _overdue(review_world)
    assert remind_overdue_reviews(base_url="https://park.example") == 1
    (message,) = mail.outbox
    assert message.to == [world.users["expert"].email]
    assert "overdue" in message.subject
    assert "Permafrost sensors" in message.body
    assert "https://park.example/yakutia/reviews/" in message.body
    # Not again the same day.
    assert remind_overdue_reviews() == 0
    ReviewAssignment.objects.update(reminded_at=timezone.now() - timedelta(days=1, minutes=1))
    assert remind_overdue_reviews() == 1


def test_not_due_filed_or_proposed_are_not_reminded(world, review_world):
    assert remind_overdue_reviews() == 0  # due next week
    _overdue(review_world)
    Review.objects.create(assignment=review_world.assignment, submitted_at=timezone.now())
    proposed = ReviewAssignment.objects.create(
        application=ApplicationFactory(call=review_world.call, park=world.park),
        expert=make_expert(world.park),
        status=AssignmentStatus.PROPOSED,
        due_at=timezone.now() - timedelta(days=2),
    )
    assert remind_overdue_reviews() == 0
    assert not mail.outbox
    del proposed


def test_a_blind_call_s_reminder_does_not_name_the_project(world, review_world):
    review_world.call.blind_review = True
    review_world.call.save()
    _overdue(review_world)
    remind_overdue_reviews()
    assert "Permafrost sensors" not in mail.outbox[0].body
    assert f"#{review_world.application.pk}" in mail.outbox[0].body


def test_one_mail_per_expert_listing_all_their_overdue_reviews(world, review_world):
    _overdue(review_world)
    ReviewAssignment.objects.create(
        application=ApplicationFactory(call=review_world.call, park=world.park, title="Second"),
        expert=review_world.expert,
        status=AssignmentStatus.PUBLISHED,
        due_at=timezone.now() - timedelta(days=3),
    )
    assert remind_overdue_reviews() == 1
    assert "Second" in mail.outbox[0].body and "Permafrost sensors" in mail.outbox[0].body


def test_the_task_and_the_command(world, review_world):
    _overdue(review_world)
    assert reviews_remind.call(park_id=world.park.pk) == 1
    ReviewAssignment.objects.update(reminded_at=None)
    out = StringIO()
    call_command("selection_remind_reviews", "--park", "kolyma", stdout=out)
    assert "Reminded 0" in out.getvalue()
    call_command("selection_remind_reviews", "--park", "yakutia", stdout=out)
    assert "Reminded 1" in out.getvalue()
    call_command("selection_remind_reviews", "--queue", stdout=out)
    assert "Queued." in out.getvalue()
    with pytest.raises(CommandError):
        call_command("selection_remind_reviews", "--park", "atlantis")
