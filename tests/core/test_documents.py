"""``core.documents``: PDFs read back by a second library (pypdf), Cyrillic and all.

No mocks: every test renders real bytes with fpdf2 and the PT Sans font of the ``fontpkg-pt-sans``
package, opens them with pypdf and reads the text, the page count and the metadata.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from technopark.core.documents import (
    ELLIPSIS,
    MAX_CELL_LINES,
    Column,
    DocumentError,
    Money,
    Paragraph,
    Party,
    PdfDocument,
    Signature,
    Table,
    TotalRow,
    clean_text,
    font_glyphs,
    pdf_response,
    render_pdf,
)

CREATED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
SUPPLIER = Party(
    role="Исполнитель",
    name="Инжиниринговый центр «Технопарк Якутия»",
    inn="1435123456",
    address="г. Якутск, ул. Кулаковского, 46",
    details=("КПП 143501001",),
)
CUSTOMER = Party(role="Заказчик", name="ООО «Северный код»", inn="1435654321")
COLUMNS = (
    Column("№", 0.6),
    Column("Наименование работ", 5),
    Column("Кол-во", 1.2),
    Column("Сумма", 2),
)


def _row(number: int) -> tuple[str | Decimal | Money, ...]:
    return (
        str(number),
        f"Испытание образца {number} на растяжение (Tensile test, ГОСТ 1497-84)",
        Decimal("1.5"),
        Money(Decimal("1600000.00")),
    )


def _act(
    rows: int = 3, *, body: tuple[Paragraph | Table, ...] | None = None, **fields: object
) -> PdfDocument:
    table = Table(
        columns=COLUMNS,
        rows=tuple(_row(number) for number in range(1, rows + 1)),
        totals=(TotalRow("Итого", (Money(Decimal("1600000.00") * rows),)),),
    )
    document: dict[str, object] = {
        "title": "Акт выполненных работ",
        "author": "Технопарк Якутия",
        "number": "ЭЦ-2026-0012",
        "date": dt.date(2026, 3, 2),
        "parties": (SUPPLIER, CUSTOMER),
        "body": body
        if body is not None
        else (Paragraph("Исполнитель выполнил, а заказчик принял следующие работы:"), table),
        "signatures": (Signature("Исполнитель", "Петров А. Н."), Signature("Заказчик")),
        "created_at": CREATED,
    }
    document.update(fields)
    return PdfDocument(**document)  # type: ignore[arg-type]


def _read(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in _read(data).pages]


def _squeezed(text: str) -> str:
    """The text without any whitespace: words wrapped over lines read whole again."""
    return "".join(text.split())


def test_an_act_in_russian_reads_back_with_its_cyrillic_text() -> None:
    pages = _pages(render_pdf(_act(), language="ru"))

    assert len(pages) == 1
    text = pages[0]
    assert "Акт выполненных работ" in text
    assert "№ ЭЦ-2026-0012 от 2 марта 2026" in text
    assert "Исполнитель: Инжиниринговый центр «Технопарк Якутия»" in text
    assert "ИНН 1435123456" in text
    assert "ИНН 1435654321" in text
    assert "Адрес: г. Якутск, ул. Кулаковского, 46" in text
    assert "КПП 143501001" in text
    assert "Наименование работ" in text
    assert "(Tensile test, ГОСТ 1497-84)" in text
    assert "1,5" in text
    # Money as a Russian reader writes it: spaces between groups (no-break ones, which the font
    # draws with the glyph of a space, so pypdf reads a space), a comma, the ₽ after.
    assert "1 600 000,00 ₽" in text
    assert "Итого" in text
    assert "4 800 000,00 ₽" in text
    assert "Петров А. Н." in text
    assert "Страница 1 из 1" in text


def test_the_same_act_for_an_english_reader() -> None:
    text = _pages(render_pdf(_act(), language="en"))[0]

    assert "No. ЭЦ-2026-0012 of 2 March 2026" in text
    assert "INN 1435123456" in text
    assert "Address: г. Якутск" in text
    assert "RUB 1,600,000.00" in text
    assert "1.5" in text
    assert "Page 1 of 1" in text


def test_the_metadata_names_the_document_the_park_and_the_language() -> None:
    reader = _read(render_pdf(_act(subject="Заказ ЭЦ-12"), language="ru"))

    metadata = reader.metadata
    assert metadata is not None
    assert metadata.title == "Акт выполненных работ"
    assert metadata.author == "Технопарк Якутия"
    assert metadata.subject == "Заказ ЭЦ-12"
    assert metadata.creation_date == CREATED
    assert reader.trailer["/Root"]["/Lang"] == "ru"


def test_a_fixed_creation_moment_gives_the_same_bytes() -> None:
    first = render_pdf(_act(), language="ru")

    assert render_pdf(_act(), language="ru") == first
    later = _act(created_at=CREATED + dt.timedelta(seconds=1))
    assert render_pdf(later, language="ru") != first
    assert render_pdf(_act(), language="en") != first


def test_a_long_table_continues_over_pages_with_its_heading_repeated() -> None:
    pages = _pages(render_pdf(_act(rows=70), language="ru"))

    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert "Наименование работ" in text, f"page {number} lacks the heading row"
        assert f"Страница {number} из {len(pages)}" in text
    # Every row is printed once, in order, and the total closes the last page.
    rows = [
        int(found)
        for text in pages
        for found in re.findall(r"Испытание образца (\d+) на растяжение", text)
    ]
    assert rows == list(range(1, 71))
    assert "Итого" in pages[-1]
    assert "Итого" not in "".join(pages[:-1])
    assert "Акт выполненных работ" in pages[0]
    assert "Акт выполненных работ" not in pages[1]


def test_long_cell_text_wraps_inside_its_column() -> None:
    words = [f"слово{number}" for number in range(60)]
    table = Table(
        columns=(Column("Описание", 1), Column("Сумма", 1)),
        rows=((" ".join(words), Money(Decimal("10"))),),
    )
    text = _pages(render_pdf(_act(body=(table,)), language="ru"))[0]

    lines = [line for line in text.splitlines() if "слово" in line]
    assert len(lines) > 3  # wrapped over several lines, none running off the column
    assert max(len(line) for line in lines) < 60
    squeezed = _squeezed(text)
    assert all(word in squeezed for word in words)


HOSTILE = (
    "<script>alert(1)</script>",
    "%PDF-1.4 %%EOF",
    "a)b(c\\d\\\\",
    "**bold** <b>tag</b> {nb} {{x}}",
    "null\x00bell\x07esc\x1b[31mred",
    "right\u202eleft zero\u200bwidth",
    "emoji😀end",
)


def test_hostile_text_is_printed_literally_and_control_characters_dropped() -> None:
    table = Table(
        columns=(Column("Текст <i>", 3), Column("Число", 1)),
        rows=tuple((value, Decimal(number)) for number, value in enumerate(HOSTILE)),
    )
    data = render_pdf(
        _act(title="Акт )\\ <script>", author="Парк\x00 %PDF", body=(table,)), language="ru"
    )
    reader = _read(data)
    text = reader.pages[0].extract_text()

    assert "<script>alert(1)</script>" in text
    assert "%PDF-1.4 %%EOF" in text
    assert "a)b(c\\d\\\\" in text
    assert "**bold** <b>tag</b> {nb} {{x}}" in text
    assert "nullbellesc[31mred" in text
    assert "rightleft zerowidth" in text
    assert "emoji?end" in text  # a character the font lacks prints as "?"
    assert "Текст <i>" in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\u200b\u202e]", text)
    metadata = reader.metadata
    assert metadata is not None
    assert metadata.title == "Акт )\\ <script>"
    assert metadata.author == "Парк %PDF"


def test_ten_thousand_characters_flow_over_pages_in_a_paragraph_and_are_cut_in_a_cell() -> None:
    paragraph = " ".join(["абвгд"] * 1666)  # 9 995 characters
    huge = "ж" * 10_000
    table = Table(columns=(Column("Огромная ячейка", 1), Column("№", 1)), rows=((huge, "1"),))
    data = render_pdf(
        _act(title="Т" * 10_000, body=(Paragraph(paragraph), table, Paragraph("конец"))),
        language="ru",
    )
    pages = _pages(data)
    text = "".join(pages)

    assert len(pages) > 2
    assert _squeezed(text).count("абвгд") == 1666
    # The cell is cut to a row that fits on a page, and says so with an ellipsis.
    cell = re.search(r"ж[ж\s]*…", text)
    assert cell is not None
    assert 100 < _squeezed(cell.group()).count("ж") < 10_000
    assert "конец" in pages[-1]


def test_a_cell_of_many_line_breaks_is_cut_too() -> None:
    table = Table(columns=(Column("Строки", 1),), rows=(("\n".join(["строка"] * 500),),))
    text = "".join(_pages(render_pdf(_act(body=(table,)), language="ru")))

    assert MAX_CELL_LINES - 2 <= text.count("строка") <= MAX_CELL_LINES
    assert ELLIPSIS in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("tab\there", "tab here"),
        ("dos\r\nline\rbreaks", "dos\nline\nbreaks"),
        ("\x00\x01\x7f\x9f", ""),
        ("soft\u00adhyphen\ufeff", "softhyphen"),
        ("е\u0308лка", "ёлка"),  # composed: the font has ё
        ("лишний\u2028разрыв", "лишний\nразрыв"),
        ("узкий\u202fпробел", "узкий пробел"),
        ("中文", "??"),
        ("\U0010ffff", ""),
    ],
)
def test_clean_text_against_the_fonts_glyphs(value: str, expected: str) -> None:
    assert clean_text(value, font_glyphs()) == expected


def test_clean_text_without_glyphs_keeps_every_printable_character() -> None:
    assert clean_text("中文\u202f😀\x00") == "中文\u202f😀"


@pytest.mark.parametrize(
    "build",
    [
        lambda: Table(columns=(), rows=()),
        lambda: Table(columns=(Column("a"),) * 13, rows=()),
        lambda: Table(columns=(Column("a"), Column("b")), rows=(("only one",),)),
        lambda: Table(
            columns=(Column("a"), Column("b")), rows=(), totals=(TotalRow("x", ("1", "2")),)
        ),
        lambda: Column("a", width=0),
    ],
)
def test_a_table_described_wrongly_is_refused_when_built(build: object) -> None:
    with pytest.raises(DocumentError):
        build()  # type: ignore[operator]


def test_a_column_too_narrow_to_print_in_is_refused_when_rendered() -> None:
    table = Table(columns=(Column("узкая", 0.01), Column("широкая", 1)), rows=(("а", "б"),))

    with pytest.raises(DocumentError):
        render_pdf(_act(body=(table,)), language="ru")
    twelve = Table(columns=(Column("к"),) * 12, rows=(("ячейка",) * 12,))
    assert render_pdf(_act(body=(twelve,)), language="ru").startswith(b"%PDF-")


def test_a_pdf_response_is_a_download_whose_cyrillic_name_survives() -> None:
    data = render_pdf(_act(), language="ru")
    response = pdf_response(data, filename="Акт ЭЦ-2026-0012.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response.content == data
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%D0%90%D0%BA%D1%82%20%D0%AD%D0%A6-2026-0012.pdf" in disposition
    inline = pdf_response(data, filename="act.pdf", inline=True)
    assert inline["Content-Disposition"] == 'inline; filename="act.pdf"'


def test_a_document_with_nothing_but_a_title_renders() -> None:
    data = render_pdf(PdfDocument(title="Сертификат участника", author="Технопарк"), language="ru")

    pages = _pages(data)
    assert len(pages) == 1
    assert "Сертификат участника" in pages[0]


_WORD = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+")
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
_TEXTS = st.one_of(
    st.text(max_size=120),
    st.text(alphabet=st.sampled_from(_CYRILLIC + " ,.-\n0123456789«»№"), max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
)


@settings(max_examples=40)
@given(cells=st.lists(st.tuples(_TEXTS, _TEXTS), min_size=1, max_size=6), title=_TEXTS)
def test_any_text_in_cells_renders_and_its_words_read_back(
    cells: list[tuple[str, str]], title: str
) -> None:
    assume(all(a.count("\n") + b.count("\n") < 10 for a, b in cells))
    table = Table(
        columns=(Column("Первый", 2), Column("Второй", 1), Column("Сумма", 1)),
        rows=tuple((a, b, Money(Decimal("12.30"))) for a, b in cells),
    )
    data = render_pdf(_act(title=title, body=(table,)), language="ru")

    text = _squeezed("".join(_pages(data)))
    glyphs = font_glyphs()
    for value in (title, *(cell for row in cells for cell in row)):
        for word in _WORD.findall(clean_text(value, glyphs)):
            assert word in text
    assert text.count("12,30₽") == len(cells)
