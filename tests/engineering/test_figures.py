"""The engineering figures (``engineering.figures``) on data built with known answers: turnaround
medians and 90th percentiles, on-time share, instrument utilisation and downtime clipped at the
period's edges, revenue by tier with an adjustment, satisfaction; the page and the XLSX (opened
with openpyxl, hostile text kept as text, confidential titles hidden outside the NDA), who may
open them, bad periods answered 400, and the query counts at two sizes."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from technopark.core.scopes import scopes_disabled
from technopark.engineering.figures import Period, check_dates, engineering_figures, turnaround
from technopark.engineering.models import (
    Charge,
    ChargeLine,
    ChargeLineKind,
    InstrumentUse,
    LineKind,
    PayerKind,
    Quote,
    QuoteLine,
    QuoteStatus,
    RequestEvent,
    RequestState,
    ServiceRequest,
    Tier,
    Unit,
    WorkOrder,
)
from technopark.spaces.models import (
    Booking,
    BookingStatus,
    Closure,
    Incident,
    IncidentSeverity,
    OpeningHours,
    Resource,
    ResourceType,
)

pytestmark = pytest.mark.django_db

PARK = "yakutia"
YAKUTSK = ZoneInfo("Asia/Yakutsk")
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
# the figures are read on 5 April 2026 (an incident opened on 31 March is still open)
NOW = dt.datetime(2026, 4, 5, 3, 0, tzinfo=dt.UTC)
HOSTILE = '=HYPERLINK("http://evil.example/","click")'
SECRET = "Секретный сплав"


def local(day: int, hour: int = 10, month: int = 3, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=YAKUTSK)


def url(name: str) -> str:
    return reverse(f"engineering:{name}", kwargs={"park_slug": PARK})


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class Built:
    """What the fixture made, for the tests to refer to."""


def _request(centre, *, filed, title="Испытание", state=RequestState.SUBMITTED, **fields):
    world = centre.world
    return ServiceRequest.all_parks.create(
        park=world.park,
        company=world.company,
        title=title,
        description="—",
        state=state,
        created_by=world.users["founder"],
        created_at=filed,
        changed_at=filed,
        **fields,
    )


def _events(centre, request, steps):
    previous = RequestState.SUBMITTED
    for to_state, at in steps:
        RequestEvent.all_parks.create(
            park=request.park,
            request=request,
            actor=centre.world.users["manager"],
            at=at,
            from_state=previous,
            to_state=to_state,
        )
        previous = to_state


def _quote(centre, request, *, tiers=(Tier.RESIDENT, Tier.EXTERNAL)):
    quote = Quote.all_parks.create(
        park=request.park,
        request=request,
        version=1,
        number=f"Q-{request.pk}",
        status=QuoteStatus.APPROVED,
        created_by=centre.world.users["manager"],
        created_at=request.created_at,
    )
    lines = [
        QuoteLine.all_parks.create(
            park=request.park,
            quote=quote,
            service=centre.assay,
            quantity=Decimal("1"),
            unit=Unit.SAMPLE,
            tier=tier,
            unit_price=Decimal("1000"),
            amount=Decimal("1000"),
            position=position,
        )
        for position, tier in enumerate(tiers)
    ]
    materials = QuoteLine.all_parks.create(
        park=request.park,
        quote=quote,
        kind=LineKind.MATERIALS,
        description="Смола",
        quantity=Decimal("1"),
        unit_price=Decimal("300"),
        amount=Decimal("300"),
        position=9,
    )
    return quote, lines, materials


def _charge(centre, request, *, on, lines, payer=PayerKind.COMPANY):
    charge = Charge.all_parks.create(
        park=request.park,
        request=request,
        company=request.company,
        payer=payer,
        total=sum((amount for _kind, _line, amount, _corrects in lines), Decimal(0)),
        idempotency_key=f"charge-{request.pk}",
        charged_on=on,
        created_by=centre.world.users["manager"],
        created_at=NOW,
    )
    made = []
    for position, (kind, quote_line, amount, corrects) in enumerate(lines):
        made.append(
            ChargeLine.all_parks.create(
                park=request.park,
                charge=charge,
                kind=kind,
                quote_line=quote_line,
                amount=amount,
                corrects=made[corrects] if corrects is not None else None,
                position=position,
            )
        )
    return charge


@pytest.fixture
def built(centre):
    """Eight requests with known turnaround, two instruments with known hours, three charges."""
    world = centre.world
    b = Built()
    b.centre = centre
    with scopes_disabled():
        filed = local(2)  # Monday 2 March, 10:00 in Yakutsk
        # R1: triaged +1 d, quoted +4 d, delivered +10 d (12 March) against a work order due
        # 15 March: on time; accepted and rated 5.
        r1 = _request(centre, filed=filed, title="Прочность образцов", state=RequestState.CHARGED)
        _events(
            centre,
            r1,
            [
                (RequestState.TRIAGED, local(3)),
                (RequestState.QUOTED, local(6)),
                (RequestState.APPROVED, local(7)),
                (RequestState.IN_WORK, local(8)),
                (RequestState.DELIVERED, local(12)),
                (RequestState.ACCEPTED, local(14)),
                (RequestState.CHARGED, local(15)),
            ],
        )
        r1.rating, r1.rating_comment = 5, "Отлично, быстро"
        r1.save()
        quote1, (resident, external), _materials = _quote(centre, r1)
        b.work_order = WorkOrder.all_parks.create(
            park=world.park,
            request=r1,
            quote=quote1,
            due_on=dt.date(2026, 3, 15),
            created_by=world.users["manager"],
            created_at=local(8),
        )
        # R2 (a hostile title): triaged +2 d, quoted +6 d, delivered +20 d (22 March) after the
        # 20 March the company asked for: late; rated 3.
        r2 = _request(
            centre,
            filed=filed,
            title=HOSTILE,
            state=RequestState.ACCEPTED,
            desired_on=dt.date(2026, 3, 20),
        )
        _events(
            centre,
            r2,
            [
                (RequestState.TRIAGED, local(4)),
                (RequestState.QUOTED, local(8)),
                (RequestState.APPROVED, local(9)),
                (RequestState.IN_WORK, local(10)),
                (RequestState.DELIVERED, local(22)),
                (RequestState.ACCEPTED, local(23)),
            ],
        )
        r2.rating, r2.rating_comment = 3, HOSTILE
        r2.save()
        # R3: triaged +3 d; delivered 15 March, sent back, delivered again 25 March (+23 d), no
        # date to compare with; accepted in April (outside the period).
        r3 = _request(centre, filed=filed, title="Анализ", state=RequestState.ACCEPTED)
        _events(
            centre,
            r3,
            [
                (RequestState.TRIAGED, local(5)),
                (RequestState.DELIVERED, local(15)),
                (RequestState.IN_WORK, local(16)),
                (RequestState.DELIVERED, local(25)),
                (RequestState.ACCEPTED, local(2, month=4)),
            ],
        )
        r3.rating, r3.rating_comment = 4, "Долго"
        r3.save()
        # R4: confidential, the engineer not assigned: triaged +10 d.
        r4 = _request(centre, filed=filed, title=SECRET, confidential=True, state="triaged")
        _events(centre, r4, [(RequestState.TRIAGED, local(12))])
        r4.engineers.add(centre.other_engineer)
        # R5: filed in February, triaged in March after 11 days: its triage counts, its filing
        # does not.
        r5 = _request(centre, filed=local(20, month=2), state=RequestState.TRIAGED)
        _events(centre, r5, [(RequestState.TRIAGED, local(3))])
        # R6: filed at 01:00 on 1 March in Yakutsk (still 28 February in UTC): filed in March.
        _request(centre, filed=local(1, hour=1))
        # R7: filed and triaged in February: not in the period at all.
        r7 = _request(centre, filed=local(1, month=2), state=RequestState.TRIAGED)
        _events(centre, r7, [(RequestState.TRIAGED, local(2, month=2))])
        # R8: filed in April: not in the period.
        _request(centre, filed=local(1, month=4), state=RequestState.REJECTED)
        b.requests = (r1, r2, r3, r4, r5)

        # Revenue: R1 charged in March (resident 1000, external 500, the resident line adjusted
        # by -200), R2 in March (materials 300), R3 in April (outside).
        _charge(
            centre,
            r1,
            on=dt.date(2026, 3, 15),
            lines=[
                (ChargeLineKind.DELIVERED, resident, Decimal("1000.00"), None),
                (ChargeLineKind.DELIVERED, external, Decimal("500.00"), None),
                (ChargeLineKind.ADJUSTMENT, None, Decimal("-200.00"), 0),
            ],
        )
        _quote2, _lines2, materials2 = _quote(centre, r2, tiers=())
        _charge(
            centre,
            r2,
            on=dt.date(2026, 3, 31),
            lines=[(ChargeLineKind.DELIVERED, materials2, Decimal("300.00"), None)],
        )
        _quote3, (resident3,), _materials3 = _quote(centre, r3, tiers=(Tier.RESIDENT,))
        _charge(
            centre,
            r3,
            on=dt.date(2026, 4, 1),
            lines=[(ChargeLineKind.DELIVERED, resident3, Decimal("9999.00"), None)],
        )

        # Instruments: the site opens Monday to Friday 09:00-18:00; March 2026 has 22 weekdays
        # (198 hours); 9 March is a holiday for the whole site (-9 h); the lathe is closed on 10
        # March 09:00-12:00 (-3 h): available 186 h for the lathe, 189 h for the press.
        site = world.site
        for weekday in range(5):
            OpeningHours.all_parks.create(
                park=world.park, site=site, weekday=weekday, opens=dt.time(9), closes=dt.time(18)
            )
        lathe = Resource.all_parks.create(
            park=world.park, site=site, name="Токарный станок", resource_type=ResourceType.LAB
        )
        press = Resource.all_parks.create(
            park=world.park,
            site=site,
            name=HOSTILE,
            resource_type=ResourceType.ENGINEERING,
        )
        Resource.all_parks.create(
            park=world.park, site=site, name="Стол 1", resource_type=ResourceType.DESK
        )
        Closure.all_parks.create(
            park=world.park,
            site=site,
            starts_at=local(9, hour=0),
            ends_at=local(10, hour=0),
            reason="Праздник",
        )
        Closure.all_parks.create(
            park=world.park,
            site=site,
            resource=lathe,
            starts_at=local(10, hour=9),
            ends_at=local(10, hour=12),
            reason="Обслуживание",
        )

        def book(starts_at, ends_at, status=BookingStatus.CONFIRMED):
            return Booking.all_parks.create(
                park=world.park,
                resource=lathe,
                booked_by=world.users["manager"],
                starts_at=starts_at,
                ends_at=ends_at,
                status=status,
            )

        # 4 h for the work order, 2 h of other use, a night booking from February into 1 March
        # (a Sunday night, outside the opening hours: not counted), a cancelled one (not counted)
        used = book(local(2, hour=9), local(2, hour=13))
        InstrumentUse.all_parks.create(
            park=world.park,
            work_order=b.work_order,
            booking=used,
            operator=centre.engineer,
            created_at=local(2, hour=9),
        )
        book(local(3, hour=10), local(3, hour=12))
        book(local(28, hour=22, month=2), local(1, hour=2))
        book(local(4, hour=10), local(4, hour=13), status=BookingStatus.CANCELLED)
        # down from 27 February 10:00 to 2 March 10:00 (34 h in March), down again from 31
        # March 20:00 and still open on 5 April (4 h in March); a medium incident (not downtime)
        for opened, closed, severity in (
            (local(27, month=2), local(2), IncidentSeverity.DOWN),
            (local(31, hour=20), None, IncidentSeverity.DOWN),
            (local(5), local(6), IncidentSeverity.MEDIUM),
        ):
            Incident.all_parks.create(
                park=world.park,
                resource=lathe,
                severity=severity,
                description="Сломался",
                opened_at=opened,
                closed_at=closed,
                resolution="Починили" if closed else "",
            )
        b.lathe, b.press = lathe, press
    return b


def _figures(built):
    with scopes_disabled():
        return engineering_figures(built.centre.world.park, START, END, now=NOW)


# --- the numbers ----------------------------------------------------------------------------


def test_turnaround_medians_and_90th_percentiles(built):
    figures = _figures(built)
    # triage: 1, 2, 3, 10, 11 days (R5 filed in February, triaged in March)
    assert (figures.to_triage.count, figures.to_triage.median_days) == (5, Decimal("3.0"))
    assert figures.to_triage.p90_days == Decimal("10.6")  # 10 + 0.6 × (11 - 10)
    # quote: 4 and 6 days
    assert figures.to_quote == type(figures.to_quote)(2, Decimal("5.0"), Decimal("5.8"))
    # delivery: 10, 20 and 23 days (R3's delivery that stands is the second)
    assert figures.to_delivery.count == 3
    assert figures.to_delivery.median_days == Decimal("20.0")
    assert figures.to_delivery.p90_days == Decimal("22.4")


def test_requests_filed_counted_by_the_parks_day(built):
    figures = _figures(built)
    # R1-R4 and R6 (01:00 on 1 March in Yakutsk is 28 February in UTC)
    assert figures.filed == 5
    ids = {row.id for row in figures.requests}
    assert {request.pk for request in built.requests} <= ids
    assert len(ids) == 6  # R7 (February) and R8 (April) are not the period's
    states = {row.state: row.count for row in figures.states}
    assert figures.total_requests == 8
    assert states["triaged"] == 3 and states["charged"] == 1 and states["rejected"] == 1


def test_on_time_share(built):
    on_time = _figures(built).on_time
    # R1 on time (work order's due date), R2 late (desired date), R3 has no date
    assert (on_time.delivered, on_time.with_date, on_time.on_time) == (3, 2, 1)
    assert on_time.without_date == 1
    assert on_time.share == Decimal("50.0")


def test_instrument_hours_utilisation_and_downtime_clipped(built):
    rows = {row.resource_id: row for row in _figures(built).instruments}
    assert set(rows) == {built.lathe.pk, built.press.pk}  # the desk is not an instrument
    lathe, press = rows[built.lathe.pk], rows[built.press.pk]
    assert lathe.available_hours == Decimal("186.00")
    assert press.available_hours == Decimal("189.00")
    assert lathe.booked_hours == Decimal("6.00")  # 4 + 2 (the night booking is outside hours)
    assert lathe.work_order_hours == Decimal("4.00")
    assert lathe.utilisation == Decimal("3.2")  # 6 / 186
    assert lathe.work_order_utilisation == Decimal("2.2")  # 4 / 186 = 2.15…
    assert lathe.downtime_hours == Decimal("38.00")  # 34 h + 4 h, both clipped to March
    assert lathe.down_incidents == 2
    assert (press.booked_hours, press.downtime_hours, press.utilisation) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.0"),
    )


def test_revenue_by_tier_with_an_adjustment_and_by_payer(built):
    revenue = _figures(built).revenue
    tiers = {row.code: row.amount for row in revenue.by_tier}
    assert tiers == {
        "resident": Decimal("800.00"),  # 1000 less the -200 adjustment of its line
        "participant": Decimal("0.00"),
        "external": Decimal("500.00"),
        "subsidised": Decimal("0.00"),
        "": Decimal("300.00"),  # materials
    }
    assert revenue.total == Decimal("1600.00")  # the April charge is not the period's
    payers = {row.code: row.amount for row in revenue.by_payer}
    assert payers == {"company": Decimal("1600.00"), "budget_line": Decimal("0.00")}


def test_satisfaction(built):
    satisfaction = _figures(built).satisfaction
    # R1 (5) and R2 (3) accepted in March; R3 accepted in April
    assert satisfaction.count == 2
    assert satisfaction.mean == Decimal("4.00")
    assert satisfaction.distribution == (0, 0, 1, 0, 1)
    assert [comment.text for comment in satisfaction.comments] == [HOSTILE, "Отлично, быстро"]


def test_an_empty_period():
    figures_of = turnaround([])
    assert (figures_of.count, figures_of.median_days, figures_of.p90_days) == (0, None, None)
    assert turnaround([Decimal("2.5")]).p90_days == Decimal("2.5")


# --- the period -------------------------------------------------------------------------------


TODAY = dt.date(2026, 4, 5)


@pytest.mark.parametrize(
    ("params", "start", "end"),
    [
        ({}, dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
        (
            {"period": "month", "year": "2026", "month": "2"},
            dt.date(2026, 2, 1),
            dt.date(2026, 2, 28),
        ),
        (
            {"period": "quarter", "year": "2025", "quarter": "4"},
            dt.date(2025, 10, 1),
            dt.date(2025, 12, 31),
        ),
        ({"period": "year", "year": "2024"}, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ],
)
def test_periods(params, start, end):
    period = Period.from_params(params, today=TODAY)
    assert (period.start, period.end) == (start, end)


def test_period_steps_across_years():
    assert Period("month", 2026, 12).following() == Period("month", 2027, 1)
    assert Period("quarter", 2026, 1).preceding() == Period("quarter", 2025, 4)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "week"}, "period"),
        ({"period": "month", "month": "13"}, "month"),
        ({"period": "quarter", "quarter": "0"}, "quarter"),
        ({"year": "1999"}, "year"),
        ({"year": "２０２６"}, "year"),
        ({"year": "99999999999999999999"}, "year"),
    ],
)
def test_bad_periods_are_refused_naming_the_field(params, field):
    with pytest.raises(ValidationError) as caught:
        Period.from_params(params, today=TODAY)
    assert field in caught.value.message_dict


def test_api_dates_are_checked():
    assert check_dates(START, END) == (START, END)
    for start, end, field in (
        (None, END, "start"),
        (START, None, "end"),
        (END, START, "end"),
        (dt.date(2024, 1, 1), dt.date(2025, 1, 1), "end"),  # 367 days
    ):
        with pytest.raises(ValidationError) as caught:
            check_dates(start, end)
        assert field in caught.value.message_dict


# --- the page and the XLSX ----------------------------------------------------------------------

MARCH = {"period": "month", "year": "2026", "month": "3"}


@pytest.fixture
def login(centre, client):
    def make(role):
        if role != "anonymous":
            client.force_login(centre.world.users[role])
        return client

    return make


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 200),
        ("engineer", 200),
        ("observer", 200),
        ("founder", 403),
        ("expert", 403),
        ("outsider", 403),  # a manager of another park: no role here
    ],
)
def test_who_opens_the_figures(built, frozen, login, role, status):
    client = login(role)
    assert client.get(url("figures"), MARCH).status_code == status
    assert client.get(url("figures_xlsx"), MARCH).status_code == status


def test_anonymous_is_sent_to_sign_in(built, frozen, login):
    response = login("anonymous").get(url("figures"), MARCH)
    assert response.status_code == 302


def test_the_page_shows_the_figures_charts_and_tables(built, frozen, login):
    body = login("manager").get(url("figures"), MARCH).content.decode()
    for testid in ("figures-tiles", "figures-states", "figures-tiers", "figures-instruments"):
        assert f'data-testid="{testid}"' in body
    # three charts, each an image with a title and a description, and a table beside it
    assert body.count('role="img"') == 3
    assert body.count("<title id=") == 3 and body.count("<desc id=") == 3
    assert 'data-testid="figures-comments"' in body
    assert "Отлично, быстро" in body
    # hostile text is escaped, never markup
    assert HOSTILE not in body
    assert "=HYPERLINK(&quot;http://evil.example/&quot;" in body


@pytest.mark.parametrize("role", ["engineer", "observer"])
def test_comments_are_for_managers_only(built, frozen, login, role):
    body = login(role).get(url("figures"), MARCH).content.decode()
    assert 'data-testid="figures-comments"' not in body
    assert "Отлично, быстро" not in body
    assert SECRET not in body


def test_the_page_in_russian_formats_money_and_quarters(built, frozen, login):
    client = login("manager")
    client.cookies["django_language"] = "ru"
    quarter = {"period": "quarter", "year": "2026", "quarter": "1"}
    body = client.get(url("figures"), quarter).content.decode()
    assert "1 кв. 2026" in body
    assert "1\u00a0600,00\u00a0₽" in body
    assert 'lang="ru"' in body


@pytest.mark.parametrize(
    "params",
    [
        {"period": "week"},
        {"period": "month", "month": "13"},
        {"year": "0"},
        {"year": "20260"},
        {"quarter": "x", "period": "quarter"},
    ],
)
def test_a_bad_period_is_a_400_with_a_message(built, frozen, login, params):
    client = login("manager")
    for name in ("figures", "figures_xlsx"):
        response = client.get(url(name), params)
        assert response.status_code == 400
        assert 'data-testid="figures-error"' in response.content.decode()


def _book(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_xlsx(built, frozen, login):
    response = login("manager").get(url("figures_xlsx"), MARCH)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = _book(response)
    assert book.sheetnames == ["Summary", "Requests", "Instruments", "Revenue"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Requests filed in the period"] == 5
    assert summary["To triage: median, days"] == 3
    assert summary["To delivery: 90th percentile, days"] == pytest.approx(22.4)
    assert summary["Revenue"] == 1600
    assert summary["First day"] == dt.datetime(2026, 3, 1)  # a date, not text

    requests = list(book["Requests"].iter_rows(values_only=True))
    header, rows = requests[0], {row[0]: row for row in requests[1:]}
    r1, r2 = built.requests[0], built.requests[1]
    assert rows[r1.pk][header.index("Delivered")] == dt.datetime(2026, 3, 12)
    assert rows[r1.pk][header.index("Days to delivery")] == 10
    assert rows[r1.pk][header.index("On time")] == "yes"
    assert rows[r2.pk][header.index("On time")] == "no"
    # the hostile title stays text: never a formula
    cell = book["Requests"].cell(row=1 + list(rows).index(r2.pk) + 1, column=2)
    assert cell.data_type == "s"
    assert cell.value == "'" + HOSTILE
    # the manager reads a confidential title
    assert rows[built.requests[3].pk][1] == SECRET

    instruments = list(book["Instruments"].iter_rows(values_only=True))
    lathe = next(row for row in instruments if row[0] == "Токарный станок")
    assert lathe[2:5] == (186, 6, 4)
    assert lathe[7] == 38
    press_cell = next(
        row[0] for row in book["Instruments"].iter_rows(min_row=2) if row[0].value != lathe[0]
    )
    assert press_cell.data_type == "s" and press_cell.value.startswith("'=")

    revenue = list(book["Revenue"].iter_rows(min_row=2))
    resident = next(row for row in revenue if row[1].value == "Resident")
    assert resident[2].value == 800
    assert resident[2].number_format == "#,##0.00"


def test_an_engineer_outside_the_nda_reads_no_confidential_title(built, frozen, login):
    book = _book(login("engineer").get(url("figures_xlsx"), MARCH))
    rows = {row[0]: row for row in book["Requests"].iter_rows(min_row=2, values_only=True)}
    # no row at all for the confidential request (not its id, not its dates)
    assert built.requests[3].pk not in rows
    assert built.requests[0].pk in rows
    assert all(SECRET not in str(value) for row in rows.values() for value in row)
    assert all("confidential" not in str(value) for row in rows.values() for value in row)
    # still counted in the totals
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Requests filed in the period"] == 5


def test_an_assigned_engineer_reads_the_confidential_title(built, frozen, client):
    client.force_login(built.centre.other_engineer)
    book = _book(client.get(url("figures_xlsx"), MARCH))
    rows = {row[0]: row for row in book["Requests"].iter_rows(min_row=2, values_only=True)}
    assert rows[built.requests[3].pk][1] == SECRET


def test_an_observer_gets_no_requests_sheet(built, frozen, login):
    book = _book(login("observer").get(url("figures_xlsx"), MARCH))
    assert book.sheetnames == ["Summary", "Instruments", "Revenue"]


def test_the_figures_are_linked_from_the_engineering_nav(built, frozen, login):
    for role in ("manager", "observer"):
        body = login(role).get(url("figures"), MARCH).content.decode()
        assert f'href="{url("figures")}"' in body


# --- the queries ----------------------------------------------------------------------------


def _more(built, n):
    """``n`` more requests with events, charges and instrument bookings."""
    centre = built.centre
    with scopes_disabled():
        for i in range(n):
            request = _request(centre, filed=local(2 + i % 20), state=RequestState.CHARGED)
            _events(
                centre,
                request,
                [
                    (RequestState.TRIAGED, local(3 + i % 20)),
                    (RequestState.QUOTED, local(4 + i % 20)),
                    (RequestState.DELIVERED, local(6 + i % 20)),
                    (RequestState.ACCEPTED, local(7 + i % 20)),
                ],
            )
            request.engineers.add(centre.engineer)
            _quote_n, (line,), _materials = _quote(centre, request, tiers=(Tier.PARTICIPANT,))
            _charge(
                centre,
                request,
                on=dt.date(2026, 3, 20),
                lines=[(ChargeLineKind.DELIVERED, line, Decimal("100.00"), None)],
            )
            Booking.all_parks.create(
                park=request.park,
                resource=built.press,
                booked_by=centre.world.users["manager"],
                starts_at=local(2 + i % 20, hour=9 + i // 20),
                ends_at=local(2 + i % 20, hour=10 + i // 20),
            )


FIGURES_QUERIES = 10


@pytest.mark.parametrize("n", [0, 25])
def test_the_figures_run_a_fixed_number_of_queries(built, django_assert_num_queries, n):
    _more(built, n)
    with scopes_disabled(), django_assert_num_queries(FIGURES_QUERIES):
        figures = engineering_figures(built.centre.world.park, START, END, now=NOW)
    assert figures.filed == 5 + n


# the middleware's (3: session, user, roles), the figures (10), the park switcher (1)
PAGE_QUERIES = 14


@pytest.mark.parametrize("n", [0, 25])
@pytest.mark.parametrize("name", ["figures", "figures_xlsx"])
def test_the_page_and_xlsx_run_a_fixed_number_of_queries(
    built, frozen, login, django_assert_num_queries, n, name
):
    _more(built, n)
    client = login("engineer")
    with django_assert_num_queries(PAGE_QUERIES if name == "figures" else PAGE_QUERIES - 1):
        response = client.get(url(name), MARCH)
    assert response.status_code == 200


# --- the API --------------------------------------------------------------------------------

API = f"/api/v1/parks/{PARK}/engineering/figures"


def test_the_api_returns_the_numbers(built, frozen, login):
    response = login("observer").get(API, {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200
    data = response.json()
    assert data["requests_filed"] == 5
    assert data["to_triage"] == {"count": 5, "median_days": "3.0", "p90_days": "10.6"}
    assert data["on_time"]["share_percent"] == "50.0"
    assert data["revenue"]["total"] == "1600.00"
    assert data["satisfaction"]["distribution"] == [0, 0, 1, 0, 1]
    lathe = next(row for row in data["instruments"] if row["resource_id"] == built.lathe.pk)
    assert lathe["downtime_hours"] == "38.00"
    # numbers only: no request's title, no comment
    assert SECRET not in response.content.decode()
    assert "Отлично" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"end": "2026-03-31"}, "start"),
        ({"start": "2026-03-31", "end": "2026-03-01"}, "end"),
        ({"start": "2024-01-01", "end": "2025-12-31"}, "end"),
        ({"start": "0001-01-01", "end": "2026-03-31"}, "start"),
        ({"start": "2026-02-30", "end": "2026-03-31"}, "start"),
    ],
)
def test_the_api_refuses_a_bad_period_naming_the_field(built, frozen, login, params, field):
    response = login("manager").get(API, params)
    assert response.status_code == 422
    # a query parameter, as pydantic's own refusals of one (the 30 February case) say it
    assert [item["loc"] for item in response.json()["detail"]] == [["query", field]]
    assert all(item["msg"] for item in response.json()["detail"])


@pytest.mark.parametrize(("role", "status"), [("founder", 403), ("expert", 403), ("engineer", 200)])
def test_the_api_follows_the_pages_rule(built, frozen, login, role, status):
    response = login(role).get(API, {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == status


def test_no_link_leads_out_of_the_years_accepted(built, frozen, login):
    body = login("manager").get(url("figures"), {"period": "year", "year": "2100"}).content.decode()
    assert "year=2101" not in body and 'rel="next"' not in body
    assert "year=2099" in body


# --- the reviewer's defects -------------------------------------------------------------------


def _event(request, from_state, to_state, at, actor):
    RequestEvent.all_parks.create(
        park=request.park,
        request=request,
        actor=actor,
        at=at,
        from_state=from_state,
        to_state=to_state,
    )


def test_resuming_from_hold_is_not_a_new_delivery_or_acceptance(built):
    """Delivered 10 March (due 15 March), accepted 10 March and rated, on hold 11 March, resumed
    3 April: still delivered and accepted on 10 March, on time, the rating March's."""
    centre = built.centre
    actor = centre.world.users["manager"]
    with scopes_disabled():
        held = _request(
            centre, filed=local(2), state=RequestState.ACCEPTED, desired_on=dt.date(2026, 3, 15)
        )
        _events(
            centre, held, [(RequestState.IN_WORK, local(3)), (RequestState.DELIVERED, local(10))]
        )
        _event(held, RequestState.DELIVERED, RequestState.ACCEPTED, local(10, hour=15), actor)
        _event(held, RequestState.ACCEPTED, RequestState.ON_HOLD, local(11), actor)
        _event(held, RequestState.ON_HOLD, RequestState.ACCEPTED, local(3, month=4), actor)
        held.rating = 1
        held.save()
        march = engineering_figures(centre.world.park, START, END, now=NOW)
        april = engineering_figures(
            centre.world.park, dt.date(2026, 4, 1), dt.date(2026, 4, 30), now=NOW
        )
    row = next(row for row in march.requests if row.id == held.pk)
    assert row.delivered_at == local(10)
    assert row.accepted_at == local(10, hour=15)
    assert row.on_time is True
    assert march.satisfaction.count == 3  # R1, R2 and this one
    assert march.satisfaction.distribution[0] == 1
    assert held.pk not in {row.id for row in april.requests}
    assert april.satisfaction.distribution[0] == 0


def test_the_utilisation_chart_is_drawn_against_100_percent(built, frozen, login):
    import re

    from technopark.engineering.charts import LABEL_WIDTH, VALUE_WIDTH, WIDTH, Bar, bar_chart

    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    body = login("manager").get(url("figures"), MARCH).content.decode()
    svg = re.search(r'<svg[^>]*id="chart-utilisation".*?</svg>', body, re.S).group(0)
    widths = sorted(int(width) for width in re.findall(r'<rect[^>]*width="(\d+)"', svg))
    # the lathe's 3.2 % is a short bar, not the full length for being the busiest
    assert widths == [0, int(Decimal("3.2") * room / 100)]
    # other charts still scale to their largest value; scale_max only ever widens the scale
    full = bar_chart(chart_id="c", title="t", description="d", bars=[Bar("a", 7, "7")])
    assert f'width="{room}"' in full
    over = bar_chart(
        chart_id="c", title="t", description="d", bars=[Bar("a", 150, "150")], scale_max=100
    )
    assert f'width="{room}"' in over


def test_booked_hours_count_only_inside_the_open_hours(built):
    """A booking across the lathe's closure (10 March 09:00-12:00) and past closing time counts
    12:00-18:00 only; one on the site's holiday (9 March) not at all: utilisation stays a share
    of the hours the lathe could be used."""
    world = built.centre.world
    with scopes_disabled():
        for starts_at, ends_at in (
            (local(10, hour=8), local(10, hour=20)),
            (local(9), local(9, 12)),
        ):
            Booking.all_parks.create(
                park=world.park,
                resource=built.lathe,
                booked_by=world.users["manager"],
                starts_at=starts_at,
                ends_at=ends_at,
                status=BookingStatus.CONFIRMED,
            )
    lathe = next(row for row in _figures(built).instruments if row.resource_id == built.lathe.pk)
    assert lathe.available_hours == Decimal("186.00")
    assert lathe.booked_hours == Decimal("12.00")  # 6 before + 6 on 10 March
    assert lathe.utilisation == Decimal("6.5")


def test_a_lathe_booked_all_month_is_at_most_100_percent(built):
    world = built.centre.world
    with scopes_disabled():
        Booking.all_parks.create(
            park=world.park,
            resource=built.press,
            booked_by=world.users["manager"],
            starts_at=local(1, hour=0),
            ends_at=local(1, hour=0, month=4),
            status=BookingStatus.CONFIRMED,
        )
    press = next(row for row in _figures(built).instruments if row.resource_id == built.press.pk)
    assert press.booked_hours == press.available_hours == Decimal("189.00")
    assert press.utilisation == Decimal("100.0")


def test_hours_across_a_clock_change_and_incidents_of_the_sites_own_period(built):
    """A Berlin site open on Sundays 00:00-06:00: on 29 March 2026 the clocks go forward at 02:00,
    so that night is open 5 hours, not 6. A «down» incident that ended on 28 February 20:00 UTC
    (already March in Yakutsk, still February in Berlin) is not the Berlin instrument's."""
    from tests.factories import SiteFactory

    world = built.centre.world
    berlin = ZoneInfo("Europe/Berlin")
    with scopes_disabled():
        site = SiteFactory(park=world.park, name="Берлин", time_zone="Europe/Berlin")
        OpeningHours.all_parks.create(
            park=world.park, site=site, weekday=6, opens=dt.time(0), closes=dt.time(6)
        )
        oven = Resource.all_parks.create(
            park=world.park, site=site, name="Печь", resource_type=ResourceType.LAB
        )
        Booking.all_parks.create(  # the whole night of the clock change
            park=world.park,
            resource=oven,
            booked_by=world.users["manager"],
            starts_at=dt.datetime(2026, 3, 29, 0, 0, tzinfo=berlin),
            ends_at=dt.datetime(2026, 3, 29, 6, 0, tzinfo=berlin),
            status=BookingStatus.CONFIRMED,
        )
        Incident.all_parks.create(
            park=world.park,
            resource=oven,
            severity=IncidentSeverity.DOWN,
            description="Перегрев",
            opened_at=dt.datetime(2026, 2, 28, 10, 0, tzinfo=dt.UTC),
            closed_at=dt.datetime(2026, 2, 28, 20, 0, tzinfo=dt.UTC),
            resolution="Починили",
        )
    row = next(row for row in _figures(built).instruments if row.resource_id == oven.pk)
    # Sundays 1, 8, 15 and 22 March (6 h each) and 29 March (5 h)
    assert row.available_hours == Decimal("29.00")
    assert row.booked_hours == Decimal("5.00")
    assert (row.downtime_hours, row.down_incidents) == (Decimal("0.00"), 0)


def test_the_russian_wording_of_the_figures():
    from django.utils import translation
    from django.utils.translation import gettext, ngettext

    from technopark.engineering.figures import MAX_DAYS

    with translation.override("ru"):
        severity = str(IncidentSeverity.DOWN.label).split(" ")[0]  # «Неисправен», as the UI says
        assert gettext("«Down» incidents") == f"Инцидентов «{severity}»"
        assert gettext("Ratings") == "Число оценок"
        assert gettext("Give a day from %(first)d to %(last)d.").startswith("Укажите дату ")
        assert "по полосе на прибор" in gettext(
            "Booked hours as a share of the available hours, one bar per instrument; the "
            "table follows."
        )
        for days, word in ((1, "дня"), (21, "дня"), (MAX_DAYS, None)):
            text = ngettext(
                "A period is at most %(days)d day long.",
                "A period is at most %(days)d days long.",
                days,
            ) % {"days": days}
            assert text.startswith("Период — не длиннее")
            if word:
                assert text.endswith(f"{days} {word}.")
        with pytest.raises(ValidationError) as refused:
            check_dates(dt.date(2026, 1, 1), dt.date(2030, 1, 1))
        assert refused.value.message_dict["end"][0].startswith("Период — не длиннее")
