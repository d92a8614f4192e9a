"""Amounts that would not fit a money field (``core.money.MAX_MONEY``) are refused with a field
error, on the page and in the service, and nothing is saved: the quote stays readable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from technopark.core.money import MAX_MONEY
from technopark.engineering import services
from technopark.engineering.models import Quote, QuoteLine
from tests.engineering.conftest import NOW

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    return reverse(f"engineering:{name}", kwargs={"park_slug": "yakutia", **kwargs})


def test_a_line_above_the_money_limit_is_refused_on_the_page(centre, frozen, client):
    request = centre.to_state("triaged")
    quote = services.quote_create(access=centre.access("manager"), request=request, now=NOW)
    client.force_login(centre.world.users["manager"])
    response = client.post(
        _url("quote_materials_add", pk=quote.pk),
        {"description": "Сплав", "quantity": "99999999.99", "unit_price": "999999999999.99"},
    )
    assert response.status_code == 400
    assert "This amount is too large." in response.content.decode()
    assert not QuoteLine.all_parks.filter(quote=quote).exists()
    assert client.get(_url("quote", pk=quote.pk)).status_code == 200
    assert client.get(_url("request", pk=request.pk)).status_code == 200
    listed = client.get(f"/api/v1/parks/yakutia/engineering/requests/{request.pk}/quotes")
    assert listed.status_code == 200


def test_a_line_above_the_money_limit_is_refused_by_the_service(centre, frozen):
    request = centre.to_state("triaged")
    quote = services.quote_create(access=centre.access("manager"), request=request, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.quote_materials_add(
            access=centre.access("manager"),
            quote=quote,
            description="Сплав",
            quantity=Decimal("2"),
            unit_price=MAX_MONEY,
        )
    assert excinfo.value.message_dict == {"unit_price": ["This amount is too large."]}
    # Exactly at the limit it fits.
    services.quote_materials_add(
        access=centre.access("manager"),
        quote=quote,
        description="Сплав",
        quantity=Decimal("1"),
        unit_price=MAX_MONEY,
    )
    quote.refresh_from_db()
    assert quote.total == MAX_MONEY


def test_a_total_above_the_money_limit_is_refused_and_nothing_changes(centre, frozen, client):
    request = centre.to_state("triaged")
    quote = services.quote_create(access=centre.access("manager"), request=request, now=NOW)
    half = (MAX_MONEY / 2).quantize(Decimal("0.01"))
    services.quote_materials_add(
        access=centre.access("manager"),
        quote=quote,
        description="Сплав",
        quantity=Decimal("1"),
        unit_price=half,
    )
    client.force_login(centre.world.users["manager"])
    response = client.post(
        _url("quote_materials_add", pk=quote.pk),
        {"description": "Ещё сплав", "quantity": "1", "unit_price": str(half + 1)},
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert QuoteLine.all_parks.filter(quote=quote).count() == 1
    assert Quote.all_parks.get(pk=quote.pk).total == half
    assert client.get(_url("quote", pk=quote.pk)).status_code == 200


def test_a_half_kopeck_rounds_up(centre, frozen):
    request = centre.to_state("triaged")
    quote = services.quote_create(access=centre.access("manager"), request=request, now=NOW)
    line = services.quote_materials_add(
        access=centre.access("manager"),
        quote=quote,
        description="Шайба",
        quantity=Decimal("0.5"),
        unit_price=Decimal("0.05"),
    )
    assert line.amount == Decimal("0.03")  # 0.025 → 0.03, not the banker's 0.02
