"""Reads of the engineering app: the catalogue and the price in force, a company's tier, the
requests a person may see (the NDA rule applied in SQL), the staff queue and its filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet

from technopark.companies.models import Company, TeamMember
from technopark.core.params import ID, Choice, param_value
from technopark.engineering.models import (
    ApprovalSide,
    EngineeringSettings,
    Quote,
    QuoteApproval,
    QuoteLine,
    QuoteStatus,
    RequestEvent,
    RequestState,
    Service,
    ServicePrice,
    ServiceRequest,
    Tier,
)
from technopark.parks.models import STAFF_ROLES, Membership, MembershipStatus, Park, Role
from technopark.programmes import queries as programmes_queries
from technopark.residency import queries as residency_queries

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
    ``with_drafts`` (for the people who work on the request: the company never sees one)."""
    events = list(
        RequestEvent.all_parks.filter(request=request).select_related("actor").order_by("at", "pk")
    )
    shown = Quote.all_parks.filter(request=request)
    if not with_drafts:
        shown = shown.exclude(status=QuoteStatus.DRAFT)
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
