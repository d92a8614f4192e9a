"""The engineering centre's figures over a period: requests by state, turnaround, on-time share,
instrument utilisation and downtime, revenue by tier and payer, satisfaction.

``engineering_figures(park, start, end, now=...)`` returns an ``EngineeringFigures``: frozen
dataclasses whose names the KPI issue reads; the staff page, its XLSX and the API show them.
It runs **ten queries** whatever the number of rows (pinned in tests at two sizes); medians and
percentiles are computed in Python over the period's rows.

The rules, stated once:

* **The period** is the local dates ``start``..``end`` (both included) in the park's time zone
  (an instrument's in its site's zone); charges count by their ``charged_on`` date.
* **Requests of the period**: filed in it, or with a step (triage, quote, delivery, acceptance)
  in it. *Requests by state* is the park's whole count now, not only the period's.
* **Turnaround** is counted from the request's filing (``created_at``) to the step, for the
  steps that happened in the period, from the request's events: *to triage* the first change to
  «triaged», *to quote* the first change to «quoted» (the first quote sent), *to delivery* the
  delivery that stands (the last change to «delivered» the company did not send back to work).
  In **calendar days with one decimal** (ROUND_HALF_UP); the median and the 90th percentile
  interpolate linearly between the nearest ranks (``statistics.quantiles(..., method=
  "inclusive")``).
* **On time**: a request delivered in the period whose local delivery date is on or before its
  work order's due date or, without one, the date the company asked for. Requests with neither
  date are counted apart (``without_date``) and left out of the share.
* **Instruments** are the park's resources of the laboratory and engineering types. *Available
  hours*: the site's opening hours in the period (around the clock when the site has none) less
  its closures (the whole site's and the instrument's own). *Booked hours*: confirmed and
  checked-in bookings clipped to the period; *for work orders*: those of them linked to a work
  order (``InstrumentUse``). *Downtime*: the union of its «down» incidents clipped to the period,
  an open one counted until ``now``; it is reported beside, not taken off the available hours.
* **Revenue**: the charge lines of the charges dated in the period, by the price tier of the
  quote line they bill (an adjustment by the tier of the line it corrects; materials and lines
  without a quote line under «no tier») and by the kind of payer.
* **Satisfaction**: the ratings of the requests accepted in the period; the latest comments are
  for the park's managers and admins only (the page leaves them out for others).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from technopark.core.localtime import to_local, zone_named
from technopark.engineering.models import (
    ChargeLine,
    InstrumentUse,
    PayerKind,
    RequestEvent,
    RequestState,
    ServiceRequest,
    Tier,
)
from technopark.parks.models import Park
from technopark.spaces.models import (
    Booking,
    BookingStatus,
    Closure,
    Incident,
    IncidentSeverity,
    OpeningHours,
    Resource,
    ResourceType,
)
from technopark.spaces.queries import merged_seconds
from technopark.spaces.services import open_intervals, zone_of

ZERO = Decimal("0.00")
TENTH = Decimal("0.1")
CENT = Decimal("0.01")
DAY_SECONDS = Decimal(86400)
HOUR_SECONDS = Decimal(3600)
#: the steps whose dates are read from the events
STEPS = (RequestState.TRIAGED, RequestState.QUOTED, RequestState.DELIVERED, RequestState.ACCEPTED)
INSTRUMENT_TYPES = (ResourceType.LAB, ResourceType.ENGINEERING)
BOOKED_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)
#: the latest comments shown
COMMENTS = 10
#: the longest period the pages and the API accept, in days
MAX_DAYS = 366
FIRST_YEAR, LAST_YEAR = 2000, 2100
NO_TIER = ""
NO_TIER_LABEL = gettext_lazy("No tier (materials)")


# --- the shapes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


@dataclass(frozen=True)
class Turnaround:
    """Days from filing to a step, over the requests that reached the step in the period."""

    count: int
    median_days: Decimal | None
    p90_days: Decimal | None


@dataclass(frozen=True)
class OnTime:
    delivered: int  # delivered in the period
    with_date: int  # of them, with a due or desired date
    on_time: int  # of those, delivered on or before it

    @property
    def without_date(self) -> int:
        return self.delivered - self.with_date

    @property
    def share(self) -> Decimal | None:
        """Per cent delivered on time, one decimal; None when no delivery had a date."""
        if not self.with_date:
            return None
        return _tenth(Decimal(100 * self.on_time) / Decimal(self.with_date))


@dataclass(frozen=True)
class InstrumentFigures:
    resource_id: int
    name: str
    site: str
    available_hours: Decimal
    booked_hours: Decimal
    work_order_hours: Decimal
    downtime_hours: Decimal
    down_incidents: int

    @property
    def utilisation(self) -> Decimal | None:
        """Booked hours as per cent of the available hours, one decimal."""
        return _share(self.booked_hours, self.available_hours)

    @property
    def work_order_utilisation(self) -> Decimal | None:
        return _share(self.work_order_hours, self.available_hours)


@dataclass(frozen=True)
class RevenueRow:
    code: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Revenue:
    by_tier: tuple[RevenueRow, ...]
    by_payer: tuple[RevenueRow, ...]
    total: Decimal
    currency: str = "RUB"


@dataclass(frozen=True)
class Comment:
    request_id: int
    title: str
    company: str
    confidential: bool
    engineer_ids: frozenset[int]
    rating: int
    text: str
    accepted_at: datetime


@dataclass(frozen=True)
class Satisfaction:
    count: int
    mean: Decimal | None  # two decimals
    distribution: tuple[int, int, int, int, int]  # how many gave 1, 2, 3, 4, 5
    comments: tuple[Comment, ...]  # the latest first; for managers and admins only


@dataclass(frozen=True)
class RequestRow:
    """One request of the period with the dates of its steps (aware, UTC) and durations."""

    id: int
    title: str
    company: str
    confidential: bool
    engineer_ids: frozenset[int]
    state: str
    filed_at: datetime
    triaged_at: datetime | None
    quoted_at: datetime | None
    delivered_at: datetime | None
    accepted_at: datetime | None
    due_on: date | None
    days_to_triage: Decimal | None
    days_to_quote: Decimal | None
    days_to_delivery: Decimal | None
    on_time: bool | None  # None: not delivered, or no date to compare with
    rating: int | None  # 1–5, given on acceptance
    rating_comment: str

    @property
    def state_label(self) -> str:
        return str(RequestState(self.state).label)


@dataclass(frozen=True)
class EngineeringFigures:
    park_id: int
    start: date
    end: date
    states: tuple[StateCount, ...]  # the park's requests by state now
    filed: int  # requests filed in the period
    to_triage: Turnaround
    to_quote: Turnaround
    to_delivery: Turnaround
    on_time: OnTime
    instruments: tuple[InstrumentFigures, ...]
    revenue: Revenue
    satisfaction: Satisfaction
    requests: tuple[RequestRow, ...]  # the period's, newest filed first

    @property
    def total_requests(self) -> int:
        return sum(row.count for row in self.states)


# --- the period ---------------------------------------------------------------------------------

PERIOD_KINDS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    """A month, a quarter or a year, chosen on the page: ``period``, ``year`` and ``month`` or
    ``quarter`` in the address (the current month when none is given)."""

    kind: str
    year: int
    number: int  # the month (1–12) or quarter (1–4); 1 for a year

    @property
    def start(self) -> date:
        if self.kind == "month":
            return date(self.year, self.number, 1)
        if self.kind == "quarter":
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return self.following().start - timedelta(days=1)

    def following(self) -> Period:
        last = {"month": 12, "quarter": 4, "year": 1}[self.kind]
        if self.number < last:
            return Period(self.kind, self.year, self.number + 1)
        return Period(self.kind, self.year + 1, 1)

    def preceding(self) -> Period:
        if self.number > 1:
            return Period(self.kind, self.year, self.number - 1)
        last = {"month": 12, "quarter": 4, "year": 1}[self.kind]
        return Period(self.kind, self.year - 1, last)

    @property
    def label(self) -> str:
        """«March 2026», «Q1 2026», «2026» in the reader's language."""
        if self.kind == "month":
            return date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.kind == "quarter":
            return pgettext("quarter of a year", "Q%(quarter)d %(year)d") % {
                "quarter": self.number,
                "year": self.year,
            }
        return str(self.year)

    def params(self) -> dict[str, Any]:
        """The address parameters that choose this period (for links)."""
        found: dict[str, Any] = {"period": self.kind, "year": self.year}
        if self.kind != "year":
            found[self.kind] = self.number
        return found

    @property
    def in_bounds(self) -> bool:
        return FIRST_YEAR <= self.year <= LAST_YEAR

    @classmethod
    def from_params(cls, params: Mapping[str, Any], *, today: date) -> Period:
        """The period the address chooses; a value out of its bounds raises a ValidationError
        naming the parameter (the page answers 400 with the message)."""
        kind = _raw(params, "period") or "month"
        if kind not in PERIOD_KINDS:
            raise ValidationError(
                {"period": _("Choose a month, a quarter or a year.")}, code="invalid"
            )
        year = _number(params, "year", FIRST_YEAR, LAST_YEAR, today.year)
        if kind == "month":
            return cls(kind, year, _number(params, "month", 1, 12, today.month))
        if kind == "quarter":
            return cls(kind, year, _number(params, "quarter", 1, 4, (today.month - 1) // 3 + 1))
        return cls(kind, year, 1)


def _raw(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return value.strip() if isinstance(value, str) else ""


def _number(params: Mapping[str, Any], name: str, low: int, high: int, default: int) -> int:
    text = _raw(params, name)
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 4 and low <= int(text) <= high):
        raise ValidationError(
            {
                name: _("Enter a whole number from %(low)d to %(high)d.")
                % {"low": low, "high": high}
            },
            code="invalid",
        )
    return int(text)


def check_dates(start: date | None, end: date | None) -> tuple[date, date]:
    """``start`` and ``end`` of a period given as dates (the API): both present, in order, at
    most ``MAX_DAYS`` apart; else a ValidationError naming the field."""
    if start is None:
        raise ValidationError({"start": _("Give the first day of the period.")}, code="required")
    if end is None:
        raise ValidationError({"end": _("Give the last day of the period.")}, code="required")
    for name, value in (("start", start), ("end", end)):
        if not date(FIRST_YEAR, 1, 1) <= value <= date(LAST_YEAR, 12, 31):
            raise ValidationError(
                {
                    name: _("Give a day from %(first)d to %(last)d.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR}
                },
                code="invalid",
            )
    if end < start:
        raise ValidationError(
            {"end": _("The last day cannot be before the first.")}, code="invalid"
        )
    if (end - start).days >= MAX_DAYS:
        raise ValidationError(
            {
                "end": ngettext(
                    "A period is at most %(days)d day long.",
                    "A period is at most %(days)d days long.",
                    MAX_DAYS,
                )
                % {"days": MAX_DAYS}
            },
            code="invalid",
        )
    return start, end


# --- arithmetic ---------------------------------------------------------------------------------


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return _tenth(part * 100 / whole) if whole > 0 else None


def _hours(seconds: float | Decimal) -> Decimal:
    return (Decimal(str(seconds)) / HOUR_SECONDS).quantize(CENT, rounding=ROUND_HALF_UP)


def _days(since: datetime, until: datetime) -> Decimal:
    return _tenth(Decimal(str((until - since).total_seconds())) / DAY_SECONDS)


def turnaround(days: Iterable[Decimal]) -> Turnaround:
    """The count, median and 90th percentile (linear between the nearest ranks) of ``days``."""
    values = sorted(days)
    if not values:
        return Turnaround(0, None, None)
    if len(values) == 1:
        return Turnaround(1, values[0], values[0])
    median = statistics.median(values)
    p90 = statistics.quantiles(values, n=10, method="inclusive")[-1]
    return Turnaround(len(values), _tenth(Decimal(median)), _tenth(Decimal(p90)))


def _bounds(first: date, last: date, zone: Any) -> tuple[datetime, datetime]:
    """The local days ``first``..``last`` as a UTC range (so a difference is real elapsed time,
    a daylight-saving change included)."""
    return (
        datetime.combine(first, time(0), zone).astimezone(UTC),
        datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(UTC),
    )


Span = tuple[datetime, datetime]


def _less(spans: list[Span], cuts: Iterable[tuple[datetime, datetime | None]]) -> list[Span]:
    """``spans`` (UTC, sorted, disjoint) less the ``cuts`` (an open-ended cut runs to the end)."""
    for cut_start, cut_end in cuts:
        left: list[Span] = []
        for opens, closes in spans:
            if cut_start >= closes or (cut_end is not None and cut_end <= opens):
                left.append((opens, closes))
                continue
            if cut_start > opens:
                left.append((opens, cut_start))
            if cut_end is not None and cut_end < closes:
                left.append((cut_end, closes))
        spans = left
    return spans


def _overlap(spans: Iterable[Span], starts_at: datetime, ends_at: datetime) -> float:
    """Seconds of ``[starts_at, ends_at)`` inside the disjoint ``spans``."""
    return sum(
        max((min(closes, ends_at) - max(opens, starts_at)).total_seconds(), 0.0)
        for opens, closes in spans
    )


# --- the figures --------------------------------------------------------------------------------


def engineering_figures(park: Park, start: date, end: date, *, now: datetime) -> EngineeringFigures:
    """The figures of ``park`` over the local dates ``start``..``end``, with open incidents
    counted until ``now``. Ten queries."""
    zone = zone_named(park.time_zone)
    low, high = _bounds(start, end, zone)
    states = _states(park)  # 1
    rows, filed = _requests(park, low, high, zone)  # 2, 3, 4
    delivered = [row for row in rows if row.delivered_at and low <= row.delivered_at < high]
    with_date = [row for row in delivered if row.on_time is not None]
    return EngineeringFigures(
        park_id=park.pk,
        start=start,
        end=end,
        states=states,
        filed=filed,
        to_triage=turnaround(
            row.days_to_triage
            for row in rows
            if row.days_to_triage is not None and row.triaged_at and low <= row.triaged_at < high
        ),
        to_quote=turnaround(
            row.days_to_quote
            for row in rows
            if row.days_to_quote is not None and row.quoted_at and low <= row.quoted_at < high
        ),
        to_delivery=turnaround(
            row.days_to_delivery for row in delivered if row.days_to_delivery is not None
        ),
        on_time=OnTime(
            delivered=len(delivered),
            with_date=len(with_date),
            on_time=sum(1 for row in with_date if row.on_time),
        ),
        instruments=_instruments(park, start, end, now=now),  # 5–9
        revenue=_revenue(park, start, end),  # 10
        satisfaction=_satisfaction(rows, low, high),
        requests=tuple(rows),
    )


def _states(park: Park) -> tuple[StateCount, ...]:
    counts = dict(
        ServiceRequest.all_parks.filter(park=park)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return tuple(
        StateCount(state=value, label=str(label), count=counts.get(value, 0))
        for value, label in RequestState.choices
    )


def _requests(park: Park, low: datetime, high: datetime, zone: Any) -> tuple[list[RequestRow], int]:
    """The period's requests (filed in it or with a step in it), their engineers and their
    events: three queries."""
    stepped = (
        RequestEvent.all_parks.filter(park=park, at__gte=low, at__lt=high, to_state__in=STEPS)
        .exclude(from_state=RequestState.ON_HOLD)
        .values("request_id")
    )
    chosen = ServiceRequest.all_parks.filter(park=park).filter(
        Q(created_at__gte=low, created_at__lt=high) | Q(pk__in=stepped)
    )
    found = list(chosen.select_related("company", "work_order").order_by("-created_at", "-pk"))
    engineers: dict[int, set[int]] = defaultdict(set)
    through = ServiceRequest.engineers.through
    for request_id, user_id in through.objects.filter(
        servicerequest_id__in=chosen.values("pk")
    ).values_list("servicerequest_id", "user_id"):
        engineers[request_id].add(user_id)
    steps: dict[int, dict[str, datetime | None]] = defaultdict(dict)
    for request_id, from_state, to_state, at in (
        RequestEvent.all_parks.filter(park=park, request_id__in=chosen.values("pk"))
        .order_by("request_id", "at", "pk")
        .values_list("request_id", "from_state", "to_state", "at")
    ):
        seen = steps[request_id]
        if from_state == RequestState.ON_HOLD:
            continue  # resumed from hold: back where it was, not a new step
        if to_state in (RequestState.TRIAGED, RequestState.QUOTED):
            seen.setdefault(to_state, at)  # the first triage, the first quote sent
        elif to_state in (RequestState.DELIVERED, RequestState.ACCEPTED):
            seen[to_state] = at  # the latest
        elif from_state == RequestState.DELIVERED and to_state == RequestState.IN_WORK:
            seen[RequestState.DELIVERED] = None  # sent back: that delivery does not stand
    rows = []
    filed = 0
    for request in found:
        if low <= request.created_at < high:
            filed += 1
        seen = steps.get(request.pk, {})
        triaged = seen.get(RequestState.TRIAGED)
        quoted = seen.get(RequestState.QUOTED)
        delivered = seen.get(RequestState.DELIVERED)
        work_order = getattr(request, "work_order", None)
        due_on = (work_order.due_on if work_order is not None else None) or request.desired_on
        on_time = None
        if delivered is not None and due_on is not None:
            on_time = to_local(delivered, zone).date() <= due_on
        rows.append(
            RequestRow(
                id=request.pk,
                title=request.title,
                company=request.company.short_name,
                confidential=request.confidential,
                engineer_ids=frozenset(engineers.get(request.pk, ())),
                state=request.state,
                filed_at=request.created_at,
                triaged_at=triaged,
                quoted_at=quoted,
                delivered_at=delivered,
                accepted_at=seen.get(RequestState.ACCEPTED),
                due_on=due_on,
                days_to_triage=_days(request.created_at, triaged) if triaged else None,
                days_to_quote=_days(request.created_at, quoted) if quoted else None,
                days_to_delivery=_days(request.created_at, delivered) if delivered else None,
                on_time=on_time,
                rating=request.rating,
                rating_comment=request.rating_comment,
            )
        )
    return rows, filed


def _instruments(
    park: Park, start: date, end: date, *, now: datetime
) -> tuple[InstrumentFigures, ...]:
    """Per instrument: available, booked and work-order hours, downtime. Five queries (the
    instruments, the opening hours, the closures, the bookings, the «down» incidents).

    Available hours are the site's opening hours less the site's and the instrument's closures;
    booked hours count only the part of a booking inside those open hours, so utilisation never
    passes 100 %. Downtime is counted around the clock (an instrument is broken at night too),
    clipped to the site's period; so are the «down» incidents counted. All arithmetic in UTC."""
    resources = list(
        Resource.all_parks.filter(park=park, resource_type__in=INSTRUMENT_TYPES)
        .select_related("site")
        .order_by("site__name", "name", "pk")
    )
    if not resources:
        return ()
    bounds = {}
    for resource in resources:
        if resource.site_id not in bounds:
            bounds[resource.site_id] = _bounds(start, end, zone_of(resource.site))
    earliest = min(low for low, _high in bounds.values())
    latest = max(high for _low, high in bounds.values())
    hours: dict[int, list[OpeningHours]] = defaultdict(list)
    for row in OpeningHours.all_parks.filter(park=park):
        hours[row.site_id].append(row)
    # closures: the whole site's (resource None) and each instrument's own
    closed: dict[tuple[int, int | None], list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for site_id, resource_id, opened, ended in Closure.all_parks.filter(
        park=park, starts_at__lt=latest, ends_at__gt=earliest
    ).values_list("site_id", "resource_id", "starts_at", "ends_at"):
        closed[(site_id, resource_id)].append((opened, ended))
    bookings: dict[int, list[tuple[datetime, datetime, bool]]] = defaultdict(list)
    for resource_id, starts_at, ends_at, linked in (
        Booking.all_parks.filter(
            park=park,
            resource__in=[resource.pk for resource in resources],
            status__in=BOOKED_STATUSES,
            starts_at__lt=latest,
            ends_at__gt=earliest,
        )
        .annotate(linked=Exists(InstrumentUse.all_parks.filter(booking=OuterRef("pk"))))
        .values_list("resource_id", "starts_at", "ends_at", "linked")
    ):
        bookings[resource_id].append((starts_at, ends_at, linked))
    down: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for resource_id, opened, closed_at in (
        Incident.all_parks.filter(park=park, severity=IncidentSeverity.DOWN, opened_at__lt=latest)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=earliest))
        .values_list("resource_id", "opened_at", "closed_at")
    ):
        down[resource_id].append((opened, closed_at))
    open_by_site: dict[int, list[Span]] = {}
    result = []
    for resource in resources:
        site = resource.site
        low, high = bounds[site.pk]
        if site.pk not in open_by_site:
            open_by_site[site.pk] = [
                (max(opens.astimezone(UTC), low), min(closes.astimezone(UTC), high))
                for opens, closes in open_intervals(
                    site=site, hours=hours[site.pk], first=start, last=end
                )
            ]
        shut = closed[(site.pk, None)] + closed[(site.pk, resource.pk)]
        usable = _less(open_by_site[site.pk], sorted(shut, key=lambda cut: cut[0]))
        available = sum((closes - opens).total_seconds() for opens, closes in usable)
        booked = 0.0
        for_work = 0.0
        for starts_at, ends_at, linked in bookings.get(resource.pk, ()):
            seconds = _overlap(usable, starts_at, ends_at)
            booked += seconds
            if linked:
                for_work += seconds
        incidents = [
            (opened, closed_at)
            for opened, closed_at in down.get(resource.pk, ())
            if opened < high and (closed_at is None or closed_at > low)
        ]
        result.append(
            InstrumentFigures(
                resource_id=resource.pk,
                name=resource.display_name,
                site=site.display_name,
                available_hours=_hours(available),
                booked_hours=_hours(booked),
                work_order_hours=_hours(for_work),
                downtime_hours=_hours(
                    merged_seconds(incidents, starts_at=low, ends_at=high, now=now)
                ),
                down_incidents=len(incidents),
            )
        )
    return tuple(result)


def _revenue(park: Park, start: date, end: date) -> Revenue:
    """The charge lines of the period's charges summed by tier and payer (one query)."""
    sums = (
        ChargeLine.all_parks.filter(
            park=park, charge__charged_on__gte=start, charge__charged_on__lte=end
        )
        .annotate(
            tier=Coalesce("quote_line__tier", "corrects__quote_line__tier", Value(NO_TIER)),
        )
        .values_list("tier", "charge__payer")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    by_tier: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_payer: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for tier, payer, total in sums:
        by_tier[tier or NO_TIER] += total or ZERO
        by_payer[payer] += total or ZERO
    tiers = [(value, str(label)) for value, label in Tier.choices]
    if by_tier.get(NO_TIER):
        tiers.append((NO_TIER, str(NO_TIER_LABEL)))
    return Revenue(
        by_tier=tuple(RevenueRow(code, label, by_tier.get(code, ZERO)) for code, label in tiers),
        by_payer=tuple(
            RevenueRow(code, str(label), by_payer.get(code, ZERO))
            for code, label in PayerKind.choices
        ),
        total=sum(by_tier.values(), ZERO),
    )


def _satisfaction(rows: Iterable[RequestRow], low: datetime, high: datetime) -> Satisfaction:
    rated = [
        row
        for row in rows
        if row.rating is not None and row.accepted_at is not None and low <= row.accepted_at < high
    ]
    counts = Counter(row.rating for row in rated)
    mean = (
        (Decimal(sum(row.rating or 0 for row in rated)) / len(rated)).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        if rated
        else None
    )
    with_text = sorted(
        (row for row in rated if row.rating_comment.strip()),
        key=lambda row: (row.accepted_at, row.id),
        reverse=True,
    )[:COMMENTS]
    return Satisfaction(
        count=len(rated),
        mean=mean,
        distribution=(counts[1], counts[2], counts[3], counts[4], counts[5]),
        comments=tuple(
            Comment(
                request_id=row.id,
                title=row.title,
                company=row.company,
                confidential=row.confidential,
                engineer_ids=row.engineer_ids,
                rating=row.rating or 0,
                text=row.rating_comment,
                accepted_at=row.accepted_at or low,
            )
            for row in with_text
        ),
    )
