"""Exports: the public register as CSV, a quarter's reports as XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from technopark.core.exports import BOM, CHUNK_SIZE, LINES_PER_BLOCK, safe_row, text_cell
from technopark.core.localtime import wall_time
from technopark.residency.models import QuarterlyReport, ResidentState, ResidentStatus
from technopark.residency.schedule import Quarter

__all__ = ["CHUNK_SIZE", "register_csv_lines", "reports_xlsx"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def register_header() -> list[str]:
    return [
        _("Short name"),
        _("Legal name"),
        _("INN"),
        _("OGRN / OGRNIP"),
        _("Agreement number"),
        _("Agreement date"),
        pgettext("table heading", "Status"),
        _("Status since"),
        _("End date"),
        _("Directions"),
        _("Site"),
    ]


def register_row(resident: ResidentStatus, states: dict[str, str]) -> list[str]:
    company = resident.company
    return [
        text_cell(company.short_name),
        text_cell(company.legal_name),
        company.inn,
        company.ogrn,
        text_cell(resident.agreement_number),
        resident.start_date.isoformat(),
        states.get(resident.status, resident.status),
        resident.status_since.isoformat(),
        resident.end_date.isoformat() if resident.end_date else "",
        text_cell("; ".join(d.display_name for d in resident.directions.all())),
        text_cell(resident.site.display_name) if resident.site else "",
    ]


def register_csv_lines(residents: Iterable[ResidentStatus]) -> Iterator[str]:
    """The BOM and header, then one line per resident: semicolon-separated, CRLF, in blocks."""
    writer: Any = csv.writer(_Echo(), delimiter=";")
    states = {code: str(label) for code, label in ResidentState.choices}
    yield BOM + writer.writerow(register_header())
    block: list[str] = []
    for resident in residents:
        block.append(writer.writerow(safe_row(register_row(resident, states))))
        if len(block) >= LINES_PER_BLOCK:
            yield "".join(block)
            block = []
    if block:
        yield "".join(block)


MONEY_COLUMNS = ("revenue", "taxes_paid", "investment_raised", "rnd_spending", "exports")
MONEY_FORMAT = "#,##0.00"


def reports_xlsx(reports: Iterable[QuarterlyReport], *, quarter: Quarter, tz: str) -> bytes:
    """A workbook with one sheet: a row per report; money as numbers (two decimals), counts as
    whole numbers, the filing time in the park's time zone."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(quarter))
    bold = Font(bold=True)
    headers = [
        _("Short name"),
        _("Legal name"),
        _("INN"),
        _("Agreement number"),
        _("Year"),
        _("Quarter"),
        _("Revenue, ₽"),
        _("Taxes paid, ₽"),
        _("Investment raised, ₽"),
        _("R&D spending, ₽"),
        _("Exports, ₽"),
        _("Headcount"),
        _("Intellectual property registered"),
        _("Intellectual property, details"),
        pgettext("quarterly report: when filed", "Filed"),
        pgettext("quarterly report: the park's check", "Review"),
        _("Note of the review"),
    ]
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for report in reports:
        row: list[Any] = [
            text_cell(report.company.short_name),
            text_cell(report.company.legal_name),
            report.company.inn,
            text_cell(report.resident.agreement_number),
            report.year,
            report.quarter,
        ]
        for name in MONEY_COLUMNS:
            cell = WriteOnlyCell(sheet, value=getattr(report, name))
            cell.number_format = MONEY_FORMAT
            row.append(cell)
        row.extend([report.headcount, report.ip_registered, text_cell(report.ip_note)])
        filed = WriteOnlyCell(sheet, value=wall_time(report.submitted_at, tz))
        filed.number_format = "yyyy-mm-dd hh:mm"
        row.append(filed)
        row.extend([text_cell(str(report.get_review_display())), text_cell(report.review_note)])
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
