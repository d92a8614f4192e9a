"""Shared by the engineering pages: the request or quote of the park the visitor may see (404
otherwise, NDA included), the companies they are in and act for."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from technopark.engineering import queries, rules
from technopark.engineering.models import Quote, ServiceRequest
from technopark.parks.http import access_of, park_of


@dataclass(frozen=True)
class Visitor:
    member_ids: set[int]
    acting_ids: set[int]


def visitor(request: HttpRequest) -> Visitor:
    park = park_of(request)
    return Visitor(
        member_ids=queries.member_company_ids(park=park, user=request.user),
        acting_ids=queries.acting_company_ids(park=park, user=request.user),
    )


def request_or_404(request: HttpRequest, pk: int, who: Visitor) -> ServiceRequest:
    found = queries.request_in_park(park=park_of(request), pk=pk)
    if found is None or not rules.can_view_request(access_of(request), found, who.member_ids):
        raise Http404(_("No such request in this park."))
    return found


def quote_or_404(request: HttpRequest, pk: int, who: Visitor) -> tuple[Quote, ServiceRequest]:
    quote = queries.quote_in_park(park=park_of(request), pk=pk)
    if quote is None:
        raise Http404(_("No such quote in this park."))
    return quote, request_or_404(request, quote.request_id, who)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)
