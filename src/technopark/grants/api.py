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

import mimetypes
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from technopark.accounts.http import signed_in_user
from technopark.api.auth import signed_in
from technopark.api.errors import ErrorOut, ValidationErrorOut, documented
from technopark.api.pagination import PageParams
from technopark.api.types import Id
from technopark.core.inputs import text_problem
from technopark.core.localtime import local_today
from technopark.grants import models as grant_models
from technopark.grants import queries, rules, services
from technopark.grants import schemas as api_schemas
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


# --- Milestones, milestone reports, their review and their files ---------------------------
#
# The same rules as the award page and the report form (``grants.rules``). A grant the visitor
# may not see (another park's, or another company's for a founder) is not found: 404.

FILE_MEANING = (
    "The file, always as a download (`Content-Disposition: attachment`), of the type its name "
    "says (`application/octet-stream` when unknown)."
)


def _visible_award(request: HttpRequest, grant_id: int) -> GrantAward:
    access = access_of(request)
    require(rules.can_open_awards(access))
    award = queries.award_detail(park=park_of(request), pk=grant_id)
    if award is None or not rules.can_view_award(access, award):
        raise Http404
    return award


def _milestone_state(milestone: grant_models.Milestone, today: Any) -> dict[str, Any]:
    reports = list(milestone.reports.all())  # prefetched, the last filed first
    latest = reports[0] if reports else None
    return {
        "id": milestone.pk,
        "number": milestone.number,
        "title": milestone.title,
        "deliverables": milestone.deliverables,
        "due_on": milestone.due_on,
        "status": milestone.status,
        "overdue": milestone.is_overdue(today),
        "reports_filed": len(reports),
        "latest_report": None
        if latest is None
        else {"id": latest.pk, "status": latest.status, "filed_at": latest.filed_at},
    }


def _report_out(report: grant_models.GrantReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "milestone_id": report.milestone_id,
        "status": report.status,
        "summary": report.summary,
        "filed_at": report.filed_at,
        "filed_by_id": report.filed_by_id,
        "spending": [{"kind": s.kind, "amount": s.amount} for s in report.spending.all()],
        "attachments": [
            {"id": a.pk, "name": a.name, "size": a.size} for a in report.attachments.all()
        ],
        "review_note": report.review_note,
        "reviewed_by_id": report.reviewed_by_id,
    }


def _milestone_of(award: GrantAward, milestone_id: int) -> grant_models.Milestone:
    for milestone in award.milestones.all():  # prefetched with the award
        if milestone.pk == milestone_id:
            return milestone
    raise Http404


def _fresh_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    report = (
        grant_models.GrantReport.objects.filter(pk=report_id)
        .prefetch_related("spending", "attachments")
        .get()
    )
    return _report_out(report)


@router.get(
    "/parks/{slug:park_slug}/grants/{grant_id}/milestones",
    auth=signed_in,
    **documented({200: api_schemas.MilestoneListOut}, 401, 403, 404, 422),
    summary="A grant's milestones with the state of their reports",
)
def milestone_list(request: HttpRequest, park_slug: str, grant_id: Id) -> Any:
    """Staff and observers; founders for the grants of the companies they act for. Each
    milestone with how many times its report was filed and the last report's state."""
    award = _visible_award(request, grant_id)
    today = local_today(park_of(request).time_zone)
    return {"items": [_milestone_state(m, today) for m in award.milestones.all()]}


@router.post(
    "/parks/{slug:park_slug}/grants/{grant_id}/milestones",
    auth=signed_in,
    **documented({201: api_schemas.MilestoneStateOut}, 400, 401, 403, 404, 422),
    summary="Add the next milestone of a grant (staff)",
)
def milestone_create(
    request: HttpRequest, park_slug: str, grant_id: Id, payload: api_schemas.MilestoneIn
) -> Any:
    award = _manage(request, grant_id)
    milestone = services.milestone_add(
        award=award,
        actor=signed_in_user(request),
        title=payload.title,
        due_on=payload.due_on,
        deliverables=payload.deliverables or "",
    )
    fresh = grant_models.Milestone.objects.prefetch_related("reports").get(pk=milestone.pk)
    return Status(201, _milestone_state(fresh, local_today(park_of(request).time_zone)))


@router.get(
    "/parks/{slug:park_slug}/grants/{grant_id}/milestones/{milestone_id}/reports",
    auth=signed_in,
    **documented({200: api_schemas.ReportListOut}, 401, 403, 404, 422),
    summary="The reports filed on a milestone, the last filed first",
)
def report_list(request: HttpRequest, park_slug: str, grant_id: Id, milestone_id: Id) -> Any:
    """Whoever may see the grant: its spending per budget line, its files and the review."""
    award = _visible_award(request, grant_id)
    milestone = _milestone_of(award, milestone_id)
    return {"items": [_report_out(r) for r in milestone.reports.all()]}


def _upload_problem(upload: UploadedFile) -> str | None:
    """What the report form's file field (and the storage) would refuse, said before the
    service sees the file: an empty file, a name that is empty, too long, or holds a control
    character (it would end up in the download's ``Content-Disposition`` header)."""
    name = upload.name or ""
    if not name or len(name) > 200:
        return _("Give each file a name of at most 200 characters.")
    if "\\" in name or text_problem(name, multiline=False) is not None:
        return _("A file's name may not contain control characters or path separators.")
    if not upload.size:
        return _("The file is empty.")
    return None


@router.post(
    "/parks/{slug:park_slug}/grants/{grant_id}/milestones/{milestone_id}/reports",
    auth=signed_in,
    **documented({201: api_schemas.ReportDetailOut}, 400, 401, 403, 404, 422),
    summary="File a report on a milestone (a founder acting for the company; multipart)",
)
def report_create(
    request: HttpRequest,
    park_slug: str,
    grant_id: Id,
    milestone_id: Id,
    payload: Form[api_schemas.ReportFileIn],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """``multipart/form-data``: ``summary``, the spending per budget line (``spent_<kind>``,
    roubles) and up to ten ``attachments`` (PDF, images, office documents, CSV, text or ZIP; at
    most 10 MB each and the report's limit together), kept in private storage. Refused once the
    milestone is accepted or its report has been filed the most times allowed (422)."""
    access = access_of(request)
    require(rules.can_view_my_grants(access))
    award = _visible_award(request, grant_id)
    milestone = _milestone_of(award, milestone_id)
    if milestone.status != grant_models.MilestoneStatus.ACCEPTED:
        # An accepted milestone is the service's refusal (422, naming the milestone).
        require(rules.can_file_grant_report(access, milestone))
    files = list(attachments or [])
    for upload in files:
        problem = _upload_problem(upload)
        if problem is not None:
            raise ValidationError({"attachments": problem})
    spending = {
        kind: getattr(payload, f"spent_{kind}")
        for kind in grant_models.BudgetKind.values
        if getattr(payload, f"spent_{kind}", None) is not None
    }
    report = services.grant_report_file(
        milestone=milestone,
        actor=signed_in_user(request),
        summary=payload.summary,
        spending=spending,
        attachments=files,
    )
    return Status(201, _fresh_report(request, report.pk))


@router.post(
    "/parks/{slug:park_slug}/grants/{grant_id}/reports/{report_id}/review",
    auth=signed_in,
    **documented({200: api_schemas.ReportDetailOut}, 400, 401, 403, 404, 422),
    summary="Accept a milestone report, or return it for changes with a note (staff)",
)
def report_review(
    request: HttpRequest,
    park_slug: str,
    grant_id: Id,
    report_id: Id,
    payload: api_schemas.ReportReviewIn,
) -> Any:
    """Accepting accepts the milestone; returning opens it again for a new report and needs a
    ``note``. A report already reviewed is a 422."""
    award = _manage(request, grant_id)
    report = queries.report_in_park(park=park_of(request), pk=report_id)
    if report is None or report.milestone.award_id != award.pk:
        raise Http404
    services.grant_report_review(
        report=report,
        actor=signed_in_user(request),
        accept=payload.decision == "accept",
        note=payload.note or "",
    )
    return _fresh_report(request, report.pk)


@router.get(
    "/parks/{slug:park_slug}/grants/{grant_id}/attachments/{attachment_id}",
    auth=signed_in,
    response={
        code: ValidationErrorOut if code == 422 else ErrorOut for code in (401, 403, 404, 422)
    },
    openapi_extra={
        "responses": {
            200: {
                "description": FILE_MEANING,
                # OpenAPI 3.1: a body of raw bytes has no schema, only its media type.
                "content": {"*/*": {}},
            },
            **documented({}, 401, 403, 404, 422)["openapi_extra"]["responses"],
        }
    },
    summary="Download a report's file (whoever may see the grant)",
)
def attachment_download(
    request: HttpRequest, park_slug: str, grant_id: Id, attachment_id: Id
) -> Any:
    """Served as the grant page serves it: ``Content-Disposition: attachment``,
    ``X-Content-Type-Options: nosniff``, ``Cache-Control: private, no-store``."""
    access = access_of(request)
    award = _visible_award(request, grant_id)
    item = queries.attachment_in_park(park=park_of(request), pk=attachment_id)
    if item is None or item.report.milestone.award_id != award.pk:
        raise Http404
    require(rules.can_open_report_files(access, item.report.milestone.award))
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    content_type = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
    response = FileResponse(
        handle, as_attachment=True, filename=item.name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
