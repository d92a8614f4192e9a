"""Demo spaces: desks, rooms, instruments and equipment on every site of a park, booking rules,
opening hours, training records, a month of bookings around today, and a waitlist.

``seed_spaces(park, accounts=…)``, through the spaces services:

* every site: 6 coworking desks, 2 meeting rooms, 2 laboratory instruments (one needs a
  certificate), 1 piece of engineering equipment (needs a certificate); open 08:00–22:00 daily;
* rules: desks in hours (60-minute slots, up to 12 h), rooms up to 4 h, lab up to 8 h with a
  weekly quota of 20 h per company, engineering equipment always approved by staff;
* certificates: the demo founder on the first site's «ПЦР-амплификатор», *not* on the
  «Конфокальный микроскоп» (the journey: refused, trained by staff, then booked); a few others;
* about 15 bookings a day for the four weeks around today (two weeks back, two ahead), booked by
  the manager for the park's companies; past ones checked in or released as no-shows;
* a waitlist: the demo founder waits for tomorrow's 10:00 in the first meeting room.

Idempotent: a site that already has resources is left alone, and bookings are made only when
the park has none, so a second run changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from technopark.companies.models import Company, TeamMember
from technopark.core.localtime import local_today
from technopark.parks.models import STAFF_ROLES, Membership, Park, Site
from technopark.parks.rules import access_for
from technopark.spaces import services
from technopark.spaces.models import Booking, BookingStatus, Certificate, Resource, ResourceType

DEMO_DOMAIN = "demo.technopark"
SEED = 20260501

RESOURCES = (
    # (name, English name, type, capacity, features, needs a certificate)
    ("Переговорная «Лена»", "Meeting room Lena", ResourceType.ROOM, 8, "проектор, доска", False),
    ("Переговорная «Алдан»", "Meeting room Aldan", ResourceType.ROOM, 4, "экран", False),
    ("ПЦР-амплификатор", "PCR thermal cycler", ResourceType.LAB, 1, "", True),
    ("Конфокальный микроскоп", "Confocal microscope", ResourceType.LAB, 1, "", True),
    ("3D-принтер SLS", "SLS 3D printer", ResourceType.ENGINEERING, 1, "", True),
    *(
        (f"Стол {n}", f"Desk {n}", ResourceType.DESK, 1, "монитор" if n % 2 else "", False)
        for n in range(1, 7)
    ),
)

RULES = {
    ResourceType.DESK: {"slot_minutes": 60, "min_minutes": 60, "max_minutes": 12 * 60},
    ResourceType.ROOM: {"slot_minutes": 30, "min_minutes": 30, "max_minutes": 4 * 60},
    ResourceType.LAB: {
        "slot_minutes": 30,
        "min_minutes": 60,
        "max_minutes": 8 * 60,
        "weekly_quota_minutes": 20 * 60,
    },
    ResourceType.ENGINEERING: {
        "slot_minutes": 60,
        "min_minutes": 60,
        "max_minutes": 8 * 60,
        "requires_approval": True,
    },
}


def _account(accounts: Any, role: str) -> Any:
    """The demo account for ``role``, whatever ``accounts`` is keyed by (role, e-mail, spec)."""
    email = f"{role}@{DEMO_DOMAIN}"
    items = accounts.items() if isinstance(accounts, dict) else accounts
    for key, value in items:
        if key in (role, email) or getattr(key, "email", None) == email:
            return value
        if getattr(value, "email", None) == email:
            return value
    return None


def _ensure_resources(site: Site) -> list[Resource]:
    existing = list(Resource.all_parks.filter(site=site).order_by("id"))
    if existing:
        return existing
    services.opening_hours_set(site=site, hours={day: (time(8), time(22)) for day in range(7)})
    return [
        services.resource_create(
            site=site,
            name=name,
            name_en=name_en,
            resource_type=kind,
            capacity=capacity,
            features=features,
            requires_certification=certified,
        )
        for name, name_en, kind, capacity, features, certified in RESOURCES
    ]


def _certify(*, manager: Any, user: Any, resource: Resource, today: date) -> None:
    if user is None or Certificate.all_parks.filter(user=user, resource=resource).exists():
        return
    try:
        services.certificate_record(
            actor=manager,
            user=user,
            resource=resource,
            trained_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=335),
        )
    except ValidationError:  # not a member of this park
        return


def _book_month(
    *, park: Park, manager: Any, resources: list[Resource], companies: list[Company]
) -> None:
    rng = random.Random(SEED + park.pk)
    access = access_for(manager, park)
    for resource in resources:
        zone = services.zone_of(resource.site)
        today = local_today(zone)
        for offset in range(-14, 15):
            day = today + timedelta(days=offset)
            if rng.random() < 0.4:
                continue
            hour = rng.randint(9, 16)
            length = rng.choice((1, 2, 3)) if resource.resource_type != ResourceType.DESK else 8
            starts_at = datetime.combine(day, time(hour if length < 8 else 9), zone)
            ends_at = starts_at + timedelta(hours=length)
            company = rng.choice(companies) if companies else None
            try:
                booking = services.booking_create(
                    access=access,
                    resource=resource,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    company=company,
                    title=rng.choice(("", "Встреча с заказчиком", "Эксперимент", "Созвон")),
                    # Seeded as if booked the day before: past bookings pass the time checks.
                    now=starts_at - timedelta(days=1),
                )
            except ValidationError:
                continue
            if booking.ends_at < timezone.now():
                status = BookingStatus.RELEASED if rng.random() < 0.12 else BookingStatus.CHECKED_IN
                Booking.all_parks.filter(pk=booking.pk).update(
                    status=status,
                    checked_in_at=booking.starts_at if status == BookingStatus.CHECKED_IN else None,
                )


def _waitlist(*, park: Park, manager: Any, founder: Any, room: Resource) -> None:
    zone = services.zone_of(room.site)
    tomorrow = local_today(zone) + timedelta(days=1)
    starts_at = datetime.combine(tomorrow, time(10), zone)
    ends_at = starts_at + timedelta(hours=1)
    staff = access_for(manager, park)
    if not services._overlapping(resource=room, starts_at=starts_at, ends_at=ends_at).exists():
        services.booking_create(
            access=staff, resource=room, starts_at=starts_at, ends_at=ends_at, title="Планёрка"
        )
    if founder is None:
        return
    company = Company.all_parks.filter(park=park, team__user=founder).first()
    if company is None:
        return
    try:
        services.waitlist_join(
            access=access_for(founder, park),
            resource=room,
            starts_at=starts_at,
            ends_at=ends_at,
            company=company,
        )
    except ValidationError:  # the founder's company may not book here, or already waits
        return


def seed_spaces(park: Park, *, accounts: Any) -> None:
    """Spaces of ``park`` for the demo (see the module docstring). Idempotent."""
    manager = next(
        (
            user
            for user in (_account(accounts, "manager"), _account(accounts, "manager.magadan"))
            if user is not None
            and Membership.all_parks.filter(park=park, user=user, role__in=STAFF_ROLES).exists()
        ),
        None,
    )
    founder = _account(accounts, "founder")
    if manager is None:
        return
    for kind, values in RULES.items():
        services.booking_rule_set(park=park, resource_type=kind, **values)
    sites = list(Site.all_parks.filter(park=park).order_by("id"))
    resources = [resource for site in sites for resource in _ensure_resources(site)]
    if not resources:
        return
    today = timezone.localdate()
    first_site = [r for r in resources if r.site_id == sites[0].pk]
    by_name = {r.name: r for r in first_site}
    if founder is not None and TeamMember.objects.filter(user=founder, company__park=park).exists():
        _certify(manager=manager, user=founder, resource=by_name["ПЦР-амплификатор"], today=today)
    for resource in resources:
        if resource.requires_certification and resource.name != "Конфокальный микроскоп":
            _certify(manager=manager, user=manager, resource=resource, today=today)
    if Booking.all_parks.filter(park=park).exists():
        return
    companies = list(Company.all_parks.filter(park=park).order_by("id")[:20])
    _book_month(park=park, manager=manager, resources=resources, companies=companies)
    _waitlist(park=park, manager=manager, founder=founder, room=by_name["Переговорная «Лена»"])
