"""The engineering figures in the API: ``GET /parks/{slug}/engineering/figures?start=&end=``.

The numbers of ``engineering.figures`` over the local dates ``start``..``end`` (at most
``MAX_DAYS`` days, years 2000–2100): requests by state and filed, turnaround in days, on-time
share, instruments, revenue, satisfaction. Numbers only: no request, company or comment, so the
park's observers read the same as its staff. The same rule as the page
(``rules.can_view_figures``); a bad period is a 422 whose ``loc`` is ``["query", "start"]`` or
``["query", "end"]``, as pydantic's own refusal of a query parameter.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from technopark.api.auth import signed_in
from technopark.api.errors import documented
from technopark.api.types import Day
from technopark.engineering import rules
from technopark.engineering.figures import (
    EngineeringFigures,
    Turnaround,
    check_dates,
    engineering_figures,
)
from technopark.parks.http import access_of, park_of, require

router = Router(tags=["engineering"])


class FiguresParams(Schema):
    start: Day | None = None
    end: Day | None = None


class CountOut(Schema):
    code: str
    count: int


class TurnaroundOut(Schema):
    count: int
    median_days: Decimal | None
    p90_days: Decimal | None


class OnTimeOut(Schema):
    delivered: int
    with_date: int
    on_time: int
    share_percent: Decimal | None


class InstrumentOut(Schema):
    resource_id: int
    name: str
    site: str
    available_hours: Decimal
    booked_hours: Decimal
    work_order_hours: Decimal
    utilisation_percent: Decimal | None
    work_order_utilisation_percent: Decimal | None
    downtime_hours: Decimal
    down_incidents: int


class AmountOut(Schema):
    code: str
    amount: Decimal


class RevenueOut(Schema):
    currency: str
    total: Decimal
    by_tier: list[AmountOut]
    by_payer: list[AmountOut]


class SatisfactionOut(Schema):
    count: int
    mean: Decimal | None
    distribution: list[int]


class FiguresOut(Schema):
    start: date
    end: date
    requests_by_state: list[CountOut]
    requests_total: int
    requests_filed: int
    to_triage: TurnaroundOut
    to_quote: TurnaroundOut
    to_delivery: TurnaroundOut
    on_time: OnTimeOut
    instruments: list[InstrumentOut]
    revenue: RevenueOut
    satisfaction: SatisfactionOut


def query_errors(error: ValidationError) -> NinjaValidationError:
    """``check_dates``' refusal placed where pydantic places a bad query parameter:
    ``loc`` ``["query", "start"]``, not under the body (this is a GET)."""
    return NinjaValidationError(
        [
            {"loc": ("query", name), "msg": str(message), "type": item.code or "invalid"}
            for name, items in error.error_dict.items()
            for item in items
            for message in item.messages
        ]
    )


def _turnaround(found: Turnaround) -> dict[str, Any]:
    return {"count": found.count, "median_days": found.median_days, "p90_days": found.p90_days}


def figures_out(data: EngineeringFigures) -> dict[str, Any]:
    return {
        "start": data.start,
        "end": data.end,
        "requests_by_state": [{"code": row.state, "count": row.count} for row in data.states],
        "requests_total": data.total_requests,
        "requests_filed": data.filed,
        "to_triage": _turnaround(data.to_triage),
        "to_quote": _turnaround(data.to_quote),
        "to_delivery": _turnaround(data.to_delivery),
        "on_time": {
            "delivered": data.on_time.delivered,
            "with_date": data.on_time.with_date,
            "on_time": data.on_time.on_time,
            "share_percent": data.on_time.share,
        },
        "instruments": [
            {
                "resource_id": row.resource_id,
                "name": row.name,
                "site": row.site,
                "available_hours": row.available_hours,
                "booked_hours": row.booked_hours,
                "work_order_hours": row.work_order_hours,
                "utilisation_percent": row.utilisation,
                "work_order_utilisation_percent": row.work_order_utilisation,
                "downtime_hours": row.downtime_hours,
                "down_incidents": row.down_incidents,
            }
            for row in data.instruments
        ],
        "revenue": {
            "currency": data.revenue.currency,
            "total": data.revenue.total,
            "by_tier": [{"code": r.code, "amount": r.amount} for r in data.revenue.by_tier],
            "by_payer": [{"code": r.code, "amount": r.amount} for r in data.revenue.by_payer],
        },
        "satisfaction": {
            "count": data.satisfaction.count,
            "mean": data.satisfaction.mean,
            "distribution": list(data.satisfaction.distribution),
        },
    }


@router.get(
    "/parks/{slug:park_slug}/engineering/figures",
    auth=signed_in,
    **documented({200: FiguresOut}, 401, 403, 404, 422),
    summary="The engineering centre's figures over a period",
)
def figures(request: HttpRequest, park_slug: str, params: Query[FiguresParams]) -> Any:
    """Managers, admins, engineers and the park's observers. ``start`` and ``end`` are local
    dates of the park, both included; durations are calendar days with one decimal."""
    require(rules.can_view_figures(access_of(request)))
    try:
        start, end = check_dates(params.start, params.end)
    except ValidationError as error:
        raise query_errors(error) from error
    return figures_out(engineering_figures(park_of(request), start, end, now=timezone.now()))
