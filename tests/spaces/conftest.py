"""Spaces fixtures: two sites in different time zones, resources of every type, a resident.

Residency is asked through ``technopark.residency.queries.is_active_resident``. Until that part is
installed, ``residents`` below stands in for it by telling ``spaces.eligibility`` which companies
are residents (the one seam the spaces app has into residency); with residency installed it makes
the companies residents for real if the part offers a way, else it keeps the stand-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from technopark.companies.models import Company
from technopark.parks.rules import access_for
from technopark.residency.services import resident_admit
from technopark.spaces import services
from technopark.spaces.models import ResourceType
from tests.factories import SiteFactory

YAKUTSK = "Asia/Yakutsk"
MOSCOW = "Europe/Moscow"


@dataclass
class Spaces:
    site: Any  # Yakutsk (world.site)
    moscow: Any
    room: Any
    desk: Any
    microscope: Any  # needs a certificate
    moscow_room: Any


@pytest.fixture
def spaces(world: Any) -> Spaces:
    site = world.site
    site.time_zone = YAKUTSK
    site.save()
    moscow = SiteFactory(park=world.park, name="Филиал Москва", time_zone=MOSCOW)
    room = services.resource_create(
        site=site,
        name="Переговорная Лена",
        resource_type=ResourceType.ROOM,
        capacity=8,
        features="projector, whiteboard",
    )
    desk = services.resource_create(site=site, name="Стол 1", resource_type=ResourceType.DESK)
    microscope = services.resource_create(
        site=site,
        name="Конфокальный микроскоп",
        resource_type=ResourceType.LAB,
        requires_certification=True,
    )
    moscow_room = services.resource_create(
        site=moscow, name="Переговорная Арбат", resource_type=ResourceType.ROOM, capacity=4
    )
    return Spaces(site, moscow, room, desk, microscope, moscow_room)


@pytest.fixture
def residents(world: Any) -> set[int]:
    """Ids of the companies that are active residents (``world.company`` from the start); adding
    an id admits that company through the residency service, as the council would."""

    class Residents(set[int]):
        def add(self, pk: int) -> None:
            if pk not in self:
                resident_admit(
                    park=world.park,
                    company=Company.all_parks.get(pk=pk),
                    actor=world.users["manager"],
                    agreement_number=f"T-{pk}",
                    start_date=timezone.localdate(),
                    site=None,
                    directions=[],
                )
            super().add(pk)

    ids = Residents()
    ids.add(world.company.pk)
    return ids


@pytest.fixture
def access_of(world: Any) -> Any:
    def make(role: str) -> Any:
        return access_for(world.users[role], world.park)

    return make


def local(day_offset: int, hour: int, minute: int = 0, zone: str = YAKUTSK) -> datetime:
    """A wall-clock time ``day_offset`` days from today in ``zone``."""
    import zoneinfo

    tz = zoneinfo.ZoneInfo(zone)
    today = timezone.localtime(timezone.now(), tz).date()
    return datetime.combine(today + timedelta(days=day_offset), time(hour, minute), tz)
