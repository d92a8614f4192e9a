"""The occupancy report as an XLSX workbook: resources, types and sites, one sheet each."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from technopark.core.exports import safe_row
from technopark.spaces.queries import Occupancy, OccupancyRow


def _sheet_rows(rows: list[OccupancyRow]) -> list[list[object]]:
    return [
        [
            row.site,
            row.resource_type,
            row.label,
            round(row.open_minutes / 60, 2),
            round(row.booked_minutes / 60, 2),
            round(row.utilisation, 4),
            row.bookings,
            row.no_shows,
            round(row.no_show_rate, 4),
        ]
        for row in rows
    ]


def occupancy_xlsx(data: Occupancy) -> bytes:
    workbook = Workbook()
    header = [
        _("Site"),
        pgettext("resource type", "Type"),
        pgettext("name of a thing", "Name"),
        _("Open hours"),
        _("Booked hours"),
        _("Utilisation"),
        _("Bookings"),
        _("No-shows"),
        _("No-show rate"),
    ]
    sheets = ((_("Resources"), data.resources), (_("Types"), data.types), (_("Sites"), data.sites))
    for index, (title, rows) in enumerate(sheets):
        sheet = workbook.create_sheet() if index else workbook.worksheets[0]
        sheet.title = str(title)[:31]
        sheet.append(
            [
                pgettext("start of a time range", "From"),
                data.first_day.isoformat(),
                pgettext("end of a time range", "To"),
                data.last_day.isoformat(),
            ]
        )
        sheet.append([str(cell) for cell in header])
        for line in _sheet_rows(rows):
            sheet.append(safe_row(line))  # names are people's text: never a formula
        for cell in sheet["F"][2:] + sheet["I"][2:]:
            cell.number_format = "0.0%"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
