"""Demo engineering centre and biotechnology laboratory: a catalogue with prices per tier, and a
dozen service requests in several states, through the engineering services.

``seed_engineering(park, accounts=…)``:

* the catalogue: engineering services at the «Региональный инжиниринговый центр» site and
  laboratory services at the «Лаборатория биотехнологий» site (when the park has them), with
  prices for the four tiers from a year back, and a price rise from today on one service;
* requests over the last month: the demo founder's company has one with a quote to approve, a
  confidential one in work (under NDA) and a new one; other companies' requests are triaged
  with a draft quote, approved, in work, delivered, accepted, charged, rejected, on hold, and
  one large quote the company approved that waits for the manager's approval too. The demo
  engineer is assigned to most of them;
* the work of every request that went into work (in work, delivered, accepted, charged): tasks,
  the engineer's time, delivered quantities and an instrument booked in the engineer's name.
* charges (``seed_charges``): the charged request is charged through the charges service, and a
  request of the founder's company is charged to the «services» line of its grant.

Idempotent: the catalogue is made only when the park has no service, and the requests only when
it has no request, so a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from technopark.companies.models import Company, TeamMember
from technopark.engineering import queries, services
from technopark.engineering.models import (
    PayerKind,
    RequestState,
    Service,
    ServiceKind,
    ServiceRequest,
    TaskState,
    Tier,
    Unit,
)
from technopark.engineering.services import work
from technopark.parks.models import Park, Site
from technopark.parks.rules import access_for
from technopark.spaces import services as spaces_services

ENGINEERING_SITE = "Региональный инжиниринговый центр"
LAB_SITE = "Лаборатория биотехнологий"

# (name, English name, kind, unit, lead time in working days, external price per unit, site)
CATALOGUE = (
    (
        "Проектирование изделия в САПР",
        "CAD product design",
        ServiceKind.DESIGN,
        Unit.HOUR,
        10,
        "3500",
        ENGINEERING_SITE,
    ),
    (
        "Изготовление прототипа на 3D-принтере SLS",
        "SLS 3D-printed prototype",
        ServiceKind.PROTOTYPING,
        Unit.PIECE,
        5,
        "12000",
        ENGINEERING_SITE,
    ),
    (
        "Фрезеровка на станке с ЧПУ",
        "CNC milling",
        ServiceKind.PROTOTYPING,
        Unit.HOUR,
        5,
        "4000",
        ENGINEERING_SITE,
    ),
    (
        "Климатические испытания (-60…+85 °C)",
        "Climate testing (-60…+85 °C)",
        ServiceKind.TESTING,
        Unit.HOUR,
        7,
        "6000",
        ENGINEERING_SITE,
    ),
    (
        "Испытание образца на прочность",
        "Strength test of a sample",
        ServiceKind.TESTING,
        Unit.SAMPLE,
        3,
        "2500",
        ENGINEERING_SITE,
    ),
    (
        "ПЦР-анализ образца",
        "PCR analysis of a sample",
        ServiceKind.ANALYSIS,
        Unit.SAMPLE,
        4,
        "1800",
        LAB_SITE,
    ),
    (
        "Секвенирование по Сэнгеру",
        "Sanger sequencing",
        ServiceKind.ANALYSIS,
        Unit.SAMPLE,
        10,
        "3200",
        LAB_SITE,
    ),
    (
        "Культивирование штамма",
        "Strain cultivation",
        ServiceKind.LAB_WORK,
        Unit.HOUR,
        14,
        "2200",
        LAB_SITE,
    ),
    (
        "Микроскопия на конфокальном микроскопе",
        "Confocal microscopy",
        ServiceKind.LAB_WORK,
        Unit.HOUR,
        3,
        "5000",
        LAB_SITE,
    ),
)

TIER_SHARES = {
    Tier.EXTERNAL: Decimal("1"),
    Tier.PARTICIPANT: Decimal("0.5"),
    Tier.RESIDENT: Decimal("0.6"),
    Tier.SUBSIDISED: Decimal("0.3"),
}


def _account(accounts: Any, role: str) -> Any:
    found = accounts.get(role) if isinstance(accounts, dict) else None
    return found if found is not None else accounts.get(f"{role}@demo.technopark")


def _start_of(day: date) -> datetime:
    """The UTC midnight of ``day``: in every park's clock it is that day or the day before, so a
    price that takes effect on ``day`` is never set in its past."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def seed_catalogue(park: Park, *, manager: Any, now: datetime) -> list[Service]:
    if Service.all_parks.filter(park=park).exists():
        return list(Service.all_parks.filter(park=park).order_by("pk"))
    sites = {site.name: site for site in Site.all_parks.filter(park=park)}
    year_ago = timezone.localdate(now) - timedelta(days=365)
    made = []
    for name, name_en, kind, unit, lead, price, site_name in CATALOGUE:
        service = services.service_create(
            park=park,
            name=name,
            name_en=name_en,
            kind=kind,
            unit=unit,
            lead_time_days=lead,
            site=sites.get(site_name),
            description="",
        )
        for tier, share in TIER_SHARES.items():
            services.service_price_set(
                service=service,
                tier=tier,
                valid_from=year_ago,
                unit_price=(Decimal(price) * share).quantize(Decimal("0.01")),
                actor=manager,
                now=_start_of(year_ago),  # set a year ago, as the demo's history says
            )
        made.append(service)
    # A price rise from today: the quotes already sent keep their prices.
    services.service_price_set(
        service=made[0],
        tier=Tier.EXTERNAL,
        valid_from=timezone.localdate(now),
        unit_price=Decimal("3900.00"),
        actor=manager,
        now=_start_of(timezone.localdate(now)),
    )
    return made


# (title, description, confidential, catalogue line (index, quantity), target state, days ago)
REQUESTS: tuple[tuple[str, str, bool, tuple[int, str], str, int], ...] = (
    (
        "Испытания корпуса датчика на морозостойкость",
        "Корпус датчика уровня для резервуаров: нужна проверка при -60 °C, 20 циклов.",
        False,
        (3, "16"),
        RequestState.QUOTED,
        12,
    ),
    (
        "Анализ штамма-продуцента",
        "Подтвердить чистоту культуры и секвенировать участок 16S.",
        True,
        (6, "4"),
        RequestState.IN_WORK,
        20,
    ),
    (
        "Прототип крепления для дрона",
        "Нужен прототип крепления камеры для дрона из полиамида.",
        False,
        (1, "2"),
        RequestState.SUBMITTED,
        1,
    ),
)
OTHERS: tuple[tuple[str, str, bool, tuple[int, str], str, int], ...] = (
    (
        "Фрезеровка корпуса редуктора",
        "Корпус из алюминия Д16Т по чертежу заказчика.",
        False,
        (2, "12"),
        RequestState.TRIAGED,
        4,
    ),
    (
        "ПЦР-диагностика партии семян",
        "200 образцов семян картофеля на вирусы.",
        False,
        (5, "200"),
        RequestState.QUOTED,
        9,
    ),
    (
        "Проект станины испытательного стенда",
        "Станина под нагрузку 5 т, выпуск КД.",
        False,
        (0, "40"),
        RequestState.APPROVED,
        15,
    ),
    (
        "Прочностные испытания сварных образцов",
        "12 образцов, сварка 09Г2С.",
        False,
        (4, "12"),
        RequestState.DELIVERED,
        25,
    ),
    (
        "Микроскопия биоплёнок",
        "Съёмка биоплёнок на образцах фильтров.",
        True,
        (8, "6"),
        RequestState.ACCEPTED,
        28,
    ),
    (
        "Климатические испытания блока управления",
        "Прогон 48 часов с циклами.",
        False,
        (3, "48"),
        RequestState.CHARGED,
        30,
    ),
    (
        "Разработка пресс-формы",
        "Пресс-форма для литья пластмасс.",
        False,
        (0, "10"),
        RequestState.REJECTED,
        18,
    ),
    (
        "Культивирование консорциума",
        "Подбор условий культивирования.",
        False,
        (7, "30"),
        RequestState.ON_HOLD,
        14,
    ),
)

PATHS: dict[str, list[str]] = {
    RequestState.SUBMITTED: [],
    RequestState.TRIAGED: ["triaged", "draft"],
    RequestState.QUOTED: ["triaged", "quote"],
    RequestState.APPROVED: ["triaged", "quote", "approve"],
    RequestState.IN_WORK: ["triaged", "quote", "approve", "in_work"],
    RequestState.DELIVERED: ["triaged", "quote", "approve", "in_work", "delivered"],
    RequestState.ACCEPTED: ["triaged", "quote", "approve", "in_work", "delivered", "accepted"],
    RequestState.CHARGED: [
        "triaged",
        "quote",
        "approve",
        "in_work",
        "delivered",
        "accepted",
        "charged",
    ],
    RequestState.REJECTED: ["rejected"],
    RequestState.ON_HOLD: ["triaged", "on_hold"],
}


def _drive(
    request: ServiceRequest,
    *,
    target: str,
    line: tuple[Service, str],
    staff: Any,
    company_rep: Any,
    start: datetime,
    engineer: Any = None,
) -> None:
    """Take ``request`` to ``target`` one day per step from ``start``; the day it goes into
    work, its work order gets tasks, time, an instrument booking and deliveries
    (``seed_work``)."""
    step_at: Callable[[int], datetime] = lambda n: start + timedelta(days=n, hours=2)  # noqa: E731
    service, quantity = line
    reasons = {
        "rejected": "Нет оборудования для литья: рекомендуем партнёров центра.",
        "on_hold": "Ждём образцы от заказчика.",
    }
    for n, step in enumerate(PATHS[target], start=1):
        at = step_at(n)
        if step in ("draft", "quote"):
            quote = services.quote_create(access=staff, request=request, now=at)
            services.quote_line_add(
                access=staff,
                quote=quote,
                service=service,
                quantity=Decimal(quantity),
                tier=_tier(request),
                now=at,
            )
            if step == "quote":
                services.quote_send(access=staff, quote=quote, now=at)
        elif step == "approve":
            quote = request.quotes.get(status="sent")
            services.quote_approve(access=company_rep, quote=quote, side="company", now=at)
        elif step == "charged":
            _charge(request, staff=staff, at=at)
        else:
            who = company_rep if step == "accepted" else staff
            services.request_transition(
                access=who, request=request, to_state=step, reason=reasons.get(step, ""), now=at
            )
            if step == "in_work":
                seed_work(request, staff=staff, engineer=engineer or staff, at=at)


def seed_work(request: ServiceRequest, *, staff: Any, engineer: Any, at: datetime) -> None:
    """The work of a request that just went into work at ``at``: two tasks for the engineer
    (the first done), their time on the hourly lines (or on no line), the delivered quantity of
    the other lines, and a booking of one of the park's instruments in the engineer's name
    (the first the engineer may operate and that is free that evening; checked in when it is
    over). Through the work services, at the moments given."""
    order = queries.work_order_of(request=request)
    if order is None:
        return
    person = engineer.user if engineer is not staff else None
    prepare = work.task_add(
        access=staff, work_order=order, title="Подготовка и наладка", engineer=person, now=at
    )
    work.task_add(
        access=staff, work_order=order, title="Испытания и отчёт", engineer=person, now=at
    )
    later = at + timedelta(hours=4)
    work.task_update(
        access=engineer, task=prepare, state=TaskState.DONE, engineer=person, now=later
    )
    hourly = None
    for line in queries.quote_lines(quote=order.quote):
        if line.unit == Unit.HOUR:
            hourly = line
            for offset, minutes in ((1, 150), (6, 55)):
                work.time_log(
                    access=engineer,
                    work_order=order,
                    started_at=at + timedelta(minutes=offset * 30),
                    minutes=minutes,
                    task=prepare,
                    quote_line=line,
                    note="Наладка оснастки" if offset == 1 else "",
                    now=later,
                )
        else:
            work.delivery_set(
                access=engineer,
                work_order=order,
                quote_line=line,
                quantity=line.quantity,
                now=later,
            )
    if hourly is None:
        work.time_log(
            access=engineer,
            work_order=order,
            started_at=at + timedelta(minutes=30),
            minutes=90,
            task=prepare,
            now=later,
        )
    _book_instrument(order, staff=staff, engineer=engineer, line=hourly, at=at)


def _book_instrument(order: Any, *, staff: Any, engineer: Any, line: Any, at: datetime) -> None:
    """The centre trains its engineer on the instrument first when they hold no certificate."""
    for resource in queries.instruments(park=order.park):
        zone = spaces_services.zone_of(resource.site)
        day = timezone.localtime(at, zone).date() + timedelta(days=1)
        starts_at = datetime.combine(day, time(19), zone)
        try:
            if resource.requires_certification and not spaces_services.has_valid_certificate(
                user=engineer.user, resource=resource, on=day, now=starts_at
            ):
                spaces_services.certificate_record(
                    actor=staff.user,
                    user=engineer.user,
                    resource=resource,
                    trained_on=day - timedelta(days=7),
                    expires_on=day + timedelta(days=365),
                )
            use = work.work_booking_create(
                access=engineer,
                work_order=order,
                resource=resource,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                operator=engineer.user,
                quote_line=line,
                now=at,
            )
        except ValidationError:  # not qualified, out of service or taken: try the next one
            continue
        if use.booking.ends_at < timezone.now():
            spaces_services.booking_check_in(booking=use.booking, now=use.booking.starts_at)
        return


def _charge(request: ServiceRequest, *, staff: Any, at: datetime) -> None:
    """Charge an accepted request: from its company's grant budget line for services when one
    has enough left, else to the company. The idempotency key is the request's, so a second
    run charges nothing."""
    quote = request.quotes.get(status="approved")
    line = next(
        (
            row
            for row in queries.budget_lines_for(request=request)
            if row.kind == "services" and row.amount - row.charged >= quote.total
        ),
        None,
    )
    services.charge_create(
        access=staff,
        request=request,
        payer=PayerKind.BUDGET_LINE if line is not None else PayerKind.COMPANY,
        budget_line=line,
        idempotency_key=f"demo-charge-{request.pk}",
        now=at,
    )


def seed_charges(
    park: Park, *, company_rep: Any, catalogue: list[Service], staff: Any, now: datetime
) -> None:
    """A request of the founder's company, accepted and charged to the «services» line of its
    grant (when it has one; else to the company): the demo's charge from a budget line."""
    own = (
        TeamMember.objects.filter(user=company_rep, company__park=park, acts_for_company=True)
        .select_related("company")
        .first()
        if company_rep is not None
        else None
    )
    if own is None:
        return
    start = now - timedelta(days=24)
    request = services.request_create(
        access=staff,
        company=own.company,
        title="Секвенирование штамма для отчёта по гранту",
        description="Четыре образца, участок 16S: результаты войдут в отчёт по этапу гранта.",
        now=start,
    )
    _drive(
        request,
        target=RequestState.CHARGED,
        line=(catalogue[6], "4"),
        staff=staff,
        company_rep=access_for(company_rep, park),
        start=start,
    )


def _tier(request: ServiceRequest) -> str:
    return queries.company_tier(company=request.company)


def seed_engineering(park: Park, *, accounts: Any) -> None:
    """The park's engineering centre for the demo (see the module docstring). Idempotent."""
    manager = _account(accounts, "manager")
    engineer = _account(accounts, "engineer")
    founder = _account(accounts, "founder")
    if manager is None:
        return
    now = timezone.now()
    catalogue = seed_catalogue(park, manager=manager, now=now - timedelta(days=40))
    if ServiceRequest.all_parks.filter(park=park).exists() or len(catalogue) < len(CATALOGUE):
        return
    staff = access_for(manager, park)
    own = (
        TeamMember.objects.filter(user=founder, company__park=park, acts_for_company=True)
        .select_related("company")
        .first()
        if founder is not None
        else None
    )
    others = list(
        Company.all_parks.filter(park=park, team__acts_for_company=True)
        .exclude(pk=own.company_id if own else None)
        .distinct()
        .order_by("pk")[: len(OTHERS)]
    )
    plan: list[tuple[Company, Any, tuple[str, str, bool, tuple[int, str], str, int]]] = []
    if own is not None:
        plan += [(own.company, founder, spec) for spec in REQUESTS]
    # The demo has few companies with a team: they share the other requests, in turn.
    reps = [
        (company, rep.user)
        for company in others
        if (rep := TeamMember.objects.filter(company=company, acts_for_company=True).first())
    ]
    for n, spec in enumerate(OTHERS if reps else ()):
        company, rep_user = reps[n % len(reps)]
        plan.append((company, rep_user, spec))
    for company, rep_user, (title, description, confidential, line, target, days) in plan:
        start = now - timedelta(days=days)
        request = services.request_create(
            access=staff,
            company=company,
            title=title,
            description=description,
            confidential=confidential,
            now=start,
        )
        if engineer is not None:
            services.request_assign(
                access=staff, request=request, responsible=manager, engineers=[engineer], now=start
            )
        _drive(
            request,
            target=target,
            line=(catalogue[line[0]], line[1]),
            staff=staff,
            company_rep=access_for(rep_user, park),
            start=start,
            engineer=access_for(engineer, park) if engineer is not None else None,
        )
    _large_quote(park, plan=plan, catalogue=catalogue, staff=staff, now=now)
    seed_charges(park, company_rep=founder, catalogue=catalogue, staff=staff, now=now)


def _large_quote(
    park: Park, *, plan: list[Any], catalogue: list[Service], staff: Any, now: datetime
) -> None:
    """A quote above the park's threshold that the company approved: it waits for the manager."""
    if not plan:
        return
    company, rep_user, _spec = plan[-1]
    start = now - timedelta(days=6)
    request = services.request_create(
        access=staff,
        company=company,
        title="Опытная партия корпусов для серийного производства",
        description="150 часов фрезеровки и климатические испытания партии.",
        now=start,
    )
    services.request_transition(access=staff, request=request, to_state="triaged", now=start)
    quote = services.quote_create(access=staff, request=request, now=start)
    for index, quantity in ((2, "150"), (3, "40")):
        services.quote_line_add(
            access=staff,
            quote=quote,
            service=catalogue[index],
            quantity=Decimal(quantity),
            tier=Tier.EXTERNAL,
            now=start,
        )
    services.quote_send(access=staff, quote=quote, now=start)
    quote.refresh_from_db()
    services.quote_approve(
        access=access_for(rep_user, park),
        quote=quote,
        side="company",
        now=start + timedelta(days=1),
    )
