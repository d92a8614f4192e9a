"""The engineering figures as XLSX: sheets «Summary», «Requests», «Instruments», «Revenue».

Dates are dates (the park's local day of each step), money is a number with a ``#,##0.00``
format, days and hours numbers with one or two decimals; every text goes through
``core.exports.safe_row``, so a title such as ``=HYPERLINK(…)`` stays text. The «Requests» sheet
is written only for readers who may see requests by name (``rules.figures_name_requests``), and
a confidential request outside the reader's NDA has no row in it at all (not even its id or its
dates): it counts in the «Summary» totals only.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from technopark.core.exports import safe_row
from technopark.core.localtime import to_local
from technopark.engineering.figures import EngineeringFigures, RequestRow, Turnaround

MONEY_FORMAT = "#,##0.00"
DAYS_FORMAT = "0.0"
HOURS_FORMAT = "0.00"
DATE_FORMAT = "DD.MM.YYYY"

#: (title, company) of a request as the reader may read them, None for a request the reader may
#: not read (left out of the «Requests» sheet)
Names = Callable[[RequestRow], tuple[str, str] | None]


def _header(sheet: WriteOnlyWorksheet, names: list[str]) -> None:
    row = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        row.append(cell)
    sheet.append(row)


def _number(sheet: WriteOnlyWorksheet, value: Decimal | None, number_format: str) -> Any:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _day(sheet: WriteOnlyWorksheet, value: datetime | None, zone: str) -> Any:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=to_local(value, zone).date())
    cell.number_format = DATE_FORMAT
    return cell


def figures_xlsx(
    *,
    figures: EngineeringFigures,
    period_label: str,
    zone: str,
    names: Names | None,
) -> bytes:
    """The workbook of ``figures``; ``names`` gives a request's title and company as the reader
    may read them, or is None to leave the «Requests» sheet out (observers)."""
    book = Workbook(write_only=True)

    sheet: Any = book.create_sheet(pgettext("sheet", "Summary"))
    _header(sheet, [pgettext("table heading", "Figure"), pgettext("table heading", "Value")])
    start = WriteOnlyCell(sheet, value=figures.start)
    start.number_format = DATE_FORMAT
    end = WriteOnlyCell(sheet, value=figures.end)
    end.number_format = DATE_FORMAT
    rows: list[list[Any]] = [
        [pgettext("span of time", "Period"), period_label],
        [_("First day"), start],
        [_("Last day"), end],
        [_("Requests filed in the period"), figures.filed],
        [_("Requests in the park now"), figures.total_requests],
    ]
    rows += [[_("Now «%(state)s»") % {"state": row.label}, row.count] for row in figures.states]
    for label, found in (
        (_("To triage"), figures.to_triage),
        (_("To quote"), figures.to_quote),
        (_("To delivery"), figures.to_delivery),
    ):
        rows += _turnaround_rows(sheet, label, found)
    rows += [
        [_("Delivered in the period"), figures.on_time.delivered],
        [_("Delivered with a due date"), figures.on_time.with_date],
        [_("Delivered on time"), figures.on_time.on_time],
        [_("On time, %"), _number(sheet, figures.on_time.share, DAYS_FORMAT)],
        [_("Ratings"), figures.satisfaction.count],
        [_("Mean rating"), _number(sheet, figures.satisfaction.mean, HOURS_FORMAT)],
    ]
    rows += [
        [_("Rated %(stars)d") % {"stars": stars}, count]
        for stars, count in enumerate(figures.satisfaction.distribution, start=1)
    ]
    rows.append([_("Revenue"), _number(sheet, figures.revenue.total, MONEY_FORMAT)])
    for row in rows:
        sheet.append(safe_row(row))

    if names is not None:
        sheet = book.create_sheet(_("Requests"))
        _header(
            sheet,
            [
                _("Request ID"),
                pgettext("service request", "Title"),
                _("Company"),
                pgettext("table heading", "State"),
                pgettext("service request", "Filed"),
                pgettext("service request", "Triaged"),
                pgettext("service request", "Quoted"),
                pgettext("service request", "Delivered"),
                pgettext("service request", "Accepted"),
                _("Due date"),
                _("Days to triage"),
                _("Days to quote"),
                _("Days to delivery"),
                _("On time"),
            ],
        )
        for request in figures.requests:
            named = names(request)
            if named is None:
                continue  # outside the reader's NDA: in the totals only
            title, company = named
            on_time = (
                ""
                if request.on_time is None
                else (pgettext("on time", "yes") if request.on_time else pgettext("on time", "no"))
            )
            due = None
            if request.due_on is not None:
                due = WriteOnlyCell(sheet, value=request.due_on)
                due.number_format = DATE_FORMAT
            sheet.append(
                safe_row(
                    [
                        request.id,
                        title,
                        company,
                        request.state_label,
                        _day(sheet, request.filed_at, zone),
                        _day(sheet, request.triaged_at, zone),
                        _day(sheet, request.quoted_at, zone),
                        _day(sheet, request.delivered_at, zone),
                        _day(sheet, request.accepted_at, zone),
                        due,
                        _number(sheet, request.days_to_triage, DAYS_FORMAT),
                        _number(sheet, request.days_to_quote, DAYS_FORMAT),
                        _number(sheet, request.days_to_delivery, DAYS_FORMAT),
                        on_time,
                    ]
                )
            )

    sheet = book.create_sheet(_("Instruments"))
    _header(
        sheet,
        [
            _("Instrument"),
            _("Site"),
            _("Available hours"),
            _("Booked hours"),
            _("Hours for work orders"),
            _("Utilisation, %"),
            _("Work-order utilisation, %"),
            _("Downtime hours"),
            _("«Down» incidents"),
        ],
    )
    for instrument in figures.instruments:
        sheet.append(
            safe_row(
                [
                    instrument.name,
                    instrument.site,
                    _number(sheet, instrument.available_hours, HOURS_FORMAT),
                    _number(sheet, instrument.booked_hours, HOURS_FORMAT),
                    _number(sheet, instrument.work_order_hours, HOURS_FORMAT),
                    _number(sheet, instrument.utilisation, DAYS_FORMAT),
                    _number(sheet, instrument.work_order_utilisation, DAYS_FORMAT),
                    _number(sheet, instrument.downtime_hours, HOURS_FORMAT),
                    instrument.down_incidents,
                ]
            )
        )

    sheet = book.create_sheet(_("Revenue"))
    _header(
        sheet,
        [_("Grouped by"), pgettext("table heading", "Group"), _("Amount"), _("Currency")],
    )
    currency = figures.revenue.currency
    for grouping, rows_of in (
        (_("Price tier"), figures.revenue.by_tier),
        (pgettext("who pays", "Payer"), figures.revenue.by_payer),
    ):
        for revenue in rows_of:
            sheet.append(
                safe_row(
                    [
                        grouping,
                        revenue.label,
                        _number(sheet, revenue.amount, MONEY_FORMAT),
                        currency,
                    ]
                )
            )
    sheet.append(
        safe_row(
            [
                pgettext("sum", "Total"),
                "",
                _number(sheet, figures.revenue.total, MONEY_FORMAT),
                currency,
            ]
        )
    )

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _turnaround_rows(sheet: WriteOnlyWorksheet, label: str, found: Turnaround) -> list[list[Any]]:
    return [
        [_("%(step)s: requests") % {"step": label}, found.count],
        [
            _("%(step)s: median, days") % {"step": label},
            _number(sheet, found.median_days, DAYS_FORMAT),
        ],
        [
            _("%(step)s: 90th percentile, days") % {"step": label},
            _number(sheet, found.p90_days, DAYS_FORMAT),
        ],
    ]
