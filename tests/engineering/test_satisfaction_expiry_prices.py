"""The company's rating on acceptance (bounded, only with the acceptance, shown to the company
and the staff), quotes that expire (the service and the daily command, time passed in,
idempotent, approval refused), and prices that are never set in the past (audited)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from technopark.audit.models import AuditEntry
from technopark.engineering import services
from technopark.engineering.models import QuoteStatus, RequestState, ServicePrice, Tier
from tests.engineering.conftest import DAY, NOW

pytestmark = pytest.mark.django_db

PARK = "yakutia"
API = f"/api/v1/parks/{PARK}/engineering"


def url(name, **kwargs):
    return reverse(f"engineering:{name}", kwargs={"park_slug": PARK, **kwargs})


def _accept(centre, request, **kwargs):
    return services.request_transition(
        access=centre.access("founder"), request=request, to_state="accepted", now=NOW, **kwargs
    )


# --- Satisfaction ---------------------------------------------------------------------------


def test_the_company_rates_the_work_when_it_accepts_it(centre, frozen):
    request = centre.to_state("delivered")
    _accept(centre, request, rating=4, rating_comment="  Быстро, но отчёт без фото.  ")
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED
    assert (request.rating, request.rating_comment) == (4, "Быстро, но отчёт без фото.")


def test_the_rating_is_optional(centre, frozen):
    request = centre.to_state("delivered")
    _accept(centre, request)
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED
    assert (request.rating, request.rating_comment) == (None, "")


@pytest.mark.parametrize("rating", [0, 6, -1, 100, True])
def test_a_rating_outside_1_to_5_is_refused_and_nothing_changes(centre, frozen, rating):
    request = centre.to_state("delivered")
    with pytest.raises(ValidationError) as refused:
        _accept(centre, request, rating=rating)
    assert "rating" in refused.value.message_dict
    request.refresh_from_db()
    assert (request.state, request.rating) == (RequestState.DELIVERED, None)


def test_a_rating_goes_only_with_the_acceptance(centre, frozen):
    request = centre.to_state("delivered")
    with pytest.raises(ValidationError) as refused:
        services.request_transition(
            access=centre.access("founder"),
            request=request,
            to_state="in_work",
            reason="Не те образцы",
            rating=1,
            now=NOW,
        )
    assert "rating" in refused.value.message_dict
    request.refresh_from_db()
    assert request.state == RequestState.DELIVERED


def test_a_long_comment_is_refused(centre, frozen):
    request = centre.to_state("delivered")
    with pytest.raises(ValidationError) as refused:
        _accept(centre, request, rating=5, rating_comment="я" * 2001)
    assert "rating_comment" in refused.value.message_dict


@pytest.fixture
def login(centre, client):
    def make(role):
        client.cookies["django_language"] = "en"
        client.force_login(centre.world.users[role])
        return client

    return make


@pytest.mark.parametrize("typed", ["0", "6", "five", "4.5"])
def test_the_page_answers_a_bad_rating_with_a_message(centre, frozen, login, typed):
    request = centre.to_state("delivered")
    response = login("founder").post(
        url("transition", pk=request.pk), {"to_state": "accepted", "rating": typed}
    )
    assert response.status_code == 400
    assert "Give the rating as a whole number from 1 to 5." in response.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.DELIVERED


def test_the_page_offers_the_rating_and_shows_it_to_the_company_and_the_staff(
    centre, frozen, login
):
    request = centre.to_state("delivered")
    page = login("founder").get(url("request", pk=request.pk)).content.decode()
    assert 'name="rating"' in page
    response = login("founder").post(
        url("transition", pk=request.pk),
        {"to_state": "accepted", "rating": "5", "rating_comment": "Отлично"},
    )
    assert response.status_code == 302
    for role, sees in (("founder", True), ("manager", True), ("engineer", True)):
        page = login(role).get(url("request", pk=request.pk)).content.decode()
        assert ("5 of 5" in page) is sees and ("Отлично" in page) is sees
    # an engineer not assigned sees the request (not under NDA) but not the company's rating
    page = login("other_engineer").get(url("request", pk=request.pk)).content.decode()
    assert request.title in page and "5 of 5" not in page


def test_the_russian_page_names_the_customers_rating_and_the_quote_in_full(centre, frozen, client):
    """«Оценка заказчика» (the company is the customer), the quote's link in words, and the
    missing quote's answer in the park's words."""
    request = centre.to_state("delivered")
    _accept(centre, request, rating=4)
    client.cookies["django_language"] = "ru"
    client.force_login(centre.world.users["founder"])
    page = client.get(url("request", pk=request.pk)).content.decode()
    assert "Оценка заказчика" in page and "Оценка компании" not in page
    assert "Скачать коммерческое предложение (PDF)" in page and "Скачать КП" not in page
    missing = client.get(url("quote_pdf", pk=999999))
    assert missing.status_code == 404
    with translation.override("ru"):
        assert str(_("No such quote in this park.")) == (
            "В этом парке нет такого коммерческого предложения."
        )


def test_staff_are_not_offered_the_rating(centre, frozen, login):
    request = centre.to_state("delivered")
    page = login("manager").get(url("request", pk=request.pk)).content.decode()
    assert 'name="rating"' not in page


@pytest.mark.parametrize(
    ("rating", "status"), [(3, 200), (0, 422), (6, 422), ("three", 422), (None, 200)]
)
def test_the_api_takes_the_rating_with_the_acceptance(centre, frozen, login, rating, status):
    request = centre.to_state("delivered")
    body: dict[str, object] = {"to_state": "accepted", "rating_comment": "ok"}
    if rating is not None:
        body["rating"] = rating
    response = login("founder").post(
        f"{API}/requests/{request.pk}/transition", body, content_type="application/json"
    )
    assert response.status_code == status, response.content
    request.refresh_from_db()
    if status == 200:
        assert (request.state, request.rating) == (RequestState.ACCEPTED, rating)
    else:
        assert response.json()["detail"][0]["loc"][-1] == "rating"
        assert request.state == RequestState.DELIVERED


# --- Quotes that expire ---------------------------------------------------------------------

# The quotes sent at NOW are valid for the park's 30 days: until 2026-04-01 (Yakutsk).
LAST_DAY = dt.datetime(2026, 4, 1, 14, 0, tzinfo=dt.UTC)  # 23:00 on 1 April in Yakutsk
NEXT_DAY = dt.datetime(2026, 4, 1, 15, 30, tzinfo=dt.UTC)  # 00:30 on 2 April in Yakutsk


def test_a_sent_quote_expires_the_day_after_its_last_day(centre, frozen):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    assert quote.expires_on == dt.date(2026, 4, 1)
    assert services.quotes_expire(now=LAST_DAY) == 0
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    assert services.quotes_expire(now=NEXT_DAY) == 1
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.EXPIRED
    request.refresh_from_db()
    assert request.state == RequestState.QUOTED  # staff quote again
    entry = AuditEntry.objects.get(action="engineering.quote_expire")
    assert entry.actor_id is None and entry.target_id == str(quote.pk)
    # a second run changes nothing
    assert services.quotes_expire(now=NEXT_DAY) == 0
    assert AuditEntry.objects.filter(action="engineering.quote_expire").count() == 1


def test_only_sent_quotes_expire(centre, frozen):
    approved = centre.to_state("approved").quotes.get(status="approved")
    draft = centre.quote(centre.to_state("triaged"))
    assert services.quotes_expire(now=NEXT_DAY + dt.timedelta(days=60)) == 0
    approved.refresh_from_db()
    draft.refresh_from_db()
    assert (approved.status, draft.status) == (QuoteStatus.APPROVED, QuoteStatus.DRAFT)


def test_an_expired_quote_cannot_be_approved_and_a_new_one_can_be_drafted(centre, frozen):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    # refused by its date before the daily run …
    with pytest.raises(ValidationError) as refused:
        services.quote_approve(
            access=centre.access("founder"), quote=quote, side="company", now=NEXT_DAY
        )
    assert refused.value.code == "expired"
    # … and by its status after it
    services.quotes_expire(now=NEXT_DAY)
    quote.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.quote_approve(
            access=centre.access("founder"), quote=quote, side="company", now=NEXT_DAY
        )
    assert refused.value.code == "expired"
    new = services.quote_create(access=centre.access("manager"), request=request, now=NEXT_DAY)
    assert new.version == 2


def test_the_command_expires_quotes_as_of_the_moment_given(centre, frozen, world):
    request = centre.to_state("quoted")
    quote = request.quotes.get()
    out = StringIO()
    call_command("engineering_expire_quotes", "--now", LAST_DAY.isoformat(), stdout=out)
    assert "0 quotes expired" in out.getvalue()
    call_command(
        "engineering_expire_quotes", "--now", NEXT_DAY.isoformat(), "--park=kolyma", stdout=out
    )
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT  # another park's run leaves it alone
    out = StringIO()
    call_command("engineering_expire_quotes", "--now", NEXT_DAY.isoformat(), stdout=out)
    assert "1 quotes expired" in out.getvalue()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.EXPIRED


def test_the_command_refuses_a_bad_moment_or_park(centre):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("engineering_expire_quotes", "--now", "yesterday")
    with pytest.raises(CommandError):
        call_command("engineering_expire_quotes", "--park", "atlantis")


# --- Prices are never set in the past -------------------------------------------------------


def test_a_price_from_a_past_day_is_refused(centre):
    with pytest.raises(ValidationError) as refused:
        services.service_price_set(
            service=centre.assay,
            tier=Tier.EXTERNAL,
            valid_from=DAY - dt.timedelta(days=1),
            unit_price=Decimal("1"),
            now=NOW,
        )
    assert "valid_from" in refused.value.message_dict
    assert not ServicePrice.all_parks.filter(unit_price=Decimal("1")).exists()


def test_the_day_is_the_parks(centre):
    # 20:00 UTC on 1 March is 05:00 on 2 March in Yakutsk: 1 March has passed there.
    evening = dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC)
    with pytest.raises(ValidationError):
        services.service_price_set(
            service=centre.assay,
            tier=Tier.EXTERNAL,
            valid_from=dt.date(2026, 3, 1),
            unit_price=Decimal("1"),
            now=evening,
        )
    price = services.service_price_set(
        service=centre.assay,
        tier=Tier.EXTERNAL,
        valid_from=dt.date(2026, 3, 2),
        unit_price=Decimal("2600"),
        now=evening,
    )
    assert price.unit_price == Decimal("2600")


def test_every_price_change_is_audited_with_the_price_it_replaces(centre):
    manager = centre.world.users["manager"]
    services.service_price_set(
        service=centre.assay,
        tier=Tier.EXTERNAL,
        valid_from=DAY,
        unit_price=Decimal("2700.00"),
        actor=manager,
        now=NOW,
    )
    services.service_price_set(
        service=centre.assay,
        tier=Tier.EXTERNAL,
        valid_from=DAY,
        unit_price=Decimal("2800.00"),
        actor=manager,
        now=NOW,
    )
    # the same price again is no change
    services.service_price_set(
        service=centre.assay,
        tier=Tier.EXTERNAL,
        valid_from=DAY,
        unit_price=Decimal("2800.00"),
        actor=manager,
        now=NOW,
    )
    entries = list(
        AuditEntry.objects.filter(action="engineering.price_set", actor_id=manager.pk).order_by(
            "sequence"
        )
    )
    assert [(e.before["unit_price"], e.after["unit_price"]) for e in entries] == [
        ("2500.00", "2700.00"),
        ("2700.00", "2800.00"),
    ]
    assert entries[0].before["valid_from"] == "2026-01-01"
    assert entries[1].after["valid_from"] == "2026-03-02"


def test_the_page_refuses_a_past_day_next_to_the_field(centre, frozen, client):
    client.cookies["django_language"] = "en"
    client.force_login(centre.world.users["manager"])
    response = client.post(
        url("setup_price", pk=centre.assay.pk),
        {"tier": "resident", "valid_from": "2026-02-01", "unit_price": "1000"},
    )
    assert response.status_code == 400
    assert response.context["price_form"].errors["valid_from"]
    assert "days gone by" in response.content.decode()
    ok = client.post(
        url("setup_price", pk=centre.assay.pk),
        {"tier": "resident", "valid_from": "2026-03-02", "unit_price": "1000"},
    )
    assert ok.status_code == 302
