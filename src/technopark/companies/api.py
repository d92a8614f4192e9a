"""The companies part of the API: list, read, register and edit a park's companies.

The same permissions as the companies pages (``technopark.companies.rules``), asked before a
company is looked up: anonymous → 401, not allowed → 403, not in this park → 404. Writes go
through ``technopark.companies.services``; their refusals are 422 naming the field.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from technopark.accounts.http import signed_in_user
from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.pagination import PAGE_PARAMS, PageParams, paginate
from technopark.api.types import Id
from technopark.companies import queries, rules, services
from technopark.companies.models import Company
from technopark.companies.schemas import (
    CompanyCreateIn,
    CompanyDetailOut,
    CompanyFilterParams,
    CompanyPageOut,
    CompanyUpdateIn,
)
from technopark.core.fragments import Fragment
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Direction, Park, Site
from technopark.parks.queries import site_options
from technopark.parks.rules import ParkAccess

router = Router(tags=["companies"])

PARK_FLAGS = ("started_in_park", "supported_by_park")


def _company_or_404(park: Park, company_id: int) -> Company:
    company = queries.company_detail(park=park, pk=company_id)
    if company is None:
        raise Http404
    return company


def _require_flags(access: ParkAccess, flags: list[str]) -> None:
    if flags and not rules.can_set_park_flags(access):
        raise PermissionDenied(
            _("Only the park's staff set these fields: %(fields)s.") % {"fields": ", ".join(flags)}
        )


def _site(park: Park, site_id: int | None) -> Site | None:
    if site_id is None:
        return None
    for site in site_options(park=park):
        if site.pk == site_id:
            return site
    raise ValidationError({"site": _("Choose a site of this park.")})


def _directions(park: Park, ids: list[int]) -> list[Direction]:
    wanted = set(ids)
    found = [d for d in queries.direction_options(park=park) if d.pk in wanted]
    if len(found) != len(wanted):
        raise ValidationError({"directions": _("Choose directions of this park.")})
    return found


API_COMPANY_LIST = Fragment(
    "api-company-list",
    topics=("companies", "parks"),
    params={**queries.FILTER_PARAMS, **PAGE_PARAMS},
)


@router.get(
    "/parks/{slug:park_slug}/companies",
    auth=signed_in,
    **documented({200: CompanyPageOut}, 401, 403, 404, 422),
    summary="The park's companies",
)
def company_list(
    request: HttpRequest,
    park_slug: str,
    filters: Query[CompanyFilterParams],
    page: Query[PageParams],
) -> Any:
    """Search, filter and sort as on the companies page; a page of companies and the total.

    Members of the park read it (observers too). The body is the declared fragment
    ``API_COMPANY_LIST``; a fresh one takes three queries however long the page is.
    """
    require(rules.can_list_companies(access_of(request)))
    park = park_of(request)

    def build() -> bytes:
        rows = queries.company_list(
            park=park,
            filters=queries.CompanyFilters(
                q=filters.q.strip(),
                direction=filters.direction,
                stage=filters.stage or "",
                site=filters.site,
                sort=filters.sort,
            ),
        )
        body = CompanyPageOut.model_validate(paginate(rows, page)).model_dump(mode="json")
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    content = API_COMPANY_LIST.get(
        request, build=build, params=filters.model_dump() | page.model_dump()
    )
    return HttpResponse(content, content_type="application/json; charset=utf-8")


@router.get(
    "/parks/{slug:park_slug}/companies/{company_id}",
    auth=signed_in,
    **documented({200: CompanyDetailOut}, 401, 403, 404, 422),
    summary="One company with its team and stage history",
)
def company_detail(request: HttpRequest, park_slug: str, company_id: Id) -> Any:
    access = access_of(request)
    require(rules.can_list_companies(access))
    company = _company_or_404(park_of(request), company_id)
    require(rules.can_view_company(access, company))
    return company


@router.post(
    "/parks/{slug:park_slug}/companies",
    auth=signed_in,
    **documented({201: CompanyDetailOut}, 400, 401, 403, 404, 422),
    summary="Register a company",
)
def company_create(request: HttpRequest, park_slug: str, payload: CompanyCreateIn) -> Any:
    """Staff register any company; a founder registers their own and joins its team.

    ``started_in_park`` and ``supported_by_park`` are for staff only (403 for others).
    """
    access = access_of(request)
    park = park_of(request)
    require(rules.can_create_company(access))
    data = payload.dict()
    _require_flags(access, [name for name in PARK_FLAGS if data[name]])
    joins_team = rules.joins_team_on_create(access)
    position = data.pop("position")
    company = services.company_create(
        park=park,
        actor=signed_in_user(request),
        site=_site(park, data.pop("site")),
        directions=_directions(park, data.pop("directions")),
        position=(position or "") if joins_team else None,
        **data,
    )
    return Status(201, _company_or_404(park, company.pk))


@router.patch(
    "/parks/{slug:park_slug}/companies/{company_id}",
    auth=signed_in,
    **documented({200: CompanyDetailOut}, 400, 401, 403, 404, 422),
    summary="Change a company's data or stage",
)
def company_update(
    request: HttpRequest, park_slug: str, company_id: Id, payload: CompanyUpdateIn
) -> Any:
    """Only the fields sent change. Staff edit any company; a founder the ones they act for.

    A new ``stage`` is recorded in the history with ``stage_evidence``.
    """
    access = access_of(request)
    park = park_of(request)
    require(rules.can_edit_companies(access))
    company = _company_or_404(park, company_id)
    require(rules.can_edit_company(access, company))
    changes = payload.dict(exclude_unset=True)
    _require_flags(
        access,
        [
            name
            for name in PARK_FLAGS
            if name in changes and changes[name] != getattr(company, name)
        ],
    )
    directions = _directions(park, changes.pop("directions")) if "directions" in changes else None
    if "site" in changes:
        changes["site"] = _site(park, changes["site"])
    services.company_update(
        company=company,
        actor=signed_in_user(request),
        directions=directions,
        stage=changes.pop("stage", None),
        stage_evidence=changes.pop("stage_evidence", ""),
        **changes,
    )
    return _company_or_404(park, company.pk)
