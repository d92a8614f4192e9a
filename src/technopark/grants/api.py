"""The grants part of the API: grants (a founder's own; staff and observers all), awarding,
tranche requests, approvals (two different staff members), payment with an idempotency key,
cancellation and clawback, cancelling a whole grant, and the park's grant policy (pay only against
accepted reports, segregation of duties).

The same rules and services as the pages. Anonymous → 401, not allowed → 403 (asked before any
record is looked up), not in this park → 404, refused input → 422 naming the field. A payment
that would bring the total paid above the award, or a tranche already paid, is a 409
``{"detail": …}`` naming the amounts. The same payment request sent again (same idempotency key)
answers 200 with the first payment; a new payment answers 201.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from technopark.accounts.http import signed_in_user
from technopark.api.auth import signed_in
from technopark.api.errors import ErrorOut, documented
from technopark.api.pagination import PageParams
from technopark.api.types import Id
from technopark.core.localtime import local_today
from technopark.grants import queries, rules, services
from technopark.grants.models import GrantAward, Tranche, TrancheStatus
from technopark.grants.schemas import (
    CancelIn,
    ClawbackIn,
    ClawbackOut,
    GrantDetailOut,
    GrantIn,
    GrantListParams,
    GrantPageOut,
    GrantPolicyIn,
    GrantPolicyOut,
    PaymentIn,
    PaymentOut,
    TrancheIn,
    TrancheOut,
)
from technopark.parks.http import access_of, park_of, require
from technopark.programmes.models import Participant

router = Router(tags=["grants"])

CONFLICT_MEANING = (
    "Paying would bring the total paid above the award, or the tranche is already paid: "
    "`detail` names the amounts."
)


def documented_409(ok: dict[int, Any], *error_codes: int) -> dict[str, Any]:
    spec = documented(ok, *[code for code in error_codes if code != 409])
    if 409 in error_codes:
        spec["response"][409] = ErrorOut
        spec["openapi_extra"]["responses"][409] = {"description": CONFLICT_MEANING}
    return spec


def _ledger(award: GrantAward) -> dict[str, Any]:
    return {
        "awarded": award.amount,
        "paid": award.paid_total,
        "clawed_back": award.clawed_back_total,
        "remaining": award.remaining,
    }


def _grant_out(award: GrantAward, overdue: int) -> dict[str, Any]:
    participant = award.participant
    return {
        "id": award.pk,
        "participant_id": participant.pk,
        "company_id": participant.company_id,
        "company_name": participant.company.short_name,
        "cohort_id": participant.cohort_id,
        "cohort_name": participant.cohort.name,
        "amount": award.amount,
        "cap": award.cap,
        "currency": award.currency,
        "decision_reference": award.decision_reference,
        "decided_on": award.decided_on,
        "ledger": _ledger(award),
        "overdue_milestones": overdue,
        "cancelled_at": award.cancelled_at,
        "cancellation_reason": award.cancellation_reason,
    }


def _payment_out(payment: Any) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "award_id": payment.award_id,
        "tranche_id": payment.tranche_id,
        "amount": payment.amount,
        "payment_reference": payment.payment_reference,
        "idempotency_key": payment.idempotency_key,
        "paid_on": payment.paid_on,
        "paid_by_id": payment.paid_by_id,
        "paid_at": payment.paid_at,
    }


def _tranche_out(tranche: Tranche, *, loaded: bool = True) -> dict[str, Any]:
    approvals = tranche.approvals.all() if loaded else tranche.approvals.select_related("approver")
    payment = (
        getattr(tranche, "disbursement", None) if tranche.status == TrancheStatus.PAID else None
    )
    cancellation = (
        getattr(tranche, "cancellation", None)
        if tranche.status == TrancheStatus.CANCELLED
        else None
    )
    return {
        "id": tranche.pk,
        "award_id": tranche.award_id,
        "number": tranche.number,
        "milestone_id": tranche.milestone_id,
        "amount": tranche.amount,
        "status": tranche.status,
        "requested_by_id": tranche.requested_by_id,
        "requested_at": tranche.requested_at,
        "approvals": [
            {
                "approver_id": a.approver_id,
                "approver_name": a.approver.get_full_name(),
                "approved_at": a.approved_at,
            }
            for a in approvals
        ],
        "payment": _payment_out(payment) if payment else None,
        "cancellation_reason": cancellation.reason if cancellation else None,
    }


def _detail_out(award: GrantAward, today: Any) -> dict[str, Any]:
    milestones = list(award.milestones.all())
    overdue = sum(1 for m in milestones if m.is_overdue(today))
    return {
        **_grant_out(award, overdue),
        "budget": [{"kind": b.kind, "amount": b.amount} for b in award.budget_lines.all()],
        "milestones": [
            {
                "id": m.pk,
                "number": m.number,
                "title": m.title,
                "deliverables": m.deliverables,
                "due_on": m.due_on,
                "status": m.status,
                "overdue": m.is_overdue(today),
                "reports": [
                    {
                        "id": r.pk,
                        "status": r.status,
                        "summary": r.summary,
                        "filed_at": r.filed_at,
                        "spending": [
                            {"kind": s.kind, "amount": s.amount} for s in r.spending.all()
                        ],
                    }
                    for r in m.reports.all()
                ],
            }
            for m in milestones
        ],
        "tranches": [_tranche_out(t) for t in award.tranches.all()],
        "clawbacks": [
            {
                "id": c.pk,
                "amount": c.amount,
                "reason": c.reason,
                "reference": c.reference,
                "decided_on": c.decided_on,
            }
            for c in award.clawbacks.all()
        ],
    }


@router.get(
    "/parks/{slug:park_slug}/grants",
    auth=signed_in,
    **documented({200: GrantPageOut}, 401, 403, 404, 422),
    summary="Grants: a founder's own, or every grant of the park for staff and observers",
)
def grant_list(
    request: HttpRequest, park_slug: str, filters: Query[GrantListParams], page: Query[PageParams]
) -> Any:
    """Staff and observers get every grant of the park; a founder the grants of the companies
    they act for. Each with its ledger (awarded, paid, clawed back, remaining) and overdue
    milestones. Two queries (count, page) however long the page."""
    access = access_of(request)
    require(rules.can_open_awards(access))
    park = park_of(request)
    today = local_today(park.time_zone)
    if rules.can_view_grants(access):
        rows = queries.award_list(
            park=park,
            filters=queries.GrantFilters(q=filters.q, cohort=filters.cohort, state=filters.state),
            today=today,
        )
    else:
        rows = queries.award_list(
            park=park,
            filters=queries.GrantFilters(q=filters.q, cohort=filters.cohort, state=filters.state),
            today=today,
        ).filter(
            participant__company__team__user=access.user,
            participant__company__team__acts_for_company=True,
        )
    items = list(rows[page.offset : page.offset + page.limit])
    return {
        "count": rows.count(),
        "limit": page.limit,
        "offset": page.offset,
        "items": [_grant_out(a, a.overdue_milestones) for a in items],
    }


def _award_or_404(request: HttpRequest, grant_id: int) -> GrantAward:
    award = queries.award_detail(park=park_of(request), pk=grant_id)
    if award is None:
        raise Http404
    return award


@router.get(
    "/parks/{slug:park_slug}/grants/{grant_id}",
    auth=signed_in,
    **documented({200: GrantDetailOut}, 401, 403, 404, 422),
    summary="A grant with its budget, milestones, tranches, approvals, payments and clawbacks",
)
def grant_detail(request: HttpRequest, park_slug: str, grant_id: Id) -> Any:
    access = access_of(request)
    require(rules.can_open_awards(access))
    award = _award_or_404(request, grant_id)
    require(rules.can_view_award(access, award))
    return _detail_out(award, local_today(park_of(request).time_zone))


@router.post(
    "/parks/{slug:park_slug}/grants",
    auth=signed_in,
    **documented({201: GrantDetailOut}, 400, 401, 403, 404, 422),
    summary="Award a grant to a participant (staff)",
)
def grant_create(request: HttpRequest, park_slug: str, payload: GrantIn) -> Any:
    """The budget lines must add up to the amount; the amount is at most the programme's cap;
    milestones with a ``tranche_amount`` get a tranche requested at once."""
    require(rules.can_manage_grants(access_of(request)))
    park = park_of(request)
    participant = Participant.objects.filter(cohort__park=park, pk=payload.participant_id).first()
    if participant is None:
        raise ValidationError({"participant_id": _("Choose a participant of this park.")})
    kinds = [line.kind for line in payload.budget]
    if len(set(kinds)) != len(kinds):
        raise ValidationError({"budget": _("Give each budget line once.")})
    try:
        award = services.grant_award_create(
            participant=participant,
            actor=signed_in_user(request),
            amount=payload.amount,
            decision_reference=payload.decision_reference,
            decided_on=payload.decided_on,
            budget={str(line.kind): line.amount for line in payload.budget},
            milestones=[
                services.MilestonePlan(
                    title=m.title,
                    due_on=m.due_on,
                    deliverables=m.deliverables or "",
                    tranche_amount=m.tranche_amount,
                )
                for m in payload.milestones
            ],
        )
    except ValidationError as error:
        if "participant" in getattr(error, "error_dict", {}):
            raise ValidationError({"participant_id": error.error_dict["participant"]}) from error
        raise
    return Status(201, _detail_out(_award_or_404(request, award.pk), local_today(park.time_zone)))


def _manage(request: HttpRequest, grant_id: int) -> GrantAward:
    access = access_of(request)
    require(rules.can_manage_grants(access))
    award = queries.award_detail(park=park_of(request), pk=grant_id)
    if award is None:
        raise Http404
    require(rules.can_manage_award(access, award))
    return award


def _tranche(award: GrantAward, tranche_id: int) -> Tranche:
    tranche = Tranche.objects.filter(award=award, pk=tranche_id).select_related("award").first()
    if tranche is None:
        raise Http404
    return tranche


def _fresh_tranche(tranche_id: int) -> dict[str, Any]:
    tranche = (
        Tranche.objects.select_related("disbursement", "cancellation")
        .prefetch_related("approvals__approver")
        .get(pk=tranche_id)
    )
    return _tranche_out(tranche)


@router.post(
    "/parks/{slug:park_slug}/grants/{grant_id}/tranches",
    auth=signed_in,
    **documented({201: TrancheOut}, 400, 401, 403, 404, 422),
    summary="Request a tranche against a milestone (staff)",
)
def tranche_request(request: HttpRequest, park_slug: str, grant_id: Id, payload: TrancheIn) -> Any:
    """The tranches not cancelled may add up to the award at most (422 naming ``amount``)."""
    award = _manage(request, grant_id)
    milestone = award.milestones.filter(pk=payload.milestone_id).first()
    if milestone is None:
        raise ValidationError({"milestone_id": _("Choose a milestone of this grant.")})
    tranche = services.tranche_request(
        award=award, milestone=milestone, actor=signed_in_user(request), amount=payload.amount
    )
    return Status(201, _fresh_tranche(tranche.pk))


@router.post(
    "/parks/{slug:park_slug}/grants/{grant_id}/tranches/{tranche_id}/approvals",
    auth=signed_in,
    **documented({201: TrancheOut}, 400, 401, 403, 404, 422),
    summary="Approve a tranche (staff; two different people make it payable)",
)
def tranche_approve(request: HttpRequest, park_slug: str, grant_id: Id, tranche_id: Id) -> Any:
    """The same person approving twice, or a tranche that is not requested, is a 422."""
    award = _manage(request, grant_id)
    tranche = services.tranche_approve(
        tranche=_tranche(award, tranche_id), actor=signed_in_user(request)
    )
    return Status(201, _fresh_tranche(tranche.pk))


@router.post(
    "/parks/{slug:park_slug}/grants/{grant_id}/tranches/{tranche_id}/payment",
    auth=signed_in,
    **documented_409({200: PaymentOut, 201: PaymentOut}, 400, 401, 403, 404, 409, 422),
    summary="Pay an approved tranche, once (staff)",
)
def tranche_pay(
    request: HttpRequest, park_slug: str, grant_id: Id, tranche_id: Id, payload: PaymentIn
) -> Any:
    """201 with the new payment; 200 with the first payment when the same ``idempotency_key``
    was already paid (nothing is paid again); 409 when the tranche is already paid (another
    key) or the payment would bring the total paid above the award."""
    award = _manage(request, grant_id)
    try:
        result = services.tranche_pay(
            tranche=_tranche(award, tranche_id),
            actor=signed_in_user(request),
            payment_reference=payload.payment_reference,
            idempotency_key=payload.idempotency_key,
            paid_on=payload.paid_on,
        )
    except (services.Overpayment, services.AlreadyPaid) as error:
        return Status(409, {"detail": " ".join(str(m) for m in error.messages)})
    return Status(201 if result.created else 200, _payment_out(result.disbursement))


@router.post(
    "/parks/{slug:park_slug}/grants/{grant_id}/cancellation",
    auth=signed_in,
    **documented({201: GrantDetailOut}, 400, 401, 403, 404, 422),
    summary="Cancel a whole grant: its unpaid tranches are cancelled, paid money stays (staff)",
)
def award_cancel(request: HttpRequest, park_slug: str, grant_id: Id, payload: CancelIn) -> Any:
    award = _manage(request, grant_id)
    services.award_cancel(award=award, actor=signed_in_user(request), reason=payload.reason)
    fresh = _award_or_404(request, grant_id)
    return Status(201, _detail_out(fresh, local_today(park_of(request).time_zone)))


def _policy_out(request: HttpRequest) -> dict[str, Any]:
    policy = queries.policy_for(park_of(request))
    return {**policy.as_dict(), "can_change": rules.can_change_grant_policy(access_of(request))}


@router.get(
    "/parks/{slug:park_slug}/grants-policy",
    auth=signed_in,
    **documented({200: GrantPolicyOut}, 401, 403, 404),
    summary="The park's grant policy (staff and observers)",
)
def grant_policy(request: HttpRequest, park_slug: str) -> Any:
    require(rules.can_view_grant_policy(access_of(request)))
    return _policy_out(request)


@router.put(
    "/parks/{slug:park_slug}/grants-policy",
    auth=signed_in,
    **documented({200: GrantPolicyOut}, 400, 401, 403, 404, 422),
    summary="Change the park's grant policy (park admins; recorded in the audit log)",
)
def grant_policy_set(request: HttpRequest, park_slug: str, payload: GrantPolicyIn) -> Any:
    require(rules.can_change_grant_policy(access_of(request)))
    services.grant_policy_set(
        park=park_of(request),
        actor=signed_in_user(request),
        pay_only_accepted_reports=payload.pay_only_accepted_reports,
        segregation_of_duties=payload.segregation_of_duties,
    )
    return _policy_out(request)


@router.post(
    "/parks/{slug:park_slug}/grants/{grant_id}/tranches/{tranche_id}/cancellation",
    auth=signed_in,
    **documented({201: TrancheOut}, 400, 401, 403, 404, 422),
    summary="Cancel a tranche that is not paid (staff)",
)
def tranche_cancel(
    request: HttpRequest, park_slug: str, grant_id: Id, tranche_id: Id, payload: CancelIn
) -> Any:
    award = _manage(request, grant_id)
    tranche = _tranche(award, tranche_id)
    services.tranche_cancel(tranche=tranche, actor=signed_in_user(request), reason=payload.reason)
    return Status(201, _fresh_tranche(tranche.pk))


@router.post(
    "/parks/{slug:park_slug}/grants/{grant_id}/clawbacks",
    auth=signed_in,
    **documented({201: ClawbackOut}, 400, 401, 403, 404, 422),
    summary="Record a clawback: money returned by the participant (staff)",
)
def clawback_create(request: HttpRequest, park_slug: str, grant_id: Id, payload: ClawbackIn) -> Any:
    award = _manage(request, grant_id)
    clawback = services.clawback_record(
        award=award,
        actor=signed_in_user(request),
        amount=payload.amount,
        reason=payload.reason,
        reference=payload.reference,
        decided_on=payload.decided_on,
    )
    return Status(
        201,
        {
            "id": clawback.pk,
            "amount": clawback.amount,
            "reason": clawback.reason,
            "reference": clawback.reference,
            "decided_on": clawback.decided_on,
        },
    )
