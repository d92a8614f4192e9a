"""Tranches and the money that moves: a tranche requested against a milestone, approved by two
different staff members, paid once (idempotency key, under the award's lock) or cancelled while
unpaid, and money clawed back, an entry of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.core.localtime import local_today
from technopark.core.money import format_money
from technopark.grants.models import (
    APPROVALS_NEEDED,
    ZERO,
    Clawback,
    Disbursement,
    GrantAward,
    GrantPolicy,
    GrantReport,
    Milestone,
    MilestoneStatus,
    ReportStatus,
    Tranche,
    TrancheApproval,
    TrancheCancellation,
    TrancheStatus,
)
from technopark.grants.services._common import (
    _award_snapshot,
    _clean_money,
    _clean_text,
    _locked_award,
)
from technopark.grants.services.notices import (
    tell_company,
    tell_tranche_approved,
    tell_tranche_requested,
)


@dataclass(frozen=True)
class PaymentResult:
    disbursement: Disbursement
    created: (
        bool  # False: the same request (idempotency key) was already paid; this is that payment
    )


def _actor(actor: User) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _refuse_if_cancelled(award: GrantAward, field: str = "award") -> None:
    if award.cancelled_at is not None:
        raise ValidationError(
            {
                field: _(
                    "This grant has been cancelled: nothing more is requested, approved or paid."
                )
            }
        )


def _report_gate(milestone: Milestone) -> None:
    """Refuse paying against ``milestone`` until its report is accepted, naming the state of its
    latest report. The milestone's own state decides, read under its row lock (the lock a review
    takes too): a report accepted earlier does not open the gate once a later one was returned."""
    current = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if current.status == MilestoneStatus.ACCEPTED:
        return
    reports = list(GrantReport.objects.filter(milestone=milestone).order_by("-filed_at", "-pk"))
    if not reports:
        state = _("no report on the milestone has been filed")
    elif reports[0].status == ReportStatus.RETURNED:
        state = _("the milestone's report was returned for changes")
    else:
        state = _("the milestone's report is under review")
    raise ValidationError(
        {
            "tranche": _(
                "The tranche for milestone %(number)d “%(title)s” cannot be paid: %(state)s."
            )
            % {"number": milestone.number, "title": milestone.title, "state": state}
        }
    )


@transaction.atomic
def tranche_request(
    *, award: GrantAward, milestone: Milestone, actor: User, amount: Decimal
) -> Tranche:
    """Request the payment of ``amount`` against ``milestone`` of ``award``.

    The tranches not cancelled may add up to the award at most. Locking: the award row
    (``select_for_update``), so two requests cannot together plan more than the award.
    Audit-logged as ``grants.tranche_request``.
    """
    amount = _clean_money(amount, "amount")
    locked = _locked_award(award)
    _refuse_if_cancelled(locked)
    if milestone.award_id != locked.pk:
        raise ValidationError({"milestone": _("Choose a milestone of this grant.")})
    planned = (
        Tranche.objects.filter(award=locked)
        .exclude(status=TrancheStatus.CANCELLED)
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    if planned + amount > locked.amount:
        raise ValidationError(
            {
                "amount": _(
                    "The tranches would add up to %(total)s, above the award of %(award)s "
                    "(%(free)s is not yet planned)."
                )
                % {
                    "total": format_money(planned + amount, locked.currency),
                    "award": format_money(locked.amount, locked.currency),
                    "free": format_money(max(locked.amount - planned, ZERO), locked.currency),
                }
            }
        )
    number = (Tranche.objects.filter(award=locked).aggregate(n=Max("number"))["n"] or 0) + 1
    tranche = Tranche.objects.create(
        award=locked, milestone=milestone, number=number, amount=amount, requested_by=actor
    )
    audit_record(
        park=locked.park,
        actor=actor,
        action="grants.tranche_request",
        target=tranche,
        summary=f"{locked.decision_reference} #{number}: {amount}",
        after={"award_id": locked.pk, "milestone_id": milestone.pk, "amount": amount},
    )
    tell_tranche_requested(tranche=tranche, award=locked, park=locked.park)
    writes("grants", park_id=locked.park_id)
    return tranche


def _locked_tranche(tranche: Tranche) -> Tranche:
    return Tranche.objects.select_for_update().get(pk=tranche.pk)


@transaction.atomic
def tranche_approve(*, tranche: Tranche, actor: User) -> Tranche:
    """One staff member's approval of a requested tranche; the second different one makes it
    ``approved``. The same person twice is refused (here and by a unique constraint). Under the
    park's segregation of duties (on by default) whoever requested the tranche may not approve
    it. Locking: the tranche row (a whole-award cancellation locks it too, so an approval never
    lands on a cancelled tranche). Audit-logged as ``grants.approve``, with the policy in force.
    """
    if _actor(actor) is None:
        raise ValidationError({"approver": _("Sign in to approve.")})
    locked = _locked_tranche(tranche)
    award = GrantAward.all_parks.select_related("park").get(pk=locked.award_id)
    _refuse_if_cancelled(award, "tranche")
    policy = GrantPolicy.for_park(award.park)
    if locked.status != TrancheStatus.REQUESTED:
        raise ValidationError(
            {
                "tranche": _("Only a requested tranche can be approved; this one is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            }
        )
    if TrancheApproval.objects.filter(tranche=locked, approver=actor).exists():
        raise ValidationError(
            {"approver": _("You have already approved this tranche: a second staff member must.")}
        )
    refusal = policy.approval_refusal(requested_by_id=locked.requested_by_id, actor_id=actor.pk)
    if refusal is not None:
        raise ValidationError({"approver": refusal})
    try:
        with transaction.atomic():
            TrancheApproval.objects.create(tranche=locked, approver=actor)
    except IntegrityError as error:
        raise ValidationError(
            {"approver": _("You have already approved this tranche: a second staff member must.")}
        ) from error
    count = TrancheApproval.objects.filter(tranche=locked).count()
    before = locked.status
    if count >= APPROVALS_NEEDED:
        locked.status = TrancheStatus.APPROVED
        locked.save(update_fields=["status"])
    audit_record(
        park=award.park,
        actor=actor,
        action="grants.approve",
        target=locked,
        summary=f"{award.decision_reference} #{locked.number}: {count}/{APPROVALS_NEEDED}",
        before={"status": before},
        after={
            "status": locked.status,
            "approvals": count,
            "amount": locked.amount,
            "policy": policy.as_dict(),
        },
    )
    if before != locked.status:
        tell_tranche_approved(tranche=locked, award=award, park=award.park)
    writes("grants", park_id=award.park_id)
    return locked


def _replay(idempotency_key: str, tranche: Tranche) -> PaymentResult | None:
    existing = Disbursement.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if existing.tranche_id != tranche.pk:
        raise ValidationError(
            {"idempotency_key": _("This idempotency key was used for another payment.")}
        )
    return PaymentResult(existing, created=False)


class Overpayment(ValidationError):
    """Paying would bring the total paid above the award (the API answers 409)."""


class AlreadyPaid(ValidationError):
    """The tranche has a payment already (the API answers 409)."""


def tranche_pay(
    *,
    tranche: Tranche,
    actor: User,
    payment_reference: str,
    idempotency_key: str,
    paid_on: date | None = None,
) -> PaymentResult:
    """Pay an approved tranche, once.

    The same ``idempotency_key`` again returns the first payment (``created=False``) and pays
    nothing. Locking: the award row (``select_for_update``) for the whole transaction — so every
    payment of one award is serialised — then the tranche row; under the lock the key is looked
    up again, the tranche must be ``approved`` and unpaid, and ``paid − clawed back + amount`` must
    not exceed the award. The award's running totals change in the same transaction (their check
    constraint refuses an overpayment too), and the payment has unique keys on the tranche and
    the idempotency key. Under the park's policy (both rules on by default) a tranche is paid only
    when a report on its milestone is accepted, and the payer is neither the tranche's requester
    nor one of its approvers; a refusal changes nothing. A cancelled award pays nothing.
    Audit-logged as ``grants.pay``, with the policy in force.
    """
    key = _clean_text(idempotency_key, "idempotency_key", max_length=100)
    reference = _clean_text(payment_reference, "payment_reference", max_length=100)
    if paid_on is not None and not isinstance(paid_on, date):
        raise ValidationError({"paid_on": _("Give the payment's date.")})
    # The cheap answer for a repeated request, without taking any lock.
    replay = _replay(key, tranche)
    if replay is not None:
        return replay
    try:
        with transaction.atomic():
            return _pay_locked(
                tranche=tranche, actor=actor, reference=reference, key=key, paid_on=paid_on
            )
    except IntegrityError as error:
        # Lost a race the lock did not cover (e.g. a key used at the same moment on another
        # award): the first payment stands.
        replay = _replay(key, tranche)
        if replay is not None:
            return replay
        raise AlreadyPaid({"tranche": _("This tranche has already been paid.")}) from error


def _check_payer(tranche: Tranche, actor: User, policy: GrantPolicy) -> None:
    refusal = policy.payment_refusal(
        requested_by_id=tranche.requested_by_id,
        approver_ids=set(
            TrancheApproval.objects.filter(tranche=tranche).values_list("approver_id", flat=True)
        ),
        actor_id=actor.pk,
    )
    if refusal is not None:
        raise ValidationError({"tranche": refusal})


def _pay_locked(
    *, tranche: Tranche, actor: User, reference: str, key: str, paid_on: date | None
) -> PaymentResult:
    award = GrantAward.all_parks.select_for_update().select_related("park").get(pk=tranche.award_id)
    replay = _replay(key, tranche)
    if replay is not None:
        return replay
    locked = _locked_tranche(tranche)
    if locked.status == TrancheStatus.PAID or Disbursement.objects.filter(tranche=locked).exists():
        raise AlreadyPaid({"tranche": _("This tranche has already been paid.")})
    _refuse_if_cancelled(award, "tranche")
    if locked.status != TrancheStatus.APPROVED:
        raise ValidationError(
            {
                "tranche": _(
                    "Only a tranche approved by two staff members can be paid; this one is "
                    "%(status)s."
                )
                % {"status": locked.get_status_display().lower()}
            }
        )
    policy = GrantPolicy.for_park(award.park)
    if policy.pay_only_accepted_reports:
        _report_gate(locked.milestone)
    if policy.segregation_of_duties:
        _check_payer(locked, actor, policy)
    net_after = award.paid_total - award.clawed_back_total + locked.amount
    if net_after > award.amount:
        raise Overpayment(
            {
                "amount": _(
                    "This payment would bring the total paid to %(total)s, above the award of "
                    "%(award)s."
                )
                % {
                    "total": format_money(net_after, award.currency),
                    "award": format_money(award.amount, award.currency),
                }
            }
        )
    paid_on = paid_on or local_today(award.park.time_zone)
    disbursement = Disbursement.objects.create(
        award=award,
        tranche=locked,
        amount=locked.amount,
        payment_reference=reference,
        idempotency_key=key,
        paid_on=paid_on,
        paid_by=actor,
    )
    locked.status = TrancheStatus.PAID
    locked.save(update_fields=["status"])
    before = _award_snapshot(award)
    GrantAward.all_parks.filter(park_id=award.park_id, pk=award.pk).update(
        paid_total=F("paid_total") + locked.amount
    )
    award.paid_total += locked.amount
    audit_record(
        park=award.park,
        actor=actor,
        action="grants.pay",
        target=disbursement,
        summary=f"{award.decision_reference} #{locked.number}: {locked.amount} ({reference})",
        before=before,
        after={
            **_award_snapshot(award),
            "award_id": award.pk,
            "tranche_id": locked.pk,
            "amount": locked.amount,
            "payment_reference": reference,
            "idempotency_key": key,
            "paid_on": paid_on,
            "policy": policy.as_dict(),
        },
    )
    tell_company(
        award=award,
        park=award.park,
        kind="payment_made",
        context={"tranche": locked, "payment": disbursement},
        key=f"grants.payment:{disbursement.pk}",
    )
    writes("grants", park_id=award.park_id)
    return PaymentResult(disbursement, created=True)


@transaction.atomic
def tranche_cancel(*, tranche: Tranche, actor: User, reason: str) -> TrancheCancellation:
    """Cancel a tranche that is not paid: a cancellation entry with its reason (the tranche's
    amount becomes free to plan again). A paid tranche is clawed back instead. Locking: the award
    row, then the tranche row (the same order as paying, so a payment and a cancellation of one
    tranche never both win). Audit-logged as ``grants.tranche_cancel``.
    """
    reason = _clean_text(reason, "reason")
    award = _locked_award(tranche.award)
    locked = _locked_tranche(tranche)
    if locked.status == TrancheStatus.PAID:
        raise ValidationError(
            {"tranche": _("A paid tranche cannot be cancelled: record a clawback instead.")}
        )
    if locked.status == TrancheStatus.CANCELLED:
        raise ValidationError({"tranche": _("This tranche is already cancelled.")})
    before = locked.status
    cancellation = TrancheCancellation.objects.create(
        tranche=locked, reason=reason, cancelled_by=actor
    )
    locked.status = TrancheStatus.CANCELLED
    locked.save(update_fields=["status"])
    audit_record(
        park=award.park,
        actor=actor,
        action="grants.tranche_cancel",
        target=locked,
        summary=f"{award.decision_reference} #{locked.number}",
        before={"status": before, "amount": locked.amount},
        after={"status": locked.status, "reason": reason, "award_id": award.pk},
    )
    writes("grants", park_id=award.park_id)
    return cancellation


@transaction.atomic
def clawback_record(
    *,
    award: GrantAward,
    actor: User,
    amount: Decimal,
    reason: str,
    reference: str,
    decided_on: date | None = None,
) -> Clawback:
    """Record money returned by the participant: at most what was paid and not yet clawed back.
    Locking: the award row (``select_for_update``). Audit-logged as ``grants.clawback``."""
    amount = _clean_money(amount, "amount")
    reason = _clean_text(reason, "reason")
    reference = _clean_text(reference, "reference", max_length=100)
    locked = GrantAward.all_parks.select_for_update().select_related("park").get(pk=award.pk)
    if decided_on is not None and not isinstance(decided_on, date):
        raise ValidationError({"decided_on": _("Give the date.")})
    net = locked.paid_total - locked.clawed_back_total
    if amount > net:
        raise ValidationError(
            {
                "amount": _(
                    "A clawback of %(amount)s is more than the %(net)s paid and not yet clawed back."
                )
                % {
                    "amount": format_money(amount, locked.currency),
                    "net": format_money(net, locked.currency),
                }
            }
        )
    before = _award_snapshot(locked)
    clawback = Clawback.objects.create(
        award=locked,
        amount=amount,
        reason=reason,
        reference=reference,
        decided_on=decided_on or local_today(locked.park.time_zone),
        decided_by=actor,
    )
    GrantAward.all_parks.filter(park_id=locked.park_id, pk=locked.pk).update(
        clawed_back_total=F("clawed_back_total") + amount
    )
    locked.clawed_back_total += amount
    audit_record(
        park=locked.park,
        actor=actor,
        action="grants.clawback",
        target=clawback,
        summary=f"{locked.decision_reference}: {amount} ({reference})",
        before=before,
        after={
            **_award_snapshot(locked),
            "award_id": locked.pk,
            "amount": amount,
            "reason": reason,
            "reference": reference,
        },
    )
    tell_company(
        award=locked,
        park=locked.park,
        kind="clawback_recorded",
        context={"clawback": clawback},
        key=f"grants.clawback:{clawback.pk}",
    )
    writes("grants", park_id=locked.park_id)
    return clawback
