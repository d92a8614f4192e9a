"""The engineering centre of the ``world`` park: two engineers, a catalogue with prices, and
requests driven to any state through the services, at a frozen moment (never today's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from technopark.engineering import services
from technopark.engineering.models import RequestState, Service, ServiceKind, Tier, Unit
from technopark.parks.models import Role
from technopark.parks.rules import access_for
from tests.factories import MembershipFactory, UserFactory

# 10:00 in Yakutsk on a Monday; the park's day is 2026-03-02.
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 2)
# The catalogue's prices were set on their first day, 2026-01-01 (10:00 in Yakutsk).
PRICES_SET = dt.datetime(2026, 1, 1, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@dataclass
class Centre:
    world: Any
    engineer: Any
    other_engineer: Any
    drilling: Service  # per hour
    assay: Service  # per sample

    def access(self, role_or_user: Any) -> Any:
        user = self.world.users[role_or_user] if isinstance(role_or_user, str) else role_or_user
        return access_for(user, self.world.park)

    def request(self, *, confidential: bool = False, company: Any = None, now: Any = NOW) -> Any:
        return services.request_create(
            access=self.access("founder" if company is None else "manager"),
            company=company or self.world.company,
            title="Испытание образцов на прочность",
            description="Нужны испытания десяти образцов композита при -50 °C.",
            confidential=confidential,
            now=now,
        )

    def assign(self, request: Any, *engineers: Any) -> None:
        services.request_assign(
            access=self.access("manager"),
            request=request,
            responsible=self.world.users["manager"],
            engineers=list(engineers) or [self.engineer],
            now=NOW,
        )

    def quote(self, request: Any, *, quantity: str = "10", now: Any = NOW) -> Any:
        """A draft with one line of ``quantity`` samples at the resident's price."""
        quote = services.quote_create(access=self.access("manager"), request=request, now=now)
        services.quote_line_add(
            access=self.access("manager"),
            quote=quote,
            service=self.assay,
            quantity=Decimal(quantity),
            tier=Tier.EXTERNAL,
            now=now,
        )
        return quote

    def sent_quote(self, request: Any, **kwargs: Any) -> Any:
        quote = self.quote(request, **kwargs)
        return services.quote_send(access=self.access("manager"), quote=quote, now=NOW)

    def to_state(self, state: str, *, confidential: bool = False) -> Any:
        """A request brought to ``state`` the way people would."""
        request = self.request(confidential=confidential)
        self.assign(request)
        manager = self.access("manager")
        founder = self.access("founder")

        def move(to: str, who: Any = manager, reason: str = "") -> None:
            services.request_transition(
                access=who, request=request, to_state=to, reason=reason, now=NOW
            )

        path = {
            RequestState.SUBMITTED: [],
            RequestState.TRIAGED: ["triaged"],
            RequestState.QUOTED: ["triaged", "quote"],
            RequestState.APPROVED: ["triaged", "quote", "approve"],
            RequestState.IN_WORK: ["triaged", "quote", "approve", "in_work"],
            RequestState.DELIVERED: ["triaged", "quote", "approve", "in_work", "delivered"],
            RequestState.ACCEPTED: [
                "triaged",
                "quote",
                "approve",
                "in_work",
                "delivered",
                "accepted",
            ],
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
            RequestState.CANCELLED: ["cancelled"],
            RequestState.ON_HOLD: ["on_hold"],
        }[RequestState(state)]
        for step in path:
            if step == "quote":
                self.sent_quote(request)
            elif step == "approve":
                quote = request.quotes.get(status="sent")
                services.quote_approve(access=founder, quote=quote, side="company", now=NOW)
            elif step == "charged":
                services.charge_create(
                    access=manager,
                    request=request,
                    payer="company",
                    idempotency_key=f"conftest-{request.pk}",
                    now=NOW,
                )
            elif step in ("cancelled", "accepted"):
                move(step, founder)
            elif step in ("rejected", "on_hold"):
                move(step, manager, "Нет оборудования")
            else:
                move(step)
        request.refresh_from_db()
        assert request.state == state
        return request


@pytest.fixture
def centre(world: Any) -> Centre:
    engineer = UserFactory(email="engineer@example.org", full_name="Engineer")
    other_engineer = UserFactory(email="engineer2@example.org", full_name="Other Engineer")
    for user in (engineer, other_engineer):
        MembershipFactory(park=world.park, user=user, role=Role.ENGINEER)
    world.users["engineer"] = engineer
    world.users["other_engineer"] = other_engineer
    park = world.park
    drilling = services.service_create(
        park=park,
        name="Фрезеровка на станке с ЧПУ",
        name_en="CNC milling",
        kind=ServiceKind.PROTOTYPING,
        unit=Unit.HOUR,
        lead_time_days=5,
    )
    assay = services.service_create(
        park=park,
        name="Испытание образца на прочность",
        name_en="Strength test of a sample",
        kind=ServiceKind.TESTING,
        unit=Unit.SAMPLE,
        lead_time_days=3,
    )
    for service, base in ((drilling, Decimal("4000")), (assay, Decimal("2500"))):
        for tier, share in (
            (Tier.RESIDENT, Decimal("0.6")),
            (Tier.PARTICIPANT, Decimal("0.5")),
            (Tier.EXTERNAL, Decimal("1")),
            (Tier.SUBSIDISED, Decimal("0.3")),
        ):
            services.service_price_set(
                service=service,
                tier=tier,
                valid_from=dt.date(2026, 1, 1),
                unit_price=(base * share).quantize(Decimal("0.01")),
                now=PRICES_SET,
            )
    return Centre(
        world=world,
        engineer=engineer,
        other_engineer=other_engineer,
        drilling=drilling,
        assay=assay,
    )
