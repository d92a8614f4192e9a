"""Grant notices: every step that waits on someone tells them, in their inbox and by e-mail —
the staff who may approve or pay a tranche (never its requester or approvers under segregation
of duties), the people who act for the company of a payment, a report's review, a clawback, a
cancelled grant, and of reports due soon or overdue (once per milestone and kind)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from technopark.grants import services
from technopark.grants.services.reminders import grants_report_reminders
from technopark.notices.models import Notice
from tests.factories import TeamMemberFactory, UserFactory
from tests.grants.factories import accept_report, make_award, ready_to_pay

D = Decimal
pytestmark = pytest.mark.django_db


def told(kind, **filters):
    return set(
        Notice.objects.filter(kind=f"grants.{kind}", **filters).values_list(
            "recipient__email", flat=True
        )
    )


def test_staff_but_not_the_requester_are_asked_to_approve(world, admin, requester, award):
    tranche = award.tranches.order_by("number").first()
    key = f"grants.tranche:{tranche.pk}:approve"
    assert told("tranche_to_approve", key=key) == {"manager@example.org", "park_admin@example.org"}
    notice = Notice.objects.filter(key=key).first()
    assert notice.url == f"/yakutia/grants/{award.pk}/"
    # Written in the park's language (its first: Russian), whoever is reading the page now.
    assert "Транш 1 по гранту компании" in notice.subject
    assert "000,00" in notice.body


def test_once_approved_those_who_may_pay_are_told(world, admin, requester, accountant, award):
    tranche = award.tranches.order_by("number").first()
    accept_report(tranche.milestone)
    services.tranche_approve(tranche=tranche, actor=world.users["manager"])
    assert not told("tranche_to_pay")
    services.tranche_approve(tranche=tranche, actor=admin)
    # Not the requester, not the approvers: only the accountant may pay.
    assert told("tranche_to_pay") == {accountant.email}


def test_the_company_is_told_of_payment_review_clawback_and_cancellation(
    world, admin, accountant, award, django_capture_on_commit_callbacks
):
    founder = world.users["founder"]
    outsider_of_company = TeamMemberFactory(company=world.company, acts_for_company=False).user
    manager = world.users["manager"]
    first = award.tranches.order_by("number").first()
    report = services.grant_report_file(
        milestone=first.milestone, actor=founder, summary="Сделано.", spending={}
    )
    services.grant_report_review(report=report, actor=manager, accept=False, note="Нет актов.")
    assert told("report_returned") == {founder.email}
    assert "Нет актов." in Notice.objects.get(kind="grants.report_returned").body
    again = services.grant_report_file(
        milestone=first.milestone, actor=founder, summary="Исправлено.", spending={}
    )
    services.grant_report_review(report=again, actor=manager, accept=True)
    assert told("report_accepted") == {founder.email}
    ready_to_pay(first, manager, admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.tranche_pay(
            tranche=first, actor=accountant, payment_reference="ПП-7", idempotency_key="k"
        )
    assert told("payment_made") == {founder.email}
    assert "ПП-7" in Notice.objects.get(kind="grants.payment_made").body
    assert any(founder.email in message.to for message in mail.outbox)
    services.clawback_record(
        award=award, actor=manager, amount=D("1000.00"), reason="Остаток", reference="В-1"
    )
    assert told("clawback_recorded") == {founder.email}
    services.award_cancel(award=award, actor=manager, reason="Проект закрыт")
    assert told("award_cancelled") == {founder.email}
    assert not Notice.objects.filter(recipient=outsider_of_company).exists()


def test_a_refused_step_tells_nobody(world, admin, accountant, award):
    tranche = award.tranches.order_by("number").first()
    services.tranche_approve(tranche=tranche, actor=world.users["manager"])
    services.tranche_approve(tranche=tranche, actor=admin)
    before = Notice.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - the gate's refusal; its text is tested elsewhere
        services.tranche_pay(
            tranche=tranche, actor=accountant, payment_reference="p", idempotency_key="k"
        )
    assert Notice.objects.count() == before


def test_notices_are_written_in_the_sites_language(world, settings, award, admin):
    settings.LANGUAGE_CODE = "ru"
    manager = world.users["manager"]
    report = accept_report(award.milestones.order_by("number").first(), reviewer=manager)
    notice = Notice.objects.get(kind="grants.report_accepted", key__contains=str(report.pk))
    assert notice.subject == "Ваш отчёт по этапу 1 принят"


def test_report_reminders_go_once_per_milestone_and_kind(world, participant):
    award = make_award(
        participant, world.users["manager"], tranches=("100", "100", "100"), due=date(2026, 9, 1)
    )
    founder = world.users["founder"]
    # 28 August in Yakutsk: milestone 1 (1 September) is due within a week; 2 and 3 are not.
    at = datetime(2026, 8, 28, 3, 0, tzinfo=UTC)
    run = grants_report_reminders(at=at)
    assert (run.milestones, run.notices) == (1, 1)
    assert told("report_due") == {founder.email}
    assert grants_report_reminders(at=at).notices == 0  # the next day's run repeats nothing
    # 3 September: milestone 1 is overdue now (a reminder of its own), milestone 2 not yet due.
    later = datetime(2026, 9, 3, 3, 0, tzinfo=UTC)
    assert grants_report_reminders(at=later).notices == 1
    assert Notice.objects.filter(kind="grants.report_overdue").count() == 1
    # A filed report stops the reminders; a cancelled grant gets none.
    services.grant_report_file(
        milestone=award.milestones.get(number=2), actor=founder, summary="Готово.", spending={}
    )
    services.award_cancel(award=award, actor=world.users["manager"], reason="Закрыт")
    assert grants_report_reminders(at=datetime(2026, 12, 1, tzinfo=UTC)).notices == 0


def test_the_reminder_command_takes_the_moment(world, participant):
    make_award(participant, world.users["manager"], tranches=("100",), due=date(2026, 9, 1))
    out = StringIO()
    call_command("grants_report_reminders", "--now", "2026-09-10T12:00:00+00:00", stdout=out)
    assert "1 milestones reminded, 1 notices." in out.getvalue()
    assert told("report_overdue") == {world.users["founder"].email}
    out = StringIO()
    call_command("grants_report_reminders", "--now", "2026-09-10T12:00:00+00:00", stdout=out)
    assert "0 milestones reminded" in out.getvalue()


def test_inactive_people_are_not_told(world, admin, participant):
    quiet = UserFactory(email="quiet@example.org", is_active=False)
    TeamMemberFactory(company=world.company, user=quiet)
    award = make_award(participant, world.users["manager"], tranches=("100",))
    services.award_cancel(award=award, actor=world.users["manager"], reason="Закрыт")
    assert told("award_cancelled") == {world.users["founder"].email}
