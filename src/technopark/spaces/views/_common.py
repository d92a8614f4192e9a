"""Shared by the parts of the spaces pages: whom the visitor acts for, the booking in the way,
a booking of the request's park, the booking form."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from technopark.companies.models import Company
from technopark.parks.http import access_of, park_of
from technopark.parks.rules import is_staff
from technopark.spaces import queries, rules, services
from technopark.spaces.forms import (
    BookingForm,
)
from technopark.spaces.models import Booking


def _company_ids(request: HttpRequest) -> set[int]:
    return services.acting_company_ids(user=request.user, park=park_of(request))


def _conflict_text(request: HttpRequest, error: services.BookingConflict) -> str:
    """The booking in the way; whose only when ``rules.can_see_booker`` allows."""
    show = rules.can_see_booker(access_of(request), error.booking, _company_ids(request))
    return services.conflict_message(booking=error.booking, show_company=show)


def _booking_or_404(request: HttpRequest, pk: int) -> Booking:
    booking = queries.booking_in_park(park=park_of(request), pk=pk)
    if booking is None:
        raise Http404(_("No such booking in this park."))
    return booking


def _companies(request: HttpRequest) -> QuerySet[Company]:
    """The companies the visitor may book for: staff any of the park's, others their own."""
    park = park_of(request)
    rows = Company.all_parks.filter(park=park)
    if not is_staff(access_of(request)):
        rows = rows.filter(pk__in=_company_ids(request))
    return rows.order_by("short_name", "pk")


def _booking_form(request: HttpRequest, data: Any = None, initial: Any = None) -> BookingForm:
    access = access_of(request)
    park = park_of(request)
    staff = is_staff(access)
    resources = list(queries.resources(park=park))
    return BookingForm(
        data,
        initial=initial,
        resources=resources,
        companies=_companies(request),
        company_required=not staff,
        company_search_url=reverse("spaces:pick_company", kwargs={"park_slug": park.slug}),
    )
