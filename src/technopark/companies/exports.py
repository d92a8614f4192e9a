"""The company list as CSV: one header row, then one row per company, streamed in chunks."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from technopark.companies.models import Company, Stage
from technopark.core.exports import BOM, CHUNK_SIZE, LINES_PER_BLOCK, safe_row, text_cell
from technopark.parks.regions import REGION_CHOICES

# CHUNK_SIZE is read here by the view (``exports.CHUNK_SIZE``).
__all__ = ["CHUNK_SIZE", "csv_lines", "header", "row"]


class _Echo:
    """A file-like object whose ``write`` hands the line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def header() -> list[str]:
    return [
        _("Short name"),
        _("Legal name"),
        _("INN"),
        _("OGRN / OGRNIP"),
        _("Region"),
        _("SME"),
        _("Founded on"),
        pgettext("company stage", "Stage"),
        _("Site"),
        _("Directions"),
        _("Started in the park"),
        _("Supported by the park"),
        _("Website"),
    ]


class _Labels:
    """Labels in the active language, worked out once per export rather than once per row
    (a model's ``get_FOO_display`` rebuilds its choices on every call)."""

    def __init__(self) -> None:
        self.regions = {code: str(label) for code, label in REGION_CHOICES}
        self.stages = {code: str(label) for code, label in Stage.choices}
        self.yes_no = {True: pgettext("yes or no", "yes"), False: pgettext("yes or no", "no")}


def row(company: Company, labels: _Labels) -> list[str]:
    yes_no = labels.yes_no
    return [
        text_cell(company.short_name),
        text_cell(company.legal_name),
        company.inn,
        company.ogrn,
        labels.regions.get(company.region, company.region),
        yes_no[company.is_sme],
        company.founded_on.isoformat() if company.founded_on else "",
        labels.stages.get(company.stage, company.stage),
        text_cell(company.site.display_name) if company.site else "",
        text_cell("; ".join(d.display_name for d in company.directions.all())),
        yes_no[company.started_in_park],
        yes_no[company.supported_by_park],
        text_cell(company.website),
    ]


def csv_lines(companies: Iterable[Company]) -> Iterator[str]:
    """The BOM and header, then the companies as CSV lines (semicolon-separated, RFC 4180 quoting, CRLF).

    Lines are handed out in blocks of ``LINES_PER_BLOCK``, not one by one, so that the server
    writes a few large pieces instead of one small piece per company.
    """
    # Semicolons: Excel in a Russian locale splits on ";" (the decimal comma takes ","), and
    # every other spreadsheet asks or detects it.
    writer: Any = csv.writer(_Echo(), delimiter=";")
    labels = _Labels()
    yield BOM + writer.writerow(header())
    block: list[str] = []
    for company in companies:
        block.append(writer.writerow(safe_row(row(company, labels))))
        if len(block) >= LINES_PER_BLOCK:
            yield "".join(block)
            block = []
    if block:
        yield "".join(block)
