"""The notice of a decision: only what is meant for the applicant."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from technopark.selection.models import Decision
from technopark.selection.services.council import decision_record
from technopark.selection.tasks.council import decision_notice_send

pytestmark = pytest.mark.django_db

SECRET = "SECRET-council-rationale"


def test_admission_notice_says_what_is_meant_for_the_applicant(
    world, council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = decision_record(
            application=council.strong,
            actor=world.users["manager"],
            outcome="admit",
            rationale=SECRET,
            message_for_applicant="Welcome to the park; sign the agreement by Friday.",
            agreement_number="R-1",
            start_date=dt.date(2026, 12, 1),
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["founder@example.org"]
    assert "Residency 2026" in message.subject
    body = message.body
    assert "accepted" in body
    assert "Welcome to the park; sign the agreement by Friday." in body
    assert "A clear plan; show the pilot's figures next time." in body
    assert "Good market analysis." in body
    for secret in (SECRET, "Strong team", "Ivan Expertov", "expert@example.org", "82.5", "R-1"):
        assert secret not in body
        assert secret not in message.subject
    decision.refresh_from_db()
    assert decision.notice_sent_at is not None


def test_rejection_notice(world, council, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision_record(
            application=council.split,
            actor=world.users["manager"],
            outcome="reject",
            rationale=SECRET,
        )
    assert [m.to for m in mail.outbox] == [["other_founder@example.org"]]
    body = mail.outbox[0].body
    assert "not been accepted" in body
    assert SECRET not in body and "Duplicates an existing resident" not in body


def test_more_information_is_mailed_once_by_the_applications_part(
    world, council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision_record(
            application=council.split,
            actor=world.users["manager"],
            outcome="more_info",
            rationale=SECRET,
            message_for_applicant="Send the letters of intent.",
        )
    assert len(mail.outbox) == 1
    assert "Send the letters of intent." in mail.outbox[0].body
    assert SECRET not in mail.outbox[0].body


def test_a_stale_notice_is_not_sent(world, council):
    decision = Decision.objects.create(
        park=world.park,
        application=council.split,
        outcome="more_info",
        rationale="x",
        decided_by=world.users["manager"],
        decided_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    Decision.objects.create(
        park=world.park,
        application=council.split,
        outcome="reject",
        rationale="x",
        decided_by=world.users["manager"],
        decided_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
    )
    assert decision_notice_send.call(decision_id=decision.pk, language="en") == 0
    assert not mail.outbox
