"""The CSV export of the company list: filters, columns, encoding, streaming, queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.http import StreamingHttpResponse

from technopark.companies.models import Stage
from tests.factories import CompanyFactory, DirectionFactory

URL = "/yakutia/companies/export.csv"

HEADER_EN = [
    "Short name",
    "Legal name",
    "INN",
    "OGRN / OGRNIP",
    "Region",
    "SME",
    "Founded on",
    "Stage",
    "Site",
    "Directions",
    "Started in the park",
    "Supported by the park",
    "Website",
]


def fetch(client: Any, params: dict[str, Any] | None = None) -> tuple[Any, bytes]:
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def parse(raw: bytes) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_export_is_a_streamed_utf8_csv_attachment(world, client_for):
    response, raw = fetch(client_for("manager"))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="companies-yakutia-')
    rows = parse(raw)
    assert len(rows) == 3  # the header and the park's two companies, none of another park
    assert "Колыма Софт" not in raw.decode("utf-8")


def test_export_columns(world, client_for):
    company = world.company
    company.founded_on = dt.date(2022, 4, 5)
    company.website = "https://sever.example.org"
    company.supported_by_park = True
    company.stage = Stage.PRODUCTION
    company.save()
    child = DirectionFactory(
        park=world.park, parent=world.direction, name="Игры", name_en="Games", position=5
    )
    company.directions.add(child)
    client = client_for("observer")
    client.cookies["django_language"] = "en"
    rows = parse(fetch(client, {"q": "северный"})[1])
    assert rows[0] == HEADER_EN
    assert rows[1] == [
        "Северный код",
        company.legal_name,
        company.inn,
        company.ogrn,
        "Sakha Republic (Yakutia)",
        "yes",
        "2022-04-05",
        "Start of production",
        "IT-парк",
        f"{world.direction.name_en}; Games",
        "no",
        "yes",
        "https://sever.example.org",
    ]


def test_export_keeps_the_filters(world, client_for):
    CompanyFactory(park=world.park, short_name="На рынке", stage=Stage.MARKET)
    client = client_for("manager")
    rows = parse(fetch(client, {"stage": "market"})[1])
    assert [r[0] for r in rows[1:]] == ["На рынке"]
    rows = parse(fetch(client, {"direction": world.direction.pk})[1])
    assert [r[0] for r in rows[1:]] == ["Северный код"]
    rows = parse(fetch(client, {"sort": "-name"})[1])
    assert [r[0] for r in rows[1:]] == ["Северный код", "На рынке", "Мерзлота Лаб"]


def test_export_header_follows_the_language(world, client_for):
    client = client_for("manager")
    client.cookies["django_language"] = "en"
    assert parse(fetch(client)[1])[0] == HEADER_EN


def test_export_defuses_spreadsheet_formulas(world, client_for):
    CompanyFactory(park=world.park, short_name="=HYPERLINK(1)", legal_name="@SUM(A1)")
    rows = parse(fetch(client_for("manager"), {"q": "hyperlink"})[1])
    assert rows[1][:2] == ["'=HYPERLINK(1)", "'@SUM(A1)"]


def test_export_quotes_commas_quotes_and_newlines(world, client_for):
    CompanyFactory(park=world.park, short_name='Код, "Север"', legal_name="две\nстроки")
    rows = parse(fetch(client_for("manager"), {"q": "код,"})[1])
    assert rows[1][:2] == ['Код, "Север"', "две\nстроки"]


@pytest.mark.parametrize("n_companies", [3, 30])
def test_export_query_count_does_not_grow(
    world, client_for, django_assert_num_queries, n_companies
):
    for _ in range(n_companies):
        CompanyFactory(park=world.park).directions.add(world.direction)
    client = client_for("manager")
    # user, park, the visitor's roles (middleware: 3; the session comes from the cache); the rows
    # with their sites; the directions of each chunk of up to 2,000 rows (one chunk here).
    with django_assert_num_queries(5):
        response = client.get(URL)
        rows = parse(b"".join(response.streaming_content))
    assert len(rows) == n_companies + 3


def test_directions_are_fetched_once_per_chunk(world, client_for, django_assert_num_queries):
    from technopark.companies import exports

    for _ in range(5):
        CompanyFactory(park=world.park).directions.add(world.direction)
    original = exports.CHUNK_SIZE
    exports.CHUNK_SIZE = 3  # 7 companies → 3 chunks → 3 queries for directions
    try:
        client = client_for("manager")
        with django_assert_num_queries(3 + 1 + 3):
            response = client.get(URL)
            rows = parse(b"".join(response.streaming_content))
    finally:
        exports.CHUNK_SIZE = original
    assert len(rows) == 8
    # English is the language of the tests, so the direction shows its English name.
    assert sum(1 for r in rows[1:] if r[9] == world.direction.name_en) == 6
