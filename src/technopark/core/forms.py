"""What every form shares: the input rules, and a service's refusal shown where it is seen.

**Input rules** (``InputRulesMixin``, part of ``ServiceErrorsMixin``, so every form of the
project has them): after a form's own cleaning, each text value is checked for control characters
(line breaks only in a textarea), each whole number for 64 bits and each date or date and time
for the platform's years (``core.inputs``); a refused value is an error next to its field, and the form is invalid, so
nothing is saved. ``tests/security`` checks that every form of the project mixes them in.

**Service errors.**

Guarantees: every message of a service's ``ValidationError`` reaches the form, none is dropped.
A message keyed by a field the form has (or renamed onto one by ``service_error_fields``) is put
next to that field; every other message (a plain list, ``NON_FIELD_ERRORS``, a key the form does
not know) is put above the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from technopark.core.inputs import day_problem, number_problem, text_problem

if TYPE_CHECKING:
    from django.forms import BaseForm

    _FormBase = BaseForm
else:
    _FormBase = object


def _value_problem(value: Any, *, multiline: bool) -> str | None:
    if isinstance(value, str):
        return text_problem(value, multiline=multiline)
    if isinstance(value, dt.date):  # a datetime is a date too
        return day_problem(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return number_problem(value)
    if isinstance(value, list | tuple):
        for item in value:
            problem = _value_problem(item, multiline=multiline)
            if problem is not None:
                return problem
    return None


# What <input type="date"> and <input type="datetime-local"> hold: ISO, in every language. A
# localised value ("21.12.2026") is not a value such an input accepts, so the browser shows it
# empty and sends nothing back.
_ISO_INPUT_FORMATS = {"date": "%Y-%m-%d", "datetime-local": "%Y-%m-%dT%H:%M"}


def iso_date_inputs(fields: Mapping[str, forms.Field]) -> None:
    """Render the value of every date and date-time picker of ``fields`` in ISO; the fields go
    on accepting both the reader's way of typing a date and ISO (``core.formats``)."""
    for field in fields.values():
        widget = field.widget
        iso = _ISO_INPUT_FORMATS.get(getattr(widget, "input_type", ""))
        if iso is not None and isinstance(widget, forms.DateInput | forms.DateTimeInput):
            widget.format = iso


class InputRulesMixin(_FormBase):
    """Mix into a ``forms.Form`` (before it): refuse control characters and dates out of range,
    and show dates in date pickers in ISO (``iso_date_inputs``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        iso_date_inputs(self.fields)

    def full_clean(self) -> None:
        super().full_clean()
        cleaned = getattr(self, "cleaned_data", None)
        if not self.is_bound or cleaned is None:
            return
        for name, field in self.fields.items():
            if name not in cleaned:
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            problem = _value_problem(cleaned[name], multiline=multiline)
            if problem is not None:
                self.add_error(name, ValidationError(problem, code="input_rules"))


class ServiceErrorsMixin(InputRulesMixin):
    """Mix into a ``forms.Form`` (before it) to give it ``add_service_error`` and the input
    rules."""

    # A service's name for an input → the form's field for it (the service says "user", the
    # form asks for an "email").
    service_error_fields: ClassVar[Mapping[str, str]] = {}

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's refusal at the field it names, or above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            name = self.service_error_fields.get(name, name)
            field = name if name in self.fields and name != NON_FIELD_ERRORS else None
            self.add_error(field, errors)
