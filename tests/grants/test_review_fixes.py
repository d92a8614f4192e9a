"""Holes a review of the grant rules found: a later returned report reopening a settled
milestone, reports on a cancelled grant, notices to people who left the park or in the wrong
language, and two first saves of the policy at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from technopark.grants import services
from technopark.grants.models import GrantPolicy, MilestoneStatus, ReportStatus
from technopark.notices.models import Notice
from technopark.parks.models import Membership
from tests.grants.factories import accountant, approve_twice, make_award

pytestmark = pytest.mark.django_db


def _file(milestone, founder, text="Этап выполнен."):
    return services.grant_report_file(milestone=milestone, actor=founder, summary=text, spending={})


def test_a_second_report_cannot_reopen_an_accepted_milestone(world, admin, award):
    founder, manager = world.users["founder"], world.users["manager"]
    tranche = award.tranches.order_by("number").first()
    milestone = tranche.milestone
    first, second = _file(milestone, founder), _file(milestone, founder, "Исправлено.")
    services.grant_report_review(report=first, actor=manager, accept=True)
    with pytest.raises(ValidationError, match="already been accepted"):
        services.grant_report_review(report=second, actor=manager, accept=False, note="Нет")
    second.refresh_from_db()
    milestone.refresh_from_db()
    assert (second.status, milestone.status) == (ReportStatus.SUBMITTED, MilestoneStatus.ACCEPTED)


def test_the_gate_follows_the_milestone_not_any_accepted_report(world, admin, award):
    founder, manager = world.users["founder"], world.users["manager"]
    tranche = award.tranches.order_by("number").first()
    milestone = tranche.milestone
    first, second = _file(milestone, founder), _file(milestone, founder, "Второй.")
    services.grant_report_review(report=second, actor=manager, accept=False, note="Доработать")
    approve_twice(tranche, manager, admin)
    payer = accountant(award.park)
    # The milestone is open again (the latest report was returned): nothing is paid.
    with pytest.raises(ValidationError, match="cannot be paid"):
        services.tranche_pay(
            tranche=tranche, actor=payer, payment_reference="p-1", idempotency_key="gate-1"
        )
    services.grant_report_review(report=first, actor=manager, accept=True)
    paid = services.tranche_pay(
        tranche=tranche, actor=payer, payment_reference="p-1", idempotency_key="gate-1"
    )
    tranche.refresh_from_db()
    assert (paid.created, tranche.status) == (True, "paid")


def test_a_cancelled_grant_takes_and_reviews_no_report(world, award):
    founder, manager = world.users["founder"], world.users["manager"]
    milestone = award.milestones.order_by("number").first()
    filed = _file(milestone, founder)
    services.award_cancel(award=award, actor=manager, reason="Решение комиссии")
    with pytest.raises(ValidationError, match="cancelled"):
        _file(award.milestones.get(number=2), founder)
    with pytest.raises(ValidationError, match="cancelled"):
        services.grant_report_review(report=filed, actor=manager, accept=True)
    filed.refresh_from_db()
    assert filed.status == ReportStatus.SUBMITTED


def test_a_founder_who_left_the_park_is_told_nothing_more(world, award):
    founder = world.users["founder"]
    Membership.all_parks.filter(park=world.park, user=founder).delete()
    services.award_cancel(award=award, actor=world.users["manager"], reason="Закрыт")
    assert not Notice.objects.filter(recipient=founder).exists()


@pytest.mark.parametrize(("languages", "subject"), [("en,ru", "cancelled"), ("ru,en", "отменён")])
def test_notices_are_written_in_the_parks_language(world, award, languages, subject):
    world.park.languages = languages
    world.park.save(update_fields=["languages"])
    award.park.refresh_from_db()
    services.award_cancel(award=award, actor=world.users["manager"], reason="Закрыт")
    notice = Notice.objects.get(kind="grants.award_cancelled")
    assert subject in notice.subject.lower()


def test_the_first_policy_save_makes_one_row(world, admin):
    for _ in range(2):
        services.grant_policy_set(
            park=world.park,
            actor=admin,
            pay_only_accepted_reports=False,
            segregation_of_duties=True,
        )
    assert GrantPolicy.objects.filter(park=world.park).count() == 1
    assert GrantPolicy.for_park(world.park).pay_only_accepted_reports is False


def test_payers_are_told_when_the_tranche_can_be_paid(world, admin, award):
    from tests.grants.factories import accept_report

    payer = accountant(award.park)
    tranche = award.tranches.order_by("number").first()
    approve_twice(tranche, world.users["manager"], admin)
    # Approved, but the milestone's report is not accepted yet: nobody can pay, nobody is told.
    assert not Notice.objects.filter(kind="grants.tranche_to_pay").exists()
    accept_report(tranche.milestone)
    told = set(
        Notice.objects.filter(kind="grants.tranche_to_pay").values_list("recipient", flat=True)
    )
    assert payer.pk in told
    assert world.users["manager"].pk not in told and admin.pk not in told


def test_a_dropped_milestone_is_not_reminded(world, participant):
    from datetime import UTC, date, datetime

    from technopark.grants.services.reminders import grants_report_reminders

    award = make_award(
        participant, world.users["manager"], tranches=("100", "100"), due=date(2026, 9, 1)
    )
    first = award.tranches.get(number=1)
    services.tranche_cancel(tranche=first, actor=world.users["manager"], reason="Этап исключён")
    run = grants_report_reminders(at=datetime(2026, 12, 1, tzinfo=UTC))
    # Only milestone 2 (its tranche still requested) is owed.
    assert run.milestones == 1
    reminded = Notice.objects.filter(kind="grants.report_overdue").get()
    assert "2" in reminded.subject
