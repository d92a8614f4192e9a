"""The pages that read the spaces: the free-slot search, occupancy (with XLSX). The calendar is
``views.calendar``."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.dateparse import parse_date
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET

from technopark.core.fragments import Fragment
from technopark.core.localtime import local_today, zone_named
from technopark.core.params import Choice, Clock, Integer
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Park
from technopark.spaces import exports, queries, rules, services
from technopark.spaces.forms import (
    SearchForm,
)
from technopark.spaces.models import Resource, ResourceType
from technopark.spaces.views.calendar import DAY as _DAY
from technopark.spaces.views.calendar import now_bucket as _now_bucket
from technopark.spaces.views.calendar import valid_date as _valid_date

SEARCH = Fragment(
    "spaces-search",
    topics=("spaces", "parks"),
    varies_on=(rules.can_book,),
    params={
        "site": Integer(),
        "resource_type": Choice.of(ResourceType.values),
        "day": _DAY,
        "start": Clock(),
        "end": Clock(),
        "capacity": Integer(high=1000),
    },
)


# --- free-slot search ---------------------------------------------------------------------------


@login_required
@require_GET
def search(request: HttpRequest, park_slug: str) -> HttpResponse:
    """«A room for 6 tomorrow 14:00–16:00»: resources free for the whole time.

    The declared fragment ``SEARCH``; a fresh search runs four queries (sites,
    the free resources, their sites' opening hours; and nothing more however many bookings the
    park holds), a cached one none.
    """
    access = access_of(request)
    require(rules.can_view_spaces(access))
    park = park_of(request)
    may_book = rules.can_book(access)
    content = SEARCH.get(
        request,
        build=lambda: _render_search(request, park, may_book=may_book),
        args=(_now_bucket(),),  # «tomorrow» when no day is given
    )
    return render(request, "spaces/search.html", {"search_content": mark_safe(content)})  # noqa: S308 - our template's output


def _render_search(request: HttpRequest, park: Park, *, may_book: bool) -> str:
    sites = queries.sites(park=park)
    params = request.GET.copy()
    if params and "day" not in params:  # «… tomorrow 14:00–16:00» without a date: tomorrow
        tomorrow = local_today(park.time_zone) + timedelta(days=1)
        params["day"] = tomorrow.isoformat()
    form = SearchForm(params or None, sites=sites)
    results = None
    starts_at = ends_at = None
    if params and form.is_valid():
        data = form.cleaned_data
        site = queries.site_in_park(park=park, site_id=data["site"], options=sites)
        zone = services.zone_of(site) if site is not None else zone_named(park.time_zone)
        starts_at = datetime.combine(data["day"], data["start"], zone)
        end_day = data["day"] + timedelta(days=1 if data["end"] <= data["start"] else 0)
        ends_at = datetime.combine(end_day, data["end"], zone)
        results = queries.free_resources(
            park=park,
            starts_at=starts_at,
            ends_at=ends_at,
            resource_type=data["resource_type"],
            site=site,
            capacity=data["capacity"],
        )
    items = ""
    if results and starts_at is not None and ends_at is not None:
        items = _result_items(
            results, park=park, may_book=may_book, starts_at=starts_at, ends_at=ends_at
        )
    return render_to_string(
        "spaces/_search_content.html",
        {
            "form": form,
            "results": results,
            "items": mark_safe(items),  # noqa: S308 - every value is escaped in _result_items
        },
        request=request,
    )


def _result_items(
    results: list[Resource],
    *,
    park: Park,
    may_book: bool,
    starts_at: datetime,
    ends_at: datetime,
) -> str:
    """The found resources as ``<li>`` rows, in one pass (as the calendar's grid): through the
    template every row reversed the booking URL, formatted both times and translated its words
    again, the larger part of the search's first visit. The words are looked up once, the values
    escaped; the times as the template's ``date`` filter wrote them (in the current zone)."""
    certificate = escape(pgettext("resource needs", "certificate"))
    book = escape(pgettext("booking a resource", "Book"))
    times = "&amp;starts_at={}&amp;ends_at={}".format(
        dateformat.format(timezone.localtime(starts_at), r"Y-m-d\TH:i"),
        dateformat.format(timezone.localtime(ends_at), r"Y-m-d\TH:i"),
    )
    book_url = escape(reverse("spaces:book", kwargs={"park_slug": park.slug}))
    types = dict(ResourceType.choices)
    rows = []
    for resource in results:
        people = ngettext("%(counter)s person", "%(counter)s people", resource.capacity) % {
            "counter": escape(formats.localize(resource.capacity))
        }
        tag = f' <span class="tag">{certificate}</span>' if resource.requires_certification else ""
        link = (
            f'<a class="button secondary" href="{book_url}?resource={int(resource.pk)}{times}">'
            f"{book}</a>"
            if may_book
            else ""
        )
        rows.append(
            f"  <li>{escape(resource.site.display_name)} — <strong>"
            f"{escape(resource.display_name)}</strong> "
            f"({escape(types.get(resource.resource_type, resource.resource_type))}, {people})"
            f"{tag}\n  {link}</li>\n"
        )
    return "".join(rows)


# --- occupancy ----------------------------------------------------------------------------------


def _occupancy(request: HttpRequest) -> tuple[queries.Occupancy, str, date]:
    period = "month" if request.GET.get("period") == "month" else "week"
    day = (parse_date(request.GET.get("date") or "") if _valid_date(request) else None) or (
        timezone.localdate()
    )
    first, last = queries.period_bounds(period=period, day=day)
    return queries.occupancy(park=park_of(request), first_day=first, last_day=last), period, day


@login_required
@require_GET
def occupancy(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_view_occupancy(access_of(request)))
    data, period, day = _occupancy(request)
    step = timedelta(days=7) if period == "week" else timedelta(days=31)
    return render(
        request,
        "spaces/occupancy.html",
        {
            "occupancy": data,
            "period": period,
            "day": day,
            "previous": (data.first_day - timedelta(days=1)).isoformat(),
            "next": (data.first_day + step).isoformat()
            if period == "week"
            else (data.last_day + timedelta(days=1)).isoformat(),
        },
    )


@login_required
@require_GET
def occupancy_export(request: HttpRequest, park_slug: str) -> HttpResponse:
    require(rules.can_view_occupancy(access_of(request)))
    data, period, _day = _occupancy(request)
    response = HttpResponse(
        exports.occupancy_xlsx(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"occupancy-{park_of(request).slug}-{period}-{data.first_day.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
