"""Server-rendered SVG bar charts for the figures page: no script, nothing from another host.

``bar_chart`` draws one horizontal bar per row with its label and its value written beside it
(the value is text, so nothing is told by colour or length alone). The SVG is an image with a
title and a description for screen readers; the page puts a table with the same numbers next to
it. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 360  # the viewBox; the SVG scales to its box (a 390 px phone included)
LABEL_WIDTH = 150
VALUE_WIDTH = 80
ROW_HEIGHT = 26
BAR_HEIGHT = 16
BAR_COLOUR = "#2563a8"
TEXT_COLOUR = "#1a1a1a"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    shown: str  # the value as the reader reads it («1 200,00 ₽», «42,5 %»)


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    scale_max: Decimal | int | None = None,
) -> SafeString:
    """An accessible horizontal bar chart of ``bars`` (negative values drawn as zero).

    The full length is the largest value, or ``scale_max`` if that is larger: percentages pass
    100, so 4 % is drawn as a short bar even when it is the busiest instrument's."""
    top = max((Decimal(bar.value) for bar in bars), default=Decimal(0))
    if scale_max is not None:
        top = max(top, Decimal(scale_max))
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(len(bars), 1) * ROW_HEIGHT + 8
    rows = []
    for index, bar in enumerate(bars):
        value = max(Decimal(bar.value), Decimal(0))
        length = int(value * room / top) if top > 0 else 0
        y = 4 + index * ROW_HEIGHT
        rows.append(
            (
                LABEL_WIDTH - 6,
                y + BAR_HEIGHT - 3,
                TEXT_COLOUR,
                _short(bar.label),
                LABEL_WIDTH,
                y,
                length,
                BAR_HEIGHT,
                BAR_COLOUR,
                LABEL_WIDTH + length + 4,
                y + BAR_HEIGHT - 3,
                TEXT_COLOUR,
                bar.shown,
            )
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        width=WIDTH,
        height=height,
        title=title,
        desc=description,
        body=body,
    )
