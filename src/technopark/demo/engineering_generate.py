"""Bench-scale engineering centre: 10,000 service requests and 100,000 time entries in a park,
with bulk inserts, deterministic for a seed and a moment ``now``.

``generate_engineering(park=…, requests=10_000, time_entries=100_000)`` makes (when the park has
fewer requests):

* the catalogue of the demo (``demo.engineering.CATALOGUE``, prices per tier from two years back)
  when the park has no service, and ``ENGINEERS`` bench engineers (an engineer's membership each)
  besides the park's own;
* requests in every state, in a fixed mix (``MIX``), each with the events of its path from
  «submitted» on (who, when, from, to; the reasons a rejection, a cancellation or a hold need; the
  quote's number on the events a quote makes), a responsible person and one or two engineers
  (from triage on), about 8 % confidential;
* a quote for every request past triage (a draft for half the triaged ones): an hourly service
  line, often a line of samples or pieces, sometimes materials, a tenth of the lines with a
  discount and its reason, at the tier's price in force on the day the quote was made; numbered
  «ИЦ-<year>-NNNN» once sent, approved by the company (and the manager above the park's
  threshold) from «approved» on;
* a work order from «in work» on, a task per service line, and the time entries (finished,
  minutes set, on the hourly line, by the request's engineers) spread over the orders in
  proportion to the hours quoted — ``time_entries`` in all; the samples, pieces and materials
  delivered from «delivered» on; an acceptance act number and a rating (1–5) from «accepted» on;
* a charge for every charged request, on the park's day it was charged (a few hours after the
  acceptance, the same day), paid by the company: its lines are the product's own
  (``services.charges.charge_lines_for`` over the quantities delivered: the hours of the time
  entries, the samples, pieces and materials recorded), so gross and discount are each rounded to
  the kopeck and the discount never exceeds the gross. Charged requests were accepted over the
  twelve full months before ``now``'s, one of them (``heavy_month``) with ``HEAVY_MONTH`` charges.
* the company's side acted by a person acting for the company (``_representatives``: an acting
  team member, or a bench founder made for a generated company that has none): it submits the
  request, approves the quote (the company's approval), accepts the work or cancels.

What the services guarantee holds by construction (the state machine's paths, numbers unique per
park and year with the counters advanced past them, a line's discount within the line, entries
that end after they start, quote totals that add up). No instrument use (it needs bookings made
for the orders) and no audit entries (bench data, not decisions). Idempotent: a park that has
``requests`` requests is left alone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from technopark.companies.models import Company, TeamMember
from technopark.core.localtime import zone_named
from technopark.demo.engineering import CATALOGUE, TIER_SHARES
from technopark.demo.generator import _person_name
from technopark.engineering.models import (
    ApprovalSide,
    Charge,
    ChargeLine,
    ChargeLineKind,
    Delivery,
    DocumentCounter,
    DocumentKind,
    EngineeringSettings,
    EventKind,
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
    Unit,
    WorkOrder,
    WorkTask,
)
from technopark.engineering.services._common import PREFIXES
from technopark.engineering.services.charges import Delivered, charge_lines_for
from technopark.parks.models import STAFF_ROLES, Membership, MembershipStatus, Park, Role, Site

SEED = 2026
BATCH = 500
ENGINEERS = 30
ENGINEER_EMAIL = "bench-engineer-{:03d}@engineers.bench"
FOUNDER_EMAIL = "bench-founder-{}@companies.bench"
FOUNDER_POSITION = "Основатель"
HEAVY_MONTH = 800
CENT = Decimal("0.01")
S = RequestState

# Of every 10,000 requests: half charged (over twelve months), the rest in every other state.
MIX: tuple[tuple[str, int], ...] = (
    (S.SUBMITTED, 600),
    (S.TRIAGED, 500),
    (S.QUOTED, 600),
    (S.APPROVED, 400),
    (S.IN_WORK, 900),
    (S.DELIVERED, 400),
    (S.ACCEPTED, 300),
    (S.CHARGED, 5000),
    (S.REJECTED, 500),
    (S.CANCELLED, 400),
    (S.ON_HOLD, 400),
)
FORWARD: tuple[str, ...] = (
    S.SUBMITTED,
    S.TRIAGED,
    S.QUOTED,
    S.APPROVED,
    S.IN_WORK,
    S.DELIVERED,
    S.ACCEPTED,
)
PATHS: dict[str, tuple[str, ...]] = {
    **{state: FORWARD[: FORWARD.index(state) + 1] for state in FORWARD},
    S.CHARGED: (*FORWARD, S.CHARGED),
    S.REJECTED: (S.SUBMITTED, S.TRIAGED, S.REJECTED),
    S.CANCELLED: (S.SUBMITTED, S.CANCELLED),
    S.ON_HOLD: (S.SUBMITTED, S.TRIAGED, S.ON_HOLD),
}
# Hours between a state and the next one: (least, most).
GAPS: dict[str, tuple[int, int]] = {
    S.TRIAGED: (4, 72),
    S.QUOTED: (24, 120),
    S.APPROVED: (24, 168),
    S.IN_WORK: (12, 72),
    S.DELIVERED: (72, 480),
    S.ACCEPTED: (24, 120),
    S.CHARGED: (1, 6),
    S.REJECTED: (4, 96),
    S.CANCELLED: (4, 96),
    S.ON_HOLD: (12, 96),
}
REASONS: dict[str, str] = {
    S.REJECTED: "Нет оборудования для такой работы: рекомендуем партнёров центра.",
    S.CANCELLED: "Заказчик отказался от работ.",
    S.ON_HOLD: "Ждём образцы от заказчика.",
}
TITLES = (
    "Испытания корпуса на морозостойкость",
    "Фрезеровка деталей по чертежу",
    "Прототип корпуса прибора",
    "ПЦР-анализ партии образцов",
    "Секвенирование участка генома",
    "Прочностные испытания образцов",
    "Проект оснастки",
    "Микроскопия образцов",
    "Культивирование штамма-продуцента",
    "Климатические испытания блока",
)
MATERIALS = (
    "Алюминий Д16Т, пруток",
    "Полиамид PA12, порошок",
    "Реактивы для ПЦР",
    "Питательные среды",
)
TIERS = ((Tier.RESIDENT, 40), (Tier.PARTICIPANT, 15), (Tier.EXTERNAL, 35), (Tier.SUBSIDISED, 10))
DISCOUNT_REASON = "Скидка постоянному заказчику"


@dataclass
class _Line:
    kind: str
    service: Service | None
    description: str
    quantity: Decimal
    unit: str
    tier: str
    unit_price: Decimal
    discount: Decimal
    reason: str
    position: int
    row: QuoteLine | None = None

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price - self.discount).quantize(
            CENT, rounding=ROUND_HALF_UP
        )


@dataclass
class _Plan:
    """One request, decided before anything is written."""

    state: str
    company_id: int
    title: str
    confidential: bool
    times: list[tuple[str, datetime]]  # every state of its path and when it was reached
    engineers: list[int]
    responsible: int | None
    tier: str
    lines: list[_Line] = field(default_factory=list)
    draft: bool = False
    entries: int = 0  # time entries to write
    rating: int | None = None

    def at(self, state: str) -> datetime | None:
        return next((when for s, when in self.times if s == state), None)


@dataclass
class _Context:
    park: Park
    rng: random.Random
    now: datetime
    manager: int
    engineers: list[int]
    services_by_unit: dict[str, list[Service]]
    prices: dict[tuple[int, str], list[ServicePrice]]
    threshold: Decimal
    counters: dict[tuple[str, int], int]
    # a person acting for each company the plans use (``_representatives``)
    acting: dict[int, int] = field(default_factory=dict)


def _months_before(now: date, count: int) -> list[date]:
    """The first days of the ``count`` full months before ``now``'s month, oldest first."""
    first = now.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return months[::-1]


def heavy_month(now: datetime, zone: Any) -> date:
    """The first day of the month that gets ``HEAVY_MONTH`` charges: two full months back."""
    return _months_before(timezone.localtime(now, zone_named(zone)).date(), 12)[-2]


def _catalogue(park: Park, now: datetime) -> list[Service]:
    rows = list(Service.all_parks.filter(park=park, is_active=True).order_by("pk"))
    if rows:
        return rows
    sites = {site.name: site for site in Site.all_parks.filter(park=park)}
    Service.all_parks.bulk_create(
        [
            Service(
                park=park,
                name=name,
                name_en=name_en,
                kind=kind,
                unit=unit,
                lead_time_days=lead,
                site=sites.get(site_name),
            )
            for name, name_en, kind, unit, lead, _price, site_name in CATALOGUE
        ]
    )
    made = list(Service.all_parks.filter(park=park).order_by("pk"))
    prices = {name: Decimal(price) for name, _en, _k, _u, _l, price, _s in CATALOGUE}
    since = timezone.localdate(now) - timedelta(days=730)
    ServicePrice.all_parks.bulk_create(
        [
            ServicePrice(
                park=park,
                service=service,
                tier=tier,
                valid_from=since,
                unit_price=(prices[service.name] * share).quantize(CENT),
            )
            for service in made
            for tier, share in TIER_SHARES.items()
        ]
    )
    return made


def _engineers(park: Park, count: int) -> list[int]:
    """The park's engineers: its own and ``count`` bench ones (made when missing)."""
    user_model = get_user_model()
    emails = [ENGINEER_EMAIL.format(i) for i in range(count)]
    have = set(user_model.objects.filter(email__in=emails).values_list("email", flat=True))
    rng = random.Random(SEED)
    password = make_password(None)  # unusable: bench engineers do not sign in with a password
    people = []
    for email in emails:
        name, _short = _person_name(rng)
        if email not in have:
            people.append(user_model(email=email, full_name=name, password=password))
    user_model.objects.bulk_create(people)
    ids = list(user_model.objects.filter(email__in=emails).values_list("pk", flat=True))
    holding = set(
        Membership.all_parks.filter(park=park, role=Role.ENGINEER).values_list("user_id", flat=True)
    )
    Membership.all_parks.bulk_create(
        [
            Membership(park=park, user_id=pk, role=Role.ENGINEER, status=MembershipStatus.ACTIVE)
            for pk in ids
            if pk not in holding
        ]
    )
    return sorted(
        Membership.all_parks.filter(
            park=park, role=Role.ENGINEER, status=MembershipStatus.ACTIVE
        ).values_list("user_id", flat=True)
    )


def _representatives(park: Park, companies: list[int]) -> dict[int, int]:
    """A person acting for each of ``companies``: its first acting team member, or (for a
    generated company with none) a bench founder made for it, with the park's founder membership
    and a place in the team that acts for the company. Bulk inserts; deterministic."""
    acting: dict[int, int] = {}
    for company_id, user_id in (
        TeamMember.objects.filter(company__park=park, acts_for_company=True)
        .order_by("pk")
        .values_list("company_id", "user_id")
    ):
        acting.setdefault(company_id, user_id)
    missing = sorted(pk for pk in set(companies) if pk not in acting)
    if not missing:
        return acting
    user_model = get_user_model()
    emails = {pk: FOUNDER_EMAIL.format(pk) for pk in missing}
    have = set(user_model.objects.filter(email__in=emails.values()).values_list("email", flat=True))
    rng = random.Random(SEED + 1)
    password = make_password(None)  # unusable: bench founders do not sign in with a password
    people = []
    for email in emails.values():
        name, _short = _person_name(rng)
        if email not in have:
            people.append(user_model(email=email, full_name=name, password=password))
    user_model.objects.bulk_create(people, batch_size=BATCH * 2)
    ids = dict(user_model.objects.filter(email__in=emails.values()).values_list("email", "pk"))
    founders = {company: ids[email] for company, email in emails.items()}
    holding = set(
        Membership.all_parks.filter(
            park=park, role=Role.FOUNDER, user_id__in=founders.values()
        ).values_list("user_id", flat=True)
    )
    Membership.all_parks.bulk_create(
        [
            Membership(park=park, user_id=pk, role=Role.FOUNDER, status=MembershipStatus.ACTIVE)
            for pk in founders.values()
            if pk not in holding
        ],
        batch_size=BATCH * 2,
    )
    TeamMember.objects.bulk_create(
        [
            TeamMember(
                company_id=company, user_id=user, position=FOUNDER_POSITION, acts_for_company=True
            )
            for company, user in founders.items()
        ],
        batch_size=BATCH * 2,
    )
    return acting | founders


def _price(ctx: _Context, service: Service, tier: str, on: date) -> Decimal:
    for row in ctx.prices.get((service.pk, tier), []):  # newest first
        if row.valid_from <= on:
            return row.unit_price
    rows = ctx.prices.get((service.pk, tier)) or ctx.prices.get((service.pk, Tier.EXTERNAL), [])
    return rows[-1].unit_price if rows else Decimal("1000.00")


def _lines(ctx: _Context, tier: str, on: date) -> list[_Line]:
    rng = ctx.rng
    chosen: list[tuple[Service, Decimal]] = [
        (rng.choice(ctx.services_by_unit[Unit.HOUR]), Decimal(rng.randint(4, 60)))
    ]
    counted = ctx.services_by_unit.get(Unit.SAMPLE, []) + ctx.services_by_unit.get(Unit.PIECE, [])
    if counted and rng.random() < 0.5:
        service = rng.choice(counted)
        most = 40 if service.unit == Unit.SAMPLE else 5
        chosen.append((service, Decimal(rng.randint(1, most))))
    lines = []
    for position, (service, quantity) in enumerate(chosen):
        price = _price(ctx, service, tier, on)
        discount, reason = Decimal("0.00"), ""
        if rng.random() < 0.1:
            share = Decimal(rng.choice((5, 10))) / 100
            discount, reason = (quantity * price * share).quantize(CENT), DISCOUNT_REASON
        lines.append(
            _Line(
                LineKind.SERVICE,
                service,
                "",
                quantity,
                service.unit,
                tier,
                price,
                discount,
                reason,
                position,
            )
        )
    if rng.random() < 0.1:
        lines.append(
            _Line(
                LineKind.MATERIALS,
                None,
                rng.choice(MATERIALS),
                Decimal("1"),
                "",
                "",
                Decimal(rng.randint(20, 300) * 100),
                Decimal("0.00"),
                "",
                len(lines),
            )
        )
    return lines


def _plans(ctx: _Context, count: int, companies: list[int]) -> list[_Plan]:
    rng = ctx.rng
    zone = zone_named(ctx.park.time_zone)
    total = sum(n for _s, n in MIX)
    states: list[str] = []
    for state, n in MIX:
        states += [state] * (n * count // total)
    states += [S.SUBMITTED] * (count - len(states))
    rng.shuffle(states)
    months = _months_before(timezone.localtime(ctx.now, zone).date(), 12)
    heavy = heavy_month(ctx.now, zone)
    charged = states.count(S.CHARGED)
    in_heavy = min(charged, max(1, charged * HEAVY_MONTH // 5000)) if charged else 0
    others = [m for m in months if m != heavy]
    plans = []
    n_charged = 0
    for state in states:
        path = PATHS[state]
        # When the last step happened; then the earlier ones, walking back.
        if state == S.CHARGED:
            month = heavy if n_charged < in_heavy else others[n_charged % len(others)]
            n_charged += 1
            end_of_month = (month + timedelta(days=32)).replace(day=1)
            day = month + timedelta(days=rng.randrange((end_of_month - month).days))
            accepted = datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59)), zone)
            last = accepted + timedelta(hours=rng.randint(*GAPS[S.CHARGED]))
            times: list[tuple[str, datetime]] = [(S.ACCEPTED, accepted), (S.CHARGED, last)]
        else:
            days = 10 if state in (S.ACCEPTED, S.DELIVERED) else 40
            # work in progress began days ago: its time entries lie in the past
            least_hours = 72 if state == S.IN_WORK else 1
            last = ctx.now - timedelta(hours=rng.randint(least_hours, days * 24))
            times = [(state, last)]
        # the earlier steps, walking back from the first one known
        for previous in reversed(path[: len(path) - len(times)]):
            least, most = GAPS[times[0][0]]
            times.insert(0, (previous, times[0][1] - timedelta(hours=rng.randint(least, most))))
        past_triage = len(path) > 1 and path[1] == S.TRIAGED
        engineers = rng.sample(ctx.engineers, k=min(len(ctx.engineers), rng.choice((1, 1, 2))))
        tier = rng.choices([t for t, _w in TIERS], weights=[w for _t, w in TIERS])[0]
        plan = _Plan(
            state=state,
            company_id=rng.choice(companies),
            title=rng.choice(TITLES),
            confidential=rng.random() < 0.08,
            times=times,
            engineers=engineers if past_triage else [],
            responsible=(rng.choice((ctx.manager, engineers[0])) if past_triage else None),
            tier=tier,
        )
        if S.QUOTED in path or (state == S.TRIAGED and rng.random() < 0.5):
            made_on = timezone.localtime(plan.at(S.TRIAGED) or last, zone).date()
            plan.lines = _lines(ctx, tier, made_on)
            plan.draft = S.QUOTED not in path
        if S.ACCEPTED in path:
            plan.rating = rng.choices((5, 4, 3, 2, 1), weights=(50, 30, 12, 5, 3))[0]
        plans.append(plan)
    return plans


def _spread_entries(plans: list[_Plan], total: int) -> None:
    """``total`` time entries over the requests in work and later, in proportion to the hours
    their quotes ask (at least one each)."""
    working = [p for p in plans if S.IN_WORK in PATHS[p.state]]
    if not working or total <= 0:
        return
    hours = [float(p.lines[0].quantity) for p in working]
    whole = sum(hours)
    given = 0
    for plan, h in zip(working, hours, strict=True):
        plan.entries = max(1, int(total * h / whole))
        given += plan.entries
    for index in range(total - given):  # what rounding left over, one more to the first ones
        working[index % len(working)].entries += 1


def _number(ctx: _Context, kind: str, when: datetime) -> str:
    year = timezone.localtime(when, zone_named(ctx.park.time_zone)).year
    key = (kind, year)
    ctx.counters[key] = ctx.counters.get(key, 0) + 1
    return f"{PREFIXES[DocumentKind(kind)]}-{year}-{ctx.counters[key]:04d}"


def _actor(ctx: _Context, plan: _Plan, state: str, quote: Quote | None) -> int:
    """Who moved ``plan``'s request to ``state``: the company submits, accepts and cancels (and
    approves the quote, unless the manager's approval came last); the engineers take it into work
    and deliver; the manager does the rest (triage, quotes, rejections, holds, the charge)."""
    company = ctx.acting[plan.company_id]
    if state in (S.SUBMITTED, S.ACCEPTED, S.CANCELLED):
        return company
    if state == S.APPROVED:
        return ctx.manager if quote is not None and quote.needs_manager else company
    if state in (S.IN_WORK, S.DELIVERED) and plan.engineers:
        return plan.engineers[0]
    return ctx.manager


def _write(ctx: _Context, plans: list[_Plan]) -> int:
    """Write one batch of planned requests and everything under them; return time entries."""
    rng = ctx.rng
    park = ctx.park
    zone = zone_named(park.time_zone)
    requests = []
    for plan in plans:
        accepted = plan.at(S.ACCEPTED)
        held_from = plan.times[-2][0] if plan.state == S.ON_HOLD else ""
        requests.append(
            ServiceRequest(
                park=park,
                company_id=plan.company_id,
                title=plan.title,
                description="Сгенерировано для замера производительности.",
                confidential=plan.confidential,
                state=plan.state,
                held_from=held_from,
                responsible_id=plan.responsible,
                act_number=_number(ctx, DocumentKind.ACT, accepted) if accepted else "",
                rating=plan.rating,
                created_by_id=ctx.acting[plan.company_id],  # the company submits it
                created_at=plan.times[0][1],
                changed_at=plan.times[-1][1],
            )
        )
    requests = ServiceRequest.all_parks.bulk_create(requests)
    through = ServiceRequest.engineers.through
    through.objects.bulk_create(
        [
            through(servicerequest_id=request.pk, user_id=engineer)
            for request, plan in zip(requests, plans, strict=True)
            for engineer in plan.engineers
        ]
    )
    # Quotes (one version each), then their lines and approvals.
    quotes: dict[int, Quote] = {}
    for request, plan in zip(requests, plans, strict=True):
        if not plan.lines:
            continue
        made_at = plan.at(S.TRIAGED) or plan.times[-1][1]
        sent_at = plan.at(S.QUOTED)
        approved_at = plan.at(S.APPROVED)
        total = sum((line.amount for line in plan.lines), Decimal("0.00"))
        quotes[request.pk] = Quote(
            park=park,
            request=request,
            version=1,
            number=_number(ctx, DocumentKind.QUOTE, sent_at) if sent_at else "",
            status=(
                QuoteStatus.APPROVED
                if approved_at
                else QuoteStatus.SENT
                if sent_at
                else QuoteStatus.DRAFT
            ),
            expires_on=(timezone.localtime(sent_at, zone).date() + timedelta(days=30))
            if sent_at
            else None,
            total=total,
            needs_manager=bool(sent_at) and total > ctx.threshold,
            created_by_id=ctx.manager,
            created_at=made_at,
            sent_at=sent_at,
            decided_at=approved_at,
        )
    Quote.all_parks.bulk_create(list(quotes.values()))
    lines = []
    approvals = []
    for request, plan in zip(requests, plans, strict=True):
        quote = quotes.get(request.pk)
        if quote is None:
            continue
        for line in plan.lines:
            line.row = QuoteLine(
                park=park,
                quote=quote,
                kind=line.kind,
                service=line.service,
                description=line.description,
                quantity=line.quantity,
                unit=line.unit,
                tier=line.tier,
                unit_price=line.unit_price,
                discount=line.discount,
                discount_reason=line.reason,
                amount=line.amount,
                position=line.position,
            )
            lines.append(line.row)
        approved_at = plan.at(S.APPROVED)
        if approved_at:
            sides = [(ApprovalSide.COMPANY, ctx.acting[plan.company_id])]
            if quote.needs_manager:
                sides.append((ApprovalSide.MANAGER, ctx.manager))
            approvals += [
                QuoteApproval(
                    park=park,
                    quote=quote,
                    side=side,
                    approved_by_id=approver,
                    approved_at=approved_at,
                )
                for side, approver in sides
            ]
    QuoteLine.all_parks.bulk_create(lines)
    QuoteApproval.all_parks.bulk_create(approvals)
    # Events: each step of the path, the quote's number on those a quote makes.
    events = []
    for request, plan in zip(requests, plans, strict=True):
        quote = quotes.get(request.pk)
        previous = ""
        for state, when in plan.times:
            kind, params = EventKind.PERSON, {}
            if state in (S.QUOTED, S.APPROVED) and quote is not None:
                kind = EventKind.QUOTE_SENT if state == S.QUOTED else EventKind.QUOTE_APPROVED
                params = {"number": quote.number}
            events.append(
                RequestEvent(
                    park=park,
                    request=request,
                    actor_id=_actor(ctx, plan, state, quote),
                    at=when,
                    from_state=previous,
                    to_state=state,
                    reason=REASONS.get(state, ""),
                    kind=kind,
                    params=params,
                )
            )
            previous = state
    RequestEvent.all_parks.bulk_create(events, batch_size=BATCH * 2)
    # Work orders, their tasks, time, deliveries.
    orders: dict[int, WorkOrder] = {}
    for request, plan in zip(requests, plans, strict=True):
        started = plan.at(S.IN_WORK)
        if started is None:
            continue
        lead = max(line.service.lead_time_days for line in plan.lines if line.service)
        orders[request.pk] = WorkOrder(
            park=park,
            request=request,
            quote=quotes[request.pk],
            due_on=timezone.localtime(started, zone).date() + timedelta(days=lead * 7 // 5),
            created_by_id=ctx.manager,
            created_at=started,
        )
    WorkOrder.all_parks.bulk_create(list(orders.values()))
    tasks: dict[int, WorkTask] = {}  # the task of each order's hourly line, by request
    every_task: list[WorkTask] = []
    for request, plan in zip(requests, plans, strict=True):
        order = orders.get(request.pk)
        if order is None:
            continue
        delivered = plan.at(S.DELIVERED)
        for line in plan.lines:
            if line.service is None:
                continue
            task = WorkTask(
                park=park,
                work_order=order,
                title=line.service.name[:200],
                engineer_id=rng.choice(plan.engineers),
                state=TaskState.DONE if delivered else TaskState.DOING,
                quote_line=line.row,
                position=line.position,
                done_at=delivered,
            )
            every_task.append(task)
            if line.position == 0:
                tasks[request.pk] = task
    WorkTask.all_parks.bulk_create(every_task)
    entries = []
    deliveries = []
    for request, plan in zip(requests, plans, strict=True):
        order = orders.get(request.pk)
        if order is None:
            continue
        started = order.created_at  # when the request went into work
        delivered = plan.at(S.DELIVERED)
        ends = delivered or ctx.now
        hour_line = plan.lines[0]
        done = rng.uniform(0.85, 1.1) if delivered else rng.uniform(0.2, 0.8)
        minutes_left = max(15 * plan.entries, int(float(hour_line.quantity) * 60 * done))
        span = max(60, int((ends - started).total_seconds() // 60))
        for n in range(plan.entries):
            minutes = minutes_left if n == plan.entries - 1 else minutes_left // (plan.entries - n)
            minutes_left -= minutes
            begins = started + timedelta(minutes=rng.randrange(max(1, span - minutes)))
            if begins + timedelta(minutes=minutes) > ends:  # a short span: end with it
                begins = ends - timedelta(minutes=minutes)
            entries.append(
                TimeEntry(
                    park=park,
                    work_order=order,
                    task=tasks[request.pk],
                    quote_line=hour_line.row,
                    engineer_id=rng.choice(plan.engineers),
                    started_at=begins,
                    ended_at=begins + timedelta(minutes=minutes),
                    minutes=minutes,
                    created_at=begins + timedelta(minutes=minutes),
                )
            )
        if delivered:
            for line in plan.lines[1:]:
                quantity = line.quantity if rng.random() < 0.9 else line.quantity * Decimal("0.5")
                deliveries.append(
                    Delivery(
                        park=park,
                        work_order=order,
                        quote_line=line.row,
                        quantity=quantity.quantize(CENT),
                        recorded_by_id=rng.choice(plan.engineers),
                        recorded_at=delivered,
                    )
                )
    TimeEntry.all_parks.bulk_create(entries, batch_size=BATCH * 4)
    Delivery.all_parks.bulk_create(deliveries)
    _charge(ctx, requests, plans, orders, entries, deliveries)
    return len(entries)


def _charge(
    ctx: _Context,
    requests: list[ServiceRequest],
    plans: list[_Plan],
    orders: dict[int, WorkOrder],
    entries: list[TimeEntry],
    deliveries: list[Delivery],
) -> None:
    """A charge for each charged request: the delivered quantities at the quoted prices, its
    lines made as the product makes them (``charge_lines_for``), on the park's day of the charge."""
    zone = zone_named(ctx.park.time_zone)
    minutes: dict[int, int] = {}
    for entry in entries:
        minutes[entry.work_order_id] = minutes.get(entry.work_order_id, 0) + (entry.minutes or 0)
    delivered: dict[tuple[int, int | None], Decimal] = {
        (d.work_order_id, d.quote_line_id): d.quantity for d in deliveries
    }
    charges: list[Charge] = []
    lines: list[list[ChargeLine]] = []
    for request, plan in zip(requests, plans, strict=True):
        charged_at = plan.at(S.CHARGED)
        if plan.state != S.CHARGED or charged_at is None:
            continue
        order = orders[request.pk]
        items = []
        for line in plan.lines:
            if line.row is None:  # never: every line is written with its quote
                continue
            if line.position == 0:
                quantity = Decimal(minutes.get(order.pk, 0)) / 60
                kind = ChargeLineKind.TIME
            else:
                quantity = delivered.get((order.pk, line.row.pk), line.quantity)
                kind = ChargeLineKind.DELIVERED
            items.append(
                Delivered(
                    quote_line=line.row,
                    kind=kind,
                    quantity=quantity,
                    unit_price=line.unit_price,
                    description=line.service.name if line.service else line.description,
                )
            )
        rows = [
            ChargeLine(
                park=ctx.park,
                kind=item.kind,
                quote_line=item.quote_line,
                description=item.description,
                quantity=item.quantity,
                unit_price=item.unit_price,
                amount=item.amount,
                position=n,
            )
            for n, item in enumerate(charge_lines_for(items), start=1)
        ]
        charges.append(
            Charge(
                park=ctx.park,
                request=request,
                company_id=plan.company_id,
                payer=PayerKind.COMPANY,
                total=sum((row.amount for row in rows), Decimal("0.00")),
                idempotency_key=f"bench-{ctx.park.pk}-{request.pk}",
                charged_on=timezone.localtime(charged_at, zone).date(),
                created_by_id=ctx.manager,
                created_at=charged_at,
            )
        )
        lines.append(rows)
    Charge.all_parks.bulk_create(charges)
    for charge, rows in zip(charges, lines, strict=True):
        for row in rows:
            row.charge = charge
    ChargeLine.all_parks.bulk_create([row for rows in lines for row in rows])


def generate_engineering(
    *,
    park: Park,
    requests: int = 10_000,
    time_entries: int = 100_000,
    engineers: int = ENGINEERS,
    seed: int = SEED,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add service requests (and all that comes with them) until ``park`` has ``requests``;
    return how many were added. ``now`` fixes the moment the data is generated around (by
    default the present), so a seed and a moment give the same rows."""
    existing = ServiceRequest.all_parks.filter(park=park).count()
    missing = requests - existing
    if missing <= 0:
        return 0
    now = now or timezone.now()
    manager = (
        Membership.all_parks.filter(park=park, role__in=STAFF_ROLES, status=MembershipStatus.ACTIVE)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    if manager is None:
        raise ValueError("The park has no staff member to handle the requests.")
    companies = list(
        Company.all_parks.filter(park=park).order_by("pk").values_list("pk", flat=True)[:5_000]
    )
    if not companies:
        raise ValueError("The park has no company to file the requests.")
    catalogue = _catalogue(park, now)
    by_unit: dict[str, list[Service]] = {}
    for service in catalogue:
        by_unit.setdefault(service.unit, []).append(service)
    if Unit.HOUR not in by_unit:
        raise ValueError("The park's catalogue has no hourly service.")
    prices: dict[tuple[int, str], list[ServicePrice]] = {}
    for row in ServicePrice.all_parks.filter(park=park).order_by("-valid_from"):
        prices.setdefault((row.service_id, row.tier), []).append(row)
    settings_row = EngineeringSettings.all_parks.filter(park=park).first()
    ctx = _Context(
        park=park,
        rng=random.Random(seed + existing),
        now=now,
        manager=manager,
        engineers=_engineers(park, engineers),
        services_by_unit=by_unit,
        prices=prices,
        threshold=settings_row.approval_threshold
        if settings_row
        else EngineeringSettings(park=park).approval_threshold,
        counters={
            (row.kind, row.year): row.last for row in DocumentCounter.all_parks.filter(park=park)
        },
    )
    plans = _plans(ctx, missing, companies)
    ctx.acting = _representatives(park, [plan.company_id for plan in plans])
    _spread_entries(plans, time_entries - TimeEntry.all_parks.filter(park=park).count())
    added = 0
    for offset in range(0, len(plans), BATCH):
        with transaction.atomic():
            _write(ctx, plans[offset : offset + BATCH])
        added += len(plans[offset : offset + BATCH])
        if progress is not None:
            progress(added)
    # The counters past the numbers given, so the services go on from there.
    with transaction.atomic():
        for (kind, year), last in ctx.counters.items():
            DocumentCounter.all_parks.update_or_create(
                park=park, kind=kind, year=year, defaults={"last": last}
            )
    return added
