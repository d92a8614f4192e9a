"""Form error mapping: a service's refusal shown where the person filling the form will see it.

Guarantees: every message of a service's ``ValidationError`` reaches the form, none is dropped.
A message keyed by a field the form has (or renamed onto one by ``service_error_fields``) is put
next to that field; every other message (a plain list, ``NON_FIELD_ERRORS``, a key the form does
not know) is put above the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

if TYPE_CHECKING:
    from django.forms import BaseForm

    _FormBase = BaseForm
else:
    _FormBase = object


class ServiceErrorsMixin(_FormBase):
    """Mix into a ``forms.Form`` (before it) to give it ``add_service_error``."""

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
