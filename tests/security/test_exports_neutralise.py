"""Every export opens, and shows people's text as text, whatever was stored before the input rules.

Rows of the demo park are given hostile values directly in the database (``update``, bypassing
the forms and the API, as rows written before the input rules refused control characters would
be): formulas (``=1+1``, ``+1``, ``-1``, ``@SUM(A1)``), tab- and CR-prefixed names and control
characters. Each export is then downloaded and read back with a real parser (the csv module,
openpyxl's ``load_workbook``, icalendar's ``Calendar.from_ical``): it answers 200, no cell starts
a formula, no control character an XLSX cannot hold is left, and the values are still there.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import CharField, Value
from django.db.models.functions import Concat
from icalendar import Calendar
from openpyxl import load_workbook

from technopark.companies.models import Company
from technopark.core.exports import FORMULA_STARTS, safe_row, text_cell
from technopark.grants.models import Clawback, Disbursement, GrantAward
from technopark.parks.models import Park, Site
from technopark.residency.models import QuarterlyReport, ResidentStatus
from technopark.spaces.models import Booking, Resource
from tests.security.conftest import demo_client

HOSTILE = ("=1+1", "+1", "-1", "@SUM(A1)", "\tTabbed", "\rReturned", "Bell\x07and\x1bEscape")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _each(rows: Any, field: str) -> None:
    """Give the rows ``field`` values from ``HOSTILE`` in turn (each row keeps its own suffix so
    unique constraints hold)."""
    for index, pk in enumerate(rows.order_by("pk").values_list("pk", flat=True)):
        value = HOSTILE[index % len(HOSTILE)]
        rows.model._base_manager.filter(pk=pk).update(
            **{field: Concat(Value(value), "pk", output_field=CharField())}
        )


@pytest.fixture
def hostile_rows(seeded: Park) -> Park:
    park = seeded
    companies = Company.all_parks.filter(park=park)
    for field in ("short_name", "legal_name", "website"):
        _each(companies, field)
    for field in ("name", "name_en"):  # the name shown in each language
        _each(Site.all_parks.filter(park=park), field)
        _each(Resource.all_parks.filter(park=park), field)
    _each(Booking.all_parks.filter(park=park), "title")
    _each(ResidentStatus.all_parks.filter(park=park), "agreement_number")
    _each(QuarterlyReport.all_parks.filter(park=park), "ip_note")
    _each(GrantAward.all_parks.filter(park=park), "decision_reference")
    _each(Disbursement.objects.filter(award__park=park), "payment_reference")
    _each(Clawback.objects.filter(award__park=park), "reason")
    return park


def _texts_of_workbook(content: bytes) -> Iterator[str]:
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            yield from (value for value in row if isinstance(value, str))


def _texts_of_csv(content: bytes) -> Iterator[str]:
    text = content.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=";"):
        yield from row


def _assert_neutral(texts: list[str], where: str) -> None:
    for text in texts:
        assert not text.startswith(FORMULA_STARTS), (where, text)
        assert not CONTROL.search(text), (where, text)
    shown = "\n".join(texts)
    assert "'=1+1" in shown or "'+1" in shown or "'-1" in shown, where  # hostile rows are there


def _download(client: Any, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_every_export_neutralises_stored_formulas_and_control_characters(
    hostile_rows: Park,
) -> None:
    park = hostile_rows
    manager = demo_client("manager")
    slug = park.slug
    # CSV
    for url in (f"/{slug}/companies/export.csv", f"/{slug}/residents/register.csv"):
        _assert_neutral(list(_texts_of_csv(_download(manager, url))), url)
    # XLSX
    report = QuarterlyReport.all_parks.filter(park=park).order_by("-year", "-quarter").first()
    assert report is not None
    for url in (
        f"/{slug}/grants/export.xlsx",
        f"/{slug}/spaces/occupancy.xlsx",
        f"/{slug}/residents/staff/reports/export.xlsx?year={report.year}&quarter={report.quarter}",
    ):
        _assert_neutral(list(_texts_of_workbook(_download(manager, url))), url)


@pytest.mark.django_db
def test_the_grant_ledger_exports_a_payment_reference_with_control_characters(
    seeded: Park,
) -> None:
    # The case: one such value made the ledger's XLSX answer 500 for every manager.
    payment = Disbursement.objects.filter(award__park=seeded).order_by("pk").first()
    assert payment is not None
    # (no NUL: PostgreSQL cannot store one, so no old row holds it)
    Disbursement.objects.filter(pk=payment.pk).update(payment_reference="PP-1\x01\x1f\x0b")
    texts = list(
        _texts_of_workbook(_download(demo_client("manager"), f"/{seeded.slug}/grants/export.xlsx"))
    )
    assert "PP-1\ufffd\ufffd\ufffd" in texts


@pytest.mark.django_db
def test_the_ical_feed_opens_with_stored_control_characters(hostile_rows: Park) -> None:
    park = hostile_rows
    booking = (
        Booking.all_parks.filter(park=park, booked_by__isnull=False)
        .select_related("booked_by")
        .order_by("pk")
        .first()
    )
    assert booking is not None
    Booking.all_parks.filter(booked_by=booking.booked_by).update(title="Bell\x07\x1b=1+1")
    client = demo_client("anonymous")
    client.force_login(booking.booked_by)
    page = client.post(f"/{park.slug}/spaces/feeds/", follow=True)
    assert page.status_code == 200
    link = re.search(rf"/{park.slug}/spaces/feeds/[^\"'<\s]+\.ics", page.content.decode())
    assert link is not None, "the feed's link is shown after it is made"
    calendar = Calendar.from_ical(_download(client, link.group()))
    texts = [
        str(component.get(name))
        for component in calendar.walk("VEVENT")
        for name in ("summary", "description", "location")
        if component.get(name) is not None
    ]
    assert texts
    assert not any(CONTROL.search(text) for text in texts)
    assert any("Bell\ufffd\ufffd=1+1" in text for text in texts)


def test_a_cell_keeps_numbers_and_neutralises_text() -> None:
    assert safe_row(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", 5, -3.5, None]) == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        5,
        -3.5,
        None,
    ]
    assert text_cell("a\x00b\x1fc\td\ne") == "a\ufffdb\ufffdc\td\ne"
    assert text_cell("\x01=1") == "\ufffd=1"  # not a formula once the control is replaced
