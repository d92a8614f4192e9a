"""Reads of the engineering app: the catalogue and the price in force, a company's tier, the
requests a person may see (the NDA rule applied in SQL), the staff queue and its filters."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum

from technopark.audit.services import MoneyLedger, MoneyRow
from technopark.companies.models import Company, TeamMember
from technopark.core.params import ID, Choice, param_value
from technopark.engineering.models import (
    ZERO,
    AdjustmentStatus,
    ApprovalSide,
    Charge,
    ChargeAdjustment,
    ChargeLine,
    ChargeLineKind,
    Delivery,
    EngineeringSettings,
    InstrumentUse,
    LineKind,
    PayerKind,
    Quote,
    QuoteApproval,
    QuoteLine,
    QuoteStatus,
    RequestEvent,
    RequestState,
    Service,
    ServicePrice,
    ServiceRequest,
    TaskState,
    Tier,
    TimeEntry,
    WorkOrder,
    WorkTask,
)
from technopark.grants.models import BudgetLine
from technopark.parks.models import STAFF_ROLES, Membership, MembershipStatus, Park, Role
from technopark.programmes import queries as programmes_queries
from technopark.residency import queries as residency_queries
from technopark.spaces.models import Booking, Resource, ResourceType

# --- People ---------------------------------------------------------------------------------


def acting_company_ids(*, park: Park, user: Any) -> set[int]:
    """The companies of ``park`` that ``user`` acts for (one query)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        TeamMember.objects.filter(user=user, acts_for_company=True, company__park=park).values_list(
            "company_id", flat=True
        )
    )


def member_company_ids(*, park: Park, user: Any) -> set[int]:
    """The companies of ``park`` whose team ``user`` is in (one query)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        TeamMember.objects.filter(user=user, company__park=park).values_list(
            "company_id", flat=True
        )
    )


def _role_holders(park: Park, roles: Any) -> QuerySet[Membership]:
    return Membership.all_parks.filter(park=park, role__in=roles, status=MembershipStatus.ACTIVE)


def engineer_ids(*, park: Park) -> list[int]:
    return list(_role_holders(park, [Role.ENGINEER]).values_list("user_id", flat=True))


def staff_ids(*, park: Park) -> list[int]:
    return list(
        _role_holders(park, [*STAFF_ROLES, Role.ENGINEER]).values_list("user_id", flat=True)
    )


def _people(park: Park, roles: Any) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(pk__in=_role_holders(park, roles).values("user_id"))
        .order_by("full_name", "pk")
    )


def engineers(*, park: Park) -> QuerySet[Any]:
    """The park's engineers, by name."""
    return _people(park, [Role.ENGINEER])


def staff_people(*, park: Park) -> QuerySet[Any]:
    """Who may be responsible for a request: managers, admins and engineers."""
    return _people(park, [*STAFF_ROLES, Role.ENGINEER])


def companies_for(*, park: Park, user: Any, all_of_park: bool) -> QuerySet[Company]:
    """The companies a person may file a request for: staff any of the park's, others those they
    act for."""
    rows = Company.all_parks.filter(park=park)
    if not all_of_park:
        rows = rows.filter(pk__in=acting_company_ids(park=park, user=user))
    return rows.order_by("short_name", "pk")


# --- The catalogue --------------------------------------------------------------------------


def services(*, park: Park, active_only: bool = False) -> QuerySet[Service]:
    rows = Service.all_parks.filter(park=park).select_related("site")
    if active_only:
        rows = rows.filter(is_active=True)
    return rows.order_by("name", "pk")


def service_in_park(*, park: Park, pk: int) -> Service | None:
    return Service.all_parks.filter(park=park, pk=pk).select_related("site").first()


def catalogue(*, park: Park, on: date) -> list[dict[str, Any]]:
    """Every service with the price in force for each tier on ``on`` and the dated history
    (two queries)."""
    rows = list(services(park=park))
    prices = ServicePrice.all_parks.filter(park=park).order_by("service_id", "tier", "-valid_from")
    by_service: dict[int, list[ServicePrice]] = {}
    for price in prices:
        by_service.setdefault(price.service_id, []).append(price)
    result = []
    for service in rows:
        history = by_service.get(service.pk, [])
        in_force = {}
        for tier in Tier.values:
            found = next((p for p in history if p.tier == tier and p.valid_from <= on), None)
            in_force[tier] = found
        result.append(
            {
                "service": service,
                "in_force": [(Tier(tier).label, in_force[tier]) for tier in Tier.values],
                "history": history,
            }
        )
    return result


def price_in_force(*, service: Service, tier: str, on: date) -> ServicePrice | None:
    """The price of ``service`` for ``tier`` on the day ``on``: the row with the latest
    ``valid_from`` not after it (one query)."""
    return (
        ServicePrice.all_parks.filter(service=service, tier=tier, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )


def engineering_settings(*, park: Park) -> EngineeringSettings:
    """The park's settings row, or the defaults (unsaved) when the park has none."""
    found = EngineeringSettings.all_parks.filter(park=park).first()
    return found if found is not None else EngineeringSettings(park=park)


def company_tier(*, company: Company) -> str:
    """The tier a company pays by default: resident (an active resident status), participant
    (in a running cohort), else external. Subsidised is set on a line by staff."""
    if residency_queries.is_active_resident(company=company):
        return Tier.RESIDENT
    if programmes_queries.is_active_participant(company=company):
        return Tier.PARTICIPANT
    return Tier.EXTERNAL


# --- Requests -------------------------------------------------------------------------------


def visible_requests(
    *, park: Park, user: Any, sees_all: bool, is_engineer: bool, company_ids: set[int]
) -> QuerySet[ServiceRequest]:
    """The park's requests the person may see (``rules.can_view_request`` in SQL): managers
    and admins all; engineers every request not under NDA and the confidential ones assigned to
    them; everyone their own companies'."""
    rows = ServiceRequest.all_parks.filter(park=park)
    if sees_all:
        return rows
    allowed = Q(company_id__in=company_ids)
    if is_engineer:
        allowed |= Q(confidential=False) | Q(engineers=user)
    return rows.filter(allowed).distinct() if is_engineer else rows.filter(allowed)


def request_in_park(*, park: Park, pk: int) -> ServiceRequest | None:
    return (
        ServiceRequest.all_parks.filter(park=park, pk=pk)
        .select_related("company", "responsible", "created_by")
        .prefetch_related("engineers")
        .first()
    )


def request_detail_parts(*, request: ServiceRequest, with_drafts: bool) -> dict[str, Any]:
    """The history and the quotes with their lines and approvals (three queries). Drafts only
    ``with_drafts`` (for the people who work on the request: the company never sees one). A
    quote never sent counts as a draft whatever its status (a draft closed with its request is
    «superseded» without having been sent), as in ``rules.can_download_quote``."""
    events = list(
        RequestEvent.all_parks.filter(request=request).select_related("actor").order_by("at", "pk")
    )
    shown = Quote.all_parks.filter(request=request)
    if not with_drafts:
        shown = shown.exclude(Q(status=QuoteStatus.DRAFT) | Q(sent_at__isnull=True) | Q(number=""))
    quotes = list(
        shown.prefetch_related(
            Prefetch("lines", queryset=_lines()),
            "approvals__approved_by",
        ).order_by("-version")
    )
    return {"events": events, "quotes": quotes}


def _lines() -> QuerySet[QuoteLine]:
    return QuoteLine.all_parks.select_related("service").order_by("position", "pk")


def quote_in_park(*, park: Park, pk: int) -> Quote | None:
    return (
        Quote.all_parks.filter(park=park, pk=pk)
        .select_related("request", "request__company")
        .first()
    )


def line_in_park(*, park: Park, pk: int) -> QuoteLine | None:
    return QuoteLine.all_parks.filter(park=park, pk=pk).select_related("quote").first()


def waiting_for(side: str, *, today: date, from_request: bool = False) -> Q:
    """The quotes that wait for ``side``'s approval on the park's day ``today``: sent, of a
    «quoted» request, not expired, and not yet approved for that side. As a condition on quotes,
    or (``from_request``) on a request's ``quotes``. No join: the approvals are a subquery."""
    to = "quotes__" if from_request else ""
    approved = QuoteApproval.all_parks.filter(side=side).values("quote_id")
    return (
        Q(**{f"{to}status": QuoteStatus.SENT})
        & Q(**{"state" if from_request else "request__state": RequestState.QUOTED})
        & (Q(**{f"{to}expires_on__isnull": True}) | Q(**{f"{to}expires_on__gte": today}))
        & ~Q(**{f"{to}pk__in": approved})
    )


def company_requests(*, park: Park, company_ids: set[int], today: date) -> QuerySet[ServiceRequest]:
    """A founder's list: their companies' requests, newest first, with the quotes waiting for
    their answer on the park's day ``today`` counted (one query)."""
    return (
        ServiceRequest.all_parks.filter(park=park, company_id__in=company_ids)
        .select_related("company")
        .annotate(
            quotes_waiting=Count(
                "quotes", filter=waiting_for(ApprovalSide.COMPANY, today=today, from_request=True)
            ),
        )
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class QueueFilters:
    """The staff queue's filters, typed and bounded (``core.params``)."""

    STATES = tuple(RequestState.values)
    state: str = ""
    engineer: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> QueueFilters:
        return cls(
            state=param_value(params, "state", Choice.of(cls.STATES), ""),
            engineer=param_value(params, "engineer", ID, None),
        )


OPEN_STATES = (
    RequestState.SUBMITTED,
    RequestState.TRIAGED,
    RequestState.QUOTED,
    RequestState.APPROVED,
    RequestState.IN_WORK,
    RequestState.DELIVERED,
    RequestState.ON_HOLD,
)


def queue(
    *, park: Park, user: Any, sees_all: bool, filters: QueueFilters
) -> QuerySet[ServiceRequest]:
    """The staff queue: requests by state and engineer, open ones unless a state is chosen,
    oldest change first. Only ids and the order's columns: page it, then read the page's rows
    with ``queue_rows``."""
    rows = visible_requests(
        park=park, user=user, sees_all=sees_all, is_engineer=not sees_all, company_ids=set()
    )
    # open requests unless a state is chosen
    rows = rows.filter(state=filters.state) if filters.state else rows.filter(state__in=OPEN_STATES)
    if filters.engineer is not None:
        rows = rows.filter(engineers=filters.engineer)
    return rows.order_by("changed_at", "pk")


def queue_rows(page: QuerySet[ServiceRequest]) -> list[ServiceRequest]:
    """The rows of one page of ``queue`` (a slice of it) with their companies, responsible
    people and engineers (``engineer_list``, by name; two queries). The page is picked in a subquery that sorts the ids
    alone: sorting the requests joined to their companies first read a company row for every
    open request of the park (3,800 of 10,000 at national scale) to show twenty."""
    return list(
        ServiceRequest.all_parks.filter(pk__in=page.values("pk"))
        .select_related("company", "responsible")
        .only(*QUEUE_COLUMNS)
        # into a list of each row's own: a related manager built per row cost more than the query
        .prefetch_related(
            Prefetch("engineers", queryset=_people_columns(), to_attr="engineer_list")
        )
        .order_by("changed_at", "pk")
    )


QUEUE_COLUMNS = (
    "park_id",
    "title",
    "confidential",
    "state",
    "desired_on",
    "changed_at",
    "company__short_name",
    "responsible__full_name",
    "responsible__email",
)


def _people_columns() -> QuerySet[Any]:
    return get_user_model().objects.only("full_name", "email").order_by("full_name", "pk")


def queue_counts(*, park: Park, user: Any, sees_all: bool) -> dict[str, int]:
    """Requests per state the person may see (one query)."""
    rows = visible_requests(
        park=park, user=user, sees_all=sees_all, is_engineer=not sees_all, company_ids=set()
    )
    # Managers see every request: grouped straight from the park's (park, state) index. An
    # engineer's visible set has a join and a DISTINCT, so it is grouped from a subquery.
    if not sees_all:
        rows = ServiceRequest.all_parks.filter(pk__in=rows.values("pk"))
    counts = dict(rows.values_list("state").annotate(n=Count("pk")).order_by())
    return {state: counts.get(state, 0) for state in RequestState.values}


def quote_lines(*, quote: Quote) -> list[QuoteLine]:
    """A quote's lines in their order, with their services (one query)."""
    return list(_lines().filter(quote=quote))


def service_prices(*, service: Service) -> list[ServicePrice]:
    """Every dated price of a service, by tier and newest first (one query)."""
    return list(ServicePrice.all_parks.filter(service=service).order_by("tier", "-valid_from"))


# --- Work orders ----------------------------------------------------------------------------


def work_order_of(*, request: ServiceRequest) -> WorkOrder | None:
    """The request's work order with its quote, or None (one query)."""
    return WorkOrder.all_parks.filter(request=request).select_related("quote").first()


def work_order_in_park(*, park: Park, pk: int) -> WorkOrder | None:
    return (
        WorkOrder.all_parks.filter(park=park, pk=pk)
        .select_related("quote", "request", "request__company")
        .first()
    )


def task_in_park(*, park: Park, pk: int) -> WorkTask | None:
    return WorkTask.all_parks.filter(park=park, pk=pk).select_related("work_order").first()


def time_entry_in_park(*, park: Park, pk: int) -> TimeEntry | None:
    return (
        TimeEntry.all_parks.filter(park=park, pk=pk)
        .select_related("work_order", "work_order__request")
        .first()
    )


def time_entries(*, work_order: WorkOrder) -> QuerySet[TimeEntry]:
    """A work order's time, newest first, with the engineer, task and line (one query)."""
    return (
        TimeEntry.all_parks.filter(work_order=work_order)
        .select_related("engineer", "task", "quote_line", "quote_line__service")
        .order_by("-started_at", "-pk")
    )


def work_order_parts(*, work_order: WorkOrder) -> dict[str, Any]:
    """What the work section shows: the approved quote's lines, the tasks, the latest time
    entries (at most ``TIME_SHOWN``; the API pages them all), the instrument uses with their
    bookings and the deliveries by line (five queries)."""
    lines = quote_lines(quote=work_order.quote)
    tasks = list(
        WorkTask.all_parks.filter(work_order=work_order)
        .select_related("engineer", "quote_line")
        .order_by("position", "pk")
    )
    entries = list(time_entries(work_order=work_order)[:TIME_SHOWN])
    uses = list(
        InstrumentUse.all_parks.filter(work_order=work_order)
        .select_related("booking", "booking__resource", "operator", "quote_line")
        .order_by("booking__starts_at", "pk")
    )
    deliveries = {
        row.quote_line_id: row
        for row in Delivery.all_parks.filter(work_order=work_order).select_related("recorded_by")
    }
    return {
        "lines": lines,
        "tasks": tasks,
        "entries": entries,
        "uses": uses,
        "deliveries": deliveries,
    }


#: the time entries shown on a request's page (the newest)
TIME_SHOWN = 50

#: a work order is open while its request is in work, delivered or on hold from one of them
OPEN_WORK = Q(request__state__in=(RequestState.IN_WORK, RequestState.DELIVERED)) | Q(
    request__state=RequestState.ON_HOLD,
    request__held_from__in=(RequestState.IN_WORK, RequestState.DELIVERED),
)


@dataclass(frozen=True)
class BoardFilters:
    """The work order board's filters, typed and bounded (``core.params``): an engineer (on the
    request or with a task), or only the visitor's own."""

    engineer: int | None = None
    mine: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> BoardFilters:
        return cls(
            engineer=param_value(params, "engineer", ID, None),
            mine=param_value(params, "mine", Choice.of(("1",)), "") == "1",
        )


def board(*, park: Park, user: Any, sees_all: bool, filters: BoardFilters) -> QuerySet[WorkOrder]:
    """Open work orders the person may see (the NDA rule of ``visible_requests``), with their
    tasks counted by state, the earliest due first (one query; the request's engineers are
    prefetched in a second)."""
    visible = visible_requests(
        park=park, user=user, sees_all=sees_all, is_engineer=not sees_all, company_ids=set()
    )
    rows = WorkOrder.all_parks.filter(park=park, request__in=visible.values("pk")).filter(OPEN_WORK)
    chosen = user.pk if filters.mine else filters.engineer
    if chosen is not None:
        on_task = WorkTask.all_parks.filter(park=park, engineer_id=chosen).values("work_order_id")
        on_request = ServiceRequest.engineers.through.objects.filter(user_id=chosen).values(
            "servicerequest_id"
        )
        rows = rows.filter(Q(pk__in=on_task) | Q(request_id__in=on_request))
    return (
        rows.select_related("request", "request__company")
        .prefetch_related("request__engineers")
        .annotate(
            tasks_todo=Count("tasks", filter=Q(tasks__state=TaskState.TODO)),
            tasks_doing=Count("tasks", filter=Q(tasks__state=TaskState.DOING)),
            tasks_done=Count("tasks", filter=Q(tasks__state=TaskState.DONE)),
        )
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def open_tasks_of(*, park: Park, user: Any, work_order_ids: list[int]) -> dict[int, list[WorkTask]]:
    """The person's tasks not done on the given work orders, by work order (one query)."""
    found: dict[int, list[WorkTask]] = {}
    rows = (
        WorkTask.all_parks.filter(park=park, engineer=user, work_order_id__in=work_order_ids)
        .exclude(state=TaskState.DONE)
        .order_by("position", "pk")
    )
    for task in rows:
        found.setdefault(task.work_order_id, []).append(task)
    return found


def time_of(*, park: Park, user: Any, since: datetime, until: datetime) -> list[TimeEntry]:
    """The person's time in the park from ``since`` to ``until`` (a week), with the running
    timer whenever it started, newest first (one query)."""
    return list(
        TimeEntry.all_parks.filter(park=park, engineer=user)
        .filter(Q(started_at__gte=since, started_at__lt=until) | Q(ended_at__isnull=True))
        .select_related("work_order__request", "task")
        .order_by("-started_at", "-pk")
    )


def instruments(*, park: Park) -> QuerySet[Resource]:
    """The park's bookable instruments: laboratory and engineering equipment, and anything
    that needs a certificate (one query)."""
    return (
        Resource.all_parks.filter(park=park, is_active=True)
        .filter(
            Q(requires_certification=True)
            | Q(resource_type__in=(ResourceType.LAB, ResourceType.ENGINEERING))
        )
        .select_related("site")
        .order_by("site__name", "name", "pk")
    )


def booking_in_park(*, park: Park, pk: int) -> Booking | None:
    return Booking.all_parks.filter(park=park, pk=pk).select_related("resource__site").first()


# --- Charges --------------------------------------------------------------------------------


def charge_of(*, request: ServiceRequest) -> Charge | None:
    """A request's charge with its lines (each with its quote line and the line it corrects),
    its adjustments and its budget line's grant (three queries), or None."""
    return (
        Charge.all_parks.filter(request=request)
        .select_related("budget_line__award", "created_by")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ChargeLine.all_parks.select_related("quote_line__service").order_by(
                    "position", "pk"
                ),
            ),
            Prefetch(
                "adjustments",
                queryset=ChargeAdjustment.all_parks.select_related(
                    "requested_by", "decided_by"
                ).order_by("-requested_at", "-pk"),
            ),
        )
        .first()
    )


def budget_lines_for(*, request: ServiceRequest) -> list[BudgetLine]:
    """The budget lines that may pay for ``request``: of its company's grants in its park that
    are not cancelled, with their grant (one query)."""
    return list(
        BudgetLine.objects.filter(
            award__park_id=request.park_id,
            award__participant__company_id=request.company_id,
            award__cancelled_at__isnull=True,
        )
        .select_related("award")
        .order_by("award__decided_on", "award_id", "kind")
    )


def charge_line_in_park(*, park: Park, pk: int) -> ChargeLine | None:
    return ChargeLine.all_parks.filter(park=park, pk=pk).select_related("charge").first()


def adjustment_in_park(*, park: Park, pk: int) -> ChargeAdjustment | None:
    return (
        ChargeAdjustment.all_parks.filter(park=park, pk=pk).select_related("charge", "line").first()
    )


def open_adjustment_count(*, charge: Charge) -> int:
    return sum(1 for row in charge.adjustments.all() if row.status == AdjustmentStatus.REQUESTED)


@dataclass(frozen=True)
class MonthCharges:
    """A park's charges of a month (by the park's day they were made) and their totals."""

    year: int
    month: int
    charges: list[Charge]
    total: Decimal
    by_payer: list[tuple[str, str, Decimal]]  # (code, label, total), in the choices' order
    by_tier: list[tuple[str, str, Decimal]]  # (code, label, total); "" for materials


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def month_charges(*, park: Park, year: int, month: int) -> MonthCharges:
    """The park's charges of ``month`` of ``year`` with their totals by payer and by tier (the
    quote lines' tier; adjusting lines count for the tier of the line they correct). Three
    queries whatever the number of charges: the charges (with company, request and grant), the
    sums by payer, the sums of the lines by tier."""
    first, last = month_bounds(year, month)
    in_month = Charge.all_parks.filter(park=park, charged_on__range=(first, last))
    charges = list(
        in_month.select_related("company", "request", "budget_line__award").order_by(
            "charged_on", "pk"
        )
    )
    payers = dict(
        in_month.order_by()
        .values_list("payer")
        .annotate(total=Sum("total"))
        .values_list("payer", "total")
    )
    tiers = dict(
        ChargeLine.all_parks.filter(
            park=park, charge__charged_on__range=(first, last), charge__park=park
        )
        .order_by()
        .values_list("quote_line__tier")
        .annotate(total=Sum("amount"))
        .values_list("quote_line__tier", "total")
    )
    by_payer = [(code, str(label), payers.get(code) or ZERO) for code, label in PayerKind.choices]
    by_tier = [(code, str(label), tiers.get(code) or ZERO) for code, label in Tier.choices]
    other = sum((value or ZERO for key, value in tiers.items() if key not in Tier.values), ZERO)
    if other:
        by_tier.append(("", str(LineKind.MATERIALS.label), other))
    return MonthCharges(
        year=year,
        month=month,
        charges=charges,
        total=sum((value for _code, _label, value in by_payer), ZERO),
        by_payer=by_payer,
        by_tier=by_tier,
    )


def audit_money_ledger() -> MoneyLedger:
    """Every charge and every accepted adjustment with the audit entry it must have, and the
    budget lines and charges whose totals are not the sum of their rows (handed to
    ``audit_verify``; three queries, every park)."""
    rows: list[MoneyRow] = []
    problems: list[str] = []
    charges = (
        Charge.all_parks.order_by("pk")
        .annotate(
            delivered=Sum("lines__amount", filter=~Q(lines__kind=ChargeLineKind.ADJUSTMENT)),
            adjusted=Sum("lines__amount", filter=Q(lines__kind=ChargeLineKind.ADJUSTMENT)),
        )
        .values_list(
            "pk",
            "park_id",
            "request_id",
            "budget_line_id",
            "created_by_id",
            "total",
            "delivered",
            "adjusted",
        )
    )
    for pk, park_id, request_id, line_id, actor_id, total, delivered, adjusted in charges:
        original = delivered or ZERO
        links: tuple[tuple[str, int | None], ...] = (("request_id", request_id),)
        if line_id is not None:
            links += (("budget_line_id", line_id),)
        rows.append(
            MoneyRow(
                label=f"charge {pk} (request {request_id})",
                park_id=park_id,
                action="engineering.charge",
                target_type="engineering.charge",
                target_id=str(pk),
                amount=original,
                actor_id=actor_id,
                links=links,
            )
        )
        if total != original + (adjusted or ZERO):
            problems.append(
                f"charge {pk}: total {total:.2f}, its lines add up to "
                f"{original + (adjusted or ZERO):.2f}"
            )
    for pk, park_id, charge_id, actor_id, amount in (
        ChargeAdjustment.all_parks.filter(status=AdjustmentStatus.ACCEPTED)
        .order_by("pk")
        .values_list("pk", "park_id", "charge_id", "decided_by_id", "adjusting_line__amount")
    ):
        rows.append(
            MoneyRow(
                label=f"adjustment {pk} (charge {charge_id})",
                park_id=park_id,
                action="engineering.adjustment_accept",
                target_type="engineering.chargeadjustment",
                target_id=str(pk),
                amount=amount if amount is not None else ZERO,
                actor_id=actor_id,
            )
        )
    for pk, charged, taken in (
        BudgetLine.objects.annotate(taken=Sum("engineering_charges__total"))
        .filter(Q(charged__gt=0) | Q(taken__isnull=False))
        .order_by("pk")
        .values_list("pk", "charged", "taken")
    ):
        if charged != (taken or ZERO):
            problems.append(
                f"budget line {pk}: {charged:.2f} charged, its charges add up to "
                f"{taken or ZERO:.2f}"
            )
    return MoneyLedger(
        actions=frozenset({"engineering.charge", "engineering.adjustment_accept"}),
        rows=rows,
        problems=problems,
    )


# --- Documents (the quote and the acceptance act as PDF) ------------------------------------


def quote_approvals(*, quote: Quote) -> list[QuoteApproval]:
    """A quote's approvals in their order, with who gave them (one query)."""
    return list(
        QuoteApproval.all_parks.filter(quote=quote)
        .select_related("approved_by")
        .order_by("approved_at", "pk")
    )


def approved_quote(*, request: ServiceRequest) -> Quote | None:
    """The request's approved quote, the one its work was done against (one query)."""
    return (
        Quote.all_parks.filter(request=request, status=QuoteStatus.APPROVED)
        .order_by("-version")
        .first()
    )


def acceptance_event(*, request: ServiceRequest) -> RequestEvent | None:
    """The company's latest acceptance of the request's work, with who accepted (one query)."""
    return (
        RequestEvent.all_parks.filter(request=request, to_state=RequestState.ACCEPTED)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
