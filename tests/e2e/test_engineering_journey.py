"""The engineering centre in a browser, from a founder's request to the act: the founder asks
for a tensile test, a manager assigns an engineer, the engineer triages and quotes, the founder
approves, the engineer books the certified instrument for the work order and logs time on the
hourly line, delivers, the founder accepts with a rating, a manager charges the work to the
«services» line of the company's grant, and the founder downloads the acceptance act.

Every step goes through the pages as its role sees them (a browser context per person, signed
in with a session cookie); the database is read only to check what the pages did. The browser
reads Russian (``locale="ru-RU"``). No clock is frozen — the live server runs in a thread —
so every date is built from ``timezone.now()``: the booking lies ahead inside the opening hours,
the logged time lies behind, and the test passes on any day.
"""

from __future__ import annotations

import io
import re
import zoneinfo
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from technopark.core.localtime import local_today
from technopark.engineering import services
from technopark.engineering.models import (
    Charge,
    InstrumentUse,
    RequestState,
    ServiceKind,
    ServiceRequest,
    Tier,
    TimeEntry,
    Unit,
)
from technopark.grants import services as grant_services
from technopark.grants.models import BudgetLine
from technopark.parks.models import Role
from technopark.programmes.models import Cohort, Programme
from technopark.spaces import services as spaces_services
from technopark.spaces.models import BookingStatus, ResourceType
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    ParkFactory,
    SiteFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.grants.factories import make_participant

ZONE = "Asia/Yakutsk"
PRICES = {
    Tier.RESIDENT: Decimal("2400.00"),
    Tier.PARTICIPANT: Decimal("3000.00"),
    Tier.EXTERNAL: Decimal("5000.00"),
    Tier.SUBSIDISED: Decimal("1500.00"),
}
LEGAL_NAME = "ООО «Северный код»"


def _signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="ru-RU", accept_downloads=True)
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def _person(park, email, name, role):
    person = UserFactory(email=email, full_name=name)
    MembershipFactory(park=park, user=person, role=role)
    return person


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _pdf_text(data: bytes) -> str:
    """The PDF's text, its no-break spaces as plain ones, its lines joined by spaces."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _submit(page, form) -> None:
    """Send ``form`` and wait for the page it leads to (a redirect back, or the refusal)."""
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()


def _open(page, test_id: str):
    """A form of the work section folded in a <details>: unfold it and return the form."""
    form = page.get_by_test_id(test_id)
    page.locator(f"details:has([data-testid={test_id}]) > summary").click()
    expect(form).to_be_visible()
    return form


def _move(page, to_state: str, *, rating: str = "") -> None:
    """Change the request's state with the page's form (the rating only where it is offered)."""
    form = page.get_by_test_id("transition-form")
    form.locator("#to-state").select_option(to_state)
    if rating:
        form.locator("#to-rating").select_option(rating)
        form.locator("#to-rating-comment").fill("Быстро и аккуратно, отчёт понятный.")
    _submit(page, form)


def test_a_founders_test_goes_from_request_to_a_grant_charge_and_the_act(
    browser, live_server, transactional_db, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "ru"
    now = timezone.now()
    zone = zoneinfo.ZoneInfo(ZONE)
    park = ParkFactory(
        slug="yakutia", name="Технопарк Якутия", name_en="Technopark Yakutia", time_zone=ZONE
    )
    today = local_today(park.time_zone, at=now)

    # The centre: an engineering site open 9:00–18:00 every day, a tensile testing machine that
    # needs a certificate, and the engineer who holds a valid one.
    site = SiteFactory(park=park, name="Инженерный центр", time_zone=ZONE)
    spaces_services.opening_hours_set(
        site=site, hours={day: (time(9), time(18)) for day in range(7)}
    )
    machine = spaces_services.resource_create(
        site=site,
        name="Разрывная машина",
        resource_type=ResourceType.ENGINEERING,
        requires_certification=True,
    )
    manager = _person(park, "manager@example.org", "Сардана Николаева", Role.MANAGER)
    engineer = _person(park, "engineer@example.org", "Айсен Егоров", Role.ENGINEER)
    founder = _person(park, "founder@example.org", "Туйаара Попова", Role.FOUNDER)
    spaces_services.certificate_record(
        actor=manager,
        user=engineer,
        resource=machine,
        trained_on=today - timedelta(days=1),
        expires_on=today + timedelta(days=365),
    )

    # The catalogue: an hourly test with a price per tier from today on.
    tensile = services.service_create(
        park=park,
        name="Испытание на растяжение",
        name_en="Tensile test",
        kind=ServiceKind.TESTING,
        unit=Unit.HOUR,
        lead_time_days=5,
    )
    for tier, price in PRICES.items():
        services.service_price_set(
            service=tensile, tier=tier, valid_from=today, unit_price=price, now=now
        )

    # The founder's company takes part in a running cohort and holds a grant whose «services»
    # line may pay for the centre's work.
    company = CompanyFactory(park=park, short_name="Северный код", legal_name=LEGAL_NAME, site=site)
    TeamMemberFactory(company=company, user=founder, position="CEO")
    programme = Programme.all_parks.create(park=park, name="Полярный старт")
    cohort = Cohort.all_parks.create(
        park=park,
        programme=programme,
        name="Весна",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
    )
    award = grant_services.grant_award_create(
        participant=make_participant(park, company, cohort=cohort),
        actor=manager,
        amount=Decimal("1000000.00"),
        decision_reference="ГР-2048",
        decided_on=today,
        budget={"services": Decimal("50000.00"), "equipment": Decimal("950000.00")},
    )
    budget_line = BudgetLine.objects.get(award=award, kind="services")
    charged_before = budget_line.charged

    founder_context = _signed_in(browser, live_server, founder)
    manager_context = _signed_in(browser, live_server, manager)
    engineer_context = _signed_in(browser, live_server, engineer)
    founder_page = founder_context.new_page()
    manager_page = manager_context.new_page()
    engineer_page = engineer_context.new_page()
    state = {
        page: page.get_by_test_id("request-state")
        for page in (founder_page, manager_page, engineer_page)
    }

    # 1. The founder files the request, not under NDA.
    founder_page.goto("/yakutia/engineering/new/")
    founder_page.select_option("#id_company", str(company.pk))
    founder_page.fill("#id_title", "Испытание образцов композита на растяжение")
    founder_page.fill(
        "#id_description", "Нужно испытать пять образцов композита при −50 °C для сертификации."
    )
    expect(founder_page.locator("#id_confidential")).not_to_be_checked()
    _submit(founder_page, founder_page.locator("form.form-wide"))
    expect(state[founder_page]).to_have_text("Подана")
    found = ServiceRequest.all_parks.get()
    assert found.company == company and not found.confidential
    detail = f"/yakutia/engineering/requests/{found.pk}/"
    founder_page.wait_for_url(f"**{detail}")

    # 2. A manager makes the engineer responsible and assigns him.
    manager_page.goto(detail)
    assign = manager_page.locator("form[action$='/assign/']")
    assign.locator("#id_responsible").select_option(str(engineer.pk))
    assign.locator(f"input[name=engineers][value='{engineer.pk}']").check()
    _submit(manager_page, assign)
    expect(manager_page.get_by_test_id("request-facts")).to_contain_text("Айсен Егоров")

    # 3. The engineer triages it and drafts a quote: six hours at the participant's price.
    engineer_page.goto(detail)
    expect(state[engineer_page]).to_have_text("Подана")
    _move(engineer_page, RequestState.TRIAGED)
    expect(state[engineer_page]).to_have_text("Разобрана")
    with engineer_page.expect_navigation():
        engineer_page.get_by_test_id("quote-create").click()
    line_form = engineer_page.get_by_test_id("line-form")
    line_form.locator("#id_service").select_option(str(tensile.pk))
    line_form.locator("#id_quantity").fill("6")
    # The company is in a running cohort: the editor offers the participant's price.
    expect(line_form.locator("#id_tier")).to_have_value(Tier.PARTICIPANT)
    _submit(engineer_page, line_form)
    quoted = Decimal(6) * PRICES[Tier.PARTICIPANT]
    expect(engineer_page.get_by_test_id("quote-total")).to_have_text(re.compile(r"18\D?000,00"))
    assert _digits(engineer_page.get_by_test_id("quote-total").inner_text()) == _digits(
        f"{quoted:.2f}"
    )
    _submit(engineer_page, engineer_page.get_by_test_id("send-form"))
    engineer_page.wait_for_url(f"**{detail}")
    expect(state[engineer_page]).to_have_text("Отправлено КП")

    # 4. The founder approves the quote on the request's page.
    founder_page.goto(detail)
    expect(state[founder_page]).to_have_text("Отправлено КП")
    with founder_page.expect_navigation():
        founder_page.get_by_test_id("quote-approve").click()
    expect(state[founder_page]).to_have_text("КП согласовано")

    # 5. The engineer starts the work: the work order opens against the approved quote.
    engineer_page.goto(detail)
    _move(engineer_page, RequestState.IN_WORK)
    expect(state[engineer_page]).to_have_text("В работе")
    expect(engineer_page.get_by_test_id("work-section")).to_be_visible()
    hourly = found.quotes.get(status="approved").lines.get()

    # 6. He books the machine for the work, in two days 10:00–12:00 (inside the opening hours),
    # as its operator, on the hourly line.
    day = timezone.localtime(now, zone).date() + timedelta(days=2)
    starts = datetime.combine(day, time(10), zone)
    booking_form = _open(engineer_page, "work-booking-form")
    booking_form.locator("#booking_form_resource").select_option(str(machine.pk))
    booking_form.locator("#booking_form_starts_at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    booking_form.locator("#booking_form_ends_at").fill(
        (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    )
    booking_form.locator("#booking_form_operator").select_option(str(engineer.pk))
    booking_form.locator("#booking_form_quote_line").select_option(str(hourly.pk))
    _submit(engineer_page, booking_form)
    engineer_page.wait_for_url(f"**{detail}#work")
    expect(engineer_page.get_by_test_id("work-instruments")).to_contain_text("Разрывная машина")
    use = InstrumentUse.all_parks.select_related("booking").get()
    assert use.operator == engineer and use.quote_line == hourly
    assert use.booking.resource == machine and use.booking.starts_at == starts
    assert use.booking.status == BookingStatus.CONFIRMED and use.booking.booked_by == engineer

    # 7. He logs two and a half hours spent this morning (or last night) on the hourly line.
    started = (timezone.localtime(now, zone) - timedelta(hours=3)).replace(second=0, microsecond=0)
    time_form = _open(engineer_page, "time-form")
    time_form.locator("#time_form_started_at").fill(started.strftime("%Y-%m-%dT%H:%M"))
    time_form.locator("#time_form_minutes").fill("150")
    time_form.locator("#time_form_quote_line").select_option(str(hourly.pk))
    time_form.locator("#time_form_note").fill("Подготовка образцов и настройка машины")
    _submit(engineer_page, time_form)
    engineer_page.wait_for_url(f"**{detail}#work")
    expect(engineer_page.get_by_test_id("work-time")).to_contain_text("150")
    entry = TimeEntry.all_parks.get()
    assert entry.engineer == engineer and entry.minutes == 150 and entry.started_at == started
    # What is delivered so far: the line counts the larger of 2.50 hours of staff time and
    # 2.00 of instrument time, once.
    delivered = engineer_page.get_by_test_id("work-delivered")
    expect(delivered).to_contain_text("2,50")
    expect(delivered).not_to_contain_text("2,00")

    # 8. He delivers.
    _move(engineer_page, RequestState.DELIVERED)
    expect(state[engineer_page]).to_have_text("Работы сданы")

    # 9. The founder accepts, rating the work 5: the act gets its number.
    founder_page.goto(detail)
    expect(founder_page.get_by_test_id("rating-fields")).to_be_visible()
    _move(founder_page, RequestState.ACCEPTED, rating="5")
    expect(state[founder_page]).to_have_text("Принята")
    found.refresh_from_db()
    assert found.rating == 5 and found.act_number
    expect(founder_page.get_by_test_id("act-number")).to_contain_text(found.act_number)
    expect(founder_page.get_by_test_id("rating")).to_contain_text("5")

    # 10. A manager charges it to the grant's «services» line.
    manager_page.goto(detail)
    charge_form = manager_page.get_by_test_id("charge-form")
    charge_form.locator("#id_payer").select_option(f"line-{budget_line.pk}")
    with manager_page.expect_navigation():
        manager_page.get_by_test_id("charge-submit").click()
    expect(state[manager_page]).to_have_text("Выставлен счёт")
    charge = Charge.all_parks.get(request=found)
    # One hourly line is billed once, for the larger of the staff's 2.50 h and the machine's
    # 2.00 h, at the quoted 3,000.00 an hour.
    expected = Decimal("2.50") * PRICES[Tier.PARTICIPANT]
    assert charge.total == expected and charge.budget_line_id == budget_line.pk
    budget_line.refresh_from_db()
    assert budget_line.charged == charged_before + charge.total
    expect(manager_page.get_by_test_id("charge-payer")).to_have_text(
        "Грант ГР-2048, статья бюджета «Услуги»"
    )
    assert _digits(manager_page.get_by_test_id("charge-total").inner_text()) == _digits(
        f"{expected:.2f}"
    )
    # The grant's page shows what the centre took from the line.
    manager_page.goto(f"/yakutia/grants/{award.pk}/")
    services_row = manager_page.locator("tr", has_text="Услуги")
    assert _digits(services_row.get_by_test_id("budget-charged").inner_text()) == _digits(
        f"{budget_line.charged:.2f}"
    )

    # 11. The founder downloads the act: a PDF whose Cyrillic text names the act and the company.
    founder_page.goto(detail)
    expect(state[founder_page]).to_have_text("Выставлен счёт")
    with founder_page.expect_download() as caught:
        founder_page.get_by_test_id("act-pdf").click()
    download = caught.value
    assert download.suggested_filename == f"{found.act_number}.pdf"
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert "Акт выполненных работ" in text
    assert found.act_number in text
    assert LEGAL_NAME in text
    assert "7 500,00 ₽" in text
    assert "Туйаара Попова" in text  # who accepted signs for the customer

    for context in (founder_context, manager_context, engineer_context):
        context.close()
