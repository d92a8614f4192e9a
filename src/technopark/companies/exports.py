"""The company list as CSV: one header row, then one row per company, streamed in chunks."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from technopark.companies.models import Company

BOM = "\ufeff"  # lets Excel recognise UTF-8, so Cyrillic names open correctly
CHUNK_SIZE = 2000  # rows per database round trip; directions are fetched once per chunk

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose ``write`` hands the line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def header() -> list[str]:
    return [
        _("Short name"),
        _("Legal name"),
        _("INN"),
        _("OGRN / OGRNIP"),
        _("Region"),
        _("SME"),
        _("Founded on"),
        _("Stage"),
        _("Site"),
        _("Directions"),
        _("Started in the park"),
        _("Supported by the park"),
        _("Website"),
    ]


def row(company: Company) -> list[str]:
    return [
        _cell(company.short_name),
        _cell(company.legal_name),
        company.inn,
        company.ogrn,
        str(company.get_region_display()),
        _yes_no(company.is_sme),
        company.founded_on.isoformat() if company.founded_on else "",
        str(company.get_stage_display()),
        _cell(company.site.display_name) if company.site else "",
        _cell("; ".join(d.display_name for d in company.directions.all())),
        _yes_no(company.started_in_park),
        _yes_no(company.supported_by_park),
        _cell(company.website),
    ]


def csv_lines(companies: Iterable[Company]) -> Iterator[str]:
    """The BOM and header, then each company as one CSV line (RFC 4180 quoting, CRLF)."""
    writer: Any = csv.writer(_Echo())
    yield BOM + writer.writerow(header())
    for company in companies:
        yield writer.writerow(row(company))
