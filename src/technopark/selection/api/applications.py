"""The calls and applications part of the API.

* Calls: the open calls of a park and one call with its form and criteria, for anyone who may see
  the park (anonymous visitors of a public park too).
* Own applications: a founder lists, starts, changes, submits and withdraws the applications of
  the companies they act for.
* Staff: every application to a call, with its eligibility checks.

The same permissions as the pages (``selection.rules.applications``), asked before a record is
looked up: anonymous → 401, not allowed → 403, not in this park → 404. Refusals of the services
are 422 naming the field (``field_<id>`` for an answer).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from technopark.accounts.http import signed_in_user
from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.types import Id
from technopark.companies.models import Company
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Direction
from technopark.selection import rules
from technopark.selection.models import Application
from technopark.selection.queries import applications as app_queries
from technopark.selection.queries import calls as call_queries
from technopark.selection.schemas.applications import (
    CallDetailOut,
    CallSummaryListOut,
    OwnApplicationCreateIn,
    OwnApplicationDetailOut,
    OwnApplicationListOut,
    OwnApplicationSubmitIn,
    OwnApplicationUpdateIn,
    ScreenedApplicationListOut,
)
from technopark.selection.services import applications as services
from technopark.selection.services import drafts as draft_services

router = Router(tags=["selection"])


def _application(request: HttpRequest, application_id: int) -> Application:
    access = access_of(request)
    require(rules.can_apply(access))
    application = app_queries.application_detail(park=park_of(request), pk=application_id)
    if application is None:
        raise Http404
    require(rules.is_applicant(access, application))
    return application


def _reloaded(request: HttpRequest, application: Application) -> Application:
    fresh = app_queries.application_detail(park=park_of(request), pk=application.pk)
    if fresh is None:  # pragma: no cover - it was just written
        raise Http404
    return fresh


@router.get(
    "/parks/{slug:park_slug}/calls",
    auth=None,
    **documented({200: CallSummaryListOut}, 403, 404),
    summary="The park's open calls",
)
def call_list(request: HttpRequest, park_slug: str) -> Any:
    """Calls taking applications now, soonest deadline first (no sign-in needed)."""
    require(rules.can_view_calls(access_of(request)))
    return {"items": list(call_queries.open_calls(park=park_of(request)))}


@router.get(
    "/parks/{slug:park_slug}/calls/{call_id}",
    auth=None,
    **documented({200: CallDetailOut}, 403, 404, 422),
    summary="One call with its form and review criteria",
)
def call_detail(request: HttpRequest, park_slug: str, call_id: Id) -> Any:
    access = access_of(request)
    require(rules.can_view_calls(access))
    call = call_queries.call_detail(park=park_of(request), pk=call_id)
    if call is None or not rules.can_view_call(access, call):
        raise Http404
    return call


@router.get(
    "/parks/{slug:park_slug}/calls/{call_id}/applications",
    auth=signed_in,
    **documented({200: ScreenedApplicationListOut}, 401, 403, 404, 422),
    summary="Every application to a call, with its eligibility checks (staff)",
)
def call_applications(request: HttpRequest, park_slug: str, call_id: Id) -> Any:
    require(rules.can_screen_applications(access_of(request)))
    call = call_queries.call_detail(park=park_of(request), pk=call_id)
    if call is None:
        raise Http404
    return {"items": list(app_queries.call_applications(call=call))}


@router.get(
    "/parks/{slug:park_slug}/applications",
    auth=signed_in,
    **documented({200: OwnApplicationListOut}, 401, 403, 404),
    summary="The applications of the companies you act for",
)
def application_list(request: HttpRequest, park_slug: str) -> Any:
    require(rules.can_list_own_applications(access_of(request)))
    rows = app_queries.own_applications(park=park_of(request), user=request.user)
    return {"items": list(rows)}


@router.post(
    "/parks/{slug:park_slug}/applications",
    auth=signed_in,
    **documented({201: OwnApplicationDetailOut}, 400, 401, 403, 404, 422),
    summary="Start a draft application for a company you act for",
)
def application_create(
    request: HttpRequest, park_slug: str, payload: OwnApplicationCreateIn
) -> Any:
    access = access_of(request)
    park = park_of(request)
    require(rules.can_apply(access))
    call = call_queries.call_detail(park=park, pk=payload.call)
    if call is None or not rules.can_view_call(access, call):
        raise ValidationError({"call": _("Choose an open call of this park.")})
    company = Company.all_parks.filter(park=park, pk=payload.company).first()
    if company is None:
        raise ValidationError({"company": _("Choose a company of this park.")})
    require(rules.can_apply_for(access, company))
    application = draft_services.application_start(
        call=call, company=company, actor=signed_in_user(request)
    )
    return Status(201, _reloaded(request, application))


@router.get(
    "/parks/{slug:park_slug}/applications/{application_id}",
    auth=signed_in,
    **documented({200: OwnApplicationDetailOut}, 401, 403, 404, 422),
    summary="One of your applications with its answers",
)
def application_detail(request: HttpRequest, park_slug: str, application_id: Id) -> Any:
    return _application(request, application_id)


@router.patch(
    "/parks/{slug:park_slug}/applications/{application_id}",
    auth=signed_in,
    **documented({200: OwnApplicationDetailOut}, 400, 401, 403, 404, 422),
    summary="Change the title, directions or answers of a draft",
)
def application_update(
    request: HttpRequest, park_slug: str, application_id: Id, payload: OwnApplicationUpdateIn
) -> Any:
    """Only what is sent changes. Answers are checked against their question's kind."""
    application = _application(request, application_id)
    directions = None
    if payload.directions is not None:
        wanted = set(payload.directions)
        directions = list(Direction.all_parks.filter(park=park_of(request), pk__in=wanted))
        if len(directions) != len(wanted):
            raise ValidationError({"directions": _("Choose directions of this park.")})
    answers: dict[int, Any] = {}
    for item in payload.answers:
        answers[item.field] = item.value
    draft_services.application_save(
        application=application,
        actor=signed_in_user(request),
        title=payload.title,
        directions=directions,
        answers=answers,
    )
    return _reloaded(request, application)


@router.post(
    "/parks/{slug:park_slug}/applications/{application_id}/submit",
    auth=signed_in,
    **documented({200: OwnApplicationDetailOut}, 400, 401, 403, 404, 422),
    summary="Submit a draft before the call's deadline",
)
def application_submit(
    request: HttpRequest, park_slug: str, application_id: Id, payload: OwnApplicationSubmitIn
) -> Any:
    application = _application(request, application_id)
    services.application_submit(
        application=application,
        actor=signed_in_user(request),
        declares_no_tax_debt=payload.declares_no_tax_debt,
        base_url=request.build_absolute_uri("/"),
    )
    return _reloaded(request, application)


@router.post(
    "/parks/{slug:park_slug}/applications/{application_id}/withdraw",
    auth=signed_in,
    **documented({200: OwnApplicationDetailOut}, 401, 403, 404, 422),
    summary="Withdraw an open application",
)
def application_withdraw(request: HttpRequest, park_slug: str, application_id: Id) -> Any:
    application = _application(request, application_id)
    services.application_withdraw(application=application, actor=signed_in_user(request))
    return _reloaded(request, application)
