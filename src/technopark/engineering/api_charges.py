"""The charges part of the engineering API: a request's charge (read; made by the park's
managers and admins, to the company or a budget line of its grants, with an idempotency key),
the company's disputes of a line and the staff's answers.

The same rules and services as the pages. A request outside the NDA or of another park is a 404;
a person who may not charge or answer is a 403; refused input is a 422 naming the field. A
charge that would take more than is left on the budget line, or a request charged already with
another key, is a 409 ``{"detail": …}`` («left on the line: …»). The same charge sent again
(the same ``idempotency_key``) answers 200 with the first charge; a new charge answers 201.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from technopark.api.auth import signed_in
from technopark.api.errors import ErrorOut, documented
from technopark.api.types import Id
from technopark.engineering import queries, rules, services
from technopark.engineering.models import Charge, ChargeAdjustment, PayerKind, ServiceRequest
from technopark.engineering.schemas import (
    AdjustmentDecisionIn,
    AdjustmentIn,
    AdjustmentOut,
    ChargeIn,
    ChargeOut,
)
from technopark.parks.http import access_of, park_of, require

router = Router(tags=["engineering"])

BASE = "/parks/{slug:park_slug}/engineering"
CONFLICT_MEANING = (
    "The charge would take more than is left on the budget line, or the request is charged "
    "already with another key: `detail` says what is left."
)


def _with_409(ok: dict[int, Any], *error_codes: int) -> dict[str, Any]:
    spec = documented(ok, *error_codes)
    spec["response"][409] = ErrorOut
    spec["openapi_extra"]["responses"][409] = {"description": CONFLICT_MEANING}
    return spec


def _visible(request: HttpRequest, request_id: int) -> ServiceRequest:
    """The park's request the visitor may see, or 404 (NDA and other parks alike)."""
    park = park_of(request)
    found = queries.request_in_park(park=park, pk=request_id)
    member_ids = queries.member_company_ids(park=park, user=request.user)
    if found is None or not rules.can_view_request(access_of(request), found, member_ids):
        raise Http404
    return found


def _adjustment_out(row: ChargeAdjustment) -> dict[str, Any]:
    return {
        "id": row.pk,
        "charge_id": row.charge_id,
        "line_id": row.line_id,
        "proposed_amount": row.proposed_amount,
        "reason": row.reason,
        "status": row.status,
        "requested_by_id": row.requested_by_id,
        "requested_at": row.requested_at,
        "decided_by_id": row.decided_by_id,
        "decided_at": row.decided_at,
        "refusal_reason": row.refusal_reason,
        "adjusting_line_id": row.adjusting_line_id,
    }


def _charge_out(charge: Charge) -> dict[str, Any]:
    return {
        "id": charge.pk,
        "request_id": charge.request_id,
        "company_id": charge.company_id,
        "payer": charge.payer,
        "budget_line_id": charge.budget_line_id,
        "grant_id": charge.budget_line.award_id if charge.budget_line else None,
        "total": charge.total,
        "currency": charge.currency,
        "idempotency_key": charge.idempotency_key,
        "charged_on": charge.charged_on,
        "created_at": charge.created_at,
        "lines": [
            {
                "id": line.pk,
                "kind": line.kind,
                "quote_line_id": line.quote_line_id,
                "tier": line.quote_line.tier if line.quote_line else "",
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "corrects_id": line.corrects_id,
            }
            for line in charge.lines.all()
        ],
        "adjustments": [_adjustment_out(row) for row in charge.adjustments.all()],
    }


def _fresh(request: ServiceRequest) -> dict[str, Any]:
    charge = queries.charge_of(request=request)
    if charge is None:
        raise Http404
    return _charge_out(charge)


@router.get(
    f"{BASE}/requests/{{request_id}}/charge",
    auth=signed_in,
    **documented({200: ChargeOut}, 401, 404, 422),
    summary="A request's charge, its lines and disputes",
)
def charge_detail(request: HttpRequest, park_slug: str, request_id: Id) -> Any:
    """Whoever sees the request sees its charge; 404 while it has none."""
    return _fresh(_visible(request, request_id))


@router.post(
    f"{BASE}/requests/{{request_id}}/charge",
    auth=signed_in,
    **_with_409({200: ChargeOut, 201: ChargeOut}, 400, 401, 403, 404, 422),
    summary="Charge an accepted request, once (the park's managers and admins)",
)
def charge_create(request: HttpRequest, park_slug: str, request_id: Id, payload: ChargeIn) -> Any:
    """201 with the new charge; 200 with the first charge when the same ``idempotency_key``
    charged already (nothing is charged again); 409 when the budget line cannot pay it or the
    request is charged already with another key."""
    access = access_of(request)
    require(rules.can_view_charges(access))
    found = _visible(request, request_id)
    line = None
    if payload.budget_line_id is not None:
        lines = queries.budget_lines_for(request=found)
        line = next((row for row in lines if row.pk == payload.budget_line_id), None)
        if line is None:
            raise ValidationError(
                {"budget_line_id": _("Choose a budget line of a grant of this company.")}
            )
    elif payload.payer == PayerKind.BUDGET_LINE:
        raise ValidationError({"budget_line_id": _("Name the budget line that pays.")})
    try:
        result = services.charge_create(
            access=access,
            request=found,
            payer=payload.payer.value,
            budget_line=line,
            idempotency_key=payload.idempotency_key,
            now=timezone.now(),
        )
    except (services.LineExceeded, services.AlreadyCharged) as error:
        return Status(409, {"detail": " ".join(str(m) for m in error.messages)})
    return Status(201 if result.created else 200, _fresh(found))


@router.post(
    f"{BASE}/charge-lines/{{line_id}}/adjustments",
    auth=signed_in,
    **documented({201: AdjustmentOut}, 400, 401, 403, 404, 422),
    summary="Dispute a line of a charge (someone acting for the company)",
)
def adjustment_create(
    request: HttpRequest, park_slug: str, line_id: Id, payload: AdjustmentIn
) -> Any:
    """One open dispute per line: another while one waits is a 422."""
    line = queries.charge_line_in_park(park=park_of(request), pk=line_id)
    if line is None:
        raise Http404
    found = _visible(request, line.charge.request_id)
    access = access_of(request)
    require(
        rules.can_dispute_charge(
            access, found, queries.acting_company_ids(park=park_of(request), user=request.user)
        )
    )
    adjustment = services.adjustment_request(
        access=access,
        line=line,
        proposed_amount=payload.proposed_amount,
        reason=payload.reason,
        now=timezone.now(),
    )
    return Status(201, _adjustment_out(adjustment))


@router.post(
    f"{BASE}/adjustments/{{adjustment_id}}/decision",
    auth=signed_in,
    **_with_409({200: AdjustmentOut}, 400, 401, 403, 404, 422),
    summary="Accept or refuse a dispute (the park's managers and admins)",
)
def adjustment_decision(
    request: HttpRequest, park_slug: str, adjustment_id: Id, payload: AdjustmentDecisionIn
) -> Any:
    """Accepted: an adjusting line is added and the total (and the budget line) move by it —
    a 409 when the budget line cannot take it. Refused: with a reason (422 without one)."""
    access = access_of(request)
    require(rules.can_view_charges(access))
    adjustment = queries.adjustment_in_park(park=park_of(request), pk=adjustment_id)
    if adjustment is None:
        raise Http404
    _visible(request, adjustment.charge.request_id)
    try:
        decided = services.adjustment_decide(
            access=access,
            adjustment=adjustment,
            accept=payload.accept,
            reason=payload.reason,
            now=timezone.now(),
        )
    except services.LineExceeded as error:
        return Status(409, {"detail": " ".join(str(m) for m in error.messages)})
    return _adjustment_out(decided)
