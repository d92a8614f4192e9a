"""The park's grant policy through the services: the payment gate (paid only against an accepted
report), segregation of duties (requester, approvers and payer are different people), both on by
default, both recorded in the audit chain; and cancelling a whole award."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from technopark.audit.models import AuditEntry
from technopark.audit.services import audit_verify
from technopark.grants import queries, services
from technopark.grants.models import (
    Disbursement,
    GrantAward,
    GrantPolicy,
    TrancheApproval,
    TrancheCancellation,
    TrancheStatus,
)
from tests.grants.factories import accept_report, approve_twice, ready_to_pay

D = Decimal
pytestmark = pytest.mark.django_db


def pay(tranche, actor, key="k-1"):
    return services.tranche_pay(
        tranche=tranche, actor=actor, payment_reference="ПП-1", idempotency_key=key
    )


def file_report(tranche, founder):
    return services.grant_report_file(
        milestone=tranche.milestone, actor=founder, summary="Сделано.", spending={}
    )


@pytest.fixture
def approved(world, award, admin):
    return approve_twice(award.tranches.first(), world.users["manager"], admin)


def test_the_defaults_are_on_without_a_row(world):
    policy = queries.policy_for(world.park)
    assert policy.pk is None
    assert policy.as_dict() == {"pay_only_accepted_reports": True, "segregation_of_duties": True}


def test_a_tranche_is_not_paid_until_its_report_is_accepted(world, approved, accountant):
    founder = world.users["founder"]
    with pytest.raises(ValidationError) as error:
        pay(approved, accountant)
    assert error.value.message_dict["tranche"] == [
        "The tranche for milestone 1 “Этап 1” cannot be paid: no report on the milestone has "
        "been filed."
    ]
    report = file_report(approved, founder)
    with pytest.raises(ValidationError) as error:
        pay(approved, accountant)
    assert "the milestone's report is under review" in error.value.message_dict["tranche"][0]
    services.grant_report_review(
        report=report, actor=world.users["manager"], accept=False, note="Нет актов."
    )
    with pytest.raises(ValidationError) as error:
        pay(approved, accountant)
    assert "was returned for changes" in error.value.message_dict["tranche"][0]
    # Nothing changed by the refusals.
    approved.refresh_from_db()
    assert approved.status == TrancheStatus.APPROVED
    assert not Disbursement.objects.exists()
    assert not AuditEntry.objects.filter(action="grants.pay").exists()
    again = file_report(approved, founder)
    services.grant_report_review(report=again, actor=world.users["manager"], accept=True)
    result = pay(approved, accountant)
    assert result.created
    entry = AuditEntry.objects.get(action="grants.pay")
    assert entry.after["policy"] == {
        "pay_only_accepted_reports": True,
        "segregation_of_duties": True,
    }
    assert audit_verify().ok


def test_the_refusal_is_in_russian_for_a_russian_reader(world, approved, accountant):
    services.grant_report_review(
        report=file_report(approved, world.users["founder"]),
        actor=world.users["manager"],
        accept=False,
        note="Нет актов.",
    )
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        pay(approved, accountant)
    assert error.value.message_dict["tranche"] == [
        "Выплата по этапу 1 «Этап 1» невозможна: отчёт по этапу возвращён на доработку."
    ]


def test_a_replay_of_a_made_payment_returns_it_even_if_the_rules_tightened(
    world, approved, accountant, admin
):
    accept_report(approved.milestone)
    first = pay(approved, accountant, key="same")
    # The rules changed afterwards (and the report too): the payment already made is returned.
    services.grant_policy_set(
        park=world.park, actor=admin, pay_only_accepted_reports=True, segregation_of_duties=True
    )
    again = pay(approved, accountant, key="same")
    assert not again.created and again.disbursement.pk == first.disbursement.pk


def test_the_requester_cannot_approve(world, award, requester):
    tranche = award.tranches.first()
    assert tranche.requested_by == requester
    with pytest.raises(ValidationError) as error:
        services.tranche_approve(tranche=tranche, actor=requester)
    assert "You requested this tranche" in error.value.message_dict["approver"][0]
    assert not TrancheApproval.objects.exists()


def test_an_approver_and_the_requester_cannot_pay(world, award, admin, requester, accountant):
    tranche = ready_to_pay(award.tranches.first(), world.users["manager"], admin)
    for person, words in (
        (world.users["manager"], "You approved this tranche"),
        (admin, "You approved this tranche"),
        (requester, "You requested this tranche"),
    ):
        with pytest.raises(ValidationError) as error:
            pay(tranche, person)
        assert words in error.value.message_dict["tranche"][0]
    assert not Disbursement.objects.exists()
    assert pay(tranche, accountant).created
    entry = AuditEntry.objects.get(action="grants.approve", after__status="approved")
    assert entry.after["policy"]["segregation_of_duties"] is True


def test_with_the_policy_off_todays_rules_apply(world, award, admin, requester):
    services.grant_policy_set(
        park=world.park, actor=admin, pay_only_accepted_reports=False, segregation_of_duties=False
    )
    tranche = award.tranches.first()
    services.tranche_approve(tranche=tranche, actor=requester)
    with pytest.raises(ValidationError):  # one person twice: still refused
        services.tranche_approve(tranche=tranche, actor=requester)
    services.tranche_approve(tranche=tranche, actor=admin)
    result = pay(tranche, requester)
    assert result.created
    entry = AuditEntry.objects.get(action="grants.pay")
    assert entry.after["policy"] == {
        "pay_only_accepted_reports": False,
        "segregation_of_duties": False,
    }


def test_each_rule_is_its_own_switch(world, award, admin, requester, accountant):
    services.grant_policy_set(
        park=world.park, actor=admin, pay_only_accepted_reports=False, segregation_of_duties=True
    )
    tranche = approve_twice(award.tranches.first(), world.users["manager"], admin)
    with pytest.raises(ValidationError):
        pay(tranche, admin)
    assert pay(tranche, accountant).created  # no report needed


def test_a_policy_change_is_audited_with_before_and_after(world, admin):
    policy = services.grant_policy_set(
        park=world.park, actor=admin, pay_only_accepted_reports=False, segregation_of_duties=True
    )
    assert GrantPolicy.objects.get(park=world.park) == policy
    entry = AuditEntry.objects.get(action="grants.policy")
    assert entry.before == {"pay_only_accepted_reports": True, "segregation_of_duties": True}
    assert entry.after == {"pay_only_accepted_reports": False, "segregation_of_duties": True}
    # The same values again: nothing to record.
    services.grant_policy_set(
        park=world.park, actor=admin, pay_only_accepted_reports=False, segregation_of_duties=True
    )
    assert AuditEntry.objects.filter(action="grants.policy").count() == 1
    with pytest.raises(ValidationError) as error:
        services.grant_policy_set(
            park=world.park,
            actor=admin,
            pay_only_accepted_reports="yes",
            segregation_of_duties=True,
        )
    assert "pay_only_accepted_reports" in error.value.message_dict
    assert audit_verify().ok


# --- Cancelling a whole award ------------------------------------------------------------


def test_cancelling_an_award_cancels_unpaid_tranches_and_keeps_the_money(
    world, award, admin, accountant
):
    manager = world.users["manager"]
    first, second, _third = list(award.tranches.order_by("number"))
    ready_to_pay(first, manager, admin)
    pay(first, accountant)
    approve_twice(second, manager, admin)
    cancelled = services.award_cancel(award=award, actor=manager, reason="Проект прекращён")
    assert cancelled.cancelled_at is not None and cancelled.cancelled_by == manager
    assert cancelled.cancellation_reason == "Проект прекращён"
    statuses = dict(award.tranches.values_list("number", "status"))
    assert statuses == {1: "paid", 2: "cancelled", 3: "cancelled"}
    assert TrancheCancellation.objects.filter(reason="Проект прекращён").count() == 2
    award.refresh_from_db()
    assert (award.paid_total, award.remaining) == (D("500000.00"), D("1000000.00"))
    actions = list(
        AuditEntry.objects.filter(action__in=["grants.award_cancel", "grants.tranche_cancel"])
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["grants.tranche_cancel", "grants.tranche_cancel", "grants.award_cancel"]
    # Paid money can still be clawed back after the cancellation.
    services.clawback_record(
        award=award, actor=manager, amount=D("500000.00"), reason="Возврат", reference="В-1"
    )
    award.refresh_from_db()
    assert award.net_paid == D("0.00")
    assert audit_verify().ok


def test_nothing_new_happens_on_a_cancelled_award(world, award, admin, accountant):
    manager = world.users["manager"]
    first = award.tranches.order_by("number").first()
    services.award_cancel(award=award, actor=manager, reason="Проект прекращён")
    refusals = [
        lambda: services.tranche_request(
            award=award, milestone=first.milestone, actor=manager, amount=D("1.00")
        ),
        lambda: services.tranche_approve(tranche=first, actor=admin),
        lambda: pay(first, accountant),
        lambda: services.milestone_add(
            award=award, actor=manager, title="Ещё", due_on=award.decided_on
        ),
    ]
    for call in refusals:
        with pytest.raises(ValidationError) as error:
            call()
        assert "cancelled" in str(error.value)
    assert award.tranches.count() == 3


def test_a_second_cancellation_is_refused_and_changes_nothing(world, award):
    manager = world.users["manager"]
    services.award_cancel(award=award, actor=manager, reason="Первый раз")
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        services.award_cancel(award=award, actor=manager, reason="Второй раз")
    assert error.value.message_dict["award"] == ["This grant is already cancelled."]
    award = GrantAward.all_parks.get(pk=award.pk)
    assert award.cancellation_reason == "Первый раз"
    assert AuditEntry.objects.count() == entries


def test_a_cancellation_needs_a_reason(world, award):
    with pytest.raises(ValidationError) as error:
        services.award_cancel(award=award, actor=world.users["manager"], reason="  ")
    assert "reason" in error.value.message_dict
    assert GrantAward.all_parks.get(pk=award.pk).cancelled_at is None
