"""Every write of the grants app: awards, milestones, tranche requests, approvals, payments,
cancellations, clawbacks and milestone reports.

The money guarantees:

* **Never above the cap.** An award is checked against its programme's cap here, and the cap is
  copied onto the award where a database check holds ``amount <= cap``.
* **Four eyes.** A tranche is paid only after two *different* staff members approved it (one
  approval per person per tranche is also a unique constraint). Whoever requested the tranche may
  be one of the two approvers: the request is the plan, the approvals are the control.
* **Never twice.** A payment carries an idempotency key (unique in the database): the same
  request twice pays once and returns the first payment. A tranche has at most one payment
  (unique in the database) and must be ``approved`` to be paid.
* **Never beyond the award.** Paying locks the award row (``select_for_update``) and checks
  ``paid − clawed back + this ≤ award`` under the lock; the award's running totals are updated in
  the same transaction and a check constraint on them refuses an overpayment even if a future
  caller forgot the lock.
* **Entries, not edits.** A cancellation and a clawback are rows of their own; payments are never
  changed or deleted.

Every award, tranche request, approval, payment, cancellation, clawback and report review is
appended to the audit chain inside its transaction, and marks the park's pages stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.core.localtime import local_today
from technopark.grants.models import (
    APPROVALS_NEEDED,
    ZERO,
    BudgetKind,
    BudgetLine,
    Clawback,
    Disbursement,
    GrantAward,
    GrantReport,
    Milestone,
    MilestoneStatus,
    ReportAttachment,
    ReportSpending,
    ReportStatus,
    Tranche,
    TrancheApproval,
    TrancheCancellation,
    TrancheStatus,
)
from technopark.programmes.models import Participant

MAX_MONEY = Decimal("999999999999.99")
MAX_TEXT = 4000
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
ATTACHMENT_EXTENSIONS = (
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".xlsx",
    ".docx",
    ".odt",
    ".ods",
    ".csv",
    ".txt",
    ".zip",
)


def format_money(amount: Decimal, currency: str = "RUB") -> str:
    """``1,600,000.00 ₽`` in English, ``1 600 000,00 ₽`` in Russian."""
    sign = "₽" if currency == "RUB" else currency
    number = formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
    return f"{number}\u00a0{sign}"


@dataclass(frozen=True)
class MilestonePlan:
    """A milestone given with the award, and the tranche (if any) to request against it."""

    title: str
    due_on: date
    deliverables: str = ""
    tranche_amount: Decimal | None = None


@dataclass(frozen=True)
class PaymentResult:
    disbursement: Disbursement
    created: (
        bool  # False: the same request (idempotency key) was already paid; this is that payment
    )


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _clean_money(value: Any, field: str, *, positive: bool = True) -> Decimal:
    if isinstance(value, float) or not isinstance(value, (Decimal, int)):
        raise ValidationError({field: _("Give an amount in roubles, such as 1250000.50.")})
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValidationError({field: _("Give an amount in roubles, such as 1250000.50.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            {field: _("Give the amount to the kopeck at most (two decimal places).")}
        )
    if amount < 0 or (positive and amount == 0):
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount > MAX_MONEY:
        raise ValidationError({field: _("This amount is too large.")})
    return amount.quantize(Decimal("0.01"))


def _clean_text(
    value: Any, field: str, *, required: bool = True, max_length: int = MAX_TEXT
) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else ""
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > max_length:
        raise ValidationError({field: _("At most %(count)d characters.") % {"count": max_length}})
    return text


def _award_snapshot(award: GrantAward) -> dict[str, Any]:
    return {
        "amount": award.amount,
        "paid_total": award.paid_total,
        "clawed_back_total": award.clawed_back_total,
    }


def _locked_award(award: GrantAward) -> GrantAward:
    """The award row, locked until the transaction ends, with its totals as they stand now."""
    return GrantAward.all_parks.select_for_update().get(park_id=award.park_id, pk=award.pk)


# --- Awards ---------------------------------------------------------------------------------


@transaction.atomic
def grant_award_create(
    *,
    participant: Participant,
    actor: Any,
    amount: Decimal,
    decision_reference: str,
    decided_on: date,
    budget: Mapping[str, Decimal],
    milestones: Sequence[MilestonePlan] = (),
) -> GrantAward:
    """Award a grant to ``participant`` by decision ``decision_reference``.

    The amount must be above zero and at most the programme's cap; the budget lines (one per
    kind, none negative) must add up to the amount exactly. Milestones given with the award are
    numbered in order, and a tranche is requested for each one that names an amount (their total
    at most the award). Refused when the participant already has a grant (also a unique
    constraint). Locking: the participant row (``select_for_update``) while checking and creating.
    Audit-logged as ``grants.award`` (and ``grants.tranche_request`` per tranche).
    """
    amount = _clean_money(amount, "amount")
    reference = _clean_text(decision_reference, "decision_reference", max_length=100)
    if not isinstance(decided_on, date):
        raise ValidationError({"decided_on": _("Give the decision's date.")})
    participant = (
        Participant.objects.select_for_update()
        .select_related("cohort__programme", "cohort__park", "company")
        .get(pk=participant.pk)
    )
    programme = participant.cohort.programme
    park = participant.cohort.park
    if amount > programme.grant_cap:
        raise ValidationError(
            {
                "amount": _("The award of %(amount)s is above the programme's cap of %(cap)s.")
                % {
                    "amount": format_money(amount, programme.currency),
                    "cap": format_money(programme.grant_cap, programme.currency),
                }
            }
        )
    lines: dict[str, Decimal] = {}
    for kind, value in budget.items():
        if kind not in BudgetKind.values:
            raise ValidationError({"budget": _("Unknown budget line: %(kind)s.") % {"kind": kind}})
        if value is None:
            continue
        lines[kind] = _clean_money(value, f"budget_{kind}", positive=False)
    total = sum(lines.values(), ZERO)
    if total != amount:
        raise ValidationError(
            {
                "budget": _(
                    "The budget lines add up to %(total)s; they must add up to the award of "
                    "%(amount)s."
                )
                % {
                    "total": format_money(total, programme.currency),
                    "amount": format_money(amount, programme.currency),
                }
            }
        )
    plans = list(milestones)
    planned = sum((p.tranche_amount or ZERO for p in plans), ZERO)
    if planned > amount:
        raise ValidationError(
            {
                "milestones": _("The tranches add up to %(total)s, above the award of %(amount)s.")
                % {
                    "total": format_money(planned, programme.currency),
                    "amount": format_money(amount, programme.currency),
                }
            }
        )
    if GrantAward.all_parks.filter(participant=participant).exists():
        raise ValidationError({"participant": _("This participant already has a grant.")})
    award = GrantAward(
        park=park,
        participant=participant,
        amount=amount,
        cap=programme.grant_cap,
        currency=programme.currency,
        decision_reference=reference,
        decided_on=decided_on,
        decided_by=actor,
    )
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError as error:  # the same participant awarded at the same moment
        raise ValidationError(
            {"participant": _("This participant already has a grant.")}
        ) from error
    BudgetLine.objects.bulk_create(
        [BudgetLine(award=award, kind=kind, amount=value) for kind, value in lines.items()]
    )
    audit_record(
        park=park,
        actor=actor,
        action="grants.award",
        target=award,
        summary=f"{participant.company.short_name}: {reference}",
        after={
            **_award_snapshot(award),
            "cap": award.cap,
            "currency": award.currency,
            "participant_id": participant.pk,
            "company_id": participant.company_id,
            "decision_reference": reference,
            "decided_on": decided_on,
            "budget": {kind: value for kind, value in lines.items()},
        },
    )
    for plan in plans:
        milestone = milestone_add(
            award=award,
            actor=actor,
            title=plan.title,
            due_on=plan.due_on,
            deliverables=plan.deliverables,
        )
        if plan.tranche_amount:
            tranche_request(
                award=award, milestone=milestone, actor=actor, amount=plan.tranche_amount
            )
    writes("grants", park_id=park.pk)
    return award


@transaction.atomic
def milestone_add(
    *, award: GrantAward, actor: Any, title: str, due_on: date, deliverables: str = ""
) -> Milestone:
    """Add the next milestone of ``award``. Locking: the award row, so numbers are unique."""
    title = _clean_text(title, "title", max_length=200)
    deliverables = _clean_text(deliverables, "deliverables", required=False)
    if not isinstance(due_on, date):
        raise ValidationError({"due_on": _("Give the milestone's due date.")})
    locked = _locked_award(award)
    number = (locked.milestones.aggregate(n=Max("number"))["n"] or 0) + 1
    milestone = Milestone.objects.create(
        award=locked, number=number, title=title, deliverables=deliverables, due_on=due_on
    )
    writes("grants", park_id=locked.park_id)
    return milestone


# --- Tranches -------------------------------------------------------------------------------


@transaction.atomic
def tranche_request(
    *, award: GrantAward, milestone: Milestone, actor: Any, amount: Decimal
) -> Tranche:
    """Request the payment of ``amount`` against ``milestone`` of ``award``.

    The tranches not cancelled may add up to the award at most. Locking: the award row
    (``select_for_update``), so two requests cannot together plan more than the award.
    Audit-logged as ``grants.tranche_request``.
    """
    amount = _clean_money(amount, "amount")
    locked = _locked_award(award)
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
    writes("grants", park_id=locked.park_id)
    return tranche


def _locked_tranche(tranche: Tranche) -> Tranche:
    return Tranche.objects.select_for_update().get(pk=tranche.pk)


@transaction.atomic
def tranche_approve(*, tranche: Tranche, actor: Any) -> Tranche:
    """One staff member's approval of a requested tranche; the second different one makes it
    ``approved``. The same person twice is refused (here and by a unique constraint).
    Locking: the tranche row. Audit-logged as ``grants.approve``.
    """
    if _actor(actor) is None:
        raise ValidationError({"approver": _("Sign in to approve.")})
    locked = _locked_tranche(tranche)
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
    award = locked.award
    audit_record(
        park=award.park,
        actor=actor,
        action="grants.approve",
        target=locked,
        summary=f"{award.decision_reference} #{locked.number}: {count}/{APPROVALS_NEEDED}",
        before={"status": before},
        after={"status": locked.status, "approvals": count, "amount": locked.amount},
    )
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
    actor: Any,
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
    the idempotency key. Audit-logged as ``grants.pay``.
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


def _pay_locked(
    *, tranche: Tranche, actor: Any, reference: str, key: str, paid_on: date | None
) -> PaymentResult:
    award = GrantAward.all_parks.select_for_update().select_related("park").get(pk=tranche.award_id)
    replay = _replay(key, tranche)
    if replay is not None:
        return replay
    locked = _locked_tranche(tranche)
    if locked.status == TrancheStatus.PAID or Disbursement.objects.filter(tranche=locked).exists():
        raise AlreadyPaid({"tranche": _("This tranche has already been paid.")})
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
            "tranche_id": locked.pk,
            "amount": locked.amount,
            "payment_reference": reference,
            "idempotency_key": key,
            "paid_on": paid_on,
        },
    )
    writes("grants", park_id=award.park_id)
    return PaymentResult(disbursement, created=True)


@transaction.atomic
def tranche_cancel(*, tranche: Tranche, actor: Any, reason: str) -> TrancheCancellation:
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
        after={"status": locked.status, "reason": reason},
    )
    writes("grants", park_id=award.park_id)
    return cancellation


@transaction.atomic
def clawback_record(
    *,
    award: GrantAward,
    actor: Any,
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
            "amount": amount,
            "reason": reason,
            "reference": reference,
        },
    )
    writes("grants", park_id=locked.park_id)
    return clawback


# --- Milestone reports ----------------------------------------------------------------------


def _check_attachment(upload: UploadedFile) -> None:
    name = (upload.name or "").lower()
    if not name.endswith(ATTACHMENT_EXTENSIONS):
        raise ValidationError(
            {"attachments": _("Attach PDF, images, office documents, CSV, text or ZIP files.")}
        )
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"attachments": _("A file may be at most 10 MB.")})


@transaction.atomic
def grant_report_file(
    *,
    milestone: Milestone,
    actor: Any,
    summary: str,
    spending: Mapping[str, Decimal],
    attachments: Iterable[UploadedFile] = (),
) -> GrantReport:
    """A founder's report on ``milestone``: what was done, the spending per budget line, files.

    Refused once the milestone is accepted. The milestone becomes ``reported``. Locking: the
    milestone row. Audit-logged as ``grants.report``.
    """
    summary = _clean_text(summary, "summary")
    files = list(attachments)
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("At most %(count)d files.") % {"count": MAX_ATTACHMENTS}}
        )
    for upload in files:
        _check_attachment(upload)
    lines: dict[str, Decimal] = {}
    for kind, value in spending.items():
        if kind not in BudgetKind.values:
            raise ValidationError(
                {"spending": _("Unknown budget line: %(kind)s.") % {"kind": kind}}
            )
        if value is None:
            continue
        lines[kind] = _clean_money(value, f"spent_{kind}", positive=False)
    locked = (
        Milestone.objects.select_for_update().select_related("award__park").get(pk=milestone.pk)
    )
    if locked.status == MilestoneStatus.ACCEPTED:
        raise ValidationError({"milestone": _("This milestone is already accepted.")})
    report = GrantReport.objects.create(milestone=locked, summary=summary, filed_by=actor)
    ReportSpending.objects.bulk_create(
        [ReportSpending(report=report, kind=kind, amount=value) for kind, value in lines.items()]
    )
    for upload in files:
        attachment = ReportAttachment(
            report=report, name=(upload.name or "file")[-200:], size=upload.size or 0
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
    locked.status = MilestoneStatus.REPORTED
    locked.save(update_fields=["status"])
    award = locked.award
    audit_record(
        park=award.park,
        actor=actor,
        action="grants.report",
        target=report,
        summary=f"{award.decision_reference} / {locked.number}",
        after={"milestone_id": locked.pk, "spending": lines, "files": len(files)},
    )
    writes("grants", park_id=award.park_id)
    return report


@transaction.atomic
def grant_report_review(
    *, report: GrantReport, actor: Any, accept: bool, note: str = ""
) -> GrantReport:
    """Staff accept a submitted report (its milestone becomes ``accepted``) or return it for
    changes (the milestone is open again). Locking: the report row. Audit-logged as
    ``grants.report_review``."""
    note = _clean_text(note, "note", required=not accept)
    locked = (
        GrantReport.objects.select_for_update()
        .select_related("milestone__award__park")
        .get(pk=report.pk)
    )
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError({"report": _("This report has already been reviewed.")})
    locked.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    locked.reviewed_by = actor
    locked.review_note = note
    locked.save(update_fields=["status", "reviewed_by", "review_note"])
    milestone = locked.milestone
    milestone.status = MilestoneStatus.ACCEPTED if accept else MilestoneStatus.OPEN
    milestone.save(update_fields=["status"])
    award = milestone.award
    audit_record(
        park=award.park,
        actor=actor,
        action="grants.report_review",
        target=locked,
        summary=f"{award.decision_reference} / {milestone.number}: {locked.status}",
        before={"status": ReportStatus.SUBMITTED},
        after={"status": locked.status, "note": note},
    )
    writes("grants", park_id=award.park_id)
    return locked
