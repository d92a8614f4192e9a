"""Builders for the charges tests: a grant of a company with a «services» budget line, and
requests brought to «accepted» with the quote lines a test needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from technopark.engineering import services
from technopark.engineering.models import PayerKind, Tier
from technopark.grants import services as grant_services
from technopark.grants.models import BudgetLine, GrantAward
from tests.engineering.conftest import NOW
from tests.grants.factories import make_participant

D = Decimal


def grant_line(world: Any, company: Any = None, *, services_amount: str = "30000.00") -> BudgetLine:
    """A grant of 1,000,000 to ``company`` (the world's company by default) whose «services»
    line is ``services_amount``; the rest is equipment."""
    company = company or world.company
    park = company.park
    participant = make_participant(park, company)
    award = grant_services.grant_award_create(
        participant=participant,
        actor=world.users["manager"] if park == world.park else world.users["outsider"],
        amount=D("1000000.00"),
        decision_reference=f"ГР-{participant.pk}",
        decided_on=dt.date(2026, 2, 1),
        budget={
            "services": D(services_amount),
            "equipment": D("1000000.00") - D(services_amount),
        },
    )
    return BudgetLine.objects.get(award=award, kind="services")


def cancel_award(award: GrantAward, actor: Any) -> None:
    grant_services.award_cancel(award=award, actor=actor, reason="Нарушение условий")


def accepted(centre: Any, *, lines: tuple[tuple[Any, str, str, str], ...] = ()) -> Any:
    """A request of the world's company accepted by it. ``lines``: (service, quantity, discount,
    tier) on the quote; by default the conftest's 10 samples at the external price."""
    if not lines:
        return centre.to_state("accepted")
    request = centre.to_state("triaged")
    manager = centre.access("manager")
    quote = services.quote_create(access=manager, request=request, now=NOW)
    for service, quantity, discount, tier in lines:
        services.quote_line_add(
            access=manager,
            quote=quote,
            service=service,
            quantity=D(quantity),
            tier=tier or Tier.EXTERNAL,
            discount=D(discount),
            discount_reason="Постоянный клиент" if D(discount) else "",
            now=NOW,
        )
    services.quote_send(access=manager, quote=quote, now=NOW)
    quote.refresh_from_db()
    services.quote_approve(access=centre.access("founder"), quote=quote, side="company", now=NOW)
    for to, who in (("in_work", "manager"), ("delivered", "manager"), ("accepted", "founder")):
        services.request_transition(
            access=centre.access(who), request=request, to_state=to, now=NOW
        )
    request.refresh_from_db()
    return request


def charge(
    centre: Any,
    request: Any,
    *,
    line: BudgetLine | None = None,
    key: str | None = None,
    who: str = "manager",
    **kwargs: Any,
) -> Any:
    return services.charge_create(
        access=centre.access(who),
        request=request,
        payer=PayerKind.BUDGET_LINE if line is not None else PayerKind.COMPANY,
        budget_line=line,
        idempotency_key=key or f"charge-{request.pk}",
        now=NOW,
        **kwargs,
    )
