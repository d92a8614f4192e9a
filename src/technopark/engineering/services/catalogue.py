"""The services catalogue: services, their dated prices per tier, the park's settings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from technopark.audit.services import audit_record
from technopark.core.money import MAX_MONEY
from technopark.core.scopes import in_park
from technopark.engineering.models import EngineeringSettings, Service, ServicePrice, Tier
from technopark.engineering.services._common import park_day, touched
from technopark.parks.models import Park, Site

SERVICE_FIELDS = ("name", "name_en", "site", "kind", "unit", "lead_time_days", "description")


def _check_site(park: Park, site: Site | None) -> None:
    if site is not None and not in_park(park, site):
        raise ValidationError({"site": _("Choose a site of this park.")})


def _check_name(park: Park, name: str, exclude: int | None) -> None:
    taken = Service.all_parks.filter(park=park, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"name": _("The park already offers a service with this name.")})


def service_create(*, park: Park, **values: Any) -> Service:
    """A new active service of the park's catalogue (no price yet: a price is set per tier)."""
    unknown = set(values) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown service fields: {sorted(unknown)}")
    _check_site(park, values.get("site"))
    _check_name(park, values["name"], None)
    with transaction.atomic():
        service = Service(park=park, **values)
        service.full_clean()
        service.save()
        touched(park.pk)
    return service


def service_update(*, service: Service, is_active: bool | None = None, **values: Any) -> Service:
    """Change a service's description; quotes already made keep what they copied."""
    unknown = set(values) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown service fields: {sorted(unknown)}")
    park = service.park
    _check_site(park, values.get("site"))
    if "name" in values:
        _check_name(park, values["name"], service.pk)
    with transaction.atomic():
        for name, value in values.items():
            setattr(service, name, value)
        if is_active is not None:
            service.is_active = is_active
        service.full_clean()
        service.save()
        touched(park.pk)
    return service


def service_price_set(
    *,
    service: Service,
    tier: str,
    valid_from: date,
    unit_price: Decimal,
    actor: Any = None,
    now: datetime,
) -> ServicePrice:
    """The price of a unit of ``service`` for ``tier`` from ``valid_from`` on.

    A price takes effect on the park's day of ``now`` or later: the past is not rewritten (a
    day gone by keeps the price it had, whatever quotes copied it). A price set for a day that
    has one already replaces it; earlier rows stay, so what was in force on any day can still be
    told. Quotes copy the price onto their lines, so a new price never changes a quote already
    made. Every change goes to the park's audit chain with the price it replaces (the one in
    force on ``valid_from`` until now). Locking: the audit chain's head."""
    if tier not in Tier.values:
        raise ValidationError({"tier": _("Choose a price tier from the list.")})
    if unit_price < 0:
        raise ValidationError({"unit_price": _("A price cannot be negative.")})
    if unit_price > MAX_MONEY:
        raise ValidationError({"unit_price": _("This amount is too large.")})
    today = park_day(service.park, now)
    if valid_from < today:
        raise ValidationError(
            {
                "valid_from": _(
                    "A new price takes effect today (%(today)s) or later: the prices of days "
                    "gone by stay as they were."
                )
                % {"today": formats.date_format(today, "SHORT_DATE_FORMAT")}
            },
            code="past",
        )
    with transaction.atomic():
        before = (
            ServicePrice.all_parks.filter(service=service, tier=tier, valid_from__lte=valid_from)
            .order_by("-valid_from")
            .first()
        )
        if before is not None and (before.valid_from, before.unit_price) == (
            valid_from,
            unit_price,
        ):
            return before  # the same price again: nothing changes
        old: dict[str, Any] = (
            {"unit_price": before.unit_price, "valid_from": before.valid_from}
            if before is not None
            else {"unit_price": None}
        )
        price, _created = ServicePrice.all_parks.update_or_create(
            park_id=service.park_id,
            service=service,
            tier=tier,
            valid_from=valid_from,
            defaults={"unit_price": unit_price, "created_by": actor},
        )
        audit_record(
            park=service.park,
            actor=actor,
            action="engineering.price_set",
            target=price,
            summary=f"{service.name} · {tier}"[:300],
            before={"tier": tier, **old},
            after={"tier": tier, "unit_price": unit_price, "valid_from": valid_from},
        )
        touched(service.park_id)
    return price


def engineering_settings_set(*, park: Park, approval_threshold: Decimal) -> EngineeringSettings:
    """The amount above which a quote needs a manager's approval besides the company's."""
    if approval_threshold < 0:
        raise ValidationError({"approval_threshold": _("An amount cannot be negative.")})
    with transaction.atomic():
        row, _created = EngineeringSettings.all_parks.update_or_create(
            park=park, defaults={"approval_threshold": approval_threshold}
        )
        touched(park.pk)
    return row
