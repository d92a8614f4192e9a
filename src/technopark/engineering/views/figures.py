"""The engineering centre's figures over a month, quarter or year (``engineering.figures``):
a staff page with tiles, charts and tables, and the same period as XLSX.

Managers and admins read everything; engineers everything but the companies' comments (and a
confidential request's title only when assigned to it); the park's observers the aggregated
figures only. A period out of its bounds answers 400 with the reason, never 500.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from technopark.core.localtime import local_today, zone_name
from technopark.core.money import format_money
from technopark.engineering import exports, rules
from technopark.engineering.charts import Bar, bar_chart
from technopark.engineering.figures import (
    FIRST_YEAR,
    LAST_YEAR,
    PERIOD_KINDS,
    EngineeringFigures,
    Period,
    RequestRow,
    engineering_figures,
)
from technopark.engineering.views._common import error_text
from technopark.parks.http import access_of, park_of, require
from technopark.parks.models import Park
from technopark.parks.rules import ParkAccess

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else number_format(value, 1) + "\u00a0%"


def _period_or_error(request: HttpRequest, park: Park, now: datetime) -> Period | str:
    today = local_today(park.time_zone, at=now)
    try:
        return Period.from_params(request.GET, today=today)
    except ValidationError as error:
        return error_text(error)


def _charts(data: EngineeringFigures) -> dict[str, Any]:
    currency = data.revenue.currency
    return {
        "states_chart": bar_chart(
            chart_id="chart-states",
            title=_("Requests by state"),
            description=_("The park's requests now, one bar per state; the table follows."),
            bars=[Bar(row.label, row.count, str(row.count)) for row in data.states],
        ),
        "tier_chart": bar_chart(
            chart_id="chart-tiers",
            title=_("Revenue by price tier"),
            description=_("Charged in the period, one bar per price tier; the table follows."),
            bars=[
                Bar(row.label, row.amount, format_money(row.amount, currency))
                for row in data.revenue.by_tier
            ],
        ),
        "utilisation_chart": bar_chart(
            chart_id="chart-utilisation",
            title=_("Instrument utilisation"),
            description=_(
                "Booked hours as a share of the available hours, one bar per instrument; the "
                "table follows."
            ),
            bars=[
                Bar(
                    row.name,
                    row.utilisation or Decimal(0),
                    _percent(row.utilisation),
                )
                for row in data.instruments
            ],
            scale_max=100,  # a share: the full bar is 100 %, not the busiest instrument
        )
        if data.instruments
        else None,
    }


@login_required
@require_GET
def figures_page(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = access_of(request)
    require(rules.can_view_figures(access))
    park = park_of(request)
    now = timezone.now()
    found = _period_or_error(request, park, now)
    context = _base(park, now)
    if isinstance(found, str):
        context["error"] = found
        return render(request, "engineering/figures.html", context, status=400)
    data = engineering_figures(park, found.start, found.end, now=now)
    comments = []
    if rules.figures_show_comments(access):
        comments = list(data.satisfaction.comments)
    stars = data.satisfaction.distribution
    context.update(
        {
            "period": found,
            "figures": data,
            "comments": comments,
            "show_comments": rules.figures_show_comments(access),
            "stars": [(number, stars[number - 1]) for number in range(1, 6)],
            "on_time_share": _percent(data.on_time.share),
            "instruments": [
                (row, _percent(row.utilisation), _percent(row.work_order_utilisation))
                for row in data.instruments
            ],
            # no link out of the years the form accepts
            "previous_query": _query(found.preceding()),
            "next_query": _query(found.following()),
            "query": urlencode(found.params()),
            **_charts(data),
        }
    )
    return render(request, "engineering/figures.html", context)


def _query(period: Period) -> str:
    return urlencode(period.params()) if period.in_bounds else ""


def _base(park: Park, now: datetime) -> dict[str, Any]:
    """What the page shows with or without figures: the period's form (the current month)."""
    today = local_today(park.time_zone, at=now)
    return {
        "park": park,
        "kinds": _kinds(),
        "months": _months(),
        "quarters": list(range(1, 5)),
        "zone": zone_name(park.time_zone, at=now),
        "period": Period("month", today.year, today.month),
        "first_year": FIRST_YEAR,
        "last_year": LAST_YEAR,
    }


def _kinds() -> list[tuple[str, str]]:
    labels = {"month": _("Month"), "quarter": _("Quarter"), "year": _("Year")}
    return [(kind, labels[kind]) for kind in PERIOD_KINDS]


def _months() -> list[tuple[int, str]]:
    return [(number, str(MONTHS[number])) for number in range(1, 13)]


def _names(access: ParkAccess) -> exports.Names | None:
    if not rules.figures_name_requests(access):
        return None

    def names(row: RequestRow) -> tuple[str, str] | None:
        if rules.may_read_title(
            access, confidential=row.confidential, engineer_ids=row.engineer_ids
        ):
            return row.title, row.company
        return None  # no row at all: its id and dates are not the reader's either

    return names


@login_required
@require_GET
def figures_export(request: HttpRequest, park_slug: str) -> HttpResponse:
    access = access_of(request)
    require(rules.can_view_figures(access))
    park = park_of(request)
    now = timezone.now()
    found = _period_or_error(request, park, now)
    if isinstance(found, str):
        context = {**_base(park, now), "error": found}
        return render(request, "engineering/figures.html", context, status=400)
    data = engineering_figures(park, found.start, found.end, now=now)
    body = exports.figures_xlsx(
        figures=data, period_label=found.label, zone=park.time_zone, names=_names(access)
    )
    response = HttpResponse(body, content_type=XLSX)
    name = f"engineering-{park.slug}-{found.start.isoformat()}-{found.end.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
