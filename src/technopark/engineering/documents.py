"""The engineering centre's printed documents: a quote and the acceptance act («акт выполненных
работ»), described for ``core.documents`` and rendered as PDF in the reader's language.

What each document says is decided here; how it looks, there. Every text is built inside
``translation.override(language)`` so that the labels, the services' names, the units and tiers,
the dates and the amounts are all in the reader's language; times are the park's, with its zone
named. The same record gives the same bytes (the PDF's creation time is the record's own).

The act's lines come from one function, ``_act_lines``: today the approved quote's lines; when
the delivered quantities are recorded, that function is the one to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from technopark.core.documents import (
    Column,
    Money,
    Paragraph,
    Party,
    PdfDocument,
    Signature,
    Table,
    TotalRow,
    render_pdf,
)
from technopark.core.localtime import local_today, wall_time, zone_name
from technopark.core.money import format_money
from technopark.engineering import queries
from technopark.engineering.models import (
    ZERO,
    ApprovalSide,
    ChargeLineKind,
    LineKind,
    Quote,
    QuoteLine,
    QuoteStatus,
    ServiceRequest,
)


@dataclass(frozen=True)
class ActLine:
    """A line of work the act lists: what, how much, at what price, less what discount."""

    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount: Decimal
    discount_reason: str
    amount: Decimal


def _person(user: object) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "email", "") or "")


def _quantity(value: Decimal) -> Decimal:
    """10.00 as 10, 1.50 as 1.5 (never in exponent notation)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.quantize(Decimal("0.01")).normalize()


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _moment(value: datetime, zone: str) -> str:
    return formats.date_format(wall_time(value, zone), "DATETIME_FORMAT")


def _line_name(line: QuoteLine) -> str:
    if line.kind == LineKind.MATERIALS or line.service is None:
        return line.description
    return line.service.display_name


def _contractor(request: ServiceRequest) -> Party:
    park = request.park
    return Party(
        role=pgettext("party of a document", "Contractor"),
        name=park.display_name,
        details=(_("Engineering centre of the park"),),
    )


def _customer(request: ServiceRequest) -> Party:
    company = request.company
    details = (f"{_('OGRN')} {company.ogrn}",) if company.ogrn else ()
    return Party(
        role=pgettext("party of a document", "Customer"),
        name=company.legal_name or company.short_name,
        inn=company.inn,
        details=details,
    )


def _discount(amount: Decimal, reason: str, currency: str) -> str:
    if not amount:
        return "—"
    shown = format_money(amount, currency)
    return f"{shown}\n{reason}" if reason else shown


def _lines_table(lines: list[ActLine], *, total: Decimal, currency: str, tiers: list[str]) -> Table:
    """The lines as a table: №, what, quantity, unit, (tier,) price, discount, amount; the total."""
    with_tier = bool(tiers)
    columns = [
        Column("№", 0.5, "right"),
        Column(_("Service or materials"), 3.4),
        Column(_("Quantity"), 1.6, "right"),
        Column(pgettext("unit of a service", "Unit"), 1.6),
    ]
    if with_tier:
        columns.append(Column(pgettext("price tier", "Tier"), 1.5))
    columns += [
        Column(_("Price per unit"), 1.7, "right"),
        Column(_("Discount"), 1.7, "right"),
        Column(_("Amount"), 1.9, "right"),
    ]
    rows = []
    for number, line in enumerate(lines, start=1):
        row: list[str | Decimal | Money] = [
            str(number),
            line.description,
            _quantity(line.quantity),
            line.unit or "—",
        ]
        if with_tier:
            row.append(tiers[number - 1] or "—")
        row += [
            Money(line.unit_price, currency),
            _discount(line.discount, line.discount_reason, currency),
            Money(line.amount, currency),
        ]
        rows.append(tuple(row))
    return Table(
        columns=tuple(columns),
        rows=tuple(rows),
        totals=(TotalRow(pgettext("sum of a quote", "Total"), (Money(total, currency),)),),
    )


def _as_act_line(line: QuoteLine) -> ActLine:
    return ActLine(
        description=_line_name(line),
        quantity=line.quantity,
        unit=line.get_unit_display() if line.unit else "",
        unit_price=line.unit_price,
        discount=line.discount,
        discount_reason=line.discount_reason,
        amount=line.amount,
    )


# --- The quote ------------------------------------------------------------------------------


def quote_document(quote: Quote, request: ServiceRequest) -> PdfDocument:
    """What the quote says, in the active language (call inside ``translation.override``)."""
    park = request.park
    zone = park.time_zone
    lines = queries.quote_lines(quote=quote)
    approvals = queries.quote_approvals(quote=quote)
    moment = quote.sent_at or quote.created_at
    facts = [
        _("Request: %(title)s") % {"title": request.title},
        _("Version %(n)d of the quote.") % {"n": quote.version},
    ]
    if quote.expires_on is not None:
        facts.append(_("Valid until %(day)s") % {"day": _day(quote.expires_on)})
    if quote.status == QuoteStatus.DRAFT:
        facts.append(_("A draft: not sent to the company, and not an offer yet."))
    elif quote.status != QuoteStatus.SENT and quote.status != QuoteStatus.APPROVED:
        facts.append(
            _("This version is «%(status)s»: it is no longer on offer.")
            % {"status": quote.get_status_display()}
        )
    body: list[Paragraph | Table] = [
        Paragraph("\n".join(facts)),
        _lines_table(
            [_as_act_line(line) for line in lines],
            total=quote.total,
            currency=quote.currency,
            tiers=[line.get_tier_display() if line.tier else "" for line in lines],
        ),
    ]
    if approvals:
        # whole sentences, one for each side (as on the request's page): a side's name does not
        # decline into «от имени …»
        said = [
            (
                _("Approved by the park's manager %(who)s, %(when)s")
                if approval.side == ApprovalSide.MANAGER
                else _("Approved for the company by %(who)s, %(when)s")
            )
            % {
                "who": _person(approval.approved_by),
                "when": _moment(approval.approved_at, zone),
            }
            for approval in approvals
        ]
        said.append(
            _("Times are in the park's time zone: %(zone)s.")
            % {"zone": zone_name(zone, translation.get_language(), at=approvals[-1].approved_at)}
        )
        body += [Paragraph(pgettext("quote", "Approvals"), bold=True), Paragraph("\n".join(said))]
    elif quote.status == QuoteStatus.SENT:
        body.append(Paragraph(_("Not approved yet.")))
    title = pgettext("document", "Quote")
    return PdfDocument(
        title=title,
        author=park.display_name,
        number=quote.number,
        date=local_today(zone, at=moment),
        parties=(_contractor(request), _customer(request)),
        body=tuple(body),
        subject=request.title,
        created_at=moment,
    )


def render_quote(quote: Quote, request: ServiceRequest, *, language: str) -> bytes:
    """The quote as PDF for a reader of ``language``."""
    with translation.override(language):
        return render_pdf(quote_document(quote, request), language=language)


def quote_filename(quote: Quote) -> str:
    return f"{quote.number or f'draft-v{quote.version}'}.pdf"


# --- The acceptance act ---------------------------------------------------------------------


def _act_lines(request: ServiceRequest) -> list[ActLine]:
    """The work the act lists: what was delivered at the approved quote's prices — the charge's
    lines once the request is charged (adjustments are not work and stay off the act), and
    before that the lines the charge will have (``services.charges``: the recorded quantities,
    the quoted one where nothing was recorded)."""
    from technopark.engineering.services.charges import charge_lines_for, delivered_for

    charge = queries.charge_of(request=request)
    if charge is not None:
        rows = [
            (line.quote_line, line.description, line.quantity, line.unit_price, line.amount)
            for line in charge.lines.all()
            if line.kind != ChargeLineKind.ADJUSTMENT and line.quote_line is not None
        ]
    else:
        rows = [
            (item.quote_line, item.description, item.quantity, item.unit_price, item.amount)
            for item in charge_lines_for(delivered_for(request))
        ]
    return [
        ActLine(
            description=_line_name(quote_line) or description,
            quantity=quantity,
            unit=quote_line.get_unit_display() if quote_line.unit else "",
            unit_price=unit_price,
            discount=(quantity * unit_price).quantize(Decimal("0.01"), ROUND_HALF_UP) - amount,
            discount_reason=quote_line.discount_reason,
            amount=amount,
        )
        for quote_line, description, quantity, unit_price, amount in rows
    ]


def act_document(request: ServiceRequest) -> PdfDocument:
    """What the acceptance act says, in the active language (call inside
    ``translation.override``). For a request whose work is accepted (``rules.has_act``)."""
    park = request.park
    accepted = queries.acceptance_event(request=request)
    moment = accepted.at if accepted is not None else request.changed_at
    lines = _act_lines(request)
    total = sum((line.amount for line in lines), ZERO)
    quote = queries.approved_quote(request=request)
    currency = quote.currency if quote is not None else "RUB"
    facts = [_("Request: %(title)s") % {"title": request.title}]
    if quote is not None:
        facts.append(
            _("Under quote %(number)s, version %(n)d.")
            % {"number": quote.number, "n": quote.version}
        )
    body: list[Paragraph | Table] = [
        Paragraph("\n".join(facts)),
        Paragraph(_("The contractor has done, and the customer has accepted, the following work:")),
        _lines_table(lines, total=total, currency=currency, tiers=[]),
        Paragraph(
            _("Total amount of the work: %(total)s.") % {"total": format_money(total, currency)},
            bold=True,
        ),
        Paragraph(
            _(
                "The work listed above has been done in full and accepted by the customer. The "
                "customer has no claims as to its scope, quality or timing."
            )
        ),
    ]
    responsible = request.responsible
    return PdfDocument(
        title=_("Acceptance act"),
        author=park.display_name,
        number=request.act_number,
        date=local_today(park.time_zone, at=moment),
        parties=(_contractor(request), _customer(request)),
        body=tuple(body),
        signatures=(
            Signature(
                pgettext("party of a document", "Contractor"),
                _person(responsible) if responsible is not None else "",
            ),
            Signature(
                pgettext("party of a document", "Customer"),
                _person(accepted.actor) if accepted is not None else "",
            ),
        ),
        subject=request.title,
        created_at=moment,
    )


def render_act(request: ServiceRequest, *, language: str) -> bytes:
    """The acceptance act as PDF for a reader of ``language``."""
    with translation.override(language):
        return render_pdf(act_document(request), language=language)


def act_filename(request: ServiceRequest) -> str:
    return f"{request.act_number}.pdf"
