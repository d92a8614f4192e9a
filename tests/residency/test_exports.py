"""A quarter's reports as XLSX, opened with openpyxl: headers, values, numeric money cells."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from tests.factories import CompanyFactory
from tests.residency.conftest import admit, current, file_report

XLSX = "/yakutia/residents/staff/reports/export.xlsx"


def open_sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.content))
    return book.worksheets[0]


def test_xlsx_holds_the_quarters_reports(world, client_for, resident):
    file_report(resident, current(), revenue=Decimal("1250000.50"), headcount=7)
    other = admit(world.other_company)
    file_report(other, current(), revenue=Decimal("99.99"), exports=Decimal("10"))
    earlier = current().previous()
    file_report(other, earlier, revenue=Decimal("5"))  # another quarter: not in this export
    q = current()
    response = client_for("manager").get(XLSX, {"year": q.year, "quarter": q.quarter})
    assert f"reports-yakutia-{q.year}-q{q.quarter}.xlsx" in response["Content-Disposition"]
    sheet = open_sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Short name", "Legal name", "INN")
    assert "Revenue, ₽" in header and "Headcount" in header
    assert len(rows) == 3
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    first = by_name[world.company.short_name]
    assert first["INN"] == world.company.inn
    assert first["Year"] == q.year and first["Quarter"] == q.quarter
    assert first["Revenue, ₽"] == 1250000.5
    assert first["Headcount"] == 7
    assert by_name[world.other_company.short_name]["Exports, ₽"] == 10
    # Money cells are numbers with two decimals, not text.
    revenue_column = header.index("Revenue, ₽") + 1
    for row in range(2, 4):
        cell = sheet.cell(row=row, column=revenue_column)
        assert cell.data_type == "n"
        assert isinstance(cell.value, (int, float))
        assert cell.number_format == "#,##0.00"


def test_xlsx_of_an_empty_quarter_has_the_header_only(client_for, resident):
    sheet = open_sheet(client_for("observer").get(XLSX, {"year": 2001, "quarter": 1}))
    assert len(list(sheet.iter_rows(values_only=True))) == 1


def test_xlsx_bad_quarter_falls_back_to_the_current_one(world, client_for, resident):
    file_report(resident, current())
    sheet = open_sheet(client_for("manager").get(XLSX, {"year": "x", "quarter": "7"}))
    assert sheet.title == str(current())
    assert len(list(sheet.iter_rows(values_only=True))) == 2


def test_xlsx_keeps_formulas_as_text(world, client_for):
    company = CompanyFactory(park=world.park, short_name="=1+2")
    file_report(admit(company), current())
    sheet = open_sheet(client_for("manager").get(XLSX))
    assert sheet.cell(row=2, column=1).value == "'=1+2"
