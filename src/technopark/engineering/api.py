"""The engineering part of the API: service requests (list, file, read, change of state) and
their quotes (list, approve).

The same rules as the pages (``engineering.rules``) and the same services: a confidential request
outside the NDA, and another park's, is a 404; a refused change of state or approval is a 422
naming the field (``to_state``, ``reason``), with the reason in the reader's language.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.pagination import PageParams, paginate
from technopark.api.types import Id
from technopark.companies.models import Company
from technopark.engineering import queries, rules, services
from technopark.engineering.models import Quote, ServiceRequest
from technopark.engineering.schemas import (
    ApproveIn,
    QuoteOut,
    RequestFilterParams,
    RequestIn,
    RequestOut,
    RequestPageOut,
    TransitionIn,
)
from technopark.parks.http import access_of, park_of, require

router = Router(tags=["engineering"])

BASE = "/parks/{slug:park_slug}/engineering"


def _request_out(row: ServiceRequest) -> dict[str, Any]:
    return {
        "id": row.pk,
        "company_id": row.company_id,
        "company": row.company.short_name,
        "title": row.title,
        "description": row.description,
        "desired_on": row.desired_on,
        "confidential": row.confidential,
        "state": row.state,
        "held_from": row.held_from,
        "responsible_id": row.responsible_id,
        "engineer_ids": sorted(engineer.pk for engineer in row.engineers.all()),
        "act_number": row.act_number,
        "created_at": row.created_at,
        "changed_at": row.changed_at,
    }


def _quote_out(quote: Quote) -> dict[str, Any]:
    return {
        "id": quote.pk,
        "request_id": quote.request_id,
        "version": quote.version,
        "number": quote.number,
        "status": quote.status,
        "expires_on": quote.expires_on,
        "total": quote.total,
        "currency": quote.currency,
        "needs_manager": quote.needs_manager,
        "approvals": [approval.side for approval in quote.approvals.all()],
        "lines": [
            {
                "id": line.pk,
                "kind": line.kind,
                "service_id": line.service_id,
                "description": line.description,
                "quantity": line.quantity,
                "unit": line.unit,
                "tier": line.tier,
                "unit_price": line.unit_price,
                "discount": line.discount,
                "discount_reason": line.discount_reason,
                "amount": line.amount,
            }
            for line in quote.lines.all()
        ],
    }


def _visible(request: HttpRequest, request_id: int) -> ServiceRequest:
    """The park's request the visitor may see, or 404 (NDA and other parks alike)."""
    access = access_of(request)
    park = park_of(request)
    found = queries.request_in_park(park=park, pk=request_id)
    member_ids = queries.member_company_ids(park=park, user=request.user)
    if found is None or not rules.can_view_request(access, found, member_ids):
        raise Http404
    return found


@router.get(
    f"{BASE}/requests",
    auth=signed_in,
    **documented({200: RequestPageOut}, 401, 403, 404, 422),
    summary="Service requests the visitor may see",
)
def request_list(
    request: HttpRequest,
    park_slug: str,
    filters: Query[RequestFilterParams],
    page: Query[PageParams],
) -> Any:
    """Managers and admins: every request; engineers: those not under NDA and the confidential
    ones assigned to them; founders: their companies'. Newest first. Three queries."""
    access = access_of(request)
    require(rules.can_request_services(access) or rules.can_work_requests(access))
    park = park_of(request)
    rows = queries.visible_requests(
        park=park,
        user=request.user,
        sees_all=rules.can_see_all_requests(access),
        is_engineer=rules.is_engineer(access),
        company_ids=queries.member_company_ids(park=park, user=request.user),
    )
    if filters.state is not None:
        rows = rows.filter(state=filters.state.value)
    rows = (
        rows.select_related("company").prefetch_related("engineers").order_by("-created_at", "-pk")
    )
    data = paginate(rows, page)
    data["items"] = [_request_out(row) for row in data["items"]]
    return data


@router.post(
    f"{BASE}/requests",
    auth=signed_in,
    **documented({201: RequestOut}, 400, 401, 403, 404, 422),
    summary="File a service request",
)
def request_create(request: HttpRequest, park_slug: str, payload: RequestIn) -> Any:
    """For a company the visitor acts for (staff: any company of the park)."""
    access = access_of(request)
    require(rules.can_request_services(access))
    park = park_of(request)
    company = Company.all_parks.filter(park=park, pk=payload.company).first()
    if company is None:
        raise ValidationError({"company": _("Choose a company of this park.")})
    created = services.request_create(
        access=access,
        company=company,
        title=payload.title,
        description=payload.description,
        desired_on=payload.desired_on,
        confidential=payload.confidential,
        now=timezone.now(),
    )
    return Status(201, _request_out(_visible(request, created.pk)))


@router.get(
    f"{BASE}/requests/{{request_id}}",
    auth=signed_in,
    **documented({200: RequestOut}, 401, 404, 422),
    summary="One service request",
)
def request_detail(request: HttpRequest, park_slug: str, request_id: Id) -> Any:
    return _request_out(_visible(request, request_id))


@router.post(
    f"{BASE}/requests/{{request_id}}/transition",
    auth=signed_in,
    **documented({200: RequestOut}, 400, 401, 404, 422),
    summary="Change a request's state",
)
def request_transition(
    request: HttpRequest, park_slug: str, request_id: Id, payload: TransitionIn
) -> Any:
    """As the workflow's table allows, by the side it names (staff or the company). A change
    the table does not allow, or one a quote makes, is a 422 on ``to_state``."""
    found = _visible(request, request_id)
    services.request_transition(
        access=access_of(request),
        request=found,
        to_state=payload.to_state.value,
        reason=payload.reason,
        rating=payload.rating,
        rating_comment=payload.rating_comment,
        now=timezone.now(),
    )
    return _request_out(_visible(request, found.pk))


@router.get(
    f"{BASE}/requests/{{request_id}}/quotes",
    auth=signed_in,
    **documented({200: list[QuoteOut]}, 401, 404, 422),
    summary="A request's quotes, newest version first",
)
def quote_list(request: HttpRequest, park_slug: str, request_id: Id) -> Any:
    """Drafts are listed only to the people who work on the request (the park's managers and
    admins, its assigned engineers): the company sees a quote once it is sent."""
    found = _visible(request, request_id)
    with_drafts = rules.works_on(access_of(request), found)
    quotes = queries.request_detail_parts(request=found, with_drafts=with_drafts)["quotes"]
    return [_quote_out(quote) for quote in quotes]


@router.post(
    f"{BASE}/quotes/{{quote_id}}/approve",
    auth=signed_in,
    **documented({200: QuoteOut}, 400, 401, 403, 404, 422),
    summary="Approve a sent quote",
)
def quote_approve(request: HttpRequest, park_slug: str, quote_id: Id, payload: ApproveIn) -> Any:
    """For the company (someone acting for it), or as the park's manager when the quote is above
    the park's threshold. An expired quote is refused (422)."""
    park = park_of(request)
    quote = queries.quote_in_park(park=park, pk=quote_id)
    if quote is None:
        raise Http404
    _visible(request, quote.request_id)
    approved = services.quote_approve(
        access=access_of(request), quote=quote, side=payload.side.value, now=timezone.now()
    )
    fresh = Quote.all_parks.filter(pk=approved.pk).prefetch_related("lines", "approvals").get()
    return _quote_out(fresh)
