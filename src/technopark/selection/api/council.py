"""API of the council part: the ranking table, an application with its filed reviews, decisions
one by one and in batch (staff), and the notice of a decision (the applicant).

The same permissions as the council's pages (``selection.rules.council``), asked before a record
is looked up: anonymous → 401, not allowed → 403, not in this park → 404. Decisions go through
``selection.services.council``; their refusals are 422 naming the field.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from technopark.accounts.http import signed_in_user
from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.pagination import PAGE_PARAMS, PageParams
from technopark.api.types import Id
from technopark.core.fragments import Fragment
from technopark.core.params import Choice
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Park, Site
from technopark.parks.queries import site_options
from technopark.selection.models import Application, Call, Decision
from technopark.selection.queries import council as queries
from technopark.selection.rules import council as rules
from technopark.selection.schemas.council import (
    BatchDecisionIn,
    BatchDecisionOut,
    CouncilApplicationOut,
    CouncilReviewOut,
    DecisionIn,
    DecisionNoticeOut,
    DecisionOut,
    RankingFilterParams,
    RankingPageOut,
    RankingRowOut,
    _decimal,
)
from technopark.selection.services import council as services

router = Router(tags=["selection"])


def _call_or_404(park: Park, call_id: int) -> Call:
    call = queries.council_call(park=park, call_id=call_id)
    if call is None:
        raise Http404
    return call


def _site(park: Park, site_id: int | None) -> Site | None:
    if site_id is None:
        return None
    for site in site_options(park=park):
        if site.pk == site_id:
            return site
    raise ValidationError({"site": _("Choose a site of this park.")})


API_RANKING = Fragment(
    "api-council-ranking",
    topics=("selection", "companies"),
    params={
        "status": Choice.of(str(status.value) for status in queries.RANKED_STATUSES),
        "flagged": Choice.of(("True", "False")),
        "sort": Choice.of(queries.SORTS),
        **PAGE_PARAMS,
    },
)


@router.get(
    "/parks/{slug:park_slug}/council/calls/{call_id}/ranking",
    auth=signed_in,
    **documented({200: RankingPageOut}, 401, 403, 404, 422),
    summary="The council's ranking table of a call",
)
def council_ranking(
    request: HttpRequest,
    park_slug: str,
    call_id: Id,
    filters: Query[RankingFilterParams],
    page: Query[PageParams],
) -> Any:
    """The call's applications with their weighted totals, reviews filed and assigned, spread,
    recommendations, disagreement flag and eligibility (with the checks that fail), filtered and
    sorted as on the council's page (staff). ``rank`` is the application's rank in the whole
    call, the same whatever the filters.

    The body is cached under the park's data version; a fresh one takes five queries however
    many applications the call has.
    """
    require(rules.can_view_council(access_of(request)))
    park = park_of(request)

    def build() -> bytes:
        call = queries.council_call(park=park, call_id=call_id)
        if call is None:
            return b""
        rows = queries.RankingRows(
            call=call,
            filters=queries.RankingFilters(
                status=filters.status or "", flagged=filters.flagged, sort=filters.sort
            ),
        )
        items = list(rows[page.offset : page.offset + page.limit])
        ids = [row.pk for row in items]
        decisions = queries.latest_decisions(application_ids=ids)
        hints = queries.eligibility_hints(application_ids=ids)
        for row in items:
            row.latest_decision = decisions.get(row.pk)  # type: ignore[attr-defined]
            row.failing_checks = hints.get(row.pk, [])  # type: ignore[attr-defined]
        body = {
            "count": rows.count(),
            "limit": page.limit,
            "offset": page.offset,
            "items": [RankingRowOut.build(row) for row in items],
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    content = API_RANKING.get(
        request, build=build, args=(call_id,), params=filters.model_dump() | page.model_dump()
    )
    if not content:
        raise Http404
    return HttpResponse(content, content_type="application/json; charset=utf-8")


@router.get(
    "/parks/{slug:park_slug}/council/calls/{call_id}/applications/{application_id}",
    auth=signed_in,
    **documented({200: CouncilApplicationOut}, 401, 403, 404, 422),
    summary="An application with its filed reviews and decisions",
)
def council_application(
    request: HttpRequest, park_slug: str, call_id: Id, application_id: Id
) -> Any:
    """Every filed review with the expert's name, scores and notes (for the council and for the
    applicant), and the decisions so far (staff)."""
    require(rules.can_view_council(access_of(request)))
    call = _call_or_404(park_of(request), call_id)
    detail = queries.council_application(call=call, pk=application_id)
    if detail is None:
        raise Http404
    application = detail.application
    return {
        "application_id": application.pk,
        "call_id": call.pk,
        "title": application.title,
        "company_id": application.company_id,
        "company_name": application.company.short_name,
        "status": application.status,
        "submitted_at": application.submitted_at,
        "weighted_total": _decimal(detail.weighted_total),
        "spread": _decimal(detail.spread),
        "flagged": detail.flagged,
        "reviews_assigned": detail.reviews_assigned,
        "reviews": [CouncilReviewOut.build(review) for review in detail.reviews],
        "decisions": detail.decisions,
    }


@router.post(
    "/parks/{slug:park_slug}/council/calls/{call_id}/applications/{application_id}/decisions",
    auth=signed_in,
    **documented({201: DecisionOut}, 400, 401, 403, 404, 422),
    summary="Record the council's decision on an application",
)
def decision_create(
    request: HttpRequest, park_slug: str, call_id: Id, application_id: Id, payload: DecisionIn
) -> Any:
    """Admit, reject or ask for more information (staff). Only an application awaiting the council
    (submitted) can be decided; admission to a residency call needs ``agreement_number`` and
    ``start_date``. The applicant is sent a notice."""
    require(rules.can_decide(access_of(request)))
    park = park_of(request)
    call = _call_or_404(park, call_id)
    application = (
        Application.all_parks.filter(park=park, call=call, pk=application_id)
        .select_related("company")
        .first()
    )
    if application is None:
        raise Http404
    decision = services.decision_record(
        application=application,
        actor=signed_in_user(request),
        outcome=payload.outcome,
        rationale=payload.rationale,
        message_for_applicant=payload.message_for_applicant,
        agreement_number=payload.agreement_number,
        start_date=payload.start_date,
        site=_site(park, payload.site),
    )
    return Status(201, queries.decisions_of(application=application).get(pk=decision.pk))


@router.post(
    "/parks/{slug:park_slug}/council/calls/{call_id}/decisions",
    auth=signed_in,
    **documented({201: BatchDecisionOut}, 400, 401, 403, 404, 422),
    summary="One decision for several applications of a call",
)
def decisions_create_batch(
    request: HttpRequest, park_slug: str, call_id: Id, payload: BatchDecisionIn
) -> Any:
    """One outcome with a shared rationale, all or none (staff). Admission to a residency call is
    decided one application at a time (each needs its agreement number)."""
    require(rules.can_decide(access_of(request)))
    park = park_of(request)
    call = _call_or_404(park, call_id)
    decisions = services.decisions_record_batch(
        park=park,
        call=call,
        application_ids=payload.applications,
        actor=signed_in_user(request),
        outcome=payload.outcome,
        rationale=payload.rationale,
        message_for_applicant=payload.message_for_applicant,
    )
    loaded = Decision.objects.filter(pk__in=[d.pk for d in decisions]).select_related("decided_by")
    return Status(201, {"decisions": list(loaded.order_by("application_id"))})


@router.get(
    "/parks/{slug:park_slug}/applications/{application_id}/decision-notice",
    auth=signed_in,
    **documented({200: DecisionNoticeOut}, 401, 403, 404, 422),
    summary="The notice of the council's decision on your application",
)
def decision_notice(request: HttpRequest, park_slug: str, application_id: Id) -> Any:
    """What the applicant is told of the latest decision: the outcome, the council's message and
    the experts' notes for the applicant. For those who act for the applicant company (and
    staff); 404 while the council has not decided."""
    access = access_of(request)
    require(rules.can_read_decision_notices(access))
    application = (
        Application.all_parks.filter(park=park_of(request), pk=application_id)
        .select_related("company")
        .first()
    )
    if application is None:
        raise Http404
    require(rules.can_read_decision_notice(access, application))
    notice = queries.decision_for_applicant(application=application)
    if notice is None:
        raise Http404
    return {
        "application_id": notice.application_id,
        "outcome": notice.outcome,
        "message": notice.message,
        "decided_at": notice.decided_at,
        "notes_for_applicant": notice.notes,
    }
