"""The ledger's cohort pickers, rendered in one pass: a hundred ``<option>`` rows, twice a page,
cost through the template engine (or ``format_html`` per row) as much as the ledger's table."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def cohort_options(options: Iterable[tuple[int, str]], selected: int | None = None) -> SafeString:
    """``<option>`` per ``(pk, label)`` (``grants.queries.CohortOption``), ``selected`` marked;
    the label escaped, the pk an integer."""
    return mark_safe(  # noqa: S308 - every label escaped here, the pks are integers
        "".join(
            f'<option value="{int(pk)}"{" selected" if pk == selected else ""}>'
            f"{escape(str(label))}</option>"
            for pk, label in options
        )
    )
