"""The payment gate and segregation of duties under 20 parallel requests on real PostgreSQL: the
rules are checked under the award's and the tranche's row locks, so no interleaving pays against
an unaccepted report, lets a requester approve, or lets an approver pay."""

from __future__ import annotations

import pytest
from django.db import connection

from technopark.grants import services
from technopark.grants.models import Disbursement, TrancheApproval, TrancheStatus
from technopark.parks.models import Role
from tests.concurrency import race
from tests.factories import MembershipFactory, UserFactory
from tests.grants.factories import accept_report, approve_twice, make_award, make_participant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PARALLEL = 20


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL; CI runs it in make pytest-postgres): "
            "SQLite serialises every writer, so it proves nothing about row locks"
        )


def _staff(world, count):
    people = []
    for n in range(count):
        person = UserFactory(email=f"staff{n}@example.org", full_name=f"Staff {n}")
        MembershipFactory(park=world.park, user=person, role=Role.MANAGER)
        people.append(person)
    return people


def test_twenty_payments_of_a_tranche_whose_report_is_not_accepted_are_all_refused(world, admin):
    award = make_award(make_participant(world.park, world.company), world.users["manager"])
    tranche = approve_twice(award.tranches.first(), world.users["manager"], admin)
    services.grant_report_file(
        milestone=tranche.milestone, actor=world.users["founder"], summary="Готово.", spending={}
    )
    payers = _staff(world, PARALLEL)
    outcome = race(
        *[
            (
                lambda person=person, n=n: services.tranche_pay(
                    tranche=tranche,
                    actor=person,
                    payment_reference=f"ПП-{n}",
                    idempotency_key=f"gate-{n}",
                )
            )
            for n, person in enumerate(payers)
        ]
    )
    assert not outcome.values and not outcome.failures, outcome.failures
    assert len(outcome.refusals) == PARALLEL
    assert all("under review" in str(error) for error in outcome.refusals)
    assert not Disbursement.objects.exists()
    award.refresh_from_db()
    assert award.paid_total == 0


def test_twenty_staff_approving_and_paying_at_once_keep_the_duties_apart(world):
    """The requester, every other staff member approving, and every one of them paying, all at
    once and twice over: exactly two approvals, exactly one payment, and the payer is neither
    the requester nor an approver."""
    award = make_award(make_participant(world.park, world.company), world.users["manager"])
    tranche = award.tranches.first()
    accept_report(tranche.milestone)
    requester = tranche.requested_by
    people = [requester, *_staff(world, PARALLEL - 1)]

    def approve(person):
        return lambda: services.tranche_approve(tranche=tranche, actor=person)

    def pay(person, n):
        return lambda: services.tranche_pay(
            tranche=tranche, actor=person, payment_reference=f"ПП-{n}", idempotency_key=f"p-{n}"
        )

    approvals = race(*[approve(person) for person in people])
    assert not approvals.failures, approvals.failures
    assert len(approvals.values) == 2  # the first two others; the rest find it approved
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.APPROVED
    approvers = set(
        TrancheApproval.objects.filter(tranche=tranche).values_list("approver_id", flat=True)
    )
    assert len(approvers) == 2 and requester.pk not in approvers
    payments = race(*[pay(person, n) for n, person in enumerate(people)])
    assert not payments.failures, payments.failures
    assert len(payments.values) == 1 and payments.values[0].created
    payment = Disbursement.objects.get(tranche=tranche)
    assert payment.paid_by_id not in approvers | {requester.pk}
    assert Disbursement.objects.count() == 1
    award.refresh_from_db()
    assert award.paid_total == tranche.amount
