"""Printable documents as PDF: quotes, acceptance acts, certificates, tickets — one small typed API.

An app describes a document with the dataclasses below (a title, a number and a date, the parties,
a body of paragraphs and tables, signature lines) and ``render_pdf(doc, language=...)`` returns the
PDF's bytes. The app decides what a document says; this module decides how every document of the
platform looks and guarantees that any text at all can be printed.

**The library and the font.** fpdf2 (pure Python, from the package index alone) draws the pages;
the font is PT Sans — ParaType's typeface made for Russian public use, under the SIL Open Font
Licence — from the ``fontpkg-pt-sans`` package, so nothing is copied into the repository and no
system package is needed. PT Sans has Cyrillic, Latin, «», №, — and the rouble sign ₽.

**Guarantees.**

- Text is drawn literally: no markup is interpreted (``<b>``, ``**``, ``%PDF``, ``)`` and ``\\``
  print as themselves); fpdf2 writes glyph identifiers, never the text, into the page's stream.
- Any ``str`` can be printed: control and format characters are dropped (a tab becomes a space, a
  carriage return a line break), and a character the font lacks prints as ``?``.
- Long cell text wraps inside its column; a table longer than a page continues on the next page
  with its heading row repeated; a cell too tall for a page is cut with "…" (put long text in a
  ``Paragraph``, which flows over pages).
- Dates and numbers are written for the reader: ``render_pdf`` switches to ``language`` for the
  labels, the date (Django's ``DATE_FORMAT``) and the amounts (``core.money``).
- The title, the author (the park's name) and the language are in the file's metadata; given
  ``created_at``, the same document gives the same bytes.

A view answers with ``pdf_response(render_pdf(doc, language=...), filename=...)``; rendering takes
about a tenth of a second a page, so a batch of documents (every certificate of an event) belongs
in a background task.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal, cast

from django.http import HttpResponse
from django.utils import formats, timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, TableHeadingsDisplay
from fpdf.fonts import FontFace

from technopark.core.money import format_money

__all__ = [
    "Column",
    "DocumentError",
    "Money",
    "Paragraph",
    "Party",
    "PdfDocument",
    "Signature",
    "Table",
    "TotalRow",
    "clean_text",
    "font_glyphs",
    "pdf_response",
    "render_pdf",
]

Align = Literal["left", "center", "right"]

FONT_FAMILY = "PT Sans"
FONT = "ptsans"  # the name the font is registered under in each document
BODY_SIZE = 10.0
TABLE_SIZE = 9.0
TITLE_SIZE = 15.0
LINE = 5.0  # mm per line of body text
TABLE_LINE = 4.5  # mm per line of table text
CELL_PADDING = 1.2  # mm around a cell's text
# A cell taller than this many lines is cut: a table row must fit on one page (A4 holds about
# 55 lines of table text between the margins, less the repeated heading row).
MAX_CELL_LINES = 40
MAX_COLUMNS = 12
MIN_COLUMN_WIDTH = 6.0  # mm: a few characters, and the cell's padding
MISSING = "?"
PAGES_ALIAS = "{nb}"
ELLIPSIS = "…"


class DocumentError(ValueError):
    """A document described wrongly by the code that built it (not by what people typed)."""


@dataclass(frozen=True, slots=True)
class Money:
    """An amount for the reader: ``1 600 000,00 ₽`` in Russian, ``RUB 1,600,000.00`` in English."""

    amount: Decimal
    currency: str = "RUB"


CellValue = str | int | Decimal | Money


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its heading, its share of the table's width and its alignment (numbers and
    money to the right, text to the left when not given)."""

    heading: str
    width: float = 1.0
    align: Align | None = None

    def __post_init__(self) -> None:
        if not self.width > 0:
            raise DocumentError("A column's width must be positive.")


@dataclass(frozen=True, slots=True)
class TotalRow:
    """A row under the table's rows: ``label`` spans the leading columns, right-aligned and bold,
    and ``values`` fill the last ``len(values)`` columns ("Total" … ``Money(amount)``)."""

    label: str
    values: tuple[CellValue, ...]


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[CellValue, ...], ...]
    totals: tuple[TotalRow, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= len(self.columns) <= MAX_COLUMNS:
            raise DocumentError(f"A table has 1 to {MAX_COLUMNS} columns.")
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise DocumentError(
                    f"Row {number} has {len(row)} cells for {len(self.columns)} columns."
                )
        for total in self.totals:
            if not 1 <= len(total.values) < len(self.columns):
                raise DocumentError(
                    "A total row fills at least one column and leaves its label one."
                )


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Free text; it wraps and flows over pages. ``\\n`` starts a new line."""

    text: str
    bold: bool = False
    align: Align = "left"
    size: float = BODY_SIZE


@dataclass(frozen=True, slots=True)
class Party:
    """A side of the document ("Supplier", "Customer"): its name, tax number (INN), address and
    any further lines (KPP, bank details, a representative)."""

    role: str
    name: str
    inn: str = ""
    address: str = ""
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Signature:
    """A line to sign: "Supplier ______________ / A. N. Petrov /"."""

    role: str
    name: str = ""


Block = Paragraph | Table


@dataclass(frozen=True, slots=True)
class PdfDocument:
    """What a document says, in the order it is printed: the title with "No. … of <date>", the
    parties, the body, the signature lines. ``author`` (the park's name) goes into the metadata;
    ``created_at`` too (now when not given)."""

    title: str
    author: str
    number: str = ""
    date: dt.date | None = None
    parties: tuple[Party, ...] = ()
    body: tuple[Block, ...] = ()
    signatures: tuple[Signature, ...] = ()
    subject: str = ""
    created_at: dt.datetime | None = None


def render_pdf(doc: PdfDocument, *, language: str) -> bytes:
    """The PDF of ``doc``, with its labels, date and amounts written for a reader of ``language``."""
    with translation.override(language):
        writer = _Writer(language)
        writer.metadata(doc)
        writer.heading(doc)
        writer.parties(doc.parties)
        for block in doc.body:
            if isinstance(block, Table):
                writer.table(block)
            else:
                writer.paragraph(block)
        writer.signatures(doc.signatures)
        return bytes(writer.pdf.output())


def pdf_response(data: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    """``data`` as a PDF download named ``filename`` (Cyrillic names included, RFC 6266), or shown
    in the browser with ``inline``."""
    response = HttpResponse(data, content_type="application/pdf")
    disposition = content_disposition_header(not inline, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    return response


_DROPPED = frozenset({"Cc", "Cf", "Cs", "Cn"})
_KEPT_CONTROLS = {"\n": "\n", "\t": " ", "\r": "\n"}


def clean_text(value: object, glyphs: frozenset[int] | None = None) -> str:
    """``value`` as printable text: composed (NFC), control and format characters dropped (a tab
    as a space, a carriage return or ``\\r\\n`` as one line break); when ``glyphs`` is given, a
    space outside them as a plain space (a line or paragraph separator as a line break) and any
    other character outside them as ``?``."""
    text = unicodedata.normalize("NFC", str(value).replace("\r\n", "\n"))
    out: list[str] = []
    for char in text:
        kept = _KEPT_CONTROLS.get(char)
        if kept is not None:
            out.append(kept)
            continue
        category = unicodedata.category(char)
        if category in _DROPPED:
            continue
        if category in ("Zs", "Zl", "Zp") and glyphs is not None and ord(char) not in glyphs:
            out.append("\n" if category != "Zs" else " ")
        elif glyphs is not None and ord(char) not in glyphs:
            out.append(MISSING)
        else:
            out.append(char)
    return "".join(out)


@functools.cache
def _font_files() -> tuple[Path, Path]:
    """PT Sans regular and bold, from the ``fontpkg-pt-sans`` package."""
    try:
        import fontpkg

        regular = Path(fontpkg.path(FONT_FAMILY, weight=400))
        bold = Path(fontpkg.path(FONT_FAMILY, weight=700))
    except Exception as error:  # the package missing or its layout changed
        raise RuntimeError(
            "The PDF font is missing: install the project's dependencies "
            "(`pip install -e .`, which brings the fontpkg-pt-sans package)."
        ) from error
    return regular, bold


@functools.cache
def font_glyphs() -> frozenset[int]:
    """The code points the documents' font can draw (the same in regular and bold)."""
    pdf = FPDF()
    pdf.add_font(FONT, "", str(_font_files()[0]))
    pdf.set_font(FONT)
    return frozenset(getattr(pdf.current_font, "cmap", None) or ())


class _Pages(FPDF):
    """A4 pages with "Page n of N" at the foot."""

    # The total's alias is read in the footer only (and stays set for the output, which fills it
    # in): "{nb}" in a document's own text stays as typed.
    def header(self) -> None:
        self.alias_nb_pages("")  # an empty alias: none

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(90)
        label = _("Page %(number)s of %(total)s") % {"number": self.page_no(), "total": PAGES_ALIAS}
        self.alias_nb_pages(PAGES_ALIAS)
        self.cell(0, 5, label, align="R")
        self.set_text_color(0)


_ALIGN = {"left": "LEFT", "center": "CENTER", "right": "RIGHT"}
_ALIGN_SHORT: dict[Align, Literal["L", "C", "R"]] = {"left": "L", "center": "C", "right": "R"}


class _Writer:
    def __init__(self, language: str) -> None:
        regular, bold = _font_files()
        pdf = _Pages(orientation="portrait", unit="mm", format="A4")
        pdf.set_margins(left=20, top=15, right=15)
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.add_font(FONT, "", str(regular))
        pdf.add_font(FONT, "B", str(bold))
        pdf.set_font(FONT, size=BODY_SIZE)
        pdf.set_lang(language)
        pdf.add_page()
        self.pdf = pdf
        self.glyphs = font_glyphs()

    def text(self, value: object) -> str:
        return clean_text(value, self.glyphs)

    def metadata(self, doc: PdfDocument) -> None:
        pdf = self.pdf
        pdf.set_title(self.text(doc.title))
        pdf.set_author(self.text(doc.author))
        if doc.subject:
            pdf.set_subject(self.text(doc.subject))
        pdf.set_creator("Technopark")
        pdf.set_creation_date(doc.created_at or timezone.now())

    def write(self, text: str, *, size: float, bold: bool = False, align: Align = "left") -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.multi_cell(
            0, size * 0.5, text, align=_ALIGN_SHORT[align], new_x="LMARGIN", new_y="NEXT"
        )

    def heading(self, doc: PdfDocument) -> None:
        self.write(self.text(doc.title), size=TITLE_SIZE, bold=True, align="center")
        date = formats.date_format(doc.date, "DATE_FORMAT") if doc.date else ""
        number = self.text(doc.number).strip()
        if number and date:
            line = _("No. %(number)s of %(date)s") % {"number": number, "date": date}
        elif number:
            line = _("No. %(number)s") % {"number": number}
        else:
            line = date
        if line:
            self.write(self.text(line), size=BODY_SIZE + 1, align="center")
        self.pdf.ln(4)

    def parties(self, parties: tuple[Party, ...]) -> None:
        for party in parties:
            lines = [f"{self.text(party.role)}: {self.text(party.name)}"]
            if party.inn:
                lines.append(f"{_('INN')} {self.text(party.inn)}")
            if party.address:
                lines.append(f"{_('Address')}: {self.text(party.address)}")
            lines.extend(self.text(detail) for detail in party.details)
            self.write(lines[0], size=BODY_SIZE, bold=True)
            if len(lines) > 1:
                self.write("\n".join(lines[1:]), size=BODY_SIZE)
            self.pdf.ln(2)

    def paragraph(self, block: Paragraph) -> None:
        self.write(self.text(block.text), size=block.size, bold=block.bold, align=block.align)
        self.pdf.ln(2)

    def signatures(self, signatures: tuple[Signature, ...]) -> None:
        if not signatures:
            return
        self.pdf.ln(6)
        for signature in signatures:
            name = self.text(signature.name).strip()
            line = f"{self.text(signature.role)}  ____________________"
            if name:
                line += f"  / {name} /"
            self.write(line, size=BODY_SIZE)
            self.pdf.ln(5)

    def cell(self, value: CellValue) -> str:
        if isinstance(value, Money):
            return format_money(value.amount, value.currency)
        if isinstance(value, bool):
            raise DocumentError("A cell holds text, a number or Money, not a bool.")
        if isinstance(value, Decimal) and not value.is_finite():
            return "—"
        if isinstance(value, Decimal | int):
            return formats.number_format(value, use_l10n=True, force_grouping=True)
        return self.text(value)

    def fitted(self, text: str, width: float, *, bold: bool = False) -> str:
        """``text`` cut with "…" when it would make a row taller than ``MAX_CELL_LINES`` lines in
        a column ``width`` mm wide (measured a little narrower than the cell, so never more)."""
        pdf = self.pdf
        pdf.set_font(FONT, "B" if bold else "", TABLE_SIZE)
        usable = max(width - 2 * CELL_PADDING - 1, 2)
        # A wrapped line is less than half full only when the next word is longer than half a line,
        # so each two lines hold at least one line's width of text: twice the text's width in
        # lines, plus two per paragraph, bounds the row. Most cells need no line-by-line measuring.
        breaks = text.count("\n")
        if 2 * pdf.get_string_width(text) / usable + 2 * breaks + 2 <= MAX_CELL_LINES:
            return text
        lines = cast(
            list[str],
            pdf.multi_cell(
                usable,
                TABLE_LINE,
                text,
                dry_run=True,
                output=MethodReturnValue.LINES,
            ),
        )
        if len(lines) <= MAX_CELL_LINES:
            return text
        kept = [line.rstrip() for line in lines[:MAX_CELL_LINES]]
        kept[-1] = kept[-1][: max(len(kept[-1]) - 2, 0)] + ELLIPSIS
        return "\n".join(kept)

    def table(self, block: Table) -> None:
        pdf = self.pdf
        shares = [column.width for column in block.columns]
        widths = [pdf.epw * share / sum(shares) for share in shares]
        if min(widths) < MIN_COLUMN_WIDTH:
            raise DocumentError(f"A column is narrower than {MIN_COLUMN_WIDTH} mm.")
        aligns = [self.align(block, index) for index in range(len(block.columns))]
        bold = FontFace(emphasis="BOLD")
        pdf.set_font(FONT, "", TABLE_SIZE)
        with pdf.table(
            col_widths=tuple(widths),
            width=pdf.epw,
            line_height=TABLE_LINE,
            padding=CELL_PADDING,
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
            repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
            text_align="LEFT",
        ) as table:
            heading = table.row()
            for column, width, align in zip(block.columns, widths, aligns, strict=True):
                text = self.fitted(self.text(column.heading), width, bold=True)
                heading.cell(text, align=_ALIGN[align])
            for values in block.rows:
                row = table.row()
                for value, width, align in zip(values, widths, aligns, strict=True):
                    row.cell(self.fitted(self.cell(value), width), align=_ALIGN[align])
            for total in block.totals:
                row = table.row()
                span = len(block.columns) - len(total.values)
                label = self.fitted(self.text(total.label), sum(widths[:span]), bold=True)
                row.cell(label, colspan=span, align="RIGHT", style=bold)
                for value, width, align in zip(
                    total.values, widths[span:], aligns[span:], strict=True
                ):
                    row.cell(
                        self.fitted(self.cell(value), width, bold=True),
                        align=_ALIGN[align],
                        style=bold,
                    )
        pdf.set_font(FONT, "", BODY_SIZE)
        pdf.ln(3)

    @staticmethod
    def align(block: Table, index: int) -> Align:
        column = block.columns[index]
        if column.align is not None:
            return column.align
        numeric = [
            isinstance(row[index], Decimal | int | Money) and not isinstance(row[index], bool)
            for row in block.rows
        ]
        return "right" if numeric and all(numeric) else "left"
