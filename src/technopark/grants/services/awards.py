"""Awards: a grant to a participant within the programme's cap, its budget by line, and its
milestones (with the tranches planned on them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.audit.services import audit_record
from technopark.core.fragments import writes
from technopark.core.money import format_money
from technopark.grants.models import (
    ZERO,
    BudgetKind,
    BudgetLine,
    GrantAward,
    Milestone,
    Tranche,
    TrancheCancellation,
    TrancheStatus,
)
from technopark.grants.services._common import (
    _award_snapshot,
    _clean_money,
    _clean_text,
    _locked_award,
)
from technopark.grants.services.notices import tell_company
from technopark.grants.services.tranches import _refuse_if_cancelled, tranche_request
from technopark.programmes.models import Participant


@dataclass(frozen=True)
class MilestonePlan:
    """A milestone given with the award, and the tranche (if any) to request against it."""

    title: str
    due_on: date
    deliverables: str = ""
    tranche_amount: Decimal | None = None


@transaction.atomic
def grant_award_create(
    *,
    participant: Participant,
    actor: User,
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
    *, award: GrantAward, actor: User, title: str, due_on: date, deliverables: str = ""
) -> Milestone:
    """Add the next milestone of ``award``. Locking: the award row, so numbers are unique."""
    title = _clean_text(title, "title", max_length=200)
    deliverables = _clean_text(deliverables, "deliverables", required=False)
    if not isinstance(due_on, date):
        raise ValidationError({"due_on": _("Give the milestone's due date.")})
    locked = _locked_award(award)
    _refuse_if_cancelled(locked)
    number = (locked.milestones.aggregate(n=Max("number"))["n"] or 0) + 1
    milestone = Milestone.objects.create(
        award=locked, number=number, title=title, deliverables=deliverables, due_on=due_on
    )
    writes("grants", park_id=locked.park_id)
    return milestone


@transaction.atomic
def award_cancel(*, award: GrantAward, actor: User, reason: str) -> GrantAward:
    """Cancel a whole award: every requested or approved tranche gets a cancellation entry with
    ``reason``, what was paid stays paid (the ledger keeps it, and it may still be clawed back),
    and nothing new is requested, approved or paid on the award. A second call is refused and
    changes nothing. Locking: the award row, then its unpaid tranches (the order of paying, so a
    payment and the cancellation never both win). Audit-logged as ``grants.award_cancel`` and
    ``grants.tranche_cancel`` per tranche.
    """
    reason = _clean_text(reason, "reason")
    locked = GrantAward.all_parks.select_for_update().select_related("park").get(pk=award.pk)
    if locked.cancelled_at is not None:
        raise ValidationError({"award": _("This grant is already cancelled.")})
    open_tranches = list(
        Tranche.objects.select_for_update()
        .filter(award=locked, status__in=[TrancheStatus.REQUESTED, TrancheStatus.APPROVED])
        .order_by("number")
    )
    cancelled = []
    for tranche in open_tranches:
        before = tranche.status
        TrancheCancellation.objects.create(tranche=tranche, reason=reason, cancelled_by=actor)
        tranche.status = TrancheStatus.CANCELLED
        tranche.save(update_fields=["status"])
        cancelled.append(tranche.pk)
        audit_record(
            park=locked.park,
            actor=actor,
            action="grants.tranche_cancel",
            target=tranche,
            summary=f"{locked.decision_reference} #{tranche.number}",
            before={"status": before, "amount": tranche.amount},
            after={"status": tranche.status, "reason": reason, "award_id": locked.pk},
        )
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    locked.cancellation_reason = reason
    locked.save(update_fields=["cancelled_at", "cancelled_by", "cancellation_reason"])
    audit_record(
        park=locked.park,
        actor=actor,
        action="grants.award_cancel",
        target=locked,
        summary=f"{locked.decision_reference}: {reason[:100]}",
        before={**_award_snapshot(locked), "cancelled": False},
        after={
            **_award_snapshot(locked),
            "cancelled": True,
            "reason": reason,
            "cancelled_tranches": cancelled,
        },
    )
    tell_company(
        award=locked,
        park=locked.park,
        kind="award_cancelled",
        context={},
        key=f"grants.award:{locked.pk}:cancelled",
    )
    writes("grants", park_id=locked.park_id)
    return locked
