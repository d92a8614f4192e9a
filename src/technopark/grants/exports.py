"""The accountants' XLSX: awards, tranches, payments and clawbacks of a park, per cohort and period.

Money cells are numbers (Decimal written as a number with a ``#,##0.00`` format), never text;
text that a spreadsheet would run as a formula is kept as text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from technopark.core.exports import safe_row
from technopark.grants.models import Clawback, Disbursement, GrantAward, Tranche, TrancheStatus

MONEY_FORMAT = "#,##0.00"


def _header(sheet: WriteOnlyWorksheet, names: list[str]) -> None:
    row = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        row.append(cell)
    sheet.append(row)


def _money(sheet: WriteOnlyWorksheet, value: Decimal) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = MONEY_FORMAT
    return cell


def grants_xlsx(
    *,
    awards: Iterable[GrantAward],
    tranches: Iterable[Tranche],
    payments: Iterable[Disbursement],
    clawbacks: Iterable[Clawback],
) -> bytes:
    book = Workbook(write_only=True)
    statuses = dict(TrancheStatus.choices)

    sheet: Any = book.create_sheet(_("Awards"))
    _header(
        sheet,
        [
            _("Award ID"),
            _("Company"),
            _("INN"),
            _("Cohort"),
            _("Decision reference"),
            _("Decision date"),
            _("Currency"),
            _("Awarded"),
            pgettext("amount paid", "Paid"),
            _("Clawed back"),
            _("Remaining"),
        ],
    )
    for award in awards:
        company = award.participant.company
        sheet.append(
            safe_row(
                [
                    award.pk,
                    company.short_name,
                    company.inn,
                    award.participant.cohort.name,
                    award.decision_reference,
                    award.decided_on,
                    award.currency,
                    _money(sheet, award.amount),
                    _money(sheet, award.paid_total),
                    _money(sheet, award.clawed_back_total),
                    _money(sheet, award.remaining),
                ]
            )
        )

    sheet = book.create_sheet(_("Tranches"))
    _header(
        sheet,
        [
            _("Award ID"),
            _("Company"),
            _("Tranche"),
            _("Milestone"),
            _("Due date"),
            _("Amount"),
            pgettext("table heading", "Status"),
            _("Approvals"),
            _("Payment reference"),
        ],
    )
    for tranche in tranches:
        disbursement = (
            getattr(tranche, "disbursement", None) if tranche.status == TrancheStatus.PAID else None
        )
        sheet.append(
            safe_row(
                [
                    tranche.award_id,
                    tranche.award.participant.company.short_name,
                    tranche.number,
                    tranche.milestone.title,
                    tranche.milestone.due_on,
                    _money(sheet, tranche.amount),
                    str(statuses.get(tranche.status, tranche.status)),
                    getattr(tranche, "approval_count", 0),
                    disbursement.payment_reference if disbursement else "",
                ]
            )
        )

    sheet = book.create_sheet(_("Payments"))
    _header(
        sheet,
        [
            _("Award ID"),
            _("Company"),
            _("INN"),
            _("Tranche"),
            _("Payment date"),
            _("Amount"),
            _("Payment reference"),
            _("Paid by"),
        ],
    )
    for payment in payments:
        company = payment.award.participant.company
        sheet.append(
            safe_row(
                [
                    payment.award_id,
                    company.short_name,
                    company.inn,
                    payment.tranche.number,
                    payment.paid_on,
                    _money(sheet, payment.amount),
                    payment.payment_reference,
                    payment.paid_by.email,
                ]
            )
        )

    sheet = book.create_sheet(_("Clawbacks"))
    _header(
        sheet,
        [
            _("Award ID"),
            _("Company"),
            pgettext("table heading", "Date"),
            _("Amount"),
            _("Reference"),
            pgettext("table heading", "Reason"),
        ],
    )
    for clawback in clawbacks:
        sheet.append(
            safe_row(
                [
                    clawback.award_id,
                    clawback.award.participant.company.short_name,
                    clawback.decided_on,
                    _money(sheet, clawback.amount),
                    clawback.reference,
                    clawback.reason,
                ]
            )
        )

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
