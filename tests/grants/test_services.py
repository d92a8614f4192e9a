"""The money rules of grants, through the services: cap, budget, four eyes, idempotent payment,
never twice, never beyond the award, cancellation and clawback as entries, audit entries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from technopark.audit.models import AuditEntry
from technopark.audit.services import audit_verify
from technopark.grants import services
from technopark.grants.models import (
    Clawback,
    Disbursement,
    GrantAward,
    TrancheApproval,
    TrancheCancellation,
    TrancheStatus,
)
from tests.grants.factories import (
    accountant,
    make_award,
    make_participant,
    officer,
    ready_to_pay,
)

D = Decimal
pytestmark = pytest.mark.django_db


def pay(tranche, actor, key="k-1", reference="ПП-1"):
    return services.tranche_pay(
        tranche=tranche, actor=actor, payment_reference=reference, idempotency_key=key
    )


def test_award_with_budget_milestones_and_tranches(world, award):
    assert award.amount == D("1500000.00")
    assert award.cap == D("2000000.00")
    assert [m.number for m in award.milestones.all()] == [1, 2, 3]
    tranches = list(award.tranches.all())
    assert [t.amount for t in tranches] == [D("500000.00")] * 3
    assert all(t.status == TrancheStatus.REQUESTED for t in tranches)
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["grants.award"] + ["grants.tranche_request"] * 3
    assert audit_verify().ok


def test_award_above_the_cap_is_refused(world):
    participant = make_participant(world.park, world.company, cap="1000000.00")
    with pytest.raises(ValidationError) as error:
        make_award(participant, world.users["manager"], amount="1000000.01", tranches=())
    assert "1,000,000.01" in str(error.value.message_dict["amount"])
    assert "1,000,000.00" in str(error.value.message_dict["amount"])
    assert not GrantAward.all_parks.exists()


def test_database_refuses_an_award_above_its_cap(world, award):
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantAward.all_parks.filter(pk=award.pk).update(amount=D("2000000.01"))


def test_database_refuses_overpaid_totals(world, award):
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantAward.all_parks.filter(pk=award.pk).update(paid_total=D("1500000.01"))


def test_budget_must_add_up_to_the_award(world, participant):
    with pytest.raises(ValidationError) as error:
        services.grant_award_create(
            participant=participant,
            actor=world.users["manager"],
            amount=D("1000000"),
            decision_reference="ГР-1",
            decided_on=date(2026, 4, 1),
            budget={"equipment": D("600000"), "salaries": D("300000")},
        )
    assert "900,000.00" in str(error.value.message_dict["budget"])


@pytest.mark.parametrize("bad", [0.5, "100", D("-1"), D("0"), D("1.001"), D("NaN"), D("1e20")])
def test_bad_amounts_are_refused(world, participant, bad):
    with pytest.raises(ValidationError) as error:
        services.grant_award_create(
            participant=participant,
            actor=world.users["manager"],
            amount=bad,
            decision_reference="ГР-1",
            decided_on=date(2026, 4, 1),
            budget={"equipment": D("1")},
        )
    assert "amount" in error.value.message_dict


def test_one_award_per_participant(world, award, participant):
    with pytest.raises(ValidationError) as error:
        make_award(participant, world.users["manager"], tranches=())
    assert "participant" in error.value.message_dict


def test_tranches_cannot_plan_more_than_the_award(world, award):
    milestone = award.milestones.first()
    with pytest.raises(ValidationError) as error:
        services.tranche_request(
            award=award, milestone=milestone, actor=world.users["manager"], amount=D("0.01")
        )
    assert "1,500,000.01" in error.value.message_dict["amount"][0]


def test_two_different_staff_approve(world, award, admin):
    tranche = award.tranches.first()
    manager = world.users["manager"]
    services.tranche_approve(tranche=tranche, actor=manager)
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.REQUESTED
    with pytest.raises(ValidationError) as error:
        services.tranche_approve(tranche=tranche, actor=manager)
    assert "already approved" in error.value.message_dict["approver"][0]
    services.tranche_approve(tranche=tranche, actor=admin)
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.APPROVED
    assert TrancheApproval.objects.filter(tranche=tranche).count() == 2


def test_database_refuses_the_same_approver_twice(world, award):
    tranche = award.tranches.first()
    TrancheApproval.objects.create(tranche=tranche, approver=world.users["manager"])
    with pytest.raises(IntegrityError), transaction.atomic():
        TrancheApproval.objects.create(tranche=tranche, approver=world.users["manager"])


def test_unapproved_tranche_is_not_paid(world, award):
    tranche = award.tranches.first()
    services.tranche_approve(tranche=tranche, actor=world.users["manager"])
    with pytest.raises(ValidationError) as error:
        pay(tranche, accountant(world.park))
    assert "two staff" in error.value.message_dict["tranche"][0]
    assert not Disbursement.objects.exists()


def test_same_request_twice_pays_once(world, award, admin):
    tranche = ready_to_pay(award.tranches.first(), world.users["manager"], admin)
    first = pay(tranche, accountant(world.park), key="same")
    again = pay(tranche, accountant(world.park), key="same")
    assert first.created and not again.created
    assert again.disbursement.pk == first.disbursement.pk
    award.refresh_from_db()
    assert award.paid_total == D("500000.00")
    assert Disbursement.objects.count() == 1
    assert AuditEntry.objects.filter(action="grants.pay").count() == 1


def test_a_tranche_is_never_paid_twice(world, award, admin):
    tranche = ready_to_pay(award.tranches.first(), world.users["manager"], admin)
    pay(tranche, accountant(world.park), key="one")
    with pytest.raises(services.AlreadyPaid):
        pay(tranche, accountant(world.park), key="two")
    assert Disbursement.objects.count() == 1


def test_a_key_of_another_payment_is_refused(world, award, admin):
    first, second = list(award.tranches.all())[:2]
    ready_to_pay(first, world.users["manager"], admin)
    ready_to_pay(second, world.users["manager"], admin)
    pay(first, accountant(world.park), key="k")
    with pytest.raises(ValidationError) as error:
        pay(second, accountant(world.park), key="k")
    assert "idempotency_key" in error.value.message_dict


def test_paid_total_never_exceeds_the_award(world, award, admin):
    manager = world.users["manager"]
    tranches = list(award.tranches.all())
    for n, tranche in enumerate(tranches):
        ready_to_pay(tranche, manager, admin)
        pay(tranche, accountant(world.park), key=f"k{n}")
    # A clawback frees 100,000; a new tranche of 200,000 would overpay by 100,000.
    services.clawback_record(
        award=award, actor=manager, amount=D("100000"), reason="Не израсходовано", reference="В-1"
    )
    award.refresh_from_db()
    assert award.remaining == D("100000.00")
    # Planning is within the award (the paid tranches count), so plant a tranche directly.
    from technopark.grants.models import Tranche

    extra = Tranche.objects.create(
        award=award,
        milestone=tranches[0].milestone,
        number=9,
        amount=D("200000"),
        requested_by=officer(world.park),
    )
    ready_to_pay(extra, manager, admin)
    with pytest.raises(services.Overpayment) as error:
        pay(extra, accountant(world.park), key="over")
    message = error.value.message_dict["amount"][0]
    assert message == (
        "This payment would bring the total paid to RUB\u00a01,600,000.00, above the award of "
        "RUB\u00a01,500,000.00."
    )
    award.refresh_from_db()
    assert award.paid_total - award.clawed_back_total == D("1400000.00")


def test_cancellation_is_an_entry_and_frees_the_plan(world, award, admin):
    manager = world.users["manager"]
    tranche = award.tranches.last()
    cancellation = services.tranche_cancel(tranche=tranche, actor=manager, reason="Этап снят")
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.CANCELLED
    assert TrancheCancellation.objects.get(tranche=tranche) == cancellation
    with pytest.raises(ValidationError):
        services.tranche_cancel(tranche=tranche, actor=manager, reason="again")
    with pytest.raises(ValidationError):
        services.tranche_approve(tranche=tranche, actor=manager)
    services.tranche_request(
        award=award, milestone=tranche.milestone, actor=manager, amount=D("500000")
    )
    assert AuditEntry.objects.filter(action="grants.tranche_cancel").count() == 1


def test_a_paid_tranche_is_clawed_back_not_cancelled(world, award, admin):
    manager = world.users["manager"]
    tranche = ready_to_pay(award.tranches.first(), manager, admin)
    pay(tranche, accountant(world.park))
    with pytest.raises(ValidationError) as error:
        services.tranche_cancel(tranche=tranche, actor=manager, reason="x")
    assert "clawback" in error.value.message_dict["tranche"][0]
    with pytest.raises(ValidationError) as error:
        services.clawback_record(
            award=award, actor=manager, amount=D("500000.01"), reason="x", reference="В-1"
        )
    assert "500,000.00" in error.value.message_dict["amount"][0]
    services.clawback_record(
        award=award, actor=manager, amount=D("200000"), reason="Нецелевое", reference="В-1"
    )
    award.refresh_from_db()
    assert (award.paid_total, award.clawed_back_total) == (D("500000.00"), D("200000.00"))
    assert Clawback.objects.count() == 1
    assert Disbursement.objects.get().amount == D("500000.00")  # the payment is never edited


def test_audit_chain_holds_every_decision_and_movement(world, award, admin):
    manager = world.users["manager"]
    tranche = ready_to_pay(award.tranches.first(), manager, admin)
    pay(tranche, accountant(world.park))
    services.clawback_record(award=award, actor=manager, amount=D("1"), reason="x", reference="r")
    services.tranche_cancel(tranche=award.tranches.last(), actor=manager, reason="y")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "grants.award",
        "grants.approve",
        "grants.pay",
        "grants.clawback",
        "grants.tranche_cancel",
    } <= actions
    entry = AuditEntry.objects.get(action="grants.pay")
    assert entry.after["amount"] == "500000.00"  # a string, never a float
    assert audit_verify().ok


def test_a_twin_request_that_passed_the_precheck_gets_the_first_payment(world, award, admin):
    """What the row lock gives on SQLite too: a request that looked before the first payment
    committed looks again under the lock and returns that payment instead of paying again."""
    tranche = ready_to_pay(award.tranches.first(), world.users["manager"], admin)
    first = pay(tranche, accountant(world.park), key="twin")
    with transaction.atomic():
        twin = services.tranches._pay_locked(
            tranche=tranche,
            actor=accountant(world.park),
            reference="ПП-1",
            key="twin",
            paid_on=None,
        )
    assert not twin.created and twin.disbursement.pk == first.disbursement.pk
    with pytest.raises(services.AlreadyPaid), transaction.atomic():
        services.tranches._pay_locked(
            tranche=tranche, actor=accountant(world.park), reference="x", key="other", paid_on=None
        )
    award.refresh_from_db()
    assert award.paid_total == D("500000.00")


def test_database_refuses_a_second_payment_of_a_tranche(world, award, admin):
    tranche = ready_to_pay(award.tranches.first(), world.users["manager"], admin)
    pay(tranche, accountant(world.park), key="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.create(
            award=award,
            tranche=tranche,
            amount=D("1"),
            payment_reference="x",
            idempotency_key="b",
            paid_on=date(2026, 5, 1),
            paid_by=admin,
        )


def test_grants_write_money_with_the_projects_one_formatter():
    """Grants keep no formatter of their own: pages, mails and refusals use ``core.money``."""
    from django.template import engines

    from technopark.core.money import format_money

    assert not hasattr(services, "format_money")
    rendered = (
        engines["django"]
        .from_string("{% load money %}{{ value|money }}")
        .render({"value": D("1600000")})
    )
    assert rendered == format_money(D("1600000"))
    with translation.override("en"):
        assert format_money(D("1600000")) == "RUB\u00a01,600,000.00"
    with translation.override("ru"):
        assert format_money(D("1600000")).replace("\u00a0", " ") == "1 600 000,00 ₽"


def test_overdue_is_counted_in_the_parks_time_zone(world, participant, monkeypatch):
    """At 20:00 UTC on 4 May it is already 5 May in Yakutsk (UTC+9): a milestone due on 4 May is
    overdue there, though the UTC date is still the 4th."""
    from datetime import UTC, datetime

    from django.utils import timezone

    from technopark.grants.queries import grant_summary_by_participant

    award = make_award(participant, world.users["manager"], tranches=("1",), due=date(2026, 5, 4))
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 5, 4, 20, 0, tzinfo=UTC))
    cohort = award.participant.cohort
    assert grant_summary_by_participant(cohort=cohort)[participant.pk].overdue_milestones == 1
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 5, 4, 14, 0, tzinfo=UTC))
    assert grant_summary_by_participant(cohort=cohort)[participant.pk].overdue_milestones == 0


def test_grant_summary_states(world, award, admin):
    from technopark.grants.queries import GrantState, grant_summary_by_participant

    cohort = award.participant.cohort
    summary = grant_summary_by_participant(cohort=cohort)[award.participant_id]
    assert summary.status == GrantState.AWARDED
    assert summary.status_label == "Awarded, nothing paid yet"
    tranche = ready_to_pay(award.tranches.first(), world.users["manager"], admin)
    pay(tranche, accountant(world.park))
    summary = grant_summary_by_participant(cohort=cohort)[award.participant_id]
    assert (summary.status, summary.paid, summary.remaining) == (
        GrantState.IN_PAYMENT,
        D("500000.00"),
        D("1000000.00"),
    )
